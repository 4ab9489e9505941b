package searchtest

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/analysis/lang/nl"
	"github.com/blevesearch/bleve/v2/registry"

	"github.com/verken/verken/data"
	"github.com/verken/verken/directory"
)

// The free text, as every engine promises it: each word of the text must
// match (AND); a word matches a supplier whose searchable text holds it
// with accents folded and case ignored, or holds a word of the same Dutch
// (Snowball) or French (light) stem; a word of five letters or more
// also matches a word one edit away (two from nine letters) when no
// supplier holds it as typed; and the last word, of three letters or more,
// also matches the words it starts.
//
// Stemmers, typo tolerance and scoring make an exact oracle as complex as
// the engine, so the suite checks the text from both sides instead:
//
//   - found (recall): a supplier whose searchable text holds every word as
//     a whole word — or, for a word with a typo no supplier holds, one
//     substitution away; for the last word, a word it starts — must match;
//   - related (precision): every supplier that matches must hold, for each
//     word, a word that is equal, has the same Dutch or French stem, is
//     within the word's edits (counting a swap of two letters as one), or,
//     for the last word, starts with it.
//
// The set of suppliers the text matches, checked so, is then taken as the
// text's answer, and everything else (filters, facets, totals, orders) is
// checked exactly against the brute force over that set.

// searchableText is what the free text searches: the name, the
// description, the names (Dutch, French, English) and other words
// (data/tasks/synonyms.tsv) of the tasks offered and the labels of their
// CPV codes, the kind's names and words (data/kinds.tsv), the recognitions'
// types and the kinds they name, and the sites' municipalities (Dutch and
// French name, former names), postcodes and the places they cover.
func searchableText(s *directory.Supplier, g *data.Gazetteer, tx *data.Taxonomy) []string {
	out := []string{s.Name, s.Description}
	kind := func(k string) {
		if w, ok := tx.Kind(k); ok {
			out = append(append(out, w.Name.NL, w.Name.FR, w.Name.EN), w.Also...)
		}
	}
	kind(string(s.Kind))
	for _, r := range s.Recognitions {
		out = append(out, r.Type)
		kind(r.Type)
	}
	for _, of := range s.Offers {
		t, ok := tx.Task(of.Task)
		if !ok {
			continue
		}
		out = append(out, t.Name.NL, t.Name.FR, t.Name.EN)
		out = append(out, t.Also...)
		for _, code := range t.CPV {
			if c, ok := tx.CPV(code); ok {
				out = append(out, c.Label.NL, c.Label.FR, c.Label.EN)
			}
		}
	}
	for _, st := range s.Sites {
		if m, ok := g.Municipality(st.Municipality); ok {
			out = append(out, m.Name.NL, m.Name.FR)
			out = append(out, m.FormerNames...)
		}
		if pc, ok := g.Postcode(st.Postcode); ok {
			out = append(out, pc.Code)
			for _, p := range pc.Places {
				out = append(out, p.Name)
			}
		}
	}
	return out
}

// supplierWords are a supplier's words in the forms the text compares.
type supplierWords struct {
	// whole are the words that any tokenizer splits out alike: runs of
	// letters between spaces, punctuation and hyphens, folded and
	// lower-cased; a query of them must find the supplier.
	whole map[string]bool
	// loose are every form a tokenizer might make of the text — runs of
	// letters and digits, and whole space-separated chunks — with their
	// stems: a match must be related to one of them.
	loose []form
}

// form is a word with its Dutch and French stems.
type form struct{ plain, nl, fr string }

var (
	folding    = asciifolding.New()
	dutchStem  = nl.NewDutchStemmerFilter()
	frenchStem = fr.NewFrenchLightStemmerFilter()
	stopWords  = mustStopWords()
	// stemmedForm caches stems; stemMu guards it and the filters, which
	// suites of several engines may share from parallel tests.
	stemmedForm = map[string]form{}
	stemMu      sync.Mutex
)

// mustStopWords are the Dutch and French stop words: a query of them may
// be dropped rather than matched, so the suite does not ask for them.
func mustStopWords() map[string]bool {
	out := map[string]bool{}
	for _, load := range []func(map[string]interface{}, *registry.Cache) (analysis.TokenMap, error){nl.TokenMapConstructor, fr.TokenMapConstructor} {
		m, err := load(nil, nil)
		if err != nil {
			panic(err)
		}
		for w := range m {
			out[w] = true
		}
	}
	return out
}

// fold folds accents and lower-cases, as every engine compares words.
func fold(s string) string { return strings.ToLower(string(folding.Filter([]byte(s)))) }

// stems gives a word's stems; cached, since the same words recur in every
// supplier.
func stems(w string) form {
	stemMu.Lock()
	defer stemMu.Unlock()
	if f, ok := stemmedForm[w]; ok {
		return f
	}
	stem := func(f analysis.TokenFilter) string {
		ts := f.Filter(analysis.TokenStream{{Term: []byte(w)}})
		if len(ts) == 0 {
			return ""
		}
		return string(ts[0].Term)
	}
	f := form{plain: w, nl: stem(dutchStem), fr: stem(frenchStem)}
	stemmedForm[w] = f
	return f
}

func wordsOf(texts []string) supplierWords {
	out := supplierWords{whole: map[string]bool{}}
	seen := map[string]bool{}
	add := func(w string) {
		if w != "" && !seen[w] {
			seen[w] = true
			out.loose = append(out.loose, stems(w))
		}
	}
	for _, text := range texts {
		text = fold(text)
		for _, chunk := range strings.Fields(text) {
			add(strings.TrimFunc(chunk, unicode.IsPunct))
			for _, part := range strings.FieldsFunc(chunk, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
				add(part)
			}
			for _, part := range strings.Split(strings.TrimFunc(chunk, unicode.IsPunct), "-") {
				if part != "" && strings.IndexFunc(part, func(r rune) bool { return !unicode.IsLetter(r) }) < 0 {
					out.whole[part] = true
				}
			}
		}
	}
	return out
}

// fuzz is how many edits a word tolerates.
func fuzz(w string) int {
	switch n := utf8.RuneCountInString(w); {
	case n >= 9:
		return 2
	case n >= 5:
		return 1
	}
	return 0
}

// related reports whether a supplier's word f may match query word w.
func related(w form, f form, last bool) bool {
	return w.plain == f.plain || w.nl != "" && w.nl == f.nl || w.fr != "" && w.fr == f.fr ||
		withinEdits(w.plain, f.plain, fuzz(w.plain)) ||
		last && utf8.RuneCountInString(w.plain) >= 3 && strings.HasPrefix(f.plain, w.plain)
}

// queryWord is a word of a text query with what the oracle knows of it.
type queryWord struct {
	form
	// typo: changed from a word suppliers hold into one none holds, which
	// must then find the holders of the words one substitution away.
	typo bool
}

// found reports whether a supplier's whole words must make it match.
func (sw supplierWords) found(words []queryWord) bool {
	for i, w := range words {
		last := i == len(words)-1
		ok := sw.whole[w.plain]
		for h := range sw.whole {
			if ok {
				break
			}
			ok = w.typo && oneSubstitution(w.plain, h) || last && strings.HasPrefix(h, w.plain)
		}
		if !ok {
			return false
		}
	}
	return true
}

// relatedAll reports whether every word is related to one of the
// supplier's words.
func (sw supplierWords) relatedAll(words []queryWord) bool {
	for i, w := range words {
		last := i == len(words)-1
		ok := false
		for _, f := range sw.loose {
			if ok = related(w.form, f, last); ok {
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

func oneSubstitution(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	if len(ra) != len(rb) {
		return false
	}
	diff := 0
	for i := range ra {
		if ra[i] != rb[i] {
			diff++
		}
	}
	return diff == 1
}

// withinEdits reports whether a and b are at most n edits apart, counting
// an insertion, a deletion, a substitution or a swap of two neighbours as
// one (so that an engine counting either way passes).
func withinEdits(a, b string, n int) bool {
	if n == 0 {
		return a == b
	}
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > n || -d > n {
		return false
	}
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)] <= n
}
