package catalogue

import (
	"math"
	"math/bits"
	"strconv"
	"sync/atomic"

	"github.com/verken/verken/data"
	"github.com/verken/verken/directory"
)

// Place levels of the "located in" filters.
const (
	levelMunicipality = iota
	levelArrondissement
	levelProvince
	levelRegion
)

// filter identifies one filter of a query; its facet has the same name as
// its parameter. Filters before firstOfferFilter test the supplier; the
// others test an offer, and must all hold for the same offer.
type filter uint

const (
	filterKind filter = iota
	filterSector
	filterReserved
	filterTargetGroup
	filterCooperation
	filterMunicipality
	filterArrondissement
	filterProvince
	filterRegion
	filterNear
	filterFresh
	filterTask
	filterTaskGroup
	filterCPV
	filterServes
	filterMinFTE
	filterAvailableBy
	filterMaxLead
	filterMinContract
	filterAtClientSite
	filterTransit
	filterCount

	firstOfferFilter = filterTask
)

// Facet names: the names of the parameters they count values of.
var facetNames = [filterCount]string{
	filterKind: "kind", filterSector: "sector", filterReserved: "reserved", filterTargetGroup: "target_group",
	filterCooperation: "cooperation", filterMunicipality: "municipality", filterArrondissement: "arrondissement",
	filterProvince: "province", filterRegion: "region", filterFresh: "fresh", filterTask: "task",
	filterTaskGroup: "task_group", filterMinFTE: "min_fte", filterAvailableBy: "available_by",
	filterMaxLead: "max_lead_weeks", filterMinContract: "min_contract_eur", filterAtClientSite: "at_client_site",
	filterTransit: "min_transit_class",
}

// transitClasses are the values of the transit facet: A (best) to F.
var transitClasses = []string{"A", "B", "C", "D", "E", "F"}

// Thresholds offered as facet values of the range filters.
var (
	fteSteps      = []float64{0.5, 1, 2, 5, 10}
	leadSteps     = []int32{0, 2, 4, 8}
	contractSteps = []float64{25000, 50000, 100000, 250000, 500000}
	availableDays = []int32{0, 28, 91} // from the reference date
)

// active lists the filters a plan uses, as bits.
func (p *plan) active() uint32 {
	var m uint32
	set := func(f filter, on bool) {
		if on {
			m |= 1 << f
		}
	}
	set(filterKind, p.kinds != 0)
	set(filterSector, p.sector != "")
	set(filterReserved, p.q.Reserved || p.q.ReservedVerified)
	set(filterTargetGroup, p.targets != 0)
	set(filterCooperation, p.cooperation != 0)
	set(filterMunicipality, len(p.located[levelMunicipality]) > 0)
	set(filterArrondissement, len(p.located[levelArrondissement]) > 0)
	set(filterProvince, len(p.located[levelProvince]) > 0)
	set(filterRegion, len(p.located[levelRegion]) > 0)
	set(filterNear, p.near.ok)
	set(filterFresh, p.q.Fresh)
	set(filterTask, p.hasTasks[0])
	set(filterTaskGroup, p.hasTasks[1])
	set(filterCPV, p.hasTasks[2])
	set(filterServes, p.serves >= 0)
	set(filterMinFTE, p.minFTE > 0)
	set(filterAvailableBy, p.availableBy != 0)
	set(filterMaxLead, p.hasMaxLead)
	set(filterMinContract, p.minContract > 0)
	set(filterAtClientSite, p.atClientSite)
	set(filterTransit, p.minTransit != 0)
	return m
}

// nearestSite returns the distance in km from pt to e's nearest site, or
// +Inf when none lies within limit; a flat-earth bound skips the
// great-circle formula for sites that are clearly too far.
func nearestSite(e *entry, pt point, kmPerLon, limit float64) float64 {
	best := math.Inf(1)
	bound := (limit*1.05 + 1) * (limit*1.05 + 1)
	for _, s := range e.sites {
		dy := (s.lat - pt.lat) * 110.57
		dx := (s.lon - pt.lon) * kmPerLon
		if dx*dx+dy*dy > bound {
			continue
		}
		if d := data.DistanceKm(pt.lat, pt.lon, s.lat, s.lon); d < best {
			best = d
		}
	}
	return best
}

// offerFails returns the offer filters o fails, as bits.
func (p *plan) offerFails(o *offerFacts, active uint32) (failed uint32) {
	for i := range p.tasks {
		if p.hasTasks[i] && p.tasks[i]&(1<<o.task) == 0 {
			failed |= 1 << (filterTask + filter(i))
		}
	}
	if active&(1<<filterServes) != 0 && !o.anywhere && !o.serves.has(p.serves) {
		failed |= 1 << filterServes
	}
	if active&(1<<filterMinFTE) != 0 && o.freeFTE < p.minFTE {
		failed |= 1 << filterMinFTE
	}
	if active&(1<<filterAvailableBy) != 0 && o.availableFrom > p.availableBy {
		failed |= 1 << filterAvailableBy
	}
	if active&(1<<filterMaxLead) != 0 && o.leadWeeks > p.maxLead {
		failed |= 1 << filterMaxLead
	}
	if active&(1<<filterMinContract) != 0 && o.maxContract < p.minContract {
		failed |= 1 << filterMinContract
	}
	if active&(1<<filterAtClientSite) != 0 && !o.atClientSite {
		failed |= 1 << filterAtClientSite
	}
	if active&(1<<filterTransit) != 0 && (o.transit == 0 || o.transit > p.minTransit) {
		failed |= 1 << filterTransit
	}
	return failed
}

// offerValues gathers, over some offers of one supplier, the values the
// offer facets count.
type offerValues struct {
	any     bool
	values  offerMask // the offers' facet values
	minFrom int32     // the earliest availability: available_by counts from a date
	fte     float64   // free FTE summed
}

// offerMask holds an offer's facet values, a bit each, counted from the
// first offer facet's first value id (facts.facetBase[firstOfferFilter]).
type offerMask [2]uint64

// maxOfferValues is how many offer facet values a mask holds.
const maxOfferValues = 128

func (m *offerMask) add(bit int) { m[bit/64] |= 1 << (bit % 64) }

func (v *offerValues) add(o *offerFacts) {
	if !v.any {
		v.any, v.minFrom = true, math.MaxInt32
	}
	v.values[0] |= o.values[0]
	v.values[1] |= o.values[1]
	v.minFrom = min(v.minFrom, o.availableFrom)
	v.fte += o.freeFTE
}

func (v *offerValues) merge(o *offerValues) offerValues {
	if !v.any {
		return *o
	}
	if !o.any {
		return *v
	}
	return offerValues{any: true, values: offerMask{v.values[0] | o.values[0], v.values[1] | o.values[1]},
		minFrom: min(v.minFrom, o.minFrom), fte: v.fte + o.fte}
}

// match is a supplier that passes every filter of a query.
type match struct {
	e        *entry
	score    float64
	distance float64 // NaN when the query has no place
	travel   int32   // seconds by public transport with Reach; -1 without
	fte      float64 // free FTE of the offers that match
	stale    bool
	reserved bool
	// reservedVerified: eligible on a register's recognition and a
	// verified share.
	reservedVerified bool
	// Copied from the catalogue's columns, so that comparing matches
	// seldom reads the entries, which lie all over memory.
	updated    int64
	namePrefix uint64
}

// counter counts facet values; each value counts a supplier once. All
// counts live in one slice, laid out by facts.facetBase, so that a value's
// id (an offer mask's bit, counted from the first offer facet) indexes it
// directly.
//
// A search counts on a goroutine of its own (aside) while it builds its
// page: the counts are read after wait.
type counter struct {
	flat   []int
	counts [filterCount][]int
	base   *[filterCount + 1]int // facts.facetBase

	count    func()        // the counting aside
	claimed  atomic.Bool   // taken by whichever goroutine runs count
	done     chan struct{} // closed when the second goroutine has counted
	panicked any           // what count panicked with there
	lent     *scratch      // released when the counting aside is over
}

// aside runs count on a goroutine of its own. A text search spends a
// quarter of its time counting facets over sets of a few megabytes; on a
// second core that time overlaps with collecting the best matches and
// highlighting the page, which need no count. count reads the catalogue
// under the search's read lock, and s, which both goroutines read from
// here and only count takes sets from; wait releases s, and the search
// must wait before it lets go of the lock.
func (c *counter) aside(s *scratch, count func()) {
	c.count, c.done, c.lent = count, make(chan struct{}), s
	go func() {
		if !c.claimed.CompareAndSwap(false, true) {
			return // the search counted itself
		}
		defer close(c.done)
		defer func() { c.panicked = recover() }()
		count()
	}()
}

// wait returns once the counting aside is over and its scratch released,
// and panics with its panic on the search's own goroutine, where the
// server recovers it. When the second goroutine has not started yet (its
// core is busy, or slow to wake), the search counts itself rather than
// wait for it.
func (c *counter) wait() {
	if c == nil || c.count == nil {
		return
	}
	count := c.count
	c.count = nil
	defer func() {
		c.lent.release()
		c.lent = nil
	}()
	if c.claimed.CompareAndSwap(false, true) {
		count()
		return
	}
	<-c.done
	if r := c.panicked; r != nil {
		c.panicked = nil
		panic(r)
	}
}

func newCounter(f *facts) *counter {
	c := &counter{flat: make([]int, f.facetBase[filterCount]), base: &f.facetBase}
	for i := range c.counts {
		c.counts[i] = c.flat[f.facetBase[i]:f.facetBase[i+1]]
	}
	return c
}

// facetLists lists every facet's values in the order of the reference
// lists, which is the order of their ids. available_by holds its offsets in
// days; a search shows them as dates from its reference date.
func facetLists(places *data.Gazetteer, tasks *data.Taxonomy) [filterCount][]string {
	codes := func(n int, code func(int) string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = code(i)
		}
		return out
	}
	return [filterCount][]string{
		filterKind:           codes(len(directory.Kinds), func(i int) string { return string(directory.Kinds[i]) }),
		filterSector:         {"social", "regular"},
		filterMunicipality:   codes(len(places.Municipalities()), func(i int) string { return places.Municipalities()[i].NIS }),
		filterReserved:       {"true", "verified"},
		filterTargetGroup:    directory.TargetGroups,
		filterCooperation:    directory.CooperationModes,
		filterArrondissement: codes(len(places.Arrondissements()), func(i int) string { return places.Arrondissements()[i].Code }),
		filterProvince:       codes(len(places.Provinces()), func(i int) string { return places.Provinces()[i].Code }),
		filterRegion:         codes(len(places.Regions()), func(i int) string { return places.Regions()[i].Code }),
		filterFresh:          {"true"},
		filterTask:           codes(len(tasks.Tasks()), func(i int) string { return tasks.Tasks()[i].ID }),
		filterTaskGroup:      codes(len(tasks.Groups()), func(i int) string { return tasks.Groups()[i].ID }),
		filterMinFTE:         codes(len(fteSteps), func(i int) string { return fmtFloat(fteSteps[i]) }),
		filterAvailableBy:    codes(len(availableDays), func(i int) string { return strconv.Itoa(int(availableDays[i])) }),
		filterMaxLead:        codes(len(leadSteps), func(i int) string { return strconv.Itoa(int(leadSteps[i])) }),
		filterMinContract:    codes(len(contractSteps), func(i int) string { return fmtFloat(contractSteps[i]) }),
		filterAtClientSite:   {"true"},
		filterTransit:        transitClasses,
	}
}

// countOffers counts the values of offer filter f over the offers in v.
func (c *counter) countOffers(f filter, v *offerValues, p *plan) {
	if !v.any {
		return
	}
	if f == filterAvailableBy {
		n := c.counts[f]
		for i, d := range availableDays {
			if v.minFrom <= p.today+d {
				n[i]++
			}
		}
		return
	}
	// The facet's values are a run of bits in the mask.
	first := c.base[firstOfferFilter]
	lo, hi := c.base[f]-first, c.base[f+1]-first
	for w := lo / 64; w < len(v.values) && w*64 < hi; w++ {
		word := v.values[w]
		for word != 0 {
			bit := w*64 + bits.TrailingZeros64(word)
			word &= word - 1
			if bit >= lo && bit < hi {
				c.flat[first+bit]++
			}
		}
	}
}

// placeValue is the ordinal of the municipality's municipality,
// arrondissement, province or region.
func (f *facts) placeValue(level filter, municipality int) int {
	if level == filterMunicipality {
		return municipality
	}
	return f.placeOrd[level-filterArrondissement][municipality]
}
