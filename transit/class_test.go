package transit

import "testing"

// The class tables of DESIGN.md §6, one case on each side of every
// interval and distance boundary.
func TestClassTableBoundaries(t *testing.T) {
	// Stop category by interval (rows) and mode group A rail, B tram, C bus.
	intervals := []struct {
		min  float64
		cats [3]int
	}{
		{4.99, [3]int{1, 1, 2}}, {5, [3]int{1, 2, 3}},
		{9.99, [3]int{1, 2, 3}}, {10, [3]int{2, 3, 4}},
		{19.99, [3]int{2, 3, 4}}, {20, [3]int{3, 4, 5}},
		{39.99, [3]int{3, 4, 5}}, {40, [3]int{4, 5, 6}},
		{59.99, [3]int{4, 5, 6}}, {60, [3]int{5, 6, 7}},
		{120, [3]int{5, 6, 7}}, {120.01, [3]int{0, 0, 0}},
	}
	for _, c := range intervals {
		for g := range 3 {
			if got := category(g, c.min); got != c.cats[g] {
				t.Errorf("interval %v min, group %c: category %d, want %d", c.min, 'A'+g, got, c.cats[g])
			}
		}
	}
	// Quality class by category (I–VII) and distance.
	want := [7]string{"AABC", "ABCD", "BCDE", "CDEF", "DEF-", "EF--", "F---"}
	distances := []struct {
		m   float64
		col int
	}{{0, 0}, {300, 0}, {300.5, 1}, {500, 1}, {500.5, 2}, {750, 2}, {750.5, 3}, {1000, 3}, {1000.5, 4}}
	for cat := 1; cat <= 7; cat++ {
		for _, d := range distances {
			w := "-"
			if d.col < 4 {
				w = want[cat-1][d.col : d.col+1]
			}
			got := classOf(cat, d.m).String()
			if w == "-" {
				w = "not served"
			}
			if got != w {
				t.Errorf("category %d at %v m: %s, want %s", cat, d.m, got, w)
			}
		}
	}
	if classOf(0, 10) != NotServed {
		t.Error("no category must mean not served")
	}
	// 840 minutes between 06:00 and 20:00; 84 departures are 42 per
	// direction, every 20 minutes.
	if interval(84) != 20 {
		t.Errorf("interval(84) = %v", interval(84))
	}
	for ai, band := range map[float64]string{0: "0", 2.5: "1a", 2.51: "1b", 5: "1b", 10: "2", 15: "3", 20: "4", 25: "5", 40: "6a", 40.1: "6b"} {
		if got := ptalBand(ai); got != band {
			t.Errorf("PTAL %v: band %s, want %s", ai, got, band)
		}
	}
}
