package ui_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/verken/verken/directory"
)

// Administrators find suppliers and accounts in lists with search and
// filters, and invite someone for a supplier found by its name.
func TestAdminListsAndSupplierPicker(t *testing.T) {
	s := startServer(t, 30)
	account(t, s, "beheer@verken.example", directory.RoleAdmin)
	account(t, s, "koper@stad.example", directory.RoleBuyer)
	account(t, s, "poets@leverancier.example", directory.RoleSupplier, "demo-0001")
	a := newVisitor(t, s)
	a.signIn("beheer@verken.example", testPassword)

	sup, _ := s.Store.Get("demo-0001")
	word := strings.Fields(sup.Name)[0]
	code, page := a.get("/beheer/leveranciers?q=" + url.QueryEscape(sup.Name))
	if code != 200 || !strings.Contains(page, `data-id="demo-0001"`) {
		t.Fatalf("supplier list by name: %d", code)
	}
	_, page = a.get("/beheer/leveranciers?kind=regulier")
	for _, id := range regexp.MustCompile(`<tr data-id="([^"]+)"`).FindAllStringSubmatch(page, -1) {
		if got, _ := s.Store.Get(id[1]); got.Kind != directory.KindRegulier {
			t.Errorf("the kind filter lists %s, a %s", id[1], got.Kind)
		}
	}
	_, page = a.get("/beheer/accounts?role=buyer")
	if !strings.Contains(page, "koper@stad.example") || strings.Contains(page, "poets@leverancier.example") || strings.Contains(page, "argon2") {
		t.Error("the account list by role is wrong, or shows a password hash")
	}
	_, page = a.get("/beheer/accounts?q=POETS")
	if !strings.Contains(page, "poets@leverancier.example") || strings.Contains(page, "koper@stad.example") {
		t.Error("the account list by words is wrong")
	}
	// Others do not see the lists.
	b := newVisitor(t, s)
	b.signIn("koper@stad.example", testPassword)
	if code, _ := b.get("/beheer/accounts"); code != 403 && code != 404 {
		t.Errorf("a buyer reads the account list: %d", code)
	}

	// An invitation for a supplier named by words: several match, the
	// administrator chooses one.
	a.get("/beheer")
	code, _, page = a.post("/beheer/uitnodigen", url.Values{"email": {"nieuw@leverancier.example"}, "kbo": {"maatwerk"}})
	if code != 422 || !strings.Contains(page, `id="invite-candidates"`) {
		t.Fatalf("a name many suppliers hold: %d", code)
	}
	if code, _, _ := a.post("/beheer/uitnodigen", url.Values{"email": {"nieuw@leverancier.example"}, "kbo": {"maatwerk"}, "supplier_id": {"demo-0001"}}); code != 303 {
		t.Fatalf("inviting the chosen one: %d", code)
	}
	if code, _, _ := a.post("/beheer/uitnodigen", url.Values{"email": {"ander@leverancier.example"}, "kbo": {sup.Name}}); code != 303 {
		t.Fatalf("inviting by a name only one supplier holds (%q): %d", word, code)
	}
}
