package consult_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/verken/verken/consult"
	"github.com/verken/verken/internal/testenv"
)

// Publishing an answer says whom to tell: every recipient with an address
// that did not opt out, each with a new link of its own that works; the
// question comes back without who asked, and only once.
func TestPublishAnswerNotices(t *testing.T) {
	s, c, inv, now := sentToThree(t)
	if err := s.Ask(inv[1].Secret, "Is er een parking?", now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.OptOutByLink(inv[2].OptOut, now); err != nil {
		t.Fatal(err)
	}
	q, notices, err := s.PublishAnswer(c.ID, 1, "Ja.", now.Add(time.Hour))
	if err != nil || q.AskedBy != "" || q.Text != "Is er een parking?" || q.Answer != "Ja." || len(notices.Invites) != 2 || notices.Withheld != 0 {
		t.Fatalf("publish: %v %+v %+v", err, q, notices)
	}
	for _, n := range notices.Invites {
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

// The answers of one consultation mail their notices MaxNoticeRounds times
// at most; later ones are published on the pages, and the withheld
// notices are counted.
func TestNoticeRoundsAreBounded(t *testing.T) {
	s, c, inv, now := sentToThree(t)
	asked := 0
	for _, i := range inv {
		for k := range 4 {
			if err := s.Ask(i.Secret, fmt.Sprintf("Vraag %d van %s?", k, i.Recipient.Name), now); err != nil {
				t.Fatal(err)
			}
			asked++
		}
	}
	for n := 1; n <= asked; n++ {
		_, notices, err := s.PublishAnswer(c.ID, n, "Antwoord.", now.Add(time.Hour))
		if err != nil {
			t.Fatalf("answer %d: %v", n, err)
		}
		switch {
		case n <= consult.MaxNoticeRounds && (len(notices.Invites) != 3 || notices.Withheld != 0):
			t.Fatalf("answer %d: %+v", n, notices)
		case n > consult.MaxNoticeRounds && (len(notices.Invites) != 0 || notices.Withheld != 3):
			t.Fatalf("answer %d past the bound: %d mailed, %d withheld", n, len(notices.Invites), notices.Withheld)
		}
	}
	if got, _ := s.Get(c.ID); got.NoticeRounds != consult.MaxNoticeRounds {
		t.Fatalf("notice rounds %d", got.NoticeRounds)
	}
}

// sentToThree is a consultation sent to suppliers a, b and c, and when.
func sentToThree(t *testing.T) (*consult.Store, *consult.Consultation, []consult.Invite, time.Time) {
	t.Helper()
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
	return s, c, inv, now
}
