package search

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/verken/verken/data"
	"github.com/verken/verken/directory"
)

// Paging limits.
const (
	DefaultPerPage = 20
	MaxPerPage     = 100
	maxText        = 500
)

// Query is what a buyer asks. Values within one filter are alternatives
// (OR); filters combine with AND. Place filters accept what people type —
// a NIS code, a postcode, a current or former name — and Resolve turns them
// into codes.
type Query struct {
	Text            string
	Tasks           []string
	Kinds           []string
	Municipalities  []string
	Arrondissements []string
	Provinces       []string
	Page            int // from 1
	PerPage         int
}

// ParamError says which parameter of a query is wrong and why.
type ParamError struct {
	Param  string `json:"param"`
	Value  string `json:"value,omitempty"`
	Code   string `json:"code"`
	Reason string `json:"reason"`
}

func (e *ParamError) Error() string {
	return fmt.Sprintf("parameter %s: %s", e.Param, e.Reason)
}

// Resolve checks q against the reference tables and replaces place names
// by codes. It returns a *ParamError for the first wrong parameter.
func (q *Query) Resolve(places *data.Gazetteer, tasks *data.Taxonomy) error {
	q.Text = strings.TrimSpace(q.Text)
	if len(q.Text) > maxText {
		return &ParamError{Param: "q", Code: "too_long", Reason: fmt.Sprintf("is longer than %d characters", maxText)}
	}
	for _, t := range q.Tasks {
		if _, ok := tasks.Task(t); !ok {
			return &ParamError{Param: "task", Value: t, Code: "unknown_task", Reason: fmt.Sprintf("%q is not a task type", t)}
		}
	}
	for _, k := range q.Kinds {
		if !directory.Kind(k).Valid() {
			return &ParamError{Param: "kind", Value: k, Code: "unknown_kind", Reason: fmt.Sprintf("%q is not a supplier kind", k)}
		}
	}
	for i, m := range q.Municipalities {
		mm, ok := places.ResolveMunicipality(m)
		if !ok {
			return &ParamError{Param: "municipality", Value: m, Code: "unknown_municipality", Reason: fmt.Sprintf("%q is not a Flemish or Brussels municipality or postcode", m)}
		}
		q.Municipalities[i] = mm.NIS
	}
	for i, a := range q.Arrondissements {
		aa, ok := places.ResolveArrondissement(a)
		if !ok {
			return &ParamError{Param: "arrondissement", Value: a, Code: "unknown_arrondissement", Reason: fmt.Sprintf("%q is not an arrondissement", a)}
		}
		q.Arrondissements[i] = aa.Code
	}
	for i, p := range q.Provinces {
		pp, ok := places.ResolveProvince(p)
		if !ok {
			return &ParamError{Param: "province", Value: p, Code: "unknown_province", Reason: fmt.Sprintf("%q is not a province", p)}
		}
		q.Provinces[i] = pp.Code
	}
	if q.Page == 0 {
		q.Page = 1
	}
	if q.Page < 1 || q.Page > 10000 {
		return &ParamError{Param: "page", Code: "range", Reason: "must lie between 1 and 10000"}
	}
	if q.PerPage == 0 {
		q.PerPage = DefaultPerPage
	}
	if q.PerPage < 1 || q.PerPage > MaxPerPage {
		return &ParamError{Param: "per_page", Code: "range", Reason: fmt.Sprintf("must lie between 1 and %d", MaxPerPage)}
	}
	return nil
}

// FacetValue is one value of a facet with the number of matching suppliers.
type FacetValue struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// Result is a page of hits with the total and the facet counts.
type Result struct {
	Total   uint64                  `json:"total"`
	Page    int                     `json:"page"`
	PerPage int                     `json:"per_page"`
	Hits    []Hit                   `json:"hits"`
	Facets  map[string][]FacetValue `json:"facets"`
}

// Facet names.
const (
	FacetKind     = "kind"
	FacetTask     = "task"
	FacetProvince = "province"
)

var facetFields = map[string]string{FacetKind: fieldKind, FacetTask: fieldTasks, FacetProvince: fieldProvince}

// Search runs a resolved query.
func (x *Index) Search(q Query) (*Result, error) {
	x.rw.RLock()
	defer x.rw.RUnlock()
	if x.bleve == nil {
		return nil, ErrClosed
	}
	bq, err := x.buildQuery(q)
	if err != nil {
		return nil, err
	}
	req := bleve.NewSearchRequestOptions(bq, q.PerPage, (q.Page-1)*q.PerPage, false)
	req.Fields = []string{fieldHit}
	if q.Text == "" {
		req.SortBy([]string{fieldNameSort, "_id"})
	} else {
		req.SortBy([]string{"-_score", fieldNameSort, "_id"})
	}
	for name, field := range facetFields {
		req.AddFacet(name, bleve.NewFacetRequest(field, 100))
	}
	res, err := x.bleve.Search(req)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	out := &Result{Total: res.Total, Page: q.Page, PerPage: q.PerPage, Hits: make([]Hit, 0, len(res.Hits)), Facets: map[string][]FacetValue{}}
	for _, h := range res.Hits {
		hit, err := decodeHit(h)
		if err != nil {
			return nil, err
		}
		out.Hits = append(out.Hits, hit)
	}
	for name, fr := range res.Facets {
		values := []FacetValue{}
		if fr.Terms != nil {
			for _, t := range fr.Terms.Terms() {
				values = append(values, FacetValue{Value: t.Term, Count: t.Count})
			}
		}
		sort.SliceStable(values, func(i, j int) bool {
			if values[i].Count != values[j].Count {
				return values[i].Count > values[j].Count
			}
			return values[i].Value < values[j].Value
		})
		out.Facets[name] = values
	}
	return out, nil
}

func decodeHit(h *search.DocumentMatch) (Hit, error) {
	raw, _ := h.Fields[fieldHit].(string)
	var hit Hit
	if err := json.Unmarshal([]byte(raw), &hit); err != nil {
		return Hit{}, fmt.Errorf("hit %s: %w", h.ID, err)
	}
	if h.Score == h.Score { // not NaN
		hit.Score = h.Score
	}
	return hit, nil
}

func (x *Index) buildQuery(q Query) (query.Query, error) {
	var must []query.Query
	if q.Text != "" {
		tq, err := x.textQuery(q.Text)
		if err != nil {
			return nil, err
		}
		if tq != nil {
			must = append(must, tq)
		}
	}
	for _, f := range []struct {
		field  string
		values []string
	}{
		{fieldTasks, q.Tasks}, {fieldKind, q.Kinds}, {fieldMunicipality, q.Municipalities},
		{fieldArrondissement, q.Arrondissements}, {fieldProvince, q.Provinces},
	} {
		if len(f.values) > 0 {
			must = append(must, anyOf(f.field, f.values))
		}
	}
	if len(must) == 0 {
		return bleve.NewMatchAllQuery(), nil
	}
	return bleve.NewConjunctionQuery(must...), nil
}

// anyOf matches documents whose keyword field holds one of the values.
func anyOf(field string, values []string) query.Query {
	terms := make([]query.Query, len(values))
	for i, v := range values {
		t := bleve.NewTermQuery(v)
		t.SetField(field)
		terms[i] = t
	}
	return bleve.NewDisjunctionQuery(terms...)
}

// textFields are searched by free text, with their weights.
var textFields = []struct {
	name  string
	boost float64
}{{fieldName, 3}, {fieldTaskLabels, 2}, {fieldPlaceNames, 1.5}, {fieldDescription, 1}}

// textQuery requires every word of the text to appear in at least one of the
// text fields, so "schoonmaak gent" finds cleaners in Ghent. Words that the
// analyzer drops (stop words) are left out rather than matching nothing.
func (x *Index) textQuery(text string) (query.Query, error) {
	analyzer := x.bleve.Mapping().AnalyzerNamed(DutchFolded)
	if analyzer == nil {
		return nil, fmt.Errorf("analyzer %s missing", DutchFolded)
	}
	var words []query.Query
	for _, w := range strings.Fields(text) {
		if len(analyzer.Analyze([]byte(w))) == 0 {
			continue
		}
		var fields []query.Query
		for _, f := range textFields {
			m := bleve.NewMatchQuery(w)
			m.SetField(f.name)
			m.Analyzer = DutchFolded
			m.SetBoost(f.boost)
			fields = append(fields, m)
		}
		words = append(words, bleve.NewDisjunctionQuery(fields...))
	}
	if len(words) == 0 {
		return nil, nil
	}
	return bleve.NewConjunctionQuery(words...), nil
}
