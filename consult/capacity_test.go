package consult_test

import (
	"errors"
	"testing"
	"time"

	"github.com/verken/verken/consult"
	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/testenv"
)

// An answer's capacity goes, in one click, to the recipient's own offer of
// the consultation's first task it offers, through the directory's update
// (version, history naming the consultation); never to an unclaimed
// profile, one without the task, after the deadline, or from a stale page.
func TestSetCapacityFromAnswer(t *testing.T) {
	d := testenv.Store(t, "", 0)
	s, err := consult.New(d)
	if err != nil {
		t.Fatal(err)
	}
	mk := func(name string, n int, unclaimed bool, offers ...directory.Offer) string {
		sup := &directory.Supplier{Name: name, Kind: directory.KindMaatwerkbedrijf, EnterpriseNumber: directory.EnterpriseNumberWithCheck(7300000 + n),
			Sites: []directory.Site{{Postcode: "9000"}}, Offers: offers, Unclaimed: unclaimed}
		if err := d.Create(sup); err != nil {
			t.Fatal(err)
		}
		return sup.ID
	}
	offer := func(task string, fte float64) directory.Offer {
		return directory.Offer{Task: task, FreeFTE: fte, AtClientSite: true, ServiceArea: directory.ServiceArea{Provinces: []string{"OVL"}}}
	}
	// Two offers of the consultation's tasks: the first task's gets it.
	both := mk("Beide", 1, false, offer("green-maintenance", 1), offer("window-cleaning", 4), offer("office-cleaning", 2))
	other := mk("Ander", 2, false, offer("office-cleaning", 1))
	none := mk("Geen", 3, false, offer("green-maintenance", 1))
	kbo := mk("Uit de KBO", 4, true, offer("office-cleaning", 0))

	now := time.Date(2030, 1, 7, 9, 0, 0, 0, time.UTC)
	c := &consult.Consultation{AccountID: "acc", Buyer: "Stad", Title: "Schoonmaak stadskantoren", Description: "Kantoren.", Deadline: now.Add(72 * time.Hour),
		Scope: consult.Scope{Tasks: []string{"office-cleaning", "window-cleaning"}, VolumeFTE: 4}}
	for _, id := range []string{both, other, none, kbo} {
		c.Candidates = append(c.Candidates, consult.Candidate{SupplierID: id, Name: id})
	}
	if err := s.Create(c, now); err != nil {
		t.Fatal(err)
	}
	emails := map[string]string{both: "a@x.example", other: "b@x.example", none: "c@x.example", kbo: "d@x.example"}
	inv, err := s.Send(c.ID, []string{both, other, none, kbo}, emails, "tekst", "nl", now)
	if err != nil {
		t.Fatal(err)
	}
	link := map[string]string{}
	for _, i := range inv {
		link[i.Recipient.SupplierID] = i.Secret
		if err := s.Answer(i.Secret, consult.Response{Interested: true, FTE: 3.5, From: directory.NewDate(2030, 3, 2)}, now); err != nil {
			t.Fatal(err)
		}
	}

	r, _ := s.Recipient(c.ID, both)
	p, err := s.CapacityFor(*c, r)
	if err != nil || p.Task != "office-cleaning" || p.NowFTE != 2 || p.FTE != 3.5 || p.Matching != 2 {
		t.Fatalf("plan: %+v %v", p, err)
	}
	before, _ := d.Get(both)
	// A page from before a later answer, or of another version of the
	// profile, is refused.
	if _, err := s.SetCapacityByLink(link[both], before.Version, r.Response.Revised+1, now); !errors.Is(err, consult.ErrAnswerChanged) {
		t.Fatalf("an older answer's figure: %v", err)
	}
	var stale *directory.StaleVersionError
	if _, err := s.SetCapacityByLink(link[both], before.Version+1, r.Response.Revised, now); !errors.As(err, &stale) {
		t.Fatalf("an older profile: %v", err)
	}
	if _, err := s.SetCapacityByLink(link[both], before.Version, r.Response.Revised, now); err != nil {
		t.Fatal(err)
	}
	after, _ := d.Get(both)
	if after.Version != before.Version+1 || after.Offers[2].FreeFTE != 3.5 || after.Offers[2].AvailableFrom != directory.NewDate(2030, 3, 2) ||
		after.Offers[1].FreeFTE != 4 || after.Offers[0].FreeFTE != 1 {
		t.Fatalf("after: %+v", after.Offers)
	}
	h, _ := d.History(both)
	last := h[len(h)-1]
	if last.Actor != (directory.Actor{Consultation: "Schoonmaak stadskantoren"}) || len(last.Changes) != 2 {
		t.Fatalf("history: %+v", last)
	}
	if _, err := s.SetCapacityByLink(link[both], 0, -1, now); !errors.Is(err, consult.ErrSameCapacity) {
		t.Fatalf("again: %v", err)
	}
	// Another recipient's link sets its own profile only.
	if _, err := s.SetCapacityByLink(link[other], 0, -1, now); err != nil {
		t.Fatal(err)
	}
	if again, _ := d.Get(both); again.Version != after.Version {
		t.Fatal("another recipient's link changed this profile")
	}
	if _, err := s.SetCapacityByLink(link[none], 0, -1, now); !errors.Is(err, consult.ErrNoOffer) {
		t.Fatalf("without the task: %v", err)
	}
	if _, err := s.SetCapacityByLink(link[kbo], 0, -1, now); !errors.Is(err, consult.ErrUnclaimed) {
		t.Fatalf("unclaimed: %v", err)
	}
	if k, _ := d.Get(kbo); !k.Unclaimed || k.Offers[0].FreeFTE != 0 {
		t.Fatalf("the unclaimed profile changed: %+v", k)
	}
	// Signed in: the same, for a recipient only, until the deadline.
	by := directory.Actor{AccountID: "u1", Name: "Jan <jan@x.example>"}
	if _, err := s.SetCapacityAs(c.ID, "not-a-recipient", 0, -1, by, now); !errors.Is(err, consult.ErrNotFound) {
		t.Fatalf("not a recipient: %v", err)
	}
	if err := s.AnswerAs(c.ID, other, consult.Response{Interested: true, FTE: 2}, now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetCapacityAs(c.ID, other, 0, -1, by, now.Add(73*time.Hour)); !errors.Is(err, consult.ErrClosed) {
		t.Fatalf("after the deadline: %v", err)
	}
	if _, err := s.SetCapacityByLink(link[other], 0, -1, now.Add(73*time.Hour)); !errors.Is(err, consult.ErrLink) {
		t.Fatalf("a link after the deadline: %v", err)
	}
	if _, err := s.SetCapacityAs(c.ID, other, 0, -1, by, now); err != nil {
		t.Fatal(err)
	}
	o, _ := d.Get(other)
	h, _ = d.History(other)
	if o.Offers[0].FreeFTE != 2 || h[len(h)-1].Actor != (directory.Actor{AccountID: "u1", Name: "Jan <jan@x.example>", Consultation: "Schoonmaak stadskantoren"}) {
		t.Fatalf("signed in: %+v %+v", o.Offers, h[len(h)-1])
	}
	// Not interested commits nothing.
	if err := s.AnswerAs(c.ID, other, consult.Response{Interested: false, Reason: "Toch niet."}, now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetCapacityAs(c.ID, other, 0, -1, by, now); !errors.Is(err, consult.ErrNoCapacity) {
		t.Fatalf("not interested: %v", err)
	}
}
