package ui_test

import (
	"strings"
	"testing"

	"github.com/verken/verken/directory"
)

// A supplier's history and a stale PATCH's 409 show a supplier user (and
// its API token) "Verken" and the date for what an administrator did and
// verified: not the administrator's account, name, e-mail or internal
// note. The administrator sees all of it.
func TestHistoryHidesTheAdministrator(t *testing.T) {
	s := startServer(t, 2)
	adm := directory.Account{Email: "admin@stad.example", Name: "Admin One", Role: directory.RoleAdmin}
	if err := s.Store.CreateAccount(&adm, testPassword); err != nil {
		t.Fatal(err)
	}
	lev := account(t, s, "lev@brug.example", directory.RoleSupplier, "demo-0001")
	sup, _ := s.Store.Get("demo-0001")
	const note = "interne nota: gebeld met de boekhouder"
	if err := s.Store.Verify("demo-0001", sup.Version, "share", note, adm.Actor()); err != nil {
		t.Fatal(err)
	}
	sup, _ = s.Store.Get("demo-0001")
	sup.Description += " Bijgewerkt door de beheerder."
	if err := s.Store.Update(&sup, adm.Actor()); err != nil {
		t.Fatal(err)
	}
	secrets := []string{"Admin One", "admin@stad.example", adm.ID, note}

	b := newVisitor(t, s)
	b.signIn("lev@brug.example", testPassword)
	code, page := b.get("/mijn/leveranciers/demo-0001/geschiedenis?lang=en")
	if code != 200 || !strings.Contains(page, "— Verken —") || !strings.Contains(page, "share_verified.at") {
		t.Fatalf("history: %d\n%s", code, page)
	}
	for _, x := range secrets {
		if strings.Contains(page, x) {
			t.Errorf("the supplier user's history page shows %q", x)
		}
	}

	a := newVisitor(t, s)
	a.signIn("admin@stad.example", testPassword)
	if _, page := a.get("/mijn/leveranciers/demo-0001/geschiedenis"); !strings.Contains(page, "Admin One &lt;admin@stad.example&gt;") || !strings.Contains(page, note) {
		t.Errorf("the administrator's history page lacks the administrator or the note")
	}

	token, _, _ := s.Store.NewToken(lev.ID, "demo-0001", "erp")
	api := newVisitor(t, s)
	api.bearer, api.csrf = token, ""
	stale := `{"free_fte": 3, "version": 1}`
	code, _, body := api.do("PATCH", "/api/v1/suppliers/demo-0001/offers/"+sup.Offers[0].ID, strings.NewReader(stale), "application/json")
	if code != 409 || !strings.Contains(body, `"name":"Verken"`) || !strings.Contains(body, "share_verified.at") {
		t.Fatalf("409: %d %s", code, body)
	}
	for _, x := range secrets {
		if strings.Contains(body, x) {
			t.Errorf("the 409 shows the token %q", x)
		}
	}

	// The profile form's own conflict, on a page.
	form := profileForm(sup)
	form.Set("version", "1")
	b.get("/mijn/leveranciers/demo-0001/bewerken")
	code, _, page = b.post("/mijn/leveranciers/demo-0001/bewerken", form)
	if code != 409 || !strings.Contains(page, "Verken (") {
		t.Fatalf("conflict page: %d\n%s", code, page)
	}
	for _, x := range secrets {
		if strings.Contains(page, x) {
			t.Errorf("the conflict page shows %q", x)
		}
	}
}
