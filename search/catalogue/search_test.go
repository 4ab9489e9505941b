package catalogue_test

import (
	"errors"
	"path/filepath"
	"slices"
	"testing"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/testenv"
	"github.com/verken/verken/search"
	"github.com/verken/verken/search/catalogue"
)

// today is the reference day of these tests.
var today = directory.NewDate(2026, 11, 24)

// built is a small directory of suppliers made for one rule each.
type built struct {
	x     *catalogue.Index
	store *directory.Store
}

// The builders of test suppliers.
var (
	supplier = testenv.Supplier
	offer    = testenv.Offer
)

func buildIndex(t *testing.T, sups ...*directory.Supplier) built {
	t.Helper()
	dir := t.TempDir()
	s := testenv.Store(t, dir, 0)
	for _, sup := range sups {
		if err := s.Create(sup); err != nil {
			t.Fatalf("%s: %v", sup.Name, err)
		}
	}
	return built{openIndex(t, filepath.Join(dir, "index"), s), s}
}

// ids runs q and returns the ids found, sorted.
func (b built) ids(t *testing.T, q search.Query) []string {
	t.Helper()
	q.Today = today
	q.PerPage = search.MaxPerPage
	r, err := b.x.Search(q)
	if err != nil {
		t.Fatalf("%+v: %v", q, err)
	}
	var out []string
	for _, h := range r.Hits {
		out = append(out, h.ID)
	}
	slices.Sort(out)
	return out
}

func expect(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	if len(got) != len(want) || !slices.Equal(got, want) {
		t.Errorf("%s: got %v, want %v", what, got, want)
	}
}

// The correlation rule: task, capacity, lead time, availability and service
// area must hold for one and the same offer.
func TestCorrelationRule(t *testing.T) {
	anywhere := directory.ServiceArea{}
	limburg := directory.ServiceArea{Provinces: []string{"LIM"}}
	eastFlanders := directory.ServiceArea{Provinces: []string{"OVL"}}

	// Five FTE free in catering, none in cleaning.
	caterer := supplier(1, "caterer", "9000", offer("catering", 5, anywhere), offer("office-cleaning", 0, anywhere))
	// Cleaning only in Limburg; catering in East Flanders.
	limburger := supplier(2, "limburger", "3500", offer("office-cleaning", 4, limburg), offer("catering", 4, eastFlanders))
	// Cleaning in East Flanders with capacity, but only from next spring
	// and after a long lead time; packaging now and soon.
	later := supplier(3, "later", "9300", func() directory.Offer {
		o := offer("office-cleaning", 6, eastFlanders)
		o.AvailableFrom, o.LeadTimeWeeks, o.MaxContractEUR = directory.NewDate(2027, 4, 1), 12, 400000
		return o
	}(), func() directory.Offer {
		o := offer("packaging", 3, eastFlanders)
		o.LeadTimeWeeks, o.MaxContractEUR = 1, 20000
		return o
	}())
	// The one that fits: cleaning in East Flanders, 3 FTE, now.
	fits := supplier(4, "fits", "9000", offer("office-cleaning", 3, eastFlanders))
	b := buildIndex(t, caterer, limburger, later, fits)

	cleaning := []string{"office-cleaning"}
	expect(t, "task=office-cleaning", b.ids(t, search.Query{Tasks: cleaning}), "caterer", "fits", "later", "limburger")
	expect(t, "task=office-cleaning&min_fte=2", b.ids(t, search.Query{Tasks: cleaning, MinFTE: 2}), "fits", "later", "limburger")
	expect(t, "min_fte=5 alone", b.ids(t, search.Query{MinFTE: 5}), "caterer", "later")
	expect(t, "task=office-cleaning&serves=9000", b.ids(t, search.Query{Tasks: cleaning, Serves: "9000"}), "caterer", "fits", "later")
	expect(t, "task=office-cleaning&min_fte=2&serves=9000", b.ids(t, search.Query{Tasks: cleaning, MinFTE: 2, Serves: "9000"}), "fits", "later")
	expect(t, "serves Hasselt with catering", b.ids(t, search.Query{Tasks: []string{"catering"}, Serves: "Hasselt"}), "caterer")
	two := 2
	expect(t, "cleaning, lead time ≤ 2 weeks", b.ids(t, search.Query{Tasks: cleaning, MinFTE: 2, MaxLeadWeeks: &two}), "fits", "limburger")
	expect(t, "lead time ≤ 2 weeks alone", b.ids(t, search.Query{MaxLeadWeeks: &two}), "caterer", "fits", "later", "limburger")
	expect(t, "cleaning available by new year", b.ids(t, search.Query{Tasks: cleaning, MinFTE: 1, AvailableBy: directory.NewDate(2026, 12, 31)}), "fits", "limburger")
	expect(t, "contract ≥ 100000 with packaging", b.ids(t, search.Query{Tasks: []string{"packaging"}, MinContractEUR: 100000}))
	expect(t, "contract ≥ 100000", b.ids(t, search.Query{MinContractEUR: 100000}), "later")

	// The task facet counts only offers that pass the other offer filters.
	r, err := b.x.Search(search.Query{MinFTE: 2, Serves: "9000", Today: today})
	if err != nil {
		t.Fatal(err)
	}
	counts := facetMap(r.Facets["task"])
	if counts["office-cleaning"] != 2 || counts["catering"] != 2 || counts["packaging"] != 1 {
		t.Errorf("task facet under min_fte=2&serves=9000: %v", counts)
	}
}

func facetMap(values []search.FacetValue) map[string]int {
	m := map[string]int{}
	for _, v := range values {
		m[v.Value] = v.Count
	}
	return m
}

// Places: service areas by municipality, arrondissement and radius; a
// postcode or a former name works wherever a municipality does.
func TestPlacesResolve(t *testing.T) {
	pajottegem := supplier(1, "pajottegem", "1755", offer("catering", 2, directory.ServiceArea{Municipalities: []string{"Gooik"}}))
	aalstArr := supplier(2, "aalst-arr", "9300", offer("catering", 2, directory.ServiceArea{Arrondissements: []string{"41"}}))
	radius := supplier(3, "radius", "9300", offer("catering", 2, directory.ServiceArea{RadiusKm: 30}))
	short := supplier(4, "short", "9300", offer("catering", 2, directory.ServiceArea{RadiusKm: 10}))
	brussels := supplier(5, "brussels", "1000", offer("catering", 2, directory.ServiceArea{Regions: []string{"BRU"}}))
	b := buildIndex(t, pajottegem, aalstArr, radius, short, brussels)

	// A former municipality and its postcode find the merged one; the
	// centre of Pajottegem lies 24 km from Aalst, inside the 30 km radius.
	expect(t, "serves Gooik", b.ids(t, search.Query{Serves: "Gooik"}), "pajottegem", "radius")
	expect(t, "serves 1755", b.ids(t, search.Query{Serves: "1755"}), "pajottegem", "radius")
	expect(t, "serves Pajottegem by NIS", b.ids(t, search.Query{Serves: "23106"}), "pajottegem", "radius")
	// Ghent lies 26 km from Aalst and Ninove 12: inside 30 km, outside 10.
	expect(t, "serves Gent", b.ids(t, search.Query{Serves: "Gent"}), "radius")
	expect(t, "serves Ninove (arrondissement Aalst)", b.ids(t, search.Query{Serves: "9400"}), "aalst-arr", "radius")
	expect(t, "serves Aalst", b.ids(t, search.Query{Serves: "9300"}), "aalst-arr", "radius", "short")
	expect(t, "serves Elsene", b.ids(t, search.Query{Serves: "Ixelles"}), "brussels", "radius")

	expect(t, "located in Gooik", b.ids(t, search.Query{Municipalities: []string{"Gooik"}}), "pajottegem")
	expect(t, "located in 1755", b.ids(t, search.Query{Municipalities: []string{"1755"}}), "pajottegem")
	expect(t, "located in arrondissement Aalst", b.ids(t, search.Query{Arrondissements: []string{"Aalst"}}), "aalst-arr", "radius", "short")
	expect(t, "located in Brussels region", b.ids(t, search.Query{Regions: []string{"BRU"}}), "brussels")
	expect(t, "located in Vlaams-Brabant or Brussels", b.ids(t, search.Query{Provinces: []string{"VBR", "BRU"}}), "brussels", "pajottegem")

	// near: a radius around a postcode, a municipality or a point.
	expect(t, "near Brussels 1000, 20 km", b.ids(t, search.Query{Near: "1000", RadiusKm: 20}), "brussels", "pajottegem")
	expect(t, "near Aalst, 5 km", b.ids(t, search.Query{Near: "Aalst", RadiusKm: 5}), "aalst-arr", "radius", "short")
	expect(t, "near a point in Brussels", b.ids(t, search.Query{Near: "50.8466,4.3528", RadiusKm: 3}), "brussels")

	// Sorting by distance from Brussels puts Pajottegem before Aalst; so
	// does relevance without words.
	for _, q := range []search.Query{
		{Near: "1000", RadiusKm: 50, Sort: search.SortDistance},
		{Near: "1000", RadiusKm: 50},
	} {
		q.Today = today
		r, err := b.x.Search(q)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Hits) != 5 || r.Hits[0].ID != "brussels" || r.Hits[1].ID != "pajottegem" || r.Hits[0].DistanceKm == nil {
			t.Fatalf("sort %q: distance order: %+v", q.Sort, r.Hits)
		}
	}
	r, err := b.x.Search(search.Query{Near: "1000", RadiusKm: 50, Sort: search.SortDistance, Today: today})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(r.Hits); i++ {
		if *r.Hits[i].DistanceKm < *r.Hits[i-1].DistanceKm {
			t.Fatalf("not sorted by distance: %v then %v", *r.Hits[i-1].DistanceKm, *r.Hits[i].DistanceKm)
		}
	}

	for _, bad := range []search.Query{
		{Serves: "Atlantis"}, {Near: "91.5,4"}, {Municipalities: []string{"4000"}}, {Sort: search.SortDistance},
		{Near: "Gent", RadiusKm: 900}, {CPV: "9091"}, {Regions: []string{"Mars"}},
	} {
		bad.Today = today
		var pe *search.ParamError
		if _, err := b.x.Search(bad); !errors.As(err, &pe) {
			t.Errorf("%+v: want a parameter error, got %v", bad, err)
		}
	}
}

// Free text forgives typos, matches the word being typed as a prefix, and
// stems Dutch and French.
func TestTextToleratesTyposAndPrefixes(t *testing.T) {
	cleaner := supplier(1, "cleaner", "9000", offer("office-cleaning", 2, directory.ServiceArea{}))
	cleaner.Description = "Wij poetsen kantoren."
	gardener := supplier(2, "gardener", "2000", offer("green-maintenance", 2, directory.ServiceArea{}))
	gardener.Description = "Nous entretenons les espaces verts des communes bruxelloises."
	baker := supplier(3, "baker", "3000", offer("catering", 2, directory.ServiceArea{}))
	baker.Name = "Bakkerij Crème"
	b := buildIndex(t, cleaner, gardener, baker)

	for text, want := range map[string][]string{
		"schoonmaak":     {"cleaner"},
		"schoonmak":      {"cleaner"}, // one typo
		"schonmaak":      {"cleaner"},
		"groenonderhoud": {"gardener"},
		"groenondrhoud":  {"gardener"}, // one typo in a long word
		"groenondrhoed":  {"gardener"}, // two typos from 9 letters
		"groenonde":      {"gardener"}, // typing
		"schoonm":        {"cleaner"},
		"nettoyage":      {"cleaner"},             // French task label
		"entretien":      {"cleaner", "gardener"}, // "entretien des locaux" is cleaning too
		"communes":       {"gardener"},            // French description, stemmed
		"commune":        {"gardener"},
		"reiniging":      {"cleaner"}, // CPV label
		"creme":          {"baker"},
		"crème bakkerij": {"baker"},
	} {
		expect(t, "q="+text, b.ids(t, search.Query{Text: text}), want...)
	}
	// Words under five letters get no typo: "bakk" finds the bakery as the
	// start of the last word, but not as a word before it.
	expect(t, "q=bakk", b.ids(t, search.Query{Text: "bakk"}), "baker")
	expect(t, "q=bakk creme", b.ids(t, search.Query{Text: "bakk creme"}))

	// Matches are highlighted in escaped HTML.
	r, err := b.x.Search(search.Query{Text: "creme", Today: today})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Hits) != 1 || r.Hits[0].NameHTML != "Bakkerij <mark>Crème</mark>" {
		t.Fatalf("highlight: %+v", r.Hits)
	}
	// Stemmed forms are marked in either language, and stop words never.
	for text, want := range map[string]string{
		"commune":     "Nous entretenons les espaces verts des <mark>communes</mark> bruxelloises.",
		"poets":       "Wij <mark>poetsen</mark> kantoren.",
		"kantoor":     "Wij poetsen <mark>kantoren</mark>.",
		"de kantoren": "Wij poetsen <mark>kantoren</mark>.",
	} {
		r, err := b.x.Search(search.Query{Text: text, Today: today})
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Hits) != 1 || r.Hits[0].DescriptionHTML != want {
			t.Errorf("q=%s: highlight %+v, want %q", text, r.Hits, want)
		}
	}
}

// Buyers find suppliers by what they are (a kind, a recognition, "sociale
// economie") and by the words of Flanders and Brussels for what they do
// (data/kinds.tsv, data/tasks/synonyms.tsv), in three languages.
func TestKindsAndSynonyms(t *testing.T) {
	cleaner := supplier(1, "cleaner", "9000", offer("office-cleaning", 2, directory.ServiceArea{}))
	cleaner.Kind = directory.KindRegulier
	gardener := supplier(2, "gardener", "2000", offer("green-maintenance", 2, directory.ServiceArea{}))
	lde := supplier(3, "ironer", "3000", offer("ironing", 1, directory.ServiceArea{}))
	lde.Kind = directory.KindLDE
	lde.Recognitions = []directory.Recognition{{Type: "lokale diensteneconomie", Number: "L-1", ValidFrom: directory.NewDate(2020, 1, 1)}}
	mowers := supplier(4, "mowers", "8000", offer("green-maintenance", 1, directory.ServiceArea{}))
	mowers.Kind = directory.KindRegulier
	b := buildIndex(t, cleaner, gardener, lde, mowers)
	_, tx := testenv.Tables(t)
	for _, k := range directory.Kinds {
		if w, ok := tx.Kind(string(k)); !ok || w.Name.NL == "" || w.Name.FR == "" || w.Name.EN == "" {
			t.Errorf("kind %s has no names in data/kinds.tsv", k)
		}
	}
	for text, want := range map[string][]string{
		"maatwerkbedrijf":         {"gardener"}, // testenv's suppliers are maatwerkbedrijven
		"beschutte werkplaats":    {"gardener"},
		"travail adapté":          {"gardener"},
		"LDE":                     {"ironer"},
		"lokale diensteneconomie": {"ironer"},
		"sociale economie":        {"gardener", "ironer"},
		"économie sociale":        {"gardener", "ironer"},
		"poetsen":                 {"cleaner"},
		"kuisen":                  {"cleaner"},
		"nettoyage":               {"cleaner"},
		"groendienst":             {"gardener", "mowers"},
		"gras maaien":             {"gardener", "mowers"},
		"espaces verts":           {"gardener", "mowers"},
		"strijken":                {"ironer"},
		"regulier bedrijf":        {"cleaner", "mowers"},
	} {
		expect(t, "q="+text, b.ids(t, search.Query{Text: text}), want...)
	}
}

// Stale profiles are marked, rank below fresh ones, and fresh=true hides them.
func TestFreshness(t *testing.T) {
	fresh := supplier(1, "b-fresh", "9000", offer("catering", 1, directory.ServiceArea{}))
	stale := supplier(2, "a-stale", "9000", offer("catering", 1, directory.ServiceArea{}))
	old := today.Time().AddDate(-1, 0, -2)
	stale.CreatedAt, stale.UpdatedAt, stale.ConfirmedAt = old, old, old
	b := buildIndex(t, fresh, stale)
	r, err := b.x.Search(search.Query{Today: today})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Hits) != 2 || r.Hits[0].ID != "b-fresh" || r.Hits[1].ID != "a-stale" || !r.Hits[1].Stale || r.Hits[0].Stale {
		t.Fatalf("relevance order with a stale profile: %+v", r.Hits)
	}
	expect(t, "fresh=true", b.ids(t, search.Query{Fresh: true}), "b-fresh")
	byName, _ := b.x.Search(search.Query{Today: today, Sort: search.SortName})
	if byName.Hits[0].ID != "a-stale" {
		t.Fatalf("sort=name: %s first", byName.Hits[0].ID)
	}
}

// Reserved eligibility needs a recognition valid on the reference date and
// at least 30 % target-group workers.
func TestReservedEligibility(t *testing.T) {
	rec := func(from, to directory.Date) []directory.Recognition {
		return []directory.Recognition{{Type: "maatwerkbedrijf", Number: "M-1", ValidFrom: from, ValidTo: to}}
	}
	ok := supplier(1, "ok", "9000")
	ok.Recognitions, ok.TargetGroupShare = rec(directory.NewDate(2020, 1, 1), directory.Date{}), 65
	expired := supplier(2, "expired", "9000")
	expired.Recognitions, expired.TargetGroupShare = rec(directory.NewDate(2020, 1, 1), directory.NewDate(2026, 11, 23)), 65
	tooFew := supplier(3, "too-few", "9000")
	tooFew.Recognitions, tooFew.TargetGroupShare = rec(directory.NewDate(2020, 1, 1), directory.Date{}), 29.5
	none := supplier(4, "none", "9000")
	none.TargetGroupShare = 80
	b := buildIndex(t, ok, expired, tooFew, none)
	expect(t, "reserved=true", b.ids(t, search.Query{Reserved: true}), "ok")
	// On the day before, the expired recognition still held.
	r, err := b.x.Search(search.Query{Reserved: true, Today: directory.NewDate(2026, 11, 23), PerPage: 10})
	if err != nil || r.Total != 2 {
		t.Fatalf("reserved on 23 November: %v, %v", r, err)
	}
}

// CPV codes select the tasks mapped to them or to a code below.
func TestCPVFilter(t *testing.T) {
	windows := supplier(1, "windows", "9000", offer("window-cleaning", 1, directory.ServiceArea{}))
	streets := supplier(2, "streets", "9000", offer("street-cleaning", 1, directory.ServiceArea{}))
	b := buildIndex(t, windows, streets)
	expect(t, "cpv=90910000", b.ids(t, search.Query{CPV: "90910000-9"}), "windows")
	expect(t, "cpv=90000000", b.ids(t, search.Query{CPV: "90000000"}), "streets", "windows")
	expect(t, "cpv=90611000", b.ids(t, search.Query{CPV: "90611000"}), "streets")
}

// Changes reach the catalogue as they reach the text index.
func TestCatalogueFollowsTheStore(t *testing.T) {
	a := supplier(1, "a", "9000", offer("catering", 1, directory.ServiceArea{}))
	b := buildIndex(t, a)
	got, _ := b.store.Get("a")
	got.Offers[0].FreeFTE = 7
	if err := b.store.Update(&got, directory.System); err != nil {
		t.Fatal(err)
	}
	if _, err := b.x.CatchUp(); err != nil {
		t.Fatal(err)
	}
	expect(t, "min_fte=5 after the update", b.ids(t, search.Query{MinFTE: 5}), "a")
	if err := b.store.Delete("a", got.Version); err != nil {
		t.Fatal(err)
	}
	if _, err := b.x.CatchUp(); err != nil {
		t.Fatal(err)
	}
	expect(t, "after delete", b.ids(t, search.Query{}))
}

// A delisted supplier is gone from search; its record stays in the store.
func TestDelistedSuppliersLeaveSearch(t *testing.T) {
	a := supplier(1, "a", "9000", offer("catering", 1, directory.ServiceArea{}))
	b := supplier(2, "b", "9000", offer("catering", 1, directory.ServiceArea{}))
	x := buildIndex(t, a, b)
	cur, _ := x.store.Get("a")
	if err := x.store.Delist("a", cur.Version, "gesloten", directory.Actor{Name: "beheer"}); err != nil {
		t.Fatal(err)
	}
	if _, err := x.x.CatchUp(); err != nil {
		t.Fatal(err)
	}
	expect(t, "after delisting a", x.ids(t, search.Query{}), "b")
	expect(t, "text after delisting a", x.ids(t, search.Query{Text: "a"}))
	if _, err := x.store.Get("a"); err != nil {
		t.Fatal("the delisted record is gone from the store")
	}
}

// What texts and places matched is cached while what they search stays the
// same: a new capacity keeps the cache, a new description or a moved site
// does not.
func TestCachedTextAndPlacesFollowChanges(t *testing.T) {
	a := supplier(1, "a", "9000", offer("catering", 1, directory.ServiceArea{}))
	b := supplier(2, "b", "9000", offer("catering", 1, directory.ServiceArea{}))
	x := buildIndex(t, a, b)
	update := func(id string, edit func(*directory.Supplier)) {
		t.Helper()
		cur, err := x.store.Get(id)
		if err != nil {
			t.Fatal(err)
		}
		edit(&cur)
		if err := x.store.Update(&cur, directory.System); err != nil {
			t.Fatal(err)
		}
		if _, err := x.x.CatchUp(); err != nil {
			t.Fatal(err)
		}
	}
	// Warm sorts the names and works out the day's sets before the changes.
	if err := x.x.Warm(today); err != nil {
		t.Fatal(err)
	}
	bubbles := search.Query{Text: "zeepbellen"}
	ghent := search.Query{Near: "9000", RadiusKm: 5}
	expect(t, "no bubbles yet", x.ids(t, bubbles))
	expect(t, "both near Ghent", x.ids(t, ghent), "a", "b")

	update("a", func(s *directory.Supplier) { s.Offers[0].FreeFTE = 3 })
	expect(t, "capacity changed: no bubbles", x.ids(t, bubbles))
	expect(t, "capacity changed: both near Ghent", x.ids(t, ghent), "a", "b")
	expect(t, "capacity changed: min_fte=2 near Ghent", x.ids(t, search.Query{Near: "9000", RadiusKm: 5, MinFTE: 2}), "a")

	update("a", func(s *directory.Supplier) { s.Description = "Wij blazen zeepbellen." })
	expect(t, "description changed", x.ids(t, bubbles), "a")

	update("b", func(s *directory.Supplier) { s.Sites[0] = directory.Site{ID: "s1", Postcode: "2000"} })
	expect(t, "b moved to Antwerp", x.ids(t, ghent), "a")
	expect(t, "b near Antwerp", x.ids(t, search.Query{Near: "2000", RadiusKm: 5}), "b")

	update("b", func(s *directory.Supplier) { s.Name = "Zeepbellen b" })
	expect(t, "b renamed", x.ids(t, bubbles), "a", "b")
	update("a", func(s *directory.Supplier) { s.Name = "Zuurdesem a" })
	r, err := x.x.Search(search.Query{Today: today, Sort: search.SortName})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Hits) != 2 || r.Hits[0].ID != "b" || r.Hits[1].ID != "a" {
		t.Errorf("by name after a became Zuurdesem: %+v", r.Hits)
	}
}

// An ASCII text is highlighted as a folded one is: capitals, punctuation
// and escaping alike.
func TestHighlightASCIIAndFolded(t *testing.T) {
	shout := supplier(1, "shout", "9000", offer("office-cleaning", 2, directory.ServiceArea{}))
	shout.Description = "POETSEN van KANTOREN, ook 's avonds & <snel>."
	accent := supplier(2, "accent", "9000", offer("office-cleaning", 2, directory.ServiceArea{}))
	accent.Description = "Poetsen van kantoren in het Café, ook 's avonds."
	b := buildIndex(t, shout, accent)
	r, err := b.x.Search(search.Query{Text: "poetsen kanto", Today: today, Sort: search.SortName}) // kanto: as a prefix only
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, h := range r.Hits {
		got[h.ID] = h.DescriptionHTML
	}
	want := map[string]string{
		"shout":  "<mark>POETSEN</mark> van <mark>KANTOREN</mark>, ook &#39;s avonds &amp; &lt;snel&gt;.",
		"accent": "<mark>Poetsen</mark> van <mark>kantoren</mark> in het Café, ook &#39;s avonds.",
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s: %q, want %q", id, got[id], w)
		}
	}
}
