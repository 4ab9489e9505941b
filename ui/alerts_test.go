package ui_test

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/ui"
)

var (
	alertLine    = regexp.MustCompile(`(?m)^- ([^,:]+)[,:]`)
	alertOffLink = regexp.MustCompile(`http://[^\s]+(/zoekmelding-uit/[A-Za-z0-9_-]+)`)
)

// digestPart is what a digest says of one saved search: the suppliers it
// names as new and as changed, its switch-off link, and its text.
type digestPart struct {
	New, Changed []string
	Off          string
	Text         string
}

// digestOf reads a digest, per saved search's name.
func digestOf(t *testing.T, msg string) map[string]digestPart {
	t.Helper()
	msg = strings.ReplaceAll(msg, "\r\n", "\n")
	msg, _, _ = strings.Cut(msg, "\nAl uw meldingen")
	out := map[string]digestPart{}
	parts := strings.Split(msg, "\n== ")
	for _, part := range parts[1:] {
		name, body, ok := strings.Cut(part, " ==\n")
		if !ok {
			t.Fatalf("a digest's section without a name: %q", part)
		}
		p := digestPart{Text: body}
		newPart, changedPart, _ := strings.Cut(body, "Andere vrije capaciteit")
		for _, l := range alertLine.FindAllStringSubmatch(newPart, -1) {
			p.New = append(p.New, l[1])
		}
		for _, l := range alertLine.FindAllStringSubmatch(changedPart, -1) {
			p.Changed = append(p.Changed, l[1])
		}
		if l := alertOffLink.FindStringSubmatch(body); l != nil {
			p.Off = l[1]
		}
		slices.Sort(p.New)
		slices.Sort(p.Changed)
		out[name] = p
	}
	return out
}

// addSupplier puts one more cleaner or gardener in Ghent in the store.
func addSupplier(t *testing.T, s *liveServer, name, task string, fte float64, n int) string {
	t.Helper()
	sup := &directory.Supplier{
		Name: name, Kind: directory.KindMaatwerkbedrijf, EnterpriseNumber: directory.EnterpriseNumberWithCheck(7300000 + n),
		Sites:   []directory.Site{{Postcode: "9000"}},
		Offers:  []directory.Offer{{Task: task, FreeFTE: fte, AtClientSite: true, ServiceArea: directory.ServiceArea{Provinces: []string{"OVL"}}}},
		Contact: directory.Contact{Email: fmt.Sprintf("nieuw%d@leverancier.example", n)},
	}
	if err := s.Store.Create(sup); err != nil {
		t.Fatal(err)
	}
	return sup.ID
}

// A buyer's saved searches, weekly, through the engine and the go-smtp
// test server: the first digest says what each finds; after a supplier's
// capacity is edited and a new supplier comes, the next lists exactly
// those; the switch-off link stops one search's alert (once), and "Mijn
// Verken" switches them off and on again.
func TestSavedSearchAlerts(t *testing.T) {
	box := startMailbox(t)
	s := startServer(t, 0, withSMTP(box))
	ids, _ := seedConsultable(t, s)
	account(t, s, "koper@stad.example", directory.RoleBuyer)
	account(t, s, "eigen@poets.example", directory.RoleSupplier, ids[0])
	buyer := newVisitor(t, s)
	buyer.signIn("koper@stad.example", testPassword)
	for name, query := range map[string]string{"Schoonmaak <b>Oost-Vlaanderen</b>": "task=office-cleaning&province=OVL", "Groen": "task=green-maintenance"} {
		if code, _, body := buyer.post("/mijn/zoekopdrachten", url.Values{"name": {name}, "query": {"?" + query}}); code != 303 {
			t.Fatalf("save %s: %d\n%s", name, code, body)
		}
	}
	// A supplier user's saved search sends no digest: alerts are buyers'.
	sup := newVisitor(t, s)
	sup.signIn("eigen@poets.example", testPassword)
	if code, _, _ := sup.post("/mijn/zoekopdrachten", url.Values{"name": {"Concurrenten"}, "query": {"task=office-cleaning"}}); code != 303 {
		t.Fatalf("a supplier user saves a search: %d", code)
	}

	deps := ui.Deps{Store: s.Store, Index: s.Index, PublicURL: s.URL}
	withSMTP(box)(&deps)
	job := ui.AlertJob(deps)
	// queued counts the digests in the outbox: the job queues before it
	// returns, and delivers in the background.
	queued := func() int {
		t.Helper()
		mails, err := s.Store.Outbox()
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, m := range mails {
			if strings.HasPrefix(m.Subject, "Verken: uw wekelijkse overzicht") {
				if m.To != "koper@stad.example" {
					t.Fatalf("a digest to %s", m.To)
				}
				n++
			}
		}
		return n
	}
	cleaning := "Schoonmaak <b>Oost-Vlaanderen</b>"
	t0 := time.Now()

	// The first digest: what each search finds now.
	job(t0)
	if n := queued(); n != 1 {
		t.Fatalf("%d digests after the first round", n)
	}
	d := digestOf(t, box.wait(t, 1))
	if p := d[cleaning]; !slices.Equal(p.New, []string{"Poetsploeg 1", "Poetsploeg 2", "Poetsploeg 3", "Poetsploeg 4", "Poetsploeg 5"}) ||
		!strings.Contains(p.Text, "Nu passen 5 leveranciers") || p.Off == "" {
		t.Fatalf("the first digest of the cleaning search: %+v", p)
	}
	if p := d["Groen"]; !slices.Equal(p.New, []string{"Groenploeg"}) {
		t.Fatalf("the first digest of the green search: %+v\n%v", p, d)
	}
	if len(d) != 2 {
		t.Fatalf("the first digest's searches: %v", d)
	}
	// Not due again within the week.
	job(t0.Add(24 * time.Hour))
	if n := queued(); n != 1 {
		t.Fatalf("%d digests within the week", n)
	}

	// A supplier's capacity is edited, another edits only its phone, a new
	// cleaner comes.
	p3, err := s.Store.Get(ids[2])
	if err != nil {
		t.Fatal(err)
	}
	p3.Offers[0].FreeFTE = 0.5
	if err := s.Store.Update(&p3, directory.System); err != nil {
		t.Fatal(err)
	}
	p1, _ := s.Store.Get(ids[0])
	p1.Contact.Phone = "09 123 45 67"
	if err := s.Store.Update(&p1, directory.System); err != nil {
		t.Fatal(err)
	}
	addSupplier(t, s, "Poetsploeg 6", "office-cleaning", 1.5, 1)
	waitIndexed(t, s)

	// The second digest lists exactly those; the green search, unchanged,
	// is not in it.
	job(t0.Add(7 * 24 * time.Hour))
	if n := queued(); n != 2 {
		t.Fatalf("%d digests after the second round", n)
	}
	msg := box.wait(t, 2)
	d = digestOf(t, msg)
	if p := d[cleaning]; len(d) != 1 || !slices.Equal(p.New, []string{"Poetsploeg 6"}) || !slices.Equal(p.Changed, []string{"Poetsploeg 3"}) ||
		!strings.Contains(p.Text, "van 1,5 naar 0,5 VTE vrij") || !strings.Contains(p.Text, "1,5 VTE vrij") {
		t.Fatalf("the second digest: %v\n%s", d, msg)
	}
	off := d[cleaning].Off

	// The link asks first; a look does not switch it off.
	anon := newVisitor(t, s)
	code, page := anon.get(off)
	if code != 200 || !strings.Contains(page, "Schoonmaak &lt;b&gt;Oost-Vlaanderen&lt;/b&gt;") || strings.Contains(page, "<b>Oost") {
		t.Fatalf("the switch-off page: %d\n%s", code, page)
	}
	scanText(t, off, page)
	if _, page := buyer.get("/mijn/meldingen"); strings.Count(page, " checked>") != 2 {
		t.Fatalf("looking switched it off:\n%s", page)
	}
	// Without the form's token, nothing.
	forger := newVisitor(t, s)
	forger.csrf = ""
	if code, _, _ := forger.do("POST", off, strings.NewReader(""), "application/x-www-form-urlencoded"); code != 403 {
		t.Fatalf("a switch-off without the form's token: %d", code)
	}
	if code, _, page := anon.post(off, nil); code != 200 || !strings.Contains(page, `id="alert-off-done"`) {
		t.Fatalf("switch off: %d\n%s", code, page)
	}
	// Once.
	if code, _, _ := anon.post(off, nil); code != 410 {
		t.Fatalf("the link used twice: %d", code)
	}
	if code, _ := anon.get(off); code != 410 {
		t.Fatalf("the used link's page: %d", code)
	}

	// The third week: a new cleaner and a new gardener; only the green
	// search still says so.
	addSupplier(t, s, "Poetsploeg 7", "office-cleaning", 1, 2)
	addSupplier(t, s, "Groenploeg 2", "green-maintenance", 2, 3)
	waitIndexed(t, s)
	job(t0.Add(14 * 24 * time.Hour))
	d = digestOf(t, box.wait(t, 3))
	if _, ok := d[cleaning]; ok || len(d) != 1 || !slices.Equal(d["Groen"].New, []string{"Groenploeg 2"}) {
		t.Fatalf("the third digest: %v", d)
	}

	// Mijn Verken: the cleaning search is off; switching both off stops
	// the digests, switching one on starts it afresh.
	code, page = buyer.get("/mijn/meldingen")
	if code != 200 || strings.Count(page, " checked>") != 1 || !strings.Contains(page, "Schoonmaak &lt;b&gt;Oost-Vlaanderen&lt;/b&gt;") {
		t.Fatalf("the alerts page: %d\n%s", code, page)
	}
	for _, lang := range []string{"nl", "fr", "en"} {
		_, page := buyer.get("/mijn/meldingen?lang=" + lang)
		scanText(t, "/mijn/meldingen ("+lang+")", page)
	}
	if code, loc, _ := buyer.post("/mijn/meldingen", url.Values{}); code != 303 || loc != "/mijn/meldingen?notice=saved" {
		t.Fatalf("switch both off: %d %s", code, loc)
	}
	addSupplier(t, s, "Groenploeg 3", "green-maintenance", 1, 4)
	waitIndexed(t, s)
	job(t0.Add(21 * 24 * time.Hour))
	if n := queued(); n != 3 {
		t.Fatalf("%d digests with every alert off", n)
	}
	alerts, err := s.Store.Alerts(mustAccount(t, s, "koper@stad.example").ID)
	if err != nil {
		t.Fatal(err)
	}
	var cleaningID string
	for _, a := range alerts {
		if a.Name == cleaning {
			cleaningID = a.ID
		}
	}
	buyer.get("/mijn/meldingen")
	if code, _, _ := buyer.post("/mijn/meldingen", url.Values{"on": {cleaningID}}); code != 303 {
		t.Fatalf("switch on: %d", code)
	}
	job(t0.Add(28 * 24 * time.Hour))
	d = digestOf(t, box.wait(t, 4))
	if p := d[cleaning]; len(d) != 1 || len(p.New) != 7 || !strings.Contains(p.Text, "Nu passen 7 leveranciers") {
		t.Fatalf("switched on again: %v", d)
	}

	// The pages are the buyer's: a visitor signs in, a supplier user may
	// not.
	if code, _ := newVisitor(t, s).get("/mijn/meldingen"); code != 303 {
		t.Fatalf("a visitor on the alerts page: %d", code)
	}
	sup.get("/mijn")
	if code, _ := sup.get("/mijn/meldingen"); code != 403 {
		t.Fatalf("a supplier user on the alerts page: %d", code)
	}
	if code, _, _ := sup.post("/mijn/meldingen", url.Values{"on": {cleaningID}}); code != 403 {
		t.Fatalf("a supplier user switches alerts: %d", code)
	}
	if code, _ := anon.get("/zoekmelding-uit/bestaat-niet"); code != 410 {
		t.Fatalf("an unknown link: %d", code)
	}
	_, dash := buyer.get("/mijn")
	if !strings.Contains(dash, `href="/mijn/meldingen"`) {
		t.Fatal("Mijn Verken does not lead to the alerts")
	}
}
