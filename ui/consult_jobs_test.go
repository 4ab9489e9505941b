package ui_test

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/ui"
)

// serve's maintenance loop mails the automatic reminder two days before
// the deadline, once, to those without an answer; twelve months after the
// deadline it removes the personal data and keeps the figures.
func TestConsultationReminderAndRetention(t *testing.T) {
	box := startMailbox(t)
	clock := &testClock{t: time.Now()}
	s := startServer(t, 0, withSMTP(box), withClock(clock))
	ids, emails := seedConsultable(t, s)
	account(t, s, "koper@stad.example", directory.RoleBuyer)
	adminAccount := account(t, s, "admin@verken.example", directory.RoleAdmin)
	buyer := newVisitor(t, s)
	buyer.signIn("koper@stad.example", testPassword)
	day := clock.now().Add(7 * 24 * time.Hour).In(brusselsT).Format(time.DateOnly)
	deadline, _ := time.ParseInLocation("2006-01-02 15:04", day+" 17:00", brusselsT)
	path := startConsultation(t, buyer, day, nil)
	buyer.get(path)
	if code, _, body := buyer.post(path+"/versturen", url.Values{"recipient": ids[:3]}); code != 303 {
		t.Fatalf("send: %d\n%s", code, body)
	}
	mails := mailsFrom(t, box, 1, 3)
	if code, body := answerVia(t, s, linkOf(t, mails[emails[0]]), url.Values{"interested": {"no"}, "reason": {"Geen ploeg vrij, vraag Jan."}}); code != 303 {
		t.Fatalf("answer: %d\n%s", code, body)
	}

	deps := ui.Deps{Store: s.Store, PublicURL: s.URL, Now: clock.now}
	withSMTP(box)(&deps)
	job, err := ui.ConsultJob(deps)
	if err != nil {
		t.Fatal(err)
	}
	count := func() int { box.mu.Lock(); defer box.mu.Unlock(); return len(box.mail) }
	job(deadline.Add(-72 * time.Hour))
	time.Sleep(300 * time.Millisecond)
	if n := count(); n != 3 {
		t.Fatalf("%d mails three days before the deadline", n)
	}
	job(deadline.Add(-47 * time.Hour))
	reminded := mailsFrom(t, box, 4, 5)
	for _, e := range emails[1:3] {
		if !strings.Contains(reminded[e], "Herinnering") && !strings.Contains(reminded[e], "Herinnering_") {
			t.Fatalf("no reminder to %s: %v", e, reminded)
		}
	}
	if _, ok := reminded[emails[0]]; ok {
		t.Fatal("the one that answered is reminded")
	}
	job(deadline.Add(-46 * time.Hour))
	time.Sleep(300 * time.Millisecond)
	if n := count(); n != 5 {
		t.Fatalf("the automatic reminder went again: %d mails", n)
	}
	// The reminder's link works.
	if code, body := answerVia(t, s, linkOf(t, reminded[emails[1]]), url.Values{"interested": {"yes"}, "fte": {"1"}}); code != 303 {
		t.Fatalf("answer through the reminder: %d\n%s", code, body)
	}

	// The page says how long it is kept, in three languages.
	for lang, want := range map[string]string{"nl": "12 maanden", "fr": "12 mois", "en": "12 months"} {
		_, page := buyer.get(path + "?lang=" + lang)
		if !strings.Contains(page, want) {
			t.Errorf("the %s page does not say %q", lang, want)
		}
	}

	// Eleven months on, it is all there; twelve months and a day on, the
	// personal data is gone and the figures stay.
	clock.add(deadline.AddDate(0, 11, 0).Sub(clock.now()))
	job(clock.now())
	if code, csv := buyer.get(path + "/antwoorden.csv"); code != 200 || !strings.Contains(csv, "Geen ploeg vrij, vraag Jan.") {
		t.Fatalf("purged too soon: %d", code)
	}
	clock.add(31 * 24 * time.Hour)
	job(clock.now())
	if code, _ := buyer.get(path); code != 404 {
		t.Fatalf("the buyer still reads a purged consultation: %d", code)
	}
	admin := newVisitor(t, s)
	admin.signIn("admin@verken.example", testPassword)
	code, page := admin.get(path)
	if code != 200 || strings.Contains(page, "Geen ploeg vrij") || strings.Contains(page, emails[1]) || !strings.Contains(page, `id="funnel-interested">1<`) ||
		!strings.Contains(page, `id="funnel-not-interested">1<`) {
		t.Fatalf("after the purge: %d\n%s", code, page)
	}

	// The description and the buyer's questions went too, from the page,
	// the report, the export, the API and every record in the store's
	// file; the questions' number and the title stay, and the pages say
	// the texts were removed after 12 months.
	freeTexts := []string{"Dagelijkse schoonmaak van drie kantoren", "Kunt u dit volume dragen", "Wat zou deze opdracht voor u haalbaar maken", "Werkt u met eigen materiaal"}
	_, report := admin.get(path + "/verslag")
	_, csv := admin.get(path + "/antwoorden.csv")
	id := strings.TrimPrefix(path, "/raadplegingen/")
	adminToken, _, err := s.Store.NewToken(adminAccount.ID, "", "erp")
	if err != nil {
		t.Fatal(err)
	}
	api := newVisitor(t, s)
	api.bearer = adminToken
	code, apiBody := jsonCall(api, "GET", "/api/v1/consultations/"+id+"/responses", "")
	if code != 200 {
		t.Fatalf("the API after the purge: %d %s", code, apiBody)
	}
	var out struct {
		Consultation struct {
			Title       string   `json:"title"`
			Description *string  `json:"description"`
			Questions   []string `json:"questions"`
			PurgedAt    string   `json:"purged_at"`
		} `json:"consultation"`
	}
	if err := json.Unmarshal([]byte(apiBody), &out); err != nil || out.Consultation.Description == nil || *out.Consultation.Description != "" ||
		len(out.Consultation.Questions) != 3 || out.Consultation.Questions[0] != "" || out.Consultation.PurgedAt == "" || out.Consultation.Title != "Schoonmaak stadskantoren" {
		t.Fatalf("the API after the purge: %v %s", err, apiBody)
	}
	for name, text := range map[string]string{"page": page, "report": report, "export": csv, "API": apiBody} {
		for _, w := range freeTexts {
			if strings.Contains(text, w) {
				t.Errorf("the %s still holds %q", name, w)
			}
		}
	}
	if !strings.Contains(report, "(verwijderd 12 maanden na de uiterste antwoorddatum)") || !strings.Contains(page, "(verwijderd 12 maanden na de uiterste antwoorddatum)") ||
		!strings.Contains(csv, "Vraag 1 (tekst verwijderd na 12 maanden)") || !strings.Contains(report, "Schoonmaak stadskantoren") {
		t.Fatalf("the pages do not say the texts were removed:\n%s\n%s", report, csv)
	}
	if _, en := admin.get(path + "/verslag?lang=en"); !strings.Contains(en, "(removed 12 months after the answer deadline)") || !strings.Contains(en, "the title so that the record can be recognised") {
		t.Fatalf("in English:\n%s", en)
	}
	if err := s.Store.DB().View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			return b.ForEach(func(k, v []byte) error {
				for _, w := range freeTexts {
					if bytes.Contains(v, []byte(w)) {
						t.Errorf("the store's bucket %s holds %q under %s", name, w, k)
					}
				}
				return nil
			})
		})
	}); err != nil {
		t.Fatal(err)
	}
}

// A signed-in supplier user finds its consultations in "Mijn Verken" and
// answers there, under the link's rules.
func TestMijnVerkenConsultations(t *testing.T) {
	box := startMailbox(t)
	clock := &testClock{t: time.Now()}
	s := startServer(t, 0, withSMTP(box), withClock(clock))
	ids, _ := seedConsultable(t, s)
	account(t, s, "koper@stad.example", directory.RoleBuyer)
	account(t, s, "eigen@poets.example", directory.RoleSupplier, ids[2])
	buyer := newVisitor(t, s)
	buyer.signIn("koper@stad.example", testPassword)
	path := startConsultation(t, buyer, clock.now().Add(7*24*time.Hour).In(brusselsT).Format(time.DateOnly), url.Values{"anonymous": {"on"}})
	buyer.get(path)
	if code, _, body := buyer.post(path+"/versturen", url.Values{"recipient": ids}); code != 303 {
		t.Fatalf("send: %d\n%s", code, body)
	}
	id := strings.TrimPrefix(path, "/raadplegingen/")
	sup := newVisitor(t, s)
	sup.signIn("eigen@poets.example", testPassword)
	_, dash := sup.get("/mijn")
	if !strings.Contains(dash, `href="/mijn/raadplegingen"`) {
		t.Fatal("the dashboard does not lead to the consultations")
	}
	code, list := sup.get("/mijn/raadplegingen")
	mine := "/mijn/raadplegingen/" + id + "/" + ids[2]
	if code != 200 || !strings.Contains(list, `href="`+mine+`"`) || !strings.Contains(list, "nog niet beantwoord") || strings.Contains(list, "Stad Gent") {
		t.Fatalf("the list: %d\n%s", code, list)
	}
	code, page := sup.get(mine)
	if code != 200 || !strings.Contains(page, `action="`+mine+`"`) || strings.Contains(page, "Stad Gent") {
		t.Fatalf("the page: %d\n%s", code, page)
	}
	if code, _, _ := sup.post(mine, url.Values{"interested": {"no"}}); code != 422 {
		t.Fatalf("no reason: %d", code)
	}
	if code, loc, body := sup.post(mine, url.Values{"interested": {"yes"}, "fte": {"1,5"}, "from": {"2030-02-01"}, "bid": {"alone"},
		"answer": {"Ja.", "Percelen.", "Ja."}}); code != 303 || !strings.Contains(loc, "notice=answered") {
		t.Fatalf("answer: %d %s\n%s", code, loc, body)
	}
	_, list = sup.get("/mijn/raadplegingen")
	if !strings.Contains(list, "beantwoord op") {
		t.Fatal("the list does not say it is answered")
	}
	_, page = buyer.get(path)
	if !strings.Contains(page, `id="funnel-interested">1<`) || !strings.Contains(page, "Percelen.") {
		t.Fatal("the buyer does not see the signed-in answer")
	}
	clock.add(8 * 24 * time.Hour)
	if code, _ := sup.get(mine); code != 410 {
		t.Fatalf("after the deadline: %d", code)
	}
	if code, _, _ := sup.post(mine, url.Values{"interested": {"no"}, "reason": {"Toch niet."}}); code != 410 {
		t.Fatalf("an answer after the deadline: %d", code)
	}
}
