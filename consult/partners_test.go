package consult_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/verken/verken/consult"
)

// Who may be proposed as a partner: not one that said it is not
// interested, nor one that would only bid alone, nor a firm without a
// profile; one that has not answered, or would bid with others or as
// subcontractor, may.
func TestMayPartner(t *testing.T) {
	answered := func(interested bool, bids ...string) consult.Recipient {
		return consult.Recipient{Response: &consult.Response{Interested: interested, Bids: bids}}
	}
	for _, c := range []struct {
		name string
		r    consult.Recipient
		want bool
	}{
		{"no answer", consult.Recipient{}, true},
		{"not interested", answered(false), false},
		{"not interested, with others on record", answered(false, consult.BidWithOthers), false},
		{"alone only", answered(true, consult.BidAlone), false},
		{"no way of bidding", answered(true), false},
		{"with others", answered(true, consult.BidWithOthers), true},
		{"as subcontractor", answered(true, consult.BidAlone, consult.BidSubcontractor), true},
		{"unclaimed", consult.Recipient{Candidate: consult.Candidate{Unclaimed: true}}, false},
	} {
		if got := consult.MayPartner(c.r); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

// The worked case: lots of 3 and 3 (the same size: proposed once) and 1;
// a supplier with 1.5 FTE needs one partner of 1.5 or more, and gets the
// largest; itself and those without capacity are never proposed.
func TestPartnersForLots(t *testing.T) {
	c := consult.Consultation{Lots: []consult.Lot{{FTE: 3}, {FTE: 3}, {FTE: 1}}, Scope: consult.Scope{VolumeFTE: 7}}
	cands := []consult.Partner{
		{SupplierID: "self", Name: "Zelf", FreeFTE: 9},
		{SupplierID: "a", Name: "A", FreeFTE: 1},
		{SupplierID: "b", Name: "B", FreeFTE: 2},
		{SupplierID: "c", Name: "C", FreeFTE: 1.5},
		{SupplierID: "z", Name: "Zonder", FreeFTE: 0},
	}
	got := consult.PartnersFor(c, "self", 1.5, cands)
	if len(got) != 1 || got[0].Lot != 1 || got[0].FTE != 3 || got[0].Own != 1.5 || got[0].Total != 3.5 ||
		len(got[0].Partners) != 1 || got[0].Partners[0].SupplierID != "b" {
		t.Fatalf("%+v", got)
	}
	// Two partners when no one covers it with it: B and C (3.5), not B and A.
	got = consult.PartnersFor(c, "self", 0.5, cands)
	if len(got) != 2 || len(got[0].Partners) != 2 || got[0].Partners[0].SupplierID != "b" || got[0].Partners[1].SupplierID != "c" || got[0].Total != 4 {
		t.Fatalf("%+v", got)
	}
	if got[1].Lot != 3 || len(got[1].Partners) != 1 || got[1].Partners[0].SupplierID != "b" {
		t.Fatalf("the lot of 1: %+v", got[1])
	}
	// One that carries every lot is proposed none.
	if got := consult.PartnersFor(c, "self", 3, cands); len(got) != 0 {
		t.Fatalf("carries every lot, yet: %+v", got)
	}
	// Without a lot plan, the whole volume; when all together do not
	// cover it, the lot is said with no partners.
	whole := consult.Consultation{Scope: consult.Scope{VolumeFTE: 20}}
	got = consult.PartnersFor(whole, "self", 1, cands)
	if len(got) != 1 || got[0].Lot != 0 || got[0].FTE != 20 || got[0].Partners != nil || got[0].Total != 1 {
		t.Fatalf("the whole volume: %+v", got)
	}
}

// Against every subset of partners (at most MaxPartners of them): the
// proposal has the fewest partners that cover the lot, and among those
// the most capacity; when none is proposed, no such subset exists.
func TestPartnersForIsExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 400 {
		n := rng.IntN(9)
		var cands []consult.Partner
		for i := range n {
			cands = append(cands, consult.Partner{SupplierID: string(rune('a' + i)), Name: string(rune('A' + i)), FreeFTE: float64(rng.IntN(12)) / 4})
		}
		lot := float64(1+rng.IntN(24)) / 2
		own := float64(rng.IntN(8)) / 4
		c := consult.Consultation{Lots: []consult.Lot{{FTE: lot}}}
		got := consult.PartnersFor(c, "self", own, cands)
		// The best by brute force.
		bestK, bestSum := math.MaxInt, -1.0
		for mask := 1; mask < 1<<n; mask++ {
			k, sum := 0, own
			for i := range n {
				if mask&(1<<i) != 0 && cands[i].FreeFTE > 0 {
					k++
					sum += cands[i].FreeFTE
				} else if mask&(1<<i) != 0 {
					k = math.MaxInt / 2
				}
			}
			if k > consult.MaxPartners || sum+1e-9 < lot {
				continue
			}
			if k < bestK || k == bestK && sum > bestSum {
				bestK, bestSum = k, sum
			}
		}
		if own >= lot {
			if len(got) != 0 {
				t.Fatalf("round %d: carries the lot alone, yet %+v", round, got)
			}
			continue
		}
		if len(got) != 1 {
			t.Fatalf("round %d: %+v", round, got)
		}
		ps := got[0].Partners
		if bestK == math.MaxInt {
			if ps != nil {
				t.Fatalf("round %d: no subset covers %v with %v, yet %+v", round, lot, own, ps)
			}
			continue
		}
		sum := own
		for _, p := range ps {
			sum += p.FreeFTE
		}
		if len(ps) != bestK || math.Abs(sum-bestSum) > 1e-9 || math.Abs(got[0].Total-math.Round(bestSum*100)/100) > 1e-9 {
			t.Fatalf("round %d: lot %v own %v from %+v: got %d partners %v, want %d with %v", round, lot, own, cands, len(ps), sum, bestK, bestSum)
		}
		if slices.ContainsFunc(ps, func(p consult.Partner) bool { return p.FreeFTE <= 0 }) {
			t.Fatalf("round %d: a partner without capacity", round)
		}
	}
}
