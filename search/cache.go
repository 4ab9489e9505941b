package search

import (
	"encoding/json"
	"sync"
)

// resultCache keeps the answers to recent searches while the index does
// not change: a buyer paging, going back, or opening a shared link asks
// the same again, and so do popular searches. Any applied change, or new
// transit classes, starts a new generation and empties it.
type resultCache struct {
	mu    sync.Mutex
	gen   uint64
	max   int
	byKey map[string]*Result
	order []string // oldest first, for eviction
}

// cacheSize bounds the cache: a result is a page of hits and the facets,
// a few kilobytes.
const cacheSize = 1024

func newResultCache() *resultCache { return &resultCache{max: cacheSize, byKey: map[string]*Result{}} }

func cacheKey(q Query) string {
	b, _ := json.Marshal(q)
	return string(b)
}

func (c *resultCache) get(gen uint64, key string) *Result {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		c.gen, c.order = gen, c.order[:0]
		clear(c.byKey)
		return nil
	}
	return c.byKey[key]
}

func (c *resultCache) put(gen uint64, key string, r *Result) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if _, ok := c.byKey[key]; ok || c.max == 0 {
		return
	}
	if len(c.order) >= c.max {
		delete(c.byKey, c.order[0])
		c.order = c.order[1:]
	}
	c.byKey[key] = r
	c.order = append(c.order, key)
}
