package catalogue_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/testenv"
	"github.com/verken/verken/search"
)

func rename(t *testing.T, s *directory.Store, id, name string) {
	t.Helper()
	sup, err := s.Get(id)
	if err != nil {
		t.Fatal(err)
	}
	sup.Name = name
	if err := s.Update(&sup, directory.System); err != nil {
		t.Fatal(err)
	}
}

// After the index applied the feed, compacting it below what the index
// applied leaves the feed empty; a restart of store and index serves every
// supplier from the index as it was, and new writes still reach it.
func TestCompactedFeedSurvivesARestart(t *testing.T) {
	dir := t.TempDir()
	idxDir := filepath.Join(dir, "index")
	s := testenv.Store(t, dir, 40)
	x := openIndex(t, idxDir, s)
	for i := range 120 {
		rename(t, s, fmt.Sprintf("demo-%04d", i%40+1), fmt.Sprintf("Werkplaats Ronde%d Nummer%d", i/40, i%40+1))
	}
	if _, err := x.CatchUp(); err != nil {
		t.Fatal(err)
	}
	last, _ := s.LastSeq()
	if x.Applied() != last || last != 160 {
		t.Fatalf("index applied %d, store at %d", x.Applied(), last)
	}
	n, err := s.CompactChanges(x.Applied())
	if err != nil || n != 160 {
		t.Fatalf("compacted %d entries (%v), want all 160", n, err)
	}
	if ch, err := s.ChangesSince(last, 1000); err != nil || len(ch) != 0 {
		t.Fatalf("feed after compaction: %d entries, %v", len(ch), err)
	}

	x.Close()
	s.Close()
	s = testenv.Store(t, dir, 0)
	var log bytes.Buffer
	x = openIndexLogged(t, idxDir, s, &log)
	if strings.Contains(log.String(), "rebuilding") {
		t.Fatalf("the index was rebuilt after a clean restart:\n%s", log.String())
	}
	if r := find(t, x, search.Query{}); r.Total != 40 {
		t.Fatalf("after the restart the index finds %d suppliers, want 40", r.Total)
	}
	if r := find(t, x, search.Query{Text: "ronde2 nummer17"}); r.Total != 1 || r.Hits[0].ID != "demo-0017" {
		t.Fatalf("last name of demo-0017: %+v", r)
	}
	rename(t, s, "demo-0005", "Kringloopcentrum Na Compactie")
	if _, err := x.CatchUp(); err != nil {
		t.Fatal(err)
	}
	if x.Applied() != last+1 {
		t.Fatalf("the write after compaction has number %d, want %d", x.Applied(), last+1)
	}
	if r := find(t, x, search.Query{Text: "compactie"}); r.Total != 1 || r.Hits[0].ID != "demo-0005" {
		t.Fatalf("write after the restart: %+v", r)
	}

	// A rebuilt index comes from the suppliers, not the (empty) feed.
	x.Close()
	if err := os.RemoveAll(idxDir); err != nil {
		t.Fatal(err)
	}
	x = openIndex(t, idxDir, s)
	if r := find(t, x, search.Query{}); r.Total != 40 || x.Applied() != last+1 {
		t.Fatalf("rebuilt after compaction: %d suppliers, applied %d", r.Total, x.Applied())
	}
	if r := find(t, x, search.Query{Text: "ronde2 nummer17"}); r.Total != 1 {
		t.Fatalf("rebuilt index lost a renamed supplier: %+v", r)
	}
}

// An index that did not apply the changes the feed no longer holds (one
// that was stopped while another follower's progress compacted the feed,
// or copied back from an old backup) is rebuilt, not left missing them.
func TestIndexBehindTheCompactedFeedIsRebuilt(t *testing.T) {
	dir := t.TempDir()
	idxDir := filepath.Join(dir, "index")
	s := testenv.Store(t, dir, 30)
	x := openIndex(t, idxDir, s)
	x.Close()
	rename(t, s, "demo-0007", "Zeldzame Zwaluwwerkplaats")
	b, _ := s.Get("demo-0008")
	if err := s.Delete(b.ID, b.Version); err != nil {
		t.Fatal(err)
	}
	last, _ := s.LastSeq()
	if _, err := s.CompactChanges(last); err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	x = openIndexLogged(t, idxDir, s, &log)
	if !strings.Contains(log.String(), "change feed starts after") {
		t.Errorf("no rebuild, or no reason for it:\n%s", log.String())
	}
	if r := find(t, x, search.Query{Text: "zwaluwwerkplaats"}); r.Total != 1 {
		t.Errorf("the rename the feed no longer holds: %+v", r)
	}
	if r := find(t, x, search.Query{}); r.Total != 29 {
		t.Errorf("%d suppliers after a delete the feed no longer holds, want 29", r.Total)
	}
}
