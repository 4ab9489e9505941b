package ui_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/verken/verken/directory"
)

// In the browser: a buyer makes a consultation from a market check's
// parameters, narrows the recipients and sends it; a supplier answers
// through the link in its mail (the go-smtp test server's); the buyer
// reads the funnel.
func TestBrowserConsultation(t *testing.T) {
	box := startMailbox(t)
	s := startServer(t, 0, withSMTP(box))
	_, emails := seedConsultable(t, s)
	account(t, s, "koper@stad.example", directory.RoleBuyer)
	p := page{t, browser(t)}
	p.do(chromedp.Navigate(s.URL+"/inloggen"), chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), "koper@stad.example"), chromedp.SendKeys(chromedp.ID("password"), testPassword+"\n"))
	p.waitURL("/mijn")

	// The buyer creates the consultation.
	p.do(chromedp.Navigate(s.URL+"/raadplegingen/nieuw?task=office-cleaning&place=9000&volume_fte=2&start=2030-01-07&duration_months=24"),
		chromedp.WaitVisible(chromedp.ID("consult-form")))
	if got := p.text("#matching"); got != "5" {
		t.Fatalf("matching suppliers: %q", got)
	}
	p.eval(`(() => { document.getElementById("k-title").value = ""; return 1 })()`)
	p.do(chromedp.SendKeys(chromedp.ID("k-title"), "Schoonmaak bibliotheek"),
		chromedp.SendKeys(chromedp.ID("k-desc"), "Wekelijkse schoonmaak van de bibliotheek."),
		chromedp.Click(chromedp.ID("consult-create")))
	p.until(`document.getElementById("send-form") !== null && document.readyState === "complete"`)
	path := p.eval(`location.pathname.startsWith("/raadplegingen/") ? 1 : 0`)
	if path != 1 {
		t.Fatal("not on the consultation's page")
	}
	// It narrows the recipients to four, and sends.
	if n := p.eval(`document.querySelectorAll('#candidates input[name=recipient]').length`); n != 5 {
		t.Fatalf("%d candidates", n)
	}
	p.eval(`(() => { const c = document.querySelectorAll('#candidates input[name=recipient]'); c[c.length-1].checked = false; return 1 })()`)
	p.do(chromedp.Click(chromedp.ID("consult-send")))
	p.waitURL("notice=sent")
	consultURL, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`location.origin + location.pathname`))
	if err != nil {
		t.Fatal(err)
	}
	if got := p.text("#funnel-sent"); got != "4" {
		t.Fatalf("sent: %q", got)
	}

	// The supplier opens the link in its mail and answers.
	mails := mailsFrom(t, box, 1, 4)
	msg, ok := mails[emails[0]]
	if !ok {
		t.Fatalf("no mail to %s", emails[0])
	}
	link := linkOf(t, msg)
	p.do(chromedp.Navigate(s.URL+link), chromedp.WaitVisible(chromedp.ID("answer-form")))
	if !strings.Contains(p.text("#link-sent"), "Wekelijkse schoonmaak van de bibliotheek.") {
		t.Fatal("the link page does not show what was sent")
	}
	p.do(chromedp.Click(chromedp.CSS(`#answer-form input[name=interested][value=yes]`)),
		chromedp.SendKeys(chromedp.ID("l-fte"), "1,5"), chromedp.SetValue(chromedp.ID("l-from"), "2030-02-01"),
		chromedp.Click(chromedp.CSS(`#answer-form input[name=bid][value=alone]`)),
		chromedp.SendKeys(chromedp.ID("l-a0"), "Ja, het hele volume."),
		chromedp.Click(chromedp.ID("answer-submit")))
	p.waitURL("notice=answered")
	p.until(`document.getElementById("answered") !== null`)

	// The buyer reads the funnel.
	p.do(chromedp.Navigate(consultURL), chromedp.WaitVisible(chromedp.ID("funnel")))
	for id, want := range map[string]string{"#funnel-sent": "4", "#funnel-opened": "1", "#funnel-viewed": "1", "#funnel-interested": "1", "#funnel-not-interested": "0", "#funnel-no-answer": "3"} {
		if got := p.text(id); got != want {
			t.Errorf("%s: %q, want %q", id, got, want)
		}
	}
	if !strings.Contains(p.text("#answers"), "Ja, het hele volume.") {
		t.Error("the buyer does not read the answer")
	}
}
