package catalogue

import (
	"bytes"
	"cmp"
	"slices"
	"sync"
)

// nameOrder keeps the catalogue's suppliers in the order of their names
// (the Dutch collation, then the id), so that a search ordered by name,
// or by relevance without words (where every score is the same), takes
// its page by walking the order until the page is full instead of
// comparing every match. It is sorted once, when first asked for, and then
// kept in order by each change: one name moves.
type nameOrder struct {
	mu    sync.Mutex
	ready bool
	ords  []int32
}

// compareNames is the name order of two entries.
func compareNames(a, b *entry) int {
	if a.namePrefix != b.namePrefix {
		return cmp.Compare(a.namePrefix, b.namePrefix)
	}
	if c := bytes.Compare(a.nameKey, b.nameKey); c != 0 {
		return c
	}
	return cmp.Compare(a.id, b.id)
}

// byName returns the ordinals in name order. The caller holds the index's
// read lock; the slice is the catalogue's: do not change it.
func (c *catalogue) byName() []int32 {
	c.names.mu.Lock()
	defer c.names.mu.Unlock()
	if !c.names.ready {
		c.names.ords = c.names.ords[:0]
		for i, e := range c.entries {
			if e != nil {
				c.names.ords = append(c.names.ords, int32(i))
			}
		}
		slices.SortFunc(c.names.ords, func(a, b int32) int { return compareNames(c.entries[a], c.entries[b]) })
		c.names.ready = true
	}
	return c.names.ords
}

// nameChanged moves ordinal i from old's place in the order to e's; either
// may be nil. It runs under the index's write lock, before c.entries[i]
// becomes e.
func (c *catalogue) nameChanged(i int32, old, e *entry) {
	if !c.names.ready || old != nil && e != nil && compareNames(old, e) == 0 {
		return
	}
	ords := c.names.ords
	if old != nil {
		if k, ok := slices.BinarySearchFunc(ords, old, func(o int32, t *entry) int { return compareNames(c.entries[o], t) }); ok {
			ords = slices.Delete(ords, k, k+1)
		}
	}
	if e != nil {
		k, _ := slices.BinarySearchFunc(ords, e, func(o int32, t *entry) int { return compareNames(c.entries[o], t) })
		ords = slices.Insert(ords, k, i)
	}
	c.names.ords = ords
}
