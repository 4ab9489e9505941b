package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// verken bench --paths sends the given request paths in turn to a real
// server and counts what fails; a file that is not a list of paths is
// refused before anything is sent.
func TestBenchReplaysPaths(t *testing.T) {
	bin := buildVerken(t)
	addr, stop := serve(t, bin, filepath.Join(t.TempDir(), "verken-data"))
	defer stop()
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	bench := func(file string) (int, string) {
		var out, errs bytes.Buffer
		code := run([]string{"bench", "--server", "http://" + addr, "--paths", file, "--requests", "12", "--concurrency", "2"}, &out, &errs)
		return code, out.String() + errs.String()
	}

	good := write("good.txt", "/api/v1/suppliers?q=schoonmaak&per_page=20\n\n/api/v1/suppliers?near=9000&radius_km=10&sort=distance\n")
	if code, out := bench(good); code != 0 || !strings.Contains(out, "path       12") || !strings.Contains(out, "errors 0") {
		t.Fatalf("two good paths: exit %d\n%s", code, out)
	}
	bad := write("bad.txt", "/api/v1/suppliers?q=schoonmaak\n/api/v1/suppliers?min_fte=-3\n")
	if code, out := bench(bad); code != 1 || !strings.Contains(out, "errors 6") {
		t.Fatalf("a path the server refuses, half of the requests: exit %d\n%s", code, out)
	}
	notPaths := write("urls.txt", "http://example.invalid/api/v1/suppliers\n")
	if code, out := bench(notPaths); code != 2 || !strings.Contains(out, "is not a request path") {
		t.Fatalf("a URL instead of a path: exit %d\n%s", code, out)
	}
}
