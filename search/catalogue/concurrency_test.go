package catalogue_test

import (
	"math/rand/v2"
	"path/filepath"
	"sync"
	"testing"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/testenv"
	"github.com/verken/verken/search"
	"github.com/verken/verken/search/catalogue"
	"github.com/verken/verken/search/searchtest"
)

// Searches of every kind run while suppliers change and the index catches
// up: the catalogue's sets, the caches of days, texts and places and the
// name order are shared between them (run with -race to see it hold).
// When the changes stop, every search again equals the brute-force count.
func TestSearchesDuringChanges(t *testing.T) {
	dir := t.TempDir()
	store := testenv.Store(t, dir, 200)
	g, tx := testenv.Tables(t)
	x, err := catalogue.Open(filepath.Join(dir, "index"), store, catalogue.Options{Places: g, Tasks: tx, Transit: searchtest.Transit, Reach: searchtest.Reach, OfferSlots: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	var sups []directory.Supplier
	if err := store.List(func(s directory.Supplier) error { sups = append(sups, s); return nil }); err != nil {
		t.Fatal(err)
	}
	queries := searchtest.RandomQueries(t, store, 3, 500)
	texts := []string{"", "schoonmaak", "groen", "catering gent", "wasserij"}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 3 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), 3))
			for {
				select {
				case <-stop:
					return
				default:
				}
				q := queries[r.IntN(len(queries))]
				q.Text = texts[r.IntN(len(texts))]
				q.Sort = search.Sorts[r.IntN(len(search.Sorts))]
				if q.Sort == search.SortDistance && q.Near == "" && q.Serves == "" || q.Sort == search.SortTravelTime && q.Reach == "" {
					q.Sort = search.SortName
				}
				q.Page = 1 + r.IntN(3)
				if _, err := x.Search(q); err != nil {
					t.Errorf("%+v: %v", q, err)
					return
				}
			}
		})
	}
	r := rand.New(rand.NewPCG(5, 8))
	for i := range 60 {
		s, err := store.Get(sups[r.IntN(len(sups))].ID)
		if err != nil {
			t.Fatal(err)
		}
		switch i % 3 {
		case 0:
			for k := range s.Offers {
				s.Offers[k].FreeFTE = float64(r.IntN(9))
			}
		case 1:
			s.Name = "Nieuw " + s.Name
		case 2:
			s.Description += " Ook zeepbellen."
		}
		if err := store.Update(&s, directory.System); err != nil {
			t.Fatal(err)
		}
		if _, err := x.CatchUp(); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()

	searchtest.Check(t, x, store, 9, 30)
}
