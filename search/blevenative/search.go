package blevenative

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/blevesearch/bleve/v2/numeric"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/collector"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/verken/verken/data"
	"github.com/verken/verken/directory"
	"github.com/verken/verken/search"
)

const maxMunicipalityFacet = 50

// counter is a facet builder that counts each document once per value,
// however many of its matching nested documents have the value: a facet
// counts suppliers, not offers.
type counter struct {
	field  string
	values []string
	counts []int
	seen   []bool
	// bucket marks the values a term stands for.
	bucket func(term []byte, mark func(i int))
	mark   func(i int)
}

func newCounter(field string, values []string, bucket func(term []byte, mark func(int))) *counter {
	c := &counter{field: field, values: values, counts: make([]int, len(values)), seen: make([]bool, len(values)), bucket: bucket}
	c.mark = func(i int) { c.seen[i] = true }
	return c
}

// termCounter counts keyword values.
func termCounter(field string, values []string) *counter {
	pos := make(map[string]int, len(values))
	for i, v := range values {
		pos[v] = i
	}
	return newCounter(field, values, func(t []byte, mark func(int)) {
		if i, ok := pos[string(t)]; ok {
			mark(i)
		}
	})
}

// rangeCounter counts numbers: value i when in(i, v).
func rangeCounter(field string, values []string, in func(i int, v float64) bool) *counter {
	return newCounter(field, values, func(t []byte, mark func(int)) {
		pc := numeric.PrefixCoded(t)
		if shift, err := pc.Shift(); err != nil || shift != 0 {
			return
		}
		i64, err := pc.Int64()
		if err != nil {
			return
		}
		v := numeric.Int64ToFloat64(i64)
		for i := range values {
			if in(i, v) {
				mark(i)
			}
		}
	})
}

func (c *counter) StartDoc() {}
func (c *counter) UpdateVisitor(t []byte) {
	c.bucket(t, c.mark)
}
func (c *counter) EndDoc() {
	for i, s := range c.seen {
		if s {
			c.counts[i]++
			c.seen[i] = false
		}
	}
}
func (c *counter) Result() *bsearch.FacetResult { return &bsearch.FacetResult{Field: c.field} }
func (c *counter) Field() string                { return c.field }
func (c *counter) Size() int                    { return 0 }

// counterFor is the counter of facet fl; offers says whether the search
// has offer filters, so that offer values are read from the matching
// offers rather than from what any offer of the supplier has.
func (x *Index) counterFor(fl filter, p *plan, offers bool) *counter {
	codes := func(n int, code func(int) string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = code(i)
		}
		return out
	}
	pick := func(offerField, anyField string) string {
		if offers {
			return offerField
		}
		return anyField
	}
	pl, tx := x.facts.places, x.facts.tasks
	switch fl {
	case filterKind:
		return termCounter(fKind, codes(len(directory.Kinds), func(i int) string { return string(directory.Kinds[i]) }))
	case filterSector:
		return termCounter(fSector, []string{"social", "regular"})
	case filterTargetGroup:
		return termCounter(fTarget, directory.TargetGroups)
	case filterCooperation:
		return termCounter(fCoop, directory.CooperationModes)
	case filterMunicipality:
		return termCounter(fMun, codes(len(pl.Municipalities()), func(i int) string { return pl.Municipalities()[i].NIS }))
	case filterArrondissement:
		return termCounter(fArr, codes(len(pl.Arrondissements()), func(i int) string { return pl.Arrondissements()[i].Code }))
	case filterProvince:
		return termCounter(fProv, codes(len(pl.Provinces()), func(i int) string { return pl.Provinces()[i].Code }))
	case filterRegion:
		return termCounter(fRegion, codes(len(pl.Regions()), func(i int) string { return pl.Regions()[i].Code }))
	case filterFresh:
		return rangeCounter(fConfirmed, []string{"true"}, func(_ int, v float64) bool { return v >= float64(p.staleBefore) })
	case filterTask:
		return termCounter(pick(oTask, fAnyTask), codes(len(tx.Tasks()), func(i int) string { return tx.Tasks()[i].ID }))
	case filterTaskGroup:
		return termCounter(pick(oGroup, fAnyGroup), codes(len(tx.Groups()), func(i int) string { return tx.Groups()[i].ID }))
	case filterMinFTE:
		return rangeCounter(pick(oFTE, fAnyFTE), codes(len(fteSteps), func(i int) string { return fmtFloat(fteSteps[i]) }),
			func(i int, v float64) bool { return v >= fteSteps[i] })
	case filterAvailableBy:
		return rangeCounter(pick(oFrom, fAnyFrom), codes(len(availableDays), func(i int) string { return p.q.Today.AddDays(availableDays[i]).String() }),
			func(i int, v float64) bool { return v <= float64(int(p.today)+availableDays[i]) })
	case filterMaxLead:
		return rangeCounter(pick(oLead, fAnyLead), codes(len(leadSteps), func(i int) string { return fmtFloat(leadSteps[i]) }),
			func(i int, v float64) bool { return v <= leadSteps[i] })
	case filterMinContract:
		return rangeCounter(pick(oContract, fAnyContract), codes(len(contractSteps), func(i int) string { return fmtFloat(contractSteps[i]) }),
			func(i int, v float64) bool { return v >= contractSteps[i] })
	case filterAtClientSite:
		return termCounter(pick(oClient, fAnyClient), []string{"true"})
	case filterTransit:
		return rangeCounter(pick(oTransit, fAnyTransit), transitClasses, func(i int, v float64) bool { return v >= 1 && v <= float64(i+1) })
	}
	return nil
}

// session is one search's view of the index: a reader and a context in
// nested mode.
type session struct {
	x   *Index
	r   index.IndexReader
	nr  index.NestedReader
	ctx context.Context
}

func (x *Index) session() (*session, error) {
	if x.bleve == nil {
		return nil, search.ErrClosed
	}
	adv, err := x.bleve.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	nr, _ := r.(index.NestedReader)
	return &session{x: x, r: r, nr: nr, ctx: context.WithValue(context.Background(), bsearch.NestedSearchKey, true)}, nil
}

func (s *session) close() { _ = s.r.Close() }

// collect runs q and returns the hits from..from+size in order, the total
// and fills the counters.
func (s *session) collect(q query.Query, size, from int, order bsearch.SortOrder, counters ...*counter) (bsearch.DocumentMatchCollection, int, error) {
	sr, err := q.Searcher(s.ctx, s.r, s.x.bleve.Mapping(), bsearch.SearcherOptions{})
	if err != nil {
		return nil, 0, err
	}
	defer sr.Close()
	if order == nil {
		order = bsearch.SortOrder{&bsearch.SortDocID{}}
	}
	var c *collector.TopNCollector
	if s.nr != nil {
		c = collector.NewNestedTopNCollector(size, from, order, s.nr)
	} else {
		c = collector.NewTopNCollector(size, from, order)
	}
	if len(counters) > 0 {
		fb := bsearch.NewFacetsBuilder(s.r)
		for i, cn := range counters {
			fb.Add(strconv.Itoa(i), cn)
		}
		c.SetFacetsBuilder(fb)
	}
	if err := c.Collect(s.ctx, sr, s.r); err != nil {
		return nil, 0, err
	}
	return c.Results(), int(c.Total()), nil
}

// sortOrder is Bleve's order for the plan's sort, nil when it is worked
// out in Go (distance; capacity of the matching offers).
func (p *plan) sortOrder() bsearch.SortOrder {
	byName := bsearch.SortOrder{&bsearch.SortField{Field: fNameKey, Type: bsearch.SortFieldAsString}, &bsearch.SortDocID{}}
	switch p.sort {
	case search.SortName:
		return byName
	case search.SortUpdated:
		return append(bsearch.SortOrder{&bsearch.SortField{Field: fUpdated, Type: bsearch.SortFieldAsString, Desc: true}}, byName...)
	case search.SortCapacity:
		if p.hasOffers(-1) {
			return nil
		}
		return append(bsearch.SortOrder{&bsearch.SortField{Field: fFTE, Type: bsearch.SortFieldAsNumber, Desc: true}}, byName...)
	case search.SortRelevance:
		if len(p.terms) == 0 {
			return byName
		}
		return append(bsearch.SortOrder{&bsearch.SortScore{Desc: true}}, byName...)
	}
	return nil
}

// hit is a match found, by id with its score.
type found struct {
	id    string
	score float64
}

// ordered returns the matches from..from+size in the plan's order and the
// total.
func (s *session) ordered(p *plan, text query.Query, from, size int) ([]found, int, error) {
	all := p.query(text, -1)
	order := p.sortOrder()
	take := func(dms bsearch.DocumentMatchCollection) []found {
		out := make([]found, len(dms))
		for i, d := range dms {
			out[i] = found{d.ID, d.Score}
		}
		return out
	}
	if order == nil {
		// In Go: every match, then the order.
		dms, total, err := s.collect(all, math.MaxInt32, 0, nil)
		if err != nil {
			return nil, 0, err
		}
		out := take(dms)
		s.x.sortFound(p, out)
		return out[min(from, len(out)):min(from+size, len(out))], total, nil
	}
	if p.sort != search.SortRelevance || p.q.Fresh {
		dms, total, err := s.collect(all, size, from, order)
		return take(dms), total, err
	}
	// Relevance: fresh profiles first, then those to be confirmed.
	fresh := p.query(text, -1, numRange(fConfirmed, ptr(float64(p.staleBefore)), nil))
	dms, nFresh, err := s.collect(fresh, size, from, order)
	if err != nil {
		return nil, 0, err
	}
	out := take(dms)
	stale := p.query(text, -1, numRange(fConfirmed, nil, ptr(float64(p.staleBefore)-0.5)))
	dms, nStale, err := s.collect(stale, max(0, size-len(out)), max(0, from-nFresh), order)
	if err != nil {
		return nil, 0, err
	}
	if len(out) < size {
		out = append(out, take(dms)...)
	}
	return out, nFresh + nStale, nil
}

// sortFound orders matches in Go: by distance or by matching capacity.
func (x *Index) sortFound(p *plan, fs []found) {
	type keyed struct {
		f   found
		r   *row
		key float64
	}
	ks := make([]keyed, len(fs))
	for i, f := range fs {
		r := x.rows[f.id]
		k := keyed{f: f, r: r}
		if r != nil {
			switch p.sort {
			case search.SortDistance:
				k.key = nearest(r, p.from)
			default:
				k.key = -matchingFTE(p, r)
			}
		}
		ks[i] = k
	}
	slices.SortFunc(ks, func(a, b keyed) int {
		if c := cmp.Compare(a.key, b.key); c != 0 {
			return c
		}
		if a.r != nil && b.r != nil {
			if c := cmp.Compare(a.r.nameKey, b.r.nameKey); c != 0 {
				return c
			}
		}
		return cmp.Compare(a.f.id, b.f.id)
	})
	for i := range ks {
		fs[i] = ks[i].f
	}
}

func nearest(r *row, from point) float64 {
	best := math.Inf(1)
	for _, s := range r.sites {
		best = min(best, data.DistanceKm(from.lat, from.lon, s.lat, s.lon))
	}
	return best
}

func matchingFTE(p *plan, r *row) float64 {
	fte := 0.0
	for i := range r.offers {
		if p.offerPasses(&r.offers[i]) {
			fte += r.offers[i].freeFTE
		}
	}
	return fte
}

// hit is the result row of a match.
func (x *Index) hit(p *plan, f found) (search.Hit, *row) {
	r := x.rows[f.id]
	if r == nil {
		return search.Hit{ID: f.id}, nil
	}
	h := r.hit
	if len(p.terms) > 0 {
		h.Score = f.score
	}
	h.MatchingFTE = matchingFTE(p, r)
	h.Stale = r.confirmed < p.staleBefore
	h.Reserved = reservedOn(r, p.q.Today)
	if p.from.ok {
		if d := nearest(r, p.from); !math.IsInf(d, 0) {
			d = math.Round(d*10) / 10
			h.DistanceKm = &d
		}
	}
	return h, r
}

func reservedOn(r *row, d directory.Date) bool {
	for _, p := range r.reserved {
		if !d.Before(p.From) && (p.To.IsZero() || !p.To.Before(d)) {
			return true
		}
	}
	return false
}

// prepare resolves q and its words.
func (s *session) prepare(q search.Query) (*plan, query.Query, error) {
	p, err := s.x.facts.resolve(q)
	if err != nil {
		return nil, nil, err
	}
	if p.q.Text == "" {
		return p, nil, nil
	}
	if p.terms, err = s.x.terms(p.q.Text); err != nil {
		return nil, nil, err
	}
	for i := range p.terms {
		if p.terms[i].fuzz > 0 || p.terms[i].prefix {
			p.terms[i].held = termExists(s.ctx, s.r, fieldWords, p.terms[i].plain)
		}
		if p.terms[i].held {
			p.terms[i].fuzz = 0
		}
	}
	return p, textQuery(p.terms), nil
}

// Search runs a query: one Bleve search for the page and the facets of the
// filters not set, and one per filter set for its own facet.
func (x *Index) Search(q search.Query) (*search.Result, error) {
	x.rw.RLock()
	defer x.rw.RUnlock()
	s, err := x.session()
	if err != nil {
		return nil, err
	}
	defer s.close()
	p, text, err := s.prepare(q)
	if err != nil {
		return nil, err
	}
	res := &search.Result{Page: p.q.Page, PerPage: p.q.PerPage, Sort: p.sort, Facets: map[string][]search.FacetValue{}}

	// The facets of the filters not set, over the matches.
	offers := p.hasOffers(-1)
	var counters []*counter
	var which []filter
	for fl := range filterCount {
		if fl == filterCPV || fl == filterServes || fl == filterReserved || p.clauses[fl] != nil {
			continue
		}
		counters = append(counters, x.counterFor(fl, p, offers))
		which = append(which, fl)
	}
	_, total, err := s.collect(p.query(text, -1), 0, 0, nil, counters...)
	if err != nil {
		return nil, err
	}
	res.Total = total
	for i, fl := range which {
		x.putFacet(res, p, fl, counters[i])
	}
	// Each filter set: its facet over the matches of the others.
	for fl := range filterCount {
		if fl == filterCPV || fl == filterServes || fl == filterReserved || p.clauses[fl] == nil {
			continue
		}
		c := x.counterFor(fl, p, p.hasOffers(fl))
		if _, _, err := s.collect(p.query(text, fl), 0, 0, nil, c); err != nil {
			return nil, err
		}
		x.putFacet(res, p, fl, c)
	}
	// reserved: how many would match with it.
	n := total
	if p.clauses[filterReserved] == nil {
		rq := p.query(text, -1, reservedClause(p))
		if _, n, err = s.collect(rq, 0, 0, nil); err != nil {
			return nil, err
		}
	}
	res.Facets[facetNames[filterReserved]] = []search.FacetValue{{Value: "true", Count: n}}

	from := (p.q.Page - 1) * p.q.PerPage
	page, _, err := s.ordered(p, text, from, p.q.PerPage)
	if err != nil {
		return nil, err
	}
	res.Hits = make([]search.Hit, len(page))
	descriptions := make([]string, len(page))
	for i, f := range page {
		var r *row
		res.Hits[i], r = x.hit(p, f)
		if r != nil {
			descriptions[i] = r.description
		}
	}
	if len(p.terms) > 0 {
		x.highlight(p.terms, res.Hits, descriptions)
	}
	return res, nil
}

func reservedClause(p *plan) query.Query {
	return conj(numRange(rFrom, nil, ptr(float64(p.today))), numRange(rTo, ptr(float64(p.today)), nil))
}

func conj(qs ...query.Query) query.Query {
	return &query.ConjunctionQuery{Conjuncts: qs}
}

// putFacet writes a counter's values into the result.
func (x *Index) putFacet(res *search.Result, p *plan, fl filter, c *counter) {
	out := make([]search.FacetValue, 0, len(c.values))
	if fl != filterMunicipality {
		for i, v := range c.values {
			out = append(out, search.FacetValue{Value: v, Count: c.counts[i]})
		}
		res.Facets[facetNames[fl]] = out
		return
	}
	for i, v := range c.values {
		if c.counts[i] > 0 {
			out = append(out, search.FacetValue{Value: v, Count: c.counts[i]})
		}
	}
	slices.SortFunc(out, func(a, b search.FacetValue) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Value, b.Value))
	})
	if len(out) > maxMunicipalityFacet {
		out = out[:maxMunicipalityFacet]
	}
	for i, v := range c.values {
		if slices.Contains(p.q.Municipalities, v) && !slices.ContainsFunc(out, func(f search.FacetValue) bool { return f.Value == v }) {
			out = append(out, search.FacetValue{Value: v, Count: c.counts[i]})
		}
	}
	res.Facets[facetNames[fl]] = out
}

// all runs q and hands use every match in q's order, at most limit.
func (x *Index) all(q search.Query, limit int, use func(p *plan, fs []found)) (int, error) {
	x.rw.RLock()
	defer x.rw.RUnlock()
	s, err := x.session()
	if err != nil {
		return 0, err
	}
	defer s.close()
	p, text, err := s.prepare(q)
	if err != nil {
		return 0, err
	}
	fs, total, err := s.ordered(p, text, 0, limit)
	if err != nil {
		return 0, err
	}
	use(p, fs)
	return total, nil
}

// All returns every match of q in q's order, at most limit.
func (x *Index) All(q search.Query, limit int) ([]search.Hit, int, error) {
	var out []search.Hit
	total, err := x.all(q, limit, func(p *plan, fs []found) {
		out = make([]search.Hit, len(fs))
		for i, f := range fs {
			out[i], _ = x.hit(p, f)
		}
	})
	return out, total, err
}

// Sites returns the sites of every match of q, at most limit.
func (x *Index) Sites(q search.Query, limit int) ([]search.Site, int, error) {
	var out []search.Site
	total, err := x.all(q, math.MaxInt32, func(p *plan, fs []found) {
		for _, f := range fs {
			r := x.rows[f.id]
			if r == nil {
				continue
			}
			for _, st := range r.sites {
				if len(out) == limit {
					return
				}
				out = append(out, search.Site{SupplierID: f.id, Name: r.hit.Name, Kind: r.hit.Kind, Municipality: st.municipality.Name.NL, Lat: st.lat, Lon: st.lon})
			}
		}
	})
	return out, total, err
}

// Matches returns every supplier that matches q with the offers that match.
func (x *Index) Matches(q search.Query) ([]search.Match, error) {
	var out []search.Match
	_, err := x.all(q, math.MaxInt32, func(p *plan, fs []found) {
		for _, f := range fs {
			h, r := x.hit(p, f)
			if r == nil {
				continue
			}
			m := search.Match{Hit: h, Social: r.social, Eligible: reservedOn(r, p.q.Today), TurnoverEUR: r.turnover,
				TurnoverYear: r.turnoverYear, Cooperation: r.cooperation}
			for i := range r.offers {
				o := &r.offers[i]
				if !p.offerPasses(o) {
					continue
				}
				earliest := max(o.from, p.today+o.lead*7)
				m.Offers = append(m.Offers, search.MatchOffer{Task: o.task, Group: o.group, FreeFTE: o.freeFTE,
					EarliestStart: time.Unix(int64(earliest)*86400, 0).UTC()})
			}
			for _, st := range r.sites {
				ms := search.MatchSite{MunicipalityNIS: st.municipality.NIS, Arrondissement: st.municipality.Arrondissement, Province: st.municipality.Province}
				if x.facts.transit != nil {
					ms.TransitClass = cmp.Or(classLetter(st.class), "-")
				}
				m.Sites = append(m.Sites, ms)
			}
			out = append(out, m)
		}
	})
	return out, err
}
