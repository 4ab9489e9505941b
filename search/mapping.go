// Package search keeps the Bleve index of suppliers: its mapping and
// analyzers, the indexer that follows the store's change feed, and the
// queries and facets buyers use. The index is disposable: it can always be
// rebuilt from the store.
package search

import (
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/blevesearch/bleve/v2/analysis/lang/nl"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
)

// MappingVersion changes whenever the mapping or the documents change shape;
// an index of another version is rebuilt at start-up.
const MappingVersion = "3"

// DutchFolded is the analyzer for Dutch text: accents folded (Bleve's Dutch
// analyzer keeps them, so "café" would not find "cafe"), lower case, Dutch
// stop words removed, Snowball-stemmed.
const DutchFolded = "nl_folded"

// Field names of a supplier document.
const (
	fieldName           = "name"
	fieldNameSort       = "name_sort"
	fieldDescription    = "description"
	fieldTaskLabels     = "task_labels"
	fieldPlaceNames     = "place_names"
	fieldKind           = "kind"
	fieldSector         = "sector"
	fieldMunicipality   = "municipality"
	fieldArrondissement = "arrondissement"
	fieldProvince       = "province"
	fieldRegion         = "region"
	fieldTasks          = "tasks"
	fieldTaskGroups     = "task_groups"
	fieldFreeFTE        = "free_fte"
	fieldUpdatedAt      = "updated_at"
	fieldConfirmedAt    = "confirmed_at"
	fieldLocation       = "location"
	fieldDemo           = "demo"
	// fieldHit is stored, not indexed: the JSON a result row needs, so that
	// a result page costs no reads from the store.
	fieldHit = "hit"
)

func newMapping() (*mapping.IndexMappingImpl, error) {
	im := bleve.NewIndexMapping()
	err := im.AddCustomAnalyzer(DutchFolded, map[string]interface{}{
		"type":          custom.Name,
		"char_filters":  []string{asciifolding.Name},
		"tokenizer":     unicode.Name,
		"token_filters": []string{lowercase.Name, nl.StopName, nl.SnowballStemmerName},
	})
	if err != nil {
		return nil, err
	}
	im.DefaultAnalyzer = DutchFolded

	text := func(vectors bool) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = DutchFolded
		f.Store = false
		f.IncludeTermVectors = vectors
		f.DocValues = false
		return f
	}
	kw := func() *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = false
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		return f
	}
	num := func() *mapping.FieldMapping {
		f := bleve.NewNumericFieldMapping()
		f.Store = false
		f.IncludeInAll = false
		return f
	}
	date := func() *mapping.FieldMapping {
		f := bleve.NewDateTimeFieldMapping()
		f.Store = false
		f.IncludeInAll = false
		return f
	}

	doc := bleve.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt(fieldName, text(true))
	doc.AddFieldMappingsAt(fieldDescription, text(true))
	doc.AddFieldMappingsAt(fieldTaskLabels, text(false))
	doc.AddFieldMappingsAt(fieldPlaceNames, text(false))
	for _, f := range []string{fieldNameSort, fieldKind, fieldSector, fieldMunicipality, fieldArrondissement, fieldProvince, fieldRegion, fieldTasks, fieldTaskGroups, fieldDemo} {
		doc.AddFieldMappingsAt(f, kw())
	}
	doc.AddFieldMappingsAt(fieldFreeFTE, num())
	doc.AddFieldMappingsAt(fieldUpdatedAt, date())
	doc.AddFieldMappingsAt(fieldConfirmedAt, date())
	geo := bleve.NewGeoPointFieldMapping()
	geo.Store = false
	doc.AddFieldMappingsAt(fieldLocation, geo)
	hit := bleve.NewTextFieldMapping()
	hit.Index = false
	hit.Store = true
	hit.IncludeInAll = false
	hit.IncludeTermVectors = false
	hit.DocValues = false
	doc.AddFieldMappingsAt(fieldHit, hit)

	im.DefaultMapping = doc
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false
	return im, nil
}
