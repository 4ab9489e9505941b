package search

import (
	"math"
	"math/bits"
)

// evaluate runs a plan and returns the matches, in ordinal order; text
// holds what the free text matched (when hasText: the text may hold only
// stop words, which filter nothing); with a counter, it also
// counts every facet the disjunctive way: a filter's own facet is counted
// as if that filter were not set, every other facet over the matches.
//
// It works on sets of suppliers (see valueSets). Each filter passes a set,
// the matches are their intersection, and a count is the size of one more
// intersection. Offers need a visit only when offer filters are set: those
// must hold for one and the same offer (the correlation rule), which no set
// of suppliers can tell. With one offer filter, "has an offer that passes
// it" is a set again, and only the matches are visited, for the other offer
// facets; with more, the suppliers that fail at most one filter are.
func (f *facts) evaluate(p *plan, cat *catalogue, text []textHit, hasText bool, c *counter) []match {
	s := cat.scratch()
	defer s.release()
	active := p.active()

	// Every match is among the suppliers that match the text and lie near
	// the place; their scores and distances are looked up by ordinal.
	req := s.copyOf(cat.live)
	if hasText {
		words := s.get()
		for _, h := range text {
			words.add(h.ord)
		}
		req.and(words)
	}
	var near []nearHit
	if p.near.ok {
		near = cat.nearby(p.near, p.radiusKm, p.kmPerLon)
		nearSet := s.get()
		for _, h := range near {
			nearSet.add(h.ord)
		}
		req.and(nearSet)
	}

	// The set each active filter passes; nil when the filter is not set.
	var passes [filterCount]bitset
	var offerSet []filter
	for fl := range filter(filterCount) {
		if fl != filterNear && active&(1<<fl) != 0 {
			passes[fl] = f.passing(fl, p, cat, s)
			if fl >= firstOfferFilter {
				offerSet = append(offerSet, fl)
			}
		}
	}
	passAll := s.copyOf(req) // every supplier filter holds
	for fl := range firstOfferFilter {
		if passes[fl] != nil {
			passAll.and(passes[fl])
		}
	}

	// withOffer: the suppliers with an offer that passes every offer
	// filter (nil: no offer filter, so every one); matched: the matches.
	var withOffer, matched, visit bitset
	switch {
	case len(offerSet) == 0:
		matched = passAll
	case len(offerSet) == 1:
		withOffer = passes[offerSet[0]]
		matched = s.copyOf(passAll)
		matched.and(withOffer)
		visit = matched
	case c == nil:
		// Nothing to count: only the matches need their offers visited.
		withOffer, matched = s.get(), s.get()
		visit = s.copyOf(passAll)
		for _, g := range offerSet {
			visit.and(passes[g])
		}
	default:
		withOffer, matched = s.get(), s.get()
		visit = f.mayCount(req, passAll, &passes, s)
	}

	var out []match
	reserved := cat.datedSet(reservedOn, p.today)
	nextText, nextNear := 0, 0 // the hits are in ordinal order, as the sets are walked
	add := func(ord int32, e *entry, fte float64) {
		m := match{e: e, distance: math.NaN(), fte: fte, stale: e.confirmed < p.staleBefore, reserved: reserved.has(ord)}
		for nextText < len(text) && text[nextText].ord < ord {
			nextText++
		}
		if nextText < len(text) && text[nextText].ord == ord {
			m.score = text[nextText].score
		}
		for nextNear < len(near) && near[nextNear].ord < ord {
			nextNear++
		}
		if nextNear < len(near) && near[nextNear].ord == ord {
			m.distance = near[nextNear].distance
		}
		out = append(out, m)
	}
	if visit == nil {
		matched.each(func(ord int32) {
			e := cat.entries[ord]
			add(ord, e, e.hit.FreeFTE)
		})
	} else {
		// With one offer filter, its facet is counted from the sets below.
		var skip filter = filterCount
		if len(offerSet) == 1 {
			skip = offerSet[0]
		}
		visit.each(func(ord int32) {
			e := cat.entries[ord]
			counting := c != nil && passAll.has(ord)
			full, only, onlySet := p.passingOffers(e, active, counting && len(offerSet) > 1)
			if full.any && len(offerSet) > 1 {
				withOffer.add(ord)
				if passAll.has(ord) {
					matched.add(ord)
				}
			}
			if counting {
				for g := firstOfferFilter; g < filterCount; g++ {
					k := g - firstOfferFilter
					switch {
					case g == skip:
					case onlySet&(1<<k) != 0:
						v := full.merge(&only[k])
						c.countOffers(g, &v, p)
					case full.any:
						c.countOffers(g, &full, p)
					}
				}
			}
			if full.any && passAll.has(ord) {
				add(ord, e, full.fte)
			}
		})
	}
	if c != nil {
		f.countSets(p, cat, s, c, req, withOffer, matched, passAll, &passes, offerSet, reserved)
	}
	return out
}

// nearHit is a supplier with a site near the place, and how near.
type nearHit struct {
	ord      int32
	distance float64
}

// passingOffers gathers e's offers that pass every offer filter into full
// and, when only is asked for, those that fail exactly one, g, into
// only[g] (marked in onlySet).
func (p *plan) passingOffers(e *entry, active uint32, wantOnly bool) (full offerValues, only [filterCount - firstOfferFilter]offerValues, onlySet uint32) {
	for i := range e.offers {
		o := &e.offers[i]
		switch of := p.offerFails(o, active); {
		case of == 0:
			full.add(o)
		case wantOnly && bits.OnesCount32(of) == 1:
			g := bits.TrailingZeros32(of) - int(firstOfferFilter)
			onlySet |= 1 << g
			only[g].add(o)
		}
	}
	return full, only, onlySet
}

// mayCount returns, with two or more offer filters, the suppliers that can
// count anywhere: those that fail at most one supplier filter and pass
// every offer filter's set (they count in that supplier filter's facet if
// an offer passes them all), and those that pass every supplier filter and
// fail at most one offer filter's set.
func (f *facts) mayCount(req, passAll bitset, passes *[filterCount]bitset, s *scratch) bitset {
	out := s.get()
	for w := range out {
		// Bit by bit: fails at least one test, fails at least two.
		var sup1, sup2, off1, off2 uint64
		for fl, b := range passes {
			if b == nil || filter(fl) == filterNear {
				continue
			}
			miss := ^b[w]
			if filter(fl) < firstOfferFilter {
				sup2 |= sup1 & miss
				sup1 |= miss
			} else {
				off2 |= off1 & miss
				off1 |= miss
			}
		}
		out[w] = req[w]&^sup2&^off1 | passAll[w]&^off2
	}
	return out
}

// countSets counts the facets that sets can count: every supplier facet,
// over the suppliers that pass every other filter and have an offer that
// passes the offer filters; and, with at most one offer filter, the offer
// facets that no visit counted.
func (f *facts) countSets(p *plan, cat *catalogue, s *scratch, c *counter, req, withOffer, matched, passAll bitset,
	passes *[filterCount]bitset, offerSet []filter, reserved bitset) {
	base := s.get()
	var words []int32
	countValues := func(fl filter, over bitset) {
		words = over.nonZero(words)
		sparse := words
		if len(words) > len(over)/2 {
			sparse = nil
		}
		n := c.counts[fl]
		switch fl {
		case filterReserved:
			n[0] = over.countIn(reserved, sparse)
		case filterFresh:
			n[0] = over.countIn(cat.datedSet(confirmedSince, p.staleBefore), sparse)
		case filterAvailableBy:
			for i, d := range availableDays {
				n[i] = over.countIn(cat.datedSet(availableBy, p.today+d), sparse)
			}
		default:
			at := f.facetBase[fl]
			for i := range n {
				n[i] = over.countIn(cat.values[at+i], sparse)
			}
		}
	}
	for fl := range firstOfferFilter {
		if len(c.counts[fl]) == 0 {
			continue
		}
		over := matched
		if passes[fl] != nil {
			copy(base, req)
			if withOffer != nil {
				base.and(withOffer)
			}
			for other := range firstOfferFilter {
				if other != fl && passes[other] != nil {
					base.and(passes[other])
				}
			}
			over = base
		}
		countValues(fl, over)
	}
	for g := firstOfferFilter; g < filterCount; g++ {
		switch {
		case len(c.counts[g]) == 0:
		case len(offerSet) == 0:
			countValues(g, matched)
		case len(offerSet) == 1 && offerSet[0] == g:
			countValues(g, passAll)
		}
	}
}

// passing returns the suppliers that pass filter fl of the plan: for an
// offer filter, those with an offer that passes it. The set may be shared:
// do not change it.
func (f *facts) passing(fl filter, p *plan, cat *catalogue, s *scratch) bitset {
	value := func(fl filter, i int) bitset { return cat.values[f.facetBase[fl]+i] }
	anyOf := func(fl filter, set uint64) bitset {
		if bits.OnesCount64(set) == 1 {
			return value(fl, bits.TrailingZeros64(set))
		}
		out := s.get()
		for set != 0 {
			out.or(value(fl, bits.TrailingZeros64(set)))
			set &= set - 1
		}
		return out
	}
	switch fl {
	case filterKind:
		return anyOf(fl, uint64(p.kinds))
	case filterSector:
		if p.sector == "social" {
			return value(fl, 0)
		}
		return value(fl, 1)
	case filterReserved:
		return cat.datedSet(reservedOn, p.today)
	case filterTargetGroup:
		return anyOf(fl, uint64(p.targets))
	case filterCooperation:
		return anyOf(fl, uint64(p.cooperation))
	case filterMunicipality, filterArrondissement, filterProvince, filterRegion:
		out := s.get()
		for _, ord := range p.locatedOrds[fl-filterMunicipality] {
			out.or(value(fl, ord))
		}
		return out
	case filterFresh:
		return cat.datedSet(confirmedSince, p.staleBefore)
	case filterTask, filterTaskGroup, filterCPV:
		return anyOf(filterTask, p.tasks[fl-filterTask])
	case filterServes:
		return cat.serves[p.serves]
	case filterMinFTE:
		out := s.get()
		atLeast(out, cat.maxFTE, p.minFTE)
		return out
	case filterAvailableBy:
		out := s.get()
		atMost(out, cat.minFrom, p.availableBy)
		return out
	case filterMaxLead:
		out := s.get()
		atMost(out, cat.minLead, p.maxLead)
		return out
	case filterMinContract:
		out := s.get()
		atLeast(out, cat.maxContract, p.minContract)
		return out
	case filterAtClientSite:
		return value(fl, 0)
	case filterTransit:
		return value(fl, int(p.minTransit)-1)
	}
	panic("search: no set for filter " + facetNames[fl])
}
