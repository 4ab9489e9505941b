package catalogue_test

import (
	"strconv"
	"testing"

	"github.com/verken/verken/data"
	"github.com/verken/verken/search"
	"github.com/verken/verken/search/searchtest"
)

// A supplier 18.09 km due east (or west) of a place is found with radius
// 18.1, also when it lies just past the line between two of the grid's
// cells: the defect a PostgreSQL peer showed, where the longitude
// half-width of the cells to read was taken flat (111.32 km a degree at the
// equator, where the great-circle distance uses 111.195) and fell about
// 20 m short at 18 km.
func TestNearReachesTheEastAndWestEdge(t *testing.T) {
	const lat, radius, away = 51.05, 18.1, 18.09
	// Two suppliers two metres apart, either side of a line of the 0.1°
	// grid; the place asked for lies 18.09 km due west of the eastern one,
	// then due east of the western one. Both are within 18.1 km each time,
	// and the one past the line is the one a short cell range misses.
	east := supplier(1, "Oostrand", "9000")
	east.Sites[0].Lat, east.Sites[0].Lon = lat, 3.7+1e-5
	west := supplier(2, "Westrand", "9000")
	west.Sites[0].Lat, west.Sites[0].Lon = lat, 3.7-1e-5
	b := buildIndex(t, east, west)
	for _, c := range []struct {
		from    string
		lon     float64
		bearing float64 // from the supplier to the place
	}{{"east of the place", east.Sites[0].Lon, 270}, {"west of the place", west.Sites[0].Lon, 90}} {
		plat, plon := searchtest.Destination(lat, c.lon, c.bearing, away)
		for _, s := range []float64{east.Sites[0].Lon, west.Sites[0].Lon} {
			if d := data.DistanceKm(plat, plon, lat, s); d > radius {
				t.Fatalf("a supplier lies %.4f km from the place, not within %g", d, radius)
			}
		}
		near := strconv.FormatFloat(plat, 'f', -1, 64) + "," + strconv.FormatFloat(plon, 'f', -1, 64)
		got := b.ids(t, search.Query{Near: near, RadiusKm: radius})
		expect(t, "a supplier 18.09 km "+c.from+", radius 18.1", got, "Oostrand", "Westrand")
	}
}
