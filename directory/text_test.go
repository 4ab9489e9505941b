package directory_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/testenv"
)

// hasField reports whether err is a validation error naming field with code.
func hasField(err error, field, code string) bool {
	var v *directory.ValidationError
	if !errors.As(err, &v) {
		return false
	}
	for _, f := range v.Fields {
		if f.Field == field && f.Code == code && f.Reason != "" {
			return true
		}
	}
	return false
}

// A one-line text holds no line break, control character or
// bidirectional override: a supplier name with CR LF in it once broke
// every invitation mail for the supplier. Multi-line texts keep their
// line breaks, but not the rest.
func TestOneLineTextsRefuseControlCharacters(t *testing.T) {
	s := testenv.Store(t, "", 0)
	bad := map[string]string{
		"Evil\r\nBcc: victim@evil.example": "control_character",
		"Evil\nBrug":                       "control_character",
		"Nul\x00byte":                      "control_character",
		"Tab\tin":                          "control_character",
		"Del\x7f":                          "control_character",
		"C1\u0085x":                        "control_character",
		"Line\u2028sep":                    "control_character",
		"Brug\u202Egnip":                   "bidi_control",
		"Brug\u202Agnip":                   "bidi_control",
		"Brug\u2066gnip":                   "bidi_control",
		"Brug\u2069gnip":                   "bidi_control",
		"Bad\xffutf8":                      "control_character",
	}
	supplierFields := map[string]func(*directory.Supplier, string){
		"name":                 func(x *directory.Supplier, v string) { x.Name = v },
		"sites[0].name":        func(x *directory.Supplier, v string) { x.Sites[0].Name = v },
		"sites[0].street":      func(x *directory.Supplier, v string) { x.Sites[0].Street = v },
		"contact.person":       func(x *directory.Supplier, v string) { x.Contact.Person = v },
		"contact.phone":        func(x *directory.Supplier, v string) { x.Contact.Phone = v },
		"recognitions[0].type": func(x *directory.Supplier, v string) { x.Recognitions[0].Type = v },
	}
	for value, code := range bad {
		for field, set := range supplierFields {
			sup := newSupplier()
			set(&sup, value)
			if err := s.Create(&sup); !hasField(err, field, code) {
				t.Errorf("supplier %s %q: want %s, got %v", field, value, code, err)
			}
		}
		if err := s.CreateAccount(&directory.Account{Email: "x@brug.example", Name: value, Role: directory.RoleBuyer}, "lang genoeg wachtwoord"); !hasField(err, "name", code) {
			t.Errorf("account name %q: %v", value, err)
		}
		if _, _, err := s.NewToken("someone", "", value); !hasField(err, "name", code) {
			t.Errorf("token name %q: %v", value, err)
		}
		if err := s.SaveSearch("someone", value, "q=brug"); !hasField(err, "name", code) {
			t.Errorf("saved search name %q: %v", value, err)
		}
		if err := directory.CheckLine("subject", value); !hasField(err, "subject", code) {
			t.Errorf("CheckLine %q: %v", value, err)
		}
	}
	if n, _ := s.Count(); n != 0 {
		t.Fatalf("%d suppliers stored", n)
	}

	// A description and a note keep their lines and tabs; a NUL or an
	// override is refused there too.
	sup := newSupplier()
	sup.Description = "Eerste lijn\r\nTweede\tlijn\n\nDerde: é ü ß 中文 עברית"
	sup.Name = "  Werkhuis \u201cDe Brug\u201d  "
	if err := s.Create(&sup); err != nil {
		t.Fatal(err)
	}
	for value, code := range map[string]string{"a\x00b": "control_character", "a\u202Eb": "bidi_control"} {
		sup := newSupplier()
		sup.Description = value
		if err := s.Create(&sup); !hasField(err, "description", code) {
			t.Errorf("description %q: %v", value, err)
		}
	}
	if err := directory.CheckAccountText("note", "note", "lijn 1\nlijn 2"); err != nil {
		t.Fatal(err)
	}
}

// E-mail addresses are bounded as RFC 5321 bounds them, have one @ and a
// domain name, not an IP address.
func TestEmailAddressesAreBounded(t *testing.T) {
	s := testenv.Store(t, "", 0)
	long := strings.Repeat("a", 300)
	for _, e := range []string{
		long + "@brug.example",
		strings.Repeat("a", 65) + "@brug.example",
		"a@" + strings.Repeat("b", 250) + ".example",
		"a@[127.0.0.1]",
		"a@[ipv6:::1]",
		"a@127.0.0.1",
		`"a@b"@brug.example`,
		"a@b@c",
		"a@localhost",
		"a@brug..example",
		"jan\r\n@brug.example",
		"jan\u202E@brug.example",
		"Jan <jan@brug.example>",
		"",
	} {
		err := directory.CheckEmail(e)
		if !errors.Is(err, directory.ErrInvalidEmail) || err.Error() == directory.ErrInvalidEmail.Error() {
			t.Errorf("CheckEmail(%q) = %v, want ErrInvalidEmail with a reason", e, err)
		}
		if err := s.CreateAccount(&directory.Account{Email: e, Name: "X", Role: directory.RoleBuyer}, "lang genoeg wachtwoord"); !errors.Is(err, directory.ErrInvalidEmail) {
			t.Errorf("CreateAccount(%q) = %v", e, err)
		}
		sup := newSupplier()
		sup.Contact.Email = e
		if e != "" && !hasField(s.Create(&sup), "contact.email", "email") && !hasField(s.Create(&sup), "contact.email", "control_character") && !hasField(s.Create(&sup), "contact.email", "bidi_control") {
			t.Errorf("contact e-mail %q accepted", e)
		}
	}
	for _, e := range []string{strings.Repeat("a", 64) + "@brug.example", "Jan.Peeters+verken@stad.gent.example", "  info@brug.example "} {
		if err := directory.CheckEmail(e); err != nil {
			t.Errorf("CheckEmail(%q) = %v", e, err)
		}
	}
}
