package catalogue

import (
	"fmt"
	"sync"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
)

// The text analyzers fold and split text alike (asciifolding, Unicode
// words) and differ only in their token filters, each of which works on
// one token at a time and reads only its term (stop words, elision, lower
// case, stemming): a word's form does not depend on its neighbours. So a
// text can be split once for all of them, and each word's form in each
// analyzer worked out once and remembered: the words of descriptions are
// few and recur. Highlighting and the bulk documents both do.

// wordFilters are one analyzer's token filters, run on one word at a time,
// with a memo of the outcomes.
type wordFilters struct {
	filters []analysis.TokenFilter
	mu      sync.RWMutex
	seen    map[string]filteredWord
}

// filteredWord is what the filters made of a word: its form, or nothing
// (a stop word).
type filteredWord struct {
	form []byte
	kept bool
}

// maxWordFilters bounds a memo; it starts again when full.
const maxWordFilters = 1 << 16

// splitsLikeText reports whether an analyzer folds and splits text as the
// text analyzers do, so that wordFilters give what it gives.
func splitsLikeText(a analysis.Analyzer) (*analysis.DefaultAnalyzer, bool) {
	d, ok := a.(*analysis.DefaultAnalyzer)
	if !ok || len(d.CharFilters) != 1 {
		return nil, false
	}
	_, folds := d.CharFilters[0].(*asciifolding.AsciiFoldingFilter)
	_, splits := d.Tokenizer.(*unicode.UnicodeTokenizer)
	return d, folds && splits
}

// newWordFilters takes the token filters of a text analyzer of the mapping.
func newWordFilters(m mapping.IndexMapping, name string) (*wordFilters, error) {
	d, ok := splitsLikeText(m.AnalyzerNamed(name))
	if !ok {
		return nil, fmt.Errorf("analyzer %s does not fold and split as the text analyzers do", name)
	}
	return &wordFilters{filters: d.TokenFilters, seen: map[string]filteredWord{}}, nil
}

// of returns the form of a folded word; kept is false for a stop word.
// The form is shared: do not change it.
func (w *wordFilters) of(word []byte) (form []byte, kept bool) {
	w.mu.RLock()
	f, ok := w.seen[string(word)]
	w.mu.RUnlock()
	if ok {
		return f.form, f.kept
	}
	// The filters may write the term in place: give them a copy.
	ts := analysis.TokenStream{{Term: append([]byte(nil), word...), Type: analysis.AlphaNumeric}}
	for _, fl := range w.filters {
		ts = fl.Filter(ts)
	}
	if len(ts) > 0 {
		f = filteredWord{form: ts[0].Term, kept: true}
	}
	w.mu.Lock()
	if len(w.seen) >= maxWordFilters {
		clear(w.seen)
	}
	w.seen[string(word)] = f
	w.mu.Unlock()
	return f.form, f.kept
}

// textSplitter folds and splits text as the text analyzers do, before
// their token filters: with the char filter and tokenizer of one of them.
type textSplitter struct{ a *analysis.DefaultAnalyzer }

func newTextSplitter(m mapping.IndexMapping) (textSplitter, error) {
	d, ok := splitsLikeText(m.AnalyzerNamed(plainFolded))
	if !ok {
		return textSplitter{}, fmt.Errorf("analyzer %s does not fold and split as the text analyzers do", plainFolded)
	}
	return textSplitter{d}, nil
}

func (s textSplitter) split(text []byte) analysis.TokenStream {
	if isASCII(text) { // folds to itself, and splits by a few rules
		return asciiTokens(text)
	}
	return s.a.Tokenizer.Tokenize(s.a.CharFilters[0].Filter(text))
}
