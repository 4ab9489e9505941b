package ui_test

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/verken/verken/directory"
)

var optOutLink = regexp.MustCompile(`http://[^\s]+(/raadpleging-afmelden/[A-Za-z0-9_-]+)`)

// A supplier opts out of consultations about a task through the link in
// its invitation (without signing in; the page asks first) or signed in
// in Mijn Verken; opted out, it is no candidate for the next consultation
// about that task and gets no reminder.
func TestConsultationOptOut(t *testing.T) {
	box := startMailbox(t)
	clock := &testClock{t: time.Now()}
	s := startServer(t, 0, withSMTP(box), withClock(clock))
	ids, emails := seedConsultable(t, s)
	account(t, s, "koper@stad.example", directory.RoleBuyer)
	account(t, s, "eigen@poets.example", directory.RoleSupplier, ids[1])
	buyer := newVisitor(t, s)
	buyer.signIn("koper@stad.example", testPassword)
	deadline := clock.now().Add(7 * 24 * time.Hour).In(brusselsT).Format(time.DateOnly)
	path := startConsultation(t, buyer, deadline, nil)
	buyer.get(path)
	if code, _, body := buyer.post(path+"/versturen", url.Values{"recipient": ids[:3]}); code != 303 {
		t.Fatalf("send: %d\n%s", code, body)
	}
	mails := mailsFrom(t, box, 1, 3)
	msg := mails[emails[0]]
	m := optOutLink.FindStringSubmatch(msg)
	if m == nil || !strings.Contains(msg, "Wilt u geen marktconsultaties meer ontvangen over Schoonmaak van kantoren en gebouwen?") {
		t.Fatalf("the invitation offers no opt-out:\n%s", msg)
	}
	optOut := m[1]
	if m[1] == linkOf(t, msg) {
		t.Fatal("the opt-out link is the answer link")
	}
	// Looking does not opt out; confirming does, without signing in.
	v := newVisitor(t, s)
	code, page := v.get(optOut)
	if code != 200 || !strings.Contains(page, "Poetsploeg 1") || !strings.Contains(page, `id="optout-confirm"`) {
		t.Fatalf("the opt-out page: %d\n%s", code, page)
	}
	code, _, page = v.post(optOut, nil)
	if code != 200 || !strings.Contains(page, `id="optout-done"`) || !strings.Contains(page, "Schoonmaak van kantoren en gebouwen") {
		t.Fatalf("opting out: %d\n%s", code, page)
	}
	if code, _ := newVisitor(t, s).get("/raadpleging-afmelden/bestaat-niet"); code != 410 {
		t.Fatalf("an unknown opt-out link: %d", code)
	}
	// No reminder to it.
	if code, _, _ := buyer.post(path+"/herinneren", nil); code != 303 {
		t.Fatalf("remind: %d", code)
	}
	outbox, _ := s.Store.Outbox()
	var reminded []string
	for _, m := range outbox {
		if strings.HasPrefix(m.Subject, "Herinnering") {
			reminded = append(reminded, m.To)
		}
	}
	slices.Sort(reminded)
	if !slices.Equal(reminded, emails[1:3]) {
		t.Fatalf("reminded %v", reminded)
	}

	// Signed in, the second opts out in Mijn Verken.
	own := newVisitor(t, s)
	own.signIn("eigen@poets.example", testPassword)
	_, page = own.get("/mijn/raadplegingen")
	box1 := regexp.MustCompile(`<input type="checkbox" name="task" value="office-cleaning"( checked)?>`)
	if b := box1.FindStringSubmatch(page); b == nil || b[1] != "" {
		t.Fatalf("the opt-out form:\n%s", page)
	}
	if code, _, _ := own.post("/mijn/raadplegingen", url.Values{"supplier": {ids[2]}, "task": {"office-cleaning"}}); code != 404 {
		t.Fatalf("opted out another's supplier: %d", code)
	}
	if code, _, _ := own.post("/mijn/raadplegingen", url.Values{"supplier": {ids[1]}, "task": {"bestaat-niet"}}); code != 422 {
		t.Fatalf("an unknown task: %d", code)
	}
	if code, loc, body := own.post("/mijn/raadplegingen", url.Values{"supplier": {ids[1]}, "task": {"office-cleaning"}}); code != 303 {
		t.Fatalf("opt out signed in: %d %s\n%s", code, loc, body)
	}
	_, page = own.get("/mijn/raadplegingen")
	if b := box1.FindStringSubmatch(page); b == nil || b[1] != " checked" {
		t.Fatal("the opt-out is not shown")
	}

	// The next consultation about the task has three candidates.
	next := startConsultation(t, buyer, deadline, nil)
	_, page = buyer.get(next)
	if n := strings.Count(page, `name="recipient"`); n != 3 || strings.Contains(page, ">Poetsploeg 1<") || strings.Contains(page, ">Poetsploeg 2<") {
		t.Fatalf("the draft has %d candidates:\n%s", n, page)
	}
	// Taken back, it is a candidate again.
	if code, _, _ := own.post("/mijn/raadplegingen", url.Values{"supplier": {ids[1]}}); code != 303 {
		t.Fatalf("take back: %d", code)
	}
	again := startConsultation(t, buyer, deadline, nil)
	if _, page = buyer.get(again); strings.Count(page, `name="recipient"`) != 4 {
		t.Fatal("taken back, the supplier is no candidate")
	}
}
