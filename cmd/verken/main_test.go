package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// buildVerken builds the real binary once per test run.
func buildVerken(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "verken")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// serve starts the binary and waits until it answers /healthz.
func serve(t *testing.T, bin, dataDir string) (addr string, stop func()) {
	t.Helper()
	addr = freeAddr(t)
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "VERKEN_ADDR="+addr, "VERKEN_DATA="+dataDir)
	var logs bytes.Buffer
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("server did not start: %v\n%s", err, logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	return addr, func() {
		t.Helper()
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("server exited with %v after SIGTERM\n%s", err, logs.String())
			}
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("server did not stop on SIGTERM\n%s", logs.String())
		}
	}
}

func totals(t *testing.T, addr string) map[string]uint64 {
	t.Helper()
	out := map[string]uint64{}
	for _, q := range []string{"", "q=schoonmaak", "kind=lde", "province=LIM&task=green-maintenance", "municipality=Gooik"} {
		resp, err := http.Get(fmt.Sprintf("http://%s/api/v1/suppliers?%s", addr, q))
		if err != nil {
			t.Fatal(err)
		}
		var body struct {
			Total uint64 `json:"total"`
		}
		err = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("%s: %d %v", q, resp.StatusCode, err)
		}
		out[q] = body.Total
	}
	return out
}

// The acceptance path: a fresh data directory is seeded with the demo data,
// the API finds cleaners, and after the index is deleted the next start
// answers the same totals.
func TestServeSeedsAndSurvivesALostIndex(t *testing.T) {
	bin := buildVerken(t)
	dataDir := filepath.Join(t.TempDir(), "verken-data")
	addr, stop := serve(t, bin, dataDir)
	before := totals(t, addr)
	if before[""] != 400 || before["q=schoonmaak"] == 0 {
		t.Fatalf("fresh start: %v, want 400 demo suppliers with cleaners among them", before)
	}
	stop()

	if err := os.RemoveAll(filepath.Join(dataDir, "index")); err != nil {
		t.Fatal(err)
	}
	addr, stop = serve(t, bin, dataDir)
	after := totals(t, addr)
	stop()
	for q, n := range before {
		if after[q] != n {
			t.Errorf("%q: %d after losing the index, %d before", q, after[q], n)
		}
	}

	out, err := exec.Command(bin, "reindex", "--data", dataDir).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "index rebuilt: 400 suppliers") {
		t.Fatalf("reindex: %v\n%s", err, out)
	}
}

func TestEveryCommandHasHelp(t *testing.T) {
	for _, c := range commands {
		var stdout, stderr bytes.Buffer
		if code := run([]string{c.name, "--help"}, &stdout, &stderr); code != 0 {
			t.Errorf("%s --help: exit %d", c.name, code)
		}
		if !strings.Contains(stderr.String(), "-data") {
			t.Errorf("%s --help does not document --data:\n%s", c.name, stderr.String())
		}
	}
	var stdout, stderr bytes.Buffer
	if code := run([]string{"--help"}, &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), "reindex") {
		t.Errorf("verken --help: %d\n%s", code, stdout.String())
	}
	if code := run([]string{"frobnicate"}, &stdout, &stderr); code != 2 {
		t.Errorf("unknown command: exit %d", code)
	}
}

// verken export, then verken import into an empty data directory, gives
// back the same directory: exporting that one again writes the same bytes.
func TestExportImportRoundTrip(t *testing.T) {
	bin := buildVerken(t)
	first := filepath.Join(t.TempDir(), "verken-data")
	_, stop := serve(t, bin, first) // seeds the demo data
	stop()
	file := filepath.Join(t.TempDir(), "all.jsonl")
	if out, err := exec.Command(bin, "export", "--data", first, file).CombinedOutput(); err != nil || !strings.Contains(string(out), "exported 400 suppliers") {
		t.Fatalf("export: %v\n%s", err, out)
	}
	second := filepath.Join(t.TempDir(), "verken-data")
	out, err := exec.Command(bin, "import", "--data", second, "--dry-run", file).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "would have: 400 created, 0 updated") {
		t.Fatalf("dry run: %v\n%s", err, out)
	}
	if out, err := exec.Command(bin, "export", "--data", second, file+".empty").CombinedOutput(); err != nil || !strings.Contains(string(out), "exported 0 suppliers") {
		t.Fatalf("after the dry run: %v\n%s", err, out)
	}
	if out, err := exec.Command(bin, "import", "--data", second, file).CombinedOutput(); err != nil || !strings.Contains(string(out), "imported: 400 created") {
		t.Fatalf("import: %v\n%s", err, out)
	}
	if out, err := exec.Command(bin, "export", "--data", second, file+".again").CombinedOutput(); err != nil {
		t.Fatalf("export again: %v\n%s", err, out)
	}
	a, _ := os.ReadFile(file)
	b, _ := os.ReadFile(file + ".again")
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Fatalf("the round trip changed the directory (%d bytes, then %d)", len(a), len(b))
	}
	// Importing the same file again changes nothing.
	if out, err := exec.Command(bin, "import", "--data", second, file).CombinedOutput(); err != nil || !strings.Contains(string(out), "0 created, 0 updated, 400 unchanged") {
		t.Fatalf("second import: %v\n%s", err, out)
	}
	// The imported directory is searchable.
	addr, stop := serve(t, bin, second)
	got := totals(t, addr)
	stop()
	if got[""] != 400 {
		t.Fatalf("after import the search finds %d", got[""])
	}
}

// A bad feed leaves the network imported before it in place.
func TestTransitImportKeepsTheOldNetworkOnError(t *testing.T) {
	ref := filepath.Join("..", "..", "..", "shared", "reference", "gtfs", "sample-feed-1.zip")
	if _, err := os.Stat(ref); err != nil {
		t.Skip("../shared/reference is absent: the sample feed is needed")
	}
	data := t.TempDir()
	var out, errs bytes.Buffer
	if code := run([]string{"transit", "import", "--data", data, "--date", "2007-06-05", ref}, &out, &errs); code != 0 {
		t.Fatalf("import: %d\n%s", code, errs.String())
	}
	if !strings.Contains(out.String(), "on 2007-06-05") {
		t.Fatalf("report: %s", out.String())
	}
	before, err := os.ReadFile(filepath.Join(data, "transit.gob.gz"))
	if err != nil {
		t.Fatal(err)
	}
	bad := t.TempDir()
	os.WriteFile(filepath.Join(bad, "agency.txt"), []byte("agency_name\nX\n"), 0o644)
	out.Reset()
	errs.Reset()
	if code := run([]string{"transit", "import", "--data", data, bad}, &out, &errs); code != 1 || !strings.Contains(errs.String(), "required file is missing") {
		t.Fatalf("bad feed: %d\n%s", code, errs.String())
	}
	after, _ := os.ReadFile(filepath.Join(data, "transit.gob.gz"))
	if !bytes.Equal(before, after) {
		t.Fatal("a failed import changed the network in place")
	}
}
