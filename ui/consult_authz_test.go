package ui_test

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/verken/verken/directory"
)

// consultCallers are the callers of TestAuthorizationMatrix as they stand
// to one consultation: its owner and another buyer, a supplier user whose
// supplier received it and one whose supplier did not, an administrator,
// and the tokens of each kind.
var consultCallers = []string{"anonymous", "buyer owner", "other buyer", "recipient's user", "non-recipient's user", "administrator",
	"owner's token", "other buyer's token", "recipient's token", "non-recipient's token", "revoked token"}

// consultFixture is a sent consultation with its callers.
type consultFixture struct {
	s        *liveServer
	path, id string
	ids      []string // ids[:4] received it, ids[4] did not
	links    []string // the recipients' links, in the order of ids
	optOuts  []string // their opt-out links
	callers  map[string]*browserless
}

func newConsultFixture(t *testing.T) *consultFixture {
	t.Helper()
	box := startMailbox(t)
	clock := &testClock{t: time.Now()}
	s := startServer(t, 0, withSMTP(box), withClock(clock))
	ids, emails := seedConsultable(t, s)
	owner := account(t, s, "koper@stad.example", directory.RoleBuyer)
	other := account(t, s, "ander@gemeente.example", directory.RoleBuyer)
	recipient := account(t, s, "eigen@poets.example", directory.RoleSupplier, ids[0])
	stranger := account(t, s, "vreemd@poets.example", directory.RoleSupplier, ids[4])
	account(t, s, "admin@verken.example", directory.RoleAdmin)
	token := func(a directory.Account, supplier string) string {
		secret, _, err := s.Store.NewToken(a.ID, supplier, "erp")
		if err != nil {
			t.Fatal(err)
		}
		return secret
	}
	revoked, info, _ := s.Store.NewToken(owner.ID, "", "oud")
	if err := s.Store.RevokeToken(owner.ID, info.ID); err != nil {
		t.Fatal(err)
	}
	f := &consultFixture{s: s, ids: ids, callers: map[string]*browserless{}}
	signedIn := func(email string) *browserless {
		b := newVisitor(t, s)
		b.signIn(email, testPassword)
		return b
	}
	// A visitor holds a form's token, so that what refuses it is the
	// rule, not the missing token.
	visitor := func() *browserless { b := newVisitor(t, s); b.get("/inloggen"); return b }
	bearer := func(secret string) *browserless { b := visitor(); b.bearer = secret; return b }
	f.callers["anonymous"] = visitor()
	f.callers["buyer owner"] = signedIn(owner.Email)
	f.callers["other buyer"] = signedIn(other.Email)
	f.callers["recipient's user"] = signedIn(recipient.Email)
	f.callers["non-recipient's user"] = signedIn(stranger.Email)
	f.callers["administrator"] = signedIn("admin@verken.example")
	f.callers["owner's token"] = bearer(token(owner, ""))
	f.callers["other buyer's token"] = bearer(token(other, ""))
	f.callers["recipient's token"] = bearer(token(recipient, ids[0]))
	f.callers["non-recipient's token"] = bearer(token(stranger, ids[4]))
	f.callers["revoked token"] = bearer(revoked)

	buyer := f.callers["buyer owner"]
	f.path = startConsultation(t, buyer, clock.now().Add(7*24*time.Hour).In(brusselsT).Format(time.DateOnly), nil)
	f.id = strings.TrimPrefix(f.path, "/raadplegingen/")
	buyer.get(f.path)
	// An attachment, sent with it.
	if code, _, body := buyer.upload("/raadplegingen/bijlagen/"+f.id, "bestek.pdf", pdfOf(1000, 'a'), false); code != 303 {
		t.Fatalf("attach: %d\n%s", code, body)
	}
	// Sent to four, and on the public list.
	if code, _, body := buyer.post(f.path+"/versturen", url.Values{"recipient": ids[:4], "public": {"on"}}); code != 303 {
		t.Fatalf("send: %d\n%s", code, body)
	}
	mails := mailsFrom(t, box, 1, 4)
	for _, e := range emails[:4] {
		f.links = append(f.links, linkOf(t, mails[e]))
		f.optOuts = append(f.optOuts, optOutLink.FindStringSubmatch(mails[e])[1])
	}
	// Two questions, for the buyer to answer.
	for _, q := range []string{"Mag er 's avonds gewerkt worden?", "Is er een parking?"} {
		v := newVisitor(t, s)
		v.get(f.links[3])
		if code, _, body := v.post(f.links[3]+"/vraag", url.Values{"question": {q}}); code != 303 {
			t.Fatalf("ask: %d\n%s", code, body)
		}
	}
	return f
}

// jsonCall sends a JSON body (or none) to the API.
func jsonCall(b *browserless, method, path, body string) (int, string) {
	b.t.Helper()
	var code int
	var out string
	if body == "" {
		code, _, out = b.do(method, path, nil, "")
	} else {
		code, _, out = b.do(method, path, strings.NewReader(body), "application/json")
	}
	return code, out
}

// Every consultation endpoint, pages and API, against every caller: the
// status each must get. A 404 where a 403 might be expected is on
// purpose: a consultation that is not one's own does not exist to one.
func TestConsultationAuthorizationMatrix(t *testing.T) {
	f := newConsultFixture(t)
	s := f.s
	deadline := time.Now().Add(5 * 24 * time.Hour).UTC().Format(time.RFC3339)
	createJSON := `{"title":"Groenonderhoud","description":"Parken.","deadline":"` + deadline + `",` +
		`"check":{"tasks":["office-cleaning"],"place":"9000","volume_fte":1,"start":"2030-01-07"}}`
	createForm := func() url.Values {
		return url.Values{"task": {"office-cleaning"}, "place": {"9000"}, "volume_fte": {"2"}, "start": {"2030-01-07"},
			"title": {"Schoonmaak"}, "description": {"Iets."}, "deadline": {time.Now().Add(72 * time.Hour).In(brusselsT).Format(time.DateOnly)}}
	}
	answerJSON := `{"interested":true,"fte":1,"from":"2030-02-01","bids":["alone"],"answers":["Ja."]}`
	linkJSON := func() string {
		return `{"link":"` + s.URL + f.links[1] + `","interested":false,"reason":"Geen ploeg vrij."}`
	}
	mine := "/mijn/raadplegingen/" + f.id + "/" + f.ids[0]
	notMine := "/mijn/raadplegingen/" + f.id + "/" + f.ids[4]
	join := "/open-raadplegingen/" + f.id + "/" + f.ids[4]
	joinInvited := "/open-raadplegingen/" + f.id + "/" + f.ids[0]

	// want is the status of every caller but those named.
	want := func(others int, named map[string]int) map[string]int {
		out := map[string]int{}
		for _, c := range consultCallers {
			out[c] = others
		}
		for c, code := range named {
			out[c] = code
		}
		return out
	}
	// On pages a token is no credential: its bearer is a visitor.
	pageGet := func(owner, admin, others int) map[string]int {
		return want(others, map[string]int{"anonymous": 303, "owner's token": 303, "other buyer's token": 303, "recipient's token": 303,
			"non-recipient's token": 303, "revoked token": 303, "buyer owner": owner, "administrator": admin})
	}
	pagePost := func(owner, admin, others int) map[string]int {
		return want(others, map[string]int{"anonymous": 401, "owner's token": 401, "other buyer's token": 401, "recipient's token": 401,
			"non-recipient's token": 401, "revoked token": 401, "buyer owner": owner, "administrator": admin})
	}
	buyerPage := func(code map[string]int, buyers, suppliers int) map[string]int {
		code["other buyer"] = buyers
		code["recipient's user"], code["non-recipient's user"] = suppliers, suppliers
		return code
	}
	supplierPage := func(code map[string]int, recipient, nonRecipient int) map[string]int {
		code["recipient's user"], code["non-recipient's user"] = recipient, nonRecipient
		return code
	}
	// The API: a bad token is refused before anything else.
	api := func(named map[string]int) map[string]int {
		named["anonymous"], named["revoked token"] = 401, 401
		return named
	}

	type endpoint struct {
		name string
		call func(b *browserless) (int, string)
		want map[string]int
	}
	get := func(path string) func(b *browserless) (int, string) {
		return func(b *browserless) (int, string) { return b.get(path) }
	}
	post := func(path string, form func() url.Values) func(b *browserless) (int, string) {
		return func(b *browserless) (int, string) {
			var v url.Values
			if form != nil {
				v = form()
			}
			code, _, body := b.post(path, v)
			return code, body
		}
	}
	endpoints := []endpoint{
		{"list page", get("/raadplegingen"), buyerPage(pageGet(200, 200, 0), 200, 403)},
		{"new page", get("/raadplegingen/nieuw"), buyerPage(pageGet(200, 200, 0), 200, 403)},
		{"create", post("/raadplegingen/nieuw", createForm), buyerPage(pagePost(303, 303, 0), 303, 403)},
		{"buyer's page", get(f.path), buyerPage(pageGet(200, 200, 0), 404, 404)},
		{"send again", post(f.path+"/versturen", func() url.Values { return url.Values{"recipient": f.ids} }), buyerPage(pagePost(422, 422, 0), 404, 404)},
		// Adding a recipient: the owner's draft only (this one is sent:
		// refused for that).
		{"add a recipient", post(f.path+"/ontvangers", func() url.Values { return url.Values{"supplier_id": {f.ids[4]}} }), buyerPage(pagePost(422, 422, 0), 404, 404)},
		// The owner reminds first; the administrator then finds it too soon.
		{"remind", post(f.path+"/herinneren", nil), buyerPage(pagePost(303, 422, 0), 404, 404)},
		{"publish an answer", post(f.path+"/vragen/1", func() url.Values { return url.Values{"answer": {"Ja, na 18 uur."}} }),
			buyerPage(pagePost(303, 422, 0), 404, 404)},
		{"publish another", post(f.path+"/vragen/2", func() url.Values { return url.Values{"answer": {""}} }), buyerPage(pagePost(422, 422, 0), 404, 404)},
		{"report", get(f.path + "/verslag"), buyerPage(pageGet(409, 409, 0), 404, 404)},
		// What came of it: its owner says so after the deadline (the
		// fixture's is still open: refused for that).
		{"outcome", post(f.path+"/uitkomst", func() url.Values { return url.Values{"tendered": {"no"}} }), buyerPage(pagePost(422, 422, 0), 404, 404)},
		{"export", get(f.path + "/antwoorden.csv"), buyerPage(pageGet(200, 200, 0), 404, 404)},
		{"export, chosen columns", get(f.path + "/antwoorden.csv?col=name&col=reason"), buyerPage(pageGet(200, 200, 0), 404, 404)},
		{"export XLSX", get(f.path + "/antwoorden.xlsx?col=name&col=answer"), buyerPage(pageGet(200, 200, 0), 404, 404)},
		// Attachments: the buyer's, adding and removing them (the
		// consultation is sent: the owner is refused for that), through the
		// link, signed in.
		{"upload an attachment", func(b *browserless) (int, string) {
			code, _, body := b.upload("/raadplegingen/bijlagen/"+f.id, "x.pdf", pdfOf(500, 'x'), false)
			return code, body
		}, buyerPage(pagePost(422, 422, 0), 404, 404)},
		{"remove an attachment", post(f.path+"/bijlagen/1/verwijderen", nil), buyerPage(pagePost(422, 422, 0), 404, 404)},
		{"attachment", get(f.path + "/bijlagen/1"), buyerPage(pageGet(200, 200, 0), 404, 404)},
		{"link attachment", get(f.links[1] + "/bijlagen/1"), want(200, nil)},
		{"mine attachment", get(mine + "/bijlagen/1"), supplierPage(buyerPage(pageGet(403, 403, 0), 403, 0), 200, 404)},
		{"mine attachment, not consulted", get(notMine + "/bijlagen/1"), supplierPage(buyerPage(pageGet(403, 403, 0), 403, 0), 404, 404)},
		// The link is the credential: whoever holds it answers. Five
		// questions a recipient may ask; the sixth is refused.
		{"link page", get(f.links[1]), want(200, nil)},
		{"link answer", post(f.links[1], func() url.Values { return url.Values{"interested": {"no"}, "reason": {"Geen ploeg."}} }), want(303, nil)},
		// Its capacity on the profile: whoever holds the link reaches the
		// rule (this answer, not interested, commits no capacity).
		{"link capacity", post(f.links[1]+"/capaciteit", func() url.Values { return url.Values{"version": {version(t, s, f.ids[1])}, "revised": {"0"}} }),
			want(422, nil)},
		{"link question", post(f.links[1]+"/vraag", func() url.Values { return url.Values{"question": {"Hoeveel m²?"}} }),
			want(422, map[string]int{"anonymous": 303, "buyer owner": 303, "other buyer": 303, "recipient's user": 303, "non-recipient's user": 303})},
		{"unknown link", func(b *browserless) (int, string) { return b.get("/raadpleging/bestaat-niet") }, want(410, nil)},
		{"mine list", get("/mijn/raadplegingen"), supplierPage(buyerPage(pageGet(403, 403, 0), 403, 200), 200, 200)},
		{"mine page", get(mine), supplierPage(buyerPage(pageGet(403, 403, 0), 403, 0), 200, 404)},
		{"mine answer", post(mine, func() url.Values {
			return url.Values{"interested": {"yes"}, "fte": {"1"}, "from": {"2030-02-01"}, "answer": {"Ja."}}
		}), supplierPage(buyerPage(pagePost(403, 403, 0), 403, 0), 303, 404)},
		// The answer's capacity on the profile: the recipient's own user
		// only (once; the other callers are refused before the rule).
		{"mine capacity", post(mine+"/capaciteit", func() url.Values { return url.Values{"version": {version(t, s, f.ids[0])}, "revised": {"0"}} }),
			supplierPage(buyerPage(pagePost(403, 403, 0), 403, 0), 303, 404)},
		{"mine capacity, not consulted", post(notMine+"/capaciteit", func() url.Values { return url.Values{"version": {version(t, s, f.ids[4])}, "revised": {"0"}} }),
			supplierPage(buyerPage(pagePost(403, 403, 0), 403, 0), 404, 404)},
		{"mine question", post(mine+"/vraag", func() url.Values { return url.Values{"question": {"Is er een sleutel?"}} }),
			supplierPage(buyerPage(pagePost(403, 403, 0), 403, 0), 303, 404)},
		{"mine page, not consulted", get(notMine), supplierPage(buyerPage(pageGet(403, 403, 0), 403, 0), 404, 404)},
		{"API list", func(b *browserless) (int, string) { return jsonCall(b, "GET", "/api/v1/consultations", "") },
			api(map[string]int{"buyer owner": 200, "other buyer": 200, "administrator": 200, "owner's token": 200, "other buyer's token": 200,
				"recipient's user": 403, "non-recipient's user": 403, "recipient's token": 403, "non-recipient's token": 403})},
		{"API create", func(b *browserless) (int, string) { return jsonCall(b, "POST", "/api/v1/consultations", createJSON) },
			api(map[string]int{"buyer owner": 200, "other buyer": 200, "administrator": 200, "owner's token": 200, "other buyer's token": 200,
				"recipient's user": 403, "non-recipient's user": 403, "recipient's token": 403, "non-recipient's token": 403})},
		{"API responses", func(b *browserless) (int, string) {
			return jsonCall(b, "GET", "/api/v1/consultations/"+f.id+"/responses", "")
		}, api(map[string]int{"buyer owner": 200, "administrator": 200, "owner's token": 200, "other buyer": 404, "other buyer's token": 404,
			"recipient's user": 403, "non-recipient's user": 403, "recipient's token": 403, "non-recipient's token": 403})},
		{"API answer", func(b *browserless) (int, string) {
			return jsonCall(b, "POST", "/api/v1/consultations/"+f.id+"/answer", answerJSON)
		}, api(map[string]int{"buyer owner": 403, "administrator": 403, "owner's token": 403, "other buyer": 403, "other buyer's token": 403,
			"recipient's user": 200, "non-recipient's user": 404, "recipient's token": 200, "non-recipient's token": 404})},
		{"API answer, updating capacity", func(b *browserless) (int, string) {
			return jsonCall(b, "POST", "/api/v1/consultations/"+f.id+"/answer", `{"interested":true,"fte":2.5,"update_capacity":true}`)
		}, api(map[string]int{"buyer owner": 403, "administrator": 403, "owner's token": 403, "other buyer": 403, "other buyer's token": 403,
			"recipient's user": 200, "non-recipient's user": 404, "recipient's token": 200, "non-recipient's token": 404})},
		// Attachments through the API: only a buyer's account or token adds
		// one (the owner's consultation is sent: refused for that); the
		// owner, an administrator and a recipient's user or token read one.
		{"API upload an attachment", func(b *browserless) (int, string) {
			code, _, body := b.upload("/api/v1/consultation-attachments/"+f.id, "x.pdf", pdfOf(500, 'x'), false)
			return code, body
		}, api(map[string]int{"buyer owner": 422, "administrator": 422, "owner's token": 422, "other buyer": 404, "other buyer's token": 404,
			"recipient's user": 403, "non-recipient's user": 403, "recipient's token": 403, "non-recipient's token": 403})},
		{"API attachment", func(b *browserless) (int, string) {
			return jsonCall(b, "GET", "/api/v1/consultation-attachments/"+f.id+"/1", "")
		}, api(map[string]int{"buyer owner": 200, "administrator": 200, "owner's token": 200, "other buyer": 404, "other buyer's token": 404,
			"recipient's user": 200, "non-recipient's user": 404, "recipient's token": 200, "non-recipient's token": 404})},
		{"API answer through the link", func(b *browserless) (int, string) {
			return jsonCall(b, "POST", "/api/v1/consultation-links/answer", linkJSON())
		}, want(200, map[string]int{"revoked token": 401})},
		{"API answer through the link, updating capacity", func(b *browserless) (int, string) {
			return jsonCall(b, "POST", "/api/v1/consultation-links/answer", `{"link":"`+f.links[2]+`","interested":true,"fte":1.5,"update_capacity":true}`)
		}, want(200, map[string]int{"revoked token": 401})},
		{"API answer through an unknown link", func(b *browserless) (int, string) {
			return jsonCall(b, "POST", "/api/v1/consultation-links/answer", `{"link":"bestaat-niet","interested":true}`)
		}, want(410, map[string]int{"revoked token": 401})},
		// The public list, and a supplier not invited answering from it:
		// last, since its answer makes it a recipient.
		{"open list", get("/open-raadplegingen"), want(200, nil)},
		{"API open list", func(b *browserless) (int, string) { return jsonCall(b, "GET", "/api/v1/open-consultations", "") },
			want(200, map[string]int{"revoked token": 401})},
		{"join page, invited supplier", get(joinInvited), supplierPage(buyerPage(pageGet(403, 403, 0), 403, 0), 303, 404)},
		{"join attachment", get(join + "/bijlagen/1"), supplierPage(buyerPage(pageGet(403, 403, 0), 403, 0), 404, 200)},
		{"join page", get(join), supplierPage(buyerPage(pageGet(403, 403, 0), 403, 0), 404, 200)},
		{"join", post(join, func() url.Values {
			return url.Values{"interested": {"yes"}, "fte": {"1"}, "from": {"2030-02-01"}, "answer": {"Ja."}}
		}), supplierPage(buyerPage(pagePost(403, 403, 0), 403, 0), 404, 303)},
		// Opting out: the link is the credential, as the answer link is;
		// signed in, a supplier user for its own suppliers only.
		{"opt-out page", get(f.optOuts[2]), want(200, nil)},
		{"opt out through the link", post(f.optOuts[2], nil), want(200, nil)},
		{"unknown opt-out link", get("/raadpleging-afmelden/bestaat-niet"), want(410, nil)},
		{"opt out signed in", post("/mijn/raadplegingen", func() url.Values {
			return url.Values{"supplier": {f.ids[0]}, "task": {"office-cleaning"}}
		}), supplierPage(buyerPage(pagePost(403, 403, 0), 403, 0), 303, 404)},
	}
	for _, ep := range endpoints {
		for _, caller := range consultCallers {
			b := f.callers[caller]
			call := ep.call
			code, body := call(b)
			if w := ep.want[caller]; code != w {
				t.Errorf("%s by %s: %d, want %d\n%.300s", ep.name, caller, code, w, body)
			}
			// Nobody but the owner and administrators reads an answer
			// (the link's holder reads its own).
			if !strings.HasPrefix(ep.name, "link") && strings.Contains(body, "Geen ploeg.") && caller != "buyer owner" && caller != "administrator" && caller != "owner's token" {
				t.Errorf("%s by %s shows an answer", ep.name, caller)
			}
		}
	}
}

// The API end to end: a buyer's token creates and sends, one supplier
// answers through its link, another with its token, the buyer lists and
// reads the responses; every answer matches the generated document.
func TestConsultationAPI(t *testing.T) {
	box := startMailbox(t)
	s := startServer(t, 0, withSMTP(box))
	ids, emails := seedConsultable(t, s)
	buyer := account(t, s, "koper@stad.example", directory.RoleBuyer)
	sup := account(t, s, "eigen@poets.example", directory.RoleSupplier, ids[1])
	// The buyer makes its token on /mijn/tokens, for no supplier.
	page := newVisitor(t, s)
	page.signIn(buyer.Email, testPassword)
	page.get("/mijn/tokens")
	code, _, body := page.post("/mijn/tokens", url.Values{"name": {"inkoopsysteem"}, "supplier_id": {""}})
	m := regexp.MustCompile(`id="new-token">([^<]+)<`).FindStringSubmatch(body)
	if code != 201 || m == nil {
		t.Fatalf("a buyer's token: %d\n%s", code, body)
	}
	buyerToken := m[1]
	if code, _, _ := page.post("/mijn/tokens", url.Values{"name": {"x"}, "supplier_id": {ids[0]}}); code != 403 {
		t.Fatalf("a buyer's token for a supplier: %d", code)
	}
	supToken, _, _ := s.Store.NewToken(sup.ID, ids[1], "erp")
	b := newVisitor(t, s)
	b.bearer = buyerToken
	doc := loadOpenAPI(t, s)
	validate := func(path, method string, body string) {
		t.Helper()
		op := doc.Paths.Find(path).GetOperation(method)
		if op == nil {
			t.Fatalf("%s %s is not in the document", method, path)
		}
		var v any
		if err := json.Unmarshal([]byte(body), &v); err != nil {
			t.Fatal(err)
		}
		if err := doc.ValidateSchemaJSON(op.Responses.Value("200").Value.Content.Get("application/json").Schema.Value, v); err != nil {
			t.Errorf("%s %s does not match its schema: %v\n%s", method, path, err, body)
		}
	}
	deadline := time.Now().Add(5 * 24 * time.Hour).UTC().Format(time.RFC3339)
	code, body = jsonCall(b, "POST", "/api/v1/consultations", `{"title":"Schoonmaak","description":"Kantoren.","questions":["Vanaf wanneer?"],`+
		`"deadline":"`+deadline+`","value_band":"30k_140k","send":true,"recipients":["`+ids[0]+`","`+ids[1]+`"],`+
		`"check":{"tasks":["office-cleaning"],"place":"9000","volume_fte":2,"start":"2030-01-07"}}`)
	if code != 200 {
		t.Fatalf("create: %d\n%s", code, body)
	}
	validate("/api/v1/consultations", "POST", body)
	var created struct {
		ID     string `json:"id"`
		Draft  bool   `json:"draft"`
		Funnel struct {
			Sent int `json:"sent"`
		} `json:"funnel"`
	}
	_ = json.Unmarshal([]byte(body), &created)
	if created.Draft || created.Funnel.Sent != 2 {
		t.Fatalf("created: %s", body)
	}
	mails := mailsFrom(t, box, 1, 2)
	link := linkOf(t, mails[emails[0]])
	for _, bad := range []string{`{"link":"` + link + `","interested":false}`, `{"link":"` + link + `","interested":true,"fte":-1}`, `{"link":"x","bogus":1}`} {
		if code, body := jsonCall(newVisitor(t, s), "POST", "/api/v1/consultation-links/answer", bad); code != 422 && code != 400 && code != 410 {
			t.Errorf("%s: %d %s", bad, code, body)
		}
	}
	code, body = jsonCall(newVisitor(t, s), "POST", "/api/v1/consultation-links/answer", `{"link":"`+s.URL+link+`","interested":true,"fte":2,"from":"2030-01-07","answers":["Januari."],"bids":["alone"]}`)
	if code != 200 {
		t.Fatalf("answer through the link: %d\n%s", code, body)
	}
	validate("/api/v1/consultation-links/answer", "POST", body)
	st := newVisitor(t, s)
	st.bearer = supToken
	code, body = jsonCall(st, "POST", "/api/v1/consultations/"+created.ID+"/answer", `{"interested":false,"reason":"Geen ploeg vrij in 2030."}`)
	if code != 200 {
		t.Fatalf("answer with a token: %d\n%s", code, body)
	}
	validate("/api/v1/consultations/{id}/answer", "POST", body)

	code, body = jsonCall(b, "GET", "/api/v1/consultations", "")
	if code != 200 || !strings.Contains(body, created.ID) || !strings.Contains(body, `"interested":1`) {
		t.Fatalf("list: %d\n%s", code, body)
	}
	validate("/api/v1/consultations", "GET", body)
	code, body = jsonCall(b, "GET", "/api/v1/consultations/"+created.ID+"/responses", "")
	if code != 200 || !strings.Contains(body, "Januari.") || !strings.Contains(body, "Geen ploeg vrij in 2030.") || !strings.Contains(body, `"free_fte"`) {
		t.Fatalf("responses: %d\n%s", code, body)
	}
	validate("/api/v1/consultations/{id}/responses", "GET", body)

	// Answering again through the link, with the capacity put on the
	// profile: the offer has it, the history names the consultation.
	code, body = jsonCall(newVisitor(t, s), "POST", "/api/v1/consultation-links/answer", `{"link":"`+link+`","interested":true,"fte":3,"from":"2030-02-04","update_capacity":true}`)
	if code != 200 || !strings.Contains(body, `"updated":true`) || !strings.Contains(body, `"free_fte":3`) {
		t.Fatalf("answer through the link, updating capacity: %d\n%s", code, body)
	}
	validate("/api/v1/consultation-links/answer", "POST", body)
	if o := offerOf(t, s, ids[0]); o.FreeFTE != 3 || o.AvailableFrom != directory.NewDate(2030, 2, 4) {
		t.Fatalf("the offer after the API's update: %+v", o)
	}
	if h, _ := s.Store.History(ids[0]); h[len(h)-1].Actor != (directory.Actor{Consultation: "Schoonmaak"}) {
		t.Fatalf("history: %+v", h[len(h)-1])
	}
	// With the token: not interested commits nothing, and says so.
	code, body = jsonCall(st, "POST", "/api/v1/consultations/"+created.ID+"/answer", `{"interested":false,"reason":"Geen ploeg.","update_capacity":true}`)
	if code != 200 || !strings.Contains(body, `"updated":false`) || !strings.Contains(body, `"reason":"no_capacity"`) {
		t.Fatalf("answer with a token, updating capacity: %d\n%s", code, body)
	}
	validate("/api/v1/consultations/{id}/answer", "POST", body)
}
