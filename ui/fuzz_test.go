package ui_test

import (
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"testing"

	"github.com/verken/verken/internal/testenv"
	"github.com/verken/verken/search/catalogue"
	"github.com/verken/verken/ui"
)

// Any query string on the search page, the search API, the exports, the
// map and the market check gets an answer below 500.
func FuzzSearchParameters(f *testing.F) {
	for _, q := range []string{"q=schoonmaak&task=office-cleaning&province=OVL", "near=50.8,4.3&radius_km=-1&sort=distance", "min_fte=1e309&page=99999999999999999999",
		"available_by=2026-02-30&max_lead_weeks=-3", "cpv=90910000-8&serves=%00", "q=" + url.QueryEscape("\xff\xfe*?~^"), "kind=&kind=lde&kind=lde", "per_page=0", "region=WAL&min_transit_class=z",
		"task=office-cleaning&place=9000&volume_fte=NaN&start=2030-01-01"} {
		f.Add(q)
	}
	dir := f.TempDir()
	store := testenv.Store(f, dir, 30)
	g, tx := testenv.Tables(f)
	idx, err := catalogue.Open(filepath.Join(dir, "index"), store, catalogue.Options{Places: g, Tasks: tx})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { idx.Close() })
	app, err := ui.New(ui.Deps{Store: store, Index: idx, Places: g, Tasks: tx})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, query string) {
		for _, path := range []string{"/", "/api/v1/suppliers", "/api/v1/suppliers/sites", "/api/v1/suppliers/export.csv", "/marktverkenning", "/api/v1/reachability"} {
			req := httptest.NewRequest("GET", "http://verken.test"+path, nil)
			req.URL.RawQuery = query
			resp, err := app.Test(req, -1)
			if err != nil {
				return // the client refused to send it
			}
			resp.Body.Close()
			if resp.StatusCode >= 500 {
				t.Fatalf("GET %s?%s: %d", path, query, resp.StatusCode)
			}
		}
	})
}
