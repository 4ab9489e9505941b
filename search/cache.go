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

// textCache keeps the suppliers that recent free texts matched, while the
// index does not change: a buyer who ticks facets, sorts or pages asks for
// the same words again, and walking the postings of a common word is most
// of a search's work. It is bounded by the hits it holds, not by texts.
type textCache struct {
	mu    sync.Mutex
	gen   uint64
	max   int // hits held at most; 0 turns the cache off
	held  int
	byKey map[string]textMatch
}

// textMatch is what a text matched: the hits, in ordinal order, and the
// words' typo tolerance after the index was asked whether each is spelled
// as it holds it (highlighting follows that).
type textMatch struct {
	hits []textHit
	fuzz []int
}

// textCacheHits bounds the text cache: 16 bytes a hit, 32 MB in all.
const textCacheHits = 2 << 20

func newTextCache() *textCache { return &textCache{max: textCacheHits, byKey: map[string]textMatch{}} }

func (c *textCache) get(gen uint64, key string) (textMatch, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		c.gen, c.held = gen, 0
		clear(c.byKey)
		return textMatch{}, false
	}
	m, ok := c.byKey[key]
	return m, ok
}

func (c *textCache) put(gen uint64, key string, m textMatch) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen || len(m.hits) > c.max {
		return
	}
	if c.held+len(m.hits) > c.max {
		c.held = 0
		clear(c.byKey) // simpler than tracking age, and rare: texts repeat
	}
	c.byKey[key] = m
	c.held += len(m.hits)
}
