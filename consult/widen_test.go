package consult_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/verken/verken/consult"
	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/testenv"
)

// The buyer adds suppliers that do not match to a draft: marked as added,
// counted toward MaxRecipients, sent like the others; a delisted one, one
// without an address, one that opted out and an unknown id are refused
// with the reason, and a sent consultation takes no one more.
func TestAddToDraft(t *testing.T) {
	store := testenv.Store(t, "", 0)
	s, err := consult.New(store)
	if err != nil {
		t.Fatal(err)
	}
	mk := func(n int, email string) directory.Supplier {
		sup := &directory.Supplier{Name: fmt.Sprintf("Ploeg %d", n), Kind: directory.KindMaatwerkbedrijf,
			EnterpriseNumber: directory.EnterpriseNumberWithCheck(7300000 + n), Sites: []directory.Site{{Postcode: "9000"}},
			Offers:  []directory.Offer{{Task: "office-cleaning", FreeFTE: 0.5, LeadTimeWeeks: 1, AtClientSite: true}},
			Contact: directory.Contact{Email: email}}
		if err := store.Create(sup); err != nil {
			t.Fatal(err)
		}
		return *sup
	}
	ok, noMail, gone, out := mk(1, "een@x.example"), mk(2, ""), mk(3, "drie@x.example"), mk(4, "vier@x.example")
	if err := store.Delist(gone.ID, gone.Version, "gestopt", directory.Actor{}); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2030, 1, 7, 9, 0, 0, 0, time.UTC)
	if err := s.SetOptOuts(out.ID, []string{"office-cleaning"}, func(string) bool { return true }, now); err != nil {
		t.Fatal(err)
	}
	c := draft("acc", now.Add(72*time.Hour))
	if err := s.Create(c, now); err != nil {
		t.Fatal(err)
	}
	ref := consult.Reference{}
	for sid, code := range map[string]string{noMail.ID: "no_email", gone.ID: "delisted", out.ID: "opted_out", "bestaat-niet": "unknown"} {
		var refused *consult.Refused
		if _, err := s.Add(c.ID, []string{sid}, ref, now); !errors.As(err, &refused) || refused.Code != code {
			t.Errorf("adding %s: %v, want %s", sid, err, code)
		}
	}
	added, err := s.Add(c.ID, []string{ok.ID, "a"}, ref, now)
	if err != nil || len(added) != 1 || !added[0].Added || added[0].FreeFTE != 0.5 || added[0].EarliestStart != "2030-01-14" {
		t.Fatalf("add: %v %+v", err, added)
	}
	got, _ := s.Get(c.ID)
	if len(got.Candidates) != 3 {
		t.Fatalf("candidates: %+v", got.Candidates)
	}
	// Past MaxRecipients with those added.
	many := make([]string, consult.MaxRecipients)
	for i := range many {
		many[i] = fmt.Sprintf("x%03d", i)
	}
	var ve *directory.ValidationError
	if _, err := s.Add(c.ID, many, ref, now); !errors.As(err, &ve) || ve.Fields[0].Code != "too_many" {
		t.Fatalf("past MaxRecipients: %v", err)
	}
	inv, err := s.Send(c.ID, []string{"a", ok.ID}, map[string]string{"a": "a@x.example", ok.ID: ok.Contact.Email}, "tekst", "nl", now)
	if err != nil || len(inv) != 2 {
		t.Fatalf("send: %v %d", err, len(inv))
	}
	if r, err := s.Recipient(c.ID, ok.ID); err != nil || !r.Added {
		t.Fatalf("the added recipient: %v %+v", err, r)
	}
	if _, err := s.Add(c.ID, []string{noMail.ID}, ref, now); !errors.Is(err, consult.ErrSent) {
		t.Fatalf("added after sending: %v", err)
	}
}
