package ui_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/transit"
	"github.com/verken/verken/ui"
)

// badNumbers are what an attacker types where a number belongs: NaN and
// ±Inf pass every "x < min || x > max", 1e308 passes JSON, -1 is below
// every bound but a coordinate's.
var badNumbers = []string{"NaN", "Inf", "-Inf", "+Infinity", "1e308", "1e309", "-1"}

// tally counts the requests of a test and fails it on any 5xx.
type tally struct {
	t          *testing.T
	tried, bad int
}

func (y *tally) expect(what string, code int, body string, want ...int) {
	y.t.Helper()
	y.tried++
	if code >= 500 {
		y.bad++
	}
	for _, w := range want {
		if code == w {
			return
		}
	}
	y.t.Errorf("%s: status %d, want %v\n%.400s", what, code, want, body)
}

// Every entry point where a number comes from a request, with every bad
// number and a good one: bad ones get 400 or 422 naming the field, pages
// say it in the user's language, nothing is written, and nothing is a 5xx.
func TestHostileNumbersAreRefused(t *testing.T) {
	holder := &transit.Holder{}
	s := startServer(t, 6, func(d *ui.Deps) { d.Transit = holder })
	const id = "demo-0001"
	sup, _ := s.Store.Get(id)
	site := sup.Sites[0]
	holder.Set(tramAt(t, site.Lat, site.Lon))
	acc := account(t, s, "eigen@brug.example", directory.RoleSupplier, id)
	token, _, _ := s.Store.NewToken(acc.ID, id, "erp")
	account(t, s, "koper@stad.example", directory.RoleBuyer)
	y := &tally{t: t}
	anon := newVisitor(t, s)

	// Query strings: the search API, the map's sites, the search page.
	searchParams := map[string]string{"radius_km": "10", "min_fte": "1", "min_contract_eur": "1000", "max_lead_weeks": "4", "page": "1", "per_page": "10"}
	for param, good := range searchParams {
		extra := ""
		if param == "radius_km" {
			extra = "&near=9000"
		}
		for _, x := range append(badNumbers, good) {
			q := param + "=" + url.QueryEscape(x) + extra
			want := []int{400}
			if x == good {
				want = []int{200}
			}
			var e apiErr
			code, _, body := anon.do("GET", "/api/v1/suppliers?"+q, nil, "")
			y.expect("search API "+q, code, body, want...)
			if code == 400 && (json.Unmarshal([]byte(body), &e) != nil || e.Param != param || e.Reason == "") {
				t.Errorf("search API %s: %s does not name %s with a reason", q, body, param)
			}
			code, _, body = anon.do("GET", "/api/v1/suppliers/sites?"+q, nil, "")
			y.expect("sites API "+q, code, body, want...)
			code, body = anon.get("/?" + q)
			y.expect("search page "+q, code, body, want...)
			if code == 400 && !strings.Contains(body, "Filter “") {
				t.Errorf("search page %s: no message in Dutch", q)
			}
		}
	}
	// Points as "lat,lon": near and serves on search, and reachability.
	good := fmt.Sprintf("%f,%f", site.Lat, site.Lon)
	for _, x := range append(badNumbers, "") {
		p := x + "," + x
		nearWant, servesWant := []int{400}, []int{400}
		switch x {
		case "":
			p, nearWant, servesWant = good, []int{200}, []int{200}
		case "-1":
			// A real place, far from Flanders: nothing near it, and no
			// service area reaches it.
			nearWant = []int{200}
		}
		q := url.QueryEscape(p)
		code, _, body := anon.do("GET", "/api/v1/suppliers?near="+q, nil, "")
		y.expect("search API near="+p, code, body, nearWant...)
		code, body = anon.get("/?near=" + q)
		y.expect("search page near="+p, code, body, nearWant...)
		code, _, body = anon.do("GET", "/api/v1/suppliers/sites?near="+q, nil, "")
		y.expect("sites API near="+p, code, body, nearWant...)
		// Public transport is asked only of places in Flanders and
		// Brussels: -1,-1 is outside the area (issue 17).
		reachWant := nearWant
		if x == "-1" {
			reachWant = []int{400}
		}
		code, _, body = anon.do("GET", "/api/v1/reachability?near="+q, nil, "")
		y.expect("reachability near="+p, code, body, reachWant...)
		if code == 400 && !strings.Contains(body, `"param":"near"`) {
			t.Errorf("reachability near=%s: %s does not name near", p, body)
		}
		code, _, body = anon.do("GET", "/api/v1/suppliers?serves="+q, nil, "")
		y.expect("search API serves="+p, code, body, servesWant...)
	}

	// The market check: page, CSV and saving take a query; the API a JSON body.
	checkParams := map[string]string{"volume_fte": "6", "hours_per_week": "38", "yearly_value_eur": "250000", "duration_months": "24",
		"max_dependency_pct": "30", "urgent_share_pct": "50", "reserve_min_suppliers": "3", "clause_min_suppliers": "2"}
	buyer := newVisitor(t, s)
	buyer.signIn("koper@stad.example", testPassword)
	for param, good := range checkParams {
		for _, x := range append(badNumbers, good) {
			v := url.Values{"task": {"office-cleaning"}, "place": {"9000"}, "volume_fte": {"6"}, "start": {"2030-01-07"}}
			v.Set(param, x)
			if param == "hours_per_week" {
				v.Del("volume_fte")
			}
			want := []int{400}
			if x == good {
				want = []int{200}
			}
			q := v.Encode()
			code, body := anon.get("/marktverkenning?" + q)
			pageWant := want
			if x != good {
				pageWant = []int{422} // the page names the field it cannot take
			}
			y.expect("check page "+param+"="+x, code, body, pageWant...)
			if code == 422 && !strings.Contains(body, "Filter “") {
				t.Errorf("check page %s=%s: no message in Dutch", param, x)
			}
			code, _, body = anon.do("GET", "/marktverkenning/leveranciers.csv?"+q, nil, "")
			y.expect("check CSV "+param+"="+x, code, body, want...)
			buyer.get("/marktverkenning?" + q)
			code, _, body = buyer.post("/marktverkenning/bewaren", url.Values{"query": {q}})
			if x == good {
				want = []int{303}
			}
			y.expect("save check "+param+"="+x, code, body, want...)
		}
	}
	for _, x := range []string{"NaN", "Infinity", "1e308", "-1", "1e309", "6"} {
		body := `{"tasks": ["office-cleaning"], "place": "9000", "volume_fte": ` + x + `, "start": "2030-01-07", "settings": {"reserve_min_suppliers": 3, "clause_min_suppliers": 2, "max_dependency_pct": ` + x + `, "urgent_share_pct": 50, "poor_class": "D"}}`
		want := []int{400, 422}
		if x == "6" {
			body = strings.Replace(body, `"max_dependency_pct": 6`, `"max_dependency_pct": 30`, 1)
			want = []int{200}
		}
		anon.csrf = ""
		code, _, resp := anon.do("POST", "/api/v1/market-checks", strings.NewReader(body), "application/json")
		y.expect("check API "+x, code, resp, want...)
		if code == 422 && !strings.Contains(resp, `"param":"volume_fte"`) && !strings.Contains(resp, `"param":"settings.max_dependency_pct"`) {
			t.Errorf("check API %s: %s names no field", x, resp)
		}
	}
	for _, x := range []string{"NaN,NaN", "Inf,Inf", "1e308,1e308"} {
		body := `{"tasks": ["office-cleaning"], "place": "` + x + `", "volume_fte": 1, "start": "2030-01-07"}`
		code, _, resp := anon.do("POST", "/api/v1/market-checks", strings.NewReader(body), "application/json")
		y.expect("check API place "+x, code, resp, 422)
	}

	// The capacity form and the full profile form of the supplier user.
	user := newVisitor(t, s)
	user.signIn("eigen@brug.example", testPassword)
	for _, x := range append(badNumbers, "2,5") {
		before, _ := s.Store.Get(id)
		user.get("/mijn/leveranciers/" + id + "/capaciteit")
		code, _, body := user.post("/mijn/leveranciers/"+id+"/capaciteit", url.Values{"version": {itoa(int(before.Version))},
			"offers[0].id": {before.Offers[0].ID}, "offers[0].free_fte": {x}})
		if x == "2,5" {
			y.expect("capacity form "+x, code, body, 303)
			continue
		}
		y.expect("capacity form "+x, code, body, 422)
		if !strings.Contains(body, "field-error") {
			t.Errorf("capacity form %s: no message beside the field", x)
		}
		if after, _ := s.Store.Get(id); after.Version != before.Version {
			t.Errorf("capacity form %s: the supplier was written", x)
		}
	}
	profileFields := map[string]string{"total_fte": "50", "target_group_fte": "10", "target_group_share": "40", "turnover_eur": "1000000",
		"turnover_year": "2024", "offers[0].free_fte": "2", "offers[0].volume": "100", "offers[0].max_contract_eur": "50000",
		"offers[0].lead_time_weeks": "4", "offers[0].area.radius_km": "20", "references[0].value_eur": "1000", "references[0].year": "2020"}
	for field, good := range profileFields {
		for _, x := range append(badNumbers, good) {
			before, _ := s.Store.Get(id)
			form := profileForm(before)
			form.Set("total_fte", "100")
			form.Set("target_group_fte", "20")
			form.Set("turnover_eur", "1000000")
			form.Set("turnover_year", "2024")
			form.Set("references[0].client", "Stad Gent")
			form.Set(field, x)
			user.get("/mijn/leveranciers/" + id + "/bewerken")
			code, _, body := user.post("/mijn/leveranciers/"+id+"/bewerken", form)
			if x == good {
				y.expect("profile form "+field+"="+x, code, body, 303)
				continue
			}
			y.expect("profile form "+field+"="+x, code, body, 422)
			// Named in words above the form, the field's path kept in
			// its markup.
			if !strings.Contains(body, `<li data-field="`+field+`">`) || strings.Contains(body, "<code>"+field+"</code>") {
				t.Errorf("profile form %s=%s: the field is not named in words", field, x)
			}
			if after, _ := s.Store.Get(id); after.Version != before.Version {
				t.Errorf("profile form %s=%s: the supplier was written", field, x)
			}
		}
	}

	// The API's offer PATCH: JSON carries 1e308 but not NaN.
	api := newVisitor(t, s)
	api.bearer, api.csrf = token, ""
	for _, x := range []string{"NaN", "Infinity", "1e308", "-1", "1e309", "2.5"} {
		before, _ := s.Store.Get(id)
		body := `{"free_fte": ` + x + `, "version": ` + itoa(int(before.Version)) + `}`
		want := []int{400, 422}
		if x == "2.5" {
			want = []int{200}
		}
		code, _, resp := api.do("PATCH", "/api/v1/suppliers/"+id+"/offers/"+before.Offers[0].ID, strings.NewReader(body), "application/json")
		y.expect("PATCH free_fte "+x, code, resp, want...)
		if code == 422 && !strings.Contains(resp, "free_fte") {
			t.Errorf("PATCH %s: %s names no field", x, resp)
		}
	}
	t.Logf("%d requests, %d answered 5xx", y.tried, y.bad)
	if y.bad > 0 {
		t.Errorf("%d of %d requests answered 5xx", y.bad, y.tried)
	}
}

// Every text and list of a supplier is bounded: a description of a
// megabyte, a service area of thousands of municipalities, are refused
// with 422 naming the field, in the user's language, and nothing is
// written.
func TestSupplierTextsAndListsAreBounded(t *testing.T) {
	s := startServer(t, 2)
	const id = "demo-0001"
	account(t, s, "eigen@brug.example", directory.RoleSupplier, id)
	user := newVisitor(t, s)
	user.signIn("eigen@brug.example", testPassword)
	// Just past the longest limit: the body stays under any body limit.
	long := strings.Repeat("é", 5001)
	cases := map[string]string{
		"description": long, "contact.person": long, "contact.phone": long, "contact.website": long,
		"sites[0].name": long, "sites[0].street": long, "offers[0].volume_unit": long,
		"recognitions[0].issuer": long, "references[0].description": long, "references[0].client": long,
		"offers[0].area.municipalities": strings.Repeat("9000, ", 700),
	}
	for field, value := range cases {
		before, _ := s.Store.Get(id)
		form := profileForm(before)
		form.Set("references[0].client", "Stad Gent")
		if _, ok := form["recognitions[0].type"]; !ok {
			form.Set("recognitions[0].type", "maatwerkbedrijf")
			form.Set("recognitions[0].number", "M-1")
		}
		form.Set(field, value)
		user.get("/mijn/leveranciers/" + id + "/bewerken")
		code, _, body := user.post("/mijn/leveranciers/"+id+"/bewerken", form)
		if named := strings.Contains(body, `<li data-field="`+field+`">`); code != 422 || !named {
			t.Errorf("%s of %d bytes: status %d, the field named: %v", field, len(value), code, named)
		}
		if !strings.Contains(body, "Hoogstens") {
			t.Errorf("%s: no limit stated in Dutch", field)
		}
		if after, _ := s.Store.Get(id); after.Version != before.Version {
			t.Errorf("%s: the supplier was written", field)
		}
	}
	// A token's name is an account-side text, bounded too.
	user.get("/mijn/tokens")
	code, _, body := user.post("/mijn/tokens", url.Values{"name": {strings.Repeat("x", 10000)}, "supplier_id": {id}})
	if code != 422 || !strings.Contains(body, "Hoogstens 100 tekens") {
		t.Errorf("long token name: %d", code)
	}
}

// The enterprise number is an identity: a supplier user sees it read-only
// and a different one posted anyway is refused, naming the field; an
// administrator changes it.
func TestOnlyAdministratorsChangeTheEnterpriseNumber(t *testing.T) {
	s := startServer(t, 2)
	const id = "demo-0001"
	account(t, s, "eigen@brug.example", directory.RoleSupplier, id)
	account(t, s, "admin@verken.example", directory.RoleAdmin)
	other := directory.EnterpriseNumberWithCheck(4444444)
	user := newVisitor(t, s)
	user.signIn("eigen@brug.example", testPassword)
	_, page := user.get("/mijn/leveranciers/" + id + "/bewerken")
	if !strings.Contains(page, `name="enterprise_number"`) || !strings.Contains(page, "readonly") {
		t.Error("the supplier user's form does not show the enterprise number read-only")
	}
	before, _ := s.Store.Get(id)
	form := profileForm(before)
	form.Set("enterprise_number", other)
	code, _, body := user.post("/mijn/leveranciers/"+id+"/bewerken", form)
	if code != 422 || !strings.Contains(body, "Alleen een beheerder kan het ondernemingsnummer wijzigen") {
		t.Errorf("supplier user changes the KBO: %d", code)
	}
	if after, _ := s.Store.Get(id); after.EnterpriseNumber != before.EnterpriseNumber || after.Version != before.Version {
		t.Fatalf("the enterprise number became %s", after.EnterpriseNumber)
	}
	// The same number written otherwise is no change.
	form.Set("enterprise_number", "BE "+directory.FormatEnterpriseNumber(before.EnterpriseNumber))
	if code, _, _ := user.post("/mijn/leveranciers/"+id+"/bewerken", form); code != 303 {
		t.Errorf("supplier user saves with its own number: %d", code)
	}

	admin := newVisitor(t, s)
	admin.signIn("admin@verken.example", testPassword)
	_, page = admin.get("/mijn/leveranciers/" + id + "/bewerken")
	if strings.Contains(page, `id="f-kbo-hint"`) {
		t.Error("the administrator's form shows the enterprise number read-only")
	}
	cur, _ := s.Store.Get(id)
	form = profileForm(cur)
	form.Set("enterprise_number", other)
	if code, loc, _ := admin.post("/mijn/leveranciers/"+id+"/bewerken", form); code != 303 {
		t.Fatalf("administrator changes the KBO: %d %s", code, loc)
	}
	if after, _ := s.Store.Get(id); after.EnterpriseNumber != other {
		t.Fatalf("the administrator's change was not kept: %s", after.EnterpriseNumber)
	}
}

// Who verified a fact, and the note, are the administrators' business:
// anyone else reads "verified by Verken" and the date, on the page and in
// the API, the supplier's own user included.
func TestVerifierIsShownOnlyToAdministrators(t *testing.T) {
	s := startServer(t, 3)
	const id = "demo-0001"
	account(t, s, "eigen@brug.example", directory.RoleSupplier, id)
	adminAcc := account(t, s, "controleur@verken.example", directory.RoleAdmin)
	sup, _ := s.Store.Get(id)
	sup.Recognitions = []directory.Recognition{{Type: "maatwerkbedrijf", Number: "M-1", ValidFrom: directory.NewDate(2020, 1, 1)}}
	if err := s.Store.Update(&sup, directory.System); err != nil {
		t.Fatal(err)
	}
	const note = "gebeld met de boekhouder, intern dossier 42"
	if err := s.Store.Verify(id, sup.Version, "share", note, adminAcc.Actor()); err != nil {
		t.Fatal(err)
	}
	sup, _ = s.Store.Get(id)
	if err := s.Store.Verify(id, sup.Version, "recognitions[0]", note, adminAcc.Actor()); err != nil {
		t.Fatal(err)
	}
	waitIndexed(t, s)
	secrets := []string{"controleur@verken.example", note}

	anon := newVisitor(t, s)
	user := newVisitor(t, s)
	user.signIn("eigen@brug.example", testPassword)
	admin := newVisitor(t, s)
	admin.signIn("controleur@verken.example", testPassword)
	pages := []string{"/leveranciers/" + id, "/api/v1/suppliers/" + id, "/api/v1/suppliers?q=" + url.QueryEscape(sup.Name), "/?q=" + url.QueryEscape(sup.Name)}
	for who, b := range map[string]*browserless{"anonymous": anon, "supplier user": user} {
		for _, p := range append(pages, "/mijn/leveranciers/"+id+"/bewerken") {
			code, body := b.get(p)
			if who == "anonymous" && strings.HasPrefix(p, "/mijn/") {
				continue
			}
			if code != 200 {
				t.Errorf("%s %s: %d", who, p, code)
			}
			for _, secret := range secrets {
				if strings.Contains(body, secret) {
					t.Errorf("%s sees %q on %s", who, secret, p)
				}
			}
		}
		if _, body := b.get("/leveranciers/" + id); strings.Count(body, "geverifieerd door Verken op") != 2 {
			t.Errorf("%s: the page does not say twice that Verken verified", who)
		}
		var api directory.Supplier
		if _, body := b.get("/api/v1/suppliers/" + id); json.Unmarshal([]byte(body), &api) != nil ||
			api.ShareVerified == nil || api.ShareVerified.By != "Verken" || api.ShareVerified.At.IsZero() ||
			api.Recognitions[0].Verified == nil || api.Recognitions[0].Verified.By != "Verken" {
			t.Errorf("%s: the API does not give Verken and the date: %+v", who, api.ShareVerified)
		}
	}
	for _, p := range []string{"/leveranciers/" + id, "/api/v1/suppliers/" + id} {
		_, body := admin.get(p)
		for _, secret := range secrets {
			if !strings.Contains(body, secret) {
				t.Errorf("the administrator does not see %q on %s", secret, p)
			}
		}
	}
}
