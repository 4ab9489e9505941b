package ui_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/ui"
)

// syncBuffer is a log destination the server's goroutines share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// Every request is logged once with a request id; no password, token,
// session id or one-time link's secret reaches the log.
func TestLogsCarryRequestIDsAndNoSecrets(t *testing.T) {
	var logs syncBuffer
	s := startServer(t, 3, func(d *ui.Deps) { d.Log = slog.New(slog.NewJSONHandler(&logs, nil)) })
	admin := account(t, s, "admin@verken.example", directory.RoleAdmin)
	_ = admin
	const password = "een-zeer-geheim-wachtwoord"
	b := newVisitor(t, s)
	b.get("/registreren")
	if code, _, _ := b.post("/registreren", url.Values{"name": {"Jan"}, "email": {"jan@stad.example"}, "password": {password}, "role": {"buyer"}}); code != 303 {
		t.Fatalf("register: %d", code)
	}
	session := ""
	for _, c := range b.client.Jar.Cookies(mustURL(s.URL)) {
		if c.Name == "verken_session" {
			session = c.Value
		}
	}
	b.get("/wachtwoord-vergeten")
	b.post("/wachtwoord-vergeten", url.Values{"email": {"jan@stad.example"}})
	outbox, _ := s.Store.Outbox()
	reset := regexp.MustCompile(`/wachtwoord-herstellen/([A-Za-z0-9_-]+)`).FindStringSubmatch(outbox[0].Body)
	if reset == nil {
		t.Fatal("no reset link in the outbox")
	}
	b.get(reset[0])
	b.post(reset[0], url.Values{"password": {password + "-2"}})
	supplierUser := account(t, s, "erp@brug.example", directory.RoleSupplier, "demo-0001")
	token, _, _ := s.Store.NewToken(supplierUser.ID, "demo-0001", "erp")
	api := newVisitor(t, s)
	api.bearer, api.csrf = token, ""
	sup, _ := s.Store.Get("demo-0001")
	api.do("PATCH", "/api/v1/suppliers/demo-0001/offers/"+sup.Offers[0].ID, strings.NewReader(`{"free_fte": 1, "version": `+itoa(int(sup.Version))+`}`), "application/json")

	log := logs.String()
	if !strings.Contains(log, `"request_id":`) || !strings.Contains(log, `"route":"/wachtwoord-herstellen/:token"`) {
		t.Fatalf("requests are not logged with their id and route:\n%.2000s", log)
	}
	for name, secret := range map[string]string{"password": password, "session id": session, "API token": token, "reset link": reset[1]} {
		if secret == "" {
			t.Fatalf("the test did not capture the %s", name)
		}
		if strings.Contains(log, secret) {
			t.Errorf("the log holds the %s", name)
		}
	}
}

func mustURL(s string) *url.URL { u, _ := url.Parse(s); return u }

// /readyz, /metrics and the security headers.
func TestOperatingEndpointsAndHeaders(t *testing.T) {
	s := startServer(t, 5)
	waitIndexed(t, s)
	if code := s.get(t, "/readyz", nil); code != 200 {
		t.Fatalf("readyz: %d", code)
	}
	s.get(t, "/api/v1/suppliers?q=schoonmaak", nil)
	resp, body := fetch(t, s.URL+"/metrics")
	for _, want := range []string{`verken_http_requests_total{code="200",method="GET",route="/api/v1/suppliers"}`, "verken_index_documents 5",
		"verken_index_lag_changes 0", "verken_http_request_duration_seconds_bucket", "go_goroutines", "process_resident_memory_bytes"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if resp.StatusCode != 200 {
		t.Fatalf("metrics: %d", resp.StatusCode)
	}
	for _, path := range []string{"/", "/leveranciers/demo-0001", "/inloggen", "/marktverkenning", "/segmenten", "/api/v1/suppliers"} {
		resp, body := fetch(t, s.URL+path)
		csp := resp.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || resp.Header.Get("X-Content-Type-Options") != "nosniff" ||
			resp.Header.Get("X-Request-Id") == "" {
			t.Errorf("%s: headers %v", path, resp.Header)
		}
		// No inline script: every script has a src, or is a JSON data block.
		for _, tag := range regexp.MustCompile(`<script[^>]*>`).FindAllString(string(body), -1) {
			if !strings.Contains(tag, "src=") && !strings.Contains(tag, `type="application/json"`) {
				t.Errorf("%s: inline script %s", path, tag)
			}
		}
	}
	// A body over the limit is refused before the handler.
	big := strings.NewReader(strings.Repeat("x", 22<<20))
	r, err := http.Post(s.URL+"/api/v1/market-checks", "application/json", big)
	if err == nil {
		io.Copy(io.Discard, r.Body)
		r.Body.Close()
		if r.StatusCode != http.StatusRequestEntityTooLarge {
			t.Errorf("22 MiB body: %d", r.StatusCode)
		}
	}
}

// The API limits requests per address.
func TestAPIRateLimit(t *testing.T) {
	s := startServer(t, 1, func(d *ui.Deps) { d.APIRatePerMinute = 5 })
	codes := map[int]int{}
	for range 8 {
		codes[s.get(t, "/api/v1/suppliers", nil)]++
	}
	if codes[200] != 5 || codes[429] != 3 {
		t.Fatalf("8 requests with a limit of 5: %v", codes)
	}
}
