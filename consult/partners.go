package consult

import (
	"cmp"
	"math"
	"slices"
	"strings"
)

// Partners: a recipient that cannot carry a lot alone (its free capacity
// for the consultation's tasks below the lot's size) is shown other
// recipients whose capacity, together with its own, covers the lot. Only
// recipients that may bid with others are offered: those that said they
// would bid with others or as subcontractor, and those that have not
// answered; one that said it is not interested never is. A partner is
// shown by its profile's public figures (name, municipality, free
// capacity), never by its answer.

// MaxPartners bounds the partners proposed for one lot: a temporary
// association of more is not a proposal one acts on.
const MaxPartners = 5

// Partner is a supplier one might bid with, as its profile shows it.
type Partner struct {
	SupplierID   string
	Name         string
	Municipality string
	FreeFTE      float64
}

// LotPartners are the partners proposed for one lot the supplier cannot
// carry alone.
type LotPartners struct {
	// Lot numbers the lot from 1 in the consultation's lot plan; 0 is the
	// whole volume of a consultation without one.
	Lot int
	// FTE is the lot's size, Own the supplier's free capacity.
	FTE, Own float64
	// Partners are the fewest that cover the lot with Own, and of those
	// the ones with the most capacity; none when no MaxPartners do.
	Partners []Partner
	// Total is Own with the partners' capacity.
	Total float64
}

// MayPartner reports whether a recipient may be proposed as a partner: it
// has not answered, or it answered interested and would bid with others
// or as subcontractor.
func MayPartner(r Recipient) bool {
	if r.Unclaimed {
		// A firm without a profile declared no capacity.
		return false
	}
	if r.Response == nil {
		return true
	}
	return r.Response.Interested && (slices.Contains(r.Response.Bids, BidWithOthers) || slices.Contains(r.Response.Bids, BidSubcontractor))
}

// fteEpsilon absorbs the rounding of sums of capacities given to the
// hundredth.
const fteEpsilon = 1e-9

// PartnersFor proposes partners to a supplier with free capacity own for
// every lot of c it cannot carry alone (the whole volume when c has no lot
// plan); lots of the same size are proposed once, under the first.
// Candidates are the suppliers that may partner (MayPartner), with their
// free capacity now; the supplier itself and those without capacity are
// left out.
//
// For a lot it needs the fewest partners whose capacity with its own
// covers the lot, and of those the most capacity. The k partners with the
// most capacity hold the most any k of them can, so the smallest k whose
// largest partners cover the lot is the fewest, and those partners are the
// ones with the most capacity: taking them in order of capacity is exact.
func PartnersFor(c Consultation, self string, own float64, candidates []Partner) []LotPartners {
	sizes := make([]float64, 0, len(c.Lots))
	for _, l := range c.Lots {
		sizes = append(sizes, l.FTE)
	}
	whole := len(sizes) == 0
	if whole {
		sizes = append(sizes, c.Scope.VolumeFTE)
	}
	pool := slices.DeleteFunc(slices.Clone(candidates), func(p Partner) bool { return p.SupplierID == self || !(p.FreeFTE > 0) })
	slices.SortFunc(pool, func(a, b Partner) int {
		if c := cmp.Compare(b.FreeFTE, a.FreeFTE); c != 0 {
			return c
		}
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return strings.Compare(a.SupplierID, b.SupplierID)
	})
	var out []LotPartners
	var seen []float64
	for i, size := range sizes {
		if !(size > 0) || own+fteEpsilon >= size || slices.Contains(seen, size) {
			continue
		}
		seen = append(seen, size)
		lp := LotPartners{FTE: size, Own: own, Total: own}
		if !whole {
			lp.Lot = i + 1
		}
		total := own
		for k, p := range pool {
			if k == MaxPartners {
				break
			}
			total += p.FreeFTE
			if total+fteEpsilon >= size {
				lp.Partners = slices.Clone(pool[:k+1])
				lp.Total = math.Round(total*100) / 100
				break
			}
		}
		out = append(out, lp)
	}
	return out
}
