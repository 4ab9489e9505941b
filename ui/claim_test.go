package ui_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/search"
)

// The claim of a profile made from the KBO, end to end: a supplier user
// registers with its enterprise number, an administrator sees the evidence
// and approves, the supplier cannot overwrite what the KBO or a register
// states (the form says why), and once it declares capacity the profile
// is its own and comes into a plain search.
func TestClaimAnUnclaimedProfile(t *testing.T) {
	s := startServer(t, 0)
	kbo := &directory.Supplier{Name: "Poetsbedrijf Vandamme BV", Kind: directory.KindRegulier, Unclaimed: true,
		EnterpriseNumber: directory.EnterpriseNumberWithCheck(7500000),
		Sites:            []directory.Site{{ID: "kbo-seat", Street: "Kerkstraat 1", Postcode: "9000"}},
		Offers:           []directory.Offer{{ID: "kbo-office-cleaning", Task: "office-cleaning", AtClientSite: true}},
		Contact:          directory.Contact{Email: "info@vandamme.example", Website: "https://www.vandamme.example"},
		Recognitions: []directory.Recognition{{Type: "maatwerkbedrijf", Number: "MW-9", Issuer: "Departement WSE", ValidFrom: directory.NewDate(2020, 1, 1),
			Register: "Departement WSE", RegisterDate: directory.NewDate(2026, 11, 1)}},
		Provenance: map[string]directory.Provenance{"name": {Source: directory.SourceKBO, Since: directory.NewDate(2026, 10, 31)},
			"sites": {Source: directory.SourceKBO, Since: directory.NewDate(2026, 10, 31)}}}
	if err := s.Store.Create(kbo); err != nil {
		t.Fatal(err)
	}
	waitIndexed(t, s)

	v := newVisitor(t, s)
	v.get("/registreren")
	if code, _, body := v.post("/registreren", url.Values{"name": {"An Vandamme"}, "email": {"an@vandamme.example"}, "role": {"supplier"},
		"kbo": {kbo.EnterpriseNumber}, "password": {testPassword}}); code != 200 {
		t.Fatalf("register: %d\n%s", code, body)
	}
	account(t, s, "beheer@verken.example", directory.RoleAdmin)
	a := newVisitor(t, s)
	a.signIn("beheer@verken.example", testPassword)
	_, page := a.get("/beheer")
	if !strings.Contains(page, "Poetsbedrijf Vandamme BV") || !strings.Contains(page, "vandamme.example") {
		t.Fatal("the administrator does not see the evidence of the claim")
	}
	acc, err := s.Store.AccountByEmail("an@vandamme.example")
	if err != nil {
		t.Fatal(err)
	}
	if code, _, body := a.post("/beheer/accounts/"+acc.ID+"/goedkeuren", url.Values{}); code != 303 {
		t.Fatalf("approve: %d\n%s", code, body)
	}
	if got, _ := s.Store.Get(kbo.ID); !got.Unclaimed {
		t.Fatal("the approval claimed the profile before any capacity was declared")
	}

	v.signIn("an@vandamme.example", testPassword)
	cur, _ := s.Store.Get(kbo.ID)
	form := profileForm(cur)
	form.Del("turnover_year") // none given
	form.Set("name", "Vandamme Schoonmaak")
	form.Set("remark", "Onze naam is sinds maart Vandamme Schoonmaak; de KBO volgt.")
	v.get("/mijn/leveranciers/" + kbo.ID + "/bewerken")
	code, _, body := v.post("/mijn/leveranciers/"+kbo.ID+"/bewerken", form)
	if code != 422 || !strings.Contains(body, "Deze naam komt uit de Kruispuntbank van Ondernemingen") ||
		!strings.Contains(body, "Onze naam is sinds maart Vandamme Schoonmaak; de KBO volgt.</textarea>") {
		t.Fatalf("renaming a KBO name: %d, or the remark typed is lost", code)
	}
	if got, _ := s.Store.Get(kbo.ID); got.Name != kbo.Name {
		t.Fatal("the KBO name was overwritten")
	}
	// A description of its own is fine, and the register's recognition stays.
	form = profileForm(cur)
	form.Del("turnover_year")
	form.Set("description", "Wij poetsen kantoren in Gent.")
	form.Set("remark", "Onze naam is sinds maart Vandamme Schoonmaak; de KBO volgt.")
	if code, _, body := v.post("/mijn/leveranciers/"+kbo.ID+"/bewerken", form); code != 303 {
		t.Fatalf("edit: %d\n%s", code, stripTags(body))
	}
	got, _ := s.Store.Get(kbo.ID)
	if len(got.Recognitions) != 1 || !got.Recognitions[0].FromRegister() || !got.Unclaimed || got.Remark == "" {
		t.Fatalf("after an edit: recognitions %+v, unclaimed %v, remark %q", got.Recognitions, got.Unclaimed, got.Remark)
	}
	if _, page := fetch(t, s.URL+"/leveranciers/"+kbo.ID); !strings.Contains(string(page), "de KBO volgt.") {
		t.Error("the profile does not show the supplier's remark")
	}

	// Declaring capacity claims it.
	v.get("/mijn/leveranciers/" + kbo.ID + "/capaciteit")
	if code, _, body := v.post("/mijn/leveranciers/"+kbo.ID+"/capaciteit", url.Values{"version": {itoa(int(got.Version))},
		"offers[0].id": {"kbo-office-cleaning"}, "offers[0].free_fte": {"2,5"}}); code != 303 {
		t.Fatalf("capacity: %d\n%s", code, stripTags(body))
	}
	got, _ = s.Store.Get(kbo.ID)
	if got.Unclaimed || got.FreeFTE() != 2.5 {
		t.Fatalf("after declaring capacity: unclaimed %v, %v FTE", got.Unclaimed, got.FreeFTE())
	}
	waitIndexed(t, s)
	var r struct {
		Total int `json:"total"`
	}
	s.get(t, "/api/v1/suppliers?q=vandamme", &r)
	if r.Total != 1 {
		t.Errorf("the claimed profile is not in a plain search: %d", r.Total)
	}
}

// Capacity declared through the API claims an unclaimed profile as the
// capacity form does: it comes into a plain search.
func TestClaimThroughTheAPI(t *testing.T) {
	s := startServer(t, 0)
	kbo := &directory.Supplier{Name: "Groen Peeters BV", Kind: directory.KindRegulier, Unclaimed: true,
		EnterpriseNumber: directory.EnterpriseNumberWithCheck(7500001),
		Sites:            []directory.Site{{ID: "kbo-seat", Street: "Kerkstraat 2", Postcode: "9000"}},
		Offers:           []directory.Offer{{ID: "kbo-green", Task: "green-maintenance", AtClientSite: true}}}
	if err := s.Store.Create(kbo); err != nil {
		t.Fatal(err)
	}
	acc := account(t, s, "erp@peeters.example", directory.RoleSupplier, kbo.ID)
	token, _, _ := s.Store.NewToken(acc.ID, kbo.ID, "erp")
	b := newVisitor(t, s)
	b.bearer, b.csrf = token, ""
	cur, _ := s.Store.Get(kbo.ID)
	body := `{"free_fte": 3, "version": ` + itoa(int(cur.Version)) + `}`
	if code, _, resp := b.do("PATCH", "/api/v1/suppliers/"+kbo.ID+"/offers/kbo-green", strings.NewReader(body), "application/json"); code != 200 {
		t.Fatalf("patch: %d %s", code, resp)
	}
	if got, _ := s.Store.Get(kbo.ID); got.Unclaimed {
		t.Fatal("capacity declared through the API left the profile unclaimed")
	}
	waitIndexed(t, s)
	r, err := s.Index.Search(search.Query{Tasks: []string{"green-maintenance"}, MinFTE: 3, Today: directory.DateOf(time.Now())})
	if err != nil || r.Total != 1 || r.Hits[0].ID != kbo.ID {
		t.Fatalf("a plain search after the patch: %+v %v", r, err)
	}
}
