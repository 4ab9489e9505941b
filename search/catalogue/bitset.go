package catalogue

import (
	"math/bits"
	"slices"
	"sync"
)

// bitset is a dense set of catalogue ordinals, a bit each: 12.5 kB per
// 100,000 suppliers. Filters and facet counts work on whole words of them,
// 64 suppliers at a time, instead of visiting each supplier.
type bitset []uint64

func wordsFor(n int) int { return (n + 63) / 64 }

func (b bitset) add(i int32)      { b[i>>6] |= 1 << (uint32(i) & 63) }
func (b bitset) remove(i int32)   { b[i>>6] &^= 1 << (uint32(i) & 63) }
func (b bitset) has(i int32) bool { return b[i>>6]&(1<<(uint32(i)&63)) != 0 }

func (b bitset) put(i int32, on bool) {
	if on {
		b.add(i)
	} else {
		b.remove(i)
	}
}

func (b bitset) and(o bitset) {
	for w := range b {
		b[w] &= o[w]
	}
}

func (b bitset) andNot(o bitset) {
	for w := range b {
		b[w] &^= o[w]
	}
}

func (b bitset) or(o bitset) {
	for w := range b {
		b[w] |= o[w]
	}
}

// each calls fn for every member, in ascending order.
func (b bitset) each(fn func(i int32)) {
	for w, word := range b {
		for word != 0 {
			fn(int32(w<<6 + bits.TrailingZeros64(word)))
			word &= word - 1
		}
	}
}

// countIn counts the members of b that are also in o; words, when not nil,
// are the only words of b that hold members.
func (b bitset) countIn(o bitset, words []int32) int {
	n := 0
	if words == nil {
		for w, word := range b {
			n += bits.OnesCount64(word & o[w])
		}
		return n
	}
	for _, w := range words {
		n += bits.OnesCount64(b[w] & o[w])
	}
	return n
}

// indexedSet is a bitset that also lists its non-empty words, in order:
// the suppliers of one municipality fill a few hundred of 1,563 words at
// 100,000 suppliers, and a count over them reads only those.
type indexedSet struct {
	bits    bitset
	words   []int32
	members int // how many, for a word's rarity in free text (combineWords)
}

func (s *indexedSet) add(i int32) {
	w := i >> 6
	if s.bits[w] == 0 {
		k, _ := slices.BinarySearch(s.words, w)
		s.words = slices.Insert(s.words, k, w)
	}
	if !s.bits.has(i) {
		s.members++
	}
	s.bits.add(i)
}

func (s *indexedSet) remove(i int32) {
	w := i >> 6
	if s.bits[w] == 0 || !s.bits.has(i) {
		return
	}
	s.members--
	s.bits.remove(i)
	if s.bits[w] == 0 {
		if k, ok := slices.BinarySearch(s.words, w); ok {
			s.words = slices.Delete(s.words, k, k+1)
		}
	}
}

// countIndexed counts the members of over (whose non-empty words are
// overWords, nil for all) that are also in s, reading the fewer words.
func (s *indexedSet) countIn(over bitset, overWords []int32) int {
	if overWords != nil && len(overWords) <= len(s.words) || overWords == nil && len(over) <= len(s.words) {
		return over.countIn(s.bits, overWords)
	}
	return over.countIn(s.bits, s.words)
}

// grow returns b with room for n words, the new words empty.
func (b bitset) grow(n int) bitset {
	if n <= len(b) {
		return b
	}
	if n <= cap(b) {
		old := len(b)
		b = b[:n]
		clear(b[old:])
		return b
	}
	out := make(bitset, n, max(n, 2*cap(b)))
	copy(out, b)
	return out
}

// scratch lends a query the bitsets it works in and takes them back, so
// that a search does not leave a few hundred kilobytes of garbage. The
// scratch itself is reused too, with the memory of its word lists.
type scratch struct {
	words int
	pool  *sync.Pool // of *bitset
	home  *sync.Pool // of *scratch, where release puts it
	lent  []*bitset
	// nonZeroOf remembers the words that hold members of the sets asked
	// about: a search counts many facets over the same set.
	nonZeroOf []nonZeroWords
	used      int // entries of nonZeroOf in use
}

type nonZeroWords struct {
	set     *uint64 // the set's first word, as its identity
	words   []int32
	members int
}

func newScratch(home, pool *sync.Pool, words int) *scratch {
	s, _ := home.Get().(*scratch)
	if s == nil {
		s = &scratch{}
	}
	s.words, s.pool, s.home = words, pool, home
	return s
}

// nonZero lists the indexes of the words of b that hold a member, so that
// counting over a sparse set skips the empty stretches, and counts the
// members. Do not change b after asking.
func (s *scratch) nonZero(b bitset) ([]int32, int) {
	if len(b) == 0 {
		return nil, 0
	}
	for _, nz := range s.nonZeroOf[:s.used] {
		if nz.set == &b[0] {
			return nz.words, nz.members
		}
	}
	if s.used == len(s.nonZeroOf) {
		s.nonZeroOf = append(s.nonZeroOf, nonZeroWords{})
	}
	nz := &s.nonZeroOf[s.used]
	s.used++
	nz.set, nz.words, nz.members = &b[0], nz.words[:0], 0
	for w, word := range b {
		if word != 0 {
			nz.words = append(nz.words, int32(w))
			nz.members += bits.OnesCount64(word)
		}
	}
	return nz.words, nz.members
}

// get returns an empty bitset.
func (s *scratch) get() bitset {
	p, _ := s.pool.Get().(*bitset)
	if p == nil || cap(*p) < s.words {
		b := make(bitset, s.words)
		p = &b
	}
	*p = (*p)[:s.words]
	clear(*p)
	s.lent = append(s.lent, p)
	return *p
}

// copyOf returns a copy of b.
func (s *scratch) copyOf(b bitset) bitset {
	out := s.get()
	copy(out, b)
	return out
}

// release takes back every bitset lent, and the scratch itself.
func (s *scratch) release() {
	for _, p := range s.lent {
		s.pool.Put(p)
	}
	clear(s.lent)
	s.lent = s.lent[:0]
	for i := range s.nonZeroOf[:s.used] {
		s.nonZeroOf[i].set = nil
	}
	s.used = 0
	s.home.Put(s)
}

// inOrdinalOrder returns items sorted by ordinal, one per ordinal; merge
// folds a repeat into the item kept (the first), repeats in their order.
// A common word matches 25,000 suppliers per 100,000, and sorting them
// took a quarter of its search: when the items are many for the range of
// their ordinals, each is put straight in its place, which is the number
// of smaller ordinals among them (a bitset of the ordinals and the running
// count of its bits). Few items are sorted, as keys of ordinal and
// position, several times faster than with a comparison function.
//
// The result goes in into's memory when it is large enough (into may be
// nil), and rk, when not nil, lends the scratch of the placing: a search
// reuses both, which were a third of its garbage.
func inOrdinalOrder[T any](items []T, ord func(*T) int32, merge func(kept, repeat *T), into []T, rk *ranking) []T {
	var top int32 = -1
	for i := range items {
		top = max(top, ord(&items[i]))
	}
	if words := wordsFor(int(top) + 1); len(items) >= 64 && words <= 4*len(items) {
		if rk == nil {
			rk = &ranking{}
		}
		return placeByOrdinal(items, ord, merge, words, into, rk)
	}
	keys := make([]uint64, len(items))
	for i := range items {
		keys[i] = uint64(ord(&items[i]))<<32 | uint64(i)
	}
	slices.Sort(keys)
	out := into[:0]
	for _, k := range keys {
		item := &items[uint32(k)]
		if n := len(out); n > 0 && ord(&out[n-1]) == ord(item) {
			merge(&out[n-1], item)
			continue
		}
		out = append(out, *item)
	}
	return out
}

// ranking is the scratch of placeByOrdinal, kept for the next call.
type ranking struct {
	seen, placed bitset
	before       []int32
}

// sets makes the scratch words long, empty, and returns seen.
func (rk *ranking) sets(words int) bitset {
	if cap(rk.seen) < words {
		rk.seen, rk.placed, rk.before = make(bitset, words), make(bitset, words), make([]int32, words)
	}
	rk.seen, rk.placed, rk.before = rk.seen[:words], rk.placed[:words], rk.before[:words]
	clear(rk.seen)
	clear(rk.placed)
	return rk.seen
}

// placeByOrdinal is inOrdinalOrder by rank: the ordinals go in a bitset of
// the given words, and an item's place is the count of set bits before
// its own.
func placeByOrdinal[T any](items []T, ord func(*T) int32, merge func(kept, repeat *T), words int, into []T, rk *ranking) []T {
	seen := rk.sets(words)
	for i := range items {
		seen.add(ord(&items[i]))
	}
	before := rk.before // set bits in the words before
	var n int32
	for w, b := range seen {
		before[w] = n
		n += int32(bits.OnesCount64(b))
	}
	out := slices.Grow(into[:0], int(n))[:n]
	placed := rk.placed
	for i := range items {
		item := &items[i]
		o := ord(item)
		at := before[o>>6] + int32(bits.OnesCount64(seen[o>>6]&(1<<(uint32(o)&63)-1)))
		if placed.has(o) {
			merge(&out[at], item)
			continue
		}
		placed.add(o)
		out[at] = *item
	}
	return out
}
