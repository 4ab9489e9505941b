package ui_test

import (
	"strings"
	"testing"
	"time"

	"github.com/verken/verken/consult"
	"github.com/verken/verken/directory"
)

// What an earlier consultation came to, as its buyer reported it, is in
// the next buyer's market check on the same activity.
func TestMarketCheckShowsEarlierOutcomes(t *testing.T) {
	s := startServer(t, 0)
	seedCleaners(t, s)
	cs, err := consult.New(s.Store)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	c := &consult.Consultation{AccountID: "acc", Buyer: "Stad", Title: "Schoonmaak", Description: "Kantoren.", Deadline: now.Add(72 * time.Hour),
		Scope: consult.Scope{Tasks: []string{"office-cleaning"}, VolumeFTE: 2}, Candidates: []consult.Candidate{{SupplierID: "a", Name: "A"}}}
	if err := cs.Create(c, now); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.Send(c.ID, []string{"a"}, map[string]string{"a": "a@x.example"}, "tekst", "nl", now); err != nil {
		t.Fatal(err)
	}
	if err := cs.SetOutcome(c.ID, consult.Outcome{Tendered: "yes", Bids: 3, AwardedSocial: "yes"}, c.Deadline.Add(consult.FollowUpAfter)); err != nil {
		t.Fatal(err)
	}
	account(t, s, "koper@stad.example", directory.RoleBuyer)
	_, page := newVisitor(t, s).get("/marktverkenning?" + workedExample)
	if !strings.Contains(page, "1 met een gemeld resultaat, waarvan 1 aanbesteed met samen 3 offertes en 1 gegund aan een onderneming uit de sociale economie") {
		t.Error("the market check does not show what the earlier consultation came to")
	}
	_, page = newVisitor(t, s).get("/marktverkenning?task=catering&place=9000&volume_fte=1&start=2030-01-07")
	if strings.Contains(page, `id="experience"`) {
		t.Error("another activity shows the cleaning consultation's outcome")
	}
}
