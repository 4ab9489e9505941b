// Package searchtest is the conformance suite every search.Engine must
// pass: Run seeds a real store with demo suppliers and a few placed at the
// edge of a circle, opens the engine on it, and checks random queries —
// free text, every filter, near with a radius, every sort — against an
// independent brute-force evaluation over the store's suppliers: totals,
// hits, every facet count, pages and full lists in every order, matches
// and sites; then changes a third of the suppliers and checks again.
//
// It is a package of its own, not a test file, so that the tests of any
// engine can run it.
package searchtest

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/testenv"
	"github.com/verken/verken/search"
)

// Size of the run: enough suppliers that most random queries match some
// and a page of seven has neighbours, few enough that the brute force of
// every facet value of every query stays within seconds under -race.
const (
	suppliers     = 300
	queries       = 80
	queriesAfter  = 40
	pageSize      = 7
	pagesChecked  = 3
	noLimit       = 1 << 20
	distanceSlack = 0.05 + 1e-9 // a hit's distance is rounded to 100 m
)

// Run is the conformance suite. open opens the engine under test on the
// store, with its index in a directory of t's, closed by t.Cleanup; it
// must give the engine Transit as its public-transport classes, which the
// transit filter and facet are checked against, and Reach as its journey
// planner, which reach and the travel-time sort are checked against.
func Run(t *testing.T, open func(t *testing.T, store *directory.Store) search.Engine) {
	g, _ := testenv.Tables(t)
	store := testenv.Store(t, "", suppliers)
	markUnclaimed(t, store)
	markRegistered(t, store)
	probes := placeEdgeProbes(t, store, g)
	e := open(t, store)
	c := newChecker(t, e, store)
	checkEdges(c, probes)
	*c = checker{t: t, e: e, o: c.o} // count the random queries only
	r := rand.New(rand.NewPCG(7, 11))
	c.random(r, queries)
	if c.nonEmpty < queries/2 || c.textCount < queries/5 || c.reachFound < queries/40 {
		t.Fatalf("of %d random queries only %d matched anything, %d had text and %d with reach matched; the suite proves too little", queries, c.nonEmpty, c.textCount, c.reachFound)
	}
	t.Logf("%d random queries: %d with matches, %d with text, %d with reach and matches, %d facet counts and %d orders checked", queries, c.nonEmpty, c.textCount, c.reachFound, c.facets, c.orders)

	// Whatever an engine keeps beside its index (sets, caches by day,
	// orders) must follow changes: change a third of the suppliers (kind,
	// confirmation, capacity, recognitions, sites, name), delist some, and
	// ask again.
	changeAThird(t, store, c.o, r)
	if _, err := e.CatchUp(); err != nil {
		t.Fatal(err)
	}
	c = newChecker(t, e, store)
	checkEdges(c, probes)
	*c = checker{t: t, e: e, o: c.o}
	c.random(r, queriesAfter)
	t.Logf("after changes: %d random queries: %d with matches, %d with text, %d facet counts and %d orders checked", queriesAfter, c.nonEmpty, c.textCount, c.facets, c.orders)
}

// Check checks n random queries (drawn with seed) against the brute force
// over the store as it is now: for an engine's own tests, after changes
// made their own way. The engine must classify places with Transit and
// plan journeys with Reach.
func Check(t *testing.T, e search.Engine, store *directory.Store, seed uint64, n int) {
	t.Helper()
	c := newChecker(t, e, store)
	c.random(rand.New(rand.NewPCG(seed, seed)), n)
	t.Logf("%d random queries: %d with matches, %d with text, %d facet counts and %d orders checked", n, c.nonEmpty, c.textCount, c.facets, c.orders)
}

// RandomQueries draws n queries as the suite does, from the store's
// suppliers: for load while an engine changes, say.
func RandomQueries(t testing.TB, store *directory.Store, seed uint64, n int) []search.Query {
	t.Helper()
	o := loadOracle(t, store)
	r := rand.New(rand.NewPCG(seed, seed))
	out := make([]search.Query, n)
	for i := range out {
		out[i], _ = o.randomQuery(r)
	}
	return out
}

func loadOracle(t testing.TB, store *directory.Store) *oracle {
	t.Helper()
	g, tx := testenv.Tables(t)
	o, err := newOracle(g, tx, directory.DateOf(testenv.Reference), store)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func newChecker(t *testing.T, e search.Engine, store *directory.Store) *checker {
	return &checker{t: t, e: e, o: loadOracle(t, store)}
}

// checker checks queries against the oracle and counts what it checked.
type checker struct {
	t     *testing.T
	e     search.Engine
	o     *oracle
	texts map[string]map[string]bool // the checked answer of each text

	nonEmpty, facets, orders int
	textCount                int
	reachFound               int // queries with reach that matched
}

func (c *checker) random(r *rand.Rand, n int) {
	for range n {
		q, words := c.o.randomQuery(r)
		c.check(q, words)
	}
	c.texts = nil
}

// check compares one query's answers with the oracle's.
func (c *checker) check(q search.Query, words []queryWord) {
	t, o := c.t, c.o
	t.Helper()
	var text map[string]bool
	if q.Text != "" {
		text = c.textSet(q.Text, words)
		c.textCount++
	}
	want := o.count(q, text)
	if len(want) > 0 {
		c.nonEmpty++
		if q.Reach != "" {
			c.reachFound++
		}
	}
	q.PerPage = search.MaxPerPage
	res, err := c.e.Search(q)
	if err != nil {
		t.Fatalf("%s: %v", describe(q), err)
	}
	if res.Total != len(want) {
		t.Fatalf("%s: total %d, brute force %d", describe(q), res.Total, len(want))
	}
	if len(want) <= search.MaxPerPage {
		got := ids(res.Hits)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Fatalf("%s: hits %v, brute force %v", describe(q), got, want)
		}
	}
	c.checkFacets(q, res, text)
	for _, sort := range search.Sorts {
		if sort == search.SortDistance && q.Near == "" && q.Serves == "" || sort == search.SortTravelTime && q.Reach == "" {
			continue
		}
		q.Sort = sort
		c.checkOrder(q, want)
		c.orders++
	}
	q.Sort = ""
	c.checkMatches(q, want)
}

// textSet asks the engine what a text alone matches, checks that against
// the oracle's bounds (see the package's text rules) and returns it.
func (c *checker) textSet(text string, words []queryWord) map[string]bool {
	if set, ok := c.texts[text]; ok {
		return set
	}
	t, o := c.t, c.o
	// Every supplier the text matches, unclaimed profiles too: the
	// filters, unclaimed among them, are checked over this set.
	hits, total, err := c.e.All(search.Query{Text: text, Today: o.today, Unclaimed: true}, noLimit)
	if err != nil {
		t.Fatalf("q=%q: %v", text, err)
	}
	if total != len(hits) {
		t.Fatalf("q=%q: total %d, listed %d", text, total, len(hits))
	}
	set := map[string]bool{}
	for _, h := range hits {
		set[h.ID] = true
	}
	for i := range o.sups {
		s, sw := &o.sups[i], o.words[i]
		if sw.found(words) && !set[s.ID] {
			t.Fatalf("q=%q: %s (%q) holds the words but is not found", text, s.ID, s.Name)
		}
		if set[s.ID] && !sw.relatedAll(words) {
			t.Fatalf("q=%q: %s (%q) is found but holds no word related to every word of the text", text, s.ID, s.Name)
		}
	}
	if c.texts == nil {
		c.texts = map[string]map[string]bool{}
	}
	c.texts[text] = set
	return set
}

// checkFacets checks that the answer has every facet, under its name, and
// that each value counts what the query with that value for the facet's
// filter would match.
func (c *checker) checkFacets(q search.Query, res *search.Result, text map[string]bool) {
	t, o := c.t, c.o
	t.Helper()
	for name, values := range res.Facets {
		if name == "" {
			t.Fatalf("%s: a facet without a name, with %d values", describe(q), len(values))
		}
		if !slices.Contains(facetNames, name) {
			t.Fatalf("%s: unknown facet %q", describe(q), name)
		}
		for _, v := range values {
			fq, _ := withFacet(q, name, v.Value)
			if n := len(o.count(fq, text)); n != v.Count {
				t.Fatalf("%s: facet %s=%s counts %d, brute force %d", describe(q), name, v.Value, v.Count, n)
			}
			c.facets++
		}
	}
	for _, name := range facetNames {
		if _, ok := res.Facets[name]; !ok {
			t.Fatalf("%s: facet %s missing", describe(q), name)
		}
	}
}

// checkOrder checks the full list and the first pages in q's order
// against an independent sort of the brute-force matches, and what each
// hit says of the query.
func (c *checker) checkOrder(q search.Query, want []string) {
	t, o := c.t, c.o
	t.Helper()
	all, total, err := c.e.All(q, noLimit)
	if err != nil {
		t.Fatalf("%s: %v", describe(q), err)
	}
	if total != len(want) || len(all) != len(want) {
		t.Fatalf("%s: all lists %d of a total of %d, brute force %d", describe(q), len(all), total, len(want))
	}
	// The score is the engine's own: the order is checked to follow the
	// scores it reports, and without text to have none to follow.
	scores := map[string]float64{}
	for _, h := range all {
		scores[h.ID] = h.Score
		if q.Text == "" && h.Score != all[0].Score {
			t.Fatalf("%s: without text, %s scores %v and %s %v", describe(q), h.ID, h.Score, all[0].ID, all[0].Score)
		}
	}
	sorted := o.ordered(q, want, scores)
	if got := ids(all); !slices.Equal(got, sorted) {
		t.Fatalf("%s: all in order %v, sorting the brute force gives %v", describe(q), got, sorted)
	}
	c.checkHits(q, all)
	q.PerPage = pageSize
	for page := 1; page <= pagesChecked; page++ {
		q.Page = page
		res, err := c.e.Search(q)
		if err != nil {
			t.Fatalf("%s page %d: %v", describe(q), page, err)
		}
		if res.Total != len(want) || res.Sort != q.Sort || res.Page != page || res.PerPage != pageSize {
			t.Fatalf("%s page %d: total %d, sort %q, page %d of %d; want total %d", describe(q), page, res.Total, res.Sort, res.Page, res.PerPage, len(want))
		}
		from, to := min(len(sorted), (page-1)*pageSize), min(len(sorted), page*pageSize)
		if got := ids(res.Hits); !slices.Equal(got, sorted[from:to]) {
			t.Fatalf("%s page %d: %v, sorting the brute force gives %v", describe(q), page, got, sorted[from:to])
		}
		c.checkHits(q, res.Hits)
	}
}

// checkHits checks what each hit says of the supplier for this query.
func (c *checker) checkHits(q search.Query, hits []search.Hit) {
	t, o := c.t, c.o
	t.Helper()
	lat, lon, measured := o.from(q)
	for _, h := range hits {
		s := &o.sups[o.byID[h.ID]]
		if h.ReservedVerified != o.reservedVerified(s) {
			t.Fatalf("%s: %s reserved_verified=%v, brute force %v", describe(q), h.ID, h.ReservedVerified, o.reservedVerified(s))
		}
		if h.Unclaimed != s.Unclaimed {
			t.Fatalf("%s: %s unclaimed=%v, the store says %v", describe(q), h.ID, h.Unclaimed, s.Unclaimed)
		}
		if h.Name != s.Name || h.Stale != o.stale(s) || h.Reserved != o.reserved(s) {
			t.Fatalf("%s: %s is %q stale=%v reserved=%v, the store says %q stale=%v reserved=%v",
				describe(q), h.ID, h.Name, h.Stale, h.Reserved, s.Name, o.stale(s), o.reserved(s))
		}
		if fte := o.matchingFTE(s, q); math.Abs(h.MatchingFTE-fte) > 1e-9 {
			t.Fatalf("%s: %s has %v matching FTE, brute force %v", describe(q), h.ID, h.MatchingFTE, fte)
		}
		if secs, ok := o.travel(s, q); q.Reach == "" && h.TravelMinutes != nil || q.Reach != "" &&
			(!ok || h.TravelMinutes == nil || *h.TravelMinutes != int(math.Round(float64(secs)/60))) {
			t.Fatalf("%s: %s travels %v minutes, brute force %d s", describe(q), h.ID, h.TravelMinutes, secs)
		}
		switch d := nearest(s, lat, lon); {
		case !measured && h.DistanceKm != nil:
			t.Fatalf("%s: %s has a distance (%v km) without a place", describe(q), h.ID, *h.DistanceKm)
		case measured && (h.DistanceKm == nil || math.Abs(*h.DistanceKm-d) > distanceSlack):
			t.Fatalf("%s: %s at %v km, brute force %.3f km", describe(q), h.ID, h.DistanceKm, d)
		}
	}
}

// checkMatches checks the matches for a market check and the sites for
// the map.
func (c *checker) checkMatches(q search.Query, want []string) {
	t, o := c.t, c.o
	t.Helper()
	ms, err := c.e.Matches(q)
	if err != nil {
		t.Fatalf("%s: matches: %v", describe(q), err)
	}
	var got []string
	for _, m := range ms {
		got = append(got, m.ID)
		s := &o.sups[o.byID[m.ID]]
		offers := o.matchingOffers(s, q)
		var gotTasks, wantTasks []string
		for _, of := range m.Offers {
			gotTasks = append(gotTasks, of.Task)
		}
		for _, of := range offers {
			wantTasks = append(wantTasks, of.Task)
		}
		slices.Sort(gotTasks)
		slices.Sort(wantTasks)
		if !slices.Equal(gotTasks, wantTasks) || m.Eligible != o.reserved(s) || m.Social != s.Kind.SocialEconomy() || len(m.Sites) != len(s.Sites) {
			t.Fatalf("%s: match %s has offers %v eligible=%v social=%v, %d sites; brute force %v %v %v, %d",
				describe(q), m.ID, gotTasks, m.Eligible, m.Social, len(m.Sites), wantTasks, o.reserved(s), s.Kind.SocialEconomy(), len(s.Sites))
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("%s: matches %v, brute force %v", describe(q), got, want)
	}
	sites, total, err := c.e.Sites(q, noLimit)
	if err != nil {
		t.Fatalf("%s: sites: %v", describe(q), err)
	}
	n := 0
	for _, id := range want {
		n += len(o.sups[o.byID[id]].Sites)
	}
	if total != len(want) || len(sites) != n {
		t.Fatalf("%s: %d sites of %d suppliers, brute force %d of %d", describe(q), len(sites), total, n, len(want))
	}
}

func ids(hits []search.Hit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.ID
	}
	return out
}

// changeAThird changes a third of the demo suppliers in the store in the
// ways that move them between an engine's sets and orders, and delists
// some.
func changeAThird(t *testing.T, store *directory.Store, o *oracle, r *rand.Rand) {
	t.Helper()
	today := o.today
	for i, k := range r.Perm(len(o.sups))[:len(o.sups)/3] {
		s := o.sups[k]
		if strings.HasPrefix(s.ID, probePrefix) {
			continue
		}
		switch i % 7 {
		case 0:
			s.Kind = directory.Kinds[r.IntN(len(directory.Kinds))]
		case 6:
			// A new name moves the supplier in the name order.
			s.Name = []string{"Aardewerk ", "Zonnebloem ", "Ébène "}[r.IntN(3)] + s.Name
		case 1:
			s.ConfirmedAt = today.Time().AddDate(0, -r.IntN(24), 0)
		case 2:
			for k := range s.Offers {
				s.Offers[k].FreeFTE = float64(r.IntN(12))
			}
		case 3:
			s.Recognitions = nil
			s.Unclaimed = !s.Unclaimed // claimed, or back to the register's data
		case 4:
			// Everything happens at the first site, which moves to Ghent.
			s.Sites = s.Sites[:1]
			s.Sites[0].Municipality, s.Sites[0].Postcode, s.Sites[0].Lat, s.Sites[0].Lon = "44021", "9000", 51.05, 3.72
			for k := range s.Offers {
				s.Offers[k].SiteID = s.Sites[0].ID
			}
		case 5:
			if err := store.Delist(s.ID, s.Version, "test", directory.System); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := store.Update(&s, directory.System); err != nil {
			t.Fatalf("update %s: %v", s.ID, err)
		}
	}
}

// markUnclaimed turns every seventh supplier into an unclaimed profile, as
// the KBO import makes them: a search finds them only when asked.
func markUnclaimed(t *testing.T, store *directory.Store) {
	eachNth(t, store, 7, 3, func(i int, s *directory.Supplier) { s.Unclaimed = true })
}

// markRegistered gives every fifth supplier a recognition from an
// authority's register, and half of those a verified share, so that
// reserved=verified has suppliers to find and to leave out.
func markRegistered(t *testing.T, store *directory.Store) {
	verify := map[string]bool{}
	eachNth(t, store, 5, 1, func(i int, s *directory.Supplier) {
		s.Recognitions = append(s.Recognitions, directory.Recognition{Type: "maatwerkbedrijf", Number: "REG-" + s.ID, Issuer: "register",
			ValidFrom: directory.NewDate(2020, 1, 1), Register: "register", RegisterDate: directory.NewDate(2026, 11, 1)})
		verify[s.ID] = i%10 == 1
	})
	for id, ok := range verify {
		if !ok {
			continue
		}
		s, err := store.Get(id)
		if err != nil {
			t.Fatal(err)
		}
		// A verification is an administrator's act, not an edit.
		if err := store.Verify(id, s.Version, "share", "", directory.Actor{Name: "admin"}); err != nil {
			t.Fatal(err)
		}
	}
}

// eachNth changes the suppliers at positions k, k+n, k+2n … of the
// store's order with change and saves them.
func eachNth(t *testing.T, store *directory.Store, n, k int, change func(i int, s *directory.Supplier)) {
	t.Helper()
	var ids []string
	if err := store.List(func(s directory.Supplier) error { ids = append(ids, s.ID); return nil }); err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		if i%n != k {
			continue
		}
		s, err := store.Get(id)
		if err != nil {
			t.Fatal(err)
		}
		change(i, &s)
		if err := store.Update(&s, directory.System); err != nil {
			t.Fatal(err)
		}
	}
}
