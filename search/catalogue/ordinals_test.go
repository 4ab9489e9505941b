package catalogue

import (
	"context"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/testenv"
)

// The ordinal map (ordinals.go) reads scorch's snapshot and assumes how it
// numbers documents: a segment's documents follow the previous segment's,
// segment ids are never reused, and a segment's documents never change
// once written. These tests hold it to the public path — the external id
// Bleve gives a document number, looked up in the catalogue — on every live
// document, while segments are added, deleted from, merged by the merger
// and force-merged, and catalogue ordinals are freed and reused. One
// ordinals value serves every snapshot, as in a running server, so cached
// arrays of segments that outlive a change are checked too.

func openForOrdinals(t *testing.T, n int) (*Index, *directory.Store) {
	t.Helper()
	dir := t.TempDir()
	s := testenv.Store(t, dir, n)
	g, tx := testenv.Tables(t)
	x, err := Open(dir+"/index", s, Options{Places: g, Tasks: tx})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	return x, s
}

// snapshotReader opens a reader of the index's current snapshot; the
// caller holds x.rw and closes it.
func snapshotReader(t *testing.T, x *Index) index.IndexReader {
	t.Helper()
	adv, err := x.bleve.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	r, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// resolveBothWays builds a resolver for the current snapshot with the
// current catalogue, as a search does, and compares, for every live
// document, the ordinal it gives with the one the public path gives. It
// returns the number of segments in the snapshot.
func resolveBothWays(t *testing.T, x *Index, stage string) int {
	t.Helper()
	x.rw.RLock()
	defer x.rw.RUnlock()
	r := snapshotReader(t, x)
	defer r.Close()
	res, ok := x.ords.resolverFor(r, x.cat)
	if !ok {
		t.Fatalf("%s: the reader is a %T, not a scorch snapshot: every hit would take the external-id path", stage, r)
	}
	all, err := r.DocIDReaderAll()
	if err != nil {
		t.Fatal(err)
	}
	defer all.Close()
	seen := map[string]bool{}
	bad := 0
	for {
		id, err := all.Next()
		if err != nil {
			t.Fatal(err)
		}
		if id == nil {
			break
		}
		id = append(index.IndexInternalID(nil), id...)
		ext, err := r.ExternalID(id)
		if err != nil {
			t.Fatalf("%s: external id of document %d: %v", stage, id.Value(), err)
		}
		want, known := x.cat.byID[ext]
		if !known {
			want = -1
		}
		if got := res.ordinal(id); got != want {
			if bad++; bad <= 5 {
				t.Errorf("%s: document %d (%s): ordinal map says %d, external id says %d", stage, id.Value(), ext, got, want)
			}
		}
		if seen[ext] {
			t.Errorf("%s: %s is live in two documents", stage, ext)
		}
		seen[ext] = true
	}
	if bad > 5 {
		t.Errorf("%s: %d documents differ in all", stage, bad)
	}
	for id := range x.cat.byID {
		if !seen[id] {
			t.Errorf("%s: catalogue holds %s, the index has no live document for it", stage, id)
		}
	}
	return len(res.segs)
}

func forceMerge(t *testing.T, x *Index) {
	t.Helper()
	adv, err := x.bleve.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	sc, ok := adv.(*scorch.Scorch)
	if !ok {
		t.Fatalf("index is a %T, not scorch", adv)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := sc.ForceMerge(ctx, &mergeplan.SingleSegmentMergePlanOptions); err != nil {
		t.Fatal(err)
	}
}

// churn makes one small change set and applies it in its own batch, which
// scorch writes as a new segment: a few renames, one delete, one new
// supplier (taking a freed ordinal when there is one).
func churn(t *testing.T, x *Index, s *directory.Store, round int, ids *[]string) {
	t.Helper()
	for k := range 3 {
		id := (*ids)[(round*7+k*13)%len(*ids)]
		sup, err := s.Get(id)
		if err != nil {
			t.Fatal(err)
		}
		sup.Name = fmt.Sprintf("%s r%d", sup.Name, round)
		if err := s.Update(&sup, directory.System); err != nil {
			t.Fatal(err)
		}
	}
	victim := (round * 11) % len(*ids)
	sup, err := s.Get((*ids)[victim])
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(sup.ID, sup.Version); err != nil {
		t.Fatal(err)
	}
	*ids = append((*ids)[:victim], (*ids)[victim+1:]...)
	sup.ID, sup.Version = "", 0
	sup.EnterpriseNumber = directory.EnterpriseNumberWithCheck(7000000 + round)
	sup.Name = "Nieuw " + strconv.Itoa(round)
	if err := s.Create(&sup); err != nil {
		t.Fatal(err)
	}
	*ids = append(*ids, sup.ID)
	if _, err := x.CatchUp(); err != nil {
		t.Fatal(err)
	}
}

func TestOrdinalsAgreeWithExternalIDsThroughMergesAndDeletes(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a few hundred small segments")
	}
	x, s := openForOrdinals(t, 300)
	var ids []string
	for id := range x.cat.byID {
		ids = append(ids, id)
	}
	resolveBothWays(t, x, "after the build")

	maxSegs := 0
	for round := range 60 {
		churn(t, x, s, round, &ids)
		// Check now and then, not every round, so that some cached arrays
		// live through several changes and merges before being read.
		if round%4 == 3 {
			maxSegs = max(maxSegs, resolveBothWays(t, x, fmt.Sprintf("churn round %d", round)))
		}
	}
	forceMerge(t, x)
	if n := resolveBothWays(t, x, "after a forced merge"); n > 2 {
		t.Logf("a forced merge left %d segments", n)
	}
	for round := 60; round < 90; round++ {
		churn(t, x, s, round, &ids)
	}
	maxSegs = max(maxSegs, resolveBothWays(t, x, "after churn on the merged segment"))
	forceMerge(t, x)
	resolveBothWays(t, x, "after a second forced merge")
	if maxSegs < 2 {
		t.Fatalf("never saw more than %d segment: the test did not exercise the map across segments", maxSegs)
	}
	t.Logf("up to %d segments seen between checks", maxSegs)
}

// CatchUp writes a change set to Bleve first and to the catalogue after,
// so a search can run in between: it sees the new segment and the old
// catalogue, and builds the new segment's array with it. Ordinals freed by
// a delisting go to the next new supplier; the arrays must not keep what
// that search worked out.
func TestOrdinalsAgreeAfterASearchBetweenIndexAndCatalogue(t *testing.T) {
	x, s := openForOrdinals(t, 40)
	resolveBothWays(t, x, "after the build")
	delist := func(id string, out bool) {
		t.Helper()
		sup, err := s.Get(id)
		if err != nil {
			t.Fatal(err)
		}
		sup.Delisted = nil
		if out {
			sup.Delisted = &directory.Delisting{At: testenv.Reference, By: "test", Reason: "ordinals"}
		}
		if err := s.Update(&sup, directory.System); err != nil {
			t.Fatal(err)
		}
	}
	create := func(from string, n int) {
		t.Helper()
		sup, err := s.Get(from)
		if err != nil {
			t.Fatal(err)
		}
		sup.ID, sup.Version, sup.Name = "", 0, "Nieuw Ordinaal "+strconv.Itoa(n)
		sup.EnterpriseNumber = directory.EnterpriseNumberWithCheck(7100000 + n)
		if err := s.Create(&sup); err != nil {
			t.Fatal(err)
		}
	}

	// A delisted and caught up: its ordinal is free. Then a new supplier
	// (it takes A's ordinal) and A back (a new one), caught up with a
	// search in the window.
	delist("demo-0005", true)
	if _, err := x.CatchUp(); err != nil {
		t.Fatal(err)
	}
	create("demo-0006", 1)
	delist("demo-0005", false)
	catchUpWithSearchInWindow(t, x, s)
	resolveBothWays(t, x, "a search in the window, ordinals reused across catch-ups")

	// The same within one change set: delist, create, relist.
	delist("demo-0007", true)
	create("demo-0008", 2)
	delist("demo-0007", false)
	delist("demo-0009", true)
	create("demo-0010", 3)
	catchUpWithSearchInWindow(t, x, s)
	resolveBothWays(t, x, "a search in the window, ordinals reused within one catch-up")
}

// catchUpWithSearchInWindow runs CatchUp while holding the read lock a
// search holds; once Bleve has the batch (CatchUp then waits for the write
// lock to change the catalogue) it resolves the new snapshot against the
// catalogue as it still is, as that search would.
func catchUpWithSearchInWindow(t *testing.T, x *Index, s *directory.Store) {
	t.Helper()
	head, err := s.LastSeq()
	if err != nil {
		t.Fatal(err)
	}
	want := strconv.FormatUint(head, 10)
	done := make(chan error, 1)
	x.rw.RLock()
	go func() { _, err := x.CatchUp(); done <- err }()
	err = func() error {
		defer x.rw.RUnlock()
		deadline := time.Now().Add(30 * time.Second)
		for {
			if v, err := x.bleve.GetInternal(keyLastSeq); err == nil && string(v) == want {
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("CatchUp did not write change %d to Bleve", head)
			}
			time.Sleep(time.Millisecond)
		}
		if x.applied.Load() == head {
			return fmt.Errorf("the catalogue took change %d while a search held the read lock", head)
		}
		adv, err := x.bleve.Advanced()
		if err != nil {
			return err
		}
		r, err := adv.Reader()
		if err != nil {
			return err
		}
		defer r.Close()
		if _, ok := x.ords.resolverFor(r, x.cat); !ok {
			return fmt.Errorf("the reader is a %T, not a scorch snapshot", r)
		}
		return nil
	}()
	if cerr := <-done; err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
}
