package directory_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/testenv"
)

var (
	alice = directory.Actor{AccountID: "a1", Name: "Alice"}
	bob   = directory.Actor{AccountID: "b1", Name: "Bob"}
	admin = directory.Actor{AccountID: "ad", Name: "Beheerder"}
)

// Every write is kept: who, when, which fields, old and new values.
func TestHistoryRecordsWhoChangedWhat(t *testing.T) {
	s := testenv.Store(t, "", 0)
	clock := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	s.SetClock(func() time.Time { return clock })
	sup := newSupplier()
	if err := s.Create(&sup); err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(time.Hour)
	sup.Offers[0].FreeFTE = 9
	sup.Contact.Phone = "09 123 45 67"
	if err := s.Update(&sup, alice); err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(time.Hour)
	if _, err := s.Confirm(sup.ID, sup.Version, bob); err != nil {
		t.Fatal(err)
	}
	h, err := s.History(sup.ID)
	if err != nil || len(h) != 3 {
		t.Fatalf("history: %+v, %v", h, err)
	}
	if h[0].Action != directory.ActionCreate || h[1].Action != directory.ActionUpdate || h[2].Action != directory.ActionConfirm {
		t.Fatalf("actions: %s %s %s", h[0].Action, h[1].Action, h[2].Action)
	}
	upd := h[1]
	if upd.Actor != alice || !upd.At.Equal(time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)) || upd.Version != 2 {
		t.Fatalf("update entry: %+v", upd)
	}
	want := map[string][2]string{"offers[0].free_fte": {"4", "9"}, "contact.phone": {"", "09 123 45 67"}}
	if len(upd.Changes) != len(want) {
		t.Fatalf("changes: %+v", upd.Changes)
	}
	for _, c := range upd.Changes {
		if w, ok := want[c.Field]; !ok || w[0] != c.Old || w[1] != c.New {
			t.Errorf("change %+v, want %v", c, want[c.Field])
		}
	}
	got, _ := s.Get(sup.ID)
	if !got.ConfirmedAt.Equal(clock) || got.UpdatedAt.Equal(clock) == false {
		t.Fatalf("confirm: confirmed %v updated %v, want %v", got.ConfirmedAt, got.UpdatedAt, clock)
	}
}

// An administrator's verification stays while the fact stays; a supplier
// edit of the fact turns it back to unverified.
func TestEditingAVerifiedFactUnverifiesIt(t *testing.T) {
	s := testenv.Store(t, "", 0)
	sup := newSupplier()
	if err := s.Create(&sup); err != nil {
		t.Fatal(err)
	}
	if err := s.Verify(sup.ID, 1, "share", "checked the payroll", admin); err != nil {
		t.Fatal(err)
	}
	if err := s.Verify(sup.ID, 2, "recognitions[0]", "", admin); err != nil {
		t.Fatal(err)
	}
	if err := s.Verify(sup.ID, 3, "recognitions[4]", "", admin); !errors.Is(err, directory.ErrUnknownFact) {
		t.Fatalf("unknown fact: %v", err)
	}
	cur, _ := s.Get(sup.ID)
	if cur.ShareVerified == nil || cur.ShareVerified.Note != "checked the payroll" || cur.Recognitions[0].Verified == nil {
		t.Fatalf("not verified: %+v", cur)
	}
	// Editing something else keeps both verifications, even though the
	// form that saves it does not carry them.
	edit := cur
	edit.Recognitions = []directory.Recognition{{Type: "maatwerkbedrijf", Number: "MWB-1", ValidFrom: directory.NewDate(2022, 1, 1), ValidTo: directory.NewDate(2028, 12, 31)}}
	edit.ShareVerified = nil
	edit.Contact.Phone = "09 000 00 00"
	if err := s.Update(&edit, alice); err != nil {
		t.Fatal(err)
	}
	cur, _ = s.Get(sup.ID)
	if cur.ShareVerified == nil || cur.Recognitions[0].Verified == nil {
		t.Fatal("an edit of other fields dropped a verification")
	}
	// Editing the share unverifies the share only.
	edit = cur
	edit.TargetGroupShare = 55
	if err := s.Update(&edit, alice); err != nil {
		t.Fatal(err)
	}
	cur, _ = s.Get(sup.ID)
	if cur.ShareVerified != nil || cur.Recognitions[0].Verified == nil {
		t.Fatalf("after editing the share: share %v, recognition %v", cur.ShareVerified, cur.Recognitions[0].Verified)
	}
	// Editing the recognition unverifies it; a supplier cannot verify
	// by sending a verification along.
	edit = cur
	edit.Recognitions[0].ValidTo = directory.NewDate(2030, 12, 31)
	edit.ShareVerified = &directory.Verification{By: "myself"}
	if err := s.Update(&edit, alice); err != nil {
		t.Fatal(err)
	}
	cur, _ = s.Get(sup.ID)
	if cur.Recognitions[0].Verified != nil || cur.ShareVerified != nil {
		t.Fatal("an edited recognition stayed verified, or a supplier verified its own share")
	}
}

// Two people save the same version at once: exactly one wins, the other is
// told what changed meanwhile, and nothing is lost.
func TestConcurrentEditsLoseNothing(t *testing.T) {
	s := testenv.Store(t, "", 0)
	sup := newSupplier()
	if err := s.Create(&sup); err != nil {
		t.Fatal(err)
	}
	const editors = 8
	var wg sync.WaitGroup
	results := make([]error, editors)
	// Every editor reads version 1 for itself, as each request does.
	copies := make([]directory.Supplier, editors)
	for i := range copies {
		copies[i], _ = s.Get(sup.ID)
	}
	for i := range editors {
		wg.Go(func() {
			mine := copies[i]
			mine.Offers[0].FreeFTE = float64(10 + i)
			results[i] = s.Update(&mine, directory.Actor{Name: "editor"})
		})
	}
	wg.Wait()
	won := -1
	for i, err := range results {
		var stale *directory.StaleVersionError
		switch {
		case err == nil:
			if won >= 0 {
				t.Fatalf("editors %d and %d both saved version 1", won, i)
			}
			won = i
		case !errors.As(err, &stale):
			t.Fatalf("editor %d: %v", i, err)
		}
	}
	got, _ := s.Get(sup.ID)
	if won < 0 || got.Offers[0].FreeFTE != float64(10+won) || got.Version != 2 {
		t.Fatalf("winner %d, stored %v at version %d", won, got.Offers[0].FreeFTE, got.Version)
	}
	changed, err := s.ChangedSince(sup.ID, 1)
	if err != nil || len(changed) != 1 || changed[0].Changes[0].Field != "offers[0].free_fte" {
		t.Fatalf("what changed since version 1: %+v, %v", changed, err)
	}
}

// Delisting keeps the record and its history; an edit does not relist.
func TestDelist(t *testing.T) {
	s := testenv.Store(t, "", 0)
	sup := newSupplier()
	if err := s.Create(&sup); err != nil {
		t.Fatal(err)
	}
	if err := s.Delist(sup.ID, 1, "closed down", admin); err != nil {
		t.Fatal(err)
	}
	cur, _ := s.Get(sup.ID)
	if cur.Delisted == nil || cur.Delisted.Reason != "closed down" {
		t.Fatalf("delisted: %+v", cur.Delisted)
	}
	cur.Delisted = nil
	cur.Name = "Nieuwe naam"
	if err := s.Update(&cur, alice); err != nil {
		t.Fatal(err)
	}
	cur, _ = s.Get(sup.ID)
	if cur.Delisted == nil {
		t.Fatal("a supplier edit relisted the supplier")
	}
	if h, _ := s.History(sup.ID); len(h) != 3 || h[1].Action != directory.ActionDelist {
		t.Fatalf("history: %+v", h)
	}
}
