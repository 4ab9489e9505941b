package consult_test

import (
	"errors"
	"testing"
	"time"

	"github.com/verken/verken/consult"
	"github.com/verken/verken/internal/testenv"
)

// Publishing an answer says whom to tell: every recipient with an address
// that did not opt out, each with a new link of its own that works; the
// question comes back without who asked, and only once.
func TestPublishAnswerNotices(t *testing.T) {
	s, err := consult.New(testenv.Store(t, "", 0))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2030, 1, 7, 9, 0, 0, 0, time.UTC)
	c := draft("acc", now.Add(72*time.Hour))
	c.Candidates = append(c.Candidates, consult.Candidate{SupplierID: "c", Name: "C"})
	if err := s.Create(c, now); err != nil {
		t.Fatal(err)
	}
	inv, err := s.Send(c.ID, []string{"a", "b", "c"}, map[string]string{"a": "a@x.example", "b": "b@x.example", "c": "c@x.example"}, "tekst", "nl", now)
	if err != nil || len(inv) != 3 {
		t.Fatalf("send: %v", err)
	}
	if err := s.Ask(inv[1].Secret, "Is er een parking?", now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.OptOutByLink(inv[2].OptOut, now); err != nil {
		t.Fatal(err)
	}
	q, notices, err := s.PublishAnswer(c.ID, 1, "Ja.", now.Add(time.Hour))
	if err != nil || q.AskedBy != "" || q.Text != "Is er een parking?" || q.Answer != "Ja." || len(notices) != 2 {
		t.Fatalf("publish: %v %+v %d", err, q, len(notices))
	}
	for _, n := range notices {
		if n.Recipient.SupplierID == "c" || n.Secret == inv[0].Secret || n.Secret == inv[1].Secret {
			t.Fatalf("a notice: %+v", n)
		}
		if _, _, err := s.Visit(n.Secret, now.Add(2*time.Hour)); err != nil {
			t.Fatalf("the notice's link: %v", err)
		}
	}
	if _, _, err := s.PublishAnswer(c.ID, 1, "Nee.", now.Add(time.Hour)); !errors.Is(err, consult.ErrSent) {
		t.Fatalf("published twice: %v", err)
	}
}
