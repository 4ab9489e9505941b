package catalogue

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	blevesearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// The words of a text are walked apart, each alternative of a word on its
// own on two goroutines, and their scores added up as Bleve would
// (walkGroups). This holds them to Bleve's own queries walked whole: a
// word's disjunction of its alternatives, and the conjunction of words
// that name nothing. The same suppliers with the same scores, for words
// found in names, descriptions and both languages, typos and the last word
// as a prefix.
func TestWalksScoreAsBleve(t *testing.T) {
	x, _ := openForOrdinals(t, 1500)
	x.rw.RLock()
	defer x.rw.RUnlock()
	r := snapshotReader(t, x)
	defer r.Close()
	ordinal := func(id index.IndexInternalID) int32 {
		if ext, err := r.ExternalID(id); err == nil {
			if o, ok := x.cat.byID[ext]; ok {
				return o
			}
		}
		return -1
	}
	ctx := context.Background()
	// Bleve's answer: the query walked whole, in ordinal order.
	whole := func(q query.Query) []textHit {
		s, err := q.Searcher(ctx, r, x.bleve.Mapping(), blevesearch.SearcherOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		hits, err := drain(r, s, ordinal, nil)
		if err != nil {
			t.Fatal(err)
		}
		return inOrdinalOrder(hits, func(h *textHit) int32 { return h.ord }, func(*textHit, *textHit) {}, nil, nil)
	}
	same := func(what string, apart, together []textHit) {
		t.Helper()
		if len(apart) != len(together) {
			t.Fatalf("%s: %d suppliers apart, %d by Bleve", what, len(apart), len(together))
		}
		for i := range apart {
			a, b := apart[i], together[i]
			if a.ord != b.ord || math.Abs(a.score-b.score) > 1e-9*math.Abs(b.score) {
				t.Fatalf("%s, hit %d: ordinal %d score %v apart, ordinal %d score %v by Bleve", what, i, a.ord, a.score, b.ord, b.score)
			}
		}
	}
	compared, conjunctions := 0, 0
	for _, text := range []string{"schoonmaak", "groenonderhoud", "groenondrhoud", "schoon", "nettoyage", "verpakking kantoren",
		"fiets", "catering", "textiel", "montage", "onderhoud gent", "zzzzqqq", "medewerkers kansen", "team planning",
		"begeleiding medewrkers", "wijk projecten opbouw"} {
		terms, err := x.terms(text)
		if err != nil {
			t.Fatal(err)
		}
		var groups []walkGroup
		var disjunctions []query.Query
		for i := range terms {
			tm := &terms[i]
			if tm.fuzz > 0 || tm.prefix {
				tm.held = termExists(ctx, r, fieldWords, tm.plain) || x.labelHolds(tm.plain)
			}
			if tm.held {
				tm.fuzz = 0
			}
			groups = append(groups, walkGroup{queries: wordAlternatives(*tm)})
			disjunctions = append(disjunctions, bleve.NewDisjunctionQuery(wordAlternatives(*tm)...))
		}
		if len(terms) == 0 {
			continue
		}
		// Each word with a norm of its own, as its disjunction alone.
		for g := range groups {
			groups[g].norm = g
		}
		found, err := x.walkGroups(ctx, r, groups, ordinal)
		if err != nil {
			t.Fatal(err)
		}
		for g := range groups {
			same(text+" / "+terms[g].plain, *found[g], whole(disjunctions[g]))
			compared += len(*found[g])
		}
		// All words with one norm, as their conjunction.
		if len(groups) < 2 {
			continue
		}
		for g := range groups {
			groups[g].norm = 0
		}
		found, err = x.walkGroups(ctx, r, groups, ordinal)
		if err != nil {
			t.Fatal(err)
		}
		words := make([]wordHits, len(found))
		for g := range found {
			words[g].found = *found[g]
		}
		together := whole(bleve.NewConjunctionQuery(disjunctions...))
		same(text+" (conjunction)", x.combineWords(words), together)
		conjunctions += len(together)
	}
	if compared < 500 || conjunctions < 20 {
		t.Fatalf("only %d hits of words and %d of conjunctions compared: the words find too little in the demo set", compared, conjunctions)
	}
}

// panicking is a query whose searcher panics, once it has said so on its
// channel; blocking, one whose searcher finds nothing once the channel
// says so (or after a while). Together they put the panic on the goroutine
// the test wants.
type panicking struct{ started chan struct{} }

func (p panicking) Searcher(context.Context, index.IndexReader, mapping.IndexMapping, blevesearch.SearcherOptions) (blevesearch.Searcher, error) {
	close(p.started)
	panic("a walk panicked")
}

type blocking struct{ started chan struct{} }

func (b blocking) Searcher(_ context.Context, r index.IndexReader, _ mapping.IndexMapping, _ blevesearch.SearcherOptions) (blevesearch.Searcher, error) {
	select {
	case <-b.started:
	case <-time.After(5 * time.Second):
	}
	return searcher.NewMatchNoneSearcher(r)
}

// A panic in a search's second goroutine comes back to the search's own
// goroutine, where the server recovers it, instead of ending the process:
// in a walk (either goroutine may take the walk that panics) and in the
// facet counts.
func TestPanicsComeBackToTheSearch(t *testing.T) {
	x, _ := openForOrdinals(t, 200)
	x.rw.RLock()
	defer x.rw.RUnlock()
	r := snapshotReader(t, x)
	defer r.Close()
	ordinal := func(index.IndexInternalID) int32 { return 0 }
	mustPanic := func(what string, f func()) {
		t.Helper()
		defer func() {
			if got := recover(); got != what {
				t.Fatalf("recovered %v, want %q", got, what)
			}
		}()
		f()
	}
	// The walks are taken in their order: the first goroutine takes the
	// first, the second the next.
	for _, panicsFirst := range []bool{false, true} {
		started := make(chan struct{})
		walks := []query.Query{blocking{started}, panicking{started}}
		if panicsFirst {
			walks = []query.Query{panicking{started}, blocking{started}}
		}
		mustPanic("a walk panicked", func() {
			x.walkGroups(context.Background(), r, []walkGroup{{queries: walks}}, ordinal)
		})
	}
	// The second goroutine takes the count (the search waits for it to
	// start) and panics.
	c := newCounter(x.facts)
	started := make(chan struct{})
	c.aside(x.cat.scratch(), func() {
		close(started)
		panic("a count panicked")
	})
	<-started
	mustPanic("a count panicked", c.wait)
	c.wait() // once over, waiting again returns at once
}
