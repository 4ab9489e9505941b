package catalogue

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"html"
	"math"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/blevesearch/bleve/v2/mapping"
	blevesearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
	"github.com/verken/verken/internal/fuzzy"
	"github.com/verken/verken/search"
)

// Typo tolerance: one edit from 5 letters, two from 9.
func fuzziness(word string) int {
	switch n := utf8.RuneCountInString(word); {
	case n >= 9:
		return 2
	case n >= 5:
		return 1
	}
	return 0
}

// minPrefix is the shortest start of a word that matches as a prefix;
// shorter ones would expand to too many words to be useful.
const minPrefix = 3

// term is one word of the free text in the forms it is compared in.
type term struct {
	plain  string // folded and lower-cased
	nl, fr string // stemmed; empty for a stop word
	fuzz   int
	prefix bool // the last word, which may still be being typed
	held   bool // the index holds the word as typed
}

// terms splits the text into its words and their forms. A word made of
// stop words only is dropped rather than matching nothing.
func (x *Index) terms(text string) ([]term, error) {
	m := x.bleve.Mapping()
	nl, fr, plain := m.AnalyzerNamed(DutchFolded), m.AnalyzerNamed(FrenchFolded), m.AnalyzerNamed(plainFolded)
	if nl == nil || fr == nil || plain == nil {
		return nil, fmt.Errorf("analyzers missing from the index mapping")
	}
	first := func(ts analysis.TokenStream) string {
		if len(ts) == 0 {
			return ""
		}
		return string(ts[0].Term)
	}
	var out []term
	for _, w := range strings.Fields(text) {
		for _, tok := range plain.Analyze([]byte(w)) {
			p := string(tok.Term)
			t := term{plain: p, nl: first(nl.Analyze(tok.Term)), fr: first(fr.Analyze(tok.Term)), fuzz: fuzziness(p)}
			if t.nl == "" && t.fr == "" {
				continue
			}
			out = append(out, t)
		}
	}
	if n := len(out); n > 0 && utf8.RuneCountInString(out[n-1].plain) >= minPrefix {
		out[n-1].prefix = true
	}
	return out, nil
}

// wordAlternatives are the ways one word of the text finds suppliers in
// names and descriptions, each a query of its own, which walkGroups adds up
// as their disjunction: stemmed in Dutch or French, with a typo, or, for
// the last word, as the start of a word. So "groenondrhoud" finds
// groenonderhoud. A match in the name weighs most, a typo least. What the
// word names among the tasks and kinds is matched apart (labels.go), and
// every word must match (walkText).
func wordAlternatives(t term) []query.Query {
	alts := []query.Query{}
	if t.nl != "" {
		name := bleve.NewTermQuery(t.nl)
		name.SetField(fieldName)
		name.SetBoost(3)
		text := bleve.NewTermQuery(t.nl)
		text.SetField(fieldText)
		alts = append(alts, name, text)
	}
	if t.fr != "" {
		fr := bleve.NewTermQuery(t.fr)
		fr.SetField(fieldTextFR)
		alts = append(alts, fr)
	}
	if t.fuzz > 0 {
		fq := bleve.NewFuzzyQuery(t.plain)
		fq.SetFuzziness(t.fuzz)
		fq.SetField(fieldWords)
		fq.SetBoost(0.4)
		alts = append(alts, fq)
	}
	if t.prefix {
		alts = append(alts, longerWords(t))
	}
	return alts
}

// longerWords matches the words that start with the term. When the index
// holds the word itself, its Dutch stem already finds it: only the longer
// words are asked for, which halves the postings a common word walks.
func longerWords(t term) query.Query {
	end := []byte(t.plain)
	last := len(end) - 1
	if !t.held || t.nl == "" || end[last] == 0xff {
		pq := bleve.NewPrefixQuery(t.plain)
		pq.SetField(fieldWords)
		pq.SetBoost(0.6)
		return pq
	}
	end[last]++ // the first string after every word with the prefix
	exclusive := false
	rq := bleve.NewTermRangeInclusiveQuery(t.plain, string(end), &exclusive, &exclusive)
	rq.SetField(fieldWords)
	rq.SetBoost(0.6)
	return rq
}

// textHit is a supplier that matched the free text, with its score.
type textHit struct {
	ord int32
	// matched counts the alternatives of a word that found the supplier,
	// while a word's alternatives are walked apart (walkGroups).
	matched int32
	score   float64
}

// textHits returns the suppliers that match the free text, in ordinal
// order, with their scores. ok is false when the text holds only stop
// words, so that it filters nothing. The hits are shared: do not change
// them.
func (x *Index) textHits(terms []term) (hits []textHit, ok bool, err error) {
	if len(terms) == 0 {
		return nil, false, nil
	}
	var key strings.Builder
	for _, t := range terms {
		fmt.Fprintf(&key, "%s|%d|%t ", t.plain, t.fuzz, t.prefix)
	}
	// What a text matches changes only with what the text searches.
	gen := x.catVersion.Load()<<40 ^ x.cat.textVersion
	if m, ok := x.texts.get(gen, key.String()); ok {
		for i := range terms {
			terms[i].fuzz = m.fuzz[i]
		}
		return m.hits, true, nil
	}
	hits, err = x.walkText(terms)
	if err != nil {
		return nil, true, err
	}
	m := textMatch{hits: hits}
	for _, t := range terms {
		m.fuzz = append(m.fuzz, t.fuzz)
	}
	x.texts.put(gen, key.String(), m)
	return hits, true, nil
}

// walkText finds the suppliers that match every word of the text, with
// their scores. For each word Bleve's searcher is walked directly (the
// catalogue sorts and pages, so Bleve's collector, which keeps every hit in
// a heap, would only add work), and the suppliers of the tasks and kinds
// the word names are added from the catalogue's sets; the words' sets are
// then intersected.
func (x *Index) walkText(terms []term) ([]textHit, error) {
	adv, err := x.bleve.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	ctx := context.Background()
	// A word the index holds as typed is spelled right: looking for its
	// typos too would only add noise, and cost most of the search. The
	// terms are changed in place, so that highlighting follows.
	for i := range terms {
		if terms[i].fuzz > 0 || terms[i].prefix {
			terms[i].held = termExists(ctx, r, fieldWords, terms[i].plain) || x.labelHolds(terms[i].plain)
		}
		if terms[i].held {
			terms[i].fuzz = 0
		}
	}
	res, fast := x.ords.resolverFor(r, x.cat)
	ordinal := func(id index.IndexInternalID) int32 {
		if fast {
			return res.ordinal(id)
		}
		if ext, err := r.ExternalID(id); err == nil {
			if o, ok := x.cat.byID[ext]; ok {
				return o
			}
		}
		return -1
	}
	// Every word is walked on its own (walkGroups); a word that names a
	// task or kind is then joined with the suppliers of what it names, and
	// the words are intersected (combineWords).
	var words []wordHits
	var groups []walkGroup
	for _, t := range terms {
		named := x.labels.named(t)
		// The words that name nothing are scored as Bleve scores their
		// conjunction: with one norm for them all. A word that names a
		// task or kind has a norm of its own.
		norm := len(groups) + 1
		if len(named) == 0 {
			norm = 0
		}
		words = append(words, wordHits{named: named})
		groups = append(groups, walkGroup{queries: wordAlternatives(t), norm: norm})
	}
	found, err := x.walkGroups(ctx, r, groups, ordinal)
	if err != nil {
		return nil, err
	}
	defer func() {
		for _, f := range found {
			x.walkBuffers.Put(f)
		}
	}()
	for i := range words {
		words[i].found = *found[i]
	}
	return x.combineWords(words), nil
}

// walkGroup is what one word walks in Bleve: its alternatives
// (wordAlternatives), each walked on its own and added up as their
// disjunction, scored with the norm of every group with the same norm.
type walkGroup struct {
	queries []query.Query
	norm    int // 0 to len(groups)
}

// walkGroups walks the groups' queries on two goroutines and returns each
// group's hits in ordinal order, in buffers lent from x.walkBuffers.
//
// Bleve's disjunction of a word's alternatives walks them on one core and
// merges them as it goes: half of a text search, while the second core
// waits for the facets to count; and its conjunction of several words
// advanced a typo's or a prefix's many words in step, up to a millisecond
// for two words. Here each query is walked on its own, taken in turn by two
// goroutines, the largest first; the first does not wait for the second,
// which takes a tenth of a millisecond to wake on a virtual machine. The
// words are intersected afterwards (combineWords).
//
// The scores are Bleve's: an alternative is scored with the norm of its
// group's norm set (a score is linear in it), and a word adds up the
// scores of the alternatives that found a supplier times the share of them
// that did, as Bleve's disjunction does; its conjunction adds up the words.
// TestWalksScoreAsBleve holds them to Bleve's own.
func (x *Index) walkGroups(ctx context.Context, r index.IndexReader, groups []walkGroup, ordinal func(index.IndexInternalID) int32) ([]*[]textHit, error) {
	type walk struct {
		group      int
		q          query.Query
		weight     float64 // the squared weight, for the norm
		side       int     // the goroutine whose buffer holds its hits
		start, end int
	}
	var walks []walk
	for g, gr := range groups {
		for _, q := range gr.queries {
			walks = append(walks, walk{group: g, q: q})
		}
	}
	order := make([]int, len(walks))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(walkCost(walks[b].q), walkCost(walks[a].q)) })
	var next atomic.Int32
	bufs := [2]*[]textHit{x.walkBuffer(), x.walkBuffer()}
	defer x.walkBuffers.Put(bufs[0])
	defer x.walkBuffers.Put(bufs[1])
	var errs [2]error
	take := func(side int) {
		for errs[side] == nil {
			k := int(next.Add(1)) - 1
			if k >= len(order) {
				return
			}
			w, buf := &walks[order[k]], bufs[side]
			s, err := w.q.Searcher(ctx, r, x.bleve.Mapping(), blevesearch.SearcherOptions{})
			if err != nil {
				errs[side] = fmt.Errorf("text search: %w", err)
				return
			}
			w.weight = s.Weight()
			s.SetQueryNorm(1)
			w.side, w.start = side, len(*buf)
			*buf, errs[side] = drain(r, s, ordinal, *buf)
			w.end = len(*buf)
			s.Close()
		}
	}
	done := make(chan struct{})
	var panicked any // what the second goroutine panicked with
	if len(walks) > 1 {
		go func() {
			defer close(done)
			defer func() { panicked = recover() }()
			take(1)
		}()
	} else {
		close(done)
	}
	func() {
		// The second goroutine reads the index: it is over before the
		// reader closes, even when the first panics.
		defer func() { <-done }()
		take(0)
	}()
	if panicked != nil {
		panic(panicked) // on the search's goroutine, where the server recovers it
	}
	if err := errors.Join(errs[0], errs[1]); err != nil {
		return nil, err
	}
	weights := make([]float64, len(groups)+1) // by norm: 0 or a group's index + 1
	for _, w := range walks {
		weights[groups[w.group].norm] += w.weight
	}
	// Each group's hits in the order of its queries, so that every
	// supplier's score is added up in the same order, and the same every
	// time.
	all := x.walkBuffer()
	defer x.walkBuffers.Put(all)
	rk, _ := x.rankings.Get().(*ranking)
	if rk == nil {
		rk = &ranking{}
	}
	defer x.rankings.Put(rk)
	out := make([]*[]textHit, len(groups))
	first := 0
	for g, gr := range groups {
		*all = (*all)[:0]
		for _, w := range walks[first : first+len(gr.queries)] {
			*all = append(*all, (*bufs[w.side])[w.start:w.end]...)
		}
		first += len(gr.queries)
		out[g] = x.walkBuffer()
		hits := inOrdinalOrder(*all, func(h *textHit) int32 { return h.ord }, func(kept, repeat *textHit) {
			kept.score += repeat.score
			kept.matched += repeat.matched
		}, *out[g], rk)
		norm := 1.0
		if sum := weights[gr.norm]; sum > 0 {
			norm = 1 / math.Sqrt(sum)
		}
		for i := range hits {
			hits[i].score *= norm * float64(hits[i].matched) / float64(len(gr.queries))
		}
		*out[g] = hits
	}
	*all = (*all)[:0]
	*bufs[0], *bufs[1] = (*bufs[0])[:0], (*bufs[1])[:0]
	return out, nil
}

// walkCost orders the walks, the largest first: a word in the text of the
// descriptions (Dutch or French), then a typo or a prefix (many words of
// the dictionary), then a name.
func walkCost(q query.Query) int {
	if q, ok := q.(*query.TermQuery); ok {
		if q.FieldVal == fieldName {
			return 0
		}
		return 2
	}
	return 1
}

// walkBuffer lends a buffer for a walk's hits, to be put back in
// x.walkBuffers: a common word's hits, grown by doubling, were much of a
// search's garbage.
func (x *Index) walkBuffer() *[]textHit {
	if buf, _ := x.walkBuffers.Get().(*[]textHit); buf != nil {
		return buf
	}
	return new([]textHit)
}

// drain appends the matches of a searcher to hits, in Bleve's order, each
// as one alternative that matched.
func drain(r index.IndexReader, s blevesearch.Searcher, ordinal func(index.IndexInternalID) int32, hits []textHit) ([]textHit, error) {
	sctx := &blevesearch.SearchContext{DocumentMatchPool: blevesearch.NewDocumentMatchPool(s.DocumentMatchPoolSize(), 0), IndexReader: r}
	for {
		dm, err := s.Next(sctx)
		if err != nil {
			return hits, fmt.Errorf("text search: %w", err)
		}
		if dm == nil {
			return hits, nil
		}
		if ord := ordinal(dm.IndexInternalID); ord >= 0 {
			hits = append(hits, textHit{ord: ord, score: dm.Score, matched: 1})
		}
		sctx.DocumentMatchPool.Put(dm)
	}
}

// wordHits is what one word of the text found: in names and descriptions,
// in ordinal order with Bleve's scores, and the tasks and kinds it names.
type wordHits struct {
	found []textHit
	named []labelMatch
}

// labelWeight is what a word that names a supplier's task or kind adds to
// its score at most (for the rarest task or kind), against Bleve's scores
// of a match in the name or description (around 0.2 to 2): shared by
// thousands of suppliers, it says less of one than its own words do.
const labelWeight = 0.3

// combineWords intersects the words' suppliers and adds up their scores.
// A supplier matches a word when Bleve found it for the word or it has a
// task or kind the word names; a named task or kind adds labelWeight times
// the word's boost and the task's or kind's rarity (its idf, over the
// largest possible).
func (x *Index) combineWords(words []wordHits) []textHit {
	f, c := x.facts, x.cat
	live := float64(max(1, len(c.byID)))
	idfMax := 1 + math.Log(live)
	type named struct {
		set   bitset
		score float64
	}
	sc := c.scratch()
	defer sc.release()
	var all bitset
	perWord := make([][]named, len(words))
	for i, w := range words {
		word := sc.get()
		for _, h := range w.found {
			word.add(h.ord)
		}
		for _, m := range w.named {
			s := x.labels[m.at].suppliers(f, c)
			df := float64(s.members)
			if df == 0 {
				continue
			}
			word.or(s.bits)
			idf := 1 + math.Log(live/(df+1))
			perWord[i] = append(perWord[i], named{s.bits, labelWeight * m.boost * idf / idfMax})
		}
		if i == 0 {
			all = word
		} else {
			all.and(word)
		}
	}
	next := make([]int, len(words)) // each word's place in its found hits
	_, n := sc.nonZero(all)
	out := make([]textHit, 0, n)
	all.each(func(ord int32) {
		score := 0.0
		for i, w := range words {
			for next[i] < len(w.found) && w.found[next[i]].ord < ord {
				next[i]++
			}
			if next[i] < len(w.found) && w.found[next[i]].ord == ord {
				score += w.found[next[i]].score
			}
			for _, l := range perWord[i] {
				if l.set.has(ord) {
					score += l.score
				}
			}
		}
		out = append(out, textHit{ord: ord, score: score})
	})
	return out
}

// labelHolds reports whether a word is a word of the names of a task or
// kind that some supplier has: as a word of its text, it is spelled right.
func (x *Index) labelHolds(word string) bool {
	for i := range x.labels {
		if l := &x.labels[i]; l.holds(word) && len(l.suppliers(x.facts, x.cat).words) > 0 {
			return true
		}
	}
	return false
}

// termExists reports whether a field holds a term in any document.
func termExists(ctx context.Context, r index.IndexReader, field, term string) bool {
	tfr, err := r.TermFieldReader(ctx, []byte(term), field, false, false, false)
	if err != nil {
		return false
	}
	defer tfr.Close()
	return tfr.Count() > 0
}

// highlight marks the words of the hits' names and descriptions that match
// the text, by the same rules as the search, without asking Bleve again.
func (x *Index) highlight(terms []term, hits []search.Hit, descriptions []string) {
	plain := x.bleve.Mapping().AnalyzerNamed(plainFolded)
	// matches reports whether a folded, lower-cased word matches a term.
	matches := func(w []byte) bool {
		forms := x.forms.of(w)
		for _, t := range terms {
			if t.nl != "" && t.nl == string(forms.nl) || t.fr != "" && t.fr == string(forms.fr) || string(w) == t.plain ||
				t.prefix && strings.HasPrefix(string(w), t.plain) ||
				t.fuzz > 0 && fuzzy.Distance(string(w), t.plain, t.fuzz, false) <= t.fuzz {
				return true
			}
		}
		return false
	}
	var lower []byte
	marks := func(text string) []span {
		var out []span
		if isASCII(text) { // folds to itself: the places are the text's own
			asciiWords(text, func(start, end int) {
				if lower = lowerASCII(lower[:0], text[start:end]); matches(lower) {
					out = append(out, span{start, end})
				}
			})
			return merge(out)
		}
		offsets := foldedOffsets(text)
		for _, tok := range plain.Analyze([]byte(text)) {
			if tok.End < len(offsets) && matches(tok.Term) {
				out = append(out, span{offsets[tok.Start], offsets[tok.End]})
			}
		}
		return merge(out)
	}
	for i := range hits {
		hits[i].NameHTML = markSpans(hits[i].Name, marks(hits[i].Name), 0)
		hits[i].DescriptionHTML = markSpans(descriptions[i], marks(descriptions[i]), snippetLength)
	}
}

// wordForms gives a word's Dutch and French forms, as the index's
// analyzers make them, remembering them: stemming every word of twenty
// descriptions was a quarter of a text search.
type wordForms struct{ nl, fr *wordFilters }

// formsOfWord are a word's forms, shared: do not change them.
type formsOfWord struct{ nl, fr []byte }

func newWordForms(m mapping.IndexMapping) (*wordForms, error) {
	nl, err := newWordFilters(m, DutchFolded)
	if err != nil {
		return nil, err
	}
	fr, err := newWordFilters(m, FrenchFolded)
	if err != nil {
		return nil, err
	}
	return &wordForms{nl: nl, fr: fr}, nil
}

// of returns the forms of a folded, lower-cased word; a stop word's form
// is empty.
func (f *wordForms) of(word []byte) formsOfWord {
	nl, _ := f.nl.of(word)
	fr, _ := f.fr.of(word)
	return formsOfWord{nl: nl, fr: fr}
}

// snippetLength bounds a description in a result list, in bytes.
const snippetLength = 240

type span struct{ start, end int }

// merge sorts spans and joins overlapping ones.
func merge(out []span) []span {
	sort.Slice(out, func(i, j int) bool { return out[i].start < out[j].start })
	merged := out[:0]
	for _, s := range out {
		if n := len(merged); n > 0 && s.start <= merged[n-1].end {
			merged[n-1].end = max(merged[n-1].end, s.end)
			continue
		}
		merged = append(merged, s)
	}
	return merged
}

// markSpans escapes text and wraps the spans in <mark>. With a limit, it
// returns an excerpt of about that length around the first match.
func markSpans(text string, marks []span, limit int) string {
	from, to := 0, len(text)
	if limit > 0 && len(text) > limit {
		if len(marks) > 0 && marks[0].end > limit {
			from = max(0, marks[0].start-limit/3)
		}
		to = min(len(text), from+limit)
		for from > 0 && !utf8.RuneStart(text[from]) {
			from++
		}
		for to < len(text) && !utf8.RuneStart(text[to]) {
			to--
		}
	}
	var b strings.Builder
	if from > 0 {
		b.WriteString("…")
	}
	pos := from
	for _, m := range marks {
		if m.start < pos || m.end > to || m.start >= m.end {
			continue
		}
		b.WriteString(html.EscapeString(text[pos:m.start]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[m.start:m.end]))
		b.WriteString("</mark>")
		pos = m.end
	}
	b.WriteString(html.EscapeString(text[pos:to]))
	if to < len(text) {
		b.WriteString("…")
	}
	return b.String()
}

// foldedOffsets maps each byte offset of the accent-folded text that the
// analyzers saw to the offset in the original text: "café" folds to "cafe",
// one byte shorter, and the positions Bleve reports are in the folded text.
func foldedOffsets(text string) []int {
	fold := asciifolding.New()
	out := make([]int, 0, len(text)+1)
	var buf [utf8.UTFMax]byte
	for i, r := range text {
		if r < utf8.RuneSelf { // ASCII folds to itself
			out = append(out, i)
			continue
		}
		n := utf8.EncodeRune(buf[:], r)
		for range len(fold.Filter(buf[:n])) {
			out = append(out, i)
		}
	}
	return append(out, len(text))
}
