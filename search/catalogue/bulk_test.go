package catalogue

import (
	"maps"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2/document"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/verken/verken/data"
	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/testenv"
)

// analysed is what a document gives the index for one field: its terms
// with their frequencies, and its length in tokens.
type analysed struct {
	length int
	terms  map[string]int
}

func analyse(doc *document.Document) map[string]analysed {
	out := map[string]analysed{}
	doc.VisitFields(func(f index.Field) {
		if f.Name() == "_id" || !f.Options().IsIndexed() {
			return
		}
		f.Analyze()
		a := out[f.Name()]
		if a.terms == nil {
			a.terms = map[string]int{}
		}
		a.length += f.AnalyzedLength()
		for term, tf := range f.AnalyzedTokenFrequencies() {
			a.terms[term] += tf.Frequency()
		}
		out[f.Name()] = a
	})
	return out
}

// The bulk documents must index exactly what the mapping would: the same
// fields, terms, frequencies and lengths, for every kind of supplier the
// generator makes, twice over (the second time from the memo).
func TestBulkDocumentsMatchMapping(t *testing.T) {
	places, tasks := testenv.Tables(t)
	m, err := newMapping()
	if err != nil {
		t.Fatal(err)
	}
	tds, err := newTextDocs(m)
	if err != nil {
		t.Fatal(err)
	}
	docs := documenter{places}
	demo := data.GenerateDemo(7, 300, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), places, tasks)
	for round := range 2 {
		for i := range demo {
			s := directory.FromDemo(demo[i])
			values := docs.document(&s)
			want := document.NewDocument(s.ID)
			if err := m.MapDocument(want, values); err != nil {
				t.Fatal(err)
			}
			got, err := tds.document(s.ID, values)
			if err != nil {
				t.Fatal(err)
			}
			w, g := analyse(want), analyse(got)
			if len(w) != 4 {
				t.Fatalf("the mapping indexed fields %v, want name, text, text_fr and words", slicesOf(w))
			}
			for name, wa := range w {
				ga := g[name]
				if ga.length != wa.length || !maps.Equal(ga.terms, wa.terms) {
					t.Fatalf("round %d, %s, field %s: bulk length %d terms %v; mapping length %d terms %v", round, s.ID, name, ga.length, ga.terms, wa.length, wa.terms)
				}
			}
			if len(g) != len(w) {
				t.Fatalf("%s: bulk fields %v, mapping fields %v", s.ID, slicesOf(g), slicesOf(w))
			}
		}
	}
}

func slicesOf(m map[string]analysed) string {
	var names []string
	for n := range m {
		names = append(names, n)
	}
	return strings.Join(names, ",")
}

// A value whose parts repeat, are long, or hold the separator's neighbours
// analyses as the mapping's analyzer does part by part.
func TestMemoAnalyzerSplitsOnlyOnTheSeparator(t *testing.T) {
	m, err := newMapping()
	if err != nil {
		t.Fatal(err)
	}
	inner := m.AnalyzerNamed(DutchFolded)
	memo := newMemo(inner)
	long := strings.Repeat("schoonmaak van kantoren ", 20)
	parts := []string{"Groenonderhoud", "", "Café Brasserie", long, "Groenonderhoud", "l'élagage des arbres"}
	for range 2 {
		var want []string
		for _, p := range parts {
			for _, tok := range inner.Analyze([]byte(p)) {
				want = append(want, string(tok.Term))
			}
		}
		var got []string
		for _, tok := range memo.Analyze([]byte(strings.Join(parts, partSep))) {
			got = append(got, string(tok.Term))
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Fatalf("memo gave %q, want %q", got, want)
		}
	}
	if _, ok := memo.seen[long]; ok {
		t.Error("a long part was kept in the memo")
	}
}

// A rebuild of more suppliers than one batch holds, by several builders,
// indexes every one of them and records the store's last change.
func TestRebuildInSeveralBatches(t *testing.T) {
	dir := t.TempDir()
	n := 2*rebuildBatch + 37
	s := testenv.Store(t, dir, n)
	places, tasks := testenv.Tables(t)
	x, err := Open(filepath.Join(dir, "index"), s, Options{Places: places, Tasks: tasks, Rebuild: true})
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if got, _ := x.DocCount(); got != uint64(n) {
		t.Fatalf("indexed %d suppliers, want %d", got, n)
	}
	last, _ := s.LastSeq()
	if x.Applied() != last {
		t.Fatalf("applied %d, the store's last change is %d", x.Applied(), last)
	}
	if len(x.cat.byID) != n {
		t.Fatalf("the catalogue holds %d suppliers, want %d", len(x.cat.byID), n)
	}
}
