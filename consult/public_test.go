package consult_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/verken/verken/consult"
	"github.com/verken/verken/internal/testenv"
)

// A published consultation is on the public list while it is open; a
// supplier not invited joins it with its answer (once), after the invited
// ones, counted apart, never reminded; at most MaxJoined join.
func TestPublicListAndJoin(t *testing.T) {
	s, err := consult.New(testenv.Store(t, "", 0))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2030, 1, 7, 9, 0, 0, 0, time.UTC)
	c := draft("acc", now.Add(72*time.Hour))
	hidden := draft("acc", now.Add(72*time.Hour))
	for _, d := range []*consult.Consultation{c, hidden} {
		if err := s.Create(d, now); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SetPublic(c.ID, true); err != nil {
		t.Fatal(err)
	}
	if list, _ := s.OpenList(now); len(list) != 0 {
		t.Fatal("a draft is on the public list")
	}
	emails := map[string]string{"a": "a@x.example", "b": "b@x.example"}
	for _, d := range []*consult.Consultation{c, hidden} {
		if _, err := s.Send(d.ID, []string{"a", "b"}, emails, "tekst", "nl", now); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SetPublic(c.ID, false); !errors.Is(err, consult.ErrSent) {
		t.Fatalf("published state changed after sending: %v", err)
	}
	list, err := s.OpenList(now)
	if err != nil || len(list) != 1 || list[0].ID != c.ID {
		t.Fatalf("the list: %v %+v", err, list)
	}
	yes := consult.Response{Interested: true, FTE: 1}
	if err := s.Join(hidden.ID, consult.Candidate{SupplierID: "z", Name: "Z"}, yes, now); !errors.Is(err, consult.ErrNotFound) {
		t.Fatalf("joined an unpublished consultation: %v", err)
	}
	if err := s.Join(c.ID, consult.Candidate{SupplierID: "a", Name: "A"}, yes, now); !errors.Is(err, consult.ErrRecipient) {
		t.Fatalf("an invited supplier joined: %v", err)
	}
	if err := s.Join(c.ID, consult.Candidate{SupplierID: "z", Name: "Z"}, consult.Response{Interested: false}, now); err == nil {
		t.Fatal("a join without a reason for no interest is taken")
	}
	if err := s.Join(c.ID, consult.Candidate{SupplierID: "z", Name: "Z"}, yes, now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := s.Join(c.ID, consult.Candidate{SupplierID: "z", Name: "Z"}, yes, now.Add(2*time.Minute)); !errors.Is(err, consult.ErrRecipient) {
		t.Fatalf("joined twice: %v", err)
	}
	rs, _ := s.Recipients(c.ID)
	if len(rs) != 3 || rs[2].SupplierID != "z" || !rs[2].Joined || rs[2].Response == nil || rs[2].ViewedAt.IsZero() || rs[2].Email != "" {
		t.Fatalf("recipients: %+v", rs)
	}
	if f := consult.FunnelOf(rs); f.Joined != 1 || f.Interested != 1 || f.NoAnswer != 2 {
		t.Fatalf("funnel %+v", f)
	}
	if got, _ := s.ForSupplier([]string{"z"}); len(got) != 1 || got[0].Consultation.ID != c.ID {
		t.Fatalf("the joined supplier's list: %+v", got)
	}
	inv, err := s.Remind(c.ID, now.Add(time.Hour))
	if err != nil || len(inv) != 2 {
		t.Fatalf("the reminder: %v %d", err, len(inv))
	}
	// The bound.
	for i := 1; i < consult.MaxJoined; i++ {
		if err := s.Join(c.ID, consult.Candidate{SupplierID: fmt.Sprintf("j%03d", i)}, yes, now); err != nil {
			t.Fatalf("join %d: %v", i, err)
		}
	}
	if err := s.Join(c.ID, consult.Candidate{SupplierID: "one-too-many"}, yes, now); !errors.Is(err, consult.ErrJoinLimit) {
		t.Fatalf("more than MaxJoined joined: %v", err)
	}
	// Closed, it leaves the list and takes no one.
	after := c.Deadline.Add(time.Second)
	if list, _ := s.OpenList(after); len(list) != 0 {
		t.Fatal("a closed consultation stays on the list")
	}
	if err := s.Join(c.ID, consult.Candidate{SupplierID: "late"}, yes, after); !errors.Is(err, consult.ErrClosed) {
		t.Fatalf("joined after the deadline: %v", err)
	}
}
