package catalogue

import (
	"encoding/json"
	"github.com/verken/verken/search"
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
	byKey map[string]*search.Result
	order []string // oldest first, for eviction
}

// cacheSize bounds the cache: a result is a page of hits and the facets,
// a few kilobytes.
const cacheSize = 1024

func newResultCache() *resultCache {
	return &resultCache{max: cacheSize, byKey: map[string]*search.Result{}}
}

func cacheKey(q search.Query) string {
	b, _ := json.Marshal(q)
	return string(b)
}

func (c *resultCache) get(gen uint64, key string) *search.Result {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		c.gen, c.order = gen, c.order[:0]
		clear(c.byKey)
		return nil
	}
	return c.byKey[key]
}

func (c *resultCache) put(gen uint64, key string, r *search.Result) {
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

// hitCache keeps lists of suppliers that took work to find, while what
// they depend on stays the same (the caller's generation: see textHits and
// nearby): what a free text matched (walking the postings
// of a common word is most of a search's work), and who lies near a place.
// A buyer who ticks facets, sorts or pages asks for the same words and
// place again. It is bounded by the hits it holds, not by keys.
type hitCache[V any] struct {
	mu    sync.Mutex
	gen   uint64
	max   int // hits held at most; 0 turns the cache off
	held  int
	size  func(V) int
	byKey map[string]V
}

// hitCacheSize bounds each cache: 16 bytes a hit, 32 MB.
const hitCacheSize = 2 << 20

func newHitCache[V any](size func(V) int) *hitCache[V] {
	return &hitCache[V]{max: hitCacheSize, size: size, byKey: map[string]V{}}
}

func (c *hitCache[V]) get(gen uint64, key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		c.gen, c.held = gen, 0
		clear(c.byKey)
	}
	v, ok := c.byKey[key]
	return v, ok
}

func (c *hitCache[V]) put(gen uint64, key string, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.size(v)
	if gen != c.gen || n > c.max {
		return
	}
	if c.held+n > c.max {
		c.held = 0
		clear(c.byKey) // simpler than tracking age, and rare: searches repeat
	}
	c.byKey[key] = v
	c.held += n
}

// textMatch is what a text matched: the hits, in ordinal order, and the
// words' typo tolerance after the index was asked whether each is spelled
// as it holds it (highlighting follows that).
type textMatch struct {
	hits []textHit
	fuzz []int
}
