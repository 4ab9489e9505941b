package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// requireNginx finds nginx, or skips (fails where the test command says
// that nginx must be there).
func requireNginx(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"nginx", "/usr/sbin/nginx"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("VERKEN_REQUIRE_NGINX") != "" {
		t.Fatal("nginx is not installed; ./test.sh installs it")
	}
	t.Skip("nginx is not installed")
	return ""
}

// startNginx runs nginx on listen as the reverse proxy of docs/operations.md
// in front of upstream.
func startNginx(t *testing.T, bin, listen, upstream string) {
	t.Helper()
	dir := t.TempDir()
	conf := fmt.Sprintf(`daemon off;
worker_processes 1;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log warn;
events { worker_connections 64; }
http {
    access_log off;
    client_body_temp_path %[1]s/body;
    proxy_temp_path %[1]s/proxy;
    fastcgi_temp_path %[1]s/fastcgi;
    uwsgi_temp_path %[1]s/uwsgi;
    scgi_temp_path %[1]s/scgi;
    server {
        listen %[2]s;
        location / {
            proxy_pass http://%[3]s;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            client_max_body_size 21m;
        }
    }
}
`, dir, listen, upstream)
	path := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-p", dir, "-c", path)
	var logs bytes.Buffer
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	waitFor(t, "http://"+listen+"/healthz", func() string {
		b, _ := os.ReadFile(filepath.Join(dir, "error.log"))
		return logs.String() + string(b)
	})
}

// waitFor polls url until it answers.
func waitFor(t *testing.T, url string, logs func() string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s does not answer: %v\n%s", url, err, logs())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// visitor is a browser at a loopback address of its own (127.0.0.x), so
// that nginx sees a different client for each.
type visitor struct {
	t    *testing.T
	base string
	http *http.Client
	csrf string
	// forwardedFor is sent as the visitor's own X-Forwarded-For.
	forwardedFor string
}

func newVisitorFrom(t *testing.T, base, source string) *visitor {
	jar, _ := cookiejar.New(nil)
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(source)}, Timeout: 5 * time.Second}
	return &visitor{t: t, base: base, http: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		Transport:     &http.Transport{DialContext: dialer.DialContext, DisableKeepAlives: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (v *visitor) do(method, path string, form url.Values) int {
	v.t.Helper()
	var body io.Reader
	if form != nil {
		form.Set("csrf", v.csrf)
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, v.base+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if v.forwardedFor != "" {
		req.Header.Set("X-Forwarded-For", v.forwardedFor)
	}
	resp, err := v.http.Do(req)
	if err != nil {
		v.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if m := csrfValue.FindSubmatch(raw); m != nil {
		v.csrf = string(m[1])
	}
	return resp.StatusCode
}

// signIn tries to sign in and returns the status.
func (v *visitor) signIn(email, password string) int {
	v.t.Helper()
	v.do("GET", "/inloggen", nil)
	return v.do("POST", "/inloggen", url.Values{"email": {email}, "password": {password}})
}

// Behind a real nginx, each client is itself: one client's failed
// sign-ins lock out that client, not everyone behind the proxy, and a
// client cannot pick its address with an X-Forwarded-For of its own. Sent
// straight to Verken, X-Forwarded-For is ignored.
func TestBehindAReverseProxyEachClientIsItself(t *testing.T) {
	nginx := requireNginx(t)
	bin := buildVerken(t)
	dataDir := filepath.Join(t.TempDir(), "verken-data")
	const password = "een lang genoeg wachtwoord"
	add := exec.Command(bin, "user", "--data", dataDir, "--email", "jan@stad.example", "--name", "Jan", "--role", "buyer")
	add.Env = append(os.Environ(), "VERKEN_PASSWORD="+password)
	if out, err := add.CombinedOutput(); err != nil {
		t.Fatalf("verken user: %v\n%s", err, out)
	}
	addr := freeAddr(t)
	cmd := exec.Command(bin, "serve", "--no-demo")
	cmd.Env = append(os.Environ(), "VERKEN_ADDR="+addr, "VERKEN_DATA="+dataDir, "VERKEN_TRUSTED_PROXIES=127.0.0.1/32",
		"VERKEN_PUBLIC_URL=https://verken.example.org")
	var logs bytes.Buffer
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	waitFor(t, "http://"+addr+"/healthz", logs.String)
	proxy := freeAddr(t)
	startNginx(t, nginx, proxy, addr)
	front := "http://" + proxy

	// A client that forges the address of another: nginx appends the
	// address it saw, and that one counts.
	attacker := newVisitorFrom(t, front, "127.0.0.4")
	attacker.forwardedFor = "127.0.0.3"
	for i := range 30 {
		if code := attacker.signIn(fmt.Sprintf("x%d@stad.example", i), "fout fout fout"); code != 401 {
			t.Fatalf("attempt %d: %d", i+1, code)
		}
	}
	if code := attacker.signIn("y@stad.example", "fout fout fout"); code != 429 {
		t.Errorf("the attacker's 31st attempt: %d, want 429", code)
	}
	// Everyone else behind the same proxy, the forged address included,
	// still signs in.
	for _, source := range []string{"127.0.0.3", "127.0.0.2"} {
		if code := newVisitorFrom(t, front, source).signIn("jan@stad.example", password); code != 303 {
			t.Errorf("client %s behind the proxy: %d, want 303 (signed in)\n%s", source, code, logs.String())
		}
	}
	// Straight to Verken, from an address that is not a trusted proxy, a
	// forged X-Forwarded-For changes nothing.
	direct := newVisitorFrom(t, "http://"+addr, "127.0.0.5")
	direct.forwardedFor = "192.0.2.77"
	direct.do("GET", "/inloggen", nil)
	time.Sleep(100 * time.Millisecond)
	log := logs.String()
	for _, want := range []string{`"client":"127.0.0.4"`, `"client":"127.0.0.3"`, `"client":"127.0.0.2"`, `"client":"127.0.0.5"`} {
		if !strings.Contains(log, want) {
			t.Errorf("no request logged with %s", want)
		}
	}
	if strings.Contains(log, `"client":"192.0.2.77"`) {
		t.Errorf("a forged address was taken for a client:\n%s", log)
	}
}
