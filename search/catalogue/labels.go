package catalogue

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/verken/verken/data"
	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/fuzzy"
)

// What a task is called — its names in three languages, the other words
// buyers use for it (data/tasks/synonyms.tsv) and the labels of its CPV
// codes in three languages — and what a supplier kind is called
// (data/kinds.tsv) are most of the words of a supplier's text, and the same
// for every supplier that offers the task or is of the kind. Written into
// every supplier's document, those words were two thirds of what Bleve
// analysed, counted and wrote for 100,000 suppliers, and a common word
// walked the postings of every supplier of the task three times over
// (Dutch stem, French stem, word prefix). Instead a word of the free text
// is matched against the 64 tasks' and the kinds' own words here, at query
// time, by the same rules as a document's words, and the suppliers of each
// task or kind it names are the catalogue's set of them (the task's facet
// value; the kind's namedKinds), which the text's words then combine with
// what Bleve found in names and descriptions (walkText).

// labelWords are the words of one task's or kind's names in the forms the
// free text compares.
type labelWords struct {
	task, kind int             // the task's ordinal or the kind's (directory.Kinds); -1 for the other
	nl, fr     map[string]bool // stems
	plain      []string        // folded words, sorted, for prefixes and typos
}

// labels holds every task's and kind's words.
type labels []labelWords

// taskLabelText is what a task is called, every name buyers use.
func taskLabelText(tx *data.Taxonomy, t data.TaskType) []string {
	out := append([]string{t.Name.NL, t.Name.FR, t.Name.EN}, t.Also...)
	for _, code := range t.CPV {
		if c, ok := tx.CPV(code); ok {
			out = append(out, c.Label.NL, c.Label.FR, c.Label.EN)
		}
	}
	return out
}

// kindLabelText is what a supplier kind is called.
func kindLabelText(k data.KindWords) []string {
	return append([]string{k.Name.NL, k.Name.FR, k.Name.EN}, k.Also...)
}

// newLabels analyses every task's and kind's words with the mapping's
// analyzers, those the document's text fields use; taskOrd gives a task's
// ordinal.
func newLabels(m mapping.IndexMapping, tx *data.Taxonomy, taskOrd map[string]int) labels {
	var out labels
	for _, t := range tx.Tasks() {
		if i, ok := taskOrd[t.ID]; ok {
			out = append(out, newLabelWords(m, i, -1, taskLabelText(tx, t)))
		}
	}
	for _, k := range tx.KindsWords() {
		if i := slices.Index(directory.Kinds, directory.Kind(k.Kind)); i >= 0 {
			out = append(out, newLabelWords(m, -1, i, kindLabelText(k)))
		}
	}
	return out
}

func newLabelWords(m mapping.IndexMapping, task, kind int, texts []string) labelWords {
	nl, fr, plain := m.AnalyzerNamed(DutchFolded), m.AnalyzerNamed(FrenchFolded), m.AnalyzerNamed(plainFolded)
	tw := labelWords{task: task, kind: kind, nl: map[string]bool{}, fr: map[string]bool{}}
	for _, text := range texts {
		for _, tok := range nl.Analyze([]byte(text)) {
			tw.nl[string(tok.Term)] = true
		}
		for _, tok := range fr.Analyze([]byte(text)) {
			tw.fr[string(tok.Term)] = true
		}
		for _, tok := range plain.Analyze([]byte(text)) {
			tw.plain = append(tw.plain, string(tok.Term))
		}
	}
	slices.Sort(tw.plain)
	tw.plain = slices.Compact(tw.plain)
	return tw
}

// labelMatch is a task or kind one word of the text names (its index in
// labels), with the weight of the best way it does: as the document's text
// fields weigh a stem (1), a prefix (0.6) and a typo (0.4).
type labelMatch struct {
	at    int
	boost float64
}

// holds reports whether a label's words hold w as typed.
func (tw *labelWords) holds(w string) bool {
	_, ok := slices.BinarySearch(tw.plain, w)
	return ok
}

// named returns the labels the word names: by its Dutch or French stem,
// as the start of a word when it is the last, or a typo away when it is
// not spelled as any supplier holds it.
func (tl labels) named(t term) []labelMatch {
	var out []labelMatch
	for i := range tl {
		tw := &tl[i]
		boost := 0.0
		switch {
		case t.nl != "" && tw.nl[t.nl] || t.fr != "" && tw.fr[t.fr]:
			boost = 1
		case t.prefix && tw.hasPrefix(t.plain):
			boost = 0.6
		case t.fuzz > 0 && tw.withinEdits(t.plain, t.fuzz):
			boost = 0.4
		}
		if boost > 0 {
			out = append(out, labelMatch{i, boost})
		}
	}
	return out
}

func (tw *labelWords) hasPrefix(p string) bool {
	i, _ := slices.BinarySearch(tw.plain, p)
	return i < len(tw.plain) && strings.HasPrefix(tw.plain[i], p)
}

// withinEdits: Bleve's fuzzy query counts insertions, deletions and
// substitutions (no swaps). Words whose lengths differ by more than the
// edits are passed over first: the distance itself allocates its runes.
func (tw *labelWords) withinEdits(w string, edits int) bool {
	n := utf8.RuneCountInString(w)
	for _, p := range tw.plain {
		if d := utf8.RuneCountInString(p) - n; d > edits || -d > edits {
			continue
		}
		if fuzzy.Distance(w, p, edits, false) <= edits {
			return true
		}
	}
	return false
}

// suppliers returns the catalogue's set of the suppliers a label stands
// for: those with an offer of the task, or those of (or recognised as) the
// kind. The set is the catalogue's: do not change it.
func (tw *labelWords) suppliers(f *facts, c *catalogue) *indexedSet {
	if tw.task >= 0 {
		return &c.values[f.facetBase[filterTask]+tw.task]
	}
	return &c.namedKinds[tw.kind]
}
