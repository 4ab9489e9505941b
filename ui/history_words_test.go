package ui_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/verken/verken/directory"
)

// historyRow reads the row of a history page's change of one field: its
// label, old and new value, as text. The first entry (newest) that
// changed the field counts.
func historyRow(t *testing.T, page, field string) (label, old, new string) {
	t.Helper()
	m := regexp.MustCompile(`(?s)<tr data-field="` + regexp.QuoteMeta(field) + `"><th scope="row">(.*?)</th><td>(.*?)</td><td>(.*?)</td></tr>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("the history shows no change of %s", field)
	}
	return unescape(m[1]), unescape(m[2]), unescape(m[3])
}

// The history names each field in words, with the offer it belongs to,
// writes values and times as the reader does (Brussels time), and says
// which API token made a change through the API.
func TestHistoryInWords(t *testing.T) {
	s := startServer(t, 3)
	planner := account(t, s, "planner@demo-0001.example", directory.RoleSupplier, "demo-0001")
	sup, _ := s.Store.Get("demo-0001")
	offer := sup.Offers[0]
	b := newVisitor(t, s)
	b.signIn(planner.Email, testPassword)

	// Through the capacity form.
	b.get("/mijn/leveranciers/demo-0001/capaciteit")
	form := url.Values{"version": {version(t, s, "demo-0001")}, "offers[0].id": {offer.ID}, "offers[0].free_fte": {"3,5"}, "offers[0].available_from": {"2030-02-04"}}
	if code, _, body := b.post("/mijn/leveranciers/demo-0001/capaciteit", form); code != 303 {
		t.Fatalf("capacity form: %d\n%s", code, body)
	}
	// Through two API tokens, one with a name that looks like the mark.
	for _, name := range []string{"planning", `erp") (API token "x`} {
		secret, _, err := s.Store.NewToken(planner.ID, "demo-0001", name)
		if err != nil {
			t.Fatal(err)
		}
		api := newVisitor(t, s)
		api.bearer = secret
		fte := map[string]string{"planning": "1.5", `erp") (API token "x`: "2.25"}[name]
		if code, body := jsonCall(api, "PATCH", "/api/v1/suppliers/demo-0001/offers/"+offer.ID, `{"free_fte": `+fte+`, "version": `+version(t, s, "demo-0001")+`}`); code != 200 {
			t.Fatalf("PATCH with %s: %d %s", name, code, body)
		}
	}

	// The store keeps the account and the token in the actor.
	h, err := s.Store.History("demo-0001")
	if err != nil {
		t.Fatal(err)
	}
	byToken := h[len(h)-2]
	if byToken.Actor.AccountID != planner.ID || !strings.Contains(byToken.Actor.Name, planner.Email) || !strings.Contains(byToken.Actor.Name, "planning") {
		t.Fatalf("the API change's actor: %+v", byToken.Actor)
	}
	byForm := h[len(h)-3]

	task := map[string]string{}
	for _, lang := range []string{"nl", "fr", "en"} {
		code, hist := b.get("/mijn/leveranciers/demo-0001/geschiedenis?lang=" + lang)
		if code != 200 {
			t.Fatalf("history (%s): %d", lang, code)
		}
		if names := internalNames(visibleText(hist), nil); len(names) > 0 {
			t.Errorf("history (%s) shows %v", lang, names)
		}
		label, old, now := historyRow(t, hist, "offers[0].free_fte")
		task[lang] = label
		want := map[string][3]string{
			"nl": {"Vrije capaciteit, ", "2,25 VTE", "1,5 VTE"},
			"fr": {"Capacité libre, ", "2,25 ETP", "1,5 ETP"},
			"en": {"Free capacity, ", "2.25 FTE", "1.5 FTE"},
		}[lang]
		if !strings.HasPrefix(label, want[0]) || len(label) <= len(want[0])+3 || now != want[1] || old != want[2] {
			t.Errorf("history (%s), the newest capacity change: %q: %q → %q, want %q…: %q → %q", lang, label, old, now, want[0], want[2], want[1])
		}
		// The form's change: its date as dd-mm-yyyy, and its moment in
		// Brussels time.
		formEntry := regexp.MustCompile(`(?s)<li data-version="` + itoa(int(byForm.Version)) + `">(.*?)</li>`).FindStringSubmatch(hist)
		if formEntry == nil {
			t.Fatalf("history (%s) lacks version %d", lang, byForm.Version)
		}
		when := byForm.At.In(brusselsT).Format("02-01-2006 15:04")
		if !strings.Contains(formEntry[1], ">"+when+"</time>") || !strings.Contains(formEntry[1], `<tr data-field="offers[0].available_from"><th scope="row">`) ||
			!strings.Contains(formEntry[1], "<td>04-02-2030</td>") || strings.Contains(formEntry[1], "via-token") {
			t.Errorf("history (%s), the form's change (at %s):\n%s", lang, when, formEntry[1])
		}
		tokenEntry := regexp.MustCompile(`(?s)<li data-version="` + itoa(int(byToken.Version)) + `">(.*?)</li>`).FindStringSubmatch(hist)
		if tokenEntry == nil {
			t.Fatalf("history (%s) lacks version %d", lang, byToken.Version)
		}
		via := map[string]string{"nl": "via API-sleutel «planning»", "fr": "via la clé API « planning »", "en": "through API token “planning”"}[lang]
		if text := unescape(tokenEntry[1]); !strings.Contains(text, via) || !strings.Contains(text, "planner <planner@demo-0001.example>") {
			t.Errorf("history (%s), the token's change does not say %q and who:\n%s", lang, via, text)
		}
	}
	// The tricky name is shown whole.
	_, hist := b.get("/mijn/leveranciers/demo-0001/geschiedenis?lang=en")
	if !strings.Contains(unescape(hist), `through API token “erp") (API token "x”`) {
		t.Errorf("the second token's name is not shown whole")
	}
	// The offer is named by its task, in each language.
	if task["nl"] == task["en"] {
		t.Errorf("the offer's task is not in the reader's language: %q", task["nl"])
	}
}
