package ui_test

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/ui"
)

// brusselsT is the zone the forms' deadlines are read in.
var brusselsT, _ = time.LoadLocation("Europe/Brussels")

// testClock is the server's clock (Deps.Now), moved on by the test.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}
func withClock(c *testClock) func(*ui.Deps) { return func(d *ui.Deps) { d.Now = c.now } }

// seedConsultable puts five cleaners in Ghent with a contact address, and
// one gardener that matches nothing the tests ask.
func seedConsultable(t *testing.T, s *liveServer) (ids, emails []string) {
	t.Helper()
	for i, fte := range []float64{2, 2, 1.5, 1, 1} {
		email := fmt.Sprintf("poets%d@leverancier.example", i+1)
		sup := &directory.Supplier{
			Name: fmt.Sprintf("Poetsploeg %d", i+1), Kind: directory.KindMaatwerkbedrijf,
			EnterpriseNumber: directory.EnterpriseNumberWithCheck(7100000 + i), TargetGroupShare: 65,
			Recognitions: []directory.Recognition{{Type: "maatwerkbedrijf", Number: fmt.Sprintf("M-%d", i), ValidFrom: directory.NewDate(2020, 1, 1)}},
			Sites:        []directory.Site{{Postcode: "9000"}},
			Offers:       []directory.Offer{{Task: "office-cleaning", FreeFTE: fte, LeadTimeWeeks: 2, AtClientSite: true, ServiceArea: directory.ServiceArea{Provinces: []string{"OVL"}}}},
			Contact:      directory.Contact{Email: email},
		}
		if err := s.Store.Create(sup); err != nil {
			t.Fatal(err)
		}
		ids, emails = append(ids, sup.ID), append(emails, email)
	}
	other := &directory.Supplier{
		Name: "Groenploeg", Kind: directory.KindMaatwerkbedrijf, EnterpriseNumber: directory.EnterpriseNumberWithCheck(7199999),
		Sites:   []directory.Site{{Postcode: "9000"}},
		Offers:  []directory.Offer{{Task: "green-maintenance", FreeFTE: 3, AtClientSite: true, ServiceArea: directory.ServiceArea{Provinces: []string{"OVL"}}}},
		Contact: directory.Contact{Email: "groen@leverancier.example"},
	}
	if err := s.Store.Create(other); err != nil {
		t.Fatal(err)
	}
	waitIndexed(t, s)
	return ids, emails
}

var consultLink = regexp.MustCompile(`http://[^\s]+(/raadpleging/[A-Za-z0-9_-]+)`)

// mailsFrom waits for messages from..to (1-based) and returns them by
// recipient address.
func mailsFrom(t *testing.T, box *mailbox, from, to int) map[string]string {
	t.Helper()
	out := map[string]string{}
	for n := from; n <= to; n++ {
		msg := box.wait(t, n)
		m := regexp.MustCompile(`(?m)^To: (\S+)\r?$`).FindStringSubmatch(msg)
		if m == nil {
			t.Fatalf("mail %d has no recipient:\n%s", n, msg)
		}
		out[m[1]] = msg
	}
	return out
}

func linkOf(t *testing.T, msg string) string {
	t.Helper()
	m := consultLink.FindStringSubmatch(msg)
	if m == nil {
		t.Fatalf("no consultation link in\n%s", msg)
	}
	return m[1]
}

// startConsultation saves the worked example's market check and makes a
// consultation from it; it returns the consultation's path.
func startConsultation(t *testing.T, b *browserless, deadline string, extra url.Values) string {
	t.Helper()
	b.get("/marktverkenning?" + workedExample)
	code, loc, _ := b.post("/marktverkenning/bewaren", url.Values{"query": {workedExample}})
	if code != 303 {
		t.Fatalf("save check: %d", code)
	}
	checkID := strings.TrimPrefix(loc, "/marktverkenning/")
	_, page := b.get(loc)
	if !strings.Contains(page, `href="/raadplegingen/nieuw?check=`+checkID+`"`) {
		t.Fatal("the saved check offers no consultation")
	}
	code, page = b.get("/raadplegingen/nieuw?check=" + checkID)
	if code != 200 || !strings.Contains(page, "Kunt u dit volume dragen, of een perceel ervan?") || !strings.Contains(page, `id="matching">5<`) {
		t.Fatalf("new consultation from the check: %d\n%s", code, page)
	}
	form := url.Values{"check": {checkID}, "title": {"Schoonmaak stadskantoren"},
		"description": {"Dagelijkse schoonmaak van drie kantoren in Gent, <b>24 maanden</b>."},
		"question":    {"Kunt u dit volume dragen, of een perceel ervan?", "Wat zou deze opdracht voor u haalbaar maken?", "Werkt u met eigen materiaal?", ""},
		"deadline":    {deadline}, "deadline_time": {"17:00"}, "value_band": {"216k_750k"}, "buyer": {"Stad Gent"}}
	for k, v := range extra {
		form[k] = v
	}
	code, loc, page = b.post("/raadplegingen/nieuw", form)
	if code != 303 || !strings.HasPrefix(loc, "/raadplegingen/") {
		t.Fatalf("create: %d %s\n%s", code, loc, page)
	}
	return loc
}

// The whole flow: a buyer starts from a market check, five matching
// suppliers get mail over SMTP, two answer interested (one signed in, in
// "Mijn Verken", one through its link), one not, a question is answered to
// all, reminders reach exactly the other two, the deadline closes answers,
// and the report and the export hold it all.
func TestConsultationFlow(t *testing.T) {
	box := startMailbox(t)
	clock := &testClock{t: time.Now()}
	s := startServer(t, 0, withSMTP(box), withClock(clock))
	ids, emails := seedConsultable(t, s)
	account(t, s, "koper@stad.example", directory.RoleBuyer)
	account(t, s, "ander@gemeente.example", directory.RoleBuyer)
	account(t, s, "eigen@poets.example", directory.RoleSupplier, ids[0])
	account(t, s, "admin@verken.example", directory.RoleAdmin)
	buyer := newVisitor(t, s)
	buyer.signIn("koper@stad.example", testPassword)
	path := startConsultation(t, buyer, clock.now().Add(7*24*time.Hour).In(brusselsT).Format(time.DateOnly), nil)

	// The draft lists the five matches, not the gardener.
	code, page := buyer.get(path)
	if code != 200 || strings.Count(page, `name="recipient"`) != 5 || strings.Contains(page, "Groenploeg") {
		t.Fatalf("draft: %d\n%s", code, page)
	}
	// The report waits for the deadline.
	if code, _ := buyer.get(path + "/verslag"); code != 409 {
		t.Fatalf("report before sending: %d", code)
	}
	// Only matching suppliers can be chosen.
	if code, _, _ := buyer.post(path+"/versturen", url.Values{"recipient": {ids[0], "iemand-anders"}}); code != 422 {
		t.Fatalf("a stranger as recipient: %d", code)
	}
	if code, loc, body := buyer.post(path+"/versturen", url.Values{"recipient": ids}); code != 303 {
		t.Fatalf("send: %d %s\n%s", code, loc, body)
	}
	mails := mailsFrom(t, box, 1, 5)
	links := map[int]string{}
	for i, e := range emails {
		msg, ok := mails[e]
		if !ok {
			t.Fatalf("no mail to %s", e)
		}
		for _, want := range []string{"Subject: Marktconsultatie: Schoonmaak stadskantoren", "Deze vraag komt van Stad Gent.", "Werkt u met eigen materiaal?",
			"216 000 tot 750 000 euro", "Perceel 1"} {
			if !strings.Contains(msg, want) {
				t.Fatalf("mail to %s lacks %q:\n%s", e, want, msg)
			}
		}
		links[i] = linkOf(t, msg)
	}
	if links[0] == links[1] {
		t.Fatal("two recipients share a link")
	}
	// Sending twice is refused: a sent consultation is the record.
	if code, _, _ := buyer.post(path+"/versturen", url.Values{"recipient": ids}); code != 422 {
		t.Fatalf("sent twice: %d", code)
	}

	answer := func(i int, form url.Values) (int, string) {
		t.Helper()
		v := newVisitor(t, s)
		code, page := v.get(links[i])
		if code != 200 || !strings.Contains(page, "Schoonmaak stadskantoren") || !strings.Contains(page, "&lt;b&gt;24 maanden&lt;/b&gt;") {
			t.Fatalf("link page %d: %d\n%s", i, code, page)
		}
		if strings.Contains(page, "<b>24 maanden</b>") {
			t.Fatal("the description is not escaped")
		}
		code, _, body := v.post(links[i], form)
		return code, body
	}
	// The first answers signed in, in "Mijn Verken", as the user of its
	// supplier, without ever opening the link in its mail.
	own := newVisitor(t, s)
	own.signIn("eigen@poets.example", testPassword)
	mine := "/mijn/raadplegingen/" + strings.TrimPrefix(path, "/raadplegingen/") + "/" + ids[0]
	if _, list := own.get("/mijn/raadplegingen"); !strings.Contains(list, `href="`+mine+`"`) {
		t.Fatalf("Mijn Verken does not list the consultation:\n%s", list)
	}
	if code, page := own.get(mine); code != 200 || !strings.Contains(page, "&lt;b&gt;24 maanden&lt;/b&gt;") || !strings.Contains(page, "Werkt u met eigen materiaal?") {
		t.Fatalf("the signed-in page: %d\n%s", code, page)
	}
	if code, loc, body := own.post(mine, url.Values{"interested": {"yes"}, "fte": {"2"}, "from": {"2030-01-07"}, "bid": {"alone"},
		"answer": {"Ja, het hele volume.", "Een start in januari.", "Ja."}}); code != 303 || !strings.Contains(loc, "notice=answered") {
		t.Fatalf("answer 1, signed in: %d %s\n%s", code, loc, body)
	}
	clock.add(time.Minute)
	if code, body := answer(1, url.Values{"interested": {"yes"}, "fte": {"1,5"}, "from": {"2030-02-01"}, "bid": {"with_others", "subcontractor"},
		"answer": {"Een perceel.", "Percelen van 2 VTE.", "Nee."}}); code != 303 {
		t.Fatalf("answer 2: %d\n%s", code, body)
	}
	clock.add(time.Minute)
	// Not interested needs a reason.
	if code, _ := answer(2, url.Values{"interested": {"no"}}); code != 422 {
		t.Fatalf("no reason: %d", code)
	}
	if code, body := answer(2, url.Values{"interested": {"no"}, "reason": {"Geen ploeg vrij in 2030."}}); code != 303 {
		t.Fatalf("answer 3: %d\n%s", code, body)
	}
	// The fourth asks a question.
	asker := newVisitor(t, s)
	asker.get(links[3])
	if code, _, body := asker.post(links[3]+"/vraag", url.Values{"question": {"Mag er 's avonds gewerkt worden?"}}); code != 303 {
		t.Fatalf("ask: %d\n%s", code, body)
	}

	// The buyer sees the question and answers it to all.
	_, page = buyer.get(path)
	if !strings.Contains(page, "Mag er &#39;s avonds gewerkt worden?") {
		t.Fatalf("the buyer does not see the question:\n%s", page)
	}
	if code, _, body := buyer.post(path+"/vragen/1", url.Values{"answer": {"Ja, na 18 uur."}}); code != 303 {
		t.Fatalf("publish: %d\n%s", code, body)
	}
	// Every recipient is mailed the question and the answer, once; the
	// others' mails do not name who asked.
	notices := mailsFrom(t, box, 6, 10)
	for i, e := range emails {
		msg, ok := notices[e]
		if !ok || !strings.Contains(msg, "Mag er 's avonds gewerkt worden?") || !strings.Contains(msg, "Ja, na 18 uur.") {
			t.Fatalf("no notice of the answer to %s: %v", e, notices)
		}
		if i != 3 && (strings.Contains(msg, "Poetsploeg 4") || strings.Contains(msg, emails[3])) {
			t.Fatalf("the notice to %s names who asked:\n%s", e, msg)
		}
	}
	// Every recipient sees it, none sees who asked or anyone else's answer.
	other := newVisitor(t, s)
	_, page = other.get(links[4])
	for _, want := range []string{"Mag er &#39;s avonds gewerkt worden?", "Ja, na 18 uur."} {
		if !strings.Contains(page, want) {
			t.Fatalf("the fifth recipient does not see %q", want)
		}
	}
	for _, never := range []string{"Poetsploeg 4", "Ja, het hele volume.", "Geen ploeg vrij", "Poetsploeg 1"} {
		if strings.Contains(page, never) {
			t.Fatalf("the fifth recipient sees %q", never)
		}
	}

	// The funnel and the answers beside the profiles.
	_, page = buyer.get(path)
	// Four opened their link (the first answered signed in); all five
	// viewed the consultation.
	for _, want := range []string{`id="funnel-sent">5<`, `id="funnel-opened">4<`, `id="funnel-viewed">5<`, `id="funnel-interested">2<`, `id="funnel-not-interested">1<`,
		`id="funnel-no-answer">2<`, "Ja, het hele volume.", "Geen ploeg vrij in 2030.", "met anderen (tijdelijke vereniging)"} {
		if !strings.Contains(page, want) {
			t.Fatalf("the buyer's page lacks %q", want)
		}
	}

	// Reminders reach the two that did not answer, at most twice, 24 h apart.
	if code, _, body := buyer.post(path+"/herinneren", nil); code != 303 {
		t.Fatalf("remind: %d\n%s", code, body)
	}
	// Exactly the two without an answer: the outbox holds the reminders
	// the moment the buyer's request returns.
	outbox, err := s.Store.Outbox()
	if err != nil {
		t.Fatal(err)
	}
	var remindedTo []string
	for _, m := range outbox {
		if strings.HasPrefix(m.Subject, "Herinnering") {
			remindedTo = append(remindedTo, m.To)
		}
	}
	slices.Sort(remindedTo)
	if !slices.Equal(remindedTo, []string{emails[3], emails[4]}) {
		t.Fatalf("the reminder went to %v, want %v", remindedTo, emails[3:])
	}
	reminded := mailsFrom(t, box, 11, 12)
	for _, e := range []string{emails[3], emails[4]} {
		msg, ok := reminded[e]
		if !ok || !strings.Contains(msg, "Subject: =?utf-8?q?Herinnering_=E2=80=93_marktconsultatie") && !strings.Contains(msg, "Herinnering") {
			t.Fatalf("no reminder to %s: %v", e, reminded)
		}
	}
	if code, _, _ := buyer.post(path+"/herinneren", nil); code != 422 {
		t.Fatalf("a second reminder within 24 h: %d", code)
	}
	clock.add(25 * time.Hour)
	// The reminder's new link works as well as the first.
	reminderLink := linkOf(t, reminded[emails[4]])
	if code, body := answerVia(t, s, reminderLink, url.Values{"interested": {"no"}, "reason": {"Te ver."}}); code != 303 {
		t.Fatalf("answer through the reminder: %d\n%s", code, body)
	}
	if code, _, _ := buyer.post(path+"/herinneren", nil); code != 303 {
		t.Fatalf("second reminder: %d", code)
	}
	if got := mailsFrom(t, box, 13, 13); got[emails[3]] == "" {
		t.Fatalf("the second reminder went to %v", got)
	}
	clock.add(25 * time.Hour)
	if code, _, _ := buyer.post(path+"/herinneren", nil); code != 422 {
		t.Fatalf("a third reminder: %d", code)
	}

	// The deadline closes answers.
	clock.add(6 * 24 * time.Hour)
	if code, _ := answerVia(t, s, links[3], url.Values{"interested": {"yes"}, "fte": {"1"}}); code != 410 {
		t.Fatalf("an answer after the deadline: %d", code)
	}
	if code, _ := newVisitor(t, s).get(links[0]); code != 410 {
		t.Fatalf("a link after the deadline: %d", code)
	}

	// The report lists everything, in order.
	code, page = buyer.get(path + "/verslag")
	if code != 200 {
		t.Fatalf("report: %d", code)
	}
	order := []string{`id="r-check"`, "/marktverkenning/", `id="r-sent"`, "Deze vraag komt van Stad Gent.", `id="r-invited"`, "Poetsploeg 5",
		`id="r-questions"`, "Mag er &#39;s avonds gewerkt worden?", "Ja, na 18 uur.", `id="r-responses"`, "Poetsploeg 1", "Poetsploeg 2", "Poetsploeg 3", "Poetsploeg 5", `id="r-silent"`, "Poetsploeg 4"}
	at := 0
	for _, want := range order {
		i := strings.Index(page[at:], want)
		if i < 0 {
			t.Fatalf("the report lacks %q after position %d", want, at)
		}
		at += i + len(want)
	}
	// What the report says every recipient got is what the mail said.
	sent := regexp.MustCompile(`(?s)<pre class="sent" id="r-sent-text">(.*?)</pre>`).FindStringSubmatch(page)
	if sent == nil || !strings.Contains(strings.ReplaceAll(mails[emails[0]], "\r\n", "\n"), strings.TrimSpace(unescape(sent[1]))) {
		t.Fatalf("the report's text is not the mail's:\n%v", sent)
	}

	// The export has the answers.
	code, csv := buyer.get(path + "/antwoorden.csv")
	for _, want := range []string{"Poetsploeg 1", "Ja, het hele volume.", "Geen ploeg vrij in 2030.", "Werkt u met eigen materiaal?", "geen antwoord"} {
		if code != 200 || !strings.Contains(csv, want) {
			t.Fatalf("the export lacks %q: %d\n%s", want, code, csv)
		}
	}

	// Only the buyer and administrators read responses.
	consultAuthz(t, s, path)
}

// answerVia answers through a link as a new visitor.
func answerVia(t *testing.T, s *liveServer, link string, form url.Values) (int, string) {
	t.Helper()
	v := newVisitor(t, s)
	v.get("/inloggen") // a form's token, for a link that shows none
	v.get(link)
	code, _, body := v.post(link, form)
	return code, body
}

func unescape(s string) string {
	return strings.NewReplacer("&lt;", "<", "&gt;", ">", "&#39;", "'", "&#34;", `"`, "&amp;", "&").Replace(s)
}

// consultAuthz: another buyer, a supplier user (even a recipient's), an
// anonymous visitor read nothing of a consultation; an administrator does.
func consultAuthz(t *testing.T, s *liveServer, path string) {
	t.Helper()
	signedIn := func(email string) *browserless {
		b := newVisitor(t, s)
		b.signIn(email, testPassword)
		return b
	}
	callers := map[string]*browserless{
		"another buyer": signedIn("ander@gemeente.example"),
		"supplier user": signedIn("eigen@poets.example"),
		"anonymous":     newVisitor(t, s),
	}
	for name, b := range callers {
		for _, p := range []string{path, path + "/verslag", path + "/antwoorden.csv"} {
			code, body := b.get(p)
			if code == 200 || strings.Contains(body, "Ja, het hele volume.") {
				t.Errorf("%s reads %s: %d", name, p, code)
			}
		}
		for _, p := range []string{path + "/herinneren", path + "/vragen/1", path + "/versturen"} {
			if code, _, _ := b.post(p, url.Values{"answer": {"x"}}); code < 400 {
				t.Errorf("%s posts %s: %d", name, p, code)
			}
		}
	}
	admin := signedIn("admin@verken.example")
	if code, body := admin.get(path + "/verslag"); code != 200 || !strings.Contains(body, "Ja, het hele volume.") {
		t.Errorf("the administrator cannot read the report: %d", code)
	}
}

// An anonymous consultation never names the buyer to a supplier; the
// texts and lists are bounded.
func TestAnonymousConsultationAndBounds(t *testing.T) {
	box := startMailbox(t)
	clock := &testClock{t: time.Now()}
	s := startServer(t, 0, withSMTP(box), withClock(clock))
	ids, _ := seedConsultable(t, s)
	account(t, s, "koper@stad.example", directory.RoleBuyer)
	buyer := newVisitor(t, s)
	buyer.signIn("koper@stad.example", testPassword)
	deadline := clock.now().Add(3 * 24 * time.Hour).In(brusselsT).Format(time.DateOnly)

	// Too long a title, too many questions, a deadline in the past.
	b := buyer
	b.get("/raadplegingen/nieuw")
	bad := []url.Values{
		{"title": {strings.Repeat("x", 201)}},
		{"question": strings.Split(strings.Repeat("vraag,", 16), ",")},
		{"deadline": {clock.now().Add(-48 * time.Hour).Format(time.DateOnly)}},
	}
	for _, extra := range bad {
		form := url.Values{"task": {"office-cleaning"}, "place": {"9000"}, "volume_fte": {"2"}, "start": {"2030-01-07"},
			"title": {"Schoonmaak"}, "description": {"Iets."}, "deadline": {deadline}}
		for k, v := range extra {
			form[k] = v
		}
		if code, _, body := b.post("/raadplegingen/nieuw", form); code != 422 {
			t.Fatalf("%v accepted: %d\n%s", extra, code, body)
		}
	}

	path := startConsultation(t, buyer, deadline, url.Values{"anonymous": {"on"}})
	if code, _, body := buyer.post(path+"/versturen", url.Values{"recipient": ids[:2]}); code != 303 {
		t.Fatalf("send: %d\n%s", code, body)
	}
	mails := mailsFrom(t, box, 1, 2)
	for to, msg := range mails {
		if strings.Contains(msg, "Stad Gent") || strings.Contains(msg, "koper@") || !strings.Contains(msg, "anoniem") {
			t.Fatalf("the mail to %s names the buyer:\n%s", to, msg)
		}
		v := newVisitor(t, s)
		code, page := v.get(linkOf(t, msg))
		if code != 200 || strings.Contains(page, "Stad Gent") || strings.Contains(page, "koper@") || strings.Contains(page, "/marktverkenning/") {
			t.Fatalf("the link page names the buyer: %d", code)
		}
	}
	// A narrowed send reaches only the chosen two.
	time.Sleep(300 * time.Millisecond)
	box.mu.Lock()
	n := len(box.mail)
	box.mu.Unlock()
	if n != 2 {
		t.Fatalf("%d mails for two recipients", n)
	}
}
