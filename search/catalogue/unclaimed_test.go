package catalogue_test

import (
	"path/filepath"
	"testing"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/testenv"
	"github.com/verken/verken/search"
)

// An unclaimed profile (made from the KBO) stays out of search unless the
// search asks for such firms, and comes in when it is claimed.
func TestUnclaimedProfilesOnlyWhenAsked(t *testing.T) {
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
	// Asked for, it comes too, marked.
	r := find(t, x, search.Query{PerPage: 50, Unclaimed: true})
	marked := 0
	for _, h := range r.Hits {
		if h.Unclaimed {
			marked++
			if h.ID != "demo-0001" {
				t.Errorf("%s is marked unclaimed", h.ID)
			}
		}
	}
	if r.Total != 20 || marked != 1 {
		t.Fatalf("with unclaimed: %d found, %d marked; want 20 and 1", r.Total, marked)
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
