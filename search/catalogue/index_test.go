package catalogue_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/testenv"
	"github.com/verken/verken/search"
	"github.com/verken/verken/search/catalogue"
)

func openIndex(t *testing.T, dir string, s *directory.Store) *catalogue.Index {
	t.Helper()
	return openIndexLogged(t, dir, s, &bytes.Buffer{})
}

func openIndexLogged(t *testing.T, dir string, s *directory.Store, log *bytes.Buffer) *catalogue.Index {
	t.Helper()
	g, tx := testenv.Tables(t)
	x, err := catalogue.Open(dir, s, catalogue.Options{Places: g, Tasks: tx, Log: slog.New(slog.NewTextHandler(log, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	return x
}

// find runs q on the reference day of the test data.
func find(t *testing.T, x *catalogue.Index, q search.Query) *search.Result {
	t.Helper()
	if q.Today.IsZero() {
		q.Today = directory.DateOf(testenv.Reference)
	}
	r, err := x.Search(q)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestCatchUpAppliesChangesWrittenWhileNoIndexerRan(t *testing.T) {
	dir := t.TempDir()
	s := testenv.Store(t, dir, 60)
	x := openIndex(t, filepath.Join(dir, "index"), s)
	if n, _ := x.DocCount(); n != 60 {
		t.Fatalf("indexed %d suppliers, want 60", n)
	}
	x.Close()

	// Three writes while no indexer runs: an update, a delete, a create.
	a, _ := s.Get("demo-0001")
	a.Name = "Zwanenhof Kwaliteitswerk"
	if err := s.Update(&a, directory.System); err != nil {
		t.Fatal(err)
	}
	b, _ := s.Get("demo-0002")
	if err := s.Delete(b.ID, b.Version); err != nil {
		t.Fatal(err)
	}
	c, _ := s.Get("demo-0003")
	c.ID, c.EnterpriseNumber, c.Name = "", directory.EnterpriseNumberWithCheck(5555555), "Nieuwe Kringwinkel Oostkust"
	if err := s.Create(&c); err != nil {
		t.Fatal(err)
	}
	last, _ := s.LastSeq()

	x = openIndex(t, filepath.Join(dir, "index"), s)
	if x.Applied() != last {
		t.Fatalf("applied change %d, store is at %d", x.Applied(), last)
	}
	if r := find(t, x, search.Query{Text: "zwanenhof"}); r.Total != 1 || r.Hits[0].ID != "demo-0001" {
		t.Fatalf("updated name: %+v", r)
	}
	if r := find(t, x, search.Query{Text: "kringwinkel oostkust"}); r.Total != 1 || r.Hits[0].ID != c.ID {
		t.Fatalf("created supplier: %+v", r)
	}
	if r := find(t, x, search.Query{}); r.Total != 60 {
		t.Fatalf("total %d after one delete and one create, want 60", r.Total)
	}
	for _, h := range find(t, x, search.Query{PerPage: 100}).Hits {
		if h.ID == "demo-0002" {
			t.Fatal("deleted supplier still found")
		}
	}
}

func TestFollowMakesAWriteSearchable(t *testing.T) {
	dir := t.TempDir()
	s := testenv.Store(t, dir, 20)
	x := openIndex(t, filepath.Join(dir, "index"), s)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go x.Follow(ctx)
	a, _ := s.Get("demo-0005")
	a.Name = "Ooievaarsnest Werkplaats"
	if err := s.Update(&a, directory.System); err != nil {
		t.Fatal(err)
	}
	last, _ := s.LastSeq()
	wctx, wcancel := context.WithTimeout(ctx, 10*time.Second)
	defer wcancel()
	if err := x.WaitFor(wctx, last); err != nil {
		t.Fatal(err)
	}
	if r := find(t, x, search.Query{Text: "ooievaarsnest"}); r.Total != 1 {
		t.Fatalf("update not searchable: total %d", r.Total)
	}
}

// rebuildCase damages the index between two starts; the second start must
// rebuild and answer the same totals.
func rebuildCase(t *testing.T, damage func(t *testing.T, indexDir string)) {
	dir := t.TempDir()
	s := testenv.Store(t, dir, 80)
	indexDir := filepath.Join(dir, "index")
	x := openIndex(t, indexDir, s)
	queries := []search.Query{{}, {Text: "schoonmaak"}, {Kinds: []string{"maatwerkbedrijf"}}, {Provinces: []string{"ANT"}}}
	var want []int
	for _, q := range queries {
		want = append(want, find(t, x, q).Total)
	}
	if want[1] == 0 {
		t.Fatal("demo data has no cleaners; the test would prove nothing")
	}
	x.Close()
	damage(t, indexDir)
	var log bytes.Buffer
	x = openIndexLogged(t, indexDir, s, &log)
	if !strings.Contains(log.String(), "search index rebuilt") {
		t.Fatalf("the damaged index was not rebuilt; log:\n%s", log.String())
	}
	t.Logf("start-up after damage: %s", strings.SplitN(log.String(), "\n", 2)[0])
	for i, q := range queries {
		if got := find(t, x, q).Total; got != want[i] {
			t.Errorf("query %+v: total %d after rebuild, want %d", q, got, want[i])
		}
	}
}

func TestRebuildWhenIndexDirectoryDeleted(t *testing.T) {
	rebuildCase(t, func(t *testing.T, indexDir string) {
		if err := os.RemoveAll(indexDir); err != nil {
			t.Fatal(err)
		}
	})
}

func TestRebuildWhenIndexFileHoldsGarbage(t *testing.T) {
	for _, target := range []string{"index_meta.json", "store/root.bolt", "segment"} {
		t.Run(target, func(t *testing.T) {
			rebuildCase(t, func(t *testing.T, indexDir string) {
				path := filepath.Join(indexDir, target)
				if target == "segment" {
					zaps, _ := filepath.Glob(filepath.Join(indexDir, "store", "*.zap"))
					if len(zaps) == 0 {
						t.Fatal("no segment file to damage")
					}
					path = zaps[0]
				}
				garbage := make([]byte, 4096)
				for i := range garbage {
					garbage[i] = byte(i*31 + 7)
				}
				if err := os.WriteFile(path, garbage, 0o600); err != nil {
					t.Fatal(err)
				}
			})
		})
	}
}

func TestAccentsAreFolded(t *testing.T) {
	dir := t.TempDir()
	s := testenv.Store(t, dir, 5)
	a, _ := s.Get("demo-0001")
	a.Name = "Brasserie Crème Brûlée"
	if err := s.Update(&a, directory.System); err != nil {
		t.Fatal(err)
	}
	x := openIndex(t, filepath.Join(dir, "index"), s)
	for _, text := range []string{"creme brulee", "CRÈME", "brûlée"} {
		if r := find(t, x, search.Query{Text: text}); r.Total != 1 || r.Hits[0].ID != "demo-0001" {
			t.Errorf("%q: total %d, want the brasserie", text, r.Total)
		}
	}
}

func TestFiltersAndFacets(t *testing.T) {
	dir := t.TempDir()
	s := testenv.Store(t, dir, 200)
	x := openIndex(t, filepath.Join(dir, "index"), s)
	g, _ := testenv.Tables(t)
	all := find(t, x, search.Query{})
	kinds := map[string]int{}
	for _, f := range all.Facets["kind"] {
		kinds[f.Value] = f.Count
	}
	r := find(t, x, search.Query{Kinds: []string{"lde", "arbeidszorg"}, PerPage: 100})
	if r.Total != kinds["lde"]+kinds["arbeidszorg"] || r.Total == 0 {
		t.Fatalf("kind=lde OR arbeidszorg: %d, facets say %d + %d", r.Total, kinds["lde"], kinds["arbeidszorg"])
	}
	for _, h := range r.Hits {
		if h.Kind != "lde" && h.Kind != "arbeidszorg" {
			t.Fatalf("hit of kind %s", h.Kind)
		}
	}
	// AND across filters: every hit is in Antwerp province and does packaging.
	r = find(t, x, search.Query{Provinces: []string{"Antwerpen"}, Tasks: []string{"packaging"}, PerPage: 100})
	for _, h := range r.Hits {
		sup, _ := s.Get(h.ID)
		has := false
		for _, o := range sup.Offers {
			has = has || o.Task == "packaging"
		}
		inANT := false
		for _, site := range sup.Sites {
			m, _ := g.Municipality(site.Municipality)
			inANT = inANT || m.Province == "ANT"
		}
		if !inANT || !has {
			t.Fatalf("hit %s breaks province=ANT AND task=packaging", h.ID)
		}
	}
	bad := search.Query{Tasks: []string{"juggling"}, Today: directory.DateOf(testenv.Reference)}
	var pe *search.ParamError
	if _, err := x.Search(bad); !errors.As(err, &pe) || pe.Param != "task" {
		t.Fatalf("unknown task: %v", err)
	}
}

// An index opened only to be kept up to date (an import) follows the store
// into its text index without a catalogue, answers no search, and leaves
// an index the next full opening uses as it is.
func TestIndexOnlyKeepsTheIndex(t *testing.T) {
	dir := t.TempDir()
	s := testenv.Store(t, dir, 10)
	g, tx := testenv.Tables(t)
	open := func(indexOnly bool) *catalogue.Index {
		x, err := catalogue.Open(filepath.Join(dir, "index"), s, catalogue.Options{Places: g, Tasks: tx, IndexOnly: indexOnly})
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	open(false).Close() // the index exists
	x := open(true)
	sup, _ := s.Get("demo-0003")
	sup.Name = "Zeldzaamnaam Werkhuis"
	if err := s.Update(&sup, directory.Actor{Name: "test"}); err != nil {
		t.Fatal(err)
	}
	if _, err := x.CatchUp(); err != nil {
		t.Fatal(err)
	}
	if _, err := x.Search(search.Query{Today: directory.DateOf(testenv.Reference)}); err == nil {
		t.Error("an index-only engine answered a search")
	}
	applied := x.Applied()
	x.Close()
	y := open(false)
	defer y.Close()
	if y.Applied() != applied {
		t.Fatalf("the full opening caught up again from %d to %d", applied, y.Applied())
	}
	r, err := y.Search(search.Query{Text: "zeldzaamnaam", Today: directory.DateOf(testenv.Reference)})
	if err != nil || r.Total != 1 || r.Hits[0].ID != "demo-0003" {
		t.Fatalf("the change made while index-only: %v %+v", err, r)
	}
}
