package ui_test

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/ui"
)

const publicURL = "https://verken.example.org"

func withPublicURL(d *ui.Deps) { d.PublicURL = publicURL }

// forged is what an attacker sends to have links built for their host.
func forged() http.Header {
	return http.Header{"Host": {"evil.example"}, "X-Forwarded-Host": {"evil.example"}, "X-Forwarded-Proto": {"https"}}
}

// outboxBodies returns the bodies of the mail waiting in the outbox.
func outboxBodies(t *testing.T, s *liveServer) []string {
	t.Helper()
	box, err := s.Store.Outbox()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range box {
		out = append(out, m.Body)
	}
	return out
}

// Reset, invitation and approval mails link to the configured public URL,
// whatever Host or X-Forwarded-Host the request claims.
func TestMailLinksComeFromThePublicURL(t *testing.T) {
	s := startServer(t, 3, withPublicURL)
	account(t, s, "admin@verken.example", directory.RoleAdmin)
	account(t, s, "els@brug.example", directory.RoleBuyer)

	b := newVisitor(t, s)
	b.header = forged()
	b.get("/wachtwoord-vergeten")
	if code, _, _ := b.post("/wachtwoord-vergeten", url.Values{"email": {"els@brug.example"}}); code != 200 {
		t.Fatalf("forgot: %d", code)
	}
	admin := newVisitor(t, s)
	admin.signIn("admin@verken.example", testPassword)
	// (A forged Host would also lose the session cookie in Go's client;
	// a proxy's X-Forwarded-Host is the same attack.)
	admin.header = http.Header{"X-Forwarded-Host": {"evil.example"}, "X-Forwarded-Proto": {"https"}}
	admin.get("/beheer")
	sup, _ := s.Store.Get("demo-0001")
	if code, _, body := admin.post("/beheer/uitnodigen", url.Values{"email": {"nieuw@brug.example"}, "kbo": {sup.EnterpriseNumber}}); code != 303 {
		t.Fatalf("invite: %d\n%s", code, body)
	}
	r := newVisitor(t, s)
	r.header = forged()
	r.get("/registreren")
	sup2, _ := s.Store.Get("demo-0002")
	if code, _, body := r.post("/registreren", url.Values{"name": {"Ja"}, "email": {"ja@brug.example"}, "password": {testPassword}, "role": {"supplier"}, "kbo": {sup2.EnterpriseNumber}}); code != 200 {
		t.Fatalf("register: %d\n%s", code, body)
	}
	bodies := strings.Join(outboxBodies(t, s), "\n---\n")
	for _, want := range []string{publicURL + "/wachtwoord-herstellen/", publicURL + "/uitnodiging/", publicURL + "/beheer"} {
		if !strings.Contains(bodies, want) {
			t.Errorf("no link %s in the mail:\n%s", want, bodies)
		}
	}
	if strings.Contains(bodies, "evil.example") {
		t.Errorf("a forged host made it into a link:\n%s", bodies)
	}
}

// After sign-in, only a path of this site is followed.
func TestSignInRedirectStaysOnTheSite(t *testing.T) {
	s := startServer(t, 1)
	account(t, s, "els@brug.example", directory.RoleBuyer)
	for next, want := range map[string]string{
		"/\t/evil.example":          "/mijn",
		"/\\evil.example":           "/mijn",
		"//evil.example":            "/mijn",
		"/ /evil.example":           "/mijn",
		"https://evil.example/":     "/mijn",
		"/\r\n/evil.example":        "/mijn",
		"javascript:alert(1)":       "/mijn",
		"/\u2028/evil.example":      "/mijn",
		"/mijn/\x00/evil.example":   "/mijn",
		"/%2F%2Fevil.example":       "/%2F%2Fevil.example",
		"/%5C%5Cevil.example/x?y=z": "/%5C%5Cevil.example/x?y=z",
		"/marktverkenning?task=x":   "/marktverkenning?task=x",
		"/leveranciers/demo-0001":   "/leveranciers/demo-0001",
	} {
		b := newVisitor(t, s)
		b.get("/inloggen")
		code, loc, _ := b.post("/inloggen", url.Values{"email": {"els@brug.example"}, "password": {testPassword}, "next": {next}})
		if code != 303 || loc != want {
			t.Errorf("next=%q: %d to %q, want %q", next, code, loc, want)
		}
	}
	// The form as a browser sends it after following /inloggen?next=/%09/…
	b := newVisitor(t, s)
	b.get("/inloggen?next=/%09/evil.example")
	if _, loc, _ := b.post("/inloggen", url.Values{"email": {"els@brug.example"}, "password": {testPassword}, "next": {"/\t/evil.example"}}); loc != "/mijn" {
		t.Errorf("next=/%%09/evil.example: to %q", loc)
	}
}

// Wrong passwords sent all at once are held to the account's limit: each
// attempt is counted before its password is checked.
func TestParallelSignInsAreLimited(t *testing.T) {
	s := startServer(t, 1)
	account(t, s, "els@brug.example", directory.RoleBuyer)
	b := newVisitor(t, s)
	b.get("/inloggen")
	form := url.Values{"email": {"els@brug.example"}, "password": {"fout fout fout"}, "csrf": {b.csrf}}.Encode()
	var mu sync.Mutex
	codes := map[int]int{}
	var wg sync.WaitGroup
	for range 25 {
		wg.Go(func() {
			req, _ := http.NewRequest("POST", s.URL+"/inloggen", strings.NewReader(form))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, err := b.client.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			mu.Lock()
			codes[resp.StatusCode]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if codes[401] != 5 || codes[429] != 20 {
		t.Fatalf("25 parallel wrong passwords: %v; want 5 checked (401) and 20 refused (429)", codes)
	}
}

// A supplier user who registered without an invitation cannot get in
// through a reset link or an invitation before an administrator approves.
func TestPendingUserIsNotSignedInByALink(t *testing.T) {
	s := startServer(t, 3)
	sup, _ := s.Store.Get("demo-0002")
	pending := directory.Account{Email: "wacht@brug.example", Name: "Wacht", Role: directory.RoleSupplier, Status: directory.StatusPending, RequestedKBO: sup.EnterpriseNumber}
	if err := s.Store.CreateAccount(&pending, testPassword); err != nil {
		t.Fatal(err)
	}
	reset, err := s.Store.NewLink(directory.Link{Kind: directory.LinkReset, AccountID: pending.ID}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	b := newVisitor(t, s)
	b.get("/wachtwoord-herstellen/" + reset)
	code, loc, _ := b.post("/wachtwoord-herstellen/"+reset, url.Values{"password": {"een heel nieuw wachtwoord"}})
	if code != 403 || loc != "" {
		t.Errorf("reset for a pending account: %d %s", code, loc)
	}
	if code, _ := b.get("/mijn"); code != 303 {
		t.Errorf("the pending account is signed in after a reset: %d", code)
	}
	invite, err := s.Store.NewLink(directory.Link{Kind: directory.LinkInvite, Email: pending.Email, SupplierID: "demo-0001"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	c := newVisitor(t, s)
	c.get("/uitnodiging/" + invite)
	code, loc, _ = c.post("/uitnodiging/"+invite, url.Values{"password": {testPassword}})
	if code != 403 || loc != "" {
		t.Errorf("invitation for a pending account: %d %s", code, loc)
	}
	if code, _ := c.get("/mijn/leveranciers/demo-0001/capaciteit"); code == 200 {
		t.Error("the pending account may edit the supplier it was invited for")
	}
}

// A wrong bearer token is a failed authentication: 401 with a challenge.
func TestInvalidBearerTokenGets401(t *testing.T) {
	s := startServer(t, 1)
	for _, path := range []string{"/api/v1/suppliers?q=schoonmaak", "/api/v1/admin/backup"} {
		req, _ := http.NewRequest("GET", s.URL+path, nil)
		req.Header.Set("Authorization", "Bearer vk_verzonnen")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 401 || !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("%s with an unknown token: %d %q", path, resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
		}
	}
	resp, err := http.Get(s.URL + "/api/v1/admin/backup")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") == "" {
		t.Errorf("backup without a token: %d %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	}
}

// One-time links are secrets: the store file and a backup never hold a
// working one in plain text, and the outbox forgets a link's mail once
// the link is used or delivered.
func TestOutboxKeepsNoLiveSecret(t *testing.T) {
	dir := t.TempDir()
	s := startServer(t, 2, func(d *ui.Deps) { d.DataDir = dir })
	account(t, s, "els@brug.example", directory.RoleBuyer)
	admin := account(t, s, "admin@verken.example", directory.RoleAdmin)
	token, _, err := s.Store.NewToken(admin.ID, "", "backup")
	if err != nil {
		t.Fatal(err)
	}
	b := newVisitor(t, s)
	b.get("/wachtwoord-vergeten")
	b.post("/wachtwoord-vergeten", url.Values{"email": {"els@brug.example"}})
	link := regexp.MustCompile(`/wachtwoord-herstellen/([A-Za-z0-9_-]+)`).FindStringSubmatch(strings.Join(outboxBodies(t, s), "\n"))
	if link == nil {
		t.Fatal("no reset link for the administrator to pass on")
	}
	secret := link[1]
	raw, err := os.ReadFile(s.Store.DB().Path())
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte(secret)) {
		t.Error("the store file holds the live reset link in plain text")
	}
	if archive := backupOf(t, s, token); bytes.Contains(archive, []byte(secret)) {
		t.Error("the backup holds the live reset link")
	}
	b.get(link[0])
	if code, _, _ := b.post(link[0], url.Values{"password": {"een heel nieuw wachtwoord"}}); code != 303 {
		t.Fatalf("reset: %d", code)
	}
	box, _ := s.Store.Outbox()
	if box[0].Body != "" || box[0].Withheld != directory.WithheldUsed {
		t.Errorf("the used link's mail is still kept: %+v", box[0])
	}
}

// backupOf fetches an online backup and returns its unpacked bytes.
func backupOf(t *testing.T, s *liveServer, token string) []byte {
	t.Helper()
	req, _ := http.NewRequest("GET", s.URL+"/api/v1/admin/backup", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("backup: %d", resp.StatusCode)
	}
	return untar(t, resp.Body)
}

func untar(t *testing.T, r io.Reader) []byte {
	t.Helper()
	zr, err := gzip.NewReader(r)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	var all bytes.Buffer
	for {
		_, err := tr.Next()
		if err == io.EOF {
			return all.Bytes()
		}
		if err != nil {
			t.Fatalf("the archive is cut short: %v", err)
		}
		if _, err := io.Copy(&all, tr); err != nil {
			t.Fatalf("the archive is cut short: %v", err)
		}
	}
}

// Mail delivered over SMTP leaves no body in the outbox.
func TestDeliveredMailKeepsNoBody(t *testing.T) {
	box := startMailbox(t)
	s := startServer(t, 1, withSMTP(box))
	account(t, s, "els@brug.example", directory.RoleBuyer)
	b := newVisitor(t, s)
	b.get("/wachtwoord-vergeten")
	b.post("/wachtwoord-vergeten", url.Values{"email": {"els@brug.example"}})
	box.wait(t, 1)
	// Delivery runs in the background: give it a moment to record itself.
	var kept []directory.Mail
	for range 100 {
		if kept, _ = s.Store.Outbox(); len(kept) == 1 && kept[0].Sent {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(kept) != 1 || !kept[0].Sent || kept[0].Body != "" || kept[0].Withheld != directory.WithheldDelivered {
		t.Fatalf("outbox after delivery: %+v", kept)
	}
}

// Anonymous registration is limited per address, and the mail it causes
// never pushes an undelivered invitation out of the outbox.
func TestRegistrationIsLimitedPerAddress(t *testing.T) {
	s := startServer(t, 1)
	account(t, s, "admin@verken.example", directory.RoleAdmin)
	codes := map[int]int{}
	for i := range 15 {
		b := newVisitor(t, s)
		b.get("/registreren")
		code, _, _ := b.post("/registreren", url.Values{"name": {"Koper"}, "email": {fmt.Sprintf("koper%d@stad.example", i)}, "password": {testPassword}, "role": {"buyer"}})
		codes[code]++
	}
	if codes[303] != 10 || codes[429] != 5 {
		t.Fatalf("15 registrations from one address: %v; want 10 accepted and 5 refused", codes)
	}
}

// Outside import and administration, a body over 64 KiB is refused
// before any handler reads it.
func TestLargeBodiesOnlyWhereFilesGo(t *testing.T) {
	s := startServer(t, 1)
	big := strings.Repeat("x", 100<<10)
	for _, path := range []string{"/registreren", "/inloggen", "/api/v1/market-checks", "/marktverkenning/bewaren"} {
		if code := announceBody(t, s.URL, path, len(big), ""); code != http.StatusRequestEntityTooLarge {
			t.Errorf("POST %s announcing 100 KiB: %d", path, code)
		}
	}
	// The import still takes a large file (and refuses it for want of
	// an administrator, not for its size).
	resp, err := http.Post(s.URL+"/api/v1/admin/import?format=csv", "text/csv", strings.NewReader(big))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("import of 100 KiB without a token: %d", resp.StatusCode)
	}
}

// announceBody sends a POST that announces a body of n bytes, with the
// extra header lines, sends none of it, and returns the status of the
// answer. A server that refuses the size answers before it reads a byte
// and closes the connection: a client still sending the body may see the
// connection reset instead of the answer, since what it sent was never
// read.
func announceBody(t *testing.T, base, path string, n int, extra string) int {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.DialTimeout("tcp", u.Host, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n%s\r\n", path, u.Host, n, extra)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("POST %s announcing %d bytes: %v", path, n, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// A backup to a client slower than the write timeout arrives whole.
func TestBackupSurvivesASlowClient(t *testing.T) {
	dir := t.TempDir()
	s := startServer(t, 20, func(d *ui.Deps) { d.DataDir = dir; d.WriteTimeout = time.Second })
	admin := account(t, s, "admin@verken.example", directory.RoleAdmin)
	token, _, err := s.Store.NewToken(admin.ID, "", "backup")
	if err != nil {
		t.Fatal(err)
	}
	// Incompressible bytes larger than the sockets' buffers, so that the
	// server has to wait for the client.
	noise := make([]byte, 3<<20)
	_, _ = rand.Read(noise)
	if err := os.WriteFile(filepath.Join(dir, "transit.gob.gz"), noise, 0o600); err != nil {
		t.Fatal(err)
	}
	addr := strings.TrimPrefix(s.URL, "http://")
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// A small receive window, so that the server has to wait for us.
	_ = conn.(*net.TCPConn).SetReadBuffer(64 << 10)
	fmt.Fprintf(conn, "GET /api/v1/admin/backup HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nConnection: close\r\n\r\n", addr, token)
	slow := &slowReader{r: conn, chunk: 32 << 10, pause: 5 * time.Millisecond}
	resp, err := http.ReadResponse(bufio.NewReaderSize(slow, 4<<10), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	start := time.Now()
	archive := untar(t, resp.Body)
	took := time.Since(start)
	if !bytes.Contains(archive, noise) {
		t.Fatalf("the archive (%d bytes) lacks the transit file", len(archive))
	}
	t.Logf("a %d-byte archive took %v against a write timeout of 1 s", len(archive), took)
}

// slowReader reads at most chunk bytes per pause.
type slowReader struct {
	r     io.Reader
	chunk int
	pause time.Duration
}

func (s *slowReader) Read(p []byte) (int, error) {
	time.Sleep(s.pause)
	if len(p) > s.chunk {
		p = p[:s.chunk]
	}
	return s.r.Read(p)
}

// X-Forwarded-For and X-Forwarded-Proto count only from a trusted proxy.
func TestForwardedHeadersOnlyFromTrustedProxies(t *testing.T) {
	untrusted := startServer(t, 1)
	account(t, untrusted, "jan@stad.example", directory.RoleBuyer)
	c := newVisitor(t, untrusted)
	c.header = http.Header{"X-Forwarded-Proto": {"https"}, "X-Forwarded-For": {"203.0.113.9"}}
	c.get("/inloggen")
	resp := c.rawPost("/inloggen", url.Values{"email": {"jan@stad.example"}, "password": {testPassword}})
	if cookie := findCookie(resp, "verken_session"); cookie == nil || cookie.Secure {
		t.Errorf("a forged X-Forwarded-Proto from an untrusted peer made the cookie Secure: %+v", cookie)
	}
	// Failed sign-ins with a different forged address each still count
	// against the peer's own address.
	for i := range 30 {
		c.header = http.Header{"X-Forwarded-For": {fmt.Sprintf("203.0.113.%d", i)}}
		c.get("/inloggen")
		c.post("/inloggen", url.Values{"email": {fmt.Sprintf("x%d@stad.example", i)}, "password": {"fout fout fout"}})
	}
	c.header = http.Header{"X-Forwarded-For": {"198.51.100.1"}}
	if code, _, _ := c.post("/inloggen", url.Values{"email": {"jan@stad.example"}, "password": {testPassword}}); code != 429 {
		t.Errorf("the 31st attempt with a forged address: %d, want 429", code)
	}

	trusted := startServer(t, 1, func(d *ui.Deps) { d.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")} })
	account(t, trusted, "jan@stad.example", directory.RoleBuyer)
	p := newVisitor(t, trusted)
	p.header = http.Header{"X-Forwarded-Proto": {"https"}, "X-Forwarded-For": {"203.0.113.1"}}
	p.get("/inloggen")
	// The client's own X-Forwarded-For, then what the proxy saw: the
	// address on the right counts.
	for i := range 30 {
		p.header = http.Header{"X-Forwarded-For": {fmt.Sprintf("198.51.100.%d, 203.0.113.1", i)}}
		p.post("/inloggen", url.Values{"email": {fmt.Sprintf("x%d@stad.example", i)}, "password": {"fout fout fout"}})
	}
	p.header = http.Header{"X-Forwarded-For": {"203.0.113.1"}}
	if code, _, _ := p.post("/inloggen", url.Values{"email": {"jan@stad.example"}, "password": {testPassword}}); code != 429 {
		t.Errorf("client 203.0.113.1 after 30 failures behind the proxy: %d, want 429", code)
	}
	q := newVisitor(t, trusted)
	q.header = http.Header{"X-Forwarded-Proto": {"https"}, "X-Forwarded-For": {"203.0.113.2"}}
	q.get("/inloggen")
	resp = q.rawPost("/inloggen", url.Values{"email": {"jan@stad.example"}, "password": {testPassword}})
	if cookie := findCookie(resp, "verken_session"); resp.StatusCode != 303 || cookie == nil || !cookie.Secure {
		t.Errorf("another client behind the proxy: %d, cookie %+v (want signed in, Secure)", resp.StatusCode, cookie)
	}
}

// Every text an account writes has a limit, and so has what it keeps: a
// saved market check keeps its inputs and figures, not every supplier row,
// and an account keeps at most so many.
func TestAccountTextsAndSavesAreBounded(t *testing.T) {
	s := startServer(t, 60)
	r := newVisitor(t, s)
	r.get("/registreren")
	if code, _, body := r.post("/registreren", url.Values{"name": {strings.Repeat("n", 201)}, "email": {"lang@stad.example"}, "password": {testPassword}, "role": {"buyer"}}); code != 422 || !strings.Contains(body, "Hoogstens 200 tekens") {
		t.Errorf("a 201-character name: %d", code)
	}
	if code, _, body := r.post("/registreren", url.Values{"name": {"Lang"}, "email": {"lang@stad.example"}, "password": {strings.Repeat("w", 1025)}, "role": {"buyer"}}); code != 422 || !strings.Contains(body, "hoogstens 1024 tekens") {
		t.Errorf("a 1025-character password: %d", code)
	}
	account(t, s, "koper@stad.example", directory.RoleBuyer)
	b := newVisitor(t, s)
	b.signIn("koper@stad.example", testPassword)
	if code, _, _ := b.post("/mijn/zoekopdrachten", url.Values{"name": {"lang"}, "query": {"q=" + strings.Repeat("x", 5000)}}); code != 422 {
		t.Errorf("a saved search of 5,000 characters: %d", code)
	}
	for i := range directory.MaxSavedSearches {
		if code, _, _ := b.post("/mijn/zoekopdrachten", url.Values{"name": {fmt.Sprint("zoek ", i)}, "query": {"q=schoonmaak"}}); code != 303 {
			t.Fatalf("saved search %d: %d", i+1, code)
		}
	}
	if code, _, body := b.post("/mijn/zoekopdrachten", url.Values{"name": {"een te veel"}, "query": {"q=schoonmaak"}}); code != 422 || !strings.Contains(body, "100 zoekopdrachten") {
		t.Errorf("one saved search too many: %d", code)
	}
	// A broad check: every cleaner anywhere.
	const broad = "task=office-cleaning&place=Gent&volume_fte=2&start=2027-03-01"
	b.get("/marktverkenning?" + broad)
	code, loc, _ := b.post("/marktverkenning/bewaren", url.Values{"query": {broad}})
	if code != 303 {
		t.Fatalf("save check: %d", code)
	}
	id := strings.TrimPrefix(loc, "/marktverkenning/")
	sc, err := s.Store.Check(id)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sc.Report, []byte(`"suppliers":[{`)) {
		t.Errorf("the saved check keeps every supplier row (%d bytes)", len(sc.Report))
	}
	if code, page := b.get(loc); code != 200 || !strings.Contains(page, `id="rows-today"`) || !strings.Contains(page, "/leveranciers/demo-") {
		t.Errorf("the saved check's page: %d, without today's suppliers", code)
	}
	for i := 1; i < directory.MaxSavedChecks; i++ {
		if code, _, _ := b.post("/marktverkenning/bewaren", url.Values{"query": {broad}}); code != 303 {
			t.Fatalf("saved check %d: %d", i+1, code)
		}
	}
	if code, _, _ := b.post("/marktverkenning/bewaren", url.Values{"query": {broad}}); code != 422 {
		t.Errorf("one saved check too many: %d", code)
	}
}

// A body over the small limit is refused as soon as its header is read,
// before the server reads the body; an "Expect: 100-continue" for one is
// not invited.
func TestLargeBodiesRefusedBeforeReading(t *testing.T) {
	s := startServer(t, 1)
	// Only the header: a server that waits for the 20 MB body never
	// answers before the deadline.
	for _, extra := range []string{"", "Expect: 100-continue\r\n"} {
		if code := announceBody(t, s.URL, "/inloggen", 20000000, extra); code != http.StatusRequestEntityTooLarge && code != http.StatusExpectationFailed {
			t.Errorf("%q: %d", extra, code)
		}
	}
}

// Behind a trusted proxy, one IPv6 /64 is one client for the limits: a
// subscriber cannot spend its addresses one at a time.
func TestIPv6NetworkIsOneClient(t *testing.T) {
	s := startServer(t, 1, func(d *ui.Deps) { d.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")} })
	codes := map[int]int{}
	for i := range 12 {
		b := newVisitor(t, s)
		b.header = http.Header{"X-Forwarded-For": {fmt.Sprintf("2001:db8:1:2::%x", i+1)}}
		b.get("/registreren")
		code, _, _ := b.post("/registreren", url.Values{"name": {"Koper"}, "email": {fmt.Sprintf("v6-%d@stad.example", i)}, "password": {testPassword}, "role": {"buyer"}})
		codes[code]++
	}
	if codes[303] != 10 || codes[429] != 2 {
		t.Fatalf("12 registrations from one /64: %v", codes)
	}
	b := newVisitor(t, s)
	b.header = http.Header{"X-Forwarded-For": {"2001:db8:1:3::1"}}
	b.get("/registreren")
	if code, _, _ := b.post("/registreren", url.Values{"name": {"Buur"}, "email": {"buur@stad.example"}, "password": {testPassword}, "role": {"buyer"}}); code != 303 {
		t.Errorf("the next /64: %d", code)
	}
}

// A stranger's wrong passwords lock the account for the stranger's
// address, not for its owner elsewhere; reset requests do not use up
// anyone's sign-in attempts.
func TestStrangerCannotLockTheOwnerOut(t *testing.T) {
	s := startServer(t, 1, func(d *ui.Deps) { d.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")} })
	account(t, s, "els@brug.example", directory.RoleBuyer)
	stranger := newVisitor(t, s)
	stranger.header = http.Header{"X-Forwarded-For": {"198.51.100.7"}}
	stranger.get("/inloggen")
	for range 5 {
		stranger.post("/inloggen", url.Values{"email": {"els@brug.example"}, "password": {"fout fout fout"}})
	}
	if code, _, _ := stranger.post("/inloggen", url.Values{"email": {"els@brug.example"}, "password": {"fout fout fout"}}); code != 429 {
		t.Errorf("the stranger's sixth attempt: %d", code)
	}
	office := newVisitor(t, s)
	office.header = http.Header{"X-Forwarded-For": {"203.0.113.50"}}
	office.get("/wachtwoord-vergeten")
	for range 10 {
		office.post("/wachtwoord-vergeten", url.Values{"email": {"niemand@nergens.example"}})
	}
	office.get("/inloggen")
	if code, _, _ := office.post("/inloggen", url.Values{"email": {"els@brug.example"}, "password": {testPassword}}); code != 303 {
		t.Errorf("the owner, from an office that asked for resets: %d", code)
	}
}

// A flood of supplier registrations queues one notice per administrator,
// not one per registration; with the outbox full, an approval still goes
// through and says the mail did not.
func TestRegistrationFloodDoesNotFillTheOutbox(t *testing.T) {
	s := startServer(t, 3, func(d *ui.Deps) { d.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")} })
	admin := account(t, s, "admin@verken.example", directory.RoleAdmin)
	sup, _ := s.Store.Get("demo-0001")
	for i := range 30 {
		b := newVisitor(t, s)
		b.header = http.Header{"X-Forwarded-For": {fmt.Sprintf("198.51.100.%d", i+1)}}
		b.get("/registreren")
		if code, _, _ := b.post("/registreren", url.Values{"name": {"Lev"}, "email": {fmt.Sprintf("lev%d@brug.example", i)}, "password": {testPassword}, "role": {"supplier"}, "kbo": {sup.EnterpriseNumber}}); code != 200 {
			t.Fatalf("registration %d: %d", i, code)
		}
	}
	box, _ := s.Store.Outbox()
	if len(box) != 1 {
		t.Fatalf("%d notices for 30 registrations", len(box))
	}
	for i := len(box); i < directory.MaxUndelivered; i++ {
		if err := s.Store.KeepMail(directory.Mail{To: fmt.Sprintf("x%d@example.org", i), Subject: "filler", Body: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	pending, _ := s.Store.AccountByEmail("lev0@brug.example")
	b := newVisitor(t, s)
	b.signIn(admin.Email, testPassword)
	b.get("/beheer")
	if code, loc, _ := b.post("/beheer/accounts/"+pending.ID+"/goedkeuren", nil); code != 303 || !strings.Contains(loc, "approved_unmailed") {
		t.Errorf("approval with the outbox full: %d %s", code, loc)
	}
	b.get("/beheer")
	if code, _, _ := b.post("/beheer/uitnodigen", url.Values{"email": {"nieuw@brug.example"}, "kbo": {sup.EnterpriseNumber}}); code != 503 {
		t.Errorf("invitation with the outbox full: %d", code)
	}
	if code, _, _ := b.post("/beheer/uitnodigen", url.Values{"email": {"a@b@c"}, "kbo": {sup.EnterpriseNumber}}); code != 422 {
		t.Errorf("invitation to a@b@c: %d", code)
	}
}

// A mail server that accepts and never answers does not hold a request:
// the answer comes while the server still hangs.
func TestStalledMailServerDoesNotHoldRequests(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			defer conn.Close() // held open, silent, until the test ends
		}
	}()
	host, port, _ := net.SplitHostPort(ln.Addr().String())
	s := startServer(t, 1, func(d *ui.Deps) { d.SMTP = ui.SMTP{Host: host, Port: atoiT(port), From: "verken@stad.example"} })
	account(t, s, "els@brug.example", directory.RoleBuyer)
	b := newVisitor(t, s)
	b.client.Timeout = 5 * time.Second // far below the mail timeout
	b.get("/wachtwoord-vergeten")
	if code, _, _ := b.post("/wachtwoord-vergeten", url.Values{"email": {"els@brug.example"}}); code != 200 {
		t.Fatalf("reset request: %d", code)
	}
}
