package market

import (
	"math"
	"slices"
)

// LotPlan is the one way a report proposes to cut the contract: lots of
// equal size that add up to the volume, each carried by enough suppliers
// allowed to bid on it. Without a plan, NoPlan says why.
type LotPlan struct {
	Lots []Lot `json:"lots,omitempty"`
	// LotFTE is the size of every lot but the last, which takes what
	// rounding to 0.1 FTE leaves.
	LotFTE   float64 `json:"lot_fte,omitempty"`
	Reserved int     `json:"reserved"` // how many lots are reserved
	// NoPlan is why there is no plan: NoPlanTooFewSuppliers,
	// NoPlanBelowMinLot or NoPlanTooManyLots.
	NoPlan string `json:"no_plan,omitempty"`
}

// Lot is one lot of a plan.
type Lot struct {
	FTE      float64 `json:"fte"`
	Reserved bool    `json:"reserved"`
	// Carriers are the suppliers allowed to bid on the lot (eligible ones
	// for a reserved lot, every matching one for an open lot) with enough
	// free capacity to carry it alone.
	Carriers int `json:"carriers"`
	// ValueEUR is the lot's share of the yearly value, by its FTE.
	ValueEUR float64 `json:"value_eur,omitempty"`
	// Dependent counts the carriers for which the lot's value is above the
	// dependency threshold of their turnover.
	Dependent int `json:"dependent"`
	// Legal is the lot's basis for reservation and its notice fields.
	Legal Legal `json:"legal"`
}

// Why there is no lot plan.
const (
	NoPlanTooFewSuppliers = "too_few_suppliers" // fewer than lot_min_suppliers can carry any lot
	NoPlanBelowMinLot     = "below_min_lot"     // lots would be smaller than min_lot_fte
	NoPlanTooManyLots     = "too_many_lots"     // more than max_lots lots would be needed
)

// lotStep is the precision of lot sizes.
const lotStep = 0.1

// capacityOf is a supplier's free capacity with what the plan needs to
// know of it.
type capacityOf struct {
	fte      float64
	eligible bool
}

// planLots cuts volume into lots by the settings' rules:
//  1. the lots add up to the volume exactly;
//  2. they are of equal size to 0.1 FTE, the last taking the rounding (a
//     little more or less);
//  3. each is carried by at least LotMinSuppliers suppliers allowed to bid;
//  4. none is below MinLotFTE and there are at most MaxLots;
//  5. with at least ReserveMinSuppliers eligible suppliers, the lots are the
//     largest that every lot could be reserved at, and as many are
//     reserved as the eligible capacity covers; otherwise, only when fewer
//     than LotMinSuppliers can carry the whole volume, the fewest open lots.
func planLots(volume float64, caps []capacityOf, s Settings) LotPlan {
	var eligible, all []float64
	for _, c := range caps {
		all = append(all, c.fte)
		if c.eligible {
			eligible = append(eligible, c.fte)
		}
	}
	if len(eligible) >= s.ReserveMinSuppliers {
		if p := cut(volume, eligible, s); p.NoPlan == "" {
			eligibleFTE := sum(eligible)
			p.Reserved = min(len(p.Lots), int(math.Floor(eligibleFTE/p.LotFTE+1e-9)))
			if eligibleFTE >= volume-1e-9 {
				// The last lot is smaller: what covers the others covers it.
				p.Reserved = len(p.Lots)
			}
			for i := range p.Lots {
				p.Lots[i].Reserved = i < p.Reserved
				pool := all
				if p.Lots[i].Reserved {
					pool = eligible
				}
				p.Lots[i].Carriers = carriers(pool, p.Lots[i].FTE)
			}
			return p
		} else if p.NoPlan != NoPlanTooFewSuppliers {
			return p
		}
	}
	if carriers(all, volume) >= s.LotMinSuppliers {
		// No need to split: the whole contract is one open lot.
		return LotPlan{LotFTE: round1(volume), Lots: []Lot{{FTE: round2(volume), Carriers: carriers(all, volume)}}}
	}
	p := cut(volume, all, s)
	for i := range p.Lots {
		p.Lots[i].Carriers = carriers(all, p.Lots[i].FTE)
	}
	return p
}

// cut finds the fewest lots of equal size that at least LotMinSuppliers of
// the capacities can each carry.
func cut(volume float64, capacities []float64, s Settings) LotPlan {
	if len(capacities) < s.LotMinSuppliers || s.LotMinSuppliers < 1 {
		return LotPlan{NoPlan: NoPlanTooFewSuppliers}
	}
	c := slices.Clone(capacities)
	slices.Sort(c)
	largest := c[len(c)-s.LotMinSuppliers] // what LotMinSuppliers can each carry
	if largest < lotStep {
		return LotPlan{NoPlan: NoPlanTooFewSuppliers}
	}
	for n := max(1, int(math.Ceil(volume/largest-1e-9))); ; n++ {
		size := round1(volume / float64(n))
		last := round2(volume - float64(n-1)*size)
		switch {
		case n > s.MaxLots:
			return LotPlan{NoPlan: NoPlanTooManyLots}
		case size < s.MinLotFTE-1e-9 || last < s.MinLotFTE-1e-9:
			return LotPlan{NoPlan: NoPlanBelowMinLot}
		case size > largest+1e-9 || last > largest+1e-9:
			continue // rounding made a lot too large to carry: one more
		}
		p := LotPlan{LotFTE: size}
		for i := range n {
			fte := size
			if i == n-1 {
				fte = last
			}
			p.Lots = append(p.Lots, Lot{FTE: fte})
		}
		return p
	}
}

// carriers counts the capacities that can carry fte alone.
func carriers(capacities []float64, fte float64) int {
	n := 0
	for _, c := range capacities {
		if c >= fte-1e-9 {
			n++
		}
	}
	return n
}

func sum(xs []float64) float64 {
	var t float64
	for _, x := range xs {
		t += x
	}
	return t
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }
