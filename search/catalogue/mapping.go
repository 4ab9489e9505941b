// Package catalogue is Verken's search engine behind the search.Engine
// seam: a Bleve index for free text, and an in-memory catalogue of every
// supplier (value sets, offer slots, a geo grid) for the structured
// filters, the facets and the sorts. Both follow the store's change feed
// and can always be rebuilt from it.
package catalogue

import (
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/analysis/lang/nl"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
)

// MappingVersion changes whenever the mapping or the documents change shape;
// an index of another version is rebuilt at start-up.
const MappingVersion = "8"

// Analyzers. Bleve's own Dutch and French analyzers keep accents, so "cafe"
// would not find "café"; ours fold them first.
const (
	DutchFolded  = "nl_folded"
	FrenchFolded = "fr_folded"
	// plainFolded only folds and lower-cases: the form that fuzzy and
	// prefix terms are compared with.
	plainFolded = "plain_folded"
)

// Field names of a supplier document. Free text searches few fields, each
// a fixed cost per word: the name, which weighs most; all text, stemmed in
// Dutch; the French text, stemmed in French; all words unstemmed, for
// typos and prefixes. The names of its tasks and kinds are matched
// against the catalogue (labels.go).
const (
	fieldName   = "name"
	fieldText   = "text"
	fieldTextFR = "text_fr"
	fieldWords  = "words"
)

func newMapping() (*mapping.IndexMappingImpl, error) {
	im := bleve.NewIndexMapping()
	for name, filters := range map[string][]string{
		DutchFolded:  {lowercase.Name, nl.StopName, nl.SnowballStemmerName},
		FrenchFolded: {fr.ElisionName, lowercase.Name, fr.StopName, fr.LightStemmerName},
		plainFolded:  {lowercase.Name},
	} {
		err := im.AddCustomAnalyzer(name, map[string]interface{}{
			"type":          custom.Name,
			"char_filters":  []string{asciifolding.Name},
			"tokenizer":     unicode.Name,
			"token_filters": filters,
		})
		if err != nil {
			return nil, err
		}
	}
	im.DefaultAnalyzer = DutchFolded

	text := func(analyzer string) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzer
		f.Store = false
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	doc := bleve.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt(fieldName, text(DutchFolded))
	doc.AddFieldMappingsAt(fieldText, text(DutchFolded))
	doc.AddFieldMappingsAt(fieldTextFR, text(FrenchFolded))
	doc.AddFieldMappingsAt(fieldWords, text(plainFolded))

	im.DefaultMapping = doc
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false
	return im, nil
}
