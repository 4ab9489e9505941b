package market

import (
	"math"
	"regexp"
	"time"
)

// Legal is what a lot's notice needs: the basis for reserving it (or why
// none), the eForms fields the buyer fills in, and the clause the advice
// suggests. The facts come from data.Rules, each with its source and
// whether it was verified (docs/rules.md).
type Legal struct {
	// Basis is the code of data.Rules.Reservations that applies:
	// "sheltered_integration" for a reserved lot, "none" otherwise.
	Basis        string `json:"basis"`
	LegalBasisBE string `json:"legal_basis_be"`
	LegalBasisEU string `json:"legal_basis_eu"`
	Status       string `json:"status"` // of the basis: verified, partly, unverified
	// WhyNone says why an open lot is not reserved: too few eligible
	// suppliers, or not enough eligible capacity for this lot too.
	WhyNone string `json:"why_none,omitempty"`
	// BT71 is eForms' reserved participation (res-ws, res-pub-ser, none);
	// BT736 its reserved execution (yes, no); BT262 the main CPV; BT27
	// the estimated value of the lot over the contract's duration.
	BT71  string  `json:"bt_71"`
	BT736 string  `json:"bt_736"`
	BT262 string  `json:"bt_262,omitempty"`
	BT27  float64 `json:"bt_27,omitempty"`
	// Clause is the model clause for the lot: ClauseReservation,
	// ClauseExecution or ClauseAward.
	Clause string `json:"clause"`
	// TargetGroupHours estimates a year's work for target-group workers in
	// the lot: its FTE × FTEHours × 52 weeks × the average target-group
	// share of the eligible suppliers (of the social-economy ones when no
	// supplier is eligible).
	TargetGroupHours float64 `json:"target_group_hours,omitempty"`
}

// Model clauses.
const (
	ClauseReservation = "reservation"
	ClauseExecution   = "execution"
	ClauseAward       = "award"
)

// Why an open lot is not reserved.
const (
	WhyTooFewEligible  = "too_few_eligible" // fewer than reserve_min_suppliers eligible
	WhyEligibleCovered = "eligible_covered" // the eligible capacity goes to the reserved lots
)

// Threshold places the contract against the EU threshold for services of a
// sub-central authority (cities, OCMW/CPAS, provinces and the Flemish
// government's agencies buy as such).
type Threshold struct {
	Name      string  `json:"name"`
	AmountEUR float64 `json:"amount_eur"`
	LegalAct  string  `json:"legal_act"`
	// Act is the act's number, "(EU) 2025/2152", for pages that name the
	// act in the reader's language.
	Act        string  `json:"act,omitempty"`
	Verified   bool    `json:"verified"`
	Above      bool    `json:"above"`
	ValueEUR   float64 `json:"value_eur"` // the contract's estimated value over its duration
	ValidUntil string  `json:"valid_until"`
}

// actNumber finds an EU act's number in the name the rules table gives it.
var actNumber = regexp.MustCompile(`\(EU\) \d{4}/\d+`)

// durationYears is the contract's length in years; without one, a year.
func durationYears(months int) float64 {
	if months <= 0 {
		return 1
	}
	return float64(months) / 12
}

// frame gives every lot of the plan its legal frame, and the report its
// place against the EU threshold.
func (c *Checker) frame(rep *CheckReport, volume float64) {
	in := rep.Input
	cpv := in.CPV
	if cpv == "" && len(in.Tasks) > 0 {
		if t, ok := c.Tasks.Task(in.Tasks[0]); ok && len(t.CPV) > 0 {
			cpv = t.CPV[0]
		}
	}
	years := durationYears(in.DurationMonths)
	var eligibleShare, socialShare float64
	var eligible, social int
	for _, s := range rep.Suppliers {
		if s.Eligible {
			eligibleShare += s.TargetGroupShare
			eligible++
		}
		if s.Social {
			socialShare += s.TargetGroupShare
			social++
		}
	}
	share := 0.0
	switch {
	case eligible > 0:
		share = eligibleShare / float64(eligible)
	case social > 0:
		share = socialShare / float64(social)
	}
	enoughEligible := rep.Figures.Eligible >= rep.Settings.ReserveMinSuppliers
	for i := range rep.Plan.Lots {
		l := &rep.Plan.Lots[i]
		g := Legal{Basis: "none", BT262: cpv, BT27: math.Round(l.ValueEUR * years),
			TargetGroupHours: math.Round(l.FTE * FTEHours * 52 * share / 100)}
		switch {
		case l.Reserved:
			g.Basis, g.Clause = "sheltered_integration", ClauseReservation
		case rep.Figures.Social >= rep.Settings.ClauseMinSuppliers:
			g.Clause = ClauseExecution
		default:
			g.Clause = ClauseAward
		}
		if !l.Reserved {
			g.WhyNone = WhyEligibleCovered
			if !enoughEligible {
				g.WhyNone = WhyTooFewEligible
			}
		}
		if c.Rules != nil {
			r := c.Rules.Reservations[g.Basis]
			g.LegalBasisBE, g.LegalBasisEU, g.Status, g.BT71, g.BT736 = r.LegalBasisBE, r.LegalBasisEU, r.Status, r.BT71, r.BT736
		}
		l.Legal = g
	}
	if c.Rules == nil || in.YearlyValueEUR <= 0 {
		return
	}
	if t, ok := c.Rules.Threshold("supplies_services_subcentral", in.Start.Time()); ok {
		value := math.Round(in.YearlyValueEUR * years)
		rep.Threshold = &Threshold{Name: t.Name, AmountEUR: t.AmountEUR, LegalAct: t.LegalAct, Act: actNumber.FindString(t.LegalAct), Verified: t.Verified,
			Above: value >= t.AmountEUR, ValueEUR: value, ValidUntil: t.To.Format(time.DateOnly)}
	}
}
