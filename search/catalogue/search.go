package catalogue

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/search"
)

// maxMunicipalityFacet bounds the municipality facet to its largest values.
const maxMunicipalityFacet = 50

// Search runs a query: the free text through Bleve, every other filter, the
// facets and the sort through the catalogue.
//
// The result is shared with later callers of the same search: treat it as
// read-only.
func (x *Index) Search(q search.Query) (*search.Result, error) {
	x.rw.RLock()
	defer x.rw.RUnlock()
	gen, key := x.generation(), cacheKey(q)
	if r := x.results.get(gen, key); r != nil {
		return r, nil
	}
	res, err := x.search(q)
	if err == nil {
		x.results.put(gen, key, res)
	}
	return res, err
}

// Warm runs a first search for the day and maps the index's documents to
// the catalogue, so that the first buyer does not wait while the catalogue
// sorts its names and works out the sets of the day, or while the first
// free text reads every document's id (together two seconds at 1,000,000
// suppliers).
func (x *Index) Warm(today directory.Date) error {
	if _, err := x.Search(search.Query{Today: today}); err != nil {
		return err
	}
	x.rw.RLock()
	defer x.rw.RUnlock()
	adv, err := x.bleve.Advanced()
	if err != nil {
		return err
	}
	r, err := adv.Reader()
	if err != nil {
		return err
	}
	defer r.Close()
	x.ords.resolverFor(r, x.cat)
	return nil
}

// generation changes whenever what a search sees may have changed.
func (x *Index) generation() uint64 { return x.applied.Load()<<16 ^ x.catVersion.Load() }

func (x *Index) search(q search.Query) (*search.Result, error) {
	p, matches, total, c, err := x.run(q, true, keepPage)
	if err != nil {
		return nil, err
	}
	defer c.wait() // before the caller lets go of the read lock, even in a panic
	defer x.reuseMatches(matches)
	res := &search.Result{Total: total, Page: p.q.Page, PerPage: p.q.PerPage, Sort: p.sort}
	from := min(len(matches), (p.q.Page-1)*p.q.PerPage)
	to := min(len(matches), from+p.q.PerPage)
	if p.keep() == 0 {
		sortMatches(p, matches, to)
	}
	page := matches[from:to]
	res.Hits = make([]search.Hit, len(page))
	descriptions := make([]string, len(page))
	for i := range page {
		res.Hits[i] = page[i].hit(x.facts)
		descriptions[i] = page[i].e.description
	}
	if len(p.terms) > 0 {
		x.highlight(p.terms, res.Hits, descriptions)
	}
	c.wait() // the facets were counted while the page was built
	res.Facets = x.facets(p, c)
	return res, nil
}

// All returns every match of q in the query's order, for exports; limit
// bounds how many.
func (x *Index) All(q search.Query, limit int) ([]search.Hit, int, error) {
	var out []search.Hit
	total, err := x.ordered(q, limit, func(matches []match) {
		out = make([]search.Hit, min(len(matches), limit))
		for i := range out {
			out[i] = matches[i].hit(x.facts)
		}
	})
	return out, total, err
}

// ordered runs q and hands use its matches, the first n in the query's
// order; it returns how many matched. The matches live until use returns.
func (x *Index) ordered(q search.Query, n int, use func(matches []match)) (int, error) {
	x.rw.RLock()
	defer x.rw.RUnlock()
	p, matches, _, _, err := x.run(q, false, 0)
	if err != nil {
		return 0, err
	}
	defer x.reuseMatches(matches)
	sortMatches(p, matches, min(n, len(matches)))
	use(matches)
	return len(matches), nil
}

// Sites returns the sites of every match of q, at most limit, and how many
// suppliers matched.
func (x *Index) Sites(q search.Query, limit int) ([]search.Site, int, error) {
	var out []search.Site
	total, err := x.ordered(q, math.MaxInt, func(matches []match) {
		for _, m := range matches {
			for _, s := range m.e.sites {
				if len(out) == limit {
					return
				}
				out = append(out, search.Site{SupplierID: m.e.id, Name: m.e.name, Kind: string(directory.Kinds[m.e.kind]),
					Municipality: x.facts.places.Municipalities()[s.municipality].Name.NL, Lat: s.lat, Lon: s.lon,
					MatchingFTE: m.fte, Reserved: m.reserved, Unclaimed: m.e.unclaimed})
			}
		}
	})
	return out, total, err
}

// run resolves q and evaluates it; the caller holds x.rw. With keepPage,
// only the best matches up to the end of the query's page are returned, in
// the plan's order, unless the page is deep (see plan.keep); total counts
// them all.
func (x *Index) run(q search.Query, count bool, keep int) (p *plan, matches []match, total int, c *counter, err error) {
	if x.bleve == nil {
		return nil, nil, 0, nil, search.ErrClosed
	}
	if x.indexOnly {
		return nil, nil, 0, nil, errIndexOnly
	}
	if p, err = x.facts.resolve(q); err != nil {
		return nil, nil, 0, nil, err
	}
	var fd found
	if p.q.Text != "" {
		if p.terms, err = x.terms(p.q.Text); err != nil {
			return nil, nil, 0, nil, err
		}
		if fd.text, fd.hasText, err = x.textHits(p.terms); err != nil {
			return nil, nil, 0, nil, err
		}
	}
	if p.near.ok {
		fd.near = x.nearby(p)
	}
	if p.reach.ok {
		if fd.reach, err = x.reachable(p); err != nil {
			return nil, nil, 0, nil, err
		}
	}
	if count {
		c = newCounter(x.facts)
	}
	if keep == keepPage {
		keep = p.keep()
	}
	matches, total = x.facts.evaluate(p, x.cat, &fd, c, x.matchBuffer(), keep)
	return p, matches, total, c, nil
}

// found is what the words and the places found before any filter: the
// suppliers that match the text (hasText: it had words that filter), that
// lie near the place, and whose crew reaches the place in time, each list
// in ordinal order with the score, distance or travel time.
type found struct {
	text    []textHit
	hasText bool
	near    []nearHit
	reach   []reachHit
}

// keepPage asks run for the matches up to the end of the query's page.
const keepPage = -1

// keep is how many of the best matches a search keeps: those up to the end
// of its page; 0, all of them, for a page so deep that sorting them all
// costs less.
func (p *plan) keep() int {
	if n := p.q.Page * p.q.PerPage; n <= 2000 {
		return n
	}
	return 0
}

// nearby returns who lies near the plan's place, from the cache when the
// place was asked for lately. The hits are shared: do not change them.
func (x *Index) nearby(p *plan) []nearHit {
	key := fmt.Sprintf("%.6f,%.6f,%g", p.near.lat, p.near.lon, p.radiusKm)
	gen := x.catVersion.Load()<<40 ^ x.cat.siteVersion
	if hits, ok := x.nears.get(gen, key); ok {
		return hits
	}
	hits := x.cat.nearby(p.near, p.radiusKm, p.kmPerLon)
	x.nears.put(gen, key, hits)
	return hits
}

// reachable returns the suppliers whose crew can reach the plan's place in
// time by public transport, from the cache when asked lately.
func (x *Index) reachable(p *plan) ([]reachHit, error) {
	r := &p.reach
	key := fmt.Sprintf("%.6f,%.6f,%d,%d", r.lat, r.lon, r.by, r.within)
	gen := x.catVersion.Load()<<40 ^ x.cat.siteVersion
	if hits, ok := x.reaches.get(gen, key); ok {
		return hits, nil
	}
	if x.facts.reach == nil {
		return nil, errNoTimetable
	}
	origins, ok := x.facts.reach(r.lat, r.lon, r.by, r.within)
	if !ok {
		return nil, errNoTimetable
	}
	hits := x.cat.reachable(origins, int32(r.within/time.Second))
	x.reaches.put(gen, key, hits)
	return hits, nil
}

// errIndexOnly: an index opened without its catalogue answers no search.
var errIndexOnly = errors.New("this search index was opened to be kept up to date only (Options.IndexOnly)")

var errNoTimetable = &search.ParamError{Param: "reach", Code: "no_timetable", Reason: "no public transport timetable is imported, so journeys cannot be planned"}

// matchBuffer lends a search memory for its matches: a search without
// words or filters matches every supplier, 4.8 MB at 100,000.
func (x *Index) matchBuffer() []match {
	if b, ok := x.matches.Get().(*[]match); ok {
		return *b
	}
	return nil
}

// reuseMatches takes the memory back once nothing refers to the matches.
func (x *Index) reuseMatches(ms []match) {
	if cap(ms) > 0 {
		x.matches.Put(&ms)
	}
}

// hit is the result row of a match.
func (m *match) hit(f *facts) search.Hit {
	h := f.hit(m.e)
	h.Score = m.score
	h.MatchingFTE = m.fte
	h.Stale = m.stale
	h.Reserved, h.ReservedVerified = m.reserved, m.reservedVerified
	if !math.IsNaN(m.distance) && !math.IsInf(m.distance, 0) {
		d := math.Round(m.distance*10) / 10
		h.DistanceKm = &d
	}
	if m.travel >= 0 {
		minutes := int(math.Round(float64(m.travel) / 60))
		h.TravelMinutes = &minutes
	}
	return h
}

// sortMatches orders the first n matches as the plan asks. Stale profiles
// rank below fresh ones in the relevance order; every order ends on the
// Dutch collation of the name and the id, so pages are stable.
func sortMatches(p *plan, ms []match, n int) {
	sortTop(ms, n, order(p))
}

// order compares matches in the plan's order.
func order(p *plan) func(a, b *match) int {
	// Comparisons run lazily, most selective first: the name's collation
	// key is compared only on a tie, and then by its first bytes first.
	byName := func(a, b *match) int {
		if a.namePrefix != b.namePrefix {
			return cmp.Compare(a.namePrefix, b.namePrefix)
		}
		return compareNames(a.e, b.e)
	}
	var less func(a, b *match) int
	switch p.sort {
	case search.SortName:
		less = byName
	case search.SortTravelTime:
		less = func(a, b *match) int {
			if c := cmp.Compare(a.travel, b.travel); c != 0 {
				return c
			}
			return byName(a, b)
		}
	case search.SortDistance:
		less = func(a, b *match) int {
			if c := cmp.Compare(a.distance, b.distance); c != 0 {
				return c
			}
			return byName(a, b)
		}
	case search.SortCapacity:
		less = func(a, b *match) int {
			if c := cmp.Compare(b.fte, a.fte); c != 0 {
				return c
			}
			return byName(a, b)
		}
	case search.SortUpdated:
		less = func(a, b *match) int {
			if c := cmp.Compare(b.updated, a.updated); c != 0 {
				return c
			}
			return byName(a, b)
		}
	default:
		// Without words every score is the same: with a place, the
		// nearest (or, with reach, the quickest to get there) come first.
		byPlace := func(a, b *match) int { return 0 }
		if len(p.terms) == 0 {
			switch {
			case p.reach.ok:
				byPlace = func(a, b *match) int { return cmp.Compare(a.travel, b.travel) }
			case p.from.ok:
				byPlace = func(a, b *match) int { return cmp.Compare(a.distance, b.distance) }
			}
		}
		less = func(a, b *match) int {
			if c := compareBool(a.stale, b.stale); c != 0 {
				return c
			}
			if c := cmp.Compare(b.score, a.score); c != 0 {
				return c
			}
			if c := byPlace(a, b); c != 0 {
				return c
			}
			return byName(a, b)
		}
	}
	return less
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

// sortTop puts the n smallest elements first, in order; cheaper than a full
// sort when a page is a small part of many matches.
func sortTop[T any](s []T, n int, cmpFn func(a, b *T) int) {
	if n >= len(s)/4 || len(s) < 256 {
		slices.SortFunc(s, func(a, b T) int { return cmpFn(&a, &b) })
		return
	}
	// Keep a sorted prefix of n; a new element enters when it beats the last.
	top := s[:n]
	slices.SortFunc(top, func(a, b T) int { return cmpFn(&a, &b) })
	for i := n; i < len(s); i++ {
		if n == 0 || cmpFn(&s[i], &top[n-1]) >= 0 {
			continue
		}
		j, _ := slices.BinarySearchFunc(top, s[i], func(a, b T) int { return cmpFn(&a, &b) })
		v := s[i]
		s[i] = top[n-1]
		copy(top[j+1:], top[j:n-1])
		top[j] = v
	}
}

// facets turns the counter into facet values, in the order of the
// reference lists; values a buyer picked are kept even at zero.
func (x *Index) facets(p *plan, c *counter) map[string][]search.FacetValue {
	out := map[string][]search.FacetValue{}
	for f, values := range x.facts.facetLists {
		if facetNames[f] == "" {
			// near, cpv and serves filter without a facet: no values to
			// count, and no name (an empty one answered every search).
			continue
		}
		if filter(f) == filterMunicipality {
			continue // the largest values only, below
		}
		if filter(f) == filterAvailableBy {
			values = make([]string, len(availableDays))
			for i, d := range availableDays {
				values[i] = p.q.Today.AddDays(int(d)).String()
			}
		}
		fv := make([]search.FacetValue, len(values))
		for i, v := range values {
			fv[i] = search.FacetValue{Value: v, Count: c.counts[f][i]}
		}
		out[facetNames[f]] = fv
	}
	nis := x.facts.facetLists[filterMunicipality]
	var munis []search.FacetValue
	for ord, n := range c.counts[filterMunicipality] {
		if n > 0 {
			munis = append(munis, search.FacetValue{Value: nis[ord], Count: n})
		}
	}
	slices.SortFunc(munis, func(a, b search.FacetValue) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Value, b.Value))
	})
	if len(munis) > maxMunicipalityFacet {
		munis = munis[:maxMunicipalityFacet]
	}
	for ord, code := range nis {
		if slices.Contains(p.located[levelMunicipality], ord) && !slices.ContainsFunc(munis, func(v search.FacetValue) bool { return v.Value == code }) {
			munis = append(munis, search.FacetValue{Value: code, Count: c.counts[filterMunicipality][ord]})
		}
	}
	out[facetNames[filterMunicipality]] = munis
	return out
}
