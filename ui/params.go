package ui

import (
	"errors"
	"net/url"
	"strings"

	"github.com/verken/verken/data"
	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/number"
	"github.com/verken/verken/market"
	"github.com/verken/verken/search"
)

// searchParam is one query parameter of a supplier search. The table of
// them binds the search page and the API alike, and the OpenAPI document is
// generated from it, so the three cannot drift apart.
type searchParam struct {
	Name  string
	Type  string // "string", "number", "integer", "boolean" or "date"
	Multi bool   // may be repeated: the values are alternatives
	Doc   string
	// Enum lists the allowed values, when the parameter has a fixed list.
	Enum func(*data.Gazetteer, *data.Taxonomy) []string
	set  func(q *search.Query, values []string) error
}

// codes lists the code of every element.
func codes[T any](list []T, code func(T) string) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = code(v)
	}
	return out
}

// searchParams is every search parameter, in the order the docs list them.
var searchParams = []searchParam{
	{Name: "q", Type: "string", Doc: "Free text over names, descriptions, task and CPV labels and place names; typo-tolerant, the last word matches as a prefix.",
		set: func(q *search.Query, v []string) error { q.Text = v[0]; return nil }},
	{Name: "task", Type: "string", Multi: true, Doc: "Task type id.",
		Enum: func(_ *data.Gazetteer, t *data.Taxonomy) []string {
			return codes(t.Tasks(), func(x data.TaskType) string { return x.ID })
		},
		set: func(q *search.Query, v []string) error { q.Tasks = v; return nil }},
	{Name: "task_group", Type: "string", Multi: true, Doc: "Task group id.",
		Enum: func(_ *data.Gazetteer, t *data.Taxonomy) []string {
			return codes(t.Groups(), func(x data.TaskGroup) string { return x.ID })
		},
		set: func(q *search.Query, v []string) error { q.TaskGroups = v; return nil }},
	{Name: "cpv", Type: "string", Doc: "CPV code (8 digits, optional check digit): the task types mapped to it or to a code below it.",
		set: func(q *search.Query, v []string) error { q.CPV = v[0]; return nil }},
	{Name: "kind", Type: "string", Multi: true, Doc: "Supplier kind.",
		Enum: func(*data.Gazetteer, *data.Taxonomy) []string {
			return codes(directory.Kinds, func(k directory.Kind) string { return string(k) })
		},
		set: func(q *search.Query, v []string) error { q.Kinds = v; return nil }},
	{Name: "sector", Type: "string", Doc: "social: the social economy; regular: regular companies that cooperate with it.",
		Enum: func(*data.Gazetteer, *data.Taxonomy) []string { return []string{"social", "regular"} },
		set:  func(q *search.Query, v []string) error { q.Sector = v[0]; return nil }},
	{Name: "reserved", Type: "string", Doc: "true: only suppliers eligible for a reserved contract, a valid recognition and at least 30 % target-group workers, as declared; verified: only those whose recognition comes from an authority's register and whose share an administrator verified.",
		Enum: func(*data.Gazetteer, *data.Taxonomy) []string { return []string{"true", "false", "verified"} },
		set: func(q *search.Query, v []string) (err error) {
			if strings.EqualFold(v[0], "verified") {
				q.ReservedVerified = true
				return nil
			}
			q.Reserved, err = parseBool("reserved", v[0])
			return
		}},
	{Name: "target_group", Type: "string", Multi: true, Doc: "Target group the supplier employs.",
		Enum: func(*data.Gazetteer, *data.Taxonomy) []string { return directory.TargetGroups },
		set:  func(q *search.Query, v []string) error { q.TargetGroups = v; return nil }},
	{Name: "cooperation", Type: "string", Multi: true, Doc: "Cooperation mode the supplier is open to.",
		Enum: func(*data.Gazetteer, *data.Taxonomy) []string { return directory.CooperationModes },
		set:  func(q *search.Query, v []string) error { q.Cooperation = v; return nil }},
	{Name: "municipality", Type: "string", Multi: true, Doc: "Has a site in this municipality: NIS code, postcode, current or former name.",
		set: func(q *search.Query, v []string) error { q.Municipalities = v; return nil }},
	{Name: "arrondissement", Type: "string", Multi: true, Doc: "Has a site in this arrondissement: NIS code or name.",
		set: func(q *search.Query, v []string) error { q.Arrondissements = v; return nil }},
	{Name: "province", Type: "string", Multi: true, Doc: "Has a site in this province (BRU: the Brussels-Capital Region).",
		Enum: func(g *data.Gazetteer, _ *data.Taxonomy) []string {
			return codes(g.Provinces(), func(x data.Province) string { return x.Code })
		},
		set: func(q *search.Query, v []string) error { q.Provinces = v; return nil }},
	{Name: "region", Type: "string", Multi: true, Doc: "Has a site in this region.",
		Enum: func(g *data.Gazetteer, _ *data.Taxonomy) []string {
			return codes(g.Regions(), func(x data.Region) string { return x.Code })
		},
		set: func(q *search.Query, v []string) error { q.Regions = v; return nil }},
	{Name: "serves", Type: "string", Doc: "An offer's service area covers this postcode, municipality or \"lat,lon\" (a point counts as in the municipality whose centre is nearest).",
		set: func(q *search.Query, v []string) error { q.Serves = v[0]; return nil }},
	{Name: "near", Type: "string", Doc: "A site lies within radius_km of this postcode, municipality or \"lat,lon\".",
		set: func(q *search.Query, v []string) error { q.Near = v[0]; return nil }},
	{Name: "radius_km", Type: "number", Doc: "Radius in km for near, default 20, at most 300; ignored without near.",
		set: func(q *search.Query, v []string) (err error) {
			q.RadiusKm, err = parseNumber("radius_km", v[0])
			return
		}},
	{Name: "reach", Type: "string", Doc: "A crew can get from one of the supplier's sites to this place of work (postcode, municipality or \"lat,lon\") by public transport, arriving by arrive_by within max_minutes door to door; each hit gives its travel_minutes. Needs an imported timetable.",
		set: func(q *search.Query, v []string) error { q.Reach = v[0]; return nil }},
	{Name: "arrive_by", Type: "string", Doc: "Time of day the crew must arrive for reach, such as 07:30; default 07:00; ignored without reach.",
		set: func(q *search.Query, v []string) error {
			// 00:00 would read as "not given": no crew starts at midnight
			// sharp on a day's timetable, so it is refused rather than
			// silently taken as 07:00.
			t, err := market.ParseClock(v[0])
			if err != nil || t == 0 {
				return &search.ParamError{Param: "arrive_by", Value: v[0], Code: "not_a_time", Reason: "is not a time of day from 00:01 to 23:59 such as 07:30"}
			}
			q.ArriveBy = t
			return nil
		}},
	{Name: "max_minutes", Type: "integer", Doc: "Longest journey for reach, in minutes door to door, 1 to 240; default 60; ignored without reach.",
		set: func(q *search.Query, v []string) (err error) {
			q.MaxMinutes, err = parseInt("max_minutes", v[0])
			return
		}},
	{Name: "min_fte", Type: "number", Doc: "An offer has at least this much free capacity (FTE, 38 h a week).",
		set: func(q *search.Query, v []string) (err error) { q.MinFTE, err = parseNumber("min_fte", v[0]); return }},
	{Name: "available_by", Type: "date", Doc: "An offer's capacity is free on or before this date.",
		set: func(q *search.Query, v []string) (err error) {
			q.AvailableBy, err = parseDate("available_by", v[0])
			return
		}},
	{Name: "max_lead_weeks", Type: "integer", Doc: "An offer can start within this many weeks.",
		set: func(q *search.Query, v []string) error {
			n, err := parseInt("max_lead_weeks", v[0])
			q.MaxLeadWeeks = &n
			return err
		}},
	{Name: "min_contract_eur", Type: "number", Doc: "An offer can take a yearly contract of at least this value.",
		set: func(q *search.Query, v []string) (err error) {
			q.MinContractEUR, err = parseNumber("min_contract_eur", v[0])
			return
		}},
	{Name: "at_client_site", Type: "boolean", Doc: "An offer's work can be done at the client's site.",
		set: func(q *search.Query, v []string) (err error) {
			q.AtClientSite, err = parseBool("at_client_site", v[0])
			return
		}},
	{Name: "min_transit_class", Type: "string", Doc: "The offer's work happens where public transport is at least this good: A (best) to F (ÖV-Güteklasse); its own site, or any site when it works at the client's.",
		Enum: func(*data.Gazetteer, *data.Taxonomy) []string { return []string{"A", "B", "C", "D", "E", "F"} },
		set:  func(q *search.Query, v []string) error { q.MinTransitClass = v[0]; return nil }},
	{Name: "unclaimed", Type: "boolean", Doc: "Also firms without a Verken profile: made from the authorities' data (KBO), with no capacity declared; marked unclaimed.",
		set: func(q *search.Query, v []string) (err error) { q.Unclaimed, err = parseBool("unclaimed", v[0]); return }},
	{Name: "fresh", Type: "boolean", Doc: "Hide profiles not confirmed for more than 12 months.",
		set: func(q *search.Query, v []string) (err error) { q.Fresh, err = parseBool("fresh", v[0]); return }},
	{Name: "sort", Type: "string", Doc: "Order: relevance (default; fresh profiles first; without words and with near, serves or reach, the nearest or quickest first), distance (needs near or serves), capacity, updated, name, travel_time (needs reach).",
		Enum: func(*data.Gazetteer, *data.Taxonomy) []string { return search.Sorts },
		set:  func(q *search.Query, v []string) error { q.Sort = v[0]; return nil }},
	{Name: "page", Type: "integer", Doc: "Page, from 1.",
		set: func(q *search.Query, v []string) (err error) { q.Page, err = parseInt("page", v[0]); return }},
	{Name: "per_page", Type: "integer", Doc: "Hits per page, 1 to 100; default 20.",
		set: func(q *search.Query, v []string) (err error) { q.PerPage, err = parseInt("per_page", v[0]); return }},
}

// bindSearch reads a search from query parameters, for pages and API alike.
// Empty values count as not given, so an untouched form field filters
// nothing.
func bindSearch(v url.Values, today directory.Date) (search.Query, error) {
	q := search.Query{Today: today}
	for _, p := range searchParams {
		var values []string
		for _, s := range v[p.Name] {
			if s = strings.TrimSpace(s); s != "" {
				values = append(values, s)
			}
		}
		if len(values) == 0 {
			continue
		}
		if !p.Multi {
			values = values[:1]
		}
		if err := p.set(&q, values); err != nil {
			return q, err
		}
	}
	return q, nil
}

// parseNumber reads a number of a search parameter within its bound.
func parseNumber(name, s string) (float64, error) {
	f, err := number.Parse(name, s)
	return f, paramError(err)
}

// parseInt reads a whole number of a search parameter within its bound.
func parseInt(name, s string) (int, error) {
	n, err := number.ParseInt(name, s)
	return n, paramError(err)
}

// paramError states a number's fault as a search parameter's.
func paramError(err error) error {
	var ne *number.Error
	if errors.As(err, &ne) {
		return &search.ParamError{Param: ne.Field, Value: ne.Value, Code: ne.Code, Reason: ne.Reason}
	}
	return err
}

func parseBool(name, s string) (bool, error) {
	switch strings.ToLower(s) {
	case "true", "1", "on", "yes":
		return true, nil
	case "false", "0", "off", "no":
		return false, nil
	}
	return false, &search.ParamError{Param: name, Value: s, Code: "not_a_boolean", Reason: "must be true or false"}
}

func parseDate(name, s string) (directory.Date, error) {
	d, err := directory.ParseDate(s)
	if err != nil {
		return d, &search.ParamError{Param: name, Value: s, Code: "not_a_date", Reason: "is not a date (YYYY-MM-DD)"}
	}
	return d, nil
}
