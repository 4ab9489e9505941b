package ui_test

import (
	"bufio"
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/verken/verken/ui"
)

// A request is logged (and counted) by the route pattern it matched; one
// no route matched, by its first path segment when a route starts with it,
// else as "(other)": never as "/", never with what follows the segment.
func TestUnmatchedRequestsAreLoggedByTheirFirstSegment(t *testing.T) {
	var logs syncBuffer
	s := startServer(t, 2, func(d *ui.Deps) { d.Log = slog.New(slog.NewJSONHandler(&logs, nil)) })
	const secret = "Zq8mSecretLinkValue0123456789abcdef"
	cases := []struct {
		method, path string
		status       int
		route        string
	}{
		{"GET", "/", 200, "/"},
		{"GET", "/leveranciers/demo-0001", 200, "/leveranciers/:id"},
		{"GET", "/leveranciers/bestaat-niet", 404, "/leveranciers/:id"},
		{"GET", "/bestaat-niet", 404, "(other)"},
		{"GET", "/t/" + secret, 404, "(other)"},
		{"GET", "/" + secret, 404, "(other)"},
		{"GET", "/uitnodiging/" + secret + "/verder", 404, "/uitnodiging"},
		{"GET", "/Raadpleging/" + secret + "/x/y", 404, "/raadpleging"},
		{"GET", "/api/v1/bestaat-niet", 404, "/api"},
		{"GET", "/static/bestaat-niet.css", 404, "/static"},
		{"GET", "/static/verken.css", 200, "/static"},
		{"DELETE", "/mijn/tokens", 403, "/mijn"}, // refused by the CSRF check before any route
	}
	b := newVisitor(t, s)
	for i, c := range cases {
		b.header = http.Header{"X-Request-Id": {"case-" + itoa(i)}}
		if code, _, _ := b.do(c.method, c.path, nil, ""); code != c.status {
			t.Fatalf("%s %s: %d, want %d", c.method, c.path, code, c.status)
		}
	}
	routes := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(logs.String()))
	for sc.Scan() {
		var line struct {
			Msg, RequestID, Route string
		}
		var raw map[string]any
		if err := json.Unmarshal(sc.Bytes(), &raw); err != nil {
			t.Fatalf("a log line is not JSON: %s", sc.Text())
		}
		line.Msg, _ = raw["msg"].(string)
		line.RequestID, _ = raw["request_id"].(string)
		line.Route, _ = raw["route"].(string)
		if line.Msg == "request" && strings.HasPrefix(line.RequestID, "case-") {
			routes[line.RequestID] = line.Route
		}
	}
	for i, c := range cases {
		if got := routes["case-"+itoa(i)]; got != c.route {
			t.Errorf("%s %s is logged as route %q, want %q", c.method, c.path, got, c.route)
		}
	}
	if strings.Contains(logs.String(), secret) {
		t.Error("a path's secret reached the log")
	}
	_, metrics := fetch(t, s.URL+"/metrics")
	if !strings.Contains(string(metrics), `verken_http_requests_total{code="404",method="GET",route="(other)"} 3`) ||
		!strings.Contains(string(metrics), `verken_http_requests_total{code="404",method="GET",route="/uitnodiging"} 1`) {
		t.Errorf("the metrics do not count the unmatched requests by their label:\n%s", grepLines(string(metrics), "verken_http_requests_total"))
	}
	if strings.Contains(string(metrics), secret) || strings.Contains(string(metrics), `code="404",method="GET",route="/"}`) {
		t.Error("the metrics label a 404 by its path or as /")
	}
}

func grepLines(text, part string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, part) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// Every page links an icon, which is served as SVG; /favicon.ico leads to
// it.
func TestFavicon(t *testing.T) {
	s := startServer(t, 1)
	for _, path := range []string{"/", "/leveranciers/demo-0001", "/inloggen", "/bestaat-niet"} {
		_, body := fetch(t, s.URL+path)
		if !strings.Contains(string(body), `<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">`) {
			t.Errorf("%s links no icon", path)
		}
	}
	resp, body := fetch(t, s.URL+"/static/favicon.svg")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "image/svg+xml") || !strings.HasPrefix(string(body), "<svg") {
		t.Fatalf("the icon: %d %s %.40s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	b := newVisitor(t, s)
	if code, loc, _ := b.do("GET", "/favicon.ico", nil, ""); code != 301 || loc != "/static/favicon.svg" {
		t.Fatalf("/favicon.ico: %d %s", code, loc)
	}
}
