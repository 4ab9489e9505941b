package ui_test

import (
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/verken/verken/directory"
)

var capacityFormFields = regexp.MustCompile(`(?s)id="capacity-form".*?name="version" value="(\d+)".*?name="revised" value="(-?\d+)".*?id="capacity-submit">([^<]*)<`)

// capacityForm reads the answer page's one button: its fields and words.
func capacityForm(t *testing.T, page string) (url.Values, string) {
	t.Helper()
	m := capacityFormFields.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no capacity button on the page:\n%s", page)
	}
	return url.Values{"version": {m[1]}, "revised": {m[2]}}, html.UnescapeString(m[3])
}

// mustVersion is a supplier's version.
func mustVersion(t *testing.T, s *liveServer, id string) uint64 {
	t.Helper()
	sup, err := s.Store.Get(id)
	if err != nil {
		t.Fatal(err)
	}
	return sup.Version
}

// offerOf is a supplier's first offer, read from the store.
func offerOf(t *testing.T, s *liveServer, id string) directory.Offer {
	t.Helper()
	sup, err := s.Store.Get(id)
	if err != nil {
		t.Fatal(err)
	}
	return sup.Offers[0]
}

// A recipient answers through its mail's link with the FTE it can commit,
// and one click puts that figure on its profile: the profile and the
// search index hold it, its history names the consultation in words. The
// click needs the form's token and the link's secret before the deadline;
// a link changes its own recipient's profile only.
func TestConsultationCapacityThroughTheLink(t *testing.T) {
	box := startMailbox(t)
	clock := &testClock{t: time.Now()}
	s := startServer(t, 0, withSMTP(box), withClock(clock))
	ids, emails := seedConsultable(t, s)
	account(t, s, "koper@stad.example", directory.RoleBuyer)
	account(t, s, "eigen@poets.example", directory.RoleSupplier, ids[0])
	account(t, s, "tweede@poets.example", directory.RoleSupplier, ids[1])
	buyer := newVisitor(t, s)
	buyer.signIn("koper@stad.example", testPassword)
	path := startConsultation(t, buyer, clock.now().Add(7*24*time.Hour).In(brusselsT).Format(time.DateOnly), nil)
	id := strings.TrimPrefix(path, "/raadplegingen/")
	buyer.get(path)
	if code, _, body := buyer.post(path+"/versturen", url.Values{"recipient": ids[:4]}); code != 303 {
		t.Fatalf("send: %d\n%s", code, body)
	}
	mails := mailsFrom(t, box, 1, 4)
	var links []string
	for _, e := range emails[:4] {
		links = append(links, linkOf(t, mails[e]))
	}

	first := newVisitor(t, s)
	first.get(links[0])
	if code, loc, body := first.post(links[0], url.Values{"interested": {"yes"}, "fte": {"3,5"}, "from": {"2030-03-04"}, "bid": {"alone"}}); code != 303 || !strings.HasSuffix(loc, "notice=answered") {
		t.Fatalf("answer: %d %s\n%s", code, loc, body)
	}
	_, page := first.get(links[0] + "?notice=answered")
	form, words := capacityForm(t, page)
	if want := "Zet mijn vrije capaciteit voor Schoonmaak van kantoren en gebouwen op 3,5 VTE vanaf 04-03-2030 (nu 2 VTE)"; words != want {
		t.Fatalf("the button says %q, want %q", words, want)
	}

	// Without the form's token the click is refused.
	token := first.csrf
	first.csrf = ""
	if code, _, _ := first.do("POST", links[0]+"/capaciteit", strings.NewReader(form.Encode()), "application/x-www-form-urlencoded"); code != 403 {
		t.Fatalf("a click without the form's token: %d", code)
	}
	first.csrf = token
	if o := offerOf(t, s, ids[0]); o.FreeFTE != 2 {
		t.Fatalf("a refused click changed the offer: %+v", o)
	}

	// A second recipient's link never reaches the first's profile: its
	// click sets its own answer on its own profile, and its user signed
	// in cannot reach the first's consultation page.
	second := newVisitor(t, s)
	second.get(links[1])
	if code, _, _ := second.post(links[1]+"/capaciteit", url.Values{"version": form["version"], "revised": {"0"}}); code != 422 {
		t.Fatalf("a click before answering: %d", code)
	}
	if code, _, body := second.post(links[1], url.Values{"interested": {"yes"}, "fte": {"1"}}); code != 303 {
		t.Fatalf("second answer: %d\n%s", code, body)
	}
	_, page = second.get(links[1])
	secondForm, _ := capacityForm(t, page)
	if code, _, body := second.post(links[1]+"/capaciteit", secondForm); code != 303 {
		t.Fatalf("second click: %d\n%s", code, body)
	}
	if o := offerOf(t, s, ids[0]); o.FreeFTE != 2 {
		t.Fatalf("the second recipient's click changed the first's profile: %+v", o)
	}
	if o := offerOf(t, s, ids[1]); o.FreeFTE != 1 {
		t.Fatalf("the second recipient's own profile: %+v", o)
	}
	secondUser := newVisitor(t, s)
	secondUser.signIn("tweede@poets.example", testPassword)
	secondUser.get("/mijn/raadplegingen/" + id + "/" + ids[1])
	if code, _, _ := secondUser.post("/mijn/raadplegingen/"+id+"/"+ids[0]+"/capaciteit", form); code != 404 {
		t.Fatalf("another supplier's user on the first's consultation: %d", code)
	}

	// The click, with the token and the page's version.
	code, loc, body := first.post(links[0]+"/capaciteit", form)
	if code != 303 || loc != links[0]+"?notice=capacity" {
		t.Fatalf("click: %d %s\n%s", code, loc, body)
	}
	_, page = first.get(loc)
	if !strings.Contains(page, "Uw vrije capaciteit op uw profiel is bijgewerkt.") || !strings.Contains(page, `id="capacity-done"`) || strings.Contains(page, `id="capacity-form"`) {
		t.Fatalf("after the click:\n%s", page)
	}
	if o := offerOf(t, s, ids[0]); o.FreeFTE != 3.5 || o.AvailableFrom != directory.NewDate(2030, 3, 4) {
		t.Fatalf("the offer after the click: %+v", o)
	}
	// The same click again sets nothing: the profile holds the figure.
	if code, _, _ := first.post(links[0]+"/capaciteit", form); code != 422 {
		t.Fatalf("the same click again: %d", code)
	}
	if _, page := fetch(t, s.URL+"/leveranciers/"+ids[0]); !strings.Contains(string(page), "3,5") {
		t.Fatal("the profile does not show the new figure")
	}
	waitIndexed(t, s)
	var hits struct {
		Total int `json:"total"`
		Hits  []struct {
			ID string `json:"id"`
		} `json:"hits"`
	}
	if code := s.get(t, "/api/v1/suppliers?task=office-cleaning&min_fte=3.5", &hits); code != 200 || hits.Total != 1 || hits.Hits[0].ID != ids[0] {
		t.Fatalf("search for 3.5 FTE: %d %+v", code, hits)
	}
	own := newVisitor(t, s)
	own.signIn("eigen@poets.example", testPassword)
	_, page = own.get("/mijn/leveranciers/" + ids[0] + "/geschiedenis")
	if !strings.Contains(page, "antwoord op de marktconsultatie «Schoonmaak stadskantoren»") || strings.Contains(page, id) {
		t.Fatalf("the history does not name the consultation in words:\n%s", page)
	}

	// After the deadline the click is refused, and nothing changes.
	third := newVisitor(t, s)
	third.get(links[2])
	if code, _, body := third.post(links[2], url.Values{"interested": {"yes"}, "fte": {"3"}}); code != 303 {
		t.Fatalf("third answer: %d\n%s", code, body)
	}
	_, page = third.get(links[2])
	thirdForm, _ := capacityForm(t, page)
	clock.add(8 * 24 * time.Hour)
	if code, _, _ := third.post(links[2]+"/capaciteit", thirdForm); code != 410 {
		t.Fatalf("a click after the deadline: %d", code)
	}
	if o := offerOf(t, s, ids[2]); o.FreeFTE != 1.5 {
		t.Fatalf("a click after the deadline changed the offer: %+v", o)
	}
}

// Signed in, in "Mijn Verken": the same button, for the user's own
// supplier; the history names the user and the consultation. With several
// offers of the consultation's tasks, the first task's gets the figure and
// the page says so; with none, the page says to add the task.
func TestConsultationCapacitySignedIn(t *testing.T) {
	box := startMailbox(t)
	s := startServer(t, 0, withSMTP(box))
	ids, _ := seedConsultable(t, s)
	account(t, s, "koper@stad.example", directory.RoleBuyer)
	account(t, s, "eigen@poets.example", directory.RoleSupplier, ids[0])
	account(t, s, "derde@poets.example", directory.RoleSupplier, ids[2])
	// The first supplier also washes windows, an offer of another task.
	sup, _ := s.Store.Get(ids[0])
	sup.Offers = append(sup.Offers, directory.Offer{Task: "window-cleaning", FreeFTE: 1, AtClientSite: true, ServiceArea: directory.ServiceArea{Provinces: []string{"OVL"}}})
	if err := s.Store.Update(&sup, directory.System); err != nil {
		t.Fatal(err)
	}
	buyer := newVisitor(t, s)
	buyer.signIn("koper@stad.example", testPassword)
	path := startConsultation(t, buyer, time.Now().Add(7*24*time.Hour).In(brusselsT).Format(time.DateOnly), nil)
	id := strings.TrimPrefix(path, "/raadplegingen/")
	buyer.get(path)
	if code, _, body := buyer.post(path+"/versturen", url.Values{"recipient": {ids[0], ids[2]}}); code != 303 {
		t.Fatalf("send: %d\n%s", code, body)
	}
	mailsFrom(t, box, 1, 2)

	own := newVisitor(t, s)
	own.signIn("eigen@poets.example", testPassword)
	mine := "/mijn/raadplegingen/" + id + "/" + ids[0]
	own.get(mine)
	if code, _, body := own.post(mine, url.Values{"interested": {"yes"}, "fte": {"4"}}); code != 303 {
		t.Fatalf("answer: %d\n%s", code, body)
	}
	_, page := own.get(mine + "?notice=answered")
	form, words := capacityForm(t, page)
	if words != "Zet mijn vrije capaciteit voor Schoonmaak van kantoren en gebouwen op 4 VTE (nu 2 VTE)" {
		t.Fatalf("the button says %q", words)
	}
	// Someone saves the profile after the page was shown: the click is
	// refused, and the page shows the button as it is now.
	if _, err := s.Store.Confirm(ids[0], mustVersion(t, s, ids[0]), directory.System); err != nil {
		t.Fatal(err)
	}
	code, _, page := own.post(mine+"/capaciteit", form)
	if code != 409 || !strings.Contains(page, "Uw profiel of uw antwoord is intussen gewijzigd.") {
		t.Fatalf("a click from a stale page: %d\n%s", code, page)
	}
	if o := offerOf(t, s, ids[0]); o.FreeFTE != 2 {
		t.Fatalf("a stale click changed the offer: %+v", o)
	}
	form, _ = capacityForm(t, page)
	if code, loc, body := own.post(mine+"/capaciteit", form); code != 303 || loc != mine+"?notice=capacity" {
		t.Fatalf("click: %d %s\n%s", code, loc, body)
	}
	if o := offerOf(t, s, ids[0]); o.FreeFTE != 4 {
		t.Fatalf("after the click: %+v", o)
	}
	_, page = own.get("/mijn/leveranciers/" + ids[0] + "/geschiedenis")
	if !strings.Contains(page, "eigen@poets.example&gt;, antwoord op de marktconsultatie «Schoonmaak stadskantoren»") {
		t.Fatalf("the history does not name the user and the consultation:\n%s", page)
	}

	// The third supplier offers only green maintenance now: no button,
	// and the way to add the task.
	third, _ := s.Store.Get(ids[2])
	third.Offers[0].Task = "green-maintenance"
	if err := s.Store.Update(&third, directory.System); err != nil {
		t.Fatal(err)
	}
	other := newVisitor(t, s)
	other.signIn("derde@poets.example", testPassword)
	theirs := "/mijn/raadplegingen/" + id + "/" + ids[2]
	other.get(theirs)
	if code, _, body := other.post(theirs, url.Values{"interested": {"yes"}, "fte": {"2"}}); code != 303 {
		t.Fatalf("third answer: %d\n%s", code, body)
	}
	_, page = other.get(theirs)
	if strings.Contains(page, `id="capacity-form"`) || !strings.Contains(page, "Uw profiel biedt Schoonmaak van kantoren en gebouwen niet aan") ||
		!strings.Contains(page, `href="/mijn/leveranciers/`+ids[2]+`/bewerken"`) {
		t.Fatalf("without an offer of the task:\n%s", page)
	}
	if code, _, _ := other.post(theirs+"/capaciteit", url.Values{"version": {version(t, s, ids[2])}, "revised": {"0"}}); code != 422 {
		t.Fatalf("a click without an offer of the task: %d", code)
	}
}

// A firm without a Verken profile (from the KBO's data) that was invited
// at its public address gets no button, and a click is refused: its
// capacity is declared by a supplier with an account.
func TestConsultationCapacityUnclaimed(t *testing.T) {
	box := startMailbox(t)
	s := startServer(t, 0, withSMTP(box))
	ids, _ := seedConsultable(t, s)
	kbo := &directory.Supplier{Name: "KBO Poetsfirma", Kind: directory.KindRegulier, Unclaimed: true,
		EnterpriseNumber: directory.EnterpriseNumberWithCheck(7300001), Sites: []directory.Site{{Postcode: "9000"}},
		Offers:  []directory.Offer{{Task: "office-cleaning", AtClientSite: true}},
		Contact: directory.Contact{Email: "info@kbo-poets.example"}}
	if err := s.Store.Create(kbo); err != nil {
		t.Fatal(err)
	}
	waitIndexed(t, s)
	account(t, s, "koper@stad.example", directory.RoleBuyer)
	buyer := newVisitor(t, s)
	buyer.signIn("koper@stad.example", testPassword)
	path := startConsultation(t, buyer, time.Now().Add(3*24*time.Hour).In(brusselsT).Format(time.DateOnly), url.Values{"unclaimed": {"on"}})
	buyer.get(path)
	if code, _, body := buyer.post(path+"/versturen", url.Values{"recipient": {ids[0], kbo.ID}}); code != 303 {
		t.Fatalf("send: %d\n%s", code, body)
	}
	link := linkOf(t, mailsFrom(t, box, 1, 2)["info@kbo-poets.example"])
	v := newVisitor(t, s)
	v.get(link)
	if code, _, body := v.post(link, url.Values{"interested": {"yes"}, "fte": {"2"}}); code != 303 {
		t.Fatalf("answer: %d\n%s", code, body)
	}
	_, page := v.get(link)
	if strings.Contains(page, `id="capacity-form"`) || !strings.Contains(page, `id="capacity-hint"`) {
		t.Fatalf("an unclaimed profile is offered the button, or not told why not:\n%s", page)
	}
	before, _ := s.Store.Get(kbo.ID)
	if code, _, _ := v.post(link+"/capaciteit", url.Values{"version": {fmt.Sprint(before.Version)}, "revised": {"0"}}); code != 403 {
		t.Fatalf("a click for an unclaimed profile: %d", code)
	}
	if after, _ := s.Store.Get(kbo.ID); after.Version != before.Version || !after.Unclaimed || after.Offers[0].FreeFTE != 0 {
		t.Fatalf("the unclaimed profile changed: %+v", after)
	}
}
