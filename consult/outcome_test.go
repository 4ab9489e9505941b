package consult_test

import (
	"errors"
	"testing"
	"time"

	"github.com/verken/verken/consult"
	"github.com/verken/verken/internal/testenv"
)

// A week after the deadline the buyer is asked once what came of it; its
// answer, given after the deadline and within bounds, stays past the
// purge without its note.
func TestFollowUpAndOutcome(t *testing.T) {
	s, err := consult.New(testenv.Store(t, "", 0))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2030, 1, 7, 9, 0, 0, 0, time.UTC)
	c := draft("acc", now.Add(72*time.Hour))
	unsent := draft("acc", now.Add(72*time.Hour))
	for _, d := range []*consult.Consultation{c, unsent} {
		if err := s.Create(d, now); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Send(c.ID, []string{"a"}, map[string]string{"a": "a@x.example"}, "tekst", "nl", now); err != nil {
		t.Fatal(err)
	}
	yes := consult.Outcome{Tendered: "yes", Bids: 3, AwardedSocial: "yes", Note: "Perceel 2 voorbehouden."}
	if err := s.SetOutcome(c.ID, yes, now); !errors.Is(err, consult.ErrNotClosed) {
		t.Fatalf("an outcome before the deadline: %v", err)
	}
	due := c.Deadline.Add(consult.FollowUpAfter)
	if got, _ := s.DueFollowUps(due.Add(-time.Minute)); len(got) != 0 {
		t.Fatal("asked before a week passed")
	}
	got, err := s.DueFollowUps(due)
	if err != nil || len(got) != 1 || got[0].ID != c.ID || got[0].AccountID != "acc" {
		t.Fatalf("due: %v %+v", err, got)
	}
	if again, _ := s.DueFollowUps(due.Add(time.Hour)); len(again) != 0 {
		t.Fatal("asked twice")
	}
	for _, bad := range []consult.Outcome{{Tendered: "misschien"}, {Tendered: "yes", Bids: consult.MaxBids + 1, AwardedSocial: "no"},
		{Tendered: "yes", Bids: -1, AwardedSocial: "no"}, {Tendered: "yes", Bids: 2}, {Tendered: "no", Note: string(make([]byte, 1001))}} {
		if err := s.SetOutcome(c.ID, bad, due); err == nil {
			t.Errorf("%+v is taken", bad)
		}
	}
	// Not tendered says nothing of bids.
	if err := s.SetOutcome(c.ID, consult.Outcome{Tendered: "no", Bids: 4, AwardedSocial: "yes"}, due); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Get(c.ID); got.Outcome == nil || got.Outcome.Bids != 0 || got.Outcome.AwardedSocial != "" {
		t.Fatalf("outcome %+v", got.Outcome)
	}
	if err := s.SetOutcome(c.ID, yes, due.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.SetOutcome(unsent.ID, yes, due); !errors.Is(err, consult.ErrNotClosed) {
		t.Fatalf("an outcome of a draft: %v", err)
	}
	// One whose time passed long ago is not asked about.
	old := draft("acc", now.Add(72*time.Hour))
	if err := s.Create(old, now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Send(old.ID, []string{"a"}, map[string]string{"a": "a@x.example"}, "tekst", "nl", now); err != nil {
		t.Fatal(err)
	}
	if late, _ := s.DueFollowUps(due.Add(consult.FollowUpWithin + time.Hour)); len(late) != 0 {
		t.Fatalf("asked about one long past: %+v", late)
	}
	if _, err := s.Purge(c.Deadline.AddDate(0, 12, 1)); err != nil {
		t.Fatal(err)
	}
	kept, _ := s.Get(c.ID)
	if o := kept.Outcome; o == nil || o.Bids != 3 || o.AwardedSocial != "yes" || o.Note != "" {
		t.Fatalf("after the purge: %+v", o)
	}
}

// What buyers reported of earlier consultations adds up for the next
// market check on any of their tasks.
func TestExperienceSumsReportedOutcomes(t *testing.T) {
	s, err := consult.New(testenv.Store(t, "", 0))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2030, 1, 7, 9, 0, 0, 0, time.UTC)
	outcomes := []consult.Outcome{{Tendered: "yes", Bids: 3, AwardedSocial: "yes"}, {Tendered: "yes", Bids: 2, AwardedSocial: "no"}, {Tendered: "no"}}
	for i, o := range append(outcomes, consult.Outcome{}) {
		c := draft("acc", now.Add(72*time.Hour))
		if i == 3 {
			c.Scope.Tasks = []string{"green-maintenance"}
			o = consult.Outcome{Tendered: "yes", Bids: 9, AwardedSocial: "yes"}
		}
		if err := s.Create(c, now); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Send(c.ID, []string{"a"}, map[string]string{"a": "a@x.example"}, "tekst", "nl", now); err != nil {
			t.Fatal(err)
		}
		if err := s.SetOutcome(c.ID, o, c.Deadline.Add(consult.FollowUpAfter)); err != nil {
			t.Fatal(err)
		}
	}
	ex, err := s.Experience([]string{"office-cleaning", "window-cleaning"})
	if err != nil || ex.Reported != 3 || ex.Tendered != 2 || ex.Bids != 5 || ex.AwardedSocial != 1 {
		t.Fatalf("experience %+v %v", ex, err)
	}
	if ex, _ := s.Experience([]string{"catering"}); ex.Reported != 0 {
		t.Fatalf("another activity: %+v", ex)
	}
}
