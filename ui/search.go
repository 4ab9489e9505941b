package ui

import (
	"errors"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/search"
)

// queryValues parses the request's query string once; the values are
// copies, safe to keep after the handler returns.
func queryValues(c *fiber.Ctx) url.Values {
	v, _ := url.ParseQuery(string(c.Context().QueryArgs().QueryString()))
	return v
}

// bindSearch reads a search from the query parameters, for page and API
// alike. Repeated parameters are alternatives within one filter.
func bindSearch(v url.Values) (search.Query, error) {
	multi := func(name string) []string {
		var out []string
		for _, s := range v[name] {
			if s != "" {
				out = append(out, s)
			}
		}
		return out
	}
	q := search.Query{
		Text:            v.Get("q"),
		Tasks:           multi("task"),
		Kinds:           multi("kind"),
		Municipalities:  multi("municipality"),
		Arrondissements: multi("arrondissement"),
		Provinces:       multi("province"),
	}
	for _, p := range []struct {
		name string
		dst  *int
	}{{"page", &q.Page}, {"per_page", &q.PerPage}} {
		if s := v.Get(p.name); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				return q, &search.ParamError{Param: p.name, Value: s, Code: "not_a_number", Reason: "is not a whole number"}
			}
			if n < 1 {
				return q, &search.ParamError{Param: p.name, Value: s, Code: "range", Reason: "must be 1 or more"}
			}
			*p.dst = n
		}
	}
	return q, nil
}

// runSearch binds, resolves and runs a search.
func (s *server) runSearch(v url.Values) (search.Query, *search.Result, error) {
	q, err := bindSearch(v)
	if err == nil {
		err = q.Resolve(s.Places, s.Tasks)
	}
	if err != nil {
		return q, nil, err
	}
	res, err := s.Index.Search(q)
	return q, res, err
}

// apiHit is a search hit as the API gives it.
type apiHit struct {
	search.Hit
	URL string `json:"url"`
}

func (s *server) apiSearchSuppliers(c *fiber.Ctx) error {
	_, res, err := s.runSearch(queryValues(c))
	var pe *search.ParamError
	if errors.As(err, &pe) {
		return c.Status(fiber.StatusBadRequest).JSON(apiError{Error: "invalid_parameter", Param: pe.Param, Value: pe.Value, Reason: pe.Reason})
	}
	if err != nil {
		return err
	}
	hits := make([]apiHit, len(res.Hits))
	for i, h := range res.Hits {
		hits[i] = apiHit{Hit: h, URL: "/api/v1/suppliers/" + url.PathEscape(h.ID)}
	}
	facets := map[string]map[string]int{}
	for name, values := range res.Facets {
		m := map[string]int{}
		for _, v := range values {
			m[v.Value] = v.Count
		}
		facets[name] = m
	}
	return c.JSON(fiber.Map{"total": res.Total, "page": res.Page, "per_page": res.PerPage, "hits": hits, "facets": facets})
}

// searchView is what the search page shows.
type searchView struct {
	Query     search.Query
	Raw       url.Values // the request's parameters, to keep the form filled in
	Result    *search.Result
	Error     string
	Options   filterOptions
	Pages     int
	PrevURL   string
	NextURL   string
	HasFilter bool
}

func (s *server) searchPage(c *fiber.Ctx) error {
	lang := s.lang(c)
	raw := queryValues(c)
	q, res, err := s.runSearch(raw)
	v := searchView{Query: q, Raw: raw, Result: res}
	status := fiber.StatusOK
	var pe *search.ParamError
	switch {
	case errors.As(err, &pe):
		status = fiber.StatusBadRequest
		v.Error = s.paramMessage(lang, pe)
	case err != nil:
		return err
	}
	v.HasFilter = len(raw) > 0
	v.Options = s.filterOptions(lang, res)
	if res != nil && res.Total > 0 {
		v.Pages = int((res.Total + uint64(res.PerPage) - 1) / uint64(res.PerPage))
		if res.Page > 1 {
			v.PrevURL = withParam(raw, "page", strconv.Itoa(res.Page-1))
		}
		if res.Page < v.Pages {
			v.NextURL = withParam(raw, "page", strconv.Itoa(res.Page+1))
		}
	}
	return s.render(c, status, "search", s.catalog.T(lang, "nav.search"), v)
}

// paramMessage explains a bad parameter in the user's language.
func (s *server) paramMessage(lang string, pe *search.ParamError) string {
	reason := pe.Reason
	if key := "reason." + pe.Code; s.catalog.Has(key) {
		reason = s.catalog.T(lang, key, pe.Value)
		if pe.Value == "" {
			reason = s.catalog.T(lang, key)
		}
	}
	label := pe.Param
	if key := "filter." + pe.Param; s.catalog.Has(key) {
		label = s.catalog.T(lang, key)
	}
	return s.catalog.T(lang, "error.param", label, reason)
}

func withParam(v url.Values, name, value string) string {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	out.Set(name, value)
	return "/?" + out.Encode()
}

// option is one choice of a filter with its facet count.
type option struct {
	Value, Label string
	Count        int
	HasCount     bool
}

type optionGroup struct {
	Label   string
	Options []option
}

type filterOptions struct {
	Tasks     []optionGroup
	Kinds     []option
	Provinces []option
}

// filterOptions lists the filter choices with their counts in the current
// result.
func (s *server) filterOptions(lang string, res *search.Result) filterOptions {
	counts := func(facet string) map[string]int {
		m := map[string]int{}
		if res != nil {
			for _, v := range res.Facets[facet] {
				m[v.Value] = v.Count
			}
		}
		return m
	}
	var fo filterOptions
	taskCounts := counts(search.FacetTask)
	for _, g := range s.Tasks.Groups() {
		og := optionGroup{Label: g.Name.In(lang)}
		for _, t := range s.Tasks.Tasks() {
			if t.Group == g.ID {
				og.Options = append(og.Options, option{Value: t.ID, Label: t.Name.In(lang), Count: taskCounts[t.ID], HasCount: res != nil})
			}
		}
		fo.Tasks = append(fo.Tasks, og)
	}
	kindCounts := counts(search.FacetKind)
	for _, k := range directory.Kinds {
		fo.Kinds = append(fo.Kinds, option{Value: string(k), Label: s.catalog.T(lang, "kind."+string(k)), Count: kindCounts[string(k)], HasCount: res != nil})
	}
	provCounts := counts(search.FacetProvince)
	for _, p := range s.Places.Provinces() {
		fo.Provinces = append(fo.Provinces, option{Value: p.Code, Label: p.Name.In(lang), Count: provCounts[p.Code], HasCount: res != nil})
	}
	return fo
}
