package register_test

import (
	"strings"
	"testing"
	"time"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/testenv"
	"github.com/verken/verken/register"
)

// table reads a register file written as CSV lines (";" between cells).
func table(lines ...string) [][]string {
	var out [][]string
	for _, l := range lines {
		out = append(out, strings.Split(l, ";"))
	}
	return out
}

// Bad rows are refused with their line, column and reason; the good ones
// are read, whichever of the accepted column names the file uses.
func TestParseNamesEveryRefusedRow(t *testing.T) {
	rows, refused, err := register.Parse(table(
		"Ondernemingsnummer;Type;Erkenningsnummer;Geldig_vanaf;Geldig_tot;Uitgever;Datum_register",
		"0200.065.765;maatwerkbedrijf;MW-1;2020-01-01;;Departement WSE;2026-11-01",
		"2.123.456.789;maatwerkbedrijf;MW-2;2021-01-01;2027-12-31;Departement WSE;2026-11-01",
		"0200.065.766;maatwerkbedrijf;MW-3;2020-01-01;;Departement WSE;2026-11-01", // bad check
		"0200.065.765;;MW-4;2020-01-01;;Departement WSE;2026-11-01",
		"0200.065.765;lde;LDE-1;01/01/2020;;Departement WSE;2026-11-01",
		"0200.065.765;lde;LDE-2;2022-01-01;2021-01-01;Departement WSE;2026-11-01",
		";;;;;;",
	))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Enterprise != "0200065765" || rows[1].Establishment != "2123456789" || rows[1].Line != 3 {
		t.Fatalf("rows: %+v", rows)
	}
	want := map[int]string{4: "number", 5: "recognition_number", 6: "valid_from", 7: "valid_until"}
	want[5] = "type"
	if len(refused) != len(want) {
		t.Fatalf("refused: %+v", refused)
	}
	for _, e := range refused {
		if want[e.Line] != e.Field || e.Reason == "" {
			t.Errorf("line %d refused on %q (%s), want %q", e.Line, e.Field, e.Reason, want[e.Line])
		}
	}
	if _, _, err := register.Parse(table("number;type")); err == nil || !strings.Contains(err.Error(), "recognition_number") {
		t.Errorf("a file without its columns: %v", err)
	}
}

// An import puts the register's recognitions on the enterprises and the
// establishments they name, refuses rows naming no supplier, changes
// nothing when run again, and a later extract that no longer holds a
// recognition ends it on that extract's date, keeping its history.
func TestApplyAddsKeepsAndEnds(t *testing.T) {
	store := testenv.Store(t, "", 0)
	a := testenv.Supplier(1, "a", "9000", testenv.Offer("office-cleaning", 2, directory.ServiceArea{}))
	a.Recognitions = []directory.Recognition{{Type: "maatwerkbedrijf", Number: "OWN-1", ValidFrom: directory.NewDate(2019, 1, 1)}}
	b := testenv.Supplier(2, "b", "2000", testenv.Offer("packaging", 3, directory.ServiceArea{}))
	b.Sites = append(b.Sites, directory.Site{ID: "kbo-2123456789", Postcode: "2800"})
	for _, s := range []*directory.Supplier{a, b} {
		if err := store.Create(s); err != nil {
			t.Fatal(err)
		}
	}
	file := func(date string, withA bool) []register.Row {
		lines := []string{"number;type;recognition_number;valid_from;valid_until;issuer;register_date"}
		if withA {
			lines = append(lines, a.EnterpriseNumber+";maatwerkbedrijf;MW-A;2020-01-01;;Departement WSE;"+date)
		}
		lines = append(lines, "2123456789;maatwerkbedrijf;MW-B;2021-01-01;2030-12-31;Departement WSE;"+date,
			"0403.170.701;lde;LDE-X;2021-01-01;;Departement WSE;"+date) // no such supplier
		rows, refused, err := register.Parse(table(lines...))
		if err != nil || len(refused) != 0 {
			t.Fatalf("parse: %v %+v", err, refused)
		}
		return rows
	}
	by := directory.Actor{Name: "test register"}
	rep, err := register.Apply(store, file("2026-11-01", true), by)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Added != 2 || rep.Suppliers != 2 || len(rep.Refused) != 1 || rep.Refused[0].Field != "number" || rep.Refused[0].Line != 4 {
		t.Fatalf("first import: %+v", rep)
	}
	gotA, _ := store.Get(a.ID)
	gotB, _ := store.Get(b.ID)
	if len(gotA.Recognitions) != 2 || !gotA.Recognitions[1].FromRegister() || gotA.Recognitions[0].FromRegister() {
		t.Fatalf("a's recognitions: %+v", gotA.Recognitions)
	}
	if r := gotB.Recognitions[0]; r.SiteID != "kbo-2123456789" || r.Register != "Departement WSE" || r.RegisterDate != directory.NewDate(2026, 11, 1) {
		t.Fatalf("b's recognition is not on its establishment: %+v", r)
	}

	// The same file again changes nothing.
	rep, err = register.Apply(store, file("2026-11-01", true), by)
	if err != nil || rep.Suppliers != 0 || rep.Unchanged != 2 || rep.Added+rep.Changed+rep.Ended != 0 {
		t.Fatalf("the same file again: %+v %v", rep, err)
	}
	again, _ := store.Get(a.ID)
	if again.Version != gotA.Version {
		t.Fatal("the same file wrote the supplier again")
	}

	// December's extract no longer holds a's recognition: it ends then.
	rep, err = register.Apply(store, file("2026-12-01", false), by)
	if err != nil || rep.Ended != 1 || rep.Changed != 1 {
		t.Fatalf("the next extract: %+v %v", rep, err)
	}
	gotA, _ = store.Get(a.ID)
	ended := gotA.Recognitions[1]
	if ended.Lapsed != directory.NewDate(2026, 12, 1) || ended.ValidTo != directory.NewDate(2026, 12, 1) || !gotA.Recognitions[0].ValidTo.IsZero() {
		t.Fatalf("a's recognitions after December: %+v", gotA.Recognitions)
	}
	if !ended.ValidOn(directory.NewDate(2026, 11, 30)) || ended.ValidOn(directory.NewDate(2026, 12, 2)) {
		t.Error("the ended recognition should hold until the register's date only")
	}
	hist, err := store.History(a.ID)
	if err != nil || len(hist) < 3 || hist[len(hist)-1].Actor.Name != "test register" {
		t.Fatalf("history: %+v %v", hist, err)
	}
}

// Eligibility states its basis: a register's recognition with a verified
// share is "verified"; a declared recognition counts for reserved=true
// only.
func TestEligibilityBasis(t *testing.T) {
	day := directory.NewDate(2026, 12, 1)
	s := testenv.Supplier(1, "s", "9000")
	s.TargetGroupShare = 42
	s.Recognitions = []directory.Recognition{{Type: "maatwerkbedrijf", Number: "OWN", ValidFrom: directory.NewDate(2020, 1, 1)}}
	b := s.EligibilityOn(day)
	if !b.Eligible || b.Verified || b.Recognition == nil || b.Recognition.Number != "OWN" || b.ShareVerified {
		t.Fatalf("declared: %+v", b)
	}
	s.Recognitions = append(s.Recognitions, directory.Recognition{Type: "maatwerkbedrijf", Number: "MW", Issuer: "Departement WSE",
		ValidFrom: directory.NewDate(2021, 1, 1), Register: "Departement WSE", RegisterDate: directory.NewDate(2026, 11, 1)})
	if b := s.EligibilityOn(day); b.Recognition.Number != "MW" || b.Verified {
		t.Fatalf("register's recognition, share declared: %+v", b)
	}
	s.ShareVerified = &directory.Verification{At: time.Date(2026, 10, 5, 9, 0, 0, 0, time.UTC), By: "admin"}
	if b := s.EligibilityOn(day); !b.Verified || b.ShareVerifiedOn != directory.NewDate(2026, 10, 5) {
		t.Fatalf("register's recognition, share verified: %+v", b)
	}
	if ps := s.VerifiedReservedPeriods(); len(ps) != 1 || ps[0].From != directory.NewDate(2021, 1, 1) {
		t.Fatalf("verified periods: %+v", ps)
	}
	s.TargetGroupShare = 20
	if b := s.EligibilityOn(day); b.Eligible || b.Verified {
		t.Fatalf("share too low: %+v", b)
	}
}
