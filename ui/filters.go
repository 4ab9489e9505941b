package ui

import (
	"net/url"
	"slices"
	"strconv"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/search"
)

// choice is one value of a filter on the page, with its facet count.
type choice struct {
	Name, Value, Label string
	Count              int
	HasCount           bool
	Checked            bool
}

// ID is a unique element id for the choice's input.
func (c choice) ID() string { return "f-" + c.Name + "-" + c.Value }

// taskGroupBox is a task group with its task types.
type taskGroupBox struct {
	Group choice // the group, as the box's heading
	Whole choice // the same choice, as the box's first checkbox
	Tasks []choice
	Open  bool
}

// filterView is every filter of the search page with its choices.
type filterView struct {
	TaskGroups      []taskGroupBox
	Kinds           []choice
	Sectors         []choice
	Reserved        choice
	TargetGroups    []choice
	Cooperation     []choice
	Provinces       []choice
	Regions         []choice
	Arrondissements []choice
	AtClientSite    choice
	Fresh           choice
	Unclaimed       choice
	// ReservedVerified narrows Reserved to what Verken can vouch for.
	ReservedVerified choice
	MinFTE           []choice
	MaxLead          []choice
	MinContract      []choice
	AvailableBy      []choice
	Transit          []choice
	Radii            []choice
}

// filterView builds the page's filters from the request and the facets.
// Choices with no match are left out unless picked, to keep lists short.
func (s *server) filterView(lang string, raw url.Values, res *search.Result) filterView {
	count := func(name, value string) (int, bool) {
		if res == nil {
			return 0, false
		}
		for _, fv := range res.Facets[name] {
			if fv.Value == value {
				return fv.Count, true
			}
		}
		return 0, true
	}
	mk := func(name, value, label string) choice {
		n, has := count(name, value)
		return choice{Name: name, Value: value, Label: label, Count: n, HasCount: has, Checked: slices.Contains(raw[name], value)}
	}
	visible := func(list []choice) []choice {
		return slices.DeleteFunc(list, func(c choice) bool { return c.HasCount && c.Count == 0 && !c.Checked })
	}
	var f filterView
	for _, g := range s.Tasks.Groups() {
		box := taskGroupBox{Group: mk("task_group", g.ID, g.Name.In(lang))}
		for _, t := range s.Tasks.Tasks() {
			if t.Group == g.ID {
				box.Tasks = append(box.Tasks, mk("task", t.ID, t.Name.In(lang)))
			}
		}
		box.Whole = box.Group
		box.Whole.Label = s.catalog.T(lang, "filter.whole_group")
		box.Tasks = visible(box.Tasks)
		box.Open = box.Group.Checked || slices.ContainsFunc(box.Tasks, func(c choice) bool { return c.Checked })
		if box.Group.Checked || box.Group.Count > 0 || !box.Group.HasCount || len(box.Tasks) > 0 {
			f.TaskGroups = append(f.TaskGroups, box)
		}
	}
	for _, k := range directory.Kinds {
		f.Kinds = append(f.Kinds, mk("kind", string(k), s.catalog.T(lang, "kind."+string(k))))
	}
	f.Kinds = visible(f.Kinds)
	for _, sec := range []string{"social", "regular"} {
		f.Sectors = append(f.Sectors, mk("sector", sec, s.catalog.T(lang, "sector."+sec)))
	}
	f.Reserved = mk("reserved", "true", s.catalog.T(lang, "filter.reserved"))
	f.ReservedVerified = mk("reserved", "verified", s.catalog.T(lang, "filter.reserved_verified"))
	f.AtClientSite = mk("at_client_site", "true", s.catalog.T(lang, "filter.at_client_site"))
	f.Fresh = mk("fresh", "true", s.catalog.T(lang, "filter.fresh"))
	f.Unclaimed = mk("unclaimed", "true", s.catalog.T(lang, "filter.unclaimed"))
	for _, tg := range directory.TargetGroups {
		f.TargetGroups = append(f.TargetGroups, mk("target_group", tg, s.catalog.T(lang, "tg."+tg)))
	}
	f.TargetGroups = visible(f.TargetGroups)
	for _, c := range directory.CooperationModes {
		f.Cooperation = append(f.Cooperation, mk("cooperation", c, s.catalog.T(lang, "coop."+c)))
	}
	f.Cooperation = visible(f.Cooperation)
	// "Located in" offers a region only where it adds something: not one
	// without a place in the gazetteer (Wallonia: no site lies there), and
	// not one that is listed as a province too (Brussels).
	placed := map[string]bool{}
	for _, m := range s.Places.Municipalities() {
		placed[m.Region] = true
	}
	for _, r := range s.Places.Regions() {
		_, isProvince := s.Places.Province(r.Code)
		if c := mk("region", r.Code, r.Name.In(lang)); c.Checked || (placed[r.Code] && !isProvince) {
			f.Regions = append(f.Regions, c)
		}
	}
	f.Regions = visible(f.Regions)
	for _, p := range s.Places.Provinces() {
		f.Provinces = append(f.Provinces, mk("province", p.Code, p.Name.In(lang)))
	}
	f.Provinces = visible(f.Provinces)
	for _, a := range s.Places.Arrondissements() {
		f.Arrondissements = append(f.Arrondissements, mk("arrondissement", a.Code, a.Name.In(lang)))
	}
	f.Arrondissements = visible(f.Arrondissements)

	// The range filters are selects of the facet's steps, plus the value
	// in the URL when it is not one of them.
	steps := func(name string, label func(v string) string) []choice {
		out := []choice{{Name: name, Label: s.catalog.T(lang, "filter.any"), Checked: raw.Get(name) == ""}}
		if res != nil {
			for _, fv := range res.Facets[name] {
				c := mk(name, fv.Value, label(fv.Value))
				c.Checked = raw.Get(name) == fv.Value
				out = append(out, c)
			}
		}
		if cur := raw.Get(name); cur != "" && !slices.ContainsFunc(out, func(c choice) bool { return c.Value == cur }) {
			out = append(out, choice{Name: name, Value: cur, Label: label(cur), Checked: true})
		}
		return out
	}
	f.MinFTE = steps("min_fte", func(v string) string { return s.catalog.T(lang, "filter.min_fte_step", formatNumber(lang, atof(v))) })
	f.MaxLead = steps("max_lead_weeks", func(v string) string {
		if v == "0" {
			return s.catalog.T(lang, "filter.lead_now")
		}
		return s.catalog.T(lang, "filter.lead_step", v)
	})
	f.MinContract = steps("min_contract_eur", func(v string) string {
		return s.catalog.T(lang, "filter.contract_step", formatEuro(lang, atof(v)))
	})
	today := s.today()
	f.AvailableBy = steps("available_by", func(v string) string {
		d, err := directory.ParseDate(v)
		switch {
		case err != nil:
			return v
		case !today.Before(d):
			return s.catalog.T(lang, "filter.available_now")
		}
		return s.catalog.T(lang, "filter.available_step", formatDate(lang, d.Time()))
	})
	f.Transit = steps("min_transit_class", func(v string) string { return s.catalog.T(lang, "filter.transit_step", v) })
	for _, r := range []string{"5", "10", "20", "50"} {
		c := choice{Name: "radius_km", Value: r, Label: s.catalog.T(lang, "filter.radius_step", r)}
		c.Checked = raw.Get("radius_km") == r || (raw.Get("radius_km") == "" && r == strconv.Itoa(search.DefaultRadiusKm))
		f.Radii = append(f.Radii, c)
	}
	return f
}

// sortChoices lists the sort orders for the page.
func (s *server) sortChoices(lang string, raw url.Values) []choice {
	var out []choice
	cur := raw.Get("sort")
	if cur == "" {
		cur = search.SortRelevance
	}
	for _, o := range search.Sorts {
		if o == search.SortTravelTime && raw.Get("reach") == "" {
			continue // it needs a place of work
		}
		out = append(out, choice{Name: "sort", Value: o, Label: s.catalog.T(lang, "sort."+o), Checked: o == cur})
	}
	return out
}

func atof(s string) float64 {
	f, _ := strconv.ParseFloat(s, 64)
	return f
}
