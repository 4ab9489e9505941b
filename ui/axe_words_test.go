package ui_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/transit"
	"github.com/verken/verken/ui"
)

// axeSerious runs axe-core on the tab's page and lists its serious and
// critical violations.
func axeSerious(t *testing.T, p page) []string {
	t.Helper()
	raw, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](axeSource+`;axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("axe: %v", err)
	}
	var vs []axeViolation
	if err := json.Unmarshal([]byte(raw), &vs); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, v := range vs {
		if v.Impact != "serious" && v.Impact != "critical" {
			continue
		}
		var where []string
		for _, n := range v.Nodes[:min(3, len(v.Nodes))] {
			b, _ := json.Marshal(n.Target)
			where = append(where, string(b))
		}
		out = append(out, v.Impact+" "+v.ID+": "+v.Help+" at "+strings.Join(where, " "))
	}
	return out
}

// The pages as they are with what TestPagesPassAxe's bare store does not
// show: a history with changes in words (by a form and by an API token),
// the market check with the place's class in words and its legend, with
// the sites' classes, and saved. No serious or critical axe violation, in
// Dutch, French and English.
func TestPagesInWordsPassAxe(t *testing.T) {
	holder := &transit.Holder{}
	s := startServer(t, 20, func(d *ui.Deps) { d.Transit = holder })
	ghent, _ := s.Store.Get(seedCleaners(t, s)[0])
	sup, _ := s.Store.Get("demo-0001")
	holder.Set(tramsAt(t, sup.Sites[0].Lat, sup.Sites[0].Lon, ghent.Sites[0].Lat, ghent.Sites[0].Lon))
	if err := s.Index.SetTransit(holder.ClassAt); err != nil {
		t.Fatal(err)
	}
	planner := account(t, s, "planner@demo-0001.example", directory.RoleSupplier, "demo-0001")
	account(t, s, "admin@verken.example", directory.RoleAdmin)
	b := newVisitor(t, s)
	b.signIn(planner.Email, testPassword)
	b.get("/mijn/leveranciers/demo-0001/capaciteit")
	if code, _, body := b.post("/mijn/leveranciers/demo-0001/capaciteit", url.Values{"version": {version(t, s, "demo-0001")},
		"offers[0].id": {sup.Offers[0].ID}, "offers[0].free_fte": {"3,5"}, "offers[0].available_from": {"2030-02-04"}}); code != 303 {
		t.Fatalf("capacity form: %d\n%s", code, body)
	}
	secret, _, err := s.Store.NewToken(planner.ID, "demo-0001", "planning")
	if err != nil {
		t.Fatal(err)
	}
	api := newVisitor(t, s)
	api.bearer = secret
	if code, body := jsonCall(api, "PATCH", "/api/v1/suppliers/demo-0001/offers/"+sup.Offers[0].ID, `{"free_fte": 1.5, "version": `+version(t, s, "demo-0001")+`}`); code != 200 {
		t.Fatalf("PATCH: %d %s", code, body)
	}

	p := page{t, browser(t)}
	p.do(chromedp.Navigate(s.URL+"/inloggen?lang=nl"), chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), "admin@verken.example"), chromedp.SendKeys(chromedp.ID("password"), testPassword+"\n"))
	p.waitURL("/mijn")
	// The administrator saves the worked example's check.
	p.do(chromedp.Navigate(s.URL+"/marktverkenning?"+workedExample), chromedp.WaitVisible(chromedp.ID("save-check")), chromedp.Click(chromedp.ID("save-check")))
	saved := p.waitURL("/marktverkenning/")
	saved = saved[strings.Index(saved, "/marktverkenning/"):]

	for _, path := range []string{"/mijn/leveranciers/demo-0001/geschiedenis", "/marktverkenning?" + workedExample,
		"/marktverkenning?task=office-cleaning&region=OVL&volume_fte=3&start=2030-01-07", saved} {
		for _, lang := range []string{"nl", "fr", "en"} {
			sep := "?"
			if strings.Contains(path, "?") {
				sep = "&"
			}
			p.do(chromedp.Navigate(s.URL+path+sep+"lang="+lang), chromedp.WaitReady(chromedp.CSS("footer.foot")))
			// The page shows what this test is for.
			want := map[bool]string{true: "table.changes", false: "#ov-legend"}[strings.Contains(path, "geschiedenis")]
			if p.eval(`document.querySelector(`+jsString(want)+`) !== null ? 1 : 0`) != 1 {
				t.Fatalf("%s (%s) lacks %s", path, lang, want)
			}
			for _, v := range axeSerious(t, p) {
				t.Errorf("%s (%s): %s", path, lang, v)
			}
		}
	}
}
