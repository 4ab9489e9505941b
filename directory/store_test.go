package directory_test

import (
	"errors"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/testenv"
)

func newSupplier() directory.Supplier {
	return directory.Supplier{
		Name: "Werkhuis De Brug", Kind: directory.KindMaatwerkbedrijf, EnterpriseNumber: "0123.456.749",
		Recognitions:     []directory.Recognition{{Type: "maatwerkbedrijf", Number: "MWB-1", ValidFrom: directory.NewDate(2022, 1, 1), ValidTo: directory.NewDate(2028, 12, 31)}},
		TargetGroupShare: 70, TotalFTE: 100, TargetGroupFTE: 70, TargetGroups: []string{"arbeidshandicap"},
		Sites: []directory.Site{{Street: "Industrieweg 1", Postcode: "9000"}},
		Offers: []directory.Offer{{Task: "packaging", FreeFTE: 4, LeadTimeWeeks: 2, AtOwnSite: true, SiteID: "s1",
			ServiceArea: directory.ServiceArea{Provinces: []string{"Oost-Vlaanderen"}}}},
		Contact: directory.Contact{Email: "info@brug.example"},
	}
}

func TestStoreRoundTrip(t *testing.T) {
	dir := t.TempDir()
	s := testenv.Store(t, dir, 0)
	sup := newSupplier()
	if err := s.Create(&sup); err != nil {
		t.Fatal(err)
	}
	if sup.ID == "" || sup.Version != 1 || sup.CreatedAt.IsZero() {
		t.Fatalf("create did not set id, version, timestamps: %+v", sup)
	}
	if sup.EnterpriseNumber != "0123456749" || sup.Sites[0].Municipality != "44021" || sup.Sites[0].Lat == 0 {
		t.Fatalf("create did not normalise: %+v", sup)
	}
	if sup.Offers[0].ServiceArea.Provinces[0] != "OVL" {
		t.Fatalf("province not resolved: %v", sup.Offers[0].ServiceArea.Provinces)
	}
	got, err := s.Get(sup.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Offers, sup.Offers) || got.Name != sup.Name || !got.CreatedAt.Equal(sup.CreatedAt) {
		t.Fatalf("round trip changed the supplier:\n got %+v\nwant %+v", got, sup)
	}
	byKBO, err := s.GetByEnterpriseNumber("BE 0123 456 749")
	if err != nil || byKBO.ID != sup.ID {
		t.Fatalf("by KBO: %v %v", byKBO.ID, err)
	}
	// Survives closing and reopening the file.
	s.Close()
	s = testenv.Store(t, dir, 0)
	if again, err := s.Get(sup.ID); err != nil || again.Name != sup.Name {
		t.Fatalf("after reopen: %v %v", again.Name, err)
	}
	changes, err := s.ChangesSince(0, 10)
	if err != nil || len(changes) != 1 || changes[0].SupplierID != sup.ID || changes[0].Op != directory.OpPut {
		t.Fatalf("change feed: %+v %v", changes, err)
	}
}

func TestStaleVersionIsRefused(t *testing.T) {
	s := testenv.Store(t, "", 0)
	sup := newSupplier()
	if err := s.Create(&sup); err != nil {
		t.Fatal(err)
	}
	first, second := sup, sup // two people read version 1
	first.Offers = append([]directory.Offer(nil), sup.Offers...)
	first.Offers[0].FreeFTE = 6
	if err := s.Update(&first, directory.System); err != nil {
		t.Fatal(err)
	}
	if first.Version != 2 {
		t.Fatalf("version after update %d, want 2", first.Version)
	}
	second.Name = "Overschreven"
	err := s.Update(&second, directory.System)
	var stale *directory.StaleVersionError
	if !errors.As(err, &stale) || stale.Current != 2 || stale.Given != 1 {
		t.Fatalf("stale update: %v", err)
	}
	if stale.Supplier.Offers[0].FreeFTE != 6 {
		t.Fatalf("stale error does not carry the current state")
	}
	got, _ := s.Get(sup.ID)
	if got.Name != "Werkhuis De Brug" || got.Offers[0].FreeFTE != 6 || got.Version != 2 {
		t.Fatalf("stale update changed the record: %+v", got)
	}
	if err := s.Delete(sup.ID, 1); !errors.As(err, &stale) {
		t.Fatalf("stale delete: %v", err)
	}
	if n, _ := s.LastSeq(); n != 2 {
		t.Fatalf("refused writes appended changes: last seq %d", n)
	}
}

func TestDelete(t *testing.T) {
	s := testenv.Store(t, "", 3)
	sup, _ := s.Get("demo-0002")
	if err := s.Delete(sup.ID, sup.Version); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(sup.ID); !errors.Is(err, directory.ErrNotFound) {
		t.Fatalf("get after delete: %v", err)
	}
	if _, err := s.GetByEnterpriseNumber(sup.EnterpriseNumber); !errors.Is(err, directory.ErrNotFound) {
		t.Fatalf("KBO lookup after delete: %v", err)
	}
	if n, _ := s.Count(); n != 2 {
		t.Fatalf("count %d, want 2", n)
	}
	ch, _ := s.ChangesSince(3, 10)
	if len(ch) != 1 || ch[0].Op != directory.OpDelete || ch[0].Supplier != nil {
		t.Fatalf("delete change: %+v", ch)
	}
	// The enterprise number is free again.
	again := newSupplier()
	again.EnterpriseNumber = sup.EnterpriseNumber
	if err := s.Create(&again); err != nil {
		t.Fatal(err)
	}
}

func TestDuplicateEnterpriseNumberIsRefused(t *testing.T) {
	s := testenv.Store(t, "", 0)
	a, b := newSupplier(), newSupplier()
	if err := s.Create(&a); err != nil {
		t.Fatal(err)
	}
	if err := s.Create(&b); !errors.Is(err, directory.ErrDuplicateEnterprise) {
		t.Fatalf("second supplier with the same KBO: %v", err)
	}
	if n, _ := s.Count(); n != 1 {
		t.Fatalf("count %d", n)
	}
}

func TestValidationNamesEveryBadField(t *testing.T) {
	s := testenv.Store(t, "", 0)
	sup := newSupplier()
	sup.Name = " "
	sup.EnterpriseNumber = "0123.456.748"
	sup.Kind = "bakery"
	sup.Sites[0].Postcode = "4000" // Liège: not Flemish or Brussels
	sup.Offers[0].Task = "juggling"
	sup.Offers[0].FreeFTE = -1
	err := s.Create(&sup)
	var v *directory.ValidationError
	if !errors.As(err, &v) {
		t.Fatalf("want a validation error, got %v", err)
	}
	want := map[string]string{"name": "required", "enterprise_number": "kbo_check", "kind": "unknown",
		"sites[0].postcode": "unknown_postcode", "offers[0].task": "unknown_task", "offers[0].free_fte": "range"}
	got := map[string]string{}
	for _, f := range v.Fields {
		got[f.Field] = f.Code
	}
	for field, code := range want {
		if got[field] != code {
			t.Errorf("field %s: code %q, want %q (all: %v)", field, got[field], code, got)
		}
	}
	if n, _ := s.Count(); n != 0 {
		t.Fatal("an invalid supplier was stored")
	}
}

func TestDemoSeedsOnlyAnEmptyStore(t *testing.T) {
	dir := t.TempDir()
	s := testenv.Store(t, dir, 30)
	if n, _ := s.Count(); n != 30 {
		t.Fatalf("seeded %d", n)
	}
	s.Close()
	s, err := directory.Open(filepath.Join(dir, "verken.db"), s.Validator())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	n, err := directory.SeedDemo(s, nil)
	if err != nil || n != 0 {
		t.Fatalf("seeded a non-empty store: %d %v", n, err)
	}
	demo, _ := s.Get("demo-0001")
	if !demo.Demo {
		t.Fatal("demo record not marked as demo")
	}
}

// DelistAll delists many suppliers in one transaction: all of them, with
// their history, or none when one was changed since it was read.
func TestDelistAllIsAllOrNothing(t *testing.T) {
	s := testenv.Store(t, "", 4)
	var reqs []directory.DelistRequest
	for _, id := range []string{"demo-0001", "demo-0002", "demo-0003"} {
		sup, err := s.Get(id)
		if err != nil {
			t.Fatal(err)
		}
		reqs = append(reqs, directory.DelistRequest{ID: id, Version: sup.Version, Reason: "stopped"})
	}
	stale := append([]directory.DelistRequest{}, reqs...)
	stale[2].Version--
	if err := s.DelistAll(stale, directory.System); err == nil {
		t.Fatal("a stale version was accepted")
	}
	if sup, _ := s.Get("demo-0001"); sup.Delisted != nil {
		t.Fatal("a failed batch delisted a supplier")
	}
	if err := s.DelistAll(reqs, directory.Actor{Name: "KBO"}); err != nil {
		t.Fatal(err)
	}
	for _, r := range reqs {
		sup, _ := s.Get(r.ID)
		hist, _ := s.History(r.ID)
		if sup.Delisted == nil || sup.Delisted.Reason != "stopped" || hist[len(hist)-1].Action != directory.ActionDelist {
			t.Errorf("%s: %+v", r.ID, sup.Delisted)
		}
	}
	if sup, _ := s.Get("demo-0004"); sup.Delisted != nil {
		t.Error("a supplier outside the batch was delisted")
	}
}
