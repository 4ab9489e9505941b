package blevenative_test

import (
	"path/filepath"
	"testing"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/testenv"
	"github.com/verken/verken/search"
	"github.com/verken/verken/search/blevenative"
	"github.com/verken/verken/search/searchtest"
)

// The Bleve-native engine passes the conformance suite on a real index.
func TestConformance(t *testing.T) {
	searchtest.Run(t, func(t *testing.T, store *directory.Store) search.Engine {
		g, tx := testenv.Tables(t)
		x, err := blevenative.Open(filepath.Join(t.TempDir(), "index"), store, blevenative.Options{Places: g, Tasks: tx, Transit: searchtest.Transit})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { x.Close() })
		return x
	})
}
