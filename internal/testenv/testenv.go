// Package testenv builds the real parts tests run against: a bbolt store in
// a temporary directory, seeded with demo suppliers.
package testenv

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/verken/verken/data"
	"github.com/verken/verken/directory"
)

// Reference is a fixed "now" so that demo data is the same in every run.
var Reference = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)

// Tables loads the gazetteer and the taxonomy.
func Tables(t testing.TB) (*data.Gazetteer, *data.Taxonomy) {
	t.Helper()
	g, err := data.LoadGazetteer()
	if err != nil {
		t.Fatal(err)
	}
	tx, err := data.LoadTaxonomy()
	if err != nil {
		t.Fatal(err)
	}
	return g, tx
}

// Store opens a store in dir (a new temporary one when dir is "") seeded
// with n demo suppliers, closed when the test ends.
func Store(t testing.TB, dir string, n int) *directory.Store {
	t.Helper()
	g, tx := Tables(t)
	if dir == "" {
		dir = t.TempDir()
	}
	s, err := directory.Open(filepath.Join(dir, "verken.db"), directory.Validator{Places: g, Tasks: tx})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if n > 0 {
		if _, err := directory.SeedDemo(s, data.GenerateDemo(1, n, Reference, g, tx)); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// ReferenceDir returns ../shared/reference beside the module root, the public
// data sets our own tables are checked against, or skips the test when that
// folder is absent.
func ReferenceDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("module root not found")
		}
		dir = parent
	}
	ref := filepath.Join(filepath.Dir(dir), "shared", "reference")
	if _, err := os.Stat(ref); err != nil {
		t.Skipf("reference data absent (%s): skipping the check against it", ref)
	}
	return ref
}
