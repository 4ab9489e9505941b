package ui

import (
	"fmt"
	"testing"
	"time"
)

// The limiter forgets keys whose attempts expired and never holds more
// than its bound, however many made-up keys come in.
func TestLimiterMemoryIsBounded(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	l := newLimiter(5, 15*time.Minute, func() time.Time { return now })
	l.maxKeys = 1000
	for i := range 5000 {
		l.take(fmt.Sprintf("made-up-%d@example.org", i))
	}
	if n := l.size(); n > l.maxKeys {
		t.Fatalf("%d keys kept, bound %d", n, l.maxKeys)
	}
	for range 5 {
		l.take("victim@example.org")
	}
	if l.take("victim@example.org") {
		t.Fatal("a sixth attempt within the window passed")
	}
	now = now.Add(16 * time.Minute)
	if !l.take("someone@example.org") {
		t.Fatal("a new key was refused")
	}
	if n := l.size(); n != 1 {
		t.Fatalf("%d keys kept after every other attempt expired", n)
	}
	if !l.take("victim@example.org") {
		t.Fatal("the window passed but the key is still blocked")
	}
}
