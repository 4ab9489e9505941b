package catalogue

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"

	"github.com/verken/verken/data"
	"github.com/verken/verken/directory"
	"github.com/verken/verken/search"
)

// Keys of the values the index keeps about itself.
var (
	keyMappingVersion = []byte("verken_mapping_version")
	keyLastSeq        = []byte("verken_last_seq")
)

// batchSize bounds how many changes go into one Bleve batch.
const batchSize = 500

// Index is the search index of the suppliers in a store. It applies the
// store's change feed in order and remembers, inside the index, the last
// change it applied.
type Index struct {
	dir   string
	store *directory.Store
	docs  documenter
	tds   *textDocs // the documents Bleve indexes, from docs' values
	facts *facts
	log   *slog.Logger

	mu sync.Mutex // serialises writes to the index
	// rw guards the bleve handle itself: searches share it, while closing
	// or swapping in a rebuilt index waits for them.
	rw      sync.RWMutex
	bleve   bleve.Index
	cat     *catalogue
	ords    *ordinals // document numbers to catalogue ordinals, per segment
	results *resultCache
	texts   *hitCache[textMatch]
	forms   *wordForms // for highlighting
	// labels are the names of tasks and kinds, which the free text
	// matches at query time (labels.go).
	labels  labels
	nears   *hitCache[[]nearHit]
	reaches *hitCache[[]reachHit]
	// indexOnly: no catalogue is kept (Options.IndexOnly).
	indexOnly bool
	matches   sync.Pool // []match buffers, see matchBuffer
	// walkBuffers holds *[]textHit, and rankings *ranking, the memory of
	// the walks of a free text (walkGroups), reused from search to search.
	walkBuffers, rankings sync.Pool
	// catVersion counts catalogue replacements (a new transit network),
	// which change answers without a change in the store.
	catVersion atomic.Uint64
	applied    atomic.Uint64
	changed    chan struct{} // closed and replaced whenever applied moves
	chMu       sync.Mutex
}

// Options are what Open needs besides the directory and the store.
type Options struct {
	Places *data.Gazetteer
	Tasks  *data.Taxonomy
	Log    *slog.Logger
	// Rebuild throws any existing index away and builds it anew from the
	// store (verken reindex).
	Rebuild bool
	// Transit tells the public-transport class of a place (1 = A … 6 = F,
	// 0 not served); nil when no network is imported.
	Transit search.TransitClass
	// Reach plans the journeys of a search with Reach; nil when no
	// timetable is known.
	Reach search.ReachFinder
	// NoResultCache turns the caches of recent results, of what recent
	// texts matched and of who lies near recent places off, for benchmarks
	// that measure the work of a search rather than its memory.
	NoResultCache bool
	// IndexOnly keeps the text index up to date without the in-memory
	// catalogue, for commands that write the store and never search (an
	// import): reading every profile to build a catalogue nobody asks
	// was a third of a KBO update. Such an index answers no search.
	IndexOnly bool
	// OfferSlots is how many offers of a supplier the catalogue's sets hold
	// (0: DefaultOfferSlots); a supplier with more has its offers visited
	// one by one in every search with offer filters. Tests set it low to
	// cover both ways.
	OfferSlots int
}

// Open opens the index in dir and brings it up to date with the store. When
// the index is missing, unreadable, or of another mapping version, it is
// rebuilt from the store.
func Open(dir string, store *directory.Store, opt Options) (*Index, error) {
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	f, err := newFacts(opt.Places, opt.Tasks)
	if err != nil {
		return nil, err
	}
	f.transit, f.reach = opt.Transit, opt.Reach
	if opt.OfferSlots > 0 {
		f.offerSlots = opt.OfferSlots
	}
	m, err := newMapping()
	if err != nil {
		return nil, err
	}
	tds, err := newTextDocs(m)
	if err != nil {
		return nil, err
	}
	forms, err := newWordForms(m)
	if err != nil {
		return nil, err
	}
	x := &Index{dir: dir, store: store, docs: documenter{opt.Places}, tds: tds, forms: forms, labels: newLabels(m, opt.Tasks, f.taskOrd), facts: f, log: opt.Log, changed: make(chan struct{}), ords: newOrdinals(), results: newResultCache(),
		texts:   newHitCache(func(m textMatch) int { return len(m.hits) }),
		nears:   newHitCache(func(h []nearHit) int { return len(h) }),
		reaches: newHitCache(func(h []reachHit) int { return len(h) })}
	if opt.NoResultCache {
		x.results.max, x.texts.max, x.nears.max, x.reaches.max = 0, 0, 0, 0
	}
	var idx bleve.Index
	var last uint64
	reason := "asked for"
	if !opt.Rebuild {
		idx, last, reason = openExisting(dir)
		if idx != nil {
			if why, err := outOfStep(store, last); err != nil || why != "" {
				_ = idx.Close()
				if err != nil {
					return nil, err
				}
				idx, reason = nil, why
			}
		}
	}
	if idx == nil {
		x.log.Info("rebuilding search index", "dir", dir, "reason", reason)
		if err := x.rebuild(); err != nil {
			return nil, err
		}
	} else {
		x.bleve = idx
		x.applied.Store(last)
		// The catalogue starts from the store as it is now; catching up
		// replays the changes since the index's last one onto both, which
		// ends with both at the store's state.
		cat := newCatalogue(x.facts)
		if opt.IndexOnly {
			x.indexOnly = true
		} else if _, err := store.Snapshot(func(s directory.Supplier) error {
			if searchable(&s) {
				cat.put(x.facts.entry(&s))
			}
			return nil
		}); err != nil {
			x.Close()
			return nil, err
		}
		x.cat = cat
		x.ords.forget()
		x.catVersion.Add(1)
	}
	if _, err := x.CatchUp(); err != nil {
		x.Close()
		return nil, err
	}
	return x, nil
}

// openExisting opens the index in dir and checks that it is usable. It
// returns nil and the reason when it is not.
func openExisting(dir string) (idx bleve.Index, last uint64, reason string) {
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		return nil, 0, "missing"
	}
	defer func() {
		// A damaged segment can make the storage layer panic while opening.
		if r := recover(); r != nil {
			if idx != nil {
				_ = idx.Close()
			}
			idx, last, reason = nil, 0, fmt.Sprintf("unreadable: %v", r)
		}
	}()
	idx, err := bleve.Open(dir)
	if err != nil {
		return nil, 0, "unreadable: " + err.Error()
	}
	fail := func(why string) (bleve.Index, uint64, string) {
		_ = idx.Close()
		return nil, 0, why
	}
	v, err := idx.GetInternal(keyMappingVersion)
	if err != nil {
		return fail("unreadable: " + err.Error())
	}
	if string(v) != MappingVersion {
		return fail(fmt.Sprintf("mapping version %q, want %q", v, MappingVersion))
	}
	seq, err := idx.GetInternal(keyLastSeq)
	if err != nil {
		return fail("unreadable: " + err.Error())
	}
	if last, err = strconv.ParseUint(string(seq), 10, 64); err != nil {
		return fail("no last applied change")
	}
	// Read every stored document once: damage in a segment shows here
	// rather than in a buyer's search.
	if _, err := idx.DocCount(); err != nil {
		return fail("unreadable: " + err.Error())
	}
	req := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), 1, 0, false)
	if _, err := idx.Search(req); err != nil {
		return fail("unreadable: " + err.Error())
	}
	return idx, last, ""
}

// outOfStep says why an index that applied the store's changes up to last
// cannot go on from there: the changes after last were compacted out of the
// feed (an index older than the store), or the store has not come that far
// (an index of another store, or a store put back from a backup). Either
// way it would miss changes or keep suppliers the store does not have.
func outOfStep(store *directory.Store, last uint64) (string, error) {
	floor, err := store.CompactedThrough()
	if err != nil {
		return "", err
	}
	head, err := store.LastSeq()
	if err != nil {
		return "", err
	}
	switch {
	case last < floor:
		return fmt.Sprintf("it applied changes up to %d, and the store's change feed starts after %d", last, floor), nil
	case last > head:
		return fmt.Sprintf("it applied changes up to %d, beyond the store's last change %d", last, head), nil
	}
	return "", nil
}

// rebuild builds a fresh index from a consistent snapshot of the store in a
// side directory and swaps it in, so a crash mid-way leaves no half index.
func (x *Index) rebuild() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.rw.Lock()
	defer x.rw.Unlock()
	if x.bleve != nil {
		_ = x.bleve.Close()
		x.bleve = nil
	}
	tmp := x.dir + ".new"
	if err := os.RemoveAll(tmp); err != nil {
		return err
	}
	m, err := newMapping()
	if err != nil {
		return err
	}
	// The build has memos of its own, which go with it: what a hundred
	// thousand suppliers share is not what the next few changes need.
	tds, err := newTextDocs(m)
	if err != nil {
		return err
	}
	idx, err := bleve.New(tmp, m)
	if err != nil {
		return fmt.Errorf("create index: %w", err)
	}
	cat := newCatalogue(x.facts)
	n, last, err := x.buildAll(idx, tds, cat)
	if cerr := idx.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.RemoveAll(tmp)
		return fmt.Errorf("rebuild index: %w", err)
	}
	if err := os.RemoveAll(x.dir); err != nil {
		return err
	}
	if err := os.Rename(tmp, x.dir); err != nil {
		return err
	}
	idx, err = bleve.Open(x.dir)
	if err != nil {
		return err
	}
	x.bleve = idx
	x.cat = cat
	x.ords.forget()
	x.catVersion.Add(1)
	x.setApplied(last)
	x.log.Info("search index rebuilt", "suppliers", n, "last_change", last)
	return nil
}

// CatchUp applies every change the index has not seen yet, in order, and
// returns how many it applied.
func (x *Index) CatchUp() (int, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.bleve == nil {
		return 0, search.ErrClosed
	}
	total := 0
	for {
		changes, err := x.store.ChangesSince(x.applied.Load(), batchSize)
		if err != nil {
			return total, err
		}
		if len(changes) == 0 {
			return total, nil
		}
		batch := x.bleve.NewBatch()
		entries := make([]*entry, len(changes))
		for i, c := range changes {
			if c.Supplier == nil || !searchable(c.Supplier) {
				batch.Delete(c.SupplierID)
				continue
			}
			if !x.indexOnly {
				entries[i] = x.facts.entry(c.Supplier)
			}
			doc, err := x.tds.document(c.SupplierID, x.docs.document(c.Supplier))
			if err == nil {
				err = batch.IndexAdvanced(doc)
			}
			if err != nil {
				return total, err
			}
		}
		last := changes[len(changes)-1].Seq
		// The last applied change is written in the same batch as the
		// documents: after a crash the index never claims more than it has.
		batch.SetInternal(keyLastSeq, []byte(strconv.FormatUint(last, 10)))
		if err := x.bleve.Batch(batch); err != nil {
			return total, fmt.Errorf("apply changes up to %d: %w", last, err)
		}
		x.rw.Lock()
		for i, c := range changes {
			switch {
			case x.indexOnly:
			case entries[i] == nil:
				x.cat.remove(c.SupplierID)
			default:
				x.cat.put(entries[i])
			}
		}
		x.rw.Unlock()
		x.setApplied(last)
		total += len(changes)
	}
}

func (x *Index) setApplied(seq uint64) {
	x.applied.Store(seq)
	x.chMu.Lock()
	close(x.changed)
	x.changed = make(chan struct{})
	x.chMu.Unlock()
}

// Applied returns the sequence number of the last change in the index.
func (x *Index) Applied() uint64 { return x.applied.Load() }

// WaitFor blocks until the index has applied change seq or ctx ends.
func (x *Index) WaitFor(ctx context.Context, seq uint64) error {
	for {
		x.chMu.Lock()
		ch := x.changed
		x.chMu.Unlock()
		if x.applied.Load() >= seq {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// Follow applies the store's changes as they are committed until ctx ends.
// A periodic catch-up covers any missed signal.
func (x *Index) Follow(ctx context.Context) {
	signal, stop := x.store.Subscribe()
	defer stop()
	tick := time.NewTicker(5 * time.Second)
	defer tick.Stop()
	for {
		if _, err := x.CatchUp(); err != nil {
			x.log.Error("index catch-up failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-signal:
		case <-tick.C:
		}
	}
}

// DocCount returns the number of indexed suppliers.
func (x *Index) DocCount() (uint64, error) {
	x.rw.RLock()
	defer x.rw.RUnlock()
	if x.bleve == nil {
		return 0, search.ErrClosed
	}
	return x.bleve.DocCount()
}

// Close flushes and closes the index.
func (x *Index) Close() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.rw.Lock()
	defer x.rw.Unlock()
	if x.bleve == nil {
		return nil
	}
	err := x.bleve.Close()
	x.bleve = nil
	return err
}

// SetTransit recomputes every supplier's public-transport classes with a
// newly imported network. The text index does not hold them, so only the
// catalogue is rebuilt.
func (x *Index) SetTransit(t search.TransitClass) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.rw.Lock()
	f := *x.facts
	f.transit = t
	x.rw.Unlock()
	cat := newCatalogue(&f)
	last, err := x.store.Snapshot(func(s directory.Supplier) error {
		if searchable(&s) {
			cat.put(f.entry(&s))
		}
		return nil
	})
	if err != nil {
		return err
	}
	x.rw.Lock()
	defer x.rw.Unlock()
	// Changes after the index's last one are in the new catalogue already;
	// catching up applies them again to both, which changes nothing.
	_ = last
	x.facts, x.cat = &f, cat
	x.ords.forget()
	x.catVersion.Add(1)
	return nil
}

// searchable reports whether a supplier belongs in the index: a delisted
// one does not. An unclaimed profile from a register does, marked: a
// search finds it only when asked (search.Query.Unclaimed).
func searchable(s *directory.Supplier) bool { return s.Delisted == nil }

// IndexDir is where a data directory keeps its index.
func IndexDir(dataDir string) string { return filepath.Join(dataDir, "index") }
