package ui_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/ui"
)

// A week after the deadline, serve's maintenance loop mails the buyer once
// to ask what came of the consultation; the buyer answers on the page,
// within bounds, and the report shows it.
func TestConsultationOutcome(t *testing.T) {
	box := startMailbox(t)
	clock := &testClock{t: time.Now()}
	s := startServer(t, 0, withSMTP(box), withClock(clock))
	ids, _ := seedConsultable(t, s)
	account(t, s, "koper@stad.example", directory.RoleBuyer)
	account(t, s, "ander@gemeente.example", directory.RoleBuyer)
	buyer := newVisitor(t, s)
	buyer.signIn("koper@stad.example", testPassword)
	day := clock.now().Add(7 * 24 * time.Hour).In(brusselsT).Format(time.DateOnly)
	deadline, _ := time.ParseInLocation("2006-01-02 15:04", day+" 17:00", brusselsT)
	path := startConsultation(t, buyer, day, nil)
	buyer.get(path)
	if code, _, body := buyer.post(path+"/versturen", url.Values{"recipient": ids[:2]}); code != 303 {
		t.Fatalf("send: %d\n%s", code, body)
	}
	mailsFrom(t, box, 1, 2)
	_, page := buyer.get(path)
	if strings.Contains(page, `id="outcome-form"`) {
		t.Fatal("the outcome form before the deadline")
	}
	if code, _, body := buyer.post(path+"/uitkomst", url.Values{"tendered": {"no"}}); code != 422 || !strings.Contains(body, "na de termijn") {
		t.Fatalf("an outcome before the deadline: %d", code)
	}

	deps := ui.Deps{Store: s.Store, PublicURL: s.URL, Now: clock.now}
	withSMTP(box)(&deps)
	job, err := ui.ConsultJob(deps)
	if err != nil {
		t.Fatal(err)
	}
	asked := func() []directory.Mail {
		out, _ := s.Store.Outbox()
		var m []directory.Mail
		for _, x := range out {
			if strings.HasPrefix(x.Subject, "Wat kwam ervan?") {
				m = append(m, x)
			}
		}
		return m
	}
	job(deadline.Add(6 * 24 * time.Hour))
	if n := len(asked()); n != 0 {
		t.Fatalf("asked %d times six days after the deadline", n)
	}
	job(deadline.Add(7*24*time.Hour + time.Hour))
	if m := asked(); len(m) != 1 || m[0].To != "koper@stad.example" {
		t.Fatalf("the follow-up: %+v", m)
	}
	msg := box.wait(t, 3)
	if !strings.Contains(msg, "To: koper@stad.example") || !strings.Contains(msg, s.URL+path+"#outcome") {
		t.Fatalf("the follow-up mail:\n%s", msg)
	}
	job(deadline.Add(8 * 24 * time.Hour))
	if n := len(asked()); n != 1 {
		t.Fatalf("asked %d times", n)
	}

	clock.add(deadline.Add(8 * 24 * time.Hour).Sub(clock.now()))
	_, page = buyer.get(path)
	if !strings.Contains(page, `id="outcome-form"`) || !strings.Contains(page, `action="`+path+`/uitkomst"`) {
		t.Fatalf("no outcome form after the deadline:\n%s", page)
	}
	for _, bad := range []struct {
		form url.Values
		want string
	}{
		{url.Values{}, "Zeg of de opdracht werd aanbesteed."},
		{url.Values{"tendered": {"yes"}, "bids": {"veel"}, "awarded_social": {"yes"}}, "geheel getal van 0 tot 1000"},
		{url.Values{"tendered": {"yes"}, "bids": {"1001"}, "awarded_social": {"yes"}}, "geheel getal van 0 tot 1000"},
		{url.Values{"tendered": {"yes"}, "bids": {"3"}}, "sociale-economieonderneming ging"},
		{url.Values{"tendered": {"no"}, "note": {strings.Repeat("x", 1001)}}, "1000"},
	} {
		if code, _, body := buyer.post(path+"/uitkomst", bad.form); code != 422 || !strings.Contains(body, bad.want) {
			t.Fatalf("%v: %d, want 422 saying %q", bad.form, code, bad.want)
		}
	}
	other := newVisitor(t, s)
	other.signIn("ander@gemeente.example", testPassword)
	if code, _, _ := other.post(path+"/uitkomst", url.Values{"tendered": {"no"}}); code != 404 {
		t.Fatalf("another buyer's outcome: %d", code)
	}
	if code, loc, body := buyer.post(path+"/uitkomst", url.Values{"tendered": {"yes"}, "bids": {"4"}, "awarded_social": {"yes"},
		"note": {"Perceel 2 <voorbehouden>."}}); code != 303 || !strings.Contains(loc, "notice=outcome") {
		t.Fatalf("outcome: %d %s\n%s", code, loc, body)
	}
	_, page = buyer.get(path)
	if !strings.Contains(page, `id="outcome-given"`) || !strings.Contains(page, `name="tendered" value="yes" checked`) || !strings.Contains(page, `value="4"`) {
		t.Fatalf("the page does not show the outcome:\n%s", page)
	}
	code, page := buyer.get(path + "/verslag")
	if code != 200 || !strings.Contains(page, `id="r-bids">4<`) || !strings.Contains(page, "Perceel 2 &lt;voorbehouden&gt;.") {
		t.Fatalf("the report's outcome: %d\n%s", code, page)
	}
}
