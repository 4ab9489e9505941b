package consult_test

import (
	"errors"
	"testing"
	"time"

	"github.com/verken/verken/consult"
	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/testenv"
)

// A supplier that opted out of every task of a consultation is no
// candidate for it, is not sent it and not reminded; the link in its
// invitation opts out without signing in, until three months after the
// deadline; signed in, the set is replaced as a whole.
func TestOptOut(t *testing.T) {
	s, err := consult.New(testenv.Store(t, "", 0))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2030, 1, 7, 9, 0, 0, 0, time.UTC)
	known := func(id string) bool { return id == "office-cleaning" || id == "window-cleaning" }
	if err := s.SetOptOuts("a", []string{"bestaat-niet"}, known, now); err == nil {
		t.Fatal("an unknown task is taken")
	}
	var ve *directory.ValidationError
	if err := s.SetOptOuts("a", []string{"office-cleaning", "window-cleaning"}, known, now); err != nil {
		t.Fatal(err)
	}
	cands := []consult.Candidate{{SupplierID: "a"}, {SupplierID: "b"}, {SupplierID: "c"}}
	if got, n, _ := s.WithoutOptedOut(cands, []string{"office-cleaning"}); n != 1 || len(got) != 2 || got[0].SupplierID != "b" {
		t.Fatalf("without the opted out: %d %+v", n, got)
	}
	// Opted out of one of two tasks: still a candidate. No task: always.
	if err := s.SetOptOuts("a", []string{"window-cleaning"}, known, now); err != nil {
		t.Fatal(err)
	}
	if _, n, _ := s.WithoutOptedOut(cands, []string{"office-cleaning", "window-cleaning"}); n != 0 {
		t.Fatal("a supplier opted out of one task of two is left out")
	}
	if _, n, _ := s.WithoutOptedOut(cands, nil); n != 0 {
		t.Fatal("a consultation about no task leaves a supplier out")
	}
	if outs, _ := s.OptOuts("a"); len(outs) != 1 || outs[0].Task != "window-cleaning" || outs[0].Via != "account" {
		t.Fatalf("the set is not replaced: %+v", outs)
	}

	c := draft("acc", now.Add(72*time.Hour))
	c.Candidates = cands
	if err := s.Create(c, now); err != nil {
		t.Fatal(err)
	}
	emails := map[string]string{"a": "a@x.example", "b": "b@x.example", "c": "c@x.example"}
	inv, err := s.Send(c.ID, []string{"a", "b", "c"}, emails, "tekst", "nl", now)
	if err != nil || len(inv) != 3 || inv[0].OptOut == "" || inv[0].OptOut == inv[0].Secret {
		t.Fatalf("send: %v %+v", err, inv)
	}
	// b opts out through its invitation's link.
	var b consult.Invite
	for _, i := range inv {
		if i.Recipient.SupplierID == "b" {
			b = i
		}
	}
	if offer, err := s.OptOutOffer(b.OptOut, now); err != nil || offer.SupplierID != "b" || len(offer.Tasks) != 1 || offer.Tasks[0] != "office-cleaning" {
		t.Fatalf("the offer: %v %+v", err, offer)
	}
	if outs, _ := s.OptOuts("b"); len(outs) != 0 {
		t.Fatal("looking at the offer opted out")
	}
	for range 2 {
		if _, err := s.OptOutByLink(b.OptOut, now.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	if outs, _ := s.OptOuts("b"); len(outs) != 1 || outs[0].Via != "link" {
		t.Fatalf("b's opt-outs: %+v", outs)
	}
	if _, err := s.OptOutByLink("bestaat-niet", now); !errors.Is(err, consult.ErrLink) {
		t.Fatalf("an unknown link: %v", err)
	}
	// b is not reminded.
	rem, err := s.Remind(c.ID, now.Add(time.Hour))
	if err != nil || len(rem) != 2 {
		t.Fatalf("remind: %v %+v", err, rem)
	}
	for _, r := range rem {
		if r.Recipient.SupplierID == "b" || r.OptOut == "" {
			t.Fatalf("reminder %+v", r)
		}
	}
	// Nor sent another consultation about the task, even chosen on a
	// draft made before it opted out.
	c2 := draft("acc", now.Add(72*time.Hour))
	c2.Candidates = cands
	if err := s.Create(c2, now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Send(c2.ID, []string{"b"}, emails, "tekst", "nl", now); !errors.As(err, &ve) || ve.Fields[0].Code != "opted_out" {
		t.Fatalf("sent to an opted-out supplier only: %v", err)
	}
	inv2, err := s.Send(c2.ID, []string{"a", "b"}, emails, "tekst", "nl", now)
	if err != nil || len(inv2) != 1 || inv2[0].Recipient.SupplierID != "a" {
		t.Fatalf("sent to the opted out: %v %+v", err, inv2)
	}
	// The link works three months after the deadline, then goes.
	late := c.Deadline.AddDate(0, consult.OptOutLinkMonths, 0)
	if _, err := s.OptOutOffer(b.OptOut, late.Add(-time.Hour)); err != nil {
		t.Fatalf("the link before its time: %v", err)
	}
	if _, err := s.OptOutOffer(b.OptOut, late.Add(time.Hour)); !errors.Is(err, consult.ErrLink) {
		t.Fatalf("the link after its time: %v", err)
	}
	rep, err := s.Purge(late.Add(time.Hour))
	if err != nil || rep.OptOutLinks != 6 {
		t.Fatalf("purge: %v %+v", err, rep)
	}
}
