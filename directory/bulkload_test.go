package directory_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/testenv"
	bolt "go.etcd.io/bbolt"
)

// importRows is a file of n good rows and one refused row in the middle.
func importRows(t *testing.T, n int) []directory.ImportRow {
	t.Helper()
	lines := make([]string, 0, n+1)
	for i := range n {
		lines = append(lines, row(t, i, nil))
		if i == n/2 {
			lines = append(lines, row(t, n+1, func(m map[string]any) { m["kind"] = "nonsense" }))
		}
	}
	rows, err := directory.ReadJSONRows(strings.NewReader(strings.Join(lines, "\n")))
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// An import into an empty store that takes several transactions ends with
// a store that opens again, every good row kept and the bad one reported.
func TestBulkImportIntoEmptyStoreCompletes(t *testing.T) {
	dir := t.TempDir()
	s := testenv.Store(t, dir, 0)
	n := 5000 + 300 // more than one transaction
	rep, err := s.Import(importRows(t, n), false, directory.System)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Created) != n || len(rep.Errors) != 1 || rep.Errors[0].Row != n/2+2 {
		t.Fatalf("created %d, errors %+v", len(rep.Created), rep.Errors)
	}
	s.Close()
	g, tx := testenv.Tables(t)
	s2, err := directory.Open(filepath.Join(dir, "verken.db"), directory.Validator{Places: g, Tasks: tx})
	if err != nil {
		t.Fatalf("the store of a completed import does not open: %v", err)
	}
	defer s2.Close()
	if c, _ := s2.Count(); c != n {
		t.Fatalf("%d suppliers, want %d", c, n)
	}
	if seq, _ := s2.LastSeq(); seq != uint64(n) {
		t.Fatalf("last change %d, want one per supplier (%d)", seq, n)
	}
}

// A store an import into an empty store left marked (the process died
// between its first and its last transaction) is refused, with what to do;
// an import into a store with suppliers never marks it.
func TestHalfLoadedStoreIsRefused(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "verken.db")
	s := testenv.Store(t, dir, 3)
	if _, err := s.Import(importRows(t, 5000+10), false, directory.System); err != nil {
		t.Fatal(err)
	}
	// What the first transaction of a load into an empty store writes, and
	// only its last one removes.
	err := s.DB().Update(func(tx *bolt.Tx) error {
		if tx.Bucket([]byte("bulk_load")) != nil {
			t.Error("an import into a store with suppliers marked it as a bulk load")
		}
		b, err := tx.CreateBucket([]byte("bulk_load"))
		if err != nil {
			return err
		}
		return b.Put([]byte("by"), []byte("verken import all.jsonl, started 2026-12-01T14:00:00Z"))
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	g, tx := testenv.Tables(t)
	_, err = directory.Open(path, directory.Validator{Places: g, Tasks: tx})
	if !errors.Is(err, directory.ErrIncompleteLoad) || !strings.Contains(err.Error(), "all.jsonl") || !strings.Contains(err.Error(), "import again") {
		t.Fatalf("opening a half-loaded store: %v", err)
	}
}
