package ui_test

import (
	"strings"
	"testing"

	"github.com/verken/verken/directory"
)

// An administrator loads a register's recognitions through /beheer: the
// good rows land on their suppliers, a refused row is named with its line,
// column and reason in the reader's language.
func TestAdminImportsRecognitions(t *testing.T) {
	s := startServer(t, 0)
	ids := seedCleaners(t, s)
	sup, err := s.Store.Get(ids[0])
	if err != nil {
		t.Fatal(err)
	}
	account(t, s, "beheer@verken.example", directory.RoleAdmin)
	b := newVisitor(t, s)
	b.signIn("beheer@verken.example", testPassword)
	b.get("/beheer")
	file := "number;type;recognition_number;valid_from;valid_until;issuer;register_date\n" +
		sup.EnterpriseNumber + ";maatwerkbedrijf;MW-R1;2020-01-01;;Departement WSE;2026-11-01\n" +
		"0403.170.701;maatwerkbedrijf;MW-R2;2020-01-01;;Departement WSE;2026-11-01\n" +
		sup.EnterpriseNumber + ";lde;L-1;2020-13-01;;Departement WSE;2026-11-01\n"
	code, _, page := b.upload("/beheer/erkenningen", "register.csv", file, false)
	if code != 422 || !strings.Contains(page, `id="recognitions-report"`) || !strings.Contains(page, "Toegevoegd: 1") {
		t.Fatalf("import: %d\n%s", code, stripTags(page))
	}
	for _, want := range []string{"<td>3</td><td>ondernemings- of vestigingsnummer</td><td>0403170701</td><td>geen leverancier in Verken heeft dit ondernemingsnummer</td>",
		"<td>4</td><td>geldig vanaf</td><td>2020-13-01</td><td>is geen datum (JJJJ-MM-DD)</td>"} {
		if !strings.Contains(page, want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	got, _ := s.Store.Get(ids[0])
	n := 0
	for _, r := range got.Recognitions {
		if r.FromRegister() && r.Number == "MW-R1" && r.Register == "Departement WSE" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("the register's recognition is not on the supplier: %+v", got.Recognitions)
	}
	// A buyer cannot load a register.
	account(t, s, "koper@stad.example", directory.RoleBuyer)
	o := newVisitor(t, s)
	o.signIn("koper@stad.example", testPassword)
	o.get("/")
	if code, _, _ := o.upload("/beheer/erkenningen", "register.csv", file, false); code != 403 && code != 404 {
		t.Errorf("a buyer loads a register: %d", code)
	}
}
