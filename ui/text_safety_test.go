package ui_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/verken/verken/directory"
)

// One-line texts refuse line breaks, control characters and bidirectional
// overrides, and e-mail addresses are bounded, with 422 naming the field:
// at registration, and in a supplier's profile (a name with CR LF in it
// ended up in every invitation mail for the supplier).
func TestOneLineTextsAndAddressesAreRefused(t *testing.T) {
	s := startServer(t, 2)
	r := newVisitor(t, s)
	r.get("/registreren?lang=en")
	for name, want := range map[string]string{
		"Evil\r\nBcc: victim@evil.example": "Line breaks and control characters are not allowed here",
		"Nul\x00byte":                      "Line breaks and control characters are not allowed here",
		"Brug\u202Egnip":                   "Direction-changing characters",
	} {
		code, _, body := r.post("/registreren", url.Values{"name": {name}, "email": {"nieuw@stad.example"}, "password": {testPassword}, "role": {"buyer"}})
		if code != 422 || !strings.Contains(body, `autocomplete="name"><span class="field-error" role="alert">`+want) {
			t.Errorf("name %q: %d\n%s", name, code, body)
		}
	}
	for _, email := range []string{strings.Repeat("a", 300) + "@stad.example", "a@[127.0.0.1]", "a@b@stad.example"} {
		code, _, body := r.post("/registreren", url.Values{"name": {"Nieuw"}, "email": {email}, "password": {testPassword}, "role": {"buyer"}})
		if code != 422 || !strings.Contains(body, `autocomplete="email"><span class="field-error" role="alert">This is not an e-mail address.`) {
			t.Errorf("e-mail %q: %d\n%s", email, code, body)
		}
	}
	if accs, _ := s.Store.Accounts(); len(accs) != 0 {
		t.Fatalf("%d accounts made", len(accs))
	}

	account(t, s, "lev@brug.example", directory.RoleSupplier, "demo-0001")
	b := newVisitor(t, s)
	b.signIn("lev@brug.example", testPassword)
	start, _ := s.Store.Get("demo-0001")
	for field, c := range map[string]struct{ value, want string }{
		"name":          {"Evil\r\nBcc: victim@evil.example", "Line breaks and control characters are not allowed here"},
		"contact.email": {"a@[127.0.0.1]", "This is not an e-mail address"},
	} {
		form := profileForm(start)
		form.Set(field, c.value)
		b.get("/mijn/leveranciers/demo-0001/bewerken?lang=en")
		if code, _, body := b.post("/mijn/leveranciers/demo-0001/bewerken", form); code != 422 || !strings.Contains(body, `role="alert">`+c.want) {
			t.Errorf("profile %s %q: %d", field, c.value, code)
		}
	}
	if now, _ := s.Store.Get("demo-0001"); now.Name != start.Name || now.Version != start.Version {
		t.Fatalf("the profile changed: %q v%d", now.Name, now.Version)
	}
}
