package ui_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/verken/verken/consult"
	"github.com/verken/verken/directory"
)

// seedNonMatching puts two cleaners in Ghent that do not match a
// consultation's rule (no free capacity), one of which opted out of
// consultations about cleaning.
func seedNonMatching(t *testing.T, s *liveServer) (free, optedOut directory.Supplier) {
	t.Helper()
	mk := func(name string, n int, email string) directory.Supplier {
		sup := &directory.Supplier{
			Name: name, Kind: directory.KindMaatwerkbedrijf, EnterpriseNumber: directory.EnterpriseNumberWithCheck(7200000 + n),
			Sites:   []directory.Site{{Postcode: "9000"}},
			Offers:  []directory.Offer{{Task: "office-cleaning", FreeFTE: 0, LeadTimeWeeks: 2, AtClientSite: true, ServiceArea: directory.ServiceArea{Provinces: []string{"OVL"}}}},
			Contact: directory.Contact{Email: email},
		}
		if err := s.Store.Create(sup); err != nil {
			t.Fatal(err)
		}
		return *sup
	}
	free = mk("Schoonmaakatelier Volzet", 1, "volzet@leverancier.example")
	optedOut = mk("Schoonmaakatelier Afgemeld", 2, "afgemeld@leverancier.example")
	cs, err := consult.New(s.Store)
	if err != nil {
		t.Fatal(err)
	}
	if err := cs.SetOptOuts(optedOut.ID, []string{"office-cleaning"}, func(string) bool { return true }, time.Now()); err != nil {
		t.Fatal(err)
	}
	waitIndexed(t, s)
	return free, optedOut
}

// A buyer widens a draft: the suppliers with the task in the province
// without the capacity condition are listed, one that does not match is
// added through the picker by its enterprise number, marked as added by
// the buyer on the page, in the report and counted; it gets the mail and
// answers. One that opted out is refused with a clear message, and a name
// that means several suppliers asks which.
func TestConsultationWiden(t *testing.T) {
	w := startWidening(t, "task", "office-cleaning")
	s, box, clock, buyer, ids, free, optedOut, path := w.s, w.box, w.clock, w.buyer, w.ids, w.free, w.optedOut, w.path
	code, page := buyer.get(path)
	if code != 200 || strings.Count(page, `name="recipient"`) != 5 || strings.Contains(page, free.Name) || !strings.Contains(page, `id="widen-link"`) {
		t.Fatalf("the draft: %d\n%s", code, page)
	}

	// Widened: the one without capacity is proposed, the one that opted
	// out and the five candidates are not.
	_, page = buyer.get(path + "?verruimen=1")
	i := strings.Index(page, `id="widen-list"`)
	if i < 0 {
		t.Fatalf("no widened list:\n%s", page)
	}
	widened := page[i:]
	widened = widened[:strings.Index(widened, "</table>")]
	if !strings.Contains(widened, free.Name) || strings.Contains(widened, optedOut.Name) || strings.Contains(widened, "Poetsploeg") {
		t.Fatalf("the widened list:\n%s", widened)
	}

	// A name that may mean several suppliers asks which.
	code, _, body := buyer.post(path+"/ontvangers", url.Values{"supplier": {"Schoonmaakatelier"}})
	if code != 422 || !strings.Contains(body, `id="add-choices"`) || !strings.Contains(body, "Welke leverancier bedoelt u?") {
		t.Fatalf("an ambiguous name: %d\n%s", code, body)
	}
	// The one that opted out is refused, saying why.
	code, _, body = buyer.post(path+"/ontvangers", url.Values{"supplier_id": {optedOut.ID}})
	if code != 422 || !strings.Contains(body, optedOut.Name+" meldde zich af voor marktconsultaties over deze taak en kan niet worden toegevoegd.") {
		t.Fatalf("an opted-out supplier added: %d\n%s", code, body)
	}
	code, _, body = buyer.post(path+"/ontvangers", url.Values{"supplier": {directory.FormatEnterpriseNumber(optedOut.EnterpriseNumber)}})
	if code != 422 || !strings.Contains(body, "meldde zich af") {
		t.Fatalf("an opted-out supplier added by its number: %d\n%s", code, body)
	}
	// The one without capacity is added by its enterprise number.
	code, loc, body := buyer.post(path+"/ontvangers", url.Values{"supplier": {directory.FormatEnterpriseNumber(free.EnterpriseNumber)}})
	if code != 303 || !strings.Contains(loc, "notice=added") {
		t.Fatalf("add: %d %s\n%s", code, loc, body)
	}
	_, page = buyer.get(path)
	if strings.Count(page, `name="recipient"`) != 6 || !strings.Contains(page, free.Name) || !strings.Contains(page, "toegevoegd door de koper") {
		t.Fatalf("the draft after adding:\n%s", page)
	}
	co := consultationOf(t, s, path)
	if cand, ok := co.Candidate(free.ID); !ok || !cand.Added || len(co.Candidates) != 6 {
		t.Fatalf("the record's candidates: %+v", co.Candidates)
	}
	// Adding it again changes nothing.
	if code, loc, _ := buyer.post(path+"/ontvangers", url.Values{"supplier_id": {free.ID}}); code != 303 || !strings.Contains(loc, "notice=already") {
		t.Fatalf("added twice: %d %s", code, loc)
	}

	// Sent to all six: the added one gets the mail and answers.
	if code, _, body := buyer.post(path+"/versturen", url.Values{"recipient": append(append([]string{}, ids...), free.ID)}); code != 303 {
		t.Fatalf("send: %d\n%s", code, body)
	}
	mails := mailsFrom(t, box, 1, 6)
	msg, ok := mails[free.Contact.Email]
	if !ok || !strings.Contains(msg, "Schoonmaak sporthal") {
		t.Fatalf("no invitation to the added supplier: %v", mails)
	}
	if _, ok := mails[optedOut.Contact.Email]; ok {
		t.Fatal("the opted-out supplier got the invitation")
	}
	if code, body := answerVia(t, s, linkOf(t, msg), url.Values{"interested": {"yes"}, "fte": {"1"}, "from": {"2030-02-03"}, "answer": {"Ja."}}); code != 303 {
		t.Fatalf("the added supplier answers: %d\n%s", code, body)
	}
	_, page = buyer.get(path)
	row := page[strings.Index(page, `data-supplier="`+free.ID+`"`):]
	row = row[:strings.Index(row, "</tr>")]
	if !strings.Contains(row, "(toegevoegd door de koper)") || !strings.Contains(row, "geïnteresseerd") && !strings.Contains(row, "Geïnteresseerd") {
		t.Fatalf("the added recipient's row:\n%s", row)
	}
	// Sent, the draft takes no one more.
	if code, _, _ := buyer.post(path+"/ontvangers", url.Values{"supplier_id": {ids[0]}}); code != 422 {
		t.Fatalf("added after sending: %d", code)
	}
	// The report says who the buyer added.
	clock.add(8 * 24 * time.Hour)
	code, page = buyer.get(path + "/verslag")
	i = strings.Index(page, `id="r-invited-table"`)
	if code != 200 || i < 0 {
		t.Fatalf("report: %d", code)
	}
	invited := page[i:]
	invited = invited[:strings.Index(invited, "</table>")]
	if strings.Count(invited, "(toegevoegd door de koper)") != 1 || !strings.Contains(invited, free.Name+` <small class="added">(toegevoegd door de koper)</small>`) {
		t.Fatalf("the report's recipients:\n%s", invited)
	}
}

// consultationOf reads a consultation's record from its page's path.
func consultationOf(t *testing.T, s *liveServer, path string) consult.Consultation {
	t.Helper()
	cs, err := consult.New(s.Store)
	if err != nil {
		t.Fatal(err)
	}
	co, err := cs.Get(strings.TrimPrefix(path, "/raadplegingen/"))
	if err != nil {
		t.Fatal(err)
	}
	return co
}

// A consultation about a CPV code is about the tasks the code maps to: a
// supplier that opted out of them cannot be added, and the invitations
// carry the opt-out link.
func TestConsultationByCPVKeepsOptOuts(t *testing.T) {
	// 90911200, cleaning of buildings, maps to office cleaning alone.
	w := startWidening(t, "cpv", "90911200")
	s, box, buyer, ids, optedOut, path := w.s, w.box, w.buyer, w.ids, w.optedOut, w.path
	if co := consultationOf(t, s, path); !slices.Equal(co.Scope.Tasks, []string{"office-cleaning"}) || co.Scope.CPV != "90911200" {
		t.Fatalf("the scope: %+v", co.Scope)
	}
	code, _, body := buyer.post(path+"/ontvangers", url.Values{"supplier_id": {optedOut.ID}})
	if code != 422 || !strings.Contains(body, "meldde zich af") {
		t.Fatalf("a supplier that opted out of the code's task added: %d\n%s", code, body)
	}
	if code, _, body := buyer.post(path+"/versturen", url.Values{"recipient": ids}); code != 303 {
		t.Fatalf("send: %d\n%s", code, body)
	}
	for to, msg := range mailsFrom(t, box, 1, len(ids)) {
		if !strings.Contains(msg, "/raadpleging-afmelden/") {
			t.Fatalf("the invitation to %s has no opt-out link:\n%s", to, msg)
		}
	}
}

// widening is a buyer's draft about office cleaning in Ghent, with the
// suppliers that match, one without capacity and one that opted out.
type widening struct {
	s              *liveServer
	box            *mailbox
	clock          *testClock
	buyer          *browserless
	ids            []string
	free, optedOut directory.Supplier
	path           string // the draft's page
}

// startWidening makes the draft, its scope given by field (task or cpv).
func startWidening(t *testing.T, field, value string) widening {
	t.Helper()
	w := widening{box: startMailbox(t), clock: &testClock{t: time.Now()}}
	w.s = startServer(t, 0, withSMTP(w.box), withClock(w.clock))
	w.ids, _ = seedConsultable(t, w.s)
	w.free, w.optedOut = seedNonMatching(t, w.s)
	account(t, w.s, "koper@stad.example", directory.RoleBuyer)
	w.buyer = newVisitor(t, w.s)
	w.buyer.signIn("koper@stad.example", testPassword)
	deadline := w.clock.now().Add(7 * 24 * time.Hour).In(brusselsT).Format(time.DateOnly)
	w.buyer.get("/raadplegingen/nieuw")
	code, path, body := w.buyer.post("/raadplegingen/nieuw", url.Values{field: {value}, "place": {"9000"}, "volume_fte": {"2"},
		"start": {"2030-01-07"}, "title": {"Schoonmaak sporthal"}, "description": {"Dagelijks."}, "deadline": {deadline}})
	if code != 303 {
		t.Fatalf("create: %d\n%s", code, body)
	}
	w.path = path
	return w
}
