package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/testenv"
)

// startOnly runs the real binary's start-up on dataDir and returns its exit
// code and log; -1 when it was still running after a while, serving a
// directory it should have refused.
func startOnly(t *testing.T, bin, dataDir string, env ...string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "serve")
	cmd.Env = append(os.Environ(), append(env, "VERKEN_ADDR="+freeAddr(t), "VERKEN_DATA="+dataDir)...)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	err := cmd.Run()
	if ctx.Err() != nil {
		return -1, logs.String()
	}
	if err != nil && cmd.ProcessState == nil {
		t.Fatal(err)
	}
	return cmd.ProcessState.ExitCode(), logs.String()
}

// A store file cut short (a full disk, a bad copy) must make start-up say
// so and stop, at any length: bbolt maps the file, and reading a page past
// its end used to kill the process with a fault.
func TestTruncatedStoreRefusesToStart(t *testing.T) {
	bin := buildVerken(t)
	src := t.TempDir()
	s := testenv.Store(t, src, 300)
	if err := s.CreateAccount(&directory.Account{Email: "owner@example.org", Name: "Owner", Role: directory.RoleAdmin}, "a long enough password"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	whole, err := os.ReadFile(filepath.Join(src, "verken.db"))
	if err != nil {
		t.Fatal(err)
	}
	// The pages in use end at the high-water mark; bbolt grows the file
	// beyond it in steps, and cutting only that slack loses nothing.
	db, err := bolt.Open(filepath.Join(src, "verken.db"), 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var used int64
	_ = db.View(func(tx *bolt.Tx) error { used = tx.Size(); return nil })
	db.Close()
	if used < 64<<10 {
		t.Fatalf("the store holds only %d bytes; the cuts below need a bigger one", used)
	}
	for _, size := range []int64{0, 100, 4096, 4096 + 200, 8192, used / 3, used / 2, used - 4096, used - 1} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "verken.db"), whole[:size], 0o600); err != nil {
			t.Fatal(err)
		}
		code, logs := startOnly(t, bin, dir)
		if code != 1 || !strings.Contains(logs, "truncated or not a Verken store") || !strings.Contains(logs, "restore from a backup") ||
			!strings.Contains(logs, "verken.db") {
			t.Errorf("store cut to %d of %d bytes: exit %d, want 1 with the reason\n%s", size, len(whole), code, tail(logs))
		}
	}
	// Not a bbolt file at all.
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "verken.db"), bytes.Repeat([]byte("not a store\n"), 2000), 0o600)
	if code, logs := startOnly(t, bin, dir); code != 1 || !strings.Contains(logs, "truncated or not a Verken store") {
		t.Errorf("a text file as the store: exit %d\n%s", code, tail(logs))
	}
	// Cutting only the slack after the pages in use is harmless: the store
	// opens and keeps every supplier.
	dir = t.TempDir()
	os.WriteFile(filepath.Join(dir, "verken.db"), whole[:used], 0o600)
	out, err := exec.Command(bin, "export", "--data", dir, filepath.Join(t.TempDir(), "all.jsonl")).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "exported 300 suppliers") {
		t.Errorf("store cut to its pages in use: %v\n%s", err, out)
	}
}

// tail keeps the end of a long log for a failure message.
func tail(s string) string {
	if len(s) > 2000 {
		return "…" + s[len(s)-2000:]
	}
	return s
}

// A data directory that lost its store keeps its index, its network and
// more: start-up must say the store is missing, never put demo data or an
// empty store in its place.
func TestMissingStoreIsNotReplaced(t *testing.T) {
	bin := buildVerken(t)
	dir := filepath.Join(t.TempDir(), "verken-data")
	addr, stop := serve(t, bin, dir)
	if n := totals(t, addr)[""]; n != 400 {
		t.Fatalf("a new directory holds %d suppliers, want the 400 demo ones", n)
	}
	stop()
	if err := os.Remove(filepath.Join(dir, "verken.db")); err != nil {
		t.Fatal(err)
	}
	for _, env := range [][]string{nil, {"VERKEN_NO_DEMO=1"}} {
		code, logs := startOnly(t, bin, dir, env...)
		if code != 1 || !strings.Contains(logs, "has no store (verken.db) but holds index") || !strings.Contains(logs, "Restore it from a backup") {
			t.Errorf("store gone, index kept, %v: exit %d, want 1 with the reason\n%s", env, code, tail(logs))
		}
		if _, err := os.Stat(filepath.Join(dir, "verken.db")); err == nil {
			t.Fatalf("%v: a new store was made in place of the lost one", env)
		}
	}
	// The network alone also belonged to a store.
	if err := os.RemoveAll(filepath.Join(dir, "index")); err != nil {
		t.Fatal(err)
	}
	if code, logs := startOnly(t, bin, dir); code != 1 || !strings.Contains(logs, "transit.gob.gz") {
		t.Errorf("store gone, network kept: exit %d, want 1 naming the network\n%s", code, tail(logs))
	}
}

// --no-demo (VERKEN_NO_DEMO) starts a new directory empty, and a directory
// with a store is never seeded later, even one without suppliers: not the
// one started with --no-demo, nor the one whose administrator was made
// before the first start.
func TestNoDemoStartsEmpty(t *testing.T) {
	bin := buildVerken(t)
	dir := filepath.Join(t.TempDir(), "verken-data")
	t.Setenv("VERKEN_NO_DEMO", "1")
	addr, stop := serve(t, bin, dir)
	if n := totals(t, addr)[""]; n != 0 {
		t.Errorf("--no-demo: %d suppliers, want none", n)
	}
	stop()
	t.Setenv("VERKEN_NO_DEMO", "")
	addr, stop = serve(t, bin, dir)
	if n := totals(t, addr)[""]; n != 0 {
		t.Errorf("restarted without --no-demo: %d suppliers, want none", n)
	}
	stop()

	admin := filepath.Join(t.TempDir(), "verken-data")
	cmd := exec.Command(bin, "user", "--data", admin, "--email", "admin@example.org", "--name", "Admin", "--role", "admin")
	cmd.Env = append(os.Environ(), "VERKEN_PASSWORD=a long enough password")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("verken user: %v\n%s", err, out)
	}
	addr, stop = serve(t, bin, admin)
	if n := totals(t, addr)[""]; n != 0 {
		t.Errorf("first start after verken user: %d suppliers, want none", n)
	}
	stop()
}

// syncBuffer is a log a running process writes while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// The server purges expired sessions and links at start (and hourly), and
// compacts the change feed below what the index applied; the next start
// serves every supplier from the index as it was.
func TestServePurgesAndCompactsAtStart(t *testing.T) {
	bin := buildVerken(t)
	dir := t.TempDir()
	s := testenv.Store(t, dir, 1500)
	s.SetClock(func() time.Time { return time.Now().Add(-48 * time.Hour) })
	a := directory.Account{Email: "buyer@example.org", Name: "Buyer", Role: directory.RoleBuyer}
	if err := s.CreateAccount(&a, "a long enough password"); err != nil {
		t.Fatal(err)
	}
	expired, _, _ := s.NewSession(a.ID, time.Hour)
	live, _, _ := s.NewSession(a.ID, 30*24*time.Hour)
	if _, err := s.NewLink(directory.Link{Kind: directory.LinkReset, AccountID: a.ID}, time.Hour); err != nil {
		t.Fatal(err)
	}
	last, _ := s.LastSeq()
	s.Close()

	logs := &syncBuffer{}
	addr := freeAddr(t)
	cmd := exec.Command(bin, "serve")
	cmd.Env = append(os.Environ(), "VERKEN_ADDR="+addr, "VERKEN_DATA="+dir)
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(logs.String(), `"msg":"store purged"`) {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("no purge at start\n%s", tail(logs.String()))
		}
		time.Sleep(100 * time.Millisecond)
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v\n%s", err, tail(logs.String()))
	}
	if want := fmt.Sprintf(`"sessions":1,"links":1,"changes_compacted":%d`, last-feedMargin); !strings.Contains(logs.String(), want) {
		t.Errorf("the purge's log line does not say %s\n%s", want, tail(logs.String()))
	}

	s = testenv.Store(t, dir, 0)
	s.SetClock(func() time.Time { return time.Now().Add(-48 * time.Hour) })
	if _, _, err := s.SessionBySecret(expired); !errors.Is(err, directory.ErrSecretNotFound) {
		t.Errorf("expired session still stored: %v", err)
	}
	if _, _, err := s.SessionBySecret(live); err != nil {
		t.Errorf("live session: %v", err)
	}
	if floor, _ := s.CompactedThrough(); floor != last-feedMargin {
		t.Errorf("feed compacted through %d, want %d", floor, last-feedMargin)
	}
	s.Close()

	addr, stop := serve(t, bin, dir)
	if n := totals(t, addr)[""]; n != 1500 {
		t.Errorf("after compaction and a restart the search finds %d suppliers, want 1500", n)
	}
	stop()
}
