package ui_test

import (
	"testing"
)

// The maps' labels: every municipality's name at its point, in the
// reader's language.
func TestMapPlaces(t *testing.T) {
	s := startServer(t, 0)
	var places []struct {
		Name string  `json:"name"`
		Lat  float64 `json:"lat"`
		Lon  float64 `json:"lon"`
	}
	if code := s.get(t, "/kaart/gemeenten.json?lang=fr", &places); code != 200 || len(places) < 300 {
		t.Fatalf("places: %d, %d", code, len(places))
	}
	found := false
	for _, p := range places {
		found = found || p.Name == "Gand" && p.Lat > 51 && p.Lat < 51.1 && p.Lon > 3.6 && p.Lon < 3.8
	}
	if !found {
		t.Error("Ghent is not named Gand in French")
	}
}
