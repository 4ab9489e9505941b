package ui_test

import (
	_ "embed"
	"encoding/json"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/verken/verken/directory"
)

// axe-core 4.14.1 from the npm registry (MPL-2.0, testdata/axe-core-4.14.1/LICENSE).
//
//go:embed testdata/axe-core-4.14.1/axe.min.js
var axeSource string

type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any `json:"target"`
	} `json:"nodes"`
}

// Every page passes axe-core with no serious or critical violation, in
// Dutch, French and English.
func TestPagesPassAxe(t *testing.T) {
	s := startServer(t, 60)
	waitIndexed(t, s)
	account(t, s, "admin@verken.example", directory.RoleAdmin)
	p := page{t, browser(t)}
	public := []string{"/", "/?q=schoonmaak&province=OVL&sort=name", "/?q=schoonmaak&view=map", "/leveranciers/demo-0001", "/inloggen", "/registreren",
		"/wachtwoord-vergeten", "/marktverkenning", "/marktverkenning?task=office-cleaning&place=9000&volume_fte=3&start=2030-01-07", "/segmenten",
		"/segmenten?province=OVL", "/bestaat-niet"}
	private := []string{"/mijn", "/mijn/tokens", "/mijn/leveranciers/demo-0001/capaciteit", "/mijn/leveranciers/demo-0001/bewerken",
		"/mijn/leveranciers/demo-0001/geschiedenis", "/beheer"}
	check := func(lang, path string) {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		p.do(chromedp.Navigate(s.URL+path+sep+"lang="+lang), chromedp.WaitReady(chromedp.CSS("footer.foot")))
		raw, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](axeSource+`;axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations))`, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("axe on %s: %v", path, err)
		}
		var vs []axeViolation
		if err := json.Unmarshal([]byte(raw), &vs); err != nil {
			t.Fatal(err)
		}
		for _, v := range vs {
			if v.Impact == "serious" || v.Impact == "critical" {
				var where []string
				for _, n := range v.Nodes[:min(3, len(v.Nodes))] {
					b, _ := json.Marshal(n.Target)
					where = append(where, string(b))
				}
				t.Errorf("%s (%s): %s %s: %s at %s", path, lang, v.Impact, v.ID, v.Help, strings.Join(where, " "))
			}
		}
	}
	for _, lang := range []string{"nl", "fr", "en"} {
		for _, path := range public {
			check(lang, path)
		}
	}
	// Signed in as an administrator, who sees every private page.
	p.do(chromedp.Navigate(s.URL+"/inloggen?lang=nl"), chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), "admin@verken.example"), chromedp.SendKeys(chromedp.ID("password"), testPassword+"\n"))
	p.waitURL("/mijn")
	for _, lang := range []string{"nl", "fr", "en"} {
		for _, path := range private {
			check(lang, path)
		}
	}
}
