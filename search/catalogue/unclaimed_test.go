package catalogue_test

import (
	"path/filepath"
	"testing"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/testenv"
	"github.com/verken/verken/search"
)

// An unclaimed profile (made from the KBO) stays out of search, as a
// delisted supplier does, and comes in when it is claimed.
func TestUnclaimedProfilesAreNotSearchable(t *testing.T) {
	dir := t.TempDir()
	s := testenv.Store(t, dir, 20)
	a, _ := s.Get("demo-0001")
	a.Unclaimed = true
	if err := s.Update(&a, directory.Actor{Name: "test"}); err != nil {
		t.Fatal(err)
	}
	x := openIndex(t, filepath.Join(dir, "index"), s)
	if r := find(t, x, search.Query{PerPage: 50}); r.Total != 19 {
		t.Fatalf("%d found, want 19 (the unclaimed profile left out)", r.Total)
	}
	a, _ = s.Get("demo-0001")
	a.Unclaimed = false
	if err := s.Update(&a, directory.Actor{Name: "test"}); err != nil {
		t.Fatal(err)
	}
	if _, err := x.CatchUp(); err != nil {
		t.Fatal(err)
	}
	if r := find(t, x, search.Query{PerPage: 50}); r.Total != 20 {
		t.Fatalf("%d found after the claim, want 20", r.Total)
	}
}
