package catalogue

import (
	"math/rand/v2"
	"testing"

	"github.com/verken/verken/data"
	"github.com/verken/verken/search"
	"github.com/verken/verken/search/searchtest"
)

// Every point within the radius, by the distance the engine reports, lies
// in a cell that near reads and passes the flat-earth bound: from points
// all over Belgium, at every bearing, from a few metres to the largest
// radius, and just inside the circle, where a short range shows.
func TestGridHoldsTheWholeCircle(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	for range 20000 {
		pt := point{lat: 49.5 + r.Float64()*2, lon: 2.5 + r.Float64()*4, ok: true}
		radius := []float64{0.01 + r.Float64()*5, 5 + r.Float64()*45, r.Float64() * search.MaxRadiusKm}[r.IntN(3)]
		away := radius * []float64{1, 1 - 1e-9, r.Float64()}[r.IntN(3)]
		lat, lon := searchtest.Destination(pt.lat, pt.lon, r.Float64()*360, away)
		if data.DistanceKm(pt.lat, pt.lon, lat, lon) > radius {
			continue // rounding put it just outside
		}
		lo, hi := cellRange(pt, radius)
		if c := cellOf(lat, lon); c.lat < lo.lat || c.lat > hi.lat || c.lon < lo.lon || c.lon > hi.lon {
			t.Fatalf("%.6f,%.6f lies %.4f km from %.6f,%.6f (radius %g) in cell %v, outside the cells read %v–%v",
				lat, lon, away, pt.lat, pt.lon, radius, c, lo, hi)
		}
		if b := (radius*1.05 + 1) * (radius*1.05 + 1); flatKm2(pt, lat, lon, kmPerLon(pt.lat)) > b {
			t.Fatalf("%.6f,%.6f lies %.4f km from %.6f,%.6f (radius %g) and fails the flat-earth bound", lat, lon, away, pt.lat, pt.lon, radius)
		}
	}
}
