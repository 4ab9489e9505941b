package ui_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/verken/verken/directory"
)

// Equal treatment, actively: when the buyer of an anonymous consultation
// publishes an answer to a question, every recipient that can be reached
// gets one mail with the question, the answer and a link of its own that
// works; none names who asked or the buyer, and one that opted out gets
// none.
func TestConsultationAnswerNotices(t *testing.T) {
	box := startMailbox(t)
	clock := &testClock{t: time.Now()}
	s := startServer(t, 0, withSMTP(box), withClock(clock))
	ids, emails := seedConsultable(t, s)
	account(t, s, "koper@stad.example", directory.RoleBuyer)
	buyer := newVisitor(t, s)
	buyer.signIn("koper@stad.example", testPassword)
	path := startConsultation(t, buyer, clock.now().Add(7*24*time.Hour).In(brusselsT).Format(time.DateOnly), url.Values{"anonymous": {"on"}})
	if code, _, body := buyer.post(path+"/versturen", url.Values{"recipient": ids}); code != 303 {
		t.Fatalf("send: %d\n%s", code, body)
	}
	invites := mailsFrom(t, box, 1, 5)

	// The fifth opts out of consultations about cleaning; the fourth asks.
	optOut := newVisitor(t, s)
	optOut.get("/inloggen")
	if code, _, body := optOut.post(optOutLink.FindStringSubmatch(invites[emails[4]])[1], nil); code != 200 {
		t.Fatalf("opt out: %d\n%s", code, body)
	}
	asker := newVisitor(t, s)
	asker.get(linkOf(t, invites[emails[3]]))
	if code, _, body := asker.post(linkOf(t, invites[emails[3]])+"/vraag", url.Values{"question": {"Mag er op zaterdag gewerkt worden?"}}); code != 303 {
		t.Fatalf("ask: %d\n%s", code, body)
	}
	buyer.get(path)
	code, loc, body := buyer.post(path+"/vragen/1", url.Values{"answer": {"Ja, tussen 8 en 12 uur."}})
	if code != 303 || !strings.Contains(loc, "notice=published") {
		t.Fatalf("publish: %d %s\n%s", code, loc, body)
	}

	notices := mailsFrom(t, box, 6, 9)
	for i, e := range emails[:4] {
		msg, ok := notices[e]
		if !ok {
			t.Fatalf("no notice to recipient %d: %v", i+1, notices)
		}
		for _, want := range []string{"Subject: =?utf-8?q?Antwoord_op_een_vraag", "De vraag:", "Mag er op zaterdag gewerkt worden?", "Ja, tussen 8 en 12 uur.", "wie de vraag stelde, wordt niet bekendgemaakt"} {
			if !strings.Contains(msg, want) {
				t.Fatalf("the notice to %s lacks %q:\n%s", e, want, msg)
			}
		}
		for _, never := range []string{"Stad Gent", "koper@", "/marktverkenning/"} {
			if strings.Contains(msg, never) {
				t.Fatalf("the notice to %s names the buyer (%q):\n%s", e, never, msg)
			}
		}
		if i != 3 && (strings.Contains(msg, "Poetsploeg 4") || strings.Contains(msg, emails[3])) {
			t.Fatalf("the notice to %s names who asked:\n%s", e, msg)
		}
		// Its link is the recipient's own and works.
		link := linkOf(t, msg)
		if link == linkOf(t, invites[e]) {
			t.Fatal("the notice repeats the invitation's link")
		}
		v := newVisitor(t, s)
		if code, page := v.get(link); code != 200 || !strings.Contains(page, "Ja, tussen 8 en 12 uur.") || strings.Contains(page, "Stad Gent") {
			t.Fatalf("the notice's link: %d", code)
		}
	}
	if _, ok := notices[emails[4]]; ok {
		t.Fatal("the supplier that opted out got the notice")
	}
	time.Sleep(400 * time.Millisecond)
	box.mu.Lock()
	n := len(box.mail)
	box.mu.Unlock()
	if n != 9 {
		t.Fatalf("%d mails, want 5 invitations and 4 notices", n)
	}
	// Each notice is bulk mail with a link, as an invitation is.
	outbox, err := s.Store.Outbox()
	if err != nil {
		t.Fatal(err)
	}
	count := 0
	for _, m := range outbox {
		if strings.HasPrefix(m.Subject, "Antwoord op een vraag") {
			count++
			if !m.Bulk || m.LinkSecret == "" && m.Link == "" || !m.ExpiresAt.Equal(consultationOf(t, s, path).Deadline) {
				t.Fatalf("a notice in the outbox: %+v", m)
			}
		}
	}
	if count != 4 {
		t.Fatalf("%d notices in the outbox", count)
	}
}

// When the outbox cannot take every notice, the answer is still published
// and the buyer is told that not everyone was mailed.
func TestAnswerNoticesWithAFullOutbox(t *testing.T) {
	clock := &testClock{t: time.Now()}
	s := startServer(t, 0, withClock(clock))
	ids, _ := seedConsultable(t, s)
	account(t, s, "koper@stad.example", directory.RoleBuyer)
	buyer := newVisitor(t, s)
	buyer.signIn("koper@stad.example", testPassword)
	path := startConsultation(t, buyer, clock.now().Add(7*24*time.Hour).In(brusselsT).Format(time.DateOnly), nil)
	if code, _, body := buyer.post(path+"/versturen", url.Values{"recipient": ids}); code != 303 {
		t.Fatalf("send: %d\n%s", code, body)
	}
	var link string
	for _, body := range outboxBodies(t, s) {
		if m := consultLink.FindStringSubmatch(body); m != nil {
			link = m[1]
		}
	}
	asker := newVisitor(t, s)
	asker.get(link)
	if code, _, body := asker.post(link+"/vraag", url.Values{"question": {"Mag er op zaterdag gewerkt worden?"}}); code != 303 {
		t.Fatalf("ask: %d\n%s", code, body)
	}
	// Other buyers' invitations fill the room for bulk mail but two places.
	box, _ := s.Store.Outbox()
	for range directory.MaxUndelivered/2 - len(box) - 2 {
		if err := s.Store.KeepMail(directory.Mail{To: "elders@leverancier.example", Subject: "Marktconsultatie", Body: "…", Bulk: true}); err != nil {
			t.Fatal(err)
		}
	}
	buyer.get(path)
	code, loc, body := buyer.post(path+"/vragen/1", url.Values{"answer": {"Ja, tussen 8 en 12 uur."}})
	if code != 303 || !strings.Contains(loc, "notice=published_partly") {
		t.Fatalf("publish with a full outbox: %d %s\n%s", code, loc, body)
	}
	if _, page := buyer.get(loc); !strings.Contains(page, "Niet iedereen kreeg het ook per mail") || !strings.Contains(page, "Ja, tussen 8 en 12 uur.") {
		t.Fatalf("the buyer is not told:\n%s", page)
	}
}
