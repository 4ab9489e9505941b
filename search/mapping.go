// Package search finds suppliers: a Bleve index for free text, and an
// in-memory catalogue for the structured filters, the facets and the sorts.
// Both follow the store's change feed and can always be rebuilt from it.
package search

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
const MappingVersion = "4"

// Analyzers. Bleve's own Dutch and French analyzers keep accents, so "cafe"
// would not find "café"; ours fold them first.
const (
	DutchFolded  = "nl_folded"
	FrenchFolded = "fr_folded"
	// plainFolded only folds and lower-cases: the form that fuzzy and
	// prefix terms are compared with.
	plainFolded = "plain_folded"
)

// Field names of a supplier document.
const (
	fieldName          = "name"
	fieldDescription   = "description"
	fieldDescriptionFR = "description_fr"
	fieldTaskLabels    = "task_labels"
	fieldTaskLabelsFR  = "task_labels_fr"
	fieldPlaceNames    = "place_names"
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

	text := func(analyzer string, vectors bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = analyzer
		f.Store = false
		f.IncludeTermVectors = vectors
		f.IncludeInAll = false
		f.DocValues = false
		return f
	}
	doc := bleve.NewDocumentStaticMapping()
	// Term vectors on name and description give the positions that the
	// result list highlights.
	doc.AddFieldMappingsAt(fieldName, text(DutchFolded, true))
	doc.AddFieldMappingsAt(fieldDescription, text(DutchFolded, true))
	doc.AddFieldMappingsAt(fieldDescriptionFR, text(FrenchFolded, true))
	doc.AddFieldMappingsAt(fieldTaskLabels, text(DutchFolded, false))
	doc.AddFieldMappingsAt(fieldTaskLabelsFR, text(FrenchFolded, false))
	doc.AddFieldMappingsAt(fieldPlaceNames, text(plainFolded, false))

	im.DefaultMapping = doc
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false
	return im, nil
}
