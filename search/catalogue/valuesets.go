package catalogue

import (
	"math"
	"math/bits"
	"sync"

	"github.com/verken/verken/directory"
)

// The catalogue keeps, beside its entries, the suppliers of every facet
// value as a set, and the facts the range filters compare as columns. A
// filter is then a union of a few sets, and a facet count the size of an
// intersection: a search without words or filters costs a few hundred
// passes over 12.5 kB instead of a visit to each of 100,000 suppliers.

// valueSets are the catalogue's sets and columns, by ordinal.
type valueSets struct {
	words int    // the length of every set
	live  bitset // ordinals that hold an entry
	// unclaimed are the entries of firms without a Verken profile, which
	// a search leaves out unless it asks for them.
	unclaimed bitset
	values    []indexedSet // by facet value id
	// serves holds, per municipality ordinal, the suppliers with an offer
	// that serves it (an offer without a service area serves everywhere).
	serves []bitset
	// namedKinds holds, per kind (directory.Kinds), the suppliers that are
	// of that kind or hold a recognition as it: whom the kind's names in
	// a free text find.
	namedKinds []indexedSet

	// Columns of what sorting reads for every match, and of what the
	// dated sets are derived from.
	freeFTE    []float64
	updated    []int64
	namePrefix []uint64
	confirmed  []int32 // day
	minFrom    []int32 // the earliest offer's day; none: MaxInt32
	// municipalityOf is the municipality ordinal all of a supplier's sites lie in,
	// noPlace or severalPlaces: the place facets count a few thousand
	// matches by it (evaluation.countPlaces).
	municipalityOf []int16

	// slots hold the offers one by one, for the correlation rule: slot j
	// holds the j-th offer of every supplier with at most len(slots)
	// offers. A supplier with more is in overflow, and a search visits
	// its offers instead.
	slots    []offerSlot
	overflow bitset

	// cached holds the derived sets asked for lately (see derivedKey).
	mu     sync.Mutex
	cached map[derivedKey]bitset

	pool      sync.Pool // scratch sets
	scratches sync.Pool // *scratch
}

// offerSlot holds one offer of each supplier: the sets of its facet values
// (by offerMask bit), its free FTE, which a match adds up, and the facts
// the range filters' sets are derived from (see derivedKey).
type offerSlot struct {
	has     bitset
	values  []bitset
	freeFTE []float64
	// The range facts, read to derive a range filter's set: a pass over
	// a column costs a millisecond at 1,000,000 suppliers where a visit to
	// every entry costs forty.
	from     []int32
	lead     []int32
	contract []float64
}

// DefaultOfferSlots is how many offers per supplier the sets hold unless
// Options say otherwise: most suppliers offer a few tasks.
const DefaultOfferSlots = 4

func newValueSets(f *facts) *valueSets {
	v := &valueSets{values: make([]indexedSet, f.facetBase[filterCount]),
		serves: make([]bitset, len(f.places.Municipalities())), namedKinds: make([]indexedSet, len(directory.Kinds)), cached: map[derivedKey]bitset{},
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
		v.live, v.overflow, v.unclaimed = v.live.grow(n), v.overflow.grow(n), v.unclaimed.grow(n)
		for k := range v.values {
			v.values[k].bits = v.values[k].bits.grow(n)
		}
		for k := range v.namedKinds {
			v.namedKinds[k].bits = v.namedKinds[k].bits.grow(n)
		}
		grow(v.serves)
		for k, b := range v.cached {
			v.cached[k] = b.grow(n)
		}
		for j := range v.slots {
			sl := &v.slots[j]
			sl.has = sl.has.grow(n)
			grow(sl.values)
		}
	}
	for int(i) >= len(v.freeFTE) {
		v.freeFTE, v.updated, v.namePrefix = append(v.freeFTE, 0), append(v.updated, 0), append(v.namePrefix, 0)
		v.confirmed, v.minFrom = append(v.confirmed, 0), append(v.minFrom, math.MaxInt32)
		v.municipalityOf = append(v.municipalityOf, noPlace)
	}
	for j := range v.slots {
		sl := &v.slots[j]
		for int(i) >= len(sl.freeFTE) {
			sl.freeFTE, sl.contract = append(sl.freeFTE, 0), append(sl.contract, -1)
			sl.from, sl.lead = append(sl.from, math.MaxInt32), append(sl.lead, math.MaxInt32)
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
		for k := range v.namedKinds {
			if old.namedKinds&(1<<k) != 0 {
				v.namedKinds[k].remove(i)
			}
		}
		for _, b := range v.serves {
			b.remove(i)
		}
		v.setOffers(i, old, false)
		v.confirmed[i], v.minFrom[i], v.municipalityOf[i] = 0, math.MaxInt32, noPlace
	}
	v.live.put(i, e != nil)
	v.unclaimed.put(i, e != nil && e.unclaimed)
	for k, b := range v.cached {
		b.put(i, e != nil && v.holds(k, e))
	}
	if e == nil {
		return
	}
	for _, id := range e.values {
		v.values[id].add(i)
	}
	for k := range v.namedKinds {
		if e.namedKinds&(1<<k) != 0 {
			v.namedKinds[k].add(i)
		}
	}
	v.freeFTE[i], v.updated[i], v.namePrefix[i], v.confirmed[i] = e.freeFTE, e.updated, e.namePrefix, e.confirmed
	v.municipalityOf[i] = onePlace(e.sites)
	if len(e.offers) > 0 {
		v.minFrom[i] = e.minFrom
	}
	v.setOffers(i, e, true)
	var served placeSet
	for k := range e.offers {
		o := &e.offers[k]
		if o.anywhere {
			for m := range v.serves {
				served.add(m)
			}
		} else {
			served.union(o.serves)
		}
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
		sl.freeFTE[i], sl.from[i], sl.lead[i], sl.contract[i] = 0, math.MaxInt32, math.MaxInt32, -1
		if on {
			sl.freeFTE[i], sl.from[i], sl.lead[i], sl.contract[i] = o.freeFTE, o.availableFrom, o.leadWeeks, o.maxContract
		}
	}
}

// The place of a supplier without sites, and of one with sites in more
// than one municipality.
const (
	noPlace       = -1
	severalPlaces = -2
)

// onePlace is the municipality ordinal all the sites lie in, noPlace or
// severalPlaces.
func onePlace(sites []site) int16 {
	place := int16(noPlace)
	for _, s := range sites {
		switch m := int16(s.municipality); {
		case place == noPlace:
			place = m
		case place != m:
			return severalPlaces
		}
	}
	return place
}

// derivedKey names a set worked out from the entries for a parameter: a
// day, or an amount a range filter asks for. Searches ask for the same few
// (today, a year ago, the facets' dates, the usual amounts of FTE), and
// updates keep the cached sets current.
type derivedKey struct {
	kind derivedKind
	slot int     // for the kinds about one offer slot
	at   float64 // the day or the amount
}

type derivedKind uint8

const (
	reservedOn         derivedKind = iota // eligible for a reserved contract on the day
	reservedVerifiedOn                    // so, on a register's recognition and a verified share
	confirmedSince                        // confirmed on the day or later
	availableBy                           // an offer is available by the day
	slotAvailableBy                       // the offer in the slot is available by the day
	slotMinFTE                            // the offer in the slot has at least the free FTE
	slotMaxLead                           // the offer in the slot starts within the weeks
	slotMinContract                       // the offer in the slot takes a contract of the amount
)

func (v *valueSets) holds(k derivedKey, e *entry) bool {
	switch k.kind {
	case reservedOn:
		return e.reservedOn(int32(k.at))
	case reservedVerifiedOn:
		return e.reservedVerifiedOn(int32(k.at))
	case confirmedSince:
		return e.confirmed >= int32(k.at)
	case availableBy:
		return len(e.offers) > 0 && e.minFrom <= int32(k.at)
	}
	if len(e.offers) > len(v.slots) || k.slot >= len(e.offers) {
		return false
	}
	o := &e.offers[k.slot]
	switch k.kind {
	case slotAvailableBy:
		return o.availableFrom <= int32(k.at)
	case slotMinFTE:
		return o.freeFTE >= k.at
	case slotMaxLead:
		return o.leadWeeks <= int32(k.at)
	}
	return o.maxContract >= k.at
}

// derived returns the suppliers of which the fact named by kind holds for
// the parameter (and slot). The set is shared: do not change it.
func (c *catalogue) derived(kind derivedKind, slot int, at float64) bitset {
	k := derivedKey{kind, slot, at}
	c.mu.Lock()
	defer c.mu.Unlock()
	if b, ok := c.cached[k]; ok {
		return b
	}
	if len(c.cached) >= maxDerived {
		clear(c.cached) // days go by; keep the ones in use
	}
	b := make(bitset, c.words)
	day := int32(at)
	switch kind {
	case reservedOn, reservedVerifiedOn: // recognitions have spans of their own: ask the entries
		for i, e := range c.entries {
			if e != nil && c.holds(k, e) {
				b.add(int32(i))
			}
		}
	case confirmedSince:
		atLeast(b, c.confirmed, day)
	case availableBy:
		atMost(b, c.minFrom, day)
	case slotAvailableBy:
		atMost(b, c.slots[slot].from, day)
	case slotMinFTE:
		atLeast(b, c.slots[slot].freeFTE, at)
	case slotMaxLead:
		atMost(b, c.slots[slot].lead, day)
	case slotMinContract:
		atLeast(b, c.slots[slot].contract, at)
	}
	// The columns of ordinals without an entry, or without an offer in the
	// slot, hold values that pass some filters (0 FTE, day 0): mask them.
	b.and(c.live)
	if kind >= slotAvailableBy {
		b.and(c.slots[slot].has)
	}
	c.cached[k] = b
	return b
}

// atLeast adds to dst the ordinals whose value in col is at least x.
func atLeast[T int32 | float64](dst bitset, col []T, x T) {
	for i, v := range col {
		if v >= x {
			dst[i>>6] |= 1 << (uint(i) & 63)
		}
	}
}

// atMost adds to dst the ordinals whose value in col is at most x.
func atMost[T int32 | float64](dst bitset, col []T, x T) {
	for i, v := range col {
		if v <= x {
			dst[i>>6] |= 1 << (uint(i) & 63)
		}
	}
}

// maxDerived bounds the derived sets kept: 12.5 kB each per 100,000
// suppliers.
const maxDerived = 128

// scratch lends a query empty sets of the current length.
func (v *valueSets) scratch() *scratch { return newScratch(&v.scratches, &v.pool, v.words) }
