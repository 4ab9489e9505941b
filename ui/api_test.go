package ui_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

type searchResponse struct {
	Total uint64 `json:"total"`
	Hits  []struct {
		ID           string   `json:"id"`
		Name         string   `json:"name"`
		Kind         string   `json:"kind"`
		Municipality string   `json:"municipality"`
		Province     string   `json:"province"`
		Tasks        []string `json:"tasks"`
		FreeFTE      float64  `json:"free_fte"`
		UpdatedAt    string   `json:"updated_at"`
	} `json:"hits"`
	Facets map[string]map[string]int `json:"facets"`
}

type apiErr struct {
	Error  string `json:"error"`
	Param  string `json:"param"`
	Reason string `json:"reason"`
}

func TestAPISearchFiltersAndFacets(t *testing.T) {
	s := startServer(t, 150)
	var all searchResponse
	if code := s.get(t, "/api/v1/suppliers?per_page=100", &all); code != 200 {
		t.Fatalf("status %d", code)
	}
	if all.Total != 150 || len(all.Hits) != 100 {
		t.Fatalf("total %d, %d hits", all.Total, len(all.Hits))
	}
	for _, facet := range []string{"kind", "task", "province"} {
		sum := 0
		for _, n := range all.Facets[facet] {
			sum += n
		}
		if sum == 0 {
			t.Fatalf("facet %s is empty", facet)
		}
	}
	kinds := all.Facets["kind"]
	var cleaning searchResponse
	s.get(t, "/api/v1/suppliers?q=schoonmaak&per_page=100", &cleaning)
	if cleaning.Total == 0 {
		t.Fatal("no demo supplier found for 'schoonmaak'")
	}
	for _, h := range cleaning.Hits {
		if !strings.Contains(strings.Join(h.Tasks, " "), "cleaning") && !strings.Contains(strings.ToLower(h.Name), "schoonmaak") {
			t.Errorf("%s (%v) does not clean", h.Name, h.Tasks)
		}
	}
	// Repeated parameters: OR within a filter.
	var two searchResponse
	s.get(t, "/api/v1/suppliers?kind=lde&kind=regulier&per_page=1", &two)
	if int(two.Total) != kinds["lde"]+kinds["regulier"] {
		t.Fatalf("kind=lde&kind=regulier: %d, facets say %d+%d", two.Total, kinds["lde"], kinds["regulier"])
	}
	// AND across filters, with a name for the province and a postcode for the municipality.
	var gent searchResponse
	s.get(t, "/api/v1/suppliers?province=Oost-Vlaanderen&municipality=9000&per_page=100", &gent)
	for _, h := range gent.Hits {
		if h.Municipality != "Gent" {
			t.Fatalf("municipality=9000 gave %s", h.Municipality)
		}
	}
	var arr searchResponse
	s.get(t, "/api/v1/suppliers?arrondissement=44&per_page=100", &arr)
	if arr.Total == 0 || arr.Total > uint64(all.Facets["province"]["OVL"]) {
		t.Fatalf("arrondissement Gent: %d of %d in East Flanders", arr.Total, all.Facets["province"]["OVL"])
	}
	// Facets are disjunctive: the kind facet under a kind filter counts as
	// if no kind were picked, while the other facets narrow.
	var maatwerk searchResponse
	s.get(t, "/api/v1/suppliers?kind=maatwerkbedrijf", &maatwerk)
	for kind, n := range all.Facets["kind"] {
		if maatwerk.Facets["kind"][kind] != n {
			t.Fatalf("kind facet under kind=maatwerkbedrijf: %v, without the filter %v", maatwerk.Facets["kind"], all.Facets["kind"])
		}
	}
	provinces := 0
	for p, n := range maatwerk.Facets["province"] {
		if n > all.Facets["province"][p] {
			t.Fatalf("province %s: %d under kind=maatwerkbedrijf, %d in all", p, n, all.Facets["province"][p])
		}
		provinces += n
	}
	if maatwerk.Total != uint64(all.Facets["kind"]["maatwerkbedrijf"]) || provinces < int(maatwerk.Total) {
		t.Fatalf("kind=maatwerkbedrijf: total %d, kind facet %d, province counts %d", maatwerk.Total, all.Facets["kind"]["maatwerkbedrijf"], provinces)
	}
	// Pages do not overlap.
	var p1, p2 searchResponse
	s.get(t, "/api/v1/suppliers?per_page=10&page=1", &p1)
	s.get(t, "/api/v1/suppliers?per_page=10&page=2", &p2)
	if p1.Hits[0].ID == p2.Hits[0].ID || p2.Total != 150 {
		t.Fatal("page 2 repeats page 1")
	}
}

func TestAPIBadParametersGet400(t *testing.T) {
	s := startServer(t, 5)
	for path, param := range map[string]string{
		"/api/v1/suppliers?task=juggling":         "task",
		"/api/v1/suppliers?kind=bakery":           "kind",
		"/api/v1/suppliers?municipality=Atlantis": "municipality",
		"/api/v1/suppliers?municipality=4000":     "municipality",
		"/api/v1/suppliers?sort=distance":         "sort",
		"/api/v1/suppliers?near=Atlantis":         "near",
		"/api/v1/suppliers?serves=0000":           "serves",
		"/api/v1/suppliers?min_fte=lots":          "min_fte",
		"/api/v1/suppliers?min_fte=-1":            "min_fte",
		"/api/v1/suppliers?available_by=tomorrow": "available_by",
		"/api/v1/suppliers?reserved=maybe":        "reserved",
		"/api/v1/suppliers?cpv=123":               "cpv",
		"/api/v1/suppliers?sector=public":         "sector",
		"/api/v1/suppliers?max_lead_weeks=1.5":    "max_lead_weeks",
		"/api/v1/suppliers/sites?task=juggling":   "task",
		"/api/v1/suppliers?province=Narnia":       "province",
		"/api/v1/suppliers?arrondissement=99":     "arrondissement",
		"/api/v1/suppliers?page=0":                "page",
		"/api/v1/suppliers?page=abc":              "page",
		"/api/v1/suppliers?per_page=1000":         "per_page",
	} {
		var e apiErr
		if code := s.get(t, path, &e); code != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", path, code)
		}
		if e.Param != param || e.Reason == "" || e.Error != "invalid_parameter" {
			t.Errorf("%s: %+v, want param %s with a reason", path, e, param)
		}
	}
}

func TestAPIGetSupplier(t *testing.T) {
	s := startServer(t, 5)
	var sup struct {
		ID               string `json:"id"`
		EnterpriseNumber string `json:"enterprise_number"`
		Offers           []struct {
			Task string `json:"task"`
		} `json:"offers"`
		Sites   []struct{ Postcode string } `json:"sites"`
		Version uint64                      `json:"version"`
		Demo    bool                        `json:"demo"`
	}
	if code := s.get(t, "/api/v1/suppliers/demo-0003", &sup); code != 200 {
		t.Fatalf("status %d", code)
	}
	if sup.ID != "demo-0003" || len(sup.EnterpriseNumber) != 10 || len(sup.Offers) == 0 || len(sup.Sites) == 0 || sup.Version != 1 || !sup.Demo {
		t.Fatalf("profile incomplete: %+v", sup)
	}
	var e apiErr
	if code := s.get(t, "/api/v1/suppliers/no-such-supplier", &e); code != http.StatusNotFound || e.Error != "not_found" {
		t.Fatalf("unknown id: %d %+v", code, e)
	}
	if code := s.get(t, "/healthz", nil); code != 200 {
		t.Fatalf("healthz: %d", code)
	}
}

func TestPagesSpeakDutchAndExplainBadInput(t *testing.T) {
	s := startServer(t, 20)
	body := func(path string) (int, string) {
		resp, err := http.Get(s.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	code, html := body("/?kind=bakery")
	if code != 400 || !strings.Contains(html, "is geen gekende soort leverancier") {
		t.Fatalf("bad filter on the page: %d", code)
	}
	code, html = body("/?q=%3Cscript%3Ealert(1)%3C/script%3E")
	if code != 200 || strings.Contains(html, "<script>alert(1)") {
		t.Fatal("query not escaped")
	}
	code, html = body("/leveranciers/demo-0001?lang=fr")
	if code != 200 || !strings.Contains(html, "Numéro d") || !strings.Contains(html, `lang="fr"`) {
		t.Fatalf("French supplier page: %d", code)
	}
	code, html = body("/leveranciers/nope")
	if code != 404 || !strings.Contains(html, "bestaat niet") {
		t.Fatalf("unknown supplier page: %d", code)
	}
}

// The OpenAPI document is generated from the routes and the parameter
// table: every API route and every search parameter is in it.
func TestOpenAPIDocumentDescribesTheAPI(t *testing.T) {
	s := startServer(t, 3)
	var doc struct {
		OpenAPI string `json:"openapi"`
		Paths   map[string]map[string]struct {
			Parameters []struct {
				Name string `json:"name"`
				In   string `json:"in"`
			} `json:"parameters"`
			Responses map[string]any `json:"responses"`
		} `json:"paths"`
		Components struct {
			Schemas map[string]struct {
				Properties map[string]any `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if code := s.get(t, "/api/openapi.json", &doc); code != 200 || doc.OpenAPI != "3.1.0" {
		t.Fatalf("status %d, openapi %q", code, doc.OpenAPI)
	}
	search := doc.Paths["/api/v1/suppliers"]["get"]
	var names []string
	for _, p := range search.Parameters {
		names = append(names, p.Name)
	}
	for _, want := range []string{"q", "task", "task_group", "cpv", "kind", "sector", "reserved", "target_group", "cooperation",
		"municipality", "arrondissement", "province", "region", "serves", "near", "radius_km", "min_fte", "available_by",
		"max_lead_weeks", "min_contract_eur", "at_client_site", "fresh", "sort", "page", "per_page"} {
		if !strings.Contains(","+strings.Join(names, ",")+",", ","+want+",") {
			t.Errorf("search parameter %s is not documented", want)
		}
	}
	for _, path := range []string{"/api/v1/suppliers/sites", "/api/v1/suppliers/export.csv", "/api/v1/suppliers/export.xlsx", "/api/v1/suppliers/{id}"} {
		if _, ok := doc.Paths[path]["get"]; !ok {
			t.Errorf("%s is not documented", path)
		}
	}
	if _, ok := search.Responses["400"]; !ok {
		t.Error("the 400 answer of the search is not documented")
	}
	// The hit schema comes from the Go type, embedded fields included.
	hit := doc.Components.Schemas["apiHit"].Properties
	for _, f := range []string{"id", "url", "matching_fte", "distance_km", "stale", "reserved", "name_html"} {
		if _, ok := hit[f]; !ok {
			t.Errorf("hit schema lacks %s: %v", f, hit)
		}
	}
	if _, ok := doc.Components.Schemas["Supplier"].Properties["offers"]; !ok {
		t.Error("the supplier schema lacks offers")
	}
}
