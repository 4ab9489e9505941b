package consult_test

import (
	"errors"
	"testing"
	"time"

	"github.com/verken/verken/consult"
	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/testenv"
)

func draft(account string, deadline time.Time) *consult.Consultation {
	return &consult.Consultation{AccountID: account, Buyer: "Stad", Title: "Schoonmaak", Description: "Kantoren.",
		Questions: []string{"Vanaf wanneer?"}, Deadline: deadline,
		Scope:      consult.Scope{Tasks: []string{"office-cleaning"}, VolumeFTE: 2},
		Candidates: []consult.Candidate{{SupplierID: "a", Name: "A"}, {SupplierID: "b", Name: "B"}}}
}

// A link works until the deadline, answers replace each other, reminders
// go at most twice 24 hours apart and only to those without an answer, and
// an account sends at most MaxSendsPerDay consultations a day.
func TestLinksRemindersAndLimits(t *testing.T) {
	s, err := consult.New(testenv.Store(t, "", 0))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2030, 1, 7, 9, 0, 0, 0, time.UTC)
	c := draft("acc", now.Add(72*time.Hour))
	if err := s.Create(c, now); err != nil {
		t.Fatal(err)
	}
	emails := map[string]string{"a": "a@x.example", "b": "b@x.example"}
	inv, err := s.Send(c.ID, []string{"a", "b"}, emails, "tekst", "nl", now)
	if err != nil || len(inv) != 2 {
		t.Fatalf("send: %v %d", err, len(inv))
	}
	if _, err := s.Send(c.ID, []string{"a"}, emails, "tekst", "nl", now); !errors.Is(err, consult.ErrSent) {
		t.Fatalf("sent twice: %v", err)
	}
	if err := s.Answer(inv[0].Secret, consult.Response{Interested: true, FTE: 1, From: directory.NewDate(2030, 2, 1), Bids: []string{"alone"}}, now); err != nil {
		t.Fatal(err)
	}
	if err := s.Answer(inv[0].Secret, consult.Response{Interested: false, Reason: "Toch niet."}, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.Answer(inv[1].Secret, consult.Response{Interested: true, Bids: []string{"alone; drop table"}}, now); err == nil {
		t.Fatal("an unknown way of bidding is accepted")
	}
	rs, _ := s.Recipients(c.ID)
	if f := consult.FunnelOf(rs); f.NotInterested != 1 || f.NoAnswer != 1 || rs[0].Response.Revised != 1 || rs[0].Response.FTE != 0 {
		t.Fatalf("funnel %+v, %+v", f, rs[0].Response)
	}
	r1, err := s.Remind(c.ID, now.Add(time.Hour))
	if err != nil || len(r1) != 1 || r1[0].Recipient.SupplierID != "b" {
		t.Fatalf("first reminder: %v %v", err, r1)
	}
	if _, err := s.Remind(c.ID, now.Add(2*time.Hour)); !errors.Is(err, consult.ErrReminders) {
		t.Fatalf("a reminder within 24 h: %v", err)
	}
	if _, err := s.Remind(c.ID, now.Add(26*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Remind(c.ID, now.Add(52*time.Hour)); !errors.Is(err, consult.ErrReminders) {
		t.Fatalf("a third reminder: %v", err)
	}
	// Both the first link and the reminder's work until the deadline, and
	// neither after it.
	for _, secret := range []string{inv[1].Secret, r1[0].Secret} {
		if _, _, err := s.Visit(secret, now.Add(71*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Visit(secret, now.Add(73*time.Hour)); !errors.Is(err, consult.ErrLink) {
			t.Fatalf("a link after the deadline: %v", err)
		}
	}
	for i := 1; i < consult.MaxSendsPerDay; i++ {
		d := draft("acc", now.Add(72*time.Hour))
		if err := s.Create(d, now); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Send(d.ID, []string{"a"}, emails, "t", "nl", now); err != nil {
			t.Fatal(err)
		}
	}
	d := draft("acc", now.Add(72*time.Hour))
	if err := s.Create(d, now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Send(d.ID, []string{"a"}, emails, "t", "nl", now); !errors.Is(err, consult.ErrSendLimit) {
		t.Fatalf("send %d in a day: %v", consult.MaxSendsPerDay+1, err)
	}
	if _, err := s.Send(d.ID, []string{"a"}, emails, "t", "nl", now.Add(25*time.Hour)); err != nil {
		t.Fatalf("the next day: %v", err)
	}
}

func TestBands(t *testing.T) {
	for v, want := range map[float64]string{0: "", 29999: "lt_30k", 216000: "216k_750k", 5404000: "gt_5404k"} {
		if got := consult.BandFor(v); got != want {
			t.Errorf("%v: %q, want %q", v, got, want)
		}
	}
}

// The funnel tells the link in the mail opened (Opened) from the
// consultation seen at all (Viewed): through the link, signed in, or by
// answering signed in without having looked before.
func TestFunnelOpenedAndViewed(t *testing.T) {
	s, err := consult.New(testenv.Store(t, "", 0))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2030, 1, 7, 9, 0, 0, 0, time.UTC)
	c := draft("acc", now.Add(72*time.Hour))
	c.Candidates = append(c.Candidates, consult.Candidate{SupplierID: "c", Name: "C"}, consult.Candidate{SupplierID: "d", Name: "D"})
	if err := s.Create(c, now); err != nil {
		t.Fatal(err)
	}
	emails := map[string]string{"a": "a@x.example", "b": "b@x.example", "c": "c@x.example", "d": "d@x.example"}
	inv, err := s.Send(c.ID, []string{"a", "b", "c", "d"}, emails, "tekst", "nl", now)
	if err != nil || len(inv) != 4 {
		t.Fatalf("send: %v %d", err, len(inv))
	}
	if err := s.Mailed(c.ID, []string{"a", "b", "c", "d"}, now); err != nil {
		t.Fatal(err)
	}
	secret := map[string]string{}
	for _, i := range inv {
		secret[i.Recipient.SupplierID] = i.Secret
	}
	if _, _, err := s.Visit(secret["a"], now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Open(c.ID, "b", now.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := s.AnswerAs(c.ID, "c", consult.Response{Interested: false, Reason: "Geen ploeg."}, now.Add(3*time.Minute)); err != nil {
		t.Fatal(err)
	}
	// A second visit keeps the first times.
	if _, _, err := s.Visit(secret["a"], now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	rs, _ := s.Recipients(c.ID)
	by := map[string]consult.Recipient{}
	for _, r := range rs {
		by[r.SupplierID] = r
	}
	if a := by["a"]; !a.OpenedAt.Equal(now.Add(time.Minute)) || !a.ViewedAt.Equal(now.Add(time.Minute)) {
		t.Fatalf("through the link: %+v", a)
	}
	if b := by["b"]; !b.OpenedAt.IsZero() || !b.ViewedAt.Equal(now.Add(2*time.Minute)) {
		t.Fatalf("signed in: %+v", b)
	}
	if c := by["c"]; !c.OpenedAt.IsZero() || !c.ViewedAt.Equal(now.Add(3*time.Minute)) {
		t.Fatalf("answered signed in: %+v", c)
	}
	f := consult.FunnelOf(rs)
	if f != (consult.Funnel{Sent: 4, Opened: 1, Viewed: 3, NotInterested: 1, NoAnswer: 3}) {
		t.Fatalf("funnel %+v", f)
	}
	// A record kept before ViewedAt existed counts its opening as seen.
	old := consult.Recipient{OpenedAt: now}
	if !old.Seen().Equal(now) || consult.FunnelOf([]consult.Recipient{old}).Viewed != 1 {
		t.Fatal("an older record's opening is not counted as viewed")
	}
}
