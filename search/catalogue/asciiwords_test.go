package catalogue

import (
	"fmt"
	"github.com/blevesearch/bleve/v2/analysis"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/verken/verken/data"
	"github.com/verken/verken/internal/testenv"
)

// asciiWords and lowerASCII split and lower-case ASCII as the plain
// analyzer of the index does (Bleve's folding, Unicode tokenizer and
// lower-casing), and asciiTokens as the text splitter of the bulk
// documents does: the same words at the same places, numbered and typed
// alike, on random texts over the characters whose word-break rules differ
// and on the demo set's names and descriptions.
func TestASCIIWordsAsBleve(t *testing.T) {
	m, err := newMapping()
	if err != nil {
		t.Fatal(err)
	}
	plain := m.AnalyzerNamed(plainFolded)
	bleveWords := func(text string) []string {
		var out []string
		for _, tok := range plain.Analyze([]byte(text)) {
			out = append(out, fmt.Sprintf("%s@%d-%d", tok.Term, tok.Start, tok.End))
		}
		return out
	}
	ourWords := func(text string) []string {
		var out []string
		asciiWords(text, func(start, end int) {
			out = append(out, fmt.Sprintf("%s@%d-%d", lowerASCII(nil, text[start:end]), start, end))
		})
		return out
	}
	var texts []string
	const alphabet = "aZx09_:,;.'\" -\t\n#@/()&!?"
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		b := make([]byte, 1+r.IntN(12))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		texts = append(texts, string(b))
	}
	ascii := 0
	g, tx := testenv.Tables(t)
	for _, s := range data.GenerateDemoFrom(1, 1, 2000, testenv.Reference, g, tx) {
		for _, text := range []string{s.Name, s.Description} {
			if isASCII(text) {
				texts = append(texts, text)
				ascii++
			}
		}
	}
	if ascii < 1000 {
		t.Fatalf("only %d of the demo set's texts are ASCII", ascii)
	}
	split, err := newTextSplitter(m)
	if err != nil {
		t.Fatal(err)
	}
	tokens := func(ts analysis.TokenStream) []string {
		var out []string
		for _, tok := range ts {
			out = append(out, fmt.Sprintf("%s@%d-%d#%d:%d", tok.Term, tok.Start, tok.End, tok.Position, tok.Type))
		}
		return out
	}
	for _, text := range texts {
		if !isASCII(text) {
			t.Fatalf("%q is not ASCII", text)
		}
		if want, got := bleveWords(text), ourWords(text); !slices.Equal(want, got) {
			t.Fatalf("%q: Bleve finds %q, asciiWords %q", text, want, got)
		}
		// The bulk documents' tokens: position and type too.
		b := []byte(text)
		if want, got := tokens(split.a.Tokenizer.Tokenize(split.a.CharFilters[0].Filter(b))), tokens(asciiTokens(b)); !slices.Equal(want, got) {
			t.Fatalf("%q: Bleve's tokenizer gives %q, asciiTokens %q", text, want, got)
		}
	}
}
