package catalogue

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
	"sort"

	"github.com/verken/verken/search"
)

// evaluation is one search's context while evaluate works: the plan, the
// catalogue it runs over, the scratch its sets are lent from and the
// counter of its facets (nil when none are counted).
type evaluation struct {
	f   *facts
	p   *plan
	cat *catalogue
	s   *scratch
	c   *counter
}

// evaluate runs a plan and returns the matches and how many there are. It
// returns them all in ordinal order, in out's memory when it is large
// enough; or, when keep > 0, the best keep in the plan's order. text
// holds what the free text matched (when hasText: the text may hold only
// stop words, which filter nothing), near who lies near the plan's place.
// With a counter, it also counts every facet the disjunctive way: a
// filter's own facet is counted as if that filter were not set, every
// other facet over the matches, aside (counter.aside): the caller waits
// for the counts before it reads them or lets go of its read lock.
//
// It works on sets of suppliers (see valueSets). Each supplier filter
// passes a set, and so does each offer filter in each offer slot. An offer
// passes the offer filters when it is in all their sets for its slot: that
// is the correlation rule, one and the same offer, tested 64 suppliers at a
// time. A count is the size of one more intersection. Only the suppliers
// with more offers than the slots hold are visited one by one.
func (f *facts) evaluate(p *plan, cat *catalogue, fd *found, c *counter, out []match, keep int) ([]match, int) {
	s := cat.scratch()
	countsAside := false // the facets are counted aside, and its wait releases s
	defer func() {
		if !countsAside {
			s.release()
		}
	}()
	ev := &evaluation{f: f, p: p, cat: cat, s: s, c: c}
	active := p.active()

	// Every match is among the suppliers that match the text, lie near
	// the place and can reach it in time; their scores, distances and
	// travel times are looked up by ordinal.
	req := s.copyOf(cat.live)
	if !p.q.Unclaimed {
		req.andNot(cat.unclaimed)
	}
	if fd.hasText {
		words := s.get()
		for _, h := range fd.text {
			words.add(h.ord)
		}
		req.and(words)
	}
	if p.near.ok {
		nearSet := s.get()
		for _, h := range fd.near {
			nearSet.add(h.ord)
		}
		req.and(nearSet)
	}
	if p.reach.ok {
		reachSet := s.get()
		for _, h := range fd.reach {
			reachSet.add(h.ord)
		}
		req.and(reachSet)
	}

	// The set each supplier filter passes; nil when the filter is not set.
	var passes [firstOfferFilter]bitset
	var offerSet []filter
	for fl := range filter(filterCount) {
		switch {
		case fl == filterNear || active&(1<<fl) == 0:
		case fl < firstOfferFilter:
			passes[fl] = ev.passing(fl)
		default:
			offerSet = append(offerSet, fl)
		}
	}
	passAll := s.copyOf(req) // every supplier filter holds
	for _, b := range passes {
		if b != nil {
			passAll.and(b)
		}
	}

	col := newCollector(p, cat, fd, keep, out)

	if len(offerSet) == 0 {
		// Every supplier with the supplier filters matches, with all its
		// offers: the offer facets count what any of its offers has.
		_, n := s.nonZero(passAll)
		if c != nil {
			countsAside = true
			c.aside(s, func() {
				ev.countSuppliers(req, nil, passAll, &passes)
				for g := firstOfferFilter; g < filterCount; g++ {
					ev.countValues(g, passAll, nil)
				}
			})
		}
		// From here on only the count takes sets from s: the matches are
		// collected without it.
		col.reserve(n)
		if keep > 0 && n >= len(cat.entries)/32 && (p.sort == search.SortName || p.sort == search.SortRelevance && !fd.hasText && !p.from.ok && !p.reach.ok) {
			col.walkNames(passAll, n)
		} else {
			passAll.each(func(ord int32) { col.add(ord, cat.freeFTE[ord]) })
		}
		return col.out, col.total
	}

	// The offers in the slots: in each slot, the suppliers whose offer
	// passes every offer filter.
	slotPass := make([][]bitset, len(offerSet)) // by offer filter, by slot
	// The service-area filter visits every candidate's offer, one by one.
	// Without facets to count, only the suppliers that pass every other
	// filter need that visit, slot by slot: it is then the last filter
	// worked out, over the fewest suppliers. (Facet counts need each
	// filter's own set over every candidate.)
	servesLast := -1
	for k, g := range offerSet {
		slotPass[k] = make([]bitset, len(cat.slots))
		if g == filterServes && c == nil {
			servesLast = k
			continue
		}
		for j := range cat.slots {
			slotPass[k][j] = ev.slotPassing(g, j, req)
		}
	}
	if servesLast >= 0 {
		for j := range cat.slots {
			narrow := s.copyOf(passAll)
			for k := range offerSet {
				if k != servesLast {
					narrow.and(slotPass[k][j])
				}
			}
			slotPass[servesLast][j] = ev.slotPassing(filterServes, j, narrow)
		}
	}
	passing := ev.intersectSlots(slotPass, -1)
	withOffer := s.get() // has an offer that passes every offer filter
	for _, b := range passing {
		withOffer.or(b)
	}
	matched := s.copyOf(passAll)
	matched.and(withOffer)

	// Walk the matches and the suppliers with too many offers for the
	// slots together, in ordinal order; the latter are visited offer by
	// offer.
	walk := s.copyOf(req)
	walk.and(cat.overflow)
	walk.or(matched)
	_, n := s.nonZero(walk)
	col.reserve(n)
	var only [filterCount - firstOfferFilter]offerValues
	walk.each(func(ord int32) {
		if !cat.overflow.has(ord) {
			fte := 0.0
			for j, b := range passing {
				if b.has(ord) {
					fte += cat.slots[j].freeFTE[ord]
				}
			}
			col.add(ord, fte)
			return
		}
		e := cat.entries[ord]
		counting := c != nil && passAll.has(ord)
		full, onlySet := p.passingOffers(e, active, counting, &only)
		if full.any {
			withOffer.add(ord)
		}
		if counting {
			for g := firstOfferFilter; g < filterCount; g++ {
				switch k := g - firstOfferFilter; {
				case onlySet&(1<<k) != 0:
					v := full.merge(&only[k])
					c.countOffers(g, &v, p)
				case full.any:
					c.countOffers(g, &full, p)
				}
			}
		}
		if full.any && passAll.has(ord) {
			matched.add(ord)
			col.add(ord, full.fte)
		}
	})
	if c == nil {
		return col.out, col.total
	}
	countsAside = true
	c.aside(s, func() {
		ev.countSuppliers(req, withOffer, matched, &passes)
		// The offer facets over the slots: a supplier counts for a value
		// when one of its offers has it and passes every other offer filter.
		inSlots := s.copyOf(passAll)
		for w := range inSlots {
			inSlots[w] &^= cat.overflow[w]
		}
		for g := firstOfferFilter; g < filterCount; g++ {
			if len(c.counts[g]) == 0 {
				continue
			}
			k := indexOf(offerSet, g)
			switch {
			case k < 0:
				ev.countValues(g, inSlots, passing)
			case len(offerSet) == 1:
				// No other offer filter: any offer of the supplier will do.
				ev.countValues(g, inSlots, nil)
			default:
				ev.countValues(g, inSlots, ev.intersectSlots(slotPass, k))
			}
		}
	})
	return col.out, col.total
}

// collector gathers the matches of a search: all of them in ordinal order,
// or, with keep > 0, the best keep in the plan's order.
type collector struct {
	p     *plan
	cat   *catalogue
	found *found
	keep  int
	less  func(a, b *match) int
	// byScore: the order is relevance to words, fresh profiles first
	// (order), so a match that cannot beat the last kept is known early.
	byScore  bool
	fresh    bitset
	reserved bitset
	verified bitset // reserved on what Verken can vouch for
	// The hits are in ordinal order, as the sets are walked: a cursor
	// each finds a match's score, distance and travel time.
	nextText, nextNear, nextReach int
	fromKmPerLon                  float64
	// m is the match being added: one variable for all, since the
	// comparison function would make each its own allocation.
	m     match
	out   []match
	total int
}

func newCollector(p *plan, cat *catalogue, fd *found, keep int, out []match) *collector {
	return &collector{p: p, cat: cat, found: fd, keep: keep, less: order(p), out: out[:0],
		byScore:      keep > 0 && p.sort == search.SortRelevance && len(p.terms) > 0,
		fresh:        cat.derived(confirmedSince, 0, float64(p.staleBefore)),
		reserved:     cat.derived(reservedOn, 0, float64(p.today)),
		verified:     cat.derived(reservedVerifiedOn, 0, float64(p.today)),
		fromKmPerLon: kmPerLon(p.from.lat)}
}

// reserve makes room for n matches.
func (col *collector) reserve(n int) {
	if col.keep > 0 {
		n = col.keep
	}
	if cap(col.out) < n {
		col.out = make([]match, 0, n)
	}
}

// add takes a match, which must come after the last in ordinal order. It
// reads the entry only to break a tie.
func (col *collector) add(ord int32, fte float64) {
	col.total++
	text, near, reach := col.found.text, col.found.near, col.found.reach
	for col.nextText < len(text) && text[col.nextText].ord < ord {
		col.nextText++
	}
	score := 0.0
	if k := col.nextText; k < len(text) && text[k].ord == ord {
		score = text[k].score
	}
	// By relevance to words, most of thousands of matches lose to the last
	// kept on freshness and score alone, and are looked at no further.
	if col.byScore && len(col.out) == col.keep {
		last := &col.out[col.keep-1]
		if stale := !col.fresh.has(ord); stale != last.stale {
			if stale {
				return
			}
		} else if score < last.score {
			return
		}
	}
	m := &col.m
	*m = col.match(ord, fte)
	m.score = score
	for col.nextNear < len(near) && near[col.nextNear].ord < ord {
		col.nextNear++
	}
	if k := col.nextNear; k < len(near) && near[k].ord == ord {
		m.distance = near[k].distance
	}
	for col.nextReach < len(reach) && reach[col.nextReach].ord < ord {
		col.nextReach++
	}
	if k := col.nextReach; k < len(reach) && reach[k].ord == ord {
		m.travel = reach[k].seconds
	}
	col.measure(m)
	if col.keep <= 0 {
		col.out = append(col.out, *m)
		return
	}
	// Keep the best: a match that does not beat the last kept goes.
	out, keep := col.out, col.keep
	if len(out) == keep && col.less(m, &out[keep-1]) >= 0 {
		return
	}
	i := sort.Search(len(out), func(i int) bool { return col.less(&out[i], m) > 0 })
	if len(out) < keep {
		out = append(out, match{})
	}
	copy(out[i+1:], out[i:len(out)-1])
	out[i] = *m
	col.out = out
}

// match is a match's facts that do not depend on the text or the place.
func (col *collector) match(ord int32, fte float64) match {
	return match{e: col.cat.entries[ord], distance: math.NaN(), travel: -1, fte: fte, stale: !col.fresh.has(ord),
		reserved: col.reserved.has(ord), reservedVerified: col.verified.has(ord), updated: col.cat.updated[ord], namePrefix: col.cat.namePrefix[ord]}
}

// measure works out the distance from where the plan measures, when the
// place is not the one near found the match by.
func (col *collector) measure(m *match) {
	if p := col.p; p.from.ok && (math.IsNaN(m.distance) || p.from != p.near) {
		m.distance = nearestSite(m.e, p.from, col.fromKmPerLon, math.Inf(1))
	}
}

// walkNames takes the best matches of set (n of them) when the order is
// the names' (fresh profiles first for relevance, every score being 0 with
// no words): it walks the catalogue's name order until the page is full.
func (col *collector) walkNames(set bitset, n int) {
	col.total = n
	wanted := []func(int32) bool{set.has}
	if col.p.sort == search.SortRelevance {
		wanted = []func(int32) bool{
			func(ord int32) bool { return set.has(ord) && col.fresh.has(ord) },
			func(ord int32) bool { return set.has(ord) && !col.fresh.has(ord) },
		}
	}
	for _, want := range wanted {
		for _, ord := range col.cat.byName() {
			if len(col.out) == col.keep {
				return
			}
			if !want(ord) {
				continue
			}
			m := col.match(ord, col.cat.freeFTE[ord])
			if k, ok := slices.BinarySearchFunc(col.found.near, ord, func(h nearHit, o int32) int { return cmp.Compare(h.ord, o) }); ok {
				m.distance = col.found.near[k].distance
			}
			if k, ok := slices.BinarySearchFunc(col.found.reach, ord, func(h reachHit, o int32) int { return cmp.Compare(h.ord, o) }); ok {
				m.travel = col.found.reach[k].seconds
			}
			col.measure(&m)
			col.out = append(col.out, m)
		}
	}
}

func indexOf(fs []filter, g filter) int {
	for k, f := range fs {
		if f == g {
			return k
		}
	}
	return -1
}

// intersectSlots returns, per slot, the suppliers whose offer passes every
// offer filter but the one at index except (-1: every one).
func (ev *evaluation) intersectSlots(slotPass [][]bitset, except int) []bitset {
	cat, s := ev.cat, ev.s
	out := make([]bitset, len(cat.slots))
	for j := range out {
		out[j] = s.copyOf(cat.slots[j].has)
		for k := range slotPass {
			if k != except {
				out[j].and(slotPass[k][j])
			}
		}
	}
	return out
}

// passingOffers gathers e's offers that pass every offer filter into full
// and, when only is asked for, those that fail exactly one, g, into
// only[g] (marked in onlySet; the others hold what they held).
func (p *plan) passingOffers(e *entry, active uint32, wantOnly bool, only *[filterCount - firstOfferFilter]offerValues) (full offerValues, onlySet uint32) {
	for i := range e.offers {
		o := &e.offers[i]
		switch of := p.offerFails(o, active); {
		case of == 0:
			full.add(o)
		case wantOnly && bits.OnesCount32(of) == 1:
			g := bits.TrailingZeros32(of) - int(firstOfferFilter)
			if onlySet&(1<<g) == 0 {
				only[g], onlySet = offerValues{}, onlySet|1<<g
			}
			only[g].add(o)
		}
	}
	return full, onlySet
}

// countSuppliers counts the supplier facets: each over the suppliers that
// pass every other filter and have an offer that passes the offer filters
// (withOffer; nil when no offer filter is set).
func (ev *evaluation) countSuppliers(req, withOffer, matched bitset, passes *[firstOfferFilter]bitset) {
	s, c := ev.s, ev.c
	// The place facets whose filter is not set count over the matches, in
	// one pass over them when they are few.
	var places []filter
	if _, n := s.nonZero(matched); n <= len(matched)*64/4 {
		for _, fl := range []filter{filterMunicipality, filterArrondissement, filterProvince, filterRegion} {
			if passes[fl] == nil && len(c.counts[fl]) > 0 {
				places = append(places, fl)
			}
		}
		ev.countPlaces(places, matched)
	}
	for fl := range firstOfferFilter {
		if len(c.counts[fl]) == 0 || slices.Contains(places, fl) {
			continue
		}
		over := matched
		if passes[fl] != nil {
			base := s.copyOf(req)
			if withOffer != nil {
				base.and(withOffer)
			}
			for other, b := range passes {
				if filter(other) != fl && b != nil {
					base.and(b)
				}
			}
			over = base
		}
		ev.countValues(fl, over, nil)
	}
}

// countPlaces adds to the counts of the place facets in levels the
// suppliers in over, each by the one municipality its sites lie in. A
// municipality's set holds a few hundred suppliers spread over every word
// of it, and reading the sets of three hundred municipalities was half of
// the facet counts of a text search; a few thousand matches are counted
// one by one in a tenth of that. A supplier with sites in several
// municipalities counts once for each of its places (entry.values).
func (ev *evaluation) countPlaces(levels []filter, over bitset) {
	if len(levels) == 0 {
		return
	}
	f, cat, c := ev.f, ev.cat, ev.c
	over.each(func(ord int32) {
		switch m := cat.municipalityOf[ord]; m {
		case noPlace:
		case severalPlaces:
			for _, id := range cat.entries[ord].values {
				for _, fl := range levels {
					if int(id) >= f.facetBase[fl] && int(id) < f.facetBase[fl+1] {
						c.flat[id]++
					}
				}
			}
		default:
			for _, fl := range levels {
				if v := f.placeValue(fl, int(m)); v >= 0 {
					c.counts[fl][v]++
				}
			}
		}
	})
}

// countValues adds to the counts of facet fl's values the suppliers in over
// that have each value. For an offer facet with slots given, a supplier
// counts when the offer in one of those slots has the value; otherwise when
// any of its offers has it.
func (ev *evaluation) countValues(fl filter, over bitset, slots []bitset) {
	f, p, cat, s, c := ev.f, ev.p, ev.cat, ev.s, ev.c
	n := c.counts[fl]
	if len(n) == 0 {
		return
	}
	words, _ := s.nonZero(over)
	if len(words) > len(over)/2 {
		words = nil
	}
	first := f.facetBase[firstOfferFilter]
	var values []bitset
	// A municipality counts nobody when its arrondissement counts nobody:
	// the 43 arrondissements spare most of the 300 municipalities' passes
	// in a search narrowed to a province or a few places.
	var arrCounts []int
	if fl == filterMunicipality && slots == nil {
		arrCounts = make([]int, len(c.counts[filterArrondissement]))
		for a := range arrCounts {
			arrCounts[a] = cat.values[f.facetBase[filterArrondissement]+a].countIn(over, words)
		}
	}
	for i := range n {
		if a := f.placeOrd[0][i]; arrCounts != nil && a >= 0 && arrCounts[a] == 0 {
			continue
		}
		if slots == nil {
			var set bitset
			switch fl {
			case filterReserved:
				set = cat.derived([]derivedKind{reservedOn, reservedVerifiedOn}[i], 0, float64(p.today))
			case filterFresh:
				set = cat.derived(confirmedSince, 0, float64(p.staleBefore))
			case filterAvailableBy:
				set = cat.derived(availableBy, 0, float64(p.today+availableDays[i]))
			default:
				n[i] += cat.values[f.facetBase[fl]+i].countIn(over, words)
				continue
			}
			n[i] += over.countIn(set, words)
			continue
		}
		values = values[:0]
		for j := range slots {
			if fl == filterAvailableBy {
				values = append(values, cat.derived(slotAvailableBy, j, float64(p.today+availableDays[i])))
			} else {
				values = append(values, cat.slots[j].values[f.facetBase[fl]+i-first])
			}
		}
		// An offer in a slot has the value only where its supplier has it:
		// the supplier's set lists its non-empty words, often the fewer.
		read := words
		if fl != filterAvailableBy {
			held := cat.values[f.facetBase[fl]+i].words
			if len(held) == 0 {
				continue
			}
			if read == nil && len(held) < len(over) || read != nil && len(held) < len(read) {
				read = held
			}
		}
		n[i] += countAnySlot(over, slots, values, read)
	}
}

// countAnySlot counts the members of over that are, in some slot j, in both
// slots[j] and values[j].
func countAnySlot(over bitset, slots, values []bitset, words []int32) int {
	n := 0
	count := func(w int) {
		var hit uint64
		for j := range slots {
			hit |= slots[j][w] & values[j][w]
		}
		n += bits.OnesCount64(hit & over[w])
	}
	if words == nil {
		for w := range over {
			count(w)
		}
		return n
	}
	for _, w := range words {
		count(int(w))
	}
	return n
}

// passing returns the suppliers that pass supplier filter fl of the plan.
// The set may be shared: do not change it.
func (ev *evaluation) passing(fl filter) bitset {
	f, p, cat, s := ev.f, ev.p, ev.cat, ev.s
	value := func(i int) bitset { return cat.values[f.facetBase[fl]+i].bits }
	anyOf := func(set uint32) bitset {
		if bits.OnesCount32(set) == 1 {
			return value(bits.TrailingZeros32(set))
		}
		out := s.get()
		for set != 0 {
			out.or(value(bits.TrailingZeros32(set)))
			set &= set - 1
		}
		return out
	}
	switch fl {
	case filterKind:
		return anyOf(p.kinds)
	case filterSector:
		if p.sector == "social" {
			return value(0)
		}
		return value(1)
	case filterReserved:
		if p.q.ReservedVerified {
			return cat.derived(reservedVerifiedOn, 0, float64(p.today))
		}
		return cat.derived(reservedOn, 0, float64(p.today))
	case filterTargetGroup:
		return anyOf(p.targets)
	case filterCooperation:
		return anyOf(p.cooperation)
	case filterMunicipality, filterArrondissement, filterProvince, filterRegion:
		out := s.get()
		for _, ord := range p.located[fl-filterMunicipality] {
			out.or(value(ord))
		}
		return out
	case filterFresh:
		return cat.derived(confirmedSince, 0, float64(p.staleBefore))
	}
	panic("search: no set for filter " + facetNames[fl])
}

// slotPassing returns the suppliers whose offer in slot j passes offer
// filter g of the plan. The set may be shared: do not change it.
func (ev *evaluation) slotPassing(g filter, j int, req bitset) bitset {
	f, p, cat, s := ev.f, ev.p, ev.cat, ev.s
	sl := &cat.slots[j]
	first := f.facetBase[firstOfferFilter]
	value := func(fl filter, i int) bitset { return sl.values[f.facetBase[fl]+i-first] }
	switch g {
	case filterTask, filterTaskGroup, filterCPV:
		set := p.tasks[g-filterTask]
		out := s.get()
		for set != 0 {
			out.or(value(filterTask, bits.TrailingZeros64(set)))
			set &= set - 1
		}
		return out
	case filterServes:
		// Service areas are too many to keep as sets per slot: the offers
		// of the suppliers that serve the place at all are asked.
		out := s.copyOf(cat.serves[p.serves])
		out.and(req)
		out.and(sl.has)
		out.each(func(ord int32) {
			if o := &cat.entries[ord].offers[j]; !o.anywhere && !o.serves.has(p.serves) {
				out.remove(ord)
			}
		})
		return out
	case filterMinFTE:
		return cat.derived(slotMinFTE, j, p.minFTE)
	case filterAvailableBy:
		return cat.derived(slotAvailableBy, j, float64(p.availableBy))
	case filterMaxLead:
		return cat.derived(slotMaxLead, j, float64(p.maxLead))
	case filterMinContract:
		return cat.derived(slotMinContract, j, p.minContract)
	case filterAtClientSite:
		return value(filterAtClientSite, 0)
	case filterTransit:
		return value(filterTransit, int(p.minTransit)-1)
	}
	panic("search: no slot set for filter " + facetNames[g])
}
