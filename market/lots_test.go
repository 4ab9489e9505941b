package market

import (
	"fmt"
	"math"
	"testing"
)

func eligibleCaps(ftes ...float64) []capacityOf {
	out := make([]capacityOf, len(ftes))
	for i, f := range ftes {
		out[i] = capacityOf{fte: f, eligible: true}
	}
	return out
}

func openCaps(ftes ...float64) []capacityOf {
	out := make([]capacityOf, len(ftes))
	for i, f := range ftes {
		out[i] = capacityOf{fte: f}
	}
	return out
}

// sizes writes a plan as "2r 2r 2o" (fte, reserved or open) or its reason.
func sizes(p LotPlan) string {
	if p.NoPlan != "" {
		return p.NoPlan
	}
	s := ""
	for i, l := range p.Lots {
		if i > 0 {
			s += " "
		}
		kind := "o"
		if l.Reserved {
			kind = "r"
		}
		s += fmt.Sprintf("%g%s", l.FTE, kind)
	}
	return s
}

// The four examples of the issue that specifies the lot plan.
func TestLotPlanExamples(t *testing.T) {
	for _, c := range []struct {
		name   string
		volume float64
		caps   []capacityOf
		want   string
	}{
		{"6 FTE, eligible 2, 2, 1.5, 1", 6, eligibleCaps(2, 2, 1.5, 1), "2r 2r 2r"},
		{"60 FTE, eligible 20, 17, 10, 5, regular 40", 60, append(eligibleCaps(20, 17, 10, 5), openCaps(40)...), "15r 15r 15r 15o"},
		{"2 FTE, eligible 0.5 × 4", 2, eligibleCaps(0.5, 0.5, 0.5, 0.5), NoPlanBelowMinLot},
		{"10 FTE, only 10 and 1", 10, openCaps(10, 1), NoPlanTooManyLots},
	} {
		if got := sizes(planLots(c.volume, c.caps, DefaultSettings)); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

// Each rule, with a case that meets it and one that just misses it.
func TestLotPlanRules(t *testing.T) {
	s := DefaultSettings
	check := func(name string, p LotPlan, want string) {
		t.Helper()
		if got := sizes(p); got != want {
			t.Errorf("%s: %s, want %s", name, got, want)
		}
	}
	// 1. The lots add up to the volume, to the hundredth, whatever it is.
	for _, v := range []float64{7, 7.05, 9.99, 13.3, 59.9} {
		p := planLots(v, openCaps(10, 10, 10), s)
		total := 0.0
		for _, l := range p.Lots {
			total += l.FTE
		}
		if p.NoPlan != "" || math.Abs(total-v) > 0.005 {
			t.Errorf("rule 1, %g FTE: lots %s add up to %g", v, sizes(p), total)
		}
	}
	// 2. Equal lots to 0.1 FTE, the last taking the rounding: 7 FTE in
	// lots of at most 3 is 2.3, 2.3, 2.4; 6 FTE is three equal lots.
	check("rule 2, 7 FTE", planLots(7, openCaps(3, 3), s), "2.3o 2.3o 2.4o")
	check("rule 2, 6 FTE", planLots(6, openCaps(3, 3), s), "3o 3o")
	// 3. Every lot carried by two suppliers allowed to bid: with 3 and 2.9
	// FTE free, lots of 2.9 at most; with 3 and 3, lots of 3.
	check("rule 3 met", planLots(6, openCaps(3, 3), s), "3o 3o")
	check("rule 3 missed by 0.1", planLots(6, openCaps(3, 2.9), s), "2o 2o 2o")
	// 4. No lot below 1 FTE and at most 8: 8 lots of 1 FTE pass, 8.5 FTE
	// in lots of at most 1 would need 9.
	check("rule 4 met", planLots(8, openCaps(1, 1), s), "1o 1o 1o 1o 1o 1o 1o 1o")
	check("rule 4, too many", planLots(8.5, openCaps(1, 1), s), NoPlanTooManyLots)
	check("rule 4, too small", planLots(1.8, openCaps(0.9, 0.9), s), NoPlanBelowMinLot)
	// 5. Three eligible suppliers: lots every one of which could be
	// reserved, as many reserved as their capacity covers; with two
	// eligible, only open lots, and those only because no two suppliers
	// can carry the whole volume.
	check("rule 5, three eligible", planLots(9, append(eligibleCaps(3, 3, 1), openCaps(9)...), s), "3r 3r 3o")
	check("rule 5, two eligible", planLots(9, append(eligibleCaps(3, 3), openCaps(9)...), s), "3o 3o 3o")
	check("rule 5, two can carry it all", planLots(9, append(eligibleCaps(3, 3), openCaps(9, 9)...), s), "9o")
	check("rule 5, whole contract reserved", planLots(3, eligibleCaps(3, 3, 3), s), "3r")
	// The settings are the rules' thresholds.
	three := s
	three.LotMinSuppliers = 3
	check("lot_min_suppliers 3", planLots(6, openCaps(3, 3, 2), three), "2o 2o 2o")
	few := s
	few.MaxLots = 2
	check("max_lots 2", planLots(6, openCaps(2, 2), few), NoPlanTooManyLots)
}

// Every lot of a plan is carried by enough suppliers allowed to bid on it.
func TestLotPlanCarriers(t *testing.T) {
	p := planLots(60, append(eligibleCaps(20, 17, 10, 5), openCaps(40)...), DefaultSettings)
	for i, l := range p.Lots {
		if l.Carriers < DefaultSettings.LotMinSuppliers {
			t.Errorf("lot %d (%g FTE, reserved %v): %d carriers", i+1, l.FTE, l.Reserved, l.Carriers)
		}
	}
	if p.Lots[0].Carriers != 2 || p.Lots[3].Carriers != 3 {
		t.Errorf("carriers: %+v", p.Lots)
	}
}
