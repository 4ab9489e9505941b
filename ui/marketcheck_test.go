package ui_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/testenv"
	"github.com/verken/verken/market"
)

// seedCleaners puts the worked example into an empty store: four eligible
// cleaners in Ghent free 2, 2, 1.5 and 1 FTE.
func seedCleaners(t *testing.T, s *liveServer) []string {
	t.Helper()
	var ids []string
	for i, fte := range []float64{2, 2, 1.5, 1} {
		sup := &directory.Supplier{
			Name: fmt.Sprintf("Poetsploeg %d", i+1), Kind: directory.KindMaatwerkbedrijf,
			EnterpriseNumber: directory.EnterpriseNumberWithCheck(7000000 + i), TargetGroupShare: 65,
			Recognitions: []directory.Recognition{{Type: "maatwerkbedrijf", Number: fmt.Sprintf("M-%d", i), ValidFrom: directory.NewDate(2020, 1, 1)}},
			Sites:        []directory.Site{{Postcode: "9000"}},
			Offers:       []directory.Offer{{Task: "office-cleaning", FreeFTE: fte, LeadTimeWeeks: 2, AtClientSite: true, ServiceArea: directory.ServiceArea{Provinces: []string{"OVL"}}}},
		}
		if err := s.Store.Create(sup); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, sup.ID)
	}
	waitIndexed(t, s)
	return ids
}

const workedExample = "task=office-cleaning&place=9000&volume_fte=6&start=2030-01-07&duration_months=24&yearly_value_eur=250000"

func TestMarketCheckPageAndSavedReport(t *testing.T) {
	s := startServer(t, 0)
	ids := seedCleaners(t, s)
	account(t, s, "koper@stad.example", directory.RoleBuyer)
	b := newVisitor(t, s)
	code, page := b.get("/marktverkenning?" + workedExample)
	if code != 200 {
		t.Fatalf("check page: %d", code)
	}
	for _, want := range []string{`id="fig-coverage">1,08<`, `id="fig-matching">4<`, "Behoud percelen voor.", "Verdeel in 3 percelen van 2 VTE en behoud ze alle voor", `id="lot-plan"`, "Poetsploeg 3",
		"Leveranciers per perceel: 2", "Kleinste perceel (VTE): 1", "<code>res-ws</code>", "BT-736", "minstens 30 % van hun werknemers",
		"art. 15 van de wet van 17 juni 2016"} {
		if !strings.Contains(page, want) {
			t.Fatalf("the report lacks %q", want)
		}
	}
	if strings.Contains(page, "%!") {
		t.Error("a message was formatted with the wrong arguments")
	}
	// Thresholds are words, never their setting names, and dates read
	// dd-mm-yyyy, in every language.
	for lang, words := range map[string]string{"nl": "Leveranciers per perceel: 2", "fr": "Fournisseurs par lot: 2", "en": "Suppliers per lot: 2"} {
		_, page := b.get("/marktverkenning?lang=" + lang + "&" + workedExample)
		text := stripTags(page)
		for _, internal := range []string{"reserve_min_suppliers", "poor_class", "lot_min_suppliers", "max_travel_minutes", "settings."} {
			if strings.Contains(text, internal) {
				t.Errorf("%s: the page shows the setting name %q", lang, internal)
			}
		}
		if !strings.Contains(text, words) || !strings.Contains(text, "07-01-2030") || regexp.MustCompile(`\b20\d\d-\d\d-\d\d\b`).MatchString(text) {
			t.Errorf("%s: the thresholds in words or a date as dd-mm-yyyy are missing, or an ISO date is shown", lang)
		}
	}
	b.get("/?lang=nl") // the language chosen last sticks
	// A point outside Flanders and Brussels is refused in the user's language.
	code, page = b.get("/marktverkenning?task=office-cleaning&place=48.8566,2.3522&volume_fte=6&start=2030-01-07")
	if code != 422 || !strings.Contains(page, "ligt buiten Vlaanderen en Brussel") {
		t.Fatalf("point in Paris: %d", code)
	}
	// The suppliers behind the figures as CSV.
	resp, csv := fetch(t, s.URL+"/marktverkenning/leveranciers.csv?"+workedExample)
	if resp.StatusCode != 200 || strings.Count(string(csv), "\r\n") != 5 || !strings.Contains(string(csv), "Poetsploeg 1") {
		t.Fatalf("csv: %d\n%s", resp.StatusCode, csv)
	}

	// Save it, change the data, reopen it: the figures are as they were.
	b.signIn("koper@stad.example", testPassword)
	b.get("/marktverkenning?" + workedExample)
	code, loc, _ := b.post("/marktverkenning/bewaren", url.Values{"query": {workedExample}})
	if code != 303 || !strings.HasPrefix(loc, "/marktverkenning/") {
		t.Fatalf("save: %d %s", code, loc)
	}
	sup, _ := s.Store.Get(ids[0])
	sup.Offers[0].FreeFTE = 10
	if err := s.Store.Update(&sup, directory.System); err != nil {
		t.Fatal(err)
	}
	waitIndexed(t, s)
	_, saved := b.get(loc)
	if !strings.Contains(saved, `id="fig-coverage">1,08<`) || !strings.Contains(saved, `id="run-again"`) {
		t.Fatal("the saved report does not show its original coverage")
	}
	_, now := b.get("/marktverkenning?" + workedExample)
	if !strings.Contains(now, `id="fig-coverage">2,42<`) {
		t.Fatal("running again does not use today's data (14.5 / 6 = 2.42)")
	}
	var api struct {
		Figures struct {
			Coverage float64 `json:"coverage"`
		} `json:"figures"`
	}
	id := strings.TrimPrefix(loc, "/marktverkenning/")
	if c := s.get(t, "/api/v1/market-checks/"+id, &api); c != 200 || api.Figures.Coverage != 1.08 {
		t.Fatalf("saved report through the API: %d %+v", c, api)
	}
	_, dash := b.get("/mijn")
	if !strings.Contains(dash, loc) {
		t.Fatal("the dashboard does not list the saved report")
	}
}

func TestMarketCheckAPI(t *testing.T) {
	s := startServer(t, 0)
	seedCleaners(t, s)
	body := `{"tasks": ["office-cleaning"], "place": "Gent", "volume_fte": 6, "start": "2030-01-07", "duration_months": 12, "yearly_value_eur": 100000}`
	b := newVisitor(t, s)
	b.csrf = ""
	code, _, resp := b.do("POST", "/api/v1/market-checks", strings.NewReader(body), "application/json")
	if code != 200 {
		t.Fatalf("api: %d %s", code, resp)
	}
	var rep struct {
		Figures struct {
			Coverage float64 `json:"coverage"`
			Eligible int     `json:"eligible"`
		} `json:"figures"`
		Advice []struct {
			Code    string             `json:"code"`
			Figures map[string]float64 `json:"figures"`
		} `json:"advice"`
	}
	if err := json.Unmarshal([]byte(resp), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Figures.Coverage != 1.08 || rep.Figures.Eligible != 4 || rep.Advice[0].Code != "reserve_lots" || rep.Advice[0].Figures["lot_fte"] != 2 {
		t.Fatalf("api report: %+v", rep)
	}
	code, _, resp = b.do("POST", "/api/v1/market-checks", strings.NewReader(`{"tasks": ["office-cleaning"], "place": "Atlantis", "volume_fte": 1, "start": "2030-01-07"}`), "application/json")
	if code != 422 || !strings.Contains(resp, `"param":"place"`) {
		t.Fatalf("bad place: %d %s", code, resp)
	}

	// A place given as lat,lon counts as in the municipality whose centre is
	// nearest: Ghent's centre gives Ghent's report; Paris is outside.
	g, _ := testenv.Tables(t)
	ghent, _ := g.ResolveMunicipality("Gent")
	atGhent := fmt.Sprintf(`{"tasks": ["office-cleaning"], "place": "%f,%f", "volume_fte": 6, "start": "2030-01-07"}`, ghent.Lat+0.01, ghent.Lon)
	code, _, resp = b.do("POST", "/api/v1/market-checks", strings.NewReader(atGhent), "application/json")
	rep.Figures.Coverage = 0
	if code != 200 || json.Unmarshal([]byte(resp), &rep) != nil || rep.Figures.Coverage != 1.08 {
		t.Fatalf("place as lat,lon: %d %s", code, resp)
	}
	code, _, resp = b.do("POST", "/api/v1/market-checks", strings.NewReader(`{"tasks": ["office-cleaning"], "place": "48.8566,2.3522", "volume_fte": 1, "start": "2030-01-07"}`), "application/json")
	if code != 422 || !strings.Contains(resp, `"param":"place"`) || !strings.Contains(resp, "outside Flanders") {
		t.Fatalf("place in Paris: %d %s", code, resp)
	}
}

func TestSegmentsOverview(t *testing.T) {
	s := startServer(t, 0)
	seedCleaners(t, s)
	code, page := newVisitor(t, s).get("/segmenten")
	if code != 200 || !strings.Contains(page, `href="/segmenten?province=OVL"`) {
		t.Fatalf("segments: %d", code)
	}
	// Four cleaners in East Flanders with 6.5 FTE free.
	if !strings.Contains(page, `<span class="n">4</span> <small>6,5 VTE</small>`) {
		t.Fatal("the cleaning cell of East Flanders is not 4 suppliers and 6,5 FTE")
	}
	_, drill := newVisitor(t, s).get("/segmenten?province=OVL")
	if !strings.Contains(drill, "Gent") {
		t.Fatal("the drill-down does not show the arrondissement of Ghent")
	}
	resp, csv := fetch(t, s.URL+"/segmenten.csv")
	if resp.StatusCode != 200 || !strings.Contains(string(csv), ";OVL;4;6,5") {
		t.Fatalf("segments csv: %d\n%s", resp.StatusCode, csv)
	}
}

// waitIndexed waits until the index has every change of the store.
func waitIndexed(t *testing.T, s *liveServer) {
	t.Helper()
	seq, _ := s.Store.LastSeq()
	ctx, cancel := contextWithTimeout()
	defer cancel()
	if err := s.Index.WaitFor(ctx, seq); err != nil {
		t.Fatal(err)
	}
}

// stripTags leaves a page's text: what a reader sees, without the markup
// (form field names and attributes may name settings).
func stripTags(html string) string {
	return regexp.MustCompile(`(?s)<[^>]*>`).ReplaceAllString(html, " ")
}

// Every bad market check names its body field, with 422: over the API
// and on the page, in the buyer's language.
func TestMarketCheckBadRequestsNameTheirField(t *testing.T) {
	s := startServer(t, 0)
	seedCleaners(t, s)
	for body, field := range map[string]string{
		`{"tasks":["office-cleaning"],"place":"9000","volume_fte":2,"start":"2020-01-06"}`:             "start",
		`{"tasks":["office-cleaning"],"place":"9000","volume_fte":2,"start":"2027-02-30"}`:             "start",
		`{"tasks":["no-such-task"],"place":"9000","volume_fte":2,"start":"2030-01-07"}`:                "tasks",
		`{"tasks":["office-cleaning"],"target_groups":["nobody"],"volume_fte":2,"start":"2030-01-07"}`: "target_groups",
		`{"cpv":"12345678","volume_fte":2,"start":"2030-01-07"}`:                                       "cpv",
		`{"tasks":["office-cleaning"],"volume_fte":1e308,"start":"2030-01-07"}`:                        "volume_fte",
		`{"tasks":["office-cleaning"],"volume_fte":2,"start":"2030-01-07","settings":{"max_lots":0}}`:  "settings.max_lots",
	} {
		resp, err := http.Post(s.URL+"/api/v1/market-checks", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		var e struct{ Param, Reason string }
		_ = json.NewDecoder(resp.Body).Decode(&e)
		resp.Body.Close()
		if resp.StatusCode != 422 || e.Param != field {
			t.Errorf("%s: %d, param %q (%s), want 422 naming %s", body, resp.StatusCode, e.Param, e.Reason, field)
		}
	}
	// A partial settings object keeps the other thresholds.
	resp, err := http.Post(s.URL+"/api/v1/market-checks", "application/json",
		strings.NewReader(`{"tasks":["office-cleaning"],"place":"9000","volume_fte":2,"start":"2030-01-07","settings":{"max_lots":4}}`))
	if err != nil {
		t.Fatal(err)
	}
	var rep market.CheckReport
	_ = json.NewDecoder(resp.Body).Decode(&rep)
	resp.Body.Close()
	if resp.StatusCode != 200 || rep.Settings.MaxLots != 4 || rep.Settings.ReserveMinSuppliers != 3 || rep.Settings.LotMinSuppliers != 2 {
		t.Errorf("partial settings: %d %+v", resp.StatusCode, rep.Settings)
	}
	b := newVisitor(t, s)
	code, page := b.get("/marktverkenning?lang=fr&task=office-cleaning&place=9000&volume_fte=2&start=2020-01-06")
	if code != 422 || !strings.Contains(page, "lang=\"fr\"") {
		t.Errorf("a start in the past on the French page: %d", code)
	}
}
