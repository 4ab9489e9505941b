package directory_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/testenv"
)

func hitIDs(hs []directory.AlertHit) []string {
	var out []string
	for _, h := range hs {
		out = append(out, h.ID)
	}
	return out
}

// savedSearch saves a search for a new buyer and returns the account and
// the saved search's id.
func savedSearch(t *testing.T, s *directory.Store, email, name string) (directory.Account, string) {
	t.Helper()
	a, err := s.AccountByEmail(email)
	if err != nil {
		a = directory.Account{Email: email, Name: "Koper", Role: directory.RoleBuyer}
		if err := s.CreateAccount(&a, "een lang genoeg wachtwoord"); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SaveSearch(a.ID, name, "task=office-cleaning&province="+name); err != nil {
		t.Fatal(err)
	}
	saved, err := s.SavedSearches(a.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, ss := range saved {
		if ss.Name == name {
			return a, ss.ID
		}
	}
	t.Fatal("the saved search is not listed")
	return a, ""
}

// The first digest of a saved search gives every hit; the next only the
// suppliers that are new and those whose capacity changed; a link comes
// only with something to say, and lasts until the alert is switched off,
// once.
func TestAlertDigestsAndLinks(t *testing.T) {
	s := testenv.Store(t, "", 0)
	a, id := savedSearch(t, s, "koper@stad.example", "OVL")
	now := time.Date(2030, 1, 7, 9, 0, 0, 0, time.UTC)
	rep, err := s.RecordAlert(a.ID, id, []directory.AlertHit{{ID: "a", FTE: 1}, {ID: "b", FTE: 2}, {ID: "a", FTE: 1}}, now)
	if err != nil || !rep.First || !slices.Equal(hitIDs(rep.New), []string{"a", "b"}) || rep.Secret == "" {
		t.Fatalf("first: %+v %v", rep, err)
	}
	first := rep.Secret
	// Nothing changed: nothing to say, no link.
	rep, err = s.RecordAlert(a.ID, id, []directory.AlertHit{{ID: "b", FTE: 2}, {ID: "a", FTE: 1.004}}, now.Add(time.Hour))
	if err != nil || rep.First || !rep.Empty() || rep.Secret != "" {
		t.Fatalf("unchanged: %+v %v", rep, err)
	}
	// b changed, c is new, a left (not told).
	rep, err = s.RecordAlert(a.ID, id, []directory.AlertHit{{ID: "c", FTE: 0.5}, {ID: "b", FTE: 3}}, now.Add(2*time.Hour))
	if err != nil || !slices.Equal(hitIDs(rep.New), []string{"c"}) || len(rep.Changed) != 1 || rep.Changed[0].ID != "b" ||
		rep.Changed[0].Was != 2 || rep.Changed[0].FTE != 3 || rep.Secret == "" {
		t.Fatalf("changed: %+v %v", rep, err)
	}
	// a is back: new again.
	rep, _ = s.RecordAlert(a.ID, id, []directory.AlertHit{{ID: "c", FTE: 0.5}, {ID: "b", FTE: 3}, {ID: "a", FTE: 1}}, now.Add(3*time.Hour))
	if !slices.Equal(hitIDs(rep.New), []string{"a"}) || len(rep.Changed) != 0 {
		t.Fatalf("back: %+v", rep)
	}
	// Both links lead to the search until one switches it off; then
	// neither does.
	for _, secret := range []string{first, rep.Secret} {
		if ss, err := s.AlertByLink(secret); err != nil || ss.ID != id {
			t.Fatalf("link: %+v %v", ss, err)
		}
	}
	if ss, err := s.AlertOffByLink(first); err != nil || ss.ID != id {
		t.Fatalf("off: %v", err)
	}
	for _, secret := range []string{first, rep.Secret, "bestaat-niet"} {
		if _, err := s.AlertOffByLink(secret); !errors.Is(err, directory.ErrAlertLink) {
			t.Fatalf("a used link: %v", err)
		}
	}
	alerts, err := s.Alerts(a.ID)
	if err != nil || len(alerts) != 1 || alerts[0].On {
		t.Fatalf("alerts after switching off: %+v %v", alerts, err)
	}
	// Off: nothing recorded, nothing said.
	if rep, err := s.RecordAlert(a.ID, id, []directory.AlertHit{{ID: "z", FTE: 1}}, now.Add(4*time.Hour)); err != nil || !rep.Empty() {
		t.Fatalf("off, yet: %+v %v", rep, err)
	}
	// On again: it starts afresh.
	if err := s.SetAlert(a.ID, id, true); err != nil {
		t.Fatal(err)
	}
	if rep, _ := s.RecordAlert(a.ID, id, []directory.AlertHit{{ID: "c", FTE: 0.5}}, now.Add(5*time.Hour)); !rep.First || !slices.Equal(hitIDs(rep.New), []string{"c"}) {
		t.Fatalf("on again: %+v", rep)
	}
	// Another's saved search is not one's own.
	other, _ := savedSearch(t, s, "ander@gemeente.example", "ANT")
	if err := s.SetAlert(other.ID, id, false); !errors.Is(err, directory.ErrSavedNotFound) {
		t.Fatalf("switched off another's alert: %v", err)
	}
	if _, err := s.RecordAlert(other.ID, id, nil, now); !errors.Is(err, directory.ErrSavedNotFound) {
		t.Fatalf("recorded for another's search: %v", err)
	}
}

// What a digest keeps is bounded: the first MaxAlertHits hits of a search,
// and MaxAlertLinks live links per search (the oldest go first).
func TestAlertBounds(t *testing.T) {
	s := testenv.Store(t, "", 0)
	a, id := savedSearch(t, s, "koper@stad.example", "OVL")
	now := time.Date(2030, 1, 7, 9, 0, 0, 0, time.UTC)
	many := make([]directory.AlertHit, directory.MaxAlertHits+100)
	for i := range many {
		many[i] = directory.AlertHit{ID: fmt.Sprintf("s%04d", i), FTE: 1}
	}
	rep, err := s.RecordAlert(a.ID, id, many, now)
	if err != nil || len(rep.New) != directory.MaxAlertHits {
		t.Fatalf("%d new, %v", len(rep.New), err)
	}
	// Beyond the first 500 nothing was kept: shifted up, one is new.
	rep, _ = s.RecordAlert(a.ID, id, many[1:], now.Add(time.Hour))
	if !slices.Equal(hitIDs(rep.New), []string{many[directory.MaxAlertHits].ID}) {
		t.Fatalf("shifted: %v", hitIDs(rep.New))
	}
	var secrets []string
	for i := range directory.MaxAlertLinks + 3 {
		rep, err := s.RecordAlert(a.ID, id, []directory.AlertHit{{ID: fmt.Sprintf("n%d", i), FTE: 1}}, now.Add(time.Duration(i+2)*time.Hour))
		if err != nil || rep.Secret == "" {
			t.Fatalf("digest %d: %+v %v", i, rep, err)
		}
		secrets = append(secrets, rep.Secret)
	}
	for i, secret := range secrets {
		_, err := s.AlertByLink(secret)
		if live := i >= 3; live != (err == nil) {
			t.Errorf("link %d: %v", i, err)
		}
	}
}

// Digests are weekly per account; an account that is deleted leaves
// nothing of its alerts behind.
func TestAlertsDueWeeklyAndPruned(t *testing.T) {
	s := testenv.Store(t, "", 0)
	a, ovl := savedSearch(t, s, "koper@stad.example", "OVL")
	_, ant := savedSearch(t, s, "koper@stad.example", "ANT")
	b, _ := savedSearch(t, s, "ander@gemeente.example", "LIM")
	now := time.Date(2030, 1, 7, 9, 0, 0, 0, time.UTC)
	due, err := s.DueAlerts(now)
	if err != nil || len(due) != 2 {
		t.Fatalf("due: %+v %v", due, err)
	}
	if err := s.SetAlert(a.ID, ant, false); err != nil {
		t.Fatal(err)
	}
	rep, err := s.RecordAlert(a.ID, ovl, []directory.AlertHit{{ID: "x", FTE: 1}}, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AlertDigested(a.ID, now); err != nil {
		t.Fatal(err)
	}
	due, _ = s.DueAlerts(now.Add(6 * 24 * time.Hour))
	if len(due) != 1 || due[0].AccountID != b.ID {
		t.Fatalf("six days on: %+v", due)
	}
	due, _ = s.DueAlerts(now.Add(7*24*time.Hour - time.Minute))
	var mine *directory.AlertAccount
	for i := range due {
		if due[i].AccountID == a.ID {
			mine = &due[i]
		}
	}
	if mine == nil || len(mine.Saved) != 1 || mine.Saved[0].ID != ovl {
		t.Fatalf("a week on, the alerts that are on: %+v", due)
	}
	if err := s.DeleteAccount(a.ID); err != nil {
		t.Fatal(err)
	}
	if n, err := s.PruneAlerts(); err != nil || n != 3 {
		t.Fatalf("pruned %d: %v", n, err)
	}
	if _, err := s.AlertByLink(rep.Secret); !errors.Is(err, directory.ErrAlertLink) {
		t.Fatalf("a deleted account's link: %v", err)
	}
	if n, _ := s.PruneAlerts(); n != 0 {
		t.Fatalf("pruned again: %d", n)
	}
}
