// Package blevenative is a second implementation of the search.Engine
// seam in which Bleve does the work the catalogue does in memory: every
// supplier is one document with its offers, sites and reserved-contract
// periods as nested documents, so that a conjunction over offer fields
// holds for one and the same offer (the correlation rule); the filters are
// Bleve queries, the facets are counted by facet builders in Bleve's
// collector (one search per active filter for the disjunctive counts),
// "near" is a geo_distance query, and most sorts are Bleve sorts. What a
// result row shows is kept in memory beside the index, as search.Hit
// promises. Like the catalogue it follows the store's change feed and can
// always be rebuilt from the store.
package blevenative

import (
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/analysis/lang/nl"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
)

// MappingVersion changes whenever the mapping or the documents change shape;
// an index of another version is rebuilt at start-up.
const MappingVersion = "bn2"

// Analyzers, as in search/catalogue: Bleve's own Dutch and French
// analyzers keep accents, so "cafe" would not find "café"; ours fold them
// first.
const (
	DutchFolded  = "nl_folded"
	FrenchFolded = "fr_folded"
	plainFolded  = "plain_folded"
)

// Fields of a supplier document. The text fields are those of
// search/catalogue; the others are keywords and numbers for the filters,
// facets and sorts.
const (
	fieldName   = "name"
	fieldText   = "text"
	fieldTextFR = "text_fr"
	fieldWords  = "words"

	// fDoc marks the supplier documents, beside their nested ones: a
	// search without words or filters asks for it rather than for every
	// document, nested ones included.
	fDoc       = "doc"
	fKind      = "kind"
	fSector    = "sector"
	fTarget    = "target_group"
	fCoop      = "cooperation"
	fMun       = "municipality"
	fArr       = "arrondissement"
	fProv      = "province"
	fRegion    = "region"
	fConfirmed = "confirmed" // day number
	fUpdated   = "updated"   // zero-padded unix nanoseconds
	fNameKey   = "namekey"   // hex of the Dutch collation key
	fFTE       = "fte"       // free FTE of all offers
	// What any offer has, for the offer facets of a search without offer
	// filters.
	fAnyTask     = "any_task"
	fAnyGroup    = "any_group"
	fAnyFTE      = "any_fte"      // the largest
	fAnyLead     = "any_lead"     // the shortest
	fAnyContract = "any_contract" // the largest
	fAnyClient   = "any_client"
	fAnyTransit  = "any_transit" // the best class
	fAnyFrom     = "any_from"    // the earliest day

	nOffers   = "offers"
	nSites    = "sites"
	nReserved = "reserved"

	oTask     = "offers.task"
	oGroup    = "offers.group"
	oFTE      = "offers.fte"
	oLead     = "offers.lead"
	oContract = "offers.contract"
	oClient   = "offers.client"
	oTransit  = "offers.transit"
	oFrom     = "offers.from"
	oServes   = "offers.serves" // NIS codes, "*" for anywhere

	sGeo = "sites.geo"

	rFrom = "reserved.from"
	rTo   = "reserved.to"
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
	kw := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = false
		f.IncludeTermVectors = false
		f.IncludeInAll = false
		f.DocValues = true
		return f
	}
	num := func() *mapping.FieldMapping {
		f := bleve.NewNumericFieldMapping()
		f.Store = false
		f.IncludeInAll = false
		f.DocValues = true
		return f
	}
	doc := bleve.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt(fieldName, text(DutchFolded))
	doc.AddFieldMappingsAt(fieldText, text(DutchFolded))
	doc.AddFieldMappingsAt(fieldTextFR, text(FrenchFolded))
	doc.AddFieldMappingsAt(fieldWords, text(plainFolded))
	for _, f := range []string{fDoc, fKind, fSector, fTarget, fCoop, fMun, fArr, fProv, fRegion, fUpdated, fNameKey, fAnyTask, fAnyGroup, fAnyClient} {
		doc.AddFieldMappingsAt(f, kw())
	}
	for _, f := range []string{fConfirmed, fFTE, fAnyFTE, fAnyLead, fAnyContract, fAnyTransit, fAnyFrom} {
		doc.AddFieldMappingsAt(f, num())
	}

	offers := bleve.NewNestedDocumentMapping()
	offers.Dynamic = false
	for _, f := range []string{"task", "group", "client", "serves"} {
		offers.AddFieldMappingsAt(f, kw())
	}
	for _, f := range []string{"fte", "lead", "contract", "transit", "from"} {
		offers.AddFieldMappingsAt(f, num())
	}
	doc.AddSubDocumentMapping(nOffers, offers)

	sites := bleve.NewNestedDocumentMapping()
	sites.Dynamic = false
	geo := bleve.NewGeoPointFieldMapping()
	geo.Store = false
	geo.IncludeInAll = false
	sites.AddFieldMappingsAt("geo", geo)
	doc.AddSubDocumentMapping(nSites, sites)

	reserved := bleve.NewNestedDocumentMapping()
	reserved.Dynamic = false
	reserved.AddFieldMappingsAt("from", num())
	reserved.AddFieldMappingsAt("to", num())
	doc.AddSubDocumentMapping(nReserved, reserved)

	im.DefaultMapping = doc
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false
	return im, nil
}
