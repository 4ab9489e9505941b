package fuzzy

import "testing"

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b  string
		limit int
		swaps bool
		want  int
	}{
		{"schoonmaak", "schoonmaak", 2, false, 0},
		{"schoonmak", "schoonmaak", 2, false, 1},
		{"schoonmaak", "schonomaak", 2, false, 2}, // a swap is two edits without swaps
		{"schoonmaak", "schonomaak", 2, true, 1},
		{"groen", "graan", 2, false, 2},
		{"groen", "vensters", 2, false, 3}, // beyond the limit: limit+1
		{"été", "ete", 2, false, 2},        // runes, not bytes
		{"", "ab", 2, false, 2},
	} {
		if got := Distance(c.a, c.b, c.limit, c.swaps); got != c.want {
			t.Errorf("Distance(%q, %q, %d, %v) = %d, want %d", c.a, c.b, c.limit, c.swaps, got, c.want)
		}
	}
}
