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
	// A row naming an establishment puts the recognition on that site,
	// and the profile says which.
	kboSite := &directory.Supplier{Name: "Werkhuis Noord", Kind: directory.KindMaatwerkbedrijf, EnterpriseNumber: directory.EnterpriseNumberWithCheck(7600000),
		Sites:  []directory.Site{{ID: "s1", Postcode: "9000"}, {ID: "kbo-2123456789", Name: "Atelier Wondelgem", Postcode: "9032"}},
		Offers: []directory.Offer{{Task: "packaging", FreeFTE: 1, AtClientSite: true}}}
	if err := s.Store.Create(kboSite); err != nil {
		t.Fatal(err)
	}
	b.get("/beheer")
	est := "number;type;recognition_number;valid_from;valid_until;issuer;register_date\n2.123.456.789;maatwerkbedrijf;MW-W;2021-01-01;;Departement WSE;2026-11-01\n"
	if code, _, page := b.upload("/beheer/erkenningen", "vestiging.csv", est, false); code != 200 || !strings.Contains(page, "Toegevoegd: 1") {
		t.Fatalf("an establishment's recognition: %d", code)
	}
	if _, page := fetch(t, s.URL+"/leveranciers/"+kboSite.ID); !strings.Contains(string(page), "voor de vestiging Atelier Wondelgem") {
		t.Error("the profile does not say which site the recognition is for")
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

// Exports state, per row, the basis of reserved-contract eligibility and
// where the row's facts come from.
func TestExportStatesEligibilityBasisAndSource(t *testing.T) {
	s := startServer(t, 0)
	ids := seedCleaners(t, s)
	vouchFor(t, s, ids[0])
	kbo := &directory.Supplier{Name: "KBO Poetsfirma", Kind: directory.KindRegulier, Unclaimed: true,
		EnterpriseNumber: directory.EnterpriseNumberWithCheck(7400000), Sites: []directory.Site{{Postcode: "9000"}},
		Offers: []directory.Offer{{Task: "office-cleaning", AtClientSite: true}}}
	if err := s.Store.Create(kbo); err != nil {
		t.Fatal(err)
	}
	waitIndexed(t, s)
	_, body := fetch(t, s.URL+"/api/v1/suppliers/export.csv?unclaimed=true&sort=name")
	csv := string(body)
	for _, want := range []string{
		"erkenning maatwerkbedrijf uit het register van Departement WSE (stand 01-11-2026); 65 % doelgroepwerknemers, nagekeken door Verken op",
		"erkenning maatwerkbedrijf, opgegeven door de leverancier; 65 % doelgroepwerknemers, opgegeven door de leverancier",
		"Kruispuntbank van Ondernemingen, zonder Verken-profiel",
		"Verken-profiel van de leverancier",
	} {
		if !strings.Contains(csv, want) {
			t.Errorf("the export lacks %q", want)
		}
	}
}

// The profile says who vouches for each fact: a register's recognition,
// a share Verken verified, a name and sites the KBO states; a firm
// without a profile says so and how to claim it.
func TestProfileShowsWhoVouches(t *testing.T) {
	s := startServer(t, 0)
	ids := seedCleaners(t, s)
	sup := vouchFor(t, s, ids[0])
	_, page := fetch(t, s.URL+"/leveranciers/"+sup.ID)
	for _, want := range []string{"Uit het register van Departement WSE (stand 01-11-2026).", "Nagekeken door Verken op",
		"Verken staat in voor deze grond", "uit het register van Departement WSE, stand 01-11-2026"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("the profile lacks %q", want)
		}
	}
	_, page = fetch(t, s.URL+"/leveranciers/"+ids[1])
	if !strings.Contains(string(page), "Erkenning maatwerkbedrijf M-1 geldt vandaag, zonder einddatum. Opgegeven door de leverancier.") ||
		strings.Contains(string(page), "Verken staat in voor deze grond") {
		t.Errorf("a declared recognition is not said to be declared:\n%s", stripTags(string(page)))
	}

	kbo := &directory.Supplier{Name: "KBO Poetsfirma", Kind: directory.KindRegulier, Unclaimed: true,
		EnterpriseNumber: directory.EnterpriseNumberWithCheck(7400001), Sites: []directory.Site{{Postcode: "9000"}},
		Offers:     []directory.Offer{{Task: "office-cleaning", AtClientSite: true}},
		Provenance: map[string]directory.Provenance{"name": {Source: directory.SourceKBO, Since: directory.NewDate(2026, 10, 31)}}}
	if err := s.Store.Create(kbo); err != nil {
		t.Fatal(err)
	}
	_, page = fetch(t, s.URL+"/leveranciers/"+kbo.ID)
	if !strings.Contains(string(page), `id="unclaimed-note"`) || !strings.Contains(string(page), "volgens de Kruispuntbank van Ondernemingen (stand 31-10-2026)") {
		t.Errorf("the firm without a profile does not say where its facts come from:\n%s", stripTags(string(page)))
	}
}

// vouchFor gives a supplier a recognition from a register (Departement
// WSE's, as of 01-11-2026) instead of its declared ones, and has an
// administrator verify its share.
func vouchFor(t *testing.T, s *liveServer, id string) directory.Supplier {
	t.Helper()
	sup, _ := s.Store.Get(id)
	sup.Recognitions = []directory.Recognition{{Type: "maatwerkbedrijf", Number: "MW-R", Issuer: "Departement WSE", ValidFrom: directory.NewDate(2020, 1, 1),
		Register: "Departement WSE", RegisterDate: directory.NewDate(2026, 11, 1)}}
	if err := s.Store.Update(&sup, directory.System); err != nil {
		t.Fatal(err)
	}
	if err := s.Store.Verify(sup.ID, sup.Version, "share", "", directory.Actor{Name: "admin"}); err != nil {
		t.Fatal(err)
	}
	return sup
}
