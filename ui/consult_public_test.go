package ui_test

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/verken/verken/directory"
)

// A buyer publishes a consultation on the public list: anyone reads its
// title, task, place, deadline and buyer (not an anonymous one's); a
// supplier user whose supplier was not invited answers there, becomes a
// recipient with its answer, and then sees the questions and answers
// published to all, as every recipient does.
func TestPublicConsultations(t *testing.T) {
	box := startMailbox(t)
	clock := &testClock{t: time.Now()}
	s := startServer(t, 0, withSMTP(box), withClock(clock))
	ids, emails := seedConsultable(t, s)
	account(t, s, "koper@stad.example", directory.RoleBuyer)
	account(t, s, "eigen@poets.example", directory.RoleSupplier, ids[0])
	account(t, s, "vreemd@poets.example", directory.RoleSupplier, ids[4])
	buyer := newVisitor(t, s)
	buyer.signIn("koper@stad.example", testPassword)
	deadline := clock.now().Add(7 * 24 * time.Hour).In(brusselsT).Format(time.DateOnly)

	send := func(extra, form url.Values) (string, string) {
		t.Helper()
		path := startConsultation(t, buyer, deadline, extra)
		_, page := buyer.get(path)
		if !strings.Contains(page, `name="public"`) {
			t.Fatalf("the draft has no box to publish:\n%s", page)
		}
		if code, _, body := buyer.post(path+"/versturen", form); code != 303 {
			t.Fatalf("send: %d\n%s", code, body)
		}
		return path, strings.TrimPrefix(path, "/raadplegingen/")
	}
	path, id := send(url.Values{"title": {"Schoonmaak bibliotheek"}}, url.Values{"recipient": ids[:3], "public": {"on"}})
	_, anonID := send(url.Values{"title": {"Schoonmaak zwembad"}, "anonymous": {"on"}}, url.Values{"recipient": ids[:1], "public": {"on"}})
	_, hiddenID := send(url.Values{"title": {"Schoonmaak depot"}}, url.Values{"recipient": ids[:1]})
	mails := mailsFrom(t, box, 1, 5)

	// A question answered to all before the outsider comes.
	asker := newVisitor(t, s)
	var link string
	for _, m := range mails {
		if strings.Contains(m, "To: "+emails[1]) && strings.Contains(m, "bibliotheek") {
			link = linkOf(t, m)
		}
	}
	asker.get(link)
	if code, _, body := asker.post(link+"/vraag", url.Values{"question": {"Is er een lift?"}}); code != 303 {
		t.Fatalf("ask: %d\n%s", code, body)
	}
	buyer.get(path)
	if code, _, body := buyer.post(path+"/vragen/1", url.Values{"answer": {"Ja, tot op de zolder."}}); code != 303 {
		t.Fatalf("publish: %d\n%s", code, body)
	}

	// Anyone reads the list: what was published, nothing else.
	code, list := newVisitor(t, s).get("/open-raadplegingen")
	if code != 200 {
		t.Fatalf("the list: %d", code)
	}
	item := func(page, id string) string {
		t.Helper()
		i := strings.Index(page, `id="c-`+id+`"`)
		if i < 0 {
			return ""
		}
		j := strings.Index(page[i:], "</li>")
		return page[i : i+j]
	}
	lib := item(list, id)
	for _, want := range []string{"Schoonmaak bibliotheek", "Schoonmaak van kantoren en gebouwen", "9000", "Stad Gent", "17:00"} {
		if !strings.Contains(lib, want) {
			t.Fatalf("the list's item lacks %q:\n%s", want, lib)
		}
	}
	if anon := item(list, anonID); anon == "" || strings.Contains(anon, "Stad Gent") || !strings.Contains(anon, "anoniem") {
		t.Fatalf("the anonymous item:\n%s", anon)
	}
	if item(list, hiddenID) != "" || strings.Contains(list, "Schoonmaak depot") || strings.Contains(list, "Is er een lift?") {
		t.Fatal("the list shows what was not published")
	}
	var api struct {
		Consultations []struct {
			ID, Buyer string
		}
	}
	code, body := newVisitor(t, s).get("/api/v1/open-consultations")
	if err := json.Unmarshal([]byte(body), &api); err != nil || code != 200 || len(api.Consultations) != 2 {
		t.Fatalf("the API's list: %d %s", code, body)
	}
	// As the generated document says.
	doc := loadOpenAPI(t, s)
	op := doc.Paths.Find("/api/v1/open-consultations").GetOperation("GET")
	var v any
	_ = json.Unmarshal([]byte(body), &v)
	if op == nil || doc.ValidateSchemaJSON(op.Responses.Value("200").Value.Content.Get("application/json").Schema.Value, v) != nil {
		t.Fatalf("the API's list does not match the document: %s", body)
	}
	for _, c := range api.Consultations {
		if c.ID == anonID && c.Buyer != "" || c.ID == id && c.Buyer != "Stad Gent" {
			t.Fatalf("the API's buyers: %s", body)
		}
	}

	// The invited supplier's user is sent to its own page; the other
	// answers from the list.
	own := newVisitor(t, s)
	own.signIn("eigen@poets.example", testPassword)
	_, list = own.get("/open-raadplegingen")
	if !strings.Contains(item(list, id), `href="/mijn/raadplegingen/`+id+`/`+ids[0]+`"`) {
		t.Fatalf("the recipient's user is not sent to its page:\n%s", item(list, id))
	}
	outsider := newVisitor(t, s)
	outsider.signIn("vreemd@poets.example", testPassword)
	join := "/open-raadplegingen/" + id + "/" + ids[4]
	_, list = outsider.get("/open-raadplegingen")
	if !strings.Contains(item(list, id), `href="`+join+`"`) {
		t.Fatalf("the outsider is not offered to answer:\n%s", item(list, id))
	}
	code, page := outsider.get(join)
	if code != 200 || !strings.Contains(page, `action="`+join+`"`) || !strings.Contains(page, "&lt;b&gt;24 maanden&lt;/b&gt;") || !strings.Contains(page, `id="join-hint"`) {
		t.Fatalf("the join page: %d\n%s", code, page)
	}
	if code, _, _ := outsider.post(join, url.Values{"interested": {"no"}}); code != 422 {
		t.Fatalf("no reason: %d", code)
	}
	code, loc, body := outsider.post(join, url.Values{"interested": {"yes"}, "fte": {"1"}, "from": {"2030-03-01"}, "bid": {"subcontractor"},
		"answer": {"Als onderaannemer.", "", ""}})
	mine := "/mijn/raadplegingen/" + id + "/" + ids[4]
	if code != 303 || loc != mine+"?notice=answered" {
		t.Fatalf("join: %d %s\n%s", code, loc, body)
	}
	// Now a recipient: the published questions and answers, its answer.
	code, page = outsider.get(mine)
	if code != 200 || !strings.Contains(page, "Is er een lift?") || !strings.Contains(page, "Ja, tot op de zolder.") || !strings.Contains(page, "Als onderaannemer.") {
		t.Fatalf("the outsider's page as a recipient: %d\n%s", code, page)
	}
	if _, l := outsider.get("/mijn/raadplegingen"); !strings.Contains(l, `href="`+mine+`"`) {
		t.Fatal("Mijn Verken does not list the joined consultation")
	}
	// Joining again leads to its page and records nothing new.
	if code, loc, _ := outsider.post(join, url.Values{"interested": {"no"}, "reason": {"Toch niet."}}); code != 303 || loc != mine {
		t.Fatalf("join twice: %d %s", code, loc)
	}
	// Others' answers stay the buyer's: another recipient appears only
	// among the partners proposed by its profile's capacity.
	if strings.Contains(partnersSection.ReplaceAllString(page, ""), "Poetsploeg 1") {
		t.Fatal("the outsider sees another recipient")
	}
	// A consultation that was not published cannot be joined.
	if code, _ := outsider.get("/open-raadplegingen/" + hiddenID + "/" + ids[4]); code != 404 {
		t.Fatalf("an unpublished consultation's join page: %d", code)
	}
	if code, _, _ := outsider.post("/open-raadplegingen/"+hiddenID+"/"+ids[4], url.Values{"interested": {"no"}, "reason": {"x"}}); code != 404 {
		t.Fatalf("joined an unpublished consultation: %d", code)
	}

	// The buyer sees it among the answers, counted apart, and in the report.
	_, page = buyer.get(path)
	for _, want := range []string{`id="funnel-joined">1<`, `id="funnel-interested">1<`, "Als onderaannemer.", "Poetsploeg 5", "antwoordde via de openbare lijst op"} {
		if !strings.Contains(page, want) {
			t.Fatalf("the buyer's page lacks %q:\n%s", want, page)
		}
	}
	// Reminders go to the invited without an answer only.
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
	if !slices.Equal(reminded, emails[:3]) {
		t.Fatalf("reminders to %q", reminded)
	}
	clock.add(8 * 24 * time.Hour)
	if _, l := newVisitor(t, s).get("/open-raadplegingen"); strings.Contains(l, "Schoonmaak bibliotheek") {
		t.Fatal("a closed consultation stays on the list")
	}
	if code, _, _ := outsider.post(join, url.Values{"interested": {"no"}, "reason": {"Te laat."}}); code != 404 {
		t.Fatalf("joined after the deadline: %d", code)
	}
	code, page = buyer.get(path + "/verslag")
	if code != 200 || !strings.Contains(page, "Poetsploeg 5 <small class=\"joined\">") {
		t.Fatalf("the report does not mark the joined supplier: %d\n%s", code, page)
	}
}
