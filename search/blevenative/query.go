package blevenative

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/geo"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/numeric"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/verken/verken/data"
	"github.com/verken/verken/directory"
	"github.com/verken/verken/search"
)

// Input limits of a query.
const (
	maxText = 500
	maxPage = 10000
)

// filter identifies one filter of a query; its facet has the name of its
// parameter.
type filter int

const (
	filterKind filter = iota
	filterSector
	filterReserved
	filterTargetGroup
	filterCooperation
	filterMunicipality
	filterArrondissement
	filterProvince
	filterRegion
	filterFresh
	filterTask
	filterTaskGroup
	filterCPV
	filterServes
	filterMinFTE
	filterAvailableBy
	filterMaxLead
	filterMinContract
	filterAtClientSite
	filterTransit
	filterCount

	firstOfferFilter = filterTask
)

var facetNames = [filterCount]string{
	filterKind: "kind", filterSector: "sector", filterReserved: "reserved", filterTargetGroup: "target_group",
	filterCooperation: "cooperation", filterMunicipality: "municipality", filterArrondissement: "arrondissement",
	filterProvince: "province", filterRegion: "region", filterFresh: "fresh", filterTask: "task",
	filterTaskGroup: "task_group", filterMinFTE: "min_fte", filterAvailableBy: "available_by",
	filterMaxLead: "max_lead_weeks", filterMinContract: "min_contract_eur", filterAtClientSite: "at_client_site",
	filterTransit: "min_transit_class",
}

var transitClasses = []string{"A", "B", "C", "D", "E", "F"}

// Thresholds offered as facet values of the range filters.
var (
	fteSteps      = []float64{0.5, 1, 2, 5, 10}
	leadSteps     = []float64{0, 2, 4, 8}
	contractSteps = []float64{25000, 50000, 100000, 250000, 500000}
	availableDays = []int{0, 28, 91}
)

type point struct {
	lat, lon float64
	ok       bool
}

// plan is a query resolved against the reference tables, with the Bleve
// query of each filter it sets.
type plan struct {
	q           search.Query
	terms       []term
	today       int32
	staleBefore int32
	from        point // where distances are measured from
	sort        string
	// clauses holds the Bleve query of every filter set; nil for the
	// others. The offer filters' clauses are joined in one conjunction,
	// which Bleve evaluates within one nested offer document.
	clauses [filterCount]query.Query
	near    query.Query

	// For the offer filters in Go (a page's matching capacity, Matches).
	tasks        [3]map[string]bool
	serves       string // NIS
	minFTE       float64
	availableBy  int32
	hasAvailable bool
	maxLead      int32
	hasMaxLead   bool
	minContract  float64
	atClientSite bool
	minTransit   uint8
}

func termQ(field, v string) query.Query {
	q := bleve.NewTermQuery(v)
	q.SetField(field)
	return q
}

func anyTerm(field string, values []string) query.Query {
	if len(values) == 1 {
		return termQ(field, values[0])
	}
	qs := make([]query.Query, len(values))
	for i, v := range values {
		qs[i] = termQ(field, v)
	}
	return bleve.NewDisjunctionQuery(qs...)
}

// numRange is lo <= field <= hi; nil for an open end.
func numRange(field string, lo, hi *float64) query.Query {
	t := true
	q := bleve.NewNumericRangeInclusiveQuery(lo, hi, &t, &t)
	q.SetField(field)
	return q
}

func ptr(v float64) *float64 { return &v }

// resolve checks q against the reference tables and turns it into a plan.
func (f *facts) resolve(q search.Query) (*plan, error) {
	p := &plan{q: q, minFTE: q.MinFTE, minContract: q.MinContractEUR, atClientSite: q.AtClientSite}
	q.Text = strings.TrimSpace(q.Text)
	p.q.Text = q.Text
	if len(q.Text) > maxText {
		return nil, &search.ParamError{Param: "q", Code: "too_long", Reason: fmt.Sprintf("is longer than %d characters", maxText)}
	}
	if q.Today.IsZero() {
		return nil, fmt.Errorf("query without a reference date")
	}
	p.today = dateDay(q.Today)
	p.staleBefore = dayOf(q.Today.Time().AddDate(0, -search.StaleAfterMonths, 0))

	taskSet := func(i int, ids []string) {
		p.tasks[i] = map[string]bool{}
		for _, id := range ids {
			p.tasks[i][id] = true
		}
		if len(ids) == 0 {
			p.clauses[filterTask+filter(i)] = bleve.NewMatchNoneQuery()
			return
		}
		p.clauses[filterTask+filter(i)] = anyTerm(oTask, ids)
	}
	if len(q.Tasks) > 0 {
		for _, t := range q.Tasks {
			if _, ok := f.tasks.Task(t); !ok {
				return nil, &search.ParamError{Param: "task", Value: t, Code: "unknown_task", Reason: fmt.Sprintf("%q is not a task type", t)}
			}
		}
		taskSet(0, q.Tasks)
	}
	if len(q.TaskGroups) > 0 {
		var ids []string
		for _, g := range q.TaskGroups {
			if _, ok := f.tasks.Group(g); !ok {
				return nil, &search.ParamError{Param: "task_group", Value: g, Code: "unknown_task_group", Reason: fmt.Sprintf("%q is not a task group", g)}
			}
			for _, t := range f.tasks.Tasks() {
				if t.Group == g {
					ids = append(ids, t.ID)
				}
			}
		}
		taskSet(1, ids)
	}
	if q.CPV != "" {
		ids, err := f.tasks.TasksForCPV(q.CPV)
		if err != nil {
			return nil, &search.ParamError{Param: "cpv", Value: q.CPV, Code: "invalid_cpv", Reason: err.Error()}
		}
		taskSet(2, ids)
	}

	if len(q.Kinds) > 0 {
		for _, k := range q.Kinds {
			if !slices.Contains(directory.Kinds, directory.Kind(k)) {
				return nil, &search.ParamError{Param: "kind", Value: k, Code: "unknown_kind", Reason: fmt.Sprintf("%q is not a supplier kind", k)}
			}
		}
		p.clauses[filterKind] = anyTerm(fKind, q.Kinds)
	}
	switch q.Sector {
	case "":
	case "social", "regular":
		p.clauses[filterSector] = termQ(fSector, q.Sector)
	default:
		return nil, &search.ParamError{Param: "sector", Value: q.Sector, Code: "unknown_sector", Reason: "must be social or regular"}
	}
	if q.Reserved {
		p.clauses[filterReserved] = bleve.NewConjunctionQuery(numRange(rFrom, nil, ptr(float64(p.today))), numRange(rTo, ptr(float64(p.today)), nil))
	}
	if len(q.TargetGroups) > 0 {
		for _, tg := range q.TargetGroups {
			if !slices.Contains(directory.TargetGroups, tg) {
				return nil, &search.ParamError{Param: "target_group", Value: tg, Code: "unknown_target_group", Reason: fmt.Sprintf("%q is not a target group", tg)}
			}
		}
		p.clauses[filterTargetGroup] = anyTerm(fTarget, q.TargetGroups)
	}
	if len(q.Cooperation) > 0 {
		for _, c := range q.Cooperation {
			if !slices.Contains(directory.CooperationModes, c) {
				return nil, &search.ParamError{Param: "cooperation", Value: c, Code: "unknown_cooperation", Reason: fmt.Sprintf("%q is not a cooperation mode", c)}
			}
		}
		p.clauses[filterCooperation] = anyTerm(fCoop, q.Cooperation)
	}
	if err := f.resolveLocated(p, q); err != nil {
		return nil, err
	}
	if q.Fresh {
		p.clauses[filterFresh] = numRange(fConfirmed, ptr(float64(p.staleBefore)), nil)
	}
	if q.Serves != "" {
		nis, pt, err := f.resolveServed("serves", q.Serves)
		if err != nil {
			return nil, err
		}
		p.serves, p.from = nis, pt
		p.clauses[filterServes] = bleve.NewDisjunctionQuery(termQ(oServes, nis), termQ(oServes, "*"))
	}
	if q.Near != "" {
		lat, lon, err := search.ResolvePlace(f.places, "near", q.Near)
		if err != nil {
			return nil, err
		}
		p.from = point{lat, lon, true}
		radius := q.RadiusKm
		if radius == 0 {
			radius = search.DefaultRadiusKm
		}
		if radius < 0 || radius > search.MaxRadiusKm || math.IsNaN(radius) {
			return nil, &search.ParamError{Param: "radius_km", Value: fmtFloat(q.RadiusKm), Code: "range", Reason: fmt.Sprintf("must lie between 0 and %d", search.MaxRadiusKm)}
		}
		p.near = &nearQuery{field: sGeo, lat: lat, lon: lon, km: radius}
	}

	for _, n := range []struct {
		name string
		v    float64
	}{{"min_fte", q.MinFTE}, {"min_contract_eur", q.MinContractEUR}} {
		if n.v < 0 || math.IsNaN(n.v) || math.IsInf(n.v, 0) {
			return nil, &search.ParamError{Param: n.name, Value: fmtFloat(n.v), Code: "range", Reason: "must be 0 or more"}
		}
	}
	if q.MinFTE > 0 {
		p.clauses[filterMinFTE] = numRange(oFTE, ptr(q.MinFTE), nil)
	}
	if q.MinContractEUR > 0 {
		p.clauses[filterMinContract] = numRange(oContract, ptr(q.MinContractEUR), nil)
	}
	if !q.AvailableBy.IsZero() {
		p.availableBy, p.hasAvailable = dateDay(q.AvailableBy), true
		p.clauses[filterAvailableBy] = numRange(oFrom, nil, ptr(float64(p.availableBy)))
	}
	if q.MaxLeadWeeks != nil {
		if *q.MaxLeadWeeks < 0 || *q.MaxLeadWeeks > 520 {
			return nil, &search.ParamError{Param: "max_lead_weeks", Value: strconv.Itoa(*q.MaxLeadWeeks), Code: "range", Reason: "must lie between 0 and 520"}
		}
		p.maxLead, p.hasMaxLead = int32(*q.MaxLeadWeeks), true
		p.clauses[filterMaxLead] = numRange(oLead, nil, ptr(float64(p.maxLead)))
	}
	if q.AtClientSite {
		p.clauses[filterAtClientSite] = termQ(oClient, "true")
	}
	if c := strings.ToUpper(strings.TrimSpace(q.MinTransitClass)); c != "" {
		i := slices.Index(transitClasses, c)
		if i < 0 {
			return nil, &search.ParamError{Param: "min_transit_class", Value: q.MinTransitClass, Code: "unknown_class", Reason: "must be a class from A (best) to F"}
		}
		p.minTransit = uint8(i + 1)
		p.clauses[filterTransit] = numRange(oTransit, ptr(1), ptr(float64(i+1)))
	}

	p.sort = q.Sort
	switch q.Sort {
	case "":
		p.sort = search.SortRelevance
	case search.SortDistance:
		if !p.from.ok {
			return nil, &search.ParamError{Param: "sort", Value: q.Sort, Code: "needs_place", Reason: "sorting by distance needs a place in near or serves"}
		}
	case search.SortRelevance, search.SortCapacity, search.SortUpdated, search.SortName:
	default:
		return nil, &search.ParamError{Param: "sort", Value: q.Sort, Code: "unknown_sort", Reason: "must be one of " + strings.Join(search.Sorts, ", ")}
	}
	if p.q.Page == 0 {
		p.q.Page = 1
	}
	if p.q.Page < 1 || p.q.Page > maxPage {
		return nil, &search.ParamError{Param: "page", Value: strconv.Itoa(q.Page), Code: "range", Reason: fmt.Sprintf("must lie between 1 and %d", maxPage)}
	}
	if p.q.PerPage == 0 {
		p.q.PerPage = search.DefaultPerPage
	}
	if p.q.PerPage < 1 || p.q.PerPage > search.MaxPerPage {
		return nil, &search.ParamError{Param: "per_page", Value: strconv.Itoa(q.PerPage), Code: "range", Reason: fmt.Sprintf("must lie between 1 and %d", search.MaxPerPage)}
	}
	return p, nil
}

// resolveLocated resolves the four "located in" filters.
func (f *facts) resolveLocated(p *plan, q search.Query) error {
	levels := []struct {
		fl            filter
		field         string
		values        []string
		param, reason string
		resolve       func(string) (string, bool)
	}{
		{filterMunicipality, fMun, q.Municipalities, "municipality", "%q is not a Flemish or Brussels municipality or postcode", func(v string) (string, bool) {
			m, ok := f.places.ResolveMunicipality(v)
			return m.NIS, ok
		}},
		{filterArrondissement, fArr, q.Arrondissements, "arrondissement", "%q is not an arrondissement", func(v string) (string, bool) {
			a, ok := f.places.ResolveArrondissement(v)
			return a.Code, ok
		}},
		{filterProvince, fProv, q.Provinces, "province", "%q is not a province", func(v string) (string, bool) {
			pr, ok := f.places.ResolveProvince(v)
			return pr.Code, ok
		}},
		{filterRegion, fRegion, q.Regions, "region", "%q is not a region", func(v string) (string, bool) {
			r, ok := f.places.ResolveRegion(v)
			return r.Code, ok
		}},
	}
	for _, l := range levels {
		var codes []string
		for _, v := range l.values {
			c, ok := l.resolve(v)
			if !ok || c == "" {
				return &search.ParamError{Param: l.param, Value: v, Code: "unknown_" + l.param, Reason: fmt.Sprintf(l.reason, v)}
			}
			codes = append(codes, c)
		}
		if len(codes) > 0 {
			p.clauses[l.fl] = anyTerm(l.field, codes)
			if l.fl == filterMunicipality {
				p.q.Municipalities = codes
			}
		}
	}
	return nil
}

// resolveServed reads a place of execution: the municipality whose service
// areas count, and the point distances start from.
func (f *facts) resolveServed(param, text string) (string, point, error) {
	lat, lon, m, err := search.ResolveServed(f.places, param, text)
	if err != nil {
		return "", point{}, err
	}
	return m.NIS, point{lat, lon, true}, nil
}

// hasOffers reports whether the plan sets an offer filter other than skip.
func (p *plan) hasOffers(skip filter) bool {
	for g := firstOfferFilter; g < filterCount; g++ {
		if g != skip && p.clauses[g] != nil {
			return true
		}
	}
	return false
}

// query is the plan's Bleve query without filter skip (-1: with every
// filter), and with extra clauses.
func (p *plan) query(text query.Query, skip filter, extra ...query.Query) query.Query {
	var parts []query.Query
	if text != nil {
		parts = append(parts, text)
	}
	for fl := range firstOfferFilter {
		if fl != skip && p.clauses[fl] != nil {
			parts = append(parts, p.clauses[fl])
		}
	}
	var offers []query.Query
	for g := firstOfferFilter; g < filterCount; g++ {
		if g != skip && p.clauses[g] != nil {
			offers = append(offers, p.clauses[g])
		}
	}
	if len(offers) > 0 {
		parts = append(parts, bleve.NewConjunctionQuery(offers...))
	}
	if p.near != nil {
		parts = append(parts, p.near)
	}
	parts = append(parts, extra...)
	switch len(parts) {
	case 0:
		return termQ(fDoc, "supplier")
	case 1:
		return parts[0]
	}
	return bleve.NewConjunctionQuery(parts...)
}

// offerPasses applies the offer filters to an offer in Go, as the nested
// conjunction does in Bleve.
func (p *plan) offerPasses(o *offer) bool {
	for i := range p.tasks {
		if p.tasks[i] != nil && !p.tasks[i][o.task] {
			return false
		}
	}
	switch {
	case p.serves != "" && !o.anywhere && !o.serves[p.serves],
		p.minFTE > 0 && o.freeFTE < p.minFTE,
		p.hasAvailable && o.from > p.availableBy,
		p.hasMaxLead && o.lead > p.maxLead,
		p.minContract > 0 && o.contract < p.minContract,
		p.atClientSite && !o.atClientSite,
		p.minTransit != 0 && (o.transit == 0 || o.transit > p.minTransit):
		return false
	}
	return true
}

// nearQuery finds the documents with a geo point within km of a place, by
// the gazetteer's measure (data.DistanceKm, on a sphere). Bleve's own
// geo_distance measures on an ellipsoid, 0.09 % shorter in Flanders, and
// takes its bounding box on the sphere: no radius makes both agree with
// the gazetteer to the metre. This query takes Bleve's bounding-box
// searcher (a little larger than the circle) and keeps the points within
// the radius, read from the field's doc values as Bleve's geo_distance
// does. It names its field, so that a conjunction knows it lies in a
// nested document.
type nearQuery struct {
	field        string
	lat, lon, km float64
}

func (q *nearQuery) Field() string     { return q.field }
func (q *nearQuery) SetField(f string) { q.field = f }
func (q *nearQuery) SetBoost(float64)  {}
func (q *nearQuery) Boost() float64    { return 1 }
func (q *nearQuery) Searcher(ctx context.Context, r index.IndexReader, _ mapping.IndexMapping, options bsearch.SearcherOptions) (bsearch.Searcher, error) {
	// Bleve's geo takes longitude first.
	minLon, maxLat, maxLon, minLat, err := geo.RectFromPointDistance(q.lon, q.lat, q.km*1000*1.01+10)
	if err != nil {
		return nil, err
	}
	box, err := searcher.NewGeoBoundingBoxSearcher(ctx, r, minLon, minLat, maxLon, maxLat, q.field, 1, options, false)
	if err != nil {
		return nil, err
	}
	dv, err := r.DocValueReader([]string{q.field})
	if err != nil {
		_ = box.Close()
		return nil, err
	}
	var within bool
	visit := func(_ string, t []byte) {
		pc := numeric.PrefixCoded(t)
		if shift, err := pc.Shift(); err != nil || shift != 0 || within {
			return
		}
		if h, err := pc.Int64(); err == nil {
			lon, lat := geo.MortonUnhashLon(uint64(h)), geo.MortonUnhashLat(uint64(h))
			within = data.DistanceKm(q.lat, q.lon, lat, lon) <= q.km
		}
	}
	return searcher.NewFilteringSearcher(ctx, box, func(_ *bsearch.SearchContext, d *bsearch.DocumentMatch) bool {
		within = false
		return dv.VisitDocValues(d.IndexInternalID, visit) == nil && within
	}), nil
}
