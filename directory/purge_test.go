package directory_test

import (
	"errors"
	"testing"
	"time"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/testenv"
)

// Purge removes sessions and one-time links past their expiry and keeps
// the live ones working.
func TestPurgeRemovesWhatExpired(t *testing.T) {
	s := testenv.Store(t, "", 0)
	now := testenv.Reference
	s.SetClock(func() time.Time { return now })
	a := directory.Account{Email: "buyer@example.org", Name: "Buyer", Role: directory.RoleBuyer}
	if err := s.CreateAccount(&a, "a long enough password"); err != nil {
		t.Fatal(err)
	}
	oldSession, _, _ := s.NewSession(a.ID, time.Hour)
	liveSession, _, _ := s.NewSession(a.ID, 48*time.Hour)
	oldLink, _ := s.NewLink(directory.Link{Kind: directory.LinkReset, AccountID: a.ID}, time.Hour)
	liveLink, _ := s.NewLink(directory.Link{Kind: directory.LinkInvite, Email: "new@example.org"}, 7*24*time.Hour)
	for _, m := range []directory.Mail{
		{To: a.Email, Subject: "reset", Body: "/wachtwoord-herstellen/" + oldLink, LinkSecret: oldLink, ExpiresAt: now.Add(time.Hour)},
		{To: "new@example.org", Subject: "invite", Body: "/uitnodiging/" + liveLink, LinkSecret: liveLink, ExpiresAt: now.Add(7 * 24 * time.Hour)},
	} {
		if err := s.KeepMail(m); err != nil {
			t.Fatal(err)
		}
	}

	now = now.Add(2 * time.Hour)
	got, err := s.Purge(now)
	if err != nil {
		t.Fatal(err)
	}
	if got != (directory.Purged{Sessions: 1, Links: 1, Mail: 1}) {
		t.Errorf("purged %+v, want one session, one link and one mail body", got)
	}
	box, _ := s.Outbox()
	if len(box) != 2 || box[0].Body == "" || box[1].Body != "" || box[1].Withheld != directory.WithheldExpired {
		t.Errorf("outbox after the purge: %+v", box)
	}
	// The live ones still work; the expired ones are gone from the store,
	// not only refused: with the clock set back they are still not found.
	if _, _, err := s.SessionBySecret(liveSession); err != nil {
		t.Errorf("live session: %v", err)
	}
	if _, err := s.PeekLink(directory.LinkInvite, liveLink); err != nil {
		t.Errorf("live link: %v", err)
	}
	now = testenv.Reference
	if _, _, err := s.SessionBySecret(oldSession); !errors.Is(err, directory.ErrSecretNotFound) {
		t.Errorf("purged session: %v", err)
	}
	if _, err := s.PeekLink(directory.LinkReset, oldLink); !errors.Is(err, directory.ErrSecretNotFound) {
		t.Errorf("purged link: %v", err)
	}
	// A second purge finds nothing more.
	if got, _ := s.Purge(testenv.Reference.Add(2 * time.Hour)); got != (directory.Purged{}) {
		t.Errorf("second purge: %+v", got)
	}
}

// Compacting the change feed deletes the entries up to a sequence number
// and nothing after; numbering goes on from where it was, and asking for
// changes from below the compacted part is an error, not a silent gap.
func TestCompactChangesKeepsNumbering(t *testing.T) {
	s := testenv.Store(t, "", 30)
	last, _ := s.LastSeq()
	if last != 30 {
		t.Fatalf("30 suppliers made %d changes", last)
	}
	n, err := s.CompactChanges(25)
	if err != nil || n != 25 {
		t.Fatalf("compacted %d (%v), want 25", n, err)
	}
	if floor, _ := s.CompactedThrough(); floor != 25 {
		t.Errorf("compacted through %d, want 25", floor)
	}
	if ch, err := s.ChangesSince(25, 100); err != nil || len(ch) != 5 || ch[0].Seq != 26 {
		t.Fatalf("changes after 25: %d %v", len(ch), err)
	}
	if _, err := s.ChangesSince(10, 100); !errors.Is(err, directory.ErrFeedCompacted) {
		t.Fatalf("changes after 10, compacted away: %v", err)
	}
	// All of it, then a write: it gets the next number, not 1.
	if n, _ := s.CompactChanges(last); n != 5 {
		t.Fatalf("second compaction removed %d, want 5", n)
	}
	if seq, _ := s.LastSeq(); seq != last {
		t.Fatalf("compaction moved the last sequence number to %d", seq)
	}
	sup, _ := s.Get("demo-0004")
	sup.Name = "Na de compactie"
	if err := s.Update(&sup, directory.System); err != nil {
		t.Fatal(err)
	}
	ch, err := s.ChangesSince(last, 10)
	if err != nil || len(ch) != 1 || ch[0].Seq != last+1 || ch[0].SupplierID != "demo-0004" {
		t.Fatalf("the write after compaction: %+v %v", ch, err)
	}
	if floor, _ := s.CompactedThrough(); floor != last {
		t.Errorf("compacted through %d, want %d", floor, last)
	}
}
