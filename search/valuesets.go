package search

import (
	"math"
	"math/bits"
	"sync"
)

// The catalogue keeps, beside its entries, the suppliers of every facet
// value as a set, and the facts the range filters compare as columns. A
// filter is then a union of a few sets, and a facet count the size of an
// intersection: a search without words or filters costs a few hundred
// passes over 12.5 kB instead of a visit to each of 100,000 suppliers.

// valueSets are the catalogue's sets and columns, by ordinal.
type valueSets struct {
	words  int    // the length of every set
	live   bitset // ordinals that hold an entry
	values []bitset
	// serves holds, per municipality ordinal, the suppliers with an offer
	// that serves it (an offer without a service area serves everywhere).
	serves []bitset

	// slots hold the offers one by one, for the correlation rule: slot j
	// holds the j-th offer of every supplier with at most len(slots)
	// offers. A supplier with more is in overflow, and a search visits
	// its offers instead.
	slots    []offerSlot
	overflow bitset

	// dated caches the sets that depend on a day: eligible for a reserved
	// contract, confirmed since, available by. Searches ask for the same
	// few days (today, a year ago, the facets' dates), and updates keep
	// the cached sets current.
	mu    sync.Mutex
	dated map[datedKey]bitset

	pool sync.Pool // scratch sets of the current length
}

// offerSlot holds one offer of each supplier: the sets of its facet values
// (by offerMask bit) and the facts the range filters compare, with values
// that fail every filter where a supplier has no such offer.
type offerSlot struct {
	has      bitset
	values   []bitset
	freeFTE  []float64 // none: -1
	from     []int32   // available from; none: MaxInt32
	lead     []int32   // lead time in weeks; none: MaxInt32
	contract []float64 // largest contract; none: -1
}

// DefaultOfferSlots is how many offers per supplier the sets hold unless
// Options say otherwise: most suppliers offer a few tasks.
const DefaultOfferSlots = 4

func newValueSets(f *facts) *valueSets {
	v := &valueSets{values: make([]bitset, f.facetBase[filterCount]),
		serves: make([]bitset, len(f.places.Municipalities())), dated: map[datedKey]bitset{},
		slots: make([]offerSlot, f.offerSlots)}
	for j := range v.slots {
		v.slots[j].values = make([]bitset, f.facetBase[filterCount]-f.facetBase[firstOfferFilter])
	}
	return v
}

// fit makes room for ordinal i in every set and column.
func (v *valueSets) fit(i int32) {
	n := wordsFor(int(i) + 1)
	if n > v.words {
		v.words = n
		grow := func(sets []bitset) {
			for k := range sets {
				sets[k] = sets[k].grow(n)
			}
		}
		v.live, v.overflow = v.live.grow(n), v.overflow.grow(n)
		grow(v.values)
		grow(v.serves)
		for k, b := range v.dated {
			v.dated[k] = b.grow(n)
		}
		for j := range v.slots {
			sl := &v.slots[j]
			sl.has = sl.has.grow(n)
			grow(sl.values)
		}
	}
	for j := range v.slots {
		sl := &v.slots[j]
		for int(i) >= len(sl.freeFTE) {
			sl.freeFTE, sl.from = append(sl.freeFTE, -1), append(sl.from, math.MaxInt32)
			sl.lead, sl.contract = append(sl.lead, math.MaxInt32), append(sl.contract, -1)
		}
	}
}

// set records entry e at ordinal i in place of old; either may be nil.
func (v *valueSets) set(i int32, old, e *entry) {
	v.fit(i)
	if old != nil {
		for _, id := range old.values {
			v.values[id].remove(i)
		}
		for _, b := range v.serves {
			b.remove(i)
		}
		v.setOffers(i, old, false)
	}
	v.live.put(i, e != nil)
	for k, b := range v.dated {
		b.put(i, e != nil && k.holds(e))
	}
	if e == nil {
		return
	}
	for _, id := range e.values {
		v.values[id].add(i)
	}
	v.setOffers(i, e, true)
	var served placeSet
	for k := range e.offers {
		o := &e.offers[k]
		if o.anywhere {
			for m := range v.serves {
				served.add(m)
			}
		}
		served.union(&o.serves)
	}
	for m := range v.serves {
		if served.has(m) {
			v.serves[m].add(i)
		}
	}
}

// setOffers puts e's offers in the slots at ordinal i, or takes them out.
func (v *valueSets) setOffers(i int32, e *entry, on bool) {
	if len(e.offers) > len(v.slots) {
		v.overflow.put(i, on)
		return
	}
	for j := range e.offers {
		o, sl := &e.offers[j], &v.slots[j]
		sl.has.put(i, on)
		for w, word := range o.values {
			for word != 0 {
				sl.values[w*64+bits.TrailingZeros64(word)].put(i, on)
				word &= word - 1
			}
		}
		if on {
			sl.freeFTE[i], sl.from[i], sl.lead[i], sl.contract[i] = o.freeFTE, o.availableFrom, o.leadWeeks, o.maxContract
		} else {
			sl.freeFTE[i], sl.from[i], sl.lead[i], sl.contract[i] = -1, math.MaxInt32, math.MaxInt32, -1
		}
	}
}

// datedKey names a set that depends on a day.
type datedKey struct {
	kind datedKind
	day  int32
}

type datedKind uint8

const (
	reservedOn     datedKind = iota // eligible for a reserved contract on the day
	confirmedSince                  // confirmed on the day or later
	availableBy                     // an offer is available by the day
)

func (k datedKey) holds(e *entry) bool {
	switch k.kind {
	case reservedOn:
		return e.reservedOn(k.day)
	case confirmedSince:
		return e.confirmed >= k.day
	}
	return len(e.offers) > 0 && e.minFrom <= k.day
}

// datedSet returns the suppliers of which the dated fact holds on day. The
// set is shared: do not change it.
func (c *catalogue) datedSet(kind datedKind, day int32) bitset {
	k := datedKey{kind, day}
	c.mu.Lock()
	defer c.mu.Unlock()
	if b, ok := c.dated[k]; ok {
		return b
	}
	if len(c.dated) >= 32 {
		clear(c.dated) // days go by; keep the few in use
	}
	b := make(bitset, c.words)
	for i, e := range c.entries {
		if e != nil && k.holds(e) {
			b.add(int32(i))
		}
	}
	c.dated[k] = b
	return b
}

// scratch lends a query empty sets of the current length.
func (v *valueSets) scratch() *scratch { return newScratch(&v.pool, v.words) }

// atLeast adds to dst the ordinals whose value in col is at least x.
func atLeast[T int32 | float64](dst bitset, col []T, x T) {
	for i, c := range col {
		if c >= x {
			dst[i>>6] |= 1 << (uint(i) & 63)
		}
	}
}

// atMost adds to dst the ordinals whose value in col is at most x.
func atMost[T int32 | float64](dst bitset, col []T, x T) {
	for i, c := range col {
		if c <= x {
			dst[i>>6] |= 1 << (uint(i) & 63)
		}
	}
}
