package catalogue_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/verken/verken/data"
	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/testenv"
	"github.com/verken/verken/search"
	"github.com/verken/verken/search/catalogue"
)

// oracle answers queries by brute force over the suppliers in the store,
// written as plainly as the rules read, to check the index against.
type oracle struct {
	sups   []directory.Supplier
	places *data.Gazetteer
	tasks  *data.Taxonomy
}

// transitAt gives made-up classes (0 none, 1 = A … 6 = F) that vary from
// place to place, so that the transit filter and facet have work to do.
func transitAt(lat, lon float64) uint8 { return uint8(int(math.Abs(lat*9973+lon*9967)) % 7) }

// offerClass is the best class where the offer's work starts: its own site
// (the first when it names none), every site when at the client's.
func offerClass(s *directory.Supplier, of directory.Offer) uint8 {
	best := uint8(0)
	take := func(st directory.Site) {
		if c := transitAt(st.Lat, st.Lon); c != 0 && (best == 0 || c < best) {
			best = c
		}
	}
	if of.AtOwnSite {
		if st, ok := s.Site(of.SiteID); ok {
			take(st)
		} else {
			take(s.Sites[0])
		}
	}
	if of.AtClientSite {
		for _, st := range s.Sites {
			take(st)
		}
	}
	return best
}

func (o oracle) municipality(nis string) data.Municipality {
	m, _ := o.places.Municipality(nis)
	return m
}

// matches reports whether s answers q (already holding codes, not names).
func (o oracle) matches(s *directory.Supplier, q search.Query) bool {
	if len(q.Kinds) > 0 && !slices.Contains(q.Kinds, string(s.Kind)) {
		return false
	}
	if q.Sector == "social" && !s.Kind.SocialEconomy() || q.Sector == "regular" && s.Kind.SocialEconomy() {
		return false
	}
	if q.Reserved {
		recognised := false
		for _, r := range s.Recognitions {
			recognised = recognised || r.ValidOn(q.Today)
		}
		if !recognised || s.TargetGroupShare < 30 {
			return false
		}
	}
	if len(q.TargetGroups) > 0 && !slices.ContainsFunc(s.TargetGroups, func(g string) bool { return slices.Contains(q.TargetGroups, g) }) {
		return false
	}
	if len(q.Cooperation) > 0 && !slices.ContainsFunc(s.Cooperation, func(c string) bool { return slices.Contains(q.Cooperation, c) }) {
		return false
	}
	located := func(codes []string, code func(m data.Municipality) string) bool {
		if len(codes) == 0 {
			return true
		}
		for _, st := range s.Sites {
			if slices.Contains(codes, code(o.municipality(st.Municipality))) {
				return true
			}
		}
		return false
	}
	if !located(q.Municipalities, func(m data.Municipality) string { return m.NIS }) ||
		!located(q.Arrondissements, func(m data.Municipality) string { return m.Arrondissement }) ||
		!located(q.Provinces, func(m data.Municipality) string { return m.Province }) ||
		!located(q.Regions, func(m data.Municipality) string { return m.Region }) {
		return false
	}
	if q.Fresh && directory.DateOf(s.ConfirmedAt).Before(directory.DateOf(q.Today.Time().AddDate(-1, 0, 0))) {
		return false
	}
	if q.Near != "" {
		pc, _ := o.places.Postcode(q.Near)
		near := false
		for _, st := range s.Sites {
			near = near || data.DistanceKm(pc.Lat, pc.Lon, st.Lat, st.Lon) <= q.RadiusKm
		}
		if !near {
			return false
		}
	}
	offerFilters := len(q.Tasks)+len(q.TaskGroups) > 0 || q.Serves != "" || q.MinFTE > 0 || !q.AvailableBy.IsZero() ||
		q.MaxLeadWeeks != nil || q.MinContractEUR > 0 || q.AtClientSite || q.MinTransitClass != ""
	if !offerFilters {
		return true
	}
	for _, of := range s.Offers {
		if o.offerMatches(s, of, q) {
			return true
		}
	}
	return false
}

func (o oracle) offerMatches(s *directory.Supplier, of directory.Offer, q search.Query) bool {
	task, _ := o.tasks.Task(of.Task)
	switch {
	case len(q.Tasks) > 0 && !slices.Contains(q.Tasks, of.Task),
		len(q.TaskGroups) > 0 && !slices.Contains(q.TaskGroups, task.Group),
		of.FreeFTE < q.MinFTE,
		!q.AvailableBy.IsZero() && q.AvailableBy.Before(of.AvailableFrom),
		q.MaxLeadWeeks != nil && of.LeadTimeWeeks > *q.MaxLeadWeeks,
		of.MaxContractEUR < q.MinContractEUR,
		q.AtClientSite && !of.AtClientSite:
		return false
	}
	if q.MinTransitClass != "" {
		if c := offerClass(s, of); c == 0 || c > q.MinTransitClass[0]-'A'+1 {
			return false
		}
	}
	if q.Serves == "" || of.ServiceArea.Empty() {
		return true
	}
	a := of.ServiceArea
	m := o.municipality(q.Serves)
	if slices.Contains(a.Municipalities, m.NIS) || slices.Contains(a.Arrondissements, m.Arrondissement) ||
		slices.Contains(a.Provinces, m.Province) || slices.Contains(a.Regions, m.Region) {
		return true
	}
	centres := s.Sites
	if st, ok := s.Site(of.SiteID); ok {
		centres = []directory.Site{st}
	}
	for _, c := range centres {
		if a.RadiusKm > 0 && data.DistanceKm(c.Lat, c.Lon, m.Lat, m.Lon) <= a.RadiusKm {
			return true
		}
	}
	return false
}

func (o oracle) count(q search.Query) (ids []string) {
	for i := range o.sups {
		if o.matches(&o.sups[i], q) {
			ids = append(ids, o.sups[i].ID)
		}
	}
	return ids
}

// withFacet returns q with the facet's filter set to the one value: what
// a disjunctive facet count means.
func withFacet(q search.Query, facet, value string) search.Query {
	switch facet {
	case "kind":
		q.Kinds = []string{value}
	case "sector":
		q.Sector = value
	case "reserved":
		q.Reserved = true
	case "target_group":
		q.TargetGroups = []string{value}
	case "cooperation":
		q.Cooperation = []string{value}
	case "municipality":
		q.Municipalities = []string{value}
	case "arrondissement":
		q.Arrondissements = []string{value}
	case "province":
		q.Provinces = []string{value}
	case "region":
		q.Regions = []string{value}
	case "fresh":
		q.Fresh = true
	case "task":
		q.Tasks = []string{value}
	case "task_group":
		q.TaskGroups = []string{value}
	case "min_fte":
		q.MinFTE, _ = strconv.ParseFloat(value, 64)
	case "available_by":
		q.AvailableBy, _ = directory.ParseDate(value)
	case "max_lead_weeks":
		n, _ := strconv.Atoi(value)
		q.MaxLeadWeeks = &n
	case "min_contract_eur":
		q.MinContractEUR, _ = strconv.ParseFloat(value, 64)
	case "at_client_site":
		q.AtClientSite = true
	case "min_transit_class":
		q.MinTransitClass = value
	default:
		panic("no oracle for facet " + facet)
	}
	return q
}

// randomQuery draws one to four filters with values from the data.
func randomQuery(r *rand.Rand, sups []directory.Supplier, g *data.Gazetteer, tx *data.Taxonomy) search.Query {
	q := search.Query{Today: today}
	pick := func(n int) int { return r.IntN(n) }
	some := func(s *directory.Supplier) directory.Site { return s.Sites[pick(len(s.Sites))] }
	for range 1 + pick(4) {
		s := &sups[pick(len(sups))]
		switch pick(16) {
		case 0:
			q.Kinds = append(q.Kinds, string(directory.Kinds[pick(len(directory.Kinds))]))
		case 1:
			q.Sector = []string{"social", "regular"}[pick(2)]
		case 2:
			q.Reserved = true
		case 3:
			q.TargetGroups = append(q.TargetGroups, directory.TargetGroups[pick(len(directory.TargetGroups))])
		case 4:
			q.Cooperation = append(q.Cooperation, directory.CooperationModes[pick(len(directory.CooperationModes))])
		case 5:
			m, _ := g.Municipality(some(s).Municipality)
			q.Provinces = append(q.Provinces, m.Province)
		case 6:
			m, _ := g.Municipality(some(s).Municipality)
			q.Arrondissements = append(q.Arrondissements, m.Arrondissement)
		case 7:
			q.Municipalities = append(q.Municipalities, some(s).Municipality)
		case 8:
			q.Fresh = true
		case 9:
			q.Tasks = append(q.Tasks, tx.Tasks()[pick(len(tx.Tasks()))].ID)
		case 10:
			q.TaskGroups = append(q.TaskGroups, tx.Groups()[pick(len(tx.Groups()))].ID)
		case 11:
			// Another supplier's place: some offers reach it, some do not.
			q.Serves = some(&sups[pick(len(sups))]).Municipality
		case 12:
			q.MinFTE = []float64{0.5, 1, 2, 3.5, 5, 10}[pick(6)]
		case 13:
			n := []int{0, 1, 2, 4, 8}[pick(5)]
			q.MaxLeadWeeks = &n
		case 14:
			q.AvailableBy = today.AddDays(pick(120))
		case 15:
			switch pick(3) {
			case 0:
				q.AtClientSite = true
			case 1:
				q.MinContractEUR = []float64{25000, 100000, 300000}[pick(3)]
			default:
				q.MinTransitClass = string(rune('A' + pick(6)))
			}
		}
	}
	if pick(5) == 0 {
		q.Near = some(&sups[pick(len(sups))]).Postcode
		q.RadiusKm = float64(5 + pick(40))
	}
	return q
}

// Facet counts and results equal a brute-force count over the store for
// many random filter combinations. With two offer slots, a third of the
// generated suppliers have more offers than the slots hold, and are
// visited offer by offer; with the default, nearly none.
func TestFacetsEqualBruteForce(t *testing.T) {
	for _, slots := range []int{0, 2} {
		t.Run(fmt.Sprintf("slots=%d", slots), func(t *testing.T) { testFacetsEqualBruteForce(t, slots) })
	}
}

func testFacetsEqualBruteForce(t *testing.T, slots int) {
	dir := t.TempDir()
	store := testenv.Store(t, dir, 300)
	g, tx := testenv.Tables(t)
	x, err := catalogue.Open(filepath.Join(dir, "index"), store, catalogue.Options{Places: g, Tasks: tx, Transit: transitAt, OfferSlots: slots})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	o := oracle{places: g, tasks: tx}
	if err := store.List(func(s directory.Supplier) error { o.sups = append(o.sups, s); return nil }); err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(7, 11))
	checked, nonEmpty := checkRandomQueries(t, x, &o, r, 80)
	if nonEmpty < 40 {
		t.Fatalf("only %d of 80 random queries matched anything; the test proves too little", nonEmpty)
	}
	t.Logf("80 random queries, %d with matches, %d facet counts checked", nonEmpty, checked)

	// The catalogue's sets and the sets it caches by day follow changes:
	// change a third of the suppliers (kind, confirmation, capacity,
	// recognitions, sites), delist some, and ask again.
	for i, k := range r.Perm(len(o.sups))[:len(o.sups)/3] {
		s := o.sups[k]
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
	if _, err := x.CatchUp(); err != nil {
		t.Fatal(err)
	}
	o.sups = nil
	if err := store.List(func(s directory.Supplier) error {
		if s.Delisted == nil {
			o.sups = append(o.sups, s)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	checked, nonEmpty = checkRandomQueries(t, x, &o, r, 40)
	t.Logf("after changes: 40 random queries, %d with matches, %d facet counts checked", nonEmpty, checked)
}

// checkRandomQueries compares n random queries' totals, hits and facet
// counts with the oracle's.
func checkRandomQueries(t *testing.T, x *catalogue.Index, o *oracle, r *rand.Rand, n int) (checked, nonEmpty int) {
	t.Helper()
	for i := range n {
		q := randomQuery(r, o.sups, o.places, o.tasks)
		q.PerPage = search.MaxPerPage
		res, err := x.Search(q)
		if err != nil {
			t.Fatalf("query %d %+v: %v", i, q, err)
		}
		want := o.count(q)
		if res.Total != len(want) {
			t.Fatalf("query %d %s: total %d, brute force %d", i, describe(q), res.Total, len(want))
		}
		var got []string
		for _, h := range res.Hits {
			got = append(got, h.ID)
		}
		slices.Sort(got)
		if len(want) <= search.MaxPerPage && !slices.Equal(got, want) {
			t.Fatalf("query %d %s: hits %v, brute force %v", i, describe(q), got, want)
		}
		if len(want) > 0 {
			nonEmpty++
		}
		for facet, values := range res.Facets {
			for _, v := range values {
				if n := len(o.count(withFacet(q, facet, v.Value))); n != v.Count {
					t.Fatalf("query %d %s: facet %s=%s counts %d, brute force %d", i, describe(q), facet, v.Value, v.Count, n)
				}
				checked++
			}
		}
		checkPages(t, x, q, r)
	}
	return checked, nonEmpty
}

// checkPages checks that the first pages of a search, which keep only the
// best matches up to their end, hold the matches that sorting them all
// puts there, in every order.
func checkPages(t *testing.T, x *catalogue.Index, q search.Query, r *rand.Rand) {
	t.Helper()
	q.Sort = search.Sorts[r.IntN(len(search.Sorts))]
	if q.Sort == search.SortDistance && q.Near == "" {
		q.Sort = search.SortName
	}
	all, total, err := x.All(q, 1000)
	if err != nil {
		t.Fatal(err)
	}
	q.PerPage = 7
	for page := 1; page <= 3; page++ {
		q.Page = page
		res, err := x.Search(q)
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != total {
			t.Fatalf("%s sort=%s page %d: total %d, all %d", describe(q), q.Sort, page, res.Total, total)
		}
		from, to := min(len(all), (page-1)*7), min(len(all), page*7)
		var got, want []string
		for _, h := range res.Hits {
			got = append(got, h.ID)
		}
		for _, h := range all[from:to] {
			want = append(want, h.ID)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("%s sort=%s page %d: %v, sorting all gives %v", describe(q), q.Sort, page, got, want)
		}
	}
}

func describe(q search.Query) string {
	lead := ""
	if q.MaxLeadWeeks != nil {
		lead = strconv.Itoa(*q.MaxLeadWeeks)
	}
	return fmt.Sprintf("transit=%q kinds=%v sector=%q reserved=%v tg=%v coop=%v mun=%v arr=%v prov=%v fresh=%v tasks=%v groups=%v serves=%q min_fte=%v lead=%s avail=%v at_client=%v contract=%v near=%q/%v",
		q.MinTransitClass, q.Kinds, q.Sector, q.Reserved, q.TargetGroups, q.Cooperation, q.Municipalities, q.Arrondissements, q.Provinces, q.Fresh,
		q.Tasks, q.TaskGroups, q.Serves, q.MinFTE, lead, q.AvailableBy, q.AtClientSite, q.MinContractEUR, q.Near, q.RadiusKm)
}
