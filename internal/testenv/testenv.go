// Package testenv builds the real parts tests run against: a bbolt store in
// a temporary directory, seeded with demo suppliers.
package testenv

import (
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
