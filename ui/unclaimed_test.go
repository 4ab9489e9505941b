package ui_test

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

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

// A consultation may invite the firms of its activity nearby that have no
// profile but a public e-mail address in the KBO: they are marked among
// the candidates and get the same mail.
func TestConsultationInvitesUnclaimedFirmsWithAnAddress(t *testing.T) {
	box := startMailbox(t)
	clock := &testClock{t: time.Now()}
	s := startServer(t, 0, withSMTP(box), withClock(clock))
	ids, _ := seedConsultable(t, s)
	for i, email := range []string{"info@kbo-poets.example", ""} {
		sup := &directory.Supplier{Name: fmt.Sprintf("KBO Poetsfirma %d", i+1), Kind: directory.KindRegulier, Unclaimed: true,
			EnterpriseNumber: directory.EnterpriseNumberWithCheck(7300000 + i),
			Sites:            []directory.Site{{Postcode: "9000"}},
			Offers:           []directory.Offer{{Task: "office-cleaning", AtClientSite: true}},
			Contact:          directory.Contact{Email: email}}
		if err := s.Store.Create(sup); err != nil {
			t.Fatal(err)
		}
	}
	waitIndexed(t, s)
	account(t, s, "koper@stad.example", directory.RoleBuyer)
	buyer := newVisitor(t, s)
	buyer.signIn("koper@stad.example", testPassword)
	deadline := clock.now().Add(3 * 24 * time.Hour).In(brusselsT).Format(time.DateOnly)

	plain := startConsultation(t, buyer, deadline, nil)
	if _, page := buyer.get(plain); strings.Contains(page, "KBO Poetsfirma") {
		t.Fatal("firms without a profile are candidates though the buyer did not ask")
	}
	path := startConsultation(t, buyer, deadline, url.Values{"unclaimed": {"on"}})
	_, page := buyer.get(path)
	if !strings.Contains(page, "KBO Poetsfirma 1") || strings.Contains(page, "KBO Poetsfirma 2") || !strings.Contains(page, "zonder Verken-profiel") {
		t.Fatal("the firm with a public address is not a marked candidate, or the one without is")
	}
	kbo := regexp.MustCompile(`name="recipient" value="([^"]+)"[^>]*aria-label="KBO Poetsfirma 1"`).FindStringSubmatch(page)
	if kbo == nil {
		t.Fatal("the firm without a profile cannot be chosen")
	}
	if code, _, body := buyer.post(path+"/versturen", url.Values{"recipient": {ids[0], kbo[1]}}); code != 303 {
		t.Fatalf("send: %d\n%s", code, body)
	}
	mails := mailsFrom(t, box, 1, 2)
	if _, ok := mails["info@kbo-poets.example"]; !ok {
		t.Fatalf("no mail to the firm's public address: %v", mails)
	}
}

// reserved=verified keeps the suppliers eligible on a register's
// recognition and a verified share; the facet counts both kinds.
func TestSearchReservedVerified(t *testing.T) {
	s := startServer(t, 0)
	ids := seedCleaners(t, s) // four eligible on their own declarations
	sup, err := s.Store.Get(ids[0])
	if err != nil {
		t.Fatal(err)
	}
	sup.Recognitions = append(sup.Recognitions, directory.Recognition{Type: "maatwerkbedrijf", Number: "MW-R", Issuer: "Departement WSE",
		ValidFrom: directory.NewDate(2020, 1, 1), Register: "Departement WSE", RegisterDate: directory.NewDate(2026, 11, 1)})
	if err := s.Store.Update(&sup, directory.System); err != nil {
		t.Fatal(err)
	}
	if err := s.Store.Verify(sup.ID, sup.Version, "share", "", directory.Actor{Name: "admin"}); err != nil {
		t.Fatal(err)
	}
	waitIndexed(t, s)
	var r struct {
		Total int `json:"total"`
		Hits  []struct {
			ID               string `json:"id"`
			ReservedVerified bool   `json:"reserved_verified"`
		} `json:"hits"`
		Facets map[string]map[string]int `json:"facets"`
	}
	if code := s.get(t, "/api/v1/suppliers?reserved=verified", &r); code != 200 || r.Total != 1 || r.Hits[0].ID != ids[0] || !r.Hits[0].ReservedVerified {
		t.Fatalf("reserved=verified: %d %+v", code, r)
	}
	if r.Facets["reserved"]["true"] != 4 || r.Facets["reserved"]["verified"] != 1 {
		t.Errorf("reserved facet: %v", r.Facets["reserved"])
	}
	if code := s.get(t, "/api/v1/suppliers?reserved=maybe", nil); code != 400 {
		t.Errorf("reserved=maybe: %d", code)
	}
	account(t, s, "koper@stad.example", directory.RoleBuyer)
	_, page := newVisitor(t, s).get("/marktverkenning?" + workedExample)
	if !strings.Contains(page, `id="fig-eligible-declared">(waarvan 3 enkel op eigen verklaring`) {
		t.Error("the market check does not say how many rest on declarations only")
	}
}
