package ui_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/verken/verken/directory"
)

var consultFromSearchLink = regexp.MustCompile(`<a href="([^"]+)" id="consult-from-search"`)

// A buyer starts a consultation from a search result: the search's task
// and the place its offers must serve fill in the form, and sending
// reaches the suppliers the consultation's rule finds. Visitors and
// supplier users are offered no such link; a search without a task opens
// the form asking for one.
func TestConsultationFromSearch(t *testing.T) {
	box := startMailbox(t)
	clock := &testClock{t: time.Now()}
	s := startServer(t, 0, withSMTP(box), withClock(clock))
	ids, emails := seedConsultable(t, s)
	account(t, s, "koper@stad.example", directory.RoleBuyer)
	account(t, s, "eigen@poets.example", directory.RoleSupplier, ids[0])
	const search = "/?task=office-cleaning&serves=9000"

	if _, page := newVisitor(t, s).get(search); strings.Contains(page, `id="consult-from-search"`) || !strings.Contains(page, "Poetsploeg 1") {
		t.Fatal("an anonymous visitor is offered a consultation, or the search finds nothing")
	}
	supplier := newVisitor(t, s)
	supplier.signIn("eigen@poets.example", testPassword)
	if _, page := supplier.get(search); strings.Contains(page, `id="consult-from-search"`) {
		t.Fatal("a supplier user is offered a consultation")
	}

	buyer := newVisitor(t, s)
	buyer.signIn("koper@stad.example", testPassword)
	_, page := buyer.get(search)
	m := consultFromSearchLink.FindStringSubmatch(page)
	if m == nil || !strings.Contains(page, "Marktconsultatie starten met deze zoekopdracht") || !strings.Contains(page, "niet noodzakelijk alle resultaten") {
		t.Fatalf("the buyer's search offers no consultation:\n%s", page)
	}
	href := unescape(m[1])
	code, form := buyer.get(href)
	if code != 200 {
		t.Fatalf("%s: %d", href, code)
	}
	for _, want := range []string{`id="from-search"`, `<option value="office-cleaning" selected>`, `id="k-place" name="place" value="9000"`,
		`value="Marktconsultatie: Schoonmaak van kantoren en gebouwen"`} {
		if !strings.Contains(form, want) {
			t.Fatalf("the form from the search lacks %q:\n%s", want, form)
		}
	}
	if strings.Contains(form, `id="needs-task"`) {
		t.Fatal("the form asks for a task the search gave")
	}
	deadline := clock.now().Add(7 * 24 * time.Hour).In(brusselsT).Format(time.DateOnly)
	code, loc, body := buyer.post("/raadplegingen/nieuw", url.Values{"task": {"office-cleaning"}, "place": {"9000"}, "volume_fte": {"2"},
		"start": {"2030-01-07"}, "title": {"Schoonmaak bibliotheek"}, "description": {"Wekelijkse schoonmaak."}, "deadline": {deadline}})
	if code != 303 {
		t.Fatalf("create from the search: %d\n%s", code, body)
	}
	code, draft := buyer.get(loc)
	if code != 200 || strings.Count(draft, `name="recipient"`) != 5 || strings.Contains(draft, "Groenploeg") {
		t.Fatalf("the draft from the search: %d\n%s", code, draft)
	}
	if code, _, body := buyer.post(loc+"/versturen", url.Values{"recipient": ids}); code != 303 {
		t.Fatalf("send: %d\n%s", code, body)
	}
	mails := mailsFrom(t, box, 1, 5)
	for _, e := range emails {
		if !strings.Contains(mails[e], "Schoonmaak bibliotheek") {
			t.Fatalf("no invitation to %s: %v", e, mails)
		}
	}

	// A search with a place and no task: the form opens and asks for one.
	_, page = buyer.get("/?serves=9000")
	m = consultFromSearchLink.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("a search without a task offers no consultation")
	}
	if _, form := buyer.get(unescape(m[1])); !strings.Contains(form, `id="needs-task"`) || !strings.Contains(form, `value="9000"`) {
		t.Fatalf("the form from a search without a task:\n%s", form)
	}
	if code, _, _ := buyer.post("/raadplegingen/nieuw", url.Values{"place": {"9000"}, "volume_fte": {"2"}, "start": {"2030-01-07"},
		"title": {"Iets"}, "description": {"Iets."}, "deadline": {deadline}}); code != 422 {
		t.Fatalf("a consultation without a task: %d", code)
	}
}
