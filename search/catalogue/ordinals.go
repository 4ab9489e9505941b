package catalogue

import (
	"sort"
	"sync"
	"sync/atomic"

	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"
)

// Turning a Bleve hit into a catalogue entry costs a stored-field read
// (its id) and a map lookup, as much as finding the hit. But a segment
// never changes once written: so for each segment the entries of its
// documents are worked out once, and a hit costs an array read.

// ordinals maps segments' document numbers to catalogue ordinals.
type ordinals struct {
	mu    sync.Mutex
	bySeg map[uint64][]int32 // segment id → local doc number → ordinal, -1 not known
}

func newOrdinals() *ordinals { return &ordinals{bySeg: map[uint64][]int32{}} }

// resolver finds the catalogue ordinal of hits in one index snapshot.
type resolver struct {
	snap    *scorch.IndexSnapshot
	segs    []*scorch.SegmentSnapshot
	offsets []uint64
	arrays  [][]int32
	cat     *catalogue
}

// resolverFor prepares the arrays of a snapshot's segments, building those
// not seen before, and forgets segments merged away. ok is false when the
// reader is not a scorch snapshot.
func (o *ordinals) resolverFor(r index.IndexReader, cat *catalogue) (*resolver, bool) {
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil, false
	}
	res := &resolver{snap: snap, segs: snap.Segments(), cat: cat}
	o.mu.Lock()
	defer o.mu.Unlock()
	live := map[uint64]bool{}
	var running uint64
	for _, ss := range res.segs {
		res.offsets = append(res.offsets, running)
		n := ss.Segment().Count()
		running += n
		id := ss.Id()
		live[id] = true
		arr, ok := o.bySeg[id]
		if !ok {
			arr = make([]int32, n)
			for local := range arr {
				arr[local] = -1
				if docID, err := ss.DocID(uint64(local)); err == nil && docID != nil {
					if ord, ok := cat.byID[string(docID)]; ok {
						arr[local] = ord
					}
				}
			}
			o.bySeg[id] = arr
		}
		res.arrays = append(res.arrays, arr)
	}
	for id := range o.bySeg {
		if !live[id] {
			delete(o.bySeg, id)
		}
	}
	return res, true
}

// ordinal returns a hit's catalogue ordinal, -1 when the catalogue does
// not hold it. An entry built before the catalogue had the supplier (the
// index applies a change a moment before the catalogue does) is looked up
// again and remembered.
func (res *resolver) ordinal(id index.IndexInternalID) int32 {
	doc := id.Value()
	seg := sort.Search(len(res.offsets), func(i int) bool { return res.offsets[i] > doc }) - 1
	if seg < 0 {
		return -1
	}
	local := doc - res.offsets[seg]
	arr := res.arrays[seg]
	if local >= uint64(len(arr)) {
		return -1
	}
	if ord := atomic.LoadInt32(&arr[local]); ord >= 0 {
		return ord
	}
	docID, err := res.segs[seg].DocID(local)
	if err != nil || docID == nil {
		return -1
	}
	ord, ok := res.cat.byID[string(docID)]
	if !ok {
		return -1
	}
	atomic.StoreInt32(&arr[local], ord)
	return ord
}

// forget drops every array: the catalogue was rebuilt with new ordinals.
func (o *ordinals) forget() {
	o.mu.Lock()
	clear(o.bySeg)
	o.mu.Unlock()
}
