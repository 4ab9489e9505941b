package catalogue

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/search"
)

// Input limits of a query.
const (
	maxText = 500
	maxPage = 10000
)

// point is a place on the map.
type point struct {
	lat, lon float64
	ok       bool
}

// plan is a query resolved against the reference tables: codes and
// ordinals instead of what people typed.
type plan struct {
	q           search.Query
	terms       []term // the free text's words
	today       int32
	staleBefore int32
	kinds       uint32 // bit per directory.Kinds
	sector      string
	targets     uint32
	cooperation uint32
	// located are the places asked for, by level (municipality,
	// arrondissement, province, region): ordinals in the gazetteer's
	// lists, which are the facets' value ids.
	located  [4][]int
	serves   int // municipality ordinal, -1 when not asked
	near     point
	kmPerLon float64 // at the near point's latitude
	radiusKm float64
	from     point // where distances are measured from
	reach    reachPlan
	// Task sets by filter (task, task_group, cpv): bit per task ordinal.
	tasks        [3]uint64
	hasTasks     [3]bool
	minFTE       float64
	availableBy  int32
	maxLead      int32
	hasMaxLead   bool
	minContract  float64
	atClientSite bool
	minTransit   uint8 // 1 = A … 6 = F; 0 not asked
	sort         string
}

// Resolve checks q against the reference tables and turns it into a plan.
// It returns a *ParamError for the first wrong parameter.
func (f *facts) resolve(q search.Query) (*plan, error) {
	p := &plan{q: q, serves: -1, sector: q.Sector, minFTE: q.MinFTE, minContract: q.MinContractEUR, atClientSite: q.AtClientSite}
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

	// Task filters: each given filter narrows the set of tasks an offer may have.
	if len(q.Tasks) > 0 {
		var set uint64
		for _, t := range q.Tasks {
			i, ok := f.taskOrd[t]
			if !ok {
				return nil, &search.ParamError{Param: "task", Value: t, Code: "unknown_task", Reason: fmt.Sprintf("%q is not a task type", t)}
			}
			set |= 1 << i
		}
		p.tasks[0], p.hasTasks[0] = set, true
	}
	if len(q.TaskGroups) > 0 {
		var set uint64
		for _, g := range q.TaskGroups {
			if _, ok := f.groupOrd[g]; !ok {
				return nil, &search.ParamError{Param: "task_group", Value: g, Code: "unknown_task_group", Reason: fmt.Sprintf("%q is not a task group", g)}
			}
			for _, t := range f.tasks.Tasks() {
				if t.Group == g {
					set |= 1 << f.taskOrd[t.ID]
				}
			}
		}
		p.tasks[1], p.hasTasks[1] = set, true
	}
	if q.CPV != "" {
		ids, err := f.tasks.TasksForCPV(q.CPV)
		if err != nil {
			return nil, &search.ParamError{Param: "cpv", Value: q.CPV, Code: "invalid_cpv", Reason: err.Error()}
		}
		var set uint64
		for _, id := range ids {
			set |= 1 << f.taskOrd[id]
		}
		p.tasks[2], p.hasTasks[2] = set, true
	}

	for _, k := range q.Kinds {
		i := slices.Index(directory.Kinds, directory.Kind(k))
		if i < 0 {
			return nil, &search.ParamError{Param: "kind", Value: k, Code: "unknown_kind", Reason: fmt.Sprintf("%q is not a supplier kind", k)}
		}
		p.kinds |= 1 << i
	}
	if q.Sector != "" && q.Sector != "social" && q.Sector != "regular" {
		return nil, &search.ParamError{Param: "sector", Value: q.Sector, Code: "unknown_sector", Reason: "must be social or regular"}
	}
	for _, tg := range q.TargetGroups {
		i := slices.Index(directory.TargetGroups, tg)
		if i < 0 {
			return nil, &search.ParamError{Param: "target_group", Value: tg, Code: "unknown_target_group", Reason: fmt.Sprintf("%q is not a target group", tg)}
		}
		p.targets |= 1 << i
	}
	for _, c := range q.Cooperation {
		i := slices.Index(directory.CooperationModes, c)
		if i < 0 {
			return nil, &search.ParamError{Param: "cooperation", Value: c, Code: "unknown_cooperation", Reason: fmt.Sprintf("%q is not a cooperation mode", c)}
		}
		p.cooperation |= 1 << i
	}

	if err := f.resolveLocated(p, q); err != nil {
		return nil, err
	}
	if q.Serves != "" {
		var err error
		if p.serves, p.from, err = f.resolveServed("serves", q.Serves); err != nil {
			return nil, err
		}
	}
	if q.Near != "" {
		pt, err := f.resolvePoint(q.Near)
		if err != nil {
			return nil, err
		}
		p.near, p.from = pt, pt
		p.kmPerLon = kmPerLon(pt.lat)
		p.radiusKm = q.RadiusKm
		if p.radiusKm == 0 {
			p.radiusKm = search.DefaultRadiusKm
		}
		if p.radiusKm < 0 || p.radiusKm > search.MaxRadiusKm || math.IsNaN(p.radiusKm) {
			return nil, &search.ParamError{Param: "radius_km", Value: fmtFloat(q.RadiusKm), Code: "range", Reason: fmt.Sprintf("must lie between 0 and %d", search.MaxRadiusKm)}
		}
	}

	for _, n := range []struct {
		name string
		v    float64
	}{{"min_fte", q.MinFTE}, {"min_contract_eur", q.MinContractEUR}} {
		if n.v < 0 || math.IsNaN(n.v) || math.IsInf(n.v, 0) {
			return nil, &search.ParamError{Param: n.name, Value: fmtFloat(n.v), Code: "range", Reason: "must be 0 or more"}
		}
	}
	if !q.AvailableBy.IsZero() {
		p.availableBy = dateDay(q.AvailableBy)
	}
	if q.MaxLeadWeeks != nil {
		if *q.MaxLeadWeeks < 0 || *q.MaxLeadWeeks > 520 {
			return nil, &search.ParamError{Param: "max_lead_weeks", Value: strconv.Itoa(*q.MaxLeadWeeks), Code: "range", Reason: "must lie between 0 and 520"}
		}
		p.maxLead, p.hasMaxLead = int32(*q.MaxLeadWeeks), true
	}

	if c := strings.ToUpper(strings.TrimSpace(q.MinTransitClass)); c != "" {
		i := slices.Index(transitClasses, c)
		if i < 0 {
			return nil, &search.ParamError{Param: "min_transit_class", Value: q.MinTransitClass, Code: "unknown_class", Reason: "must be a class from A (best) to F"}
		}
		p.minTransit = uint8(i + 1)
	}

	if q.Reach != "" {
		if err := f.resolveReach(q, &p.reach); err != nil {
			return nil, err
		}
	}

	p.sort = q.Sort
	switch q.Sort {
	case "":
		p.sort = search.SortRelevance
	case search.SortTravelTime:
		if !p.reach.ok {
			return nil, &search.ParamError{Param: "sort", Value: q.Sort, Code: "needs_reach", Reason: "sorting by travel time needs a place of work in reach"}
		}
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

// resolveLocated resolves the four "located in" filters: a supplier is
// located in a place when one of its sites is.
func (f *facts) resolveLocated(p *plan, q search.Query) error {
	code := func(fl filter, c string) int { return slices.Index(f.facetLists[fl], c) }
	levels := [4]struct {
		values        []string
		param, reason string
		resolve       func(string) (int, bool)
	}{
		levelMunicipality: {q.Municipalities, "municipality", "%q is not a Flemish or Brussels municipality or postcode", func(v string) (int, bool) {
			m, ok := f.places.ResolveMunicipality(v)
			return code(filterMunicipality, m.NIS), ok
		}},
		levelArrondissement: {q.Arrondissements, "arrondissement", "%q is not an arrondissement", func(v string) (int, bool) {
			a, ok := f.places.ResolveArrondissement(v)
			return code(filterArrondissement, a.Code), ok
		}},
		levelProvince: {q.Provinces, "province", "%q is not a province", func(v string) (int, bool) {
			pr, ok := f.places.ResolveProvince(v)
			return code(filterProvince, pr.Code), ok
		}},
		levelRegion: {q.Regions, "region", "%q is not a region", func(v string) (int, bool) {
			r, ok := f.places.ResolveRegion(v)
			return code(filterRegion, r.Code), ok
		}},
	}
	for level, l := range levels {
		for _, v := range l.values {
			ord, ok := l.resolve(v)
			if !ok || ord < 0 {
				return &search.ParamError{Param: l.param, Value: v, Code: "unknown_" + l.param, Reason: fmt.Sprintf(l.reason, v)}
			}
			p.located[level] = append(p.located[level], ord)
		}
	}
	return nil
}

// resolvePoint reads "lat,lon", a postcode or a municipality.
func (f *facts) resolvePoint(text string) (point, error) { return f.resolvePointAs("near", text) }

// resolvePointAs reads a place of parameter param.
func (f *facts) resolvePointAs(param, text string) (point, error) {
	lat, lon, err := search.ResolvePlace(f.places, param, text)
	return point{lat, lon, err == nil}, err
}

// resolveServed reads a place of execution: the ordinal of the municipality
// whose service areas count, and the point distances start from. A point
// counts as in the municipality whose centre is nearest.
func (f *facts) resolveServed(param, text string) (int, point, error) {
	lat, lon, m, err := search.ResolveServed(f.places, param, text)
	if err != nil {
		return -1, point{}, err
	}
	ord, _ := f.places.MunicipalityOrdinal(m.NIS)
	return ord, point{lat, lon, true}, nil
}

// kmPerLon is the length of a degree of longitude at a latitude, for the
// flat-earth bound before the great-circle distance.
func kmPerLon(lat float64) float64 { return 111.32 * math.Cos(lat*math.Pi/180) }

func fmtFloat(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// reachPlan is a Reach question resolved: the place of work, the arrival
// time and the longest journey.
type reachPlan struct {
	lat, lon   float64
	by, within time.Duration
	ok         bool
}

// resolveReach checks the place, the arrival time and the longest
// journey of a Reach question.
func (f *facts) resolveReach(q search.Query, r *reachPlan) error {
	pt, err := f.resolvePointAs("reach", q.Reach)
	if err != nil {
		return err
	}
	r.lat, r.lon, r.ok = pt.lat, pt.lon, true
	r.by = q.ArriveBy
	if r.by == 0 {
		r.by = search.DefaultArriveBy
	}
	if r.by < 0 || r.by >= 24*time.Hour {
		return &search.ParamError{Param: "arrive_by", Value: q.ArriveBy.String(), Code: "range", Reason: "must be a time of day, 00:00 to 23:59"}
	}
	minutes := q.MaxMinutes
	if minutes == 0 {
		minutes = search.DefaultMaxMinutes
	}
	if minutes < 1 || minutes > search.MaxMaxMinutes {
		return &search.ParamError{Param: "max_minutes", Value: strconv.Itoa(q.MaxMinutes), Code: "range", Reason: fmt.Sprintf("must lie between 1 and %d", search.MaxMaxMinutes)}
	}
	r.within = time.Duration(minutes) * time.Minute
	return nil
}
