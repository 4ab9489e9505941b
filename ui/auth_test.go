package ui_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/verken/verken/directory"
)

// browserless is a person on the site: a cookie jar, the CSRF token of the
// last page, and optionally an API token.
type browserless struct {
	t      *testing.T
	s      *liveServer
	client *http.Client
	csrf   string
	bearer string
	// header is sent with every request; Host, when set, replaces the
	// request's host header.
	header http.Header
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func newVisitor(t *testing.T, s *liveServer) *browserless {
	jar, _ := cookiejar.New(nil)
	b := &browserless{t: t, s: s, client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	b.get("/")
	return b
}

// do sends a request and returns the status, the Location and the body;
// it keeps the page's CSRF token for the next form.
func (b *browserless) do(method, path string, body io.Reader, contentType string) (int, string, string) {
	b.t.Helper()
	req := b.request(method, path, body, contentType)
	if b.csrf != "" {
		req.Header.Set("X-CSRF-Token", b.csrf)
	}
	resp, err := b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if m := csrfField.FindSubmatch(raw); m != nil {
		b.csrf = string(m[1])
	}
	return resp.StatusCode, resp.Header.Get("Location"), string(raw)
}

// request makes a request with the visitor's token and headers.
func (b *browserless) request(method, path string, body io.Reader, contentType string) *http.Request {
	b.t.Helper()
	req, err := http.NewRequest(method, b.s.URL+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if b.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+b.bearer)
	}
	for k, v := range b.header {
		if k == "Host" {
			req.Host = v[0]
			continue
		}
		req.Header[k] = v
	}
	return req
}

func (b *browserless) get(path string) (int, string) {
	b.t.Helper()
	code, _, body := b.do("GET", path, nil, "")
	return code, body
}

// post sends a form with the page's CSRF token.
func (b *browserless) post(path string, form url.Values) (int, string, string) {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf", b.csrf)
	return b.do("POST", path, strings.NewReader(form.Encode()), "application/x-www-form-urlencoded")
}

// signIn signs in through the form.
func (b *browserless) signIn(email, password string) {
	b.t.Helper()
	b.get("/inloggen")
	code, loc, body := b.post("/inloggen", url.Values{"email": {email}, "password": {password}})
	if code != http.StatusSeeOther || loc != "/mijn" {
		b.t.Fatalf("sign in as %s: %d %s\n%s", email, code, loc, body)
	}
	b.get("/mijn")
}

const testPassword = "een lang genoeg wachtwoord"

// account makes an account directly in the store.
func account(t *testing.T, s *liveServer, email string, role directory.Role, suppliers ...string) directory.Account {
	t.Helper()
	a := directory.Account{Email: email, Name: strings.Split(email, "@")[0], Role: role, SupplierIDs: suppliers}
	if err := s.Store.CreateAccount(&a, testPassword); err != nil {
		t.Fatal(err)
	}
	return a
}

func version(t *testing.T, s *liveServer, id string) string {
	t.Helper()
	sup, err := s.Store.Get(id)
	if err != nil {
		t.Fatal(err)
	}
	return itoa(int(sup.Version))
}

// Every write endpoint, pages and API, against every kind of caller:
// exactly the allowed ones succeed.
func TestAuthorizationMatrix(t *testing.T) {
	s := startServer(t, 6)
	const own, other = "demo-0001", "demo-0002"
	adminAcc := account(t, s, "admin@verken.example", directory.RoleAdmin)
	ownAcc := account(t, s, "eigen@brug.example", directory.RoleSupplier, own)
	otherAcc := account(t, s, "ander@elders.example", directory.RoleSupplier, other)
	account(t, s, "koper@stad.example", directory.RoleBuyer)
	pending := directory.Account{Email: "wacht@brug.example", Name: "wacht", Role: directory.RoleSupplier, Status: directory.StatusPending}
	sup, _ := s.Store.Get(own)
	pending.RequestedKBO = sup.EnterpriseNumber
	if err := s.Store.CreateAccount(&pending, testPassword); err != nil {
		t.Fatal(err)
	}
	ownToken, _, _ := s.Store.NewToken(ownAcc.ID, own, "erp")
	otherToken, _, _ := s.Store.NewToken(otherAcc.ID, other, "erp")
	revoked, revokedInfo, _ := s.Store.NewToken(ownAcc.ID, own, "oud")
	if err := s.Store.RevokeToken(ownAcc.ID, revokedInfo.ID); err != nil {
		t.Fatal(err)
	}
	offerID := sup.Offers[0].ID

	actors := map[string]func() *browserless{
		"anonymous": func() *browserless { return newVisitor(t, s) },
		"other supplier's user": func() *browserless {
			b := newVisitor(t, s)
			b.signIn("ander@elders.example", testPassword)
			return b
		},
		"own supplier's user": func() *browserless {
			b := newVisitor(t, s)
			b.signIn("eigen@brug.example", testPassword)
			return b
		},
		"buyer": func() *browserless {
			b := newVisitor(t, s)
			b.signIn("koper@stad.example", testPassword)
			return b
		},
		"administrator": func() *browserless {
			b := newVisitor(t, s)
			b.signIn("admin@verken.example", testPassword)
			return b
		},
		"own supplier's token":   func() *browserless { b := newVisitor(t, s); b.bearer = ownToken; return b },
		"other supplier's token": func() *browserless { b := newVisitor(t, s); b.bearer = otherToken; return b },
		"revoked token":          func() *browserless { b := newVisitor(t, s); b.bearer = revoked; return b },
	}
	type endpoint struct {
		name    string
		allowed []string
		call    func(b *browserless) (int, string)
	}
	formPost := func(path string, form func() url.Values) func(b *browserless) (int, string) {
		return func(b *browserless) (int, string) {
			code, loc, _ := b.post(path, form())
			return code, loc
		}
	}
	editors := []string{"own supplier's user", "administrator"}
	admins := []string{"administrator"}
	endpoints := []endpoint{
		{"capacity form", editors, formPost("/mijn/leveranciers/"+own+"/capaciteit", func() url.Values {
			return url.Values{"version": {version(t, s, own)}, "offers[0].id": {offerID}, "offers[0].free_fte": {"3"}}
		})},
		{"confirm", editors, formPost("/mijn/leveranciers/"+own+"/bevestigen", func() url.Values {
			return url.Values{"version": {version(t, s, own)}}
		})},
		{"full profile form", editors, formPost("/mijn/leveranciers/"+own+"/bewerken", func() url.Values {
			cur, _ := s.Store.Get(own)
			return profileForm(cur)
		})},
		{"verify", admins, formPost("/beheer/leveranciers/"+own+"/verifieren", func() url.Values {
			return url.Values{"version": {version(t, s, own)}, "fact": {"share"}}
		})},
		{"invite", admins, formPost("/beheer/uitnodigen", func() url.Values {
			return url.Values{"email": {"nieuw@brug.example"}, "kbo": {sup.EnterpriseNumber}}
		})},
		{"approve", admins, formPost("/beheer/accounts/"+pending.ID+"/goedkeuren", func() url.Values { return nil })},
		{"import", admins, func(b *browserless) (int, string) {
			code, loc, _ := b.upload("/beheer/import", "leveranciers.json", "[]", true)
			return code, loc
		}},
		{"create API token", []string{"own supplier's user"}, formPost("/mijn/tokens", func() url.Values {
			return url.Values{"name": {"nieuw"}, "supplier_id": {own}}
		})},
		{"PATCH offer", []string{"own supplier's user", "administrator", "own supplier's token"}, func(b *browserless) (int, string) {
			body := `{"free_fte": 2.5, "version": ` + version(t, s, own) + `}`
			code, loc, _ := b.do("PATCH", "/api/v1/suppliers/"+own+"/offers/"+offerID, strings.NewReader(body), "application/json")
			return code, loc
		}},
		{"delist", admins, formPost("/beheer/leveranciers/"+own+"/schrappen", func() url.Values {
			return url.Values{"version": {version(t, s, own)}, "reason": {"test"}, "confirm": {"yes"}}
		})},
		{"relist", admins, formPost("/beheer/leveranciers/"+own+"/terugzetten", func() url.Values {
			return url.Values{"version": {version(t, s, own)}}
		})},
	}
	for _, ep := range endpoints {
		for name, make := range actors {
			b := make()
			code, loc := ep.call(b)
			ok := (code == 200 || code == 201 || code == 303) && !strings.HasPrefix(loc, "/inloggen")
			want := false
			for _, a := range ep.allowed {
				want = want || a == name
			}
			if ok != want {
				t.Errorf("%s by %s: status %d (location %q), want allowed=%v", ep.name, name, code, loc, want)
			}
		}
	}
	_ = adminAcc
}

// profileForm renders a supplier as the full profile form would post it.
func profileForm(s directory.Supplier) url.Values {
	v := url.Values{"version": {itoa(int(s.Version))}, "name": {s.Name}, "kind": {string(s.Kind)},
		"enterprise_number": {s.EnterpriseNumber}, "description": {s.Description},
		"target_group_share": {ftoa(s.TargetGroupShare)}, "total_fte": {ftoa(s.TotalFTE)}, "target_group_fte": {ftoa(s.TargetGroupFTE)},
		"turnover_eur": {ftoa(s.TurnoverEUR)}, "turnover_year": {itoa(s.TurnoverYear)},
		"target_groups": s.TargetGroups, "cooperation": s.Cooperation,
		"contact.person": {s.Contact.Person}, "contact.email": {s.Contact.Email}, "contact.phone": {s.Contact.Phone}, "contact.website": {s.Contact.Website}}
	for i, r := range s.Recognitions {
		p := "recognitions[" + itoa(i) + "]."
		v.Set(p+"type", r.Type)
		v.Set(p+"number", r.Number)
		v.Set(p+"issuer", r.Issuer)
		v.Set(p+"valid_from", r.ValidFrom.String())
		v.Set(p+"valid_to", r.ValidTo.String())
	}
	for i, x := range s.Sites {
		p := "sites[" + itoa(i) + "]."
		v.Set(p+"id", x.ID)
		v.Set(p+"name", x.Name)
		v.Set(p+"street", x.Street)
		v.Set(p+"postcode", x.Postcode)
	}
	for i, o := range s.Offers {
		p := "offers[" + itoa(i) + "]."
		v.Set(p+"id", o.ID)
		v.Set(p+"task", o.Task)
		v.Set(p+"free_fte", ftoa(o.FreeFTE))
		v.Set(p+"available_from", o.AvailableFrom.String())
		v.Set(p+"lead_time_weeks", itoa(o.LeadTimeWeeks))
		v.Set(p+"max_contract_eur", ftoa(o.MaxContractEUR))
		v.Set(p+"volume", ftoa(o.Volume))
		v.Set(p+"volume_unit", o.VolumeUnit)
		v.Set(p+"site_id", o.SiteID)
		if o.AtOwnSite {
			v.Set(p+"at_own_site", "on")
		}
		if o.AtClientSite {
			v.Set(p+"at_client_site", "on")
		}
		a := o.ServiceArea
		v.Set(p+"area.municipalities", strings.Join(a.Municipalities, ", "))
		v.Set(p+"area.arrondissements", strings.Join(a.Arrondissements, ", "))
		v[p+"area.provinces"] = a.Provinces
		v[p+"area.regions"] = a.Regions
		v.Set(p+"area.radius_km", ftoa(a.RadiusKm))
	}
	for i, r := range s.References {
		p := "references[" + itoa(i) + "]."
		v.Set(p+"client", r.Client)
		v.Set(p+"description", r.Description)
		v.Set(p+"year", itoa(r.Year))
		v.Set(p+"value_eur", ftoa(r.ValueEUR))
	}
	return v
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// upload posts a file as the import form does.
func (b *browserless) upload(path, filename, content string, dryRun bool) (int, string, string) {
	b.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("csrf", b.csrf)
	if dryRun {
		_ = w.WriteField("dry_run", "on")
	}
	fw, _ := w.CreateFormFile("file", filename)
	_, _ = io.WriteString(fw, content)
	_ = w.Close()
	return b.do("POST", path, &body, w.FormDataContentType())
}
