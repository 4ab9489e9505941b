package blevenative_test

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/testenv"
	"github.com/verken/verken/search"
	"github.com/verken/verken/search/blevenative"
	"github.com/verken/verken/search/catalogue"
)

// The Bleve-native engine answers as the catalogue does on the same store:
// totals, every facet count, hits, and the pages of every order (relevance
// with words aside, where the scores are each engine's own).
func TestSameAnswersAsCatalogue(t *testing.T) {
	dir := t.TempDir()
	store := testenv.Store(t, dir, 300)
	g, tx := testenv.Tables(t)
	classAt := func(lat, lon float64) uint8 { return uint8(int(lat*9973+lon*9967) % 7) }
	cat, err := catalogue.Open(filepath.Join(dir, "index"), store, catalogue.Options{Places: g, Tasks: tx, Transit: classAt})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cat.Close() })
	bn, err := blevenative.Open(filepath.Join(dir, "index-bleve"), store, blevenative.Options{Places: g, Tasks: tx, Transit: classAt})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { bn.Close() })

	var sups []directory.Supplier
	if err := store.List(func(s directory.Supplier) error { sups = append(sups, s); return nil }); err != nil {
		t.Fatal(err)
	}
	today := directory.DateOf(testenv.Reference)
	r := rand.New(rand.NewPCG(3, 5))
	texts := []string{"", "", "schoonmaak", "groen", "catering gent", "nettoyage", "verpakk"}
	nonEmpty := 0
	for i := range 60 {
		q := search.Query{Today: today, Text: texts[r.IntN(len(texts))]}
		s := &sups[r.IntN(len(sups))]
		site := s.Sites[r.IntN(len(s.Sites))]
		for range 1 + r.IntN(3) {
			switch r.IntN(12) {
			case 0:
				q.Kinds = append(q.Kinds, string(directory.Kinds[r.IntN(len(directory.Kinds))]))
			case 1:
				q.Reserved = true
			case 2:
				q.TargetGroups = append(q.TargetGroups, directory.TargetGroups[r.IntN(len(directory.TargetGroups))])
			case 3:
				m, _ := g.Municipality(site.Municipality)
				q.Provinces = append(q.Provinces, m.Province)
			case 4:
				q.Municipalities = append(q.Municipalities, site.Municipality)
			case 5:
				q.Fresh = true
			case 6:
				q.Tasks = append(q.Tasks, tx.Tasks()[r.IntN(len(tx.Tasks()))].ID)
			case 7:
				q.TaskGroups = append(q.TaskGroups, tx.Groups()[r.IntN(len(tx.Groups()))].ID)
			case 8:
				q.Serves = sups[r.IntN(len(sups))].Sites[0].Municipality
			case 9:
				q.MinFTE = []float64{0.5, 1, 2, 5}[r.IntN(4)]
			case 10:
				n := []int{0, 2, 4}[r.IntN(3)]
				q.MaxLeadWeeks = &n
			case 11:
				q.AvailableBy = today.AddDays(r.IntN(120))
				q.MinTransitClass = string(rune('A' + r.IntN(6)))
			}
		}
		if r.IntN(4) == 0 {
			q.Near, q.RadiusKm = site.Postcode, float64(5+r.IntN(40))
		}
		q.PerPage = search.MaxPerPage
		want, err := cat.Search(q)
		if err != nil {
			t.Fatalf("query %d: catalogue: %v", i, err)
		}
		got, err := bn.Search(q)
		if err != nil {
			t.Fatalf("query %d %+v: %v", i, q, err)
		}
		if got.Total != want.Total {
			t.Fatalf("query %d %+v: total %d, catalogue %d", i, q, got.Total, want.Total)
		}
		if want.Total > 0 {
			nonEmpty++
		}
		for name, values := range want.Facets {
			if name == "" {
				continue
			}
			if !slices.Equal(got.Facets[name], values) {
				t.Fatalf("query %d %+v: facet %s %v, catalogue %v", i, q, name, got.Facets[name], values)
			}
		}
		if !slices.Equal(sortedIDs(got.Hits), sortedIDs(want.Hits)) {
			t.Fatalf("query %d %+v: hits differ", i, q)
		}
		for _, sort := range search.Sorts {
			if sort == search.SortDistance && q.Near == "" && q.Serves == "" || sort == search.SortRelevance && q.Text != "" {
				continue
			}
			q.Sort, q.PerPage = sort, 7
			for page := 1; page <= 3; page++ {
				q.Page = page
				a, err := cat.Search(q)
				if err != nil {
					t.Fatal(err)
				}
				b, err := bn.Search(q)
				if err != nil {
					t.Fatal(err)
				}
				if fmt.Sprint(ids(b.Hits)) != fmt.Sprint(ids(a.Hits)) {
					t.Fatalf("query %d %+v sort %s page %d: %v, catalogue %v", i, q, sort, page, ids(b.Hits), ids(a.Hits))
				}
				for k := range a.Hits {
					if a.Hits[k].MatchingFTE != b.Hits[k].MatchingFTE || a.Hits[k].Stale != b.Hits[k].Stale || a.Hits[k].Reserved != b.Hits[k].Reserved {
						t.Fatalf("query %d sort %s: hit %s differs: %+v, catalogue %+v", i, sort, a.Hits[k].ID, b.Hits[k], a.Hits[k])
					}
				}
			}
			q.Sort, q.Page, q.PerPage = "", 0, search.MaxPerPage
		}
	}
	if nonEmpty < 20 {
		t.Fatalf("only %d of 60 queries matched anything", nonEmpty)
	}
}

func ids(hs []search.Hit) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = h.ID
	}
	return out
}

func sortedIDs(hs []search.Hit) []string {
	out := ids(hs)
	slices.Sort(out)
	return out
}
