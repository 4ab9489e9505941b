package ui_test

import (
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/verken/verken/directory"
)

// Delisting asks for a confirmation (a box to tick, which the server
// checks, so it holds without script); a delisted supplier can be put
// back, and the history says so.
func TestDelistAsksConfirmationAndRelistPutsBack(t *testing.T) {
	s := startServer(t, 3)
	account(t, s, "beheer@verken.example", directory.RoleAdmin)
	a := newVisitor(t, s)
	a.signIn("beheer@verken.example", testPassword)
	before, _ := s.Store.Get("demo-0001")
	_, page := a.get("/mijn/leveranciers/demo-0001/bewerken")
	if !strings.Contains(page, `name="confirm"`) || !strings.Contains(page, "Ik bevestig: "+html.EscapeString(before.Name)+" verdwijnt uit de zoekresultaten") {
		t.Fatal("the delist form has no confirmation")
	}
	version := itoa(int(before.Version))
	code, _, body := a.post("/beheer/leveranciers/demo-0001/schrappen", url.Values{"version": {version}, "reason": {"failliet verklaard"}})
	if code != 422 || !strings.Contains(body, "vink eerst de bevestiging aan") || !strings.Contains(body, `value="failliet verklaard"`) {
		t.Fatalf("delist without confirmation: %d", code)
	}
	if now, _ := s.Store.Get("demo-0001"); now.Delisted != nil || now.Version != before.Version {
		t.Fatal("an unconfirmed delisting was written")
	}
	code, loc, _ := a.post("/beheer/leveranciers/demo-0001/schrappen", url.Values{"version": {version}, "reason": {"failliet verklaard"}, "confirm": {"yes"}})
	if code != 303 || !strings.Contains(loc, "notice=delisted") {
		t.Fatalf("confirmed delisting: %d %s", code, loc)
	}
	delisted, _ := s.Store.Get("demo-0001")
	if delisted.Delisted == nil {
		t.Fatal("not delisted")
	}
	if resp, _ := fetch(t, s.URL+"/leveranciers/demo-0001"); resp.StatusCode != 404 {
		t.Fatalf("a delisted profile is public: %d", resp.StatusCode)
	}
	_, page = a.get("/mijn/leveranciers/demo-0001/bewerken")
	if !strings.Contains(page, `action="/beheer/leveranciers/demo-0001/terugzetten"`) || strings.Contains(page, `id="delist-form"`) {
		t.Fatal("a delisted supplier's page offers no relist, or still the delisting")
	}
	code, loc, _ = a.post("/beheer/leveranciers/demo-0001/terugzetten", url.Values{"version": {itoa(int(delisted.Version))}})
	if code != 303 || !strings.Contains(loc, "notice=relisted") {
		t.Fatalf("relist: %d %s", code, loc)
	}
	if now, _ := s.Store.Get("demo-0001"); now.Delisted != nil {
		t.Fatal("not relisted")
	}
	if resp, _ := fetch(t, s.URL+"/leveranciers/demo-0001"); resp.StatusCode != 200 {
		t.Fatalf("the relisted profile: %d", resp.StatusCode)
	}
	_, page = a.get(loc)
	if !strings.Contains(page, "De leverancier staat weer in de zoekresultaten.") {
		t.Error("no notice after relisting")
	}
	_, hist := a.get("/mijn/leveranciers/demo-0001/geschiedenis")
	if !strings.Contains(hist, "terug in de zoekresultaten gezet") || !strings.Contains(hist, "uit de zoekresultaten gehaald") {
		t.Error("the history does not show the delisting and the relisting")
	}
	// A second relist (a stale page) writes nothing.
	again, _ := s.Store.Get("demo-0001")
	if code, loc, _ := a.post("/beheer/leveranciers/demo-0001/terugzetten", url.Values{"version": {itoa(int(again.Version))}}); code != 303 || !strings.Contains(loc, "notice=stale") {
		t.Fatalf("relisting a listed supplier: %d %s", code, loc)
	}
	if now, _ := s.Store.Get("demo-0001"); now.Version != again.Version {
		t.Fatal("relisting a listed supplier wrote it")
	}
	// Only administrators.
	account(t, s, "lev@wilg.example", directory.RoleSupplier, "demo-0001")
	u := newVisitor(t, s)
	u.signIn("lev@wilg.example", testPassword)
	if code, _, _ := u.post("/beheer/leveranciers/demo-0001/terugzetten", url.Values{"version": {itoa(int(again.Version))}}); code != 403 {
		t.Fatalf("a supplier user relists: %d", code)
	}
}

var outboxLink = regexp.MustCompile(`<a href="([^"]+)">`)

// A pending registration shows the supplier asked for, its listed contact
// and the applicant's e-mail domain against the supplier's; an invitation
// names its supplier; the outbox's links to this site are links, and no
// other address in a mail is.
func TestAdminSeesTheClaimInvitationsNameTheSupplier(t *testing.T) {
	s := startServer(t, 3)
	account(t, s, "beheer@verken.example", directory.RoleAdmin)
	sup, _ := s.Store.Get("demo-0001")
	domain := sup.Contact.Email[strings.LastIndexByte(sup.Contact.Email, '@')+1:]
	for _, r := range []struct{ name, email string }{
		{"Ander https://kwaad.example/pad", "iemand@elders.example"}, // the administrators' one notice names the first
		{"Echte Medewerker", "jan@" + domain},
	} {
		v := newVisitor(t, s)
		v.get("/registreren")
		if code, _, body := v.post("/registreren", url.Values{"name": {r.name}, "email": {r.email}, "role": {"supplier"}, "kbo": {sup.EnterpriseNumber}, "password": {testPassword}}); code != 200 {
			t.Fatalf("register %s: %d\n%s", r.email, code, body)
		}
	}
	a := newVisitor(t, s)
	a.signIn("beheer@verken.example", testPassword)
	_, page := a.get("/beheer")
	cards := regexp.MustCompile(`(?s)<li class="card" id="pending-[^"]+">.*?</li>`).FindAllString(page, -1)
	if len(cards) != 2 {
		t.Fatalf("%d pending registrations shown", len(cards))
	}
	for _, card := range cards {
		text := html.UnescapeString(card)
		if !strings.Contains(text, `class="claim-supplier">`+sup.Name+`</a>`) || !strings.Contains(text, sup.Contact.Person) || !strings.Contains(text, sup.Contact.Email) {
			t.Errorf("a pending registration does not show the supplier and its contact:\n%s", text)
		}
		mine := strings.Contains(text, "jan@"+domain)
		if !strings.Contains(text, `<code class="claim-domain">`+map[bool]string{true: domain, false: "elders.example"}[mine]+`</code>`) {
			t.Errorf("the applicant's domain is not shown:\n%s", text)
		}
		if matches := strings.Contains(text, "hetzelfde als het e-mailadres of de website van de leverancier"); matches != mine {
			t.Errorf("domain %v said to match: %v\n%s", mine, matches, text)
		}
	}

	// The outbox: the approval requests link to this site's /beheer; the
	// address in an applicant's name stays text.
	outbox := regexp.MustCompile(`(?s)<ol class="outbox">.*?</ol>`).FindString(page)
	links := outboxLink.FindAllStringSubmatch(outbox, -1)
	if len(links) == 0 {
		t.Fatal("no link in the outbox")
	}
	for _, l := range links {
		if !strings.HasPrefix(html.UnescapeString(l[1]), s.URL+"/") {
			t.Errorf("the outbox links outside the site: %s", l[1])
		}
	}
	if !strings.Contains(outbox, "kwaad.example") {
		t.Fatal("the mail with the applicant's name is not in the outbox")
	}

	// An invitation: its mail's link opens a page that names the supplier.
	if code, _, _ := a.post("/beheer/uitnodigen", url.Values{"email": {"nieuw@" + domain}, "kbo": {sup.EnterpriseNumber}}); code != 303 {
		t.Fatalf("invite: %d", code)
	}
	_, page = a.get("/beheer")
	var invite string
	for _, l := range outboxLink.FindAllStringSubmatch(page, -1) {
		if u := html.UnescapeString(l[1]); strings.Contains(u, "/uitnodiging/") {
			invite = u
		}
	}
	if invite == "" {
		t.Fatal("the invitation's link is not a link in the outbox")
	}
	resp, body := fetch(t, invite)
	if resp.StatusCode != 200 || !strings.Contains(html.UnescapeString(string(body)), "U wordt uitgenodigd voor de leverancier <strong>"+sup.Name+"</strong>") {
		t.Fatalf("the invitation page does not name %s: %d", sup.Name, resp.StatusCode)
	}
}
