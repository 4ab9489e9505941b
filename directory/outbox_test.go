package directory_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/testenv"
)

// A flood of mail never pushes out mail that still waits to be passed on:
// delivered mail makes room, and past the bound new undelivered mail is
// refused instead.
func TestOutboxNeverDropsUndeliveredMail(t *testing.T) {
	if testing.Short() {
		t.Skip("writes thousands of messages")
	}
	s := testenv.Store(t, "", 0)
	if err := s.KeepMail(directory.Mail{To: "first@example.org", Subject: "invitation", Body: "the first invitation"}); err != nil {
		t.Fatal(err)
	}
	for i := range directory.MaxUndelivered - 1 {
		if err := s.KeepMail(directory.Mail{To: fmt.Sprintf("x%d@example.org", i), Subject: "approval", Body: "please approve"}); err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	if err := s.KeepMail(directory.Mail{To: "late@example.org", Subject: "approval", Body: "one too many"}); !errors.Is(err, directory.ErrOutboxFull) {
		t.Fatalf("undelivered mail past the bound: %v", err)
	}
	// Delivered mail is kept (without a body) until the outbox is full,
	// and then goes first.
	for i := range 1200 {
		if err := s.KeepMail(directory.Mail{To: fmt.Sprintf("d%d@example.org", i), Subject: "sent", Body: "secret", Sent: true}); err != nil {
			t.Fatal(err)
		}
	}
	box, err := s.Outbox()
	if err != nil {
		t.Fatal(err)
	}
	waiting, first := 0, false
	for _, m := range box {
		if m.Body != "" {
			waiting++
		}
		if m.Sent && m.Body != "" {
			t.Fatalf("delivered mail kept its body: %+v", m)
		}
		first = first || m.To == "first@example.org" && m.Body == "the first invitation"
	}
	if waiting != directory.MaxUndelivered || !first || len(box) > 2000 {
		t.Fatalf("%d waiting (first kept: %v) of %d kept", waiting, first, len(box))
	}
}

// Bulk mail (a consultation's invitations) fills at most half the room for
// waiting mail: a buyer's consultations cannot block password resets.
func TestBulkMailLeavesRoomForAccountMail(t *testing.T) {
	if testing.Short() {
		t.Skip("writes hundreds of messages")
	}
	s := testenv.Store(t, "", 0)
	for i := range directory.MaxUndelivered / 2 {
		if err := s.KeepMail(directory.Mail{To: fmt.Sprintf("lev%d@example.org", i), Subject: "consultation", Body: "link", Bulk: true}); err != nil {
			t.Fatalf("bulk message %d: %v", i, err)
		}
	}
	if err := s.KeepMail(directory.Mail{To: "one@example.org", Subject: "consultation", Body: "link", Bulk: true}); !errors.Is(err, directory.ErrOutboxFull) {
		t.Fatalf("bulk mail past half the room: %v", err)
	}
	if err := s.KeepMail(directory.Mail{To: "els@example.org", Subject: "reset", Body: "the reset link"}); err != nil {
		t.Fatalf("a reset with the bulk share full: %v", err)
	}
}
