package ui

import (
	"errors"
	"html/template"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/verken/verken/internal/number"
	"github.com/verken/verken/search"
)

// queryValues parses the request's query string once; the values are
// copies, safe to keep after the handler returns.
func queryValues(c *fiber.Ctx) url.Values {
	v, _ := url.ParseQuery(string(c.Context().QueryArgs().QueryString()))
	return v
}

// runSearch binds and runs a search.
func (s *server) runSearch(v url.Values) (*search.Result, error) {
	q, err := bindSearch(v, s.today())
	if err != nil {
		return nil, err
	}
	return s.Index.Search(q)
}

// apiHit is a search hit as the API gives it.
type apiHit struct {
	search.Hit
	URL string `json:"url"`
}

// apiSearchResult is the body of GET /api/v1/suppliers.
type apiSearchResult struct {
	Total   int      `json:"total"`
	Page    int      `json:"page"`
	PerPage int      `json:"per_page"`
	Sort    string   `json:"sort"`
	Hits    []apiHit `json:"hits"`
	// Facets counts, per filter, the matching suppliers per value; a
	// filter's own counts ignore that filter (disjunctive facets).
	Facets map[string]map[string]int `json:"facets"`
}

// paramErrorJSON answers a bad parameter with 400 and what is wrong.
func paramErrorJSON(c *fiber.Ctx, err error) (bool, error) {
	var pe *search.ParamError
	if errors.As(err, &pe) {
		return true, c.Status(fiber.StatusBadRequest).JSON(apiError{Error: "invalid_parameter", Param: pe.Param, Value: pe.Value, Reason: pe.Reason})
	}
	return false, err
}

func (s *server) apiSearchSuppliers(c *fiber.Ctx) error {
	res, err := s.runSearch(queryValues(c))
	if handled, err := paramErrorJSON(c, err); handled || err != nil {
		return err
	}
	out := apiSearchResult{Total: res.Total, Page: res.Page, PerPage: res.PerPage, Sort: res.Sort,
		Hits: make([]apiHit, len(res.Hits)), Facets: map[string]map[string]int{}}
	for i, h := range res.Hits {
		out.Hits[i] = apiHit{Hit: h, URL: "/api/v1/suppliers/" + url.PathEscape(h.ID)}
	}
	for name, values := range res.Facets {
		m := map[string]int{}
		for _, v := range values {
			m[v.Value] = v.Count
		}
		out.Facets[name] = m
	}
	return c.JSON(out)
}

// maxMapSites bounds the markers of one map.
const maxMapSites = 5000

// apiSitesResult is the body of GET /api/v1/suppliers/sites.
type apiSitesResult struct {
	Total     int           `json:"total"`     // matching suppliers
	Truncated bool          `json:"truncated"` // more sites than maxMapSites
	Sites     []search.Site `json:"sites"`
}

func (s *server) apiSearchSites(c *fiber.Ctx) error {
	q, err := bindSearch(queryValues(c), s.today())
	if err == nil {
		var out apiSitesResult
		out.Sites, out.Total, err = s.Index.Sites(q, maxMapSites+1)
		if err == nil {
			if len(out.Sites) > maxMapSites {
				out.Sites, out.Truncated = out.Sites[:maxMapSites], true
			}
			if out.Sites == nil {
				out.Sites = []search.Site{}
			}
			return c.JSON(out)
		}
	}
	_, err = paramErrorJSON(c, err)
	return err
}

// searchView is what the search page shows.
type searchView struct {
	Raw       url.Values // the request's parameters, to keep the form filled in
	Result    *search.Result
	Hits      []hitView
	Error     string
	Filters   filterView
	Sorts     []choice
	Pages     int
	PrevURL   string
	NextURL   string
	HasFilter bool
	// ActiveFilters counts the filter values chosen (not the words, the
	// sort or the page), for the phone's filter button.
	ActiveFilters int
	MapView       bool
	HasTransit    bool // a hit shows a transit class: the legend goes with it
	ListURL       string
	MapURL        string
	SitesURL      string
	// SearchQuery is the search's parameters, to save it.
	SearchQuery string
	ExportCSV   string
	ExportXLS   string
	TileURL     string
	TileAttr    string
	Basemap     string // the provinces' outlines, drawn without tiles
	// Help is offered when the search found nothing.
	Help zeroHelp
	// ConsultURL starts a consultation with what the search holds of a
	// contract's scope, for those who may start one.
	ConsultURL string
}

// hitView is a hit with its highlighted parts trusted as HTML: the search
// package escaped the text and added only <mark>.
type hitView struct {
	search.Hit
	NameMarked        template.HTML
	DescriptionMarked template.HTML
	OV                ovBadge // the transit class, when TransitClass is set
	// Travel is the journey by public transport in the reader's words,
	// with reach.
	Travel string
}

func (s *server) searchPage(c *fiber.Ctx) error {
	lang := s.lang(c)
	raw := queryValues(c)
	res, err := s.runSearch(raw)
	v := searchView{Raw: raw, Result: res, MapView: raw.Get("view") == "map", TileURL: s.TileURL, TileAttr: s.TileAttribution, Basemap: basemapURL}
	status := fiber.StatusOK
	var pe *search.ParamError
	switch {
	case errors.As(err, &pe):
		status = fiber.StatusBadRequest
		v.Error = s.paramMessage(lang, pe)
	case err != nil:
		return err
	}
	params := withoutUIParams(raw)
	v.HasFilter = len(params) > 0
	for k, vs := range params {
		if k != "q" && k != "sort" && k != "page" && k != "per_page" && k != "radius_km" {
			v.ActiveFilters += len(vs)
		}
	}
	if res != nil && res.Total == 0 {
		v.Help = s.zeroResultHelp(lang, raw)
	}
	v.Filters = s.filterView(lang, raw, res)
	v.Sorts = s.sortChoices(lang, raw)
	v.ListURL = "/?" + withParams(raw, map[string]string{"view": ""})
	v.MapURL = "/?" + withParams(raw, map[string]string{"view": "map", "page": ""})
	v.SitesURL = "/api/v1/suppliers/sites?" + params.Encode()
	v.SearchQuery = withParams(params, map[string]string{"page": ""})
	v.ExportCSV = "/api/v1/suppliers/export.csv?" + withParams(params, map[string]string{"page": "", "per_page": ""})
	v.ExportXLS = "/api/v1/suppliers/export.xlsx?" + withParams(params, map[string]string{"page": "", "per_page": ""})
	if mayConsult(s.viewer(c)) {
		v.ConsultURL = "/raadplegingen/nieuw?" + consultFromSearch(params, s.today()).Encode()
	}
	if res != nil {
		for _, h := range res.Hits {
			hv := hitView{Hit: h, NameMarked: template.HTML(h.NameHTML), DescriptionMarked: template.HTML(h.DescriptionHTML),
				OV: s.ovBadge(lang, h.TransitClass)}
			if h.TravelMinutes != nil {
				hv.Travel = s.catalog.T(lang, "hit.travel_minutes", *h.TravelMinutes)
			}
			v.Hits = append(v.Hits, hv)
			v.HasTransit = v.HasTransit || h.TransitClass != ""
		}
		if res.Total > 0 {
			v.Pages = (res.Total + res.PerPage - 1) / res.PerPage
			if res.Page > 1 {
				v.PrevURL = "/?" + withParams(raw, map[string]string{"page": strconv.Itoa(res.Page - 1)})
			}
			if res.Page < v.Pages {
				v.NextURL = "/?" + withParams(raw, map[string]string{"page": strconv.Itoa(res.Page + 1)})
			}
		}
	}
	return s.render(c, status, "search", s.catalog.T(lang, "nav.search"), v)
}

// withoutUIParams drops the parameters that only the page uses.
func withoutUIParams(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		if k == "view" || k == "lang" {
			continue
		}
		for _, x := range vs {
			if x != "" {
				out[k] = append(out[k], x)
			}
		}
	}
	return out
}

// withParams encodes v with some parameters set, or removed when empty.
func withParams(v url.Values, set map[string]string) string {
	out := url.Values{}
	for k, vs := range v {
		for _, x := range vs {
			if x != "" {
				out[k] = append(out[k], x)
			}
		}
	}
	for k, x := range set {
		if x == "" {
			out.Del(k)
		} else {
			out.Set(k, x)
		}
	}
	return out.Encode()
}

// paramMessage explains a bad parameter in the user's language.
func (s *server) paramMessage(lang string, pe *search.ParamError) string {
	reason := pe.Reason
	if b, ok := number.For(pe.Param); ok && pe.Code == "range" {
		reason = s.catalog.T(lang, "reason.between", formatNumber(lang, b.Min), formatNumber(lang, b.Max))
	} else if key := "reason." + pe.Code; s.catalog.Has(key) {
		reason = s.catalog.T(lang, key, pe.Value)
	}
	label := pe.Param
	if key := "filter." + pe.Param; s.catalog.Has(key) {
		label = s.catalog.T(lang, key)
	}
	return s.catalog.T(lang, "error.param", label, reason)
}
