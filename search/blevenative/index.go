package blevenative

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
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

// Index is the Bleve-native search index of the suppliers in a store. It
// applies the store's change feed in order and remembers, inside the index,
// the last change it applied.
type Index struct {
	dir   string
	store *directory.Store
	log   *slog.Logger

	mu sync.Mutex // serialises writes
	// rw guards the handle, the facts and the rows: searches share them.
	rw      sync.RWMutex
	bleve   bleve.Index
	facts   *facts
	rows    map[string]*row
	applied atomic.Uint64
	changed chan struct{}
	chMu    sync.Mutex
}

// Options are what Open needs besides the directory and the store.
type Options struct {
	Places *data.Gazetteer
	Tasks  *data.Taxonomy
	Log    *slog.Logger
	// Rebuild throws any existing index away and builds it anew.
	Rebuild bool
	// Transit tells the public-transport class of a place; nil when no
	// network is imported.
	Transit search.TransitClass
}

var _ search.Engine = (*Index)(nil)

// Open opens the index in dir and brings it up to date with the store. When
// the index is missing, unreadable, or of another mapping version, it is
// rebuilt from the store.
func Open(dir string, store *directory.Store, opt Options) (*Index, error) {
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	x := &Index{dir: dir, store: store, log: opt.Log, facts: newFacts(opt.Places, opt.Tasks, opt.Transit), changed: make(chan struct{})}
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
		// The rows start from the store as it is now; catching up replays
		// the changes since the index's last one onto both.
		rows := map[string]*row{}
		if _, err := store.Snapshot(func(s directory.Supplier) error {
			if s.Delisted == nil {
				rows[s.ID] = x.facts.row(&s)
			}
			return nil
		}); err != nil {
			x.Close()
			return nil, err
		}
		x.rows = rows
	}
	if _, err := x.CatchUp(); err != nil {
		x.Close()
		return nil, err
	}
	return x, nil
}

// openExisting opens the index in dir and checks that it is usable.
func openExisting(dir string) (idx bleve.Index, last uint64, reason string) {
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		return nil, 0, "missing"
	}
	defer func() {
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
	if _, err := idx.DocCount(); err != nil {
		return fail("unreadable: " + err.Error())
	}
	return idx, last, ""
}

// outOfStep says why an index that applied the store's changes up to last
// cannot go on from there.
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

// rebuild builds a fresh index from a snapshot of the store in a side
// directory and swaps it in.
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
	idx, err := bleve.New(tmp, m)
	if err != nil {
		return fmt.Errorf("create index: %w", err)
	}
	batch := idx.NewBatch()
	rows := map[string]*row{}
	last, err := x.store.Snapshot(func(s directory.Supplier) error {
		if s.Delisted != nil {
			return nil
		}
		r := x.facts.row(&s)
		rows[s.ID] = r
		if err := batch.Index(s.ID, x.facts.document(&s, r)); err != nil {
			return err
		}
		if batch.Size() >= batchSize {
			if err := idx.Batch(batch); err != nil {
				return err
			}
			batch.Reset()
		}
		return nil
	})
	if err == nil {
		batch.SetInternal(keyMappingVersion, []byte(MappingVersion))
		batch.SetInternal(keyLastSeq, []byte(strconv.FormatUint(last, 10)))
		err = idx.Batch(batch)
	}
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
	if idx, err = bleve.Open(x.dir); err != nil {
		return err
	}
	x.bleve, x.rows = idx, rows
	x.setApplied(last)
	x.log.Info("search index rebuilt", "suppliers", len(rows), "last_change", last)
	return nil
}

// CatchUp applies every change the index has not seen yet, in order.
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
		rows := make([]*row, len(changes))
		for i, c := range changes {
			if c.Supplier == nil || c.Supplier.Delisted != nil {
				batch.Delete(c.SupplierID)
				continue
			}
			rows[i] = x.facts.row(c.Supplier)
			if err := batch.Index(c.SupplierID, x.facts.document(c.Supplier, rows[i])); err != nil {
				return total, err
			}
		}
		last := changes[len(changes)-1].Seq
		// The last applied change goes in the same batch as the documents.
		batch.SetInternal(keyLastSeq, []byte(strconv.FormatUint(last, 10)))
		if err := x.bleve.Batch(batch); err != nil {
			return total, fmt.Errorf("apply changes up to %d: %w", last, err)
		}
		x.rw.Lock()
		for i, c := range changes {
			if rows[i] == nil {
				delete(x.rows, c.SupplierID)
			} else {
				x.rows[c.SupplierID] = rows[i]
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

// SetTransit works out every site's class with a new network: the offers'
// classes are in the documents, so the index is rebuilt.
func (x *Index) SetTransit(t search.TransitClass) error {
	x.rw.Lock()
	f := *x.facts
	f.transit = t
	x.facts = &f
	x.rw.Unlock()
	return x.rebuild()
}

// Warm runs a first search for the day.
func (x *Index) Warm(today directory.Date) error {
	_, err := x.Search(search.Query{Today: today})
	return err
}
