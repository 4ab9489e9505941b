package transit_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/verken/verken/internal/testenv"
	"github.com/verken/verken/transit"
)

// The demo network imports like any feed and gives the range of classes a
// demo needs: a metro in Brussels, trams in Antwerp and Ghent, buses
// nearly everywhere, and villages that are poorly served or not at all.
func TestSyntheticFeed(t *testing.T) {
	g, _ := testenv.Tables(t)
	start := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	zipped, err := transit.SyntheticFeed(g, start)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := transit.SyntheticFeed(g, start)
	if string(again) != string(zipped) {
		t.Fatal("the synthetic feed is not the same twice")
	}
	path := filepath.Join(t.TempDir(), "demo.zip")
	if err := os.WriteFile(path, zipped, 0o644); err != nil {
		t.Fatal(err)
	}
	snap, err := transit.Import([]transit.Source{{Name: transit.SyntheticFeedName, Path: path}},
		transit.Options{Today: start, Synthetic: map[string]bool{transit.SyntheticFeedName: true}})
	if err != nil {
		t.Fatal(err)
	}
	if snap.ReferenceDay != "2026-11-24" || !snap.Feeds[0].Synthetic {
		t.Fatalf("reference day %s, feeds %+v", snap.ReferenceDay, snap.Feeds)
	}
	net := transit.NewNetwork(snap)
	classes := map[transit.Class]int{}
	for _, m := range g.Municipalities() {
		classes[net.Lookup(m.Lat, m.Lon).Class]++
	}
	t.Logf("classes at the %d municipality centres: %v", len(g.Municipalities()), classes)
	for _, c := range []transit.Class{transit.ClassA, transit.ClassB, transit.ClassC, transit.NotServed} {
		if classes[c] == 0 {
			t.Errorf("no municipality centre of class %s", c)
		}
	}
	// Class, the catalogue's short way, agrees with the full lookup at the
	// centres and at points around them, where stops are near the limits.
	for _, m := range g.Municipalities() {
		for _, d := range [][2]float64{{0, 0}, {0.004, 0}, {0, -0.006}, {-0.009, 0.011}} {
			lat, lon := m.Lat+d[0], m.Lon+d[1]
			if got, want := net.Class(lat, lon), net.Lookup(lat, lon).Class; got != want {
				t.Fatalf("at %.4f,%.4f Class says %s, Lookup %s", lat, lon, got, want)
			}
		}
	}
	brussels, _ := g.ResolveMunicipality("Brussel")
	if r := net.Lookup(brussels.Lat, brussels.Lon); r.Class != transit.ClassA {
		t.Errorf("central Brussels: class %s", r.Class)
	}
}
