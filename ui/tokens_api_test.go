package ui_test

import (
	"encoding/json"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/verken/verken/directory"
)

var (
	patchExample = regexp.MustCompile(`(?s)<pre id="patch-example"><code>PATCH (\S+)\n.*?\n\n(.*?)</code></pre>`)
	newToken     = regexp.MustCompile(`<code id="new-token">([^<]+)</code>`)
)

// The token page shows each offer's id and the supplier's current
// version, and its PATCH example, sent as it stands with a new token,
// succeeds; afterwards the page shows the next version.
func TestTokenPageExampleWorksAsItStands(t *testing.T) {
	s := startServer(t, 3)
	account(t, s, "erp@brug.example", directory.RoleSupplier, "demo-0002")
	sup, _ := s.Store.Get("demo-0002")
	b := newVisitor(t, s)
	b.signIn("erp@brug.example", testPassword)
	_, page := b.get("/mijn/tokens")
	for _, o := range sup.Offers {
		if !strings.Contains(page, `<code class="offer-id">`+o.ID+`</code>`) {
			t.Errorf("offer %s (%s) is not shown", o.ID, o.Task)
		}
	}
	if !strings.Contains(page, `<code class="version">`+itoa(int(sup.Version))+`</code>`) {
		t.Fatalf("the current version %d is not shown", sup.Version)
	}
	code, _, created := b.post("/mijn/tokens", url.Values{"name": {"erp"}, "supplier_id": {"demo-0002"}})
	m := newToken.FindStringSubmatch(created)
	if code != 201 || m == nil {
		t.Fatalf("make a token: %d", code)
	}
	ex := patchExample.FindStringSubmatch(created)
	if ex == nil {
		t.Fatalf("no PATCH example on the page:\n%s", created)
	}
	path, body := html.UnescapeString(ex[1]), html.UnescapeString(ex[2])
	if path != "/api/v1/suppliers/demo-0002/offers/"+sup.Offers[0].ID || !strings.Contains(body, `"version": `+itoa(int(sup.Version))) {
		t.Fatalf("the example is not this supplier's first offer at its version: %s %s", path, body)
	}
	api := newVisitor(t, s)
	api.bearer, api.csrf = m[1], ""
	code, _, resp := api.do("PATCH", path, strings.NewReader(body), "application/json")
	if code != 200 {
		t.Fatalf("the page's example gives %d: %s", code, resp)
	}
	after, _ := s.Store.Get("demo-0002")
	if after.Version != sup.Version+1 || after.Offers[0].FreeFTE != sup.Offers[0].FreeFTE {
		t.Fatalf("after the example: version %d (was %d), free %v (was %v)", after.Version, sup.Version, after.Offers[0].FreeFTE, sup.Offers[0].FreeFTE)
	}
	_, page = b.get("/mijn/tokens")
	if ex := patchExample.FindStringSubmatch(page); ex == nil || !strings.Contains(html.UnescapeString(ex[2]), `"version": `+itoa(int(after.Version))) {
		t.Fatal("the example does not follow the new version")
	}
	// An administrator, with no supplier of its own, gets the general form.
	account(t, s, "beheer@verken.example", directory.RoleAdmin)
	a := newVisitor(t, s)
	a.signIn("beheer@verken.example", testPassword)
	if _, page := a.get("/mijn/tokens"); !strings.Contains(page, "PATCH /api/v1/suppliers/{id}/offers/{offer_id}") {
		t.Error("without a supplier the example does not show the general form")
	}
}

// A value of the wrong kind in the offer PATCH is refused with 422 naming
// the field and saying what it takes, never with the JSON decoder's own
// words; a body that is not a JSON object is 400. Nothing is written.
func TestOfferPatchNamesTheFieldOfAWrongValue(t *testing.T) {
	s := startServer(t, 2)
	acc := account(t, s, "erp@brug.example", directory.RoleSupplier, "demo-0001")
	token, _, _ := s.Store.NewToken(acc.ID, "demo-0001", "erp")
	sup, _ := s.Store.Get("demo-0001")
	api := newVisitor(t, s)
	api.bearer, api.csrf = token, ""
	path := "/api/v1/suppliers/demo-0001/offers/" + sup.Offers[0].ID
	v := itoa(int(sup.Version))
	for _, c := range []struct {
		body   string
		status int
		param  string
		reason string
	}{
		{`{"free_fte": "2,5", "version": ` + v + `}`, 422, "free_fte", "decimal point"},
		{`{"free_fte": "2.5", "version": ` + v + `}`, 422, "free_fte", "without quotes"},
		{`{"free_fte": 2,5, "version": ` + v + `}`, 400, "", "one JSON object"},
		{`{"free_fte": 2.5, "available_from": "04-01-2027", "version": ` + v + `}`, 422, "available_from", "YYYY-MM-DD"},
		{`{"free_fte": 2.5, "version": "` + v + `"}`, 422, "version", "whole number"},
		{`{"free_fte": 2.5, "version": -1}`, 422, "version", "whole number"},
		{`{"free_ftes": 2.5, "version": ` + v + `}`, 422, "free_ftes", "free_fte, available_from and version"},
		{`{"free_fte": 2.5}`, 422, "version", "required"},
		{`[2.5]`, 400, "", "one JSON object"},
	} {
		code, _, resp := api.do("PATCH", path, strings.NewReader(c.body), "application/json")
		var e apiErr
		if err := json.Unmarshal([]byte(resp), &e); err != nil || code != c.status || e.Param != c.param || !strings.Contains(e.Reason, c.reason) {
			t.Errorf("%s: %d %s, want %d naming %q with %q", c.body, code, resp, c.status, c.param, c.reason)
		}
		if strings.Contains(resp, "json:") || strings.Contains(resp, "Go ") || strings.Contains(resp, "unmarshal") || strings.Contains(resp, "invalid character") {
			t.Errorf("%s: the JSON decoder's words reach the client: %s", c.body, resp)
		}
	}
	if after, _ := s.Store.Get("demo-0001"); after.Version != sup.Version {
		t.Fatalf("a refused PATCH wrote the supplier: version %d, was %d", after.Version, sup.Version)
	}
	if code, _, resp := api.do("PATCH", path, strings.NewReader(`{"free_fte": 2.5, "version": `+v+`}`), "application/json"); code != 200 {
		t.Fatalf("a good PATCH: %d %s", code, resp)
	}
}
