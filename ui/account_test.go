package ui_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/search"
	"github.com/verken/verken/ui"
)

// mailbox is a real SMTP server in the test process that keeps what it
// receives and wants PLAIN authentication.
type mailbox struct {
	mu   sync.Mutex
	mail []string
	addr string
}

func (m *mailbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &mailSession{box: m}, nil }

type mailSession struct {
	box    *mailbox
	authed bool
}

func (s *mailSession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s *mailSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "verken" || pass != "geheim-smtp" {
			return errors.New("bad credentials")
		}
		s.authed = true
		return nil
	}), nil
}
func (s *mailSession) Mail(string, *smtp.MailOptions) error {
	if !s.authed {
		return errors.New("authenticate first")
	}
	return nil
}
func (s *mailSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *mailSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	s.box.mu.Lock()
	s.box.mail = append(s.box.mail, string(b))
	s.box.mu.Unlock()
	return err
}
func (s *mailSession) Reset()        {}
func (s *mailSession) Logout() error { return nil }

func startMailbox(t *testing.T) *mailbox {
	t.Helper()
	m := &mailbox{}
	srv := smtp.NewServer(m)
	srv.AllowInsecureAuth = true
	srv.Domain = "localhost"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	m.addr = ln.Addr().String()
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return m
}

// wait returns the n-th message once it arrived.
func (m *mailbox) wait(t *testing.T, n int) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		m.mu.Lock()
		if len(m.mail) >= n {
			msg := m.mail[n-1]
			m.mu.Unlock()
			return msg
		}
		m.mu.Unlock()
		if time.Now().After(deadline) {
			t.Fatalf("no message %d arrived", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func withSMTP(m *mailbox) func(*ui.Deps) {
	return func(d *ui.Deps) {
		host, port, _ := net.SplitHostPort(m.addr)
		d.SMTP = ui.SMTP{Host: host, User: "verken", Password: "geheim-smtp", From: "verken@stad.example"}
		d.SMTP.Port = atoiT(port)
	}
}

func atoiT(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

var linkIn = regexp.MustCompile(`http://[^\s]+/(wachtwoord-herstellen|uitnodiging)/[A-Za-z0-9_-]+`)

// A forgotten password: a mail over SMTP with a one-time link, a new
// password through it, and a sign-in with that password.
func TestPasswordResetByMail(t *testing.T) {
	box := startMailbox(t)
	s := startServer(t, 2, withSMTP(box))
	account(t, s, "els@brug.example", directory.RoleBuyer)
	b := newVisitor(t, s)
	b.get("/wachtwoord-vergeten")
	if code, _, body := b.post("/wachtwoord-vergeten", url.Values{"email": {"els@brug.example"}}); code != 200 || !strings.Contains(body, "onderweg") {
		t.Fatalf("forgot: %d", code)
	}
	msg := box.wait(t, 1)
	if !strings.Contains(msg, "To: els@brug.example") || !strings.Contains(msg, "Subject: Nieuw wachtwoord voor Verken") {
		t.Fatalf("mail:\n%s", msg)
	}
	link := linkIn.FindString(msg)
	if link == "" {
		t.Fatalf("no link in\n%s", msg)
	}
	path := strings.TrimPrefix(link, s.URL)
	if code, _ := b.get(path); code != 200 {
		t.Fatalf("reset page: %d", code)
	}
	if code, _, _ := b.post(path, url.Values{"password": {"kort"}}); code != 422 {
		t.Fatalf("short password: %d", code)
	}
	if code, loc, _ := b.post(path, url.Values{"password": {"mijn nieuwe wachtwoord"}}); code != 303 || loc != "/mijn" {
		t.Fatalf("reset: %d %s", code, loc)
	}
	if code, _ := b.get(path); code != 404 {
		t.Fatalf("the link worked twice: %d", code)
	}
	c := newVisitor(t, s)
	c.signIn("els@brug.example", "mijn nieuwe wachtwoord")
	// An unknown address gets the same answer and no mail.
	b.get("/wachtwoord-vergeten")
	if code, _, body := b.post("/wachtwoord-vergeten", url.Values{"email": {"niemand@nergens.example"}}); code != 200 || !strings.Contains(body, "onderweg") {
		t.Fatalf("unknown address: %d", code)
	}
	time.Sleep(100 * time.Millisecond)
	box.mu.Lock()
	n := len(box.mail)
	box.mu.Unlock()
	if n != 1 {
		t.Fatalf("%d mails for one real request", n)
	}
}

// An administrator invites someone for a supplier; the mail's link makes
// a supplier user who can edit that supplier and no other.
func TestInvitationMakesASupplierUser(t *testing.T) {
	box := startMailbox(t)
	s := startServer(t, 3, withSMTP(box))
	account(t, s, "admin@verken.example", directory.RoleAdmin)
	sup, _ := s.Store.Get("demo-0002")
	admin := newVisitor(t, s)
	admin.signIn("admin@verken.example", testPassword)
	admin.get("/beheer")
	if code, loc, _ := admin.post("/beheer/uitnodigen", url.Values{"email": {"nieuw@brug.example"}, "kbo": {sup.EnterpriseNumber}}); code != 303 || !strings.Contains(loc, "invited") {
		t.Fatalf("invite: %d %s", code, loc)
	}
	msg := box.wait(t, 1)
	path := strings.TrimPrefix(linkIn.FindString(msg), s.URL)
	if !strings.HasPrefix(path, "/uitnodiging/") {
		t.Fatalf("no invitation link in\n%s", msg)
	}
	v := newVisitor(t, s)
	v.get(path)
	if code, loc, body := v.post(path, url.Values{"name": {"Nieuwe Collega"}, "password": {testPassword}}); code != 303 || loc != "/mijn" {
		t.Fatalf("accept: %d %s\n%s", code, loc, body)
	}
	a, err := s.Store.AccountByEmail("nieuw@brug.example")
	if err != nil || a.Role != directory.RoleSupplier || len(a.SupplierIDs) != 1 || a.SupplierIDs[0] != "demo-0002" {
		t.Fatalf("account: %+v %v", a, err)
	}
	if code, _ := v.get("/mijn/leveranciers/demo-0002/capaciteit"); code != 200 {
		t.Fatalf("own supplier: %d", code)
	}
	if code, _ := v.get("/mijn/leveranciers/demo-0001/capaciteit"); code != 403 {
		t.Fatalf("another supplier: %d", code)
	}
}

// Without SMTP, mail waits in the outbox that administrators see, and the
// log names no link.
func TestWithoutSMTPMailWaitsForTheAdministrator(t *testing.T) {
	s := startServer(t, 2)
	account(t, s, "admin@verken.example", directory.RoleAdmin)
	account(t, s, "els@brug.example", directory.RoleBuyer)
	b := newVisitor(t, s)
	b.get("/wachtwoord-vergeten")
	b.post("/wachtwoord-vergeten", url.Values{"email": {"els@brug.example"}})
	admin := newVisitor(t, s)
	admin.signIn("admin@verken.example", testPassword)
	_, page := admin.get("/beheer")
	if !strings.Contains(page, "els@brug.example") || !linkIn.MatchString(page) {
		t.Fatal("the outbox on /beheer does not show the reset mail and its link")
	}
}

// Sign-in: limited per account, a new session id at every sign-in, and a
// session cookie that scripts cannot read.
func TestSignInLimitsAndSessionCookies(t *testing.T) {
	s := startServer(t, 1)
	account(t, s, "els@brug.example", directory.RoleBuyer)
	b := newVisitor(t, s)
	b.get("/inloggen")
	for i := range 5 {
		if code, _, _ := b.post("/inloggen", url.Values{"email": {"els@brug.example"}, "password": {"fout fout fout"}}); code != 401 {
			t.Fatalf("attempt %d: %d", i+1, code)
		}
	}
	// The right password is refused too while the account is locked.
	if code, _, body := b.post("/inloggen", url.Values{"email": {"els@brug.example"}, "password": {testPassword}}); code != 429 || !strings.Contains(body, "Te veel") {
		t.Fatalf("sixth attempt: %d", code)
	}

	account(t, s, "jan@stad.example", directory.RoleBuyer)
	c := newVisitor(t, s)
	c.get("/inloggen")
	resp := c.rawPost("/inloggen", url.Values{"email": {"jan@stad.example"}, "password": {testPassword}})
	cookie := findCookie(resp, "verken_session")
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Secure {
		t.Fatalf("session cookie: %+v", cookie)
	}
	first := cookie.Value
	c.get("/inloggen")
	resp = c.rawPost("/inloggen", url.Values{"email": {"jan@stad.example"}, "password": {testPassword}})
	if again := findCookie(resp, "verken_session"); again == nil || again.Value == first {
		t.Fatal("signing in again kept the session id")
	}
	if _, _, err := s.Store.SessionBySecret(first); err == nil {
		t.Fatal("the old session still works after signing in again")
	}
	// A form without the CSRF token is refused.
	req, _ := http.NewRequest("POST", s.URL+"/mijn/zoekopdrachten", strings.NewReader("name=x&query=q%3Dx"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r2, err := c.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r2.Body.Close()
	if r2.StatusCode != 403 {
		t.Fatalf("form without CSRF token: %d", r2.StatusCode)
	}
}

func (b *browserless) rawPost(path string, form url.Values) *http.Response {
	b.t.Helper()
	form.Set("csrf", b.csrf)
	req := b.request("POST", path, strings.NewReader(form.Encode()), "application/x-www-form-urlencoded")
	resp, err := b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func findCookie(resp *http.Response, name string) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Two people edit the same profile: the second save is refused with the
// fields the first one changed, and nothing is overwritten.
func TestConcurrentEditsShowWhatChanged(t *testing.T) {
	s := startServer(t, 2)
	account(t, s, "a@brug.example", directory.RoleSupplier, "demo-0001")
	account(t, s, "b@brug.example", directory.RoleSupplier, "demo-0001")
	a, b := newVisitor(t, s), newVisitor(t, s)
	a.signIn("a@brug.example", testPassword)
	b.signIn("b@brug.example", testPassword)
	start, _ := s.Store.Get("demo-0001")
	formA, formB := profileForm(start), profileForm(start)
	formA.Set("offers[0].free_fte", "17")
	a.get("/mijn/leveranciers/demo-0001/bewerken")
	if code, _, body := a.post("/mijn/leveranciers/demo-0001/bewerken", formA); code != 303 {
		t.Fatalf("first save: %d\n%s", code, body)
	}
	formB.Set("contact.phone", "09 999 99 99")
	b.get("/mijn/leveranciers/demo-0001/bewerken")
	code, _, body := b.post("/mijn/leveranciers/demo-0001/bewerken", formB)
	if code != 409 || !strings.Contains(body, "offers[0].free_fte") || !strings.Contains(body, "a &lt;a@brug.example&gt;") {
		t.Fatalf("second save: %d\n%s", code, body)
	}
	now, _ := s.Store.Get("demo-0001")
	if now.Offers[0].FreeFTE != 17 || now.Contact.Phone == "09 999 99 99" {
		t.Fatalf("after the refused save: fte %v, phone %q", now.Offers[0].FreeFTE, now.Contact.Phone)
	}
	// The history shows who changed what.
	_, hist := a.get("/mijn/leveranciers/demo-0001/geschiedenis")
	if !strings.Contains(hist, "offers[0].free_fte") || !strings.Contains(hist, "a@brug.example") {
		t.Fatal("the history page does not show the change")
	}
}

// A token updates capacity through the API; the change is searchable at
// once, a stale version gets 409 with what changed.
func TestAPITokenUpdatesCapacity(t *testing.T) {
	s := startServer(t, 3)
	acc := account(t, s, "erp@brug.example", directory.RoleSupplier, "demo-0003")
	token, _, _ := s.Store.NewToken(acc.ID, "demo-0003", "erp")
	sup, _ := s.Store.Get("demo-0003")
	b := newVisitor(t, s)
	b.bearer, b.csrf = token, ""
	body := `{"free_fte": 42.5, "available_from": "2027-02-01", "version": ` + itoa(int(sup.Version)) + `}`
	code, _, resp := b.do("PATCH", "/api/v1/suppliers/demo-0003/offers/"+sup.Offers[0].ID, strings.NewReader(body), "application/json")
	if code != 200 || !strings.Contains(resp, `"free_fte":42.5`) {
		t.Fatalf("patch: %d %s", code, resp)
	}
	seq, _ := s.Store.LastSeq()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := s.Index.WaitFor(ctx, seq); err != nil {
		t.Fatalf("not searchable within a second: %v", err)
	}
	r, err := s.Index.Search(search.Query{MinFTE: 42, Today: directory.DateOf(time.Now())})
	if err != nil || r.Total != 1 || r.Hits[0].ID != "demo-0003" {
		t.Fatalf("search after the patch: %+v %v", r, err)
	}
	code, _, resp = b.do("PATCH", "/api/v1/suppliers/demo-0003/offers/"+sup.Offers[0].ID, strings.NewReader(body), "application/json")
	if code != 409 || !strings.Contains(resp, "offers[0].free_fte") || !strings.Contains(resp, `"current_version"`) {
		t.Fatalf("stale patch: %d %s", code, resp)
	}
	if code, _, _ := b.do("PATCH", "/api/v1/suppliers/demo-0003/offers/nope", strings.NewReader(`{"version": 9}`), "application/json"); code != 404 {
		t.Fatalf("unknown offer: %d", code)
	}
	if code, _, _ := b.do("PATCH", "/api/v1/suppliers/demo-0003/offers/"+sup.Offers[0].ID, strings.NewReader(`{"free_fte": -1, "version": 2}`), "application/json"); code != 422 {
		t.Fatalf("negative capacity: %d", code)
	}
}

// A supplier user deletes its own account: only with its password, and
// its session and tokens end with it.
func TestDeleteOwnAccount(t *testing.T) {
	s := startServer(t, 2)
	acc := account(t, s, "weg@brug.example", directory.RoleSupplier, "demo-0001")
	token, _, _ := s.Store.NewToken(acc.ID, "demo-0001", "erp")
	b := newVisitor(t, s)
	b.signIn("weg@brug.example", testPassword)
	if code, loc, _ := b.post("/mijn/verwijderen", url.Values{"password": {"niet mijn wachtwoord"}}); code != 303 || !strings.Contains(loc, "delete_failed") {
		t.Fatalf("wrong password: %d %s", code, loc)
	}
	if _, err := s.Store.Account(acc.ID); err != nil {
		t.Fatal("deleted with a wrong password")
	}
	if code, _, _ := b.post("/mijn/verwijderen", url.Values{"password": {testPassword}}); code != 200 {
		t.Fatalf("delete: %d", code)
	}
	if _, err := s.Store.Account(acc.ID); err == nil {
		t.Fatal("the account is still there")
	}
	if code, _ := b.get("/mijn"); code != 303 {
		t.Fatalf("the session outlived the account: %d", code)
	}
	if _, _, err := s.Store.TokenBySecret(token); err == nil {
		t.Fatal("the token outlived the account")
	}
	if _, err := s.Store.Get("demo-0001"); err != nil {
		t.Fatal("the supplier went with the account")
	}
}

// A self-registered supplier user waits; the administrator approves one
// and refuses another, and both are told.
func TestRegistrationApprovedOrRefused(t *testing.T) {
	s := startServer(t, 2)
	account(t, s, "admin@verken.example", directory.RoleAdmin)
	sup, _ := s.Store.Get("demo-0002")
	for _, email := range []string{"ja@brug.example", "nee@brug.example"} {
		b := newVisitor(t, s)
		b.get("/registreren")
		code, _, body := b.post("/registreren", url.Values{"name": {"Aanvrager"}, "email": {email}, "password": {testPassword}, "role": {"supplier"}, "kbo": {directory.FormatEnterpriseNumber(sup.EnterpriseNumber)}})
		if code != 200 || !strings.Contains(body, "beheerder kijkt uw aanvraag na") {
			t.Fatalf("register %s: %d", email, code)
		}
		b.get("/inloggen")
		if code, _, _ := b.post("/inloggen", url.Values{"email": {email}, "password": {testPassword}}); code != 403 {
			t.Fatalf("pending %s signs in: %d", email, code)
		}
	}
	admin := newVisitor(t, s)
	admin.signIn("admin@verken.example", testPassword)
	yes, _ := s.Store.AccountByEmail("ja@brug.example")
	no, _ := s.Store.AccountByEmail("nee@brug.example")
	admin.get("/beheer")
	if code, loc, _ := admin.post("/beheer/accounts/"+yes.ID+"/goedkeuren", nil); code != 303 || !strings.Contains(loc, "approved") {
		t.Fatalf("approve: %d %s", code, loc)
	}
	if code, loc, _ := admin.post("/beheer/accounts/"+no.ID+"/weigeren", nil); code != 303 || !strings.Contains(loc, "refused") {
		t.Fatalf("refuse: %d %s", code, loc)
	}
	if a, err := s.Store.AccountByEmail("ja@brug.example"); err != nil || a.Status != directory.StatusActive || a.SupplierIDs[0] != "demo-0002" {
		t.Fatalf("approved account: %+v %v", a, err)
	}
	if _, err := s.Store.AccountByEmail("nee@brug.example"); err == nil {
		t.Fatal("the refused account is still there")
	}
	box, _ := s.Store.Outbox()
	told := map[string]bool{}
	for _, m := range box {
		told[m.To] = true
	}
	if !told["ja@brug.example"] || !told["nee@brug.example"] || !told["admin@verken.example"] {
		t.Fatalf("mails went to %v", told)
	}
	c := newVisitor(t, s)
	c.signIn("ja@brug.example", testPassword)
	if code, _ := c.get("/mijn/leveranciers/demo-0002/capaciteit"); code != 200 {
		t.Fatalf("the approved user cannot edit its supplier: %d", code)
	}
}
