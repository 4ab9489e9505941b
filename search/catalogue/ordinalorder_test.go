package catalogue

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestInOrdinalOrder checks both ways of putting hits in ordinal order,
// placing by rank (many hits for their range) and sorting (few), against
// an independent answer: per ordinal, the first item with the repeats
// merged in their order.
func TestInOrdinalOrder(t *testing.T) {
	type item struct {
		ord    int32
		merged []int // positions of the items folded into this one, kept first
	}
	rng := rand.New(rand.NewPCG(4, 2))
	// One result's memory and one scratch for every case, as a search
	// reuses them.
	var into []item
	rk := &ranking{}
	for _, c := range []struct{ n, span int }{{0, 1}, {1, 1}, {70, 64}, {100, 100000}, {5000, 6000}, {30000, 100000}, {3, 5}} {
		items := make([]item, c.n)
		want := map[int32][]int{}
		for i := range items {
			o := int32(rng.IntN(c.span))
			items[i] = item{ord: o, merged: []int{i}}
			want[o] = append(want[o], i)
		}
		got := inOrdinalOrder(items, func(it *item) int32 { return it.ord }, func(kept, repeat *item) {
			kept.merged = append(kept.merged, repeat.merged...)
		}, into, rk)
		into = got
		ords := make([]int32, 0, len(want))
		for o := range want {
			ords = append(ords, o)
		}
		slices.Sort(ords)
		if len(got) != len(ords) {
			t.Fatalf("%d items over %d ordinals: %d out, want %d", c.n, c.span, len(got), len(ords))
		}
		for i, o := range ords {
			if got[i].ord != o || !slices.Equal(got[i].merged, want[o]) {
				t.Fatalf("%d items over %d ordinals: place %d holds ordinal %d with items %v, want %d with %v", c.n, c.span, i, got[i].ord, got[i].merged, o, want[o])
			}
		}
	}
}

// An indexed set counts its members through repeated adds and removes of
// the same ordinals, as the catalogue makes them when entries change.
func TestIndexedSetCountsMembers(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 1))
	s := indexedSet{bits: make(bitset, wordsFor(5000))}
	for range 20000 {
		i := int32(rng.IntN(5000))
		if rng.IntN(2) == 0 {
			s.add(i)
		} else {
			s.remove(i)
		}
	}
	if want := s.bits.countIn(s.bits, nil); s.members != want {
		t.Fatalf("members %d, the set holds %d", s.members, want)
	}
}
