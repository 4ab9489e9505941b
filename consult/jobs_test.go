package consult_test

import (
	"errors"
	"testing"
	"time"

	"github.com/verken/verken/consult"
	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/testenv"
)

// The automatic reminder goes once, AutoRemind before the deadline, to
// those without an answer, apart from the buyer's two; a signed-in
// supplier answers under the link's rules; twelve months after the
// deadline the personal data goes and the figures stay.
func TestAutoReminderSupplierAnswerAndPurge(t *testing.T) {
	s, err := consult.New(testenv.Store(t, "", 0))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2030, 1, 7, 9, 0, 0, 0, time.UTC)
	deadline := now.Add(5 * 24 * time.Hour)
	c := draft("acc", deadline)
	if err := s.Create(c, now); err != nil {
		t.Fatal(err)
	}
	emails := map[string]string{"a": "a@x.example", "b": "b@x.example"}
	inv, err := s.Send(c.ID, []string{"a", "b"}, emails, "Deze vraag komt van Stad.", "nl", now)
	if err != nil {
		t.Fatal(err)
	}
	// Signed in, supplier a answers; a stranger cannot.
	if err := s.AnswerAs(c.ID, "a", consult.Response{Interested: true, FTE: 1.5, From: directory.NewDate(2030, 3, 1),
		Bids: []string{"alone"}, Answers: []string{"Vanaf maart, bel Jan op 0470 00 00 00."}}, now); err != nil {
		t.Fatal(err)
	}
	if err := s.AnswerAs(c.ID, "z", consult.Response{Interested: true}, now); !errors.Is(err, consult.ErrNotFound) {
		t.Fatalf("a supplier that is no recipient answers: %v", err)
	}
	if err := s.AskAs(c.ID, "b", "Mag het 's avonds?", now); err != nil {
		t.Fatal(err)
	}
	as, err := s.ForSupplier([]string{"b", "q"})
	if err != nil || len(as) != 1 || as[0].Consultation.ID != c.ID || as[0].Recipient.SupplierID != "b" {
		t.Fatalf("ForSupplier: %v %+v", err, as)
	}

	// Not yet: three days ahead.
	if due, err := s.DueReminders(deadline.Add(-3 * 24 * time.Hour)); err != nil || len(due) != 0 {
		t.Fatalf("a reminder three days ahead: %v %v", err, due)
	}
	due, err := s.DueReminders(deadline.Add(-47 * time.Hour))
	if err != nil || len(due) != 1 || len(due[0].Invites) != 1 || due[0].Invites[0].Recipient.SupplierID != "b" {
		t.Fatalf("the automatic reminder: %v %+v", err, due)
	}
	if due[0].Invites[0].Secret == inv[1].Secret {
		t.Fatal("the reminder reuses the first link")
	}
	if again, _ := s.DueReminders(deadline.Add(-46 * time.Hour)); len(again) != 0 {
		t.Fatalf("a second automatic reminder: %+v", again)
	}
	// The buyer's own reminders are not used up by it.
	if _, err := s.Remind(c.ID, deadline.Add(-40*time.Hour)); err != nil {
		t.Fatalf("the buyer's reminder after the automatic one: %v", err)
	}
	// After the deadline, signed in or not, no answer.
	if err := s.AnswerAs(c.ID, "b", consult.Response{Interested: false, Reason: "Te laat."}, deadline.Add(time.Minute)); !errors.Is(err, consult.ErrClosed) {
		t.Fatalf("an answer after the deadline: %v", err)
	}

	// Kept twelve months after the deadline.
	if rep, err := s.Purge(deadline.AddDate(0, 11, 27)); err != nil || rep.Consultations != 0 || rep.Links != 4 {
		t.Fatalf("a purge before twelve months: %v %+v", err, rep)
	}
	if got, _ := s.Get(c.ID); got.AccountID != "acc" || got.Sent == "" {
		t.Fatal("purged too soon")
	}
	rep, err := s.Purge(deadline.AddDate(0, 12, 1))
	if err != nil || rep.Consultations != 1 {
		t.Fatalf("purge: %v %+v", err, rep)
	}
	got, _ := s.Get(c.ID)
	if got.AccountID != "" || got.Buyer != "" || got.Sent != "" || got.Description != "" || got.PurgedAt.IsZero() {
		t.Fatalf("personal data kept: %+v", got)
	}
	if len(got.Questions) != len(c.Questions) || got.Questions[0] != "" || got.Title != c.Title {
		t.Fatalf("the buyer's questions or the title after the purge: %q %q", got.Questions, got.Title)
	}
	if list, _ := s.List("acc"); len(list) != 0 {
		t.Fatal("the purged consultation stays on the account's list")
	}
	rs, _ := s.Recipients(c.ID)
	if f := consult.FunnelOf(rs); f.Interested != 1 || f.NoAnswer != 1 || f.Sent != 0 && f.Sent != 2 {
		t.Fatalf("the figures went: %+v", f)
	}
	for _, r := range rs {
		if r.Email != "" || r.Response != nil && (len(r.Response.Answers) > 0 || r.Response.Reason != "") {
			t.Fatalf("personal data kept: %+v %+v", r, r.Response)
		}
		if r.SupplierID == "a" && (r.Response.FTE != 1.5 || r.Response.From != directory.NewDate(2030, 3, 1) || len(r.Response.Bids) != 1) {
			t.Fatalf("the answer's figures went: %+v", r.Response)
		}
	}
	qs, _ := s.Questions(c.ID)
	if len(qs) != 1 || qs[0].Text != "" || qs[0].AskedBy != "" {
		t.Fatalf("questions kept: %+v", qs)
	}
	if again, _ := s.Purge(deadline.AddDate(0, 13, 0)); again.Consultations != 0 {
		t.Fatal("purged twice")
	}
}

// The automatic reminder keeps a day from the invitation and from the
// buyer's own reminder: a consultation sent 30 hours before its deadline
// reminds a day after it went, and a recipient the buyer reminded in the
// last two days is not reminded again.
func TestAutoReminderKeepsADayApart(t *testing.T) {
	s, err := consult.New(testenv.Store(t, "", 0))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2030, 1, 7, 9, 0, 0, 0, time.UTC)
	deadline := now.Add(30 * time.Hour)
	c := draft("acc", deadline)
	if err := s.Create(c, now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Send(c.ID, []string{"a", "b"}, map[string]string{"a": "a@x.example", "b": "b@x.example"}, "Tekst.", "nl", now); err != nil {
		t.Fatal(err)
	}
	if due, _ := s.DueReminders(now.Add(time.Hour)); len(due) != 0 {
		t.Fatalf("reminded an hour after the invitation: %+v", due)
	}
	due, err := s.DueReminders(now.Add(25 * time.Hour))
	if err != nil || len(due) != 1 || len(due[0].Invites) != 2 {
		t.Fatalf("a day after the invitation: %v %+v", err, due)
	}
	if again, _ := s.DueReminders(now.Add(29 * time.Hour)); len(again) != 0 {
		t.Fatalf("reminded twice: %+v", again)
	}

	// Sent five days ahead; the buyer reminds three days ahead and again
	// 40 hours ahead: the automatic reminder leaves the recipients alone.
	c2 := draft("acc", now.Add(5*24*time.Hour))
	if err := s.Create(c2, now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Send(c2.ID, []string{"a"}, map[string]string{"a": "a@x.example"}, "Tekst.", "nl", now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Remind(c2.ID, c2.Deadline.Add(-40*time.Hour)); err != nil {
		t.Fatal(err)
	}
	for _, at := range []time.Duration{-39 * time.Hour, -20 * time.Hour, -2 * time.Hour} {
		if due, _ := s.DueReminders(c2.Deadline.Add(at)); len(due) != 0 {
			t.Fatalf("%v before the deadline, after the buyer's reminder 40 hours before: %+v", -at, due)
		}
	}
}
