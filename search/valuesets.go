package search

import (
	"math"
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

	minFrom     []int32   // earliest availability of an offer; none: MaxInt32
	minLead     []int32   // shortest lead time; none: MaxInt32
	maxFTE      []float64 // most free FTE of one offer; none: -1
	maxContract []float64 // largest contract of one offer; none: -1

	// dated caches the sets that depend on a day: eligible for a reserved
	// contract, confirmed since, available by. Searches ask for the same
	// few days (today, a year ago, the facets' dates), and updates keep
	// the cached sets current.
	mu    sync.Mutex
	dated map[datedKey]bitset

	pool sync.Pool // scratch sets of the current length
}

func newValueSets(f *facts) *valueSets {
	return &valueSets{values: make([]bitset, f.facetBase[filterCount]),
		serves: make([]bitset, len(f.places.Municipalities())), dated: map[datedKey]bitset{}}
}

// fit makes room for ordinal i in every set and column.
func (v *valueSets) fit(i int32) {
	n := wordsFor(int(i) + 1)
	if n > v.words {
		v.words = n
		v.live = v.live.grow(n)
		for k := range v.values {
			v.values[k] = v.values[k].grow(n)
		}
		for k := range v.serves {
			v.serves[k] = v.serves[k].grow(n)
		}
		for k, b := range v.dated {
			v.dated[k] = b.grow(n)
		}
	}
	for int(i) >= len(v.minFrom) {
		v.minFrom = append(v.minFrom, math.MaxInt32)
		v.minLead = append(v.minLead, math.MaxInt32)
		v.maxFTE = append(v.maxFTE, -1)
		v.maxContract = append(v.maxContract, -1)
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
	}
	v.live.put(i, e != nil)
	for k, b := range v.dated {
		b.put(i, e != nil && k.holds(e))
	}
	v.minFrom[i], v.minLead[i], v.maxFTE[i], v.maxContract[i] = math.MaxInt32, math.MaxInt32, -1, -1
	if e == nil {
		return
	}
	for _, id := range e.values {
		v.values[id].add(i)
	}
	var served placeSet
	for k := range e.offers {
		o := &e.offers[k]
		v.minFrom[i] = min(v.minFrom[i], o.availableFrom)
		v.minLead[i] = min(v.minLead[i], o.leadWeeks)
		v.maxFTE[i] = max(v.maxFTE[i], o.freeFTE)
		v.maxContract[i] = max(v.maxContract[i], o.maxContract)
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
