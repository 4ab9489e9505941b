package ui_test

import (
	"strings"
	"testing"

	"github.com/verken/verken/directory"
)

// Firms without a Verken profile (from the KBO) come only when the buyer
// asks, marked, with no capacity shown as declared.
func TestSearchUnclaimedToggle(t *testing.T) {
	s := startServer(t, 12)
	sup, err := s.Store.Get("demo-0001")
	if err != nil {
		t.Fatal(err)
	}
	sup.Unclaimed = true
	if err := s.Store.Update(&sup, directory.System); err != nil {
		t.Fatal(err)
	}
	waitIndexed(t, s)
	var without, with struct {
		Total int `json:"total"`
		Hits  []struct {
			ID        string `json:"id"`
			Unclaimed bool   `json:"unclaimed"`
		} `json:"hits"`
	}
	s.get(t, "/api/v1/suppliers?per_page=50", &without)
	s.get(t, "/api/v1/suppliers?per_page=50&unclaimed=true", &with)
	if without.Total != 11 || with.Total != 12 {
		t.Fatalf("totals %d without and %d with unclaimed firms, want 11 and 12", without.Total, with.Total)
	}
	for _, h := range with.Hits {
		if h.Unclaimed != (h.ID == "demo-0001") {
			t.Errorf("%s: unclaimed=%v", h.ID, h.Unclaimed)
		}
	}
	_, page := fetch(t, s.URL+"/?unclaimed=true&q="+strings.ReplaceAll(sup.Name, " ", "+"))
	hit := string(page)
	if i := strings.Index(hit, `data-id="demo-0001"`); i < 0 {
		t.Fatal("the unclaimed firm is not on the page")
	} else {
		hit = hit[i:]
	}
	if !strings.Contains(hit, "zonder Verken-profiel") || !strings.Contains(hit, "niet opgegeven") {
		t.Error("the unclaimed firm is not marked, or shows a capacity")
	}
	if _, page := fetch(t, s.URL+"/"); !strings.Contains(string(page), `name="unclaimed"`) {
		t.Error("the search page has no toggle for firms without a profile")
	}
}

// The market check counts apart the firms of the activity without a
// profile, and links to them.
func TestMarketCheckShowsUnclaimedFirms(t *testing.T) {
	s := startServer(t, 0)
	seedCleaners(t, s)
	for i, pc := range []string{"9000", "9050"} {
		sup := &directory.Supplier{Name: "KBO Poetsbedrijf " + pc, Kind: directory.KindRegulier, Unclaimed: true,
			EnterpriseNumber: directory.EnterpriseNumberWithCheck(7200000 + i),
			Sites:            []directory.Site{{Postcode: pc}},
			Offers:           []directory.Offer{{Task: "office-cleaning", AtClientSite: true}}}
		if err := s.Store.Create(sup); err != nil {
			t.Fatal(err)
		}
	}
	waitIndexed(t, s)
	account(t, s, "koper@stad.example", directory.RoleBuyer)
	b := newVisitor(t, s)
	_, page := b.get("/marktverkenning?" + workedExample)
	if !strings.Contains(page, `id="fig-matching">4<`) || !strings.Contains(page, "Nog 2 bedrijven met deze activiteit in Oost-Vlaanderen hebben geen Verken-profiel") {
		t.Fatal("the check does not count the two firms without a profile apart")
	}
	if !strings.Contains(page, `href="/?province=OVL&amp;task=office-cleaning&amp;unclaimed=true"`) {
		t.Error("no link to the firms without a profile")
	}
}
