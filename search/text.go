package search

import (
	"fmt"
	"html"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
)

// textField is a field that free text searches, with its weight.
type textField struct {
	name  string
	boost float64
	loose bool // also matched with typos and, for the last word, as a prefix
}

var textFields = []textField{
	{fieldName, 3, true}, {fieldTaskLabels, 2, true}, {fieldTaskLabelsFR, 2, false},
	{fieldPlaceNames, 1.5, true}, {fieldDescription, 1, true}, {fieldDescriptionFR, 1, false},
}

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

// textQuery requires every word of the text to appear in at least one text
// field — stemmed (Dutch or French), with a typo, or, for the last word,
// which a buyer may still be typing, as the start of a word — so "schoonmaak gent" finds
// cleaners in Ghent and "groenondrhoud" finds groenonderhoud. Stop words
// are left out rather than matching nothing. Exact matches weigh most.
func (x *Index) textQuery(text string) (query.Query, error) {
	m := x.bleve.Mapping()
	stems, plain := m.AnalyzerNamed(DutchFolded), m.AnalyzerNamed(plainFolded)
	if stems == nil || plain == nil {
		return nil, fmt.Errorf("analyzers missing from the index mapping")
	}
	words := strings.Fields(text)
	var conj []query.Query
	for i, w := range words {
		if len(stems.Analyze([]byte(w))) == 0 {
			continue
		}
		var alts []query.Query
		for _, f := range textFields {
			mq := bleve.NewMatchQuery(w)
			mq.SetField(f.name)
			mq.SetBoost(f.boost)
			alts = append(alts, mq)
		}
		for _, tok := range plain.Analyze([]byte(w)) {
			term := string(tok.Term)
			fz := fuzziness(term)
			last := i == len(words)-1 && utf8.RuneCountInString(term) >= 2
			for _, f := range textFields {
				if !f.loose {
					continue
				}
				if fz > 0 {
					fq := bleve.NewFuzzyQuery(term)
					fq.SetFuzziness(fz)
					fq.SetField(f.name)
					fq.SetBoost(f.boost * 0.4)
					alts = append(alts, fq)
				}
				if last {
					pq := bleve.NewPrefixQuery(term)
					pq.SetField(f.name)
					pq.SetBoost(f.boost * 0.6)
					alts = append(alts, pq)
				}
			}
		}
		conj = append(conj, bleve.NewDisjunctionQuery(alts...))
	}
	if len(conj) == 0 {
		return nil, nil
	}
	return bleve.NewConjunctionQuery(conj...), nil
}

// textCandidates returns the suppliers that match the free text, with
// their scores. ok is false when the text holds only stop words, so that it
// filters nothing.
func (x *Index) textCandidates(text string) (cands []candidate, ok bool, err error) {
	tq, err := x.textQuery(text)
	if err != nil || tq == nil {
		return nil, false, err
	}
	n := x.cat.len()
	if n == 0 {
		return nil, true, nil
	}
	req := bleve.NewSearchRequestOptions(tq, n, 0, false)
	res, err := x.bleve.Search(req)
	if err != nil {
		return nil, true, fmt.Errorf("text search: %w", err)
	}
	cands = make([]candidate, 0, len(res.Hits))
	for _, h := range res.Hits {
		if ord, ok := x.cat.byID[h.ID]; ok {
			cands = append(cands, candidate{ord: ord, score: h.Score})
		}
	}
	return cands, true, nil
}

// highlight marks the words that matched the text in the names and
// descriptions of the given hits.
func (x *Index) highlight(text string, hits []Hit, descriptions []string) error {
	if len(hits) == 0 {
		return nil
	}
	tq, err := x.textQuery(text)
	if err != nil || tq == nil {
		return err
	}
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	req := bleve.NewSearchRequestOptions(bleve.NewConjunctionQuery(tq, bleve.NewDocIDQuery(ids)), len(ids), 0, false)
	req.IncludeLocations = true
	res, err := x.bleve.Search(req)
	if err != nil {
		return fmt.Errorf("highlight: %w", err)
	}
	byID := map[string]*search.DocumentMatch{}
	for _, h := range res.Hits {
		byID[h.ID] = h
	}
	for i := range hits {
		dm := byID[hits[i].ID]
		if dm == nil {
			continue
		}
		hits[i].NameHTML = markSpans(hits[i].Name, spans(hits[i].Name, dm.Locations, fieldName), 0)
		hits[i].DescriptionHTML = markSpans(descriptions[i], spans(descriptions[i], dm.Locations, fieldDescription, fieldDescriptionFR), snippetLength)
	}
	return nil
}

// snippetLength bounds a description in a result list, in bytes.
const snippetLength = 240

type span struct{ start, end int }

// spans lists the byte ranges in text of the matched terms in the fields,
// sorted and without overlaps.
func spans(text string, locs search.FieldTermLocationMap, fields ...string) []span {
	var out []span
	var offsets []int
	for _, f := range fields {
		for _, ls := range locs[f] {
			for _, l := range ls {
				if offsets == nil {
					offsets = foldedOffsets(text)
				}
				if int(l.End) < len(offsets) {
					out = append(out, span{offsets[l.Start], offsets[l.End]})
				}
			}
		}
	}
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
		n := utf8.EncodeRune(buf[:], r)
		for range len(fold.Filter(buf[:n])) {
			out = append(out, i)
		}
	}
	return append(out, len(text))
}
