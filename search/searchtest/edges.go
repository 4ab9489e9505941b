package searchtest

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"testing"

	"github.com/verken/verken/data"
	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/testenv"
	"github.com/verken/verken/search"
)

// The edge of the circle. An engine that finds who is near through a grid
// or a bounding box first misses the suppliers just inside the circle when
// its box is short — and sites at random seldom lie in the few metres
// where it is. So the suite places suppliers there on purpose: just inside
// the circle due east, west, north and south of a point, each a metre past
// a line of round degrees (where grids cut their cells), and one just
// outside on the other side.

// probePrefix starts the ids of the placed suppliers, which the changes
// leave alone.
const probePrefix = "edge-"

// earthKm is the mean radius of the earth, the one data.DistanceKm uses.
const earthKm = 6371.0088

// Destination is the point km away from (lat, lon) at a bearing in degrees
// from north, on the sphere data.DistanceKm measures on.
func Destination(lat, lon, bearing, km float64) (float64, float64) {
	rad := math.Pi / 180
	p1, l1, th, d := lat*rad, lon*rad, bearing*rad, km/earthKm
	p2 := math.Asin(math.Sin(p1)*math.Cos(d) + math.Cos(p1)*math.Sin(d)*math.Cos(th))
	l2 := l1 + math.Atan2(math.Sin(th)*math.Sin(d)*math.Cos(p1), math.Cos(d)-math.Sin(p1)*math.Sin(p2))
	return p2 / rad, l2 / rad
}

// edgeProbe is a near query with a supplier just inside its circle and
// one just outside.
type edgeProbe struct {
	what            string
	near            string
	radiusKm        float64
	inside, outside string // supplier ids
}

// placeEdgeProbes creates the placed suppliers and returns the queries
// that must find them.
func placeEdgeProbes(t *testing.T, store *directory.Store, g *data.Gazetteer) []edgeProbe {
	t.Helper()
	const past = 1e-5 // degrees past the round line: about a metre
	type way struct {
		name    string
		bearing float64 // from the query's point to the supplier inside
		lat     [3]float64
		lon     [3]float64
	}
	ways := []way{
		{"east", 90, [3]float64{51.05, 50.95, 51.15}, [3]float64{3.5 + past, 4.9 + past, 4.2 + past}},
		{"west", 270, [3]float64{51.05, 50.95, 51.15}, [3]float64{3.5 - past, 4.9 - past, 4.2 - past}},
		{"north", 0, [3]float64{51.0 + past, 50.9 + past, 51.2 + past}, [3]float64{3.75, 4.45, 5.15}},
		{"south", 180, [3]float64{51.0 - past, 50.9 - past, 51.2 - past}, [3]float64{3.75, 4.45, 5.15}},
	}
	radii := [3]float64{18.1, 25, 3.3}
	var probes []edgeProbe
	n := 0
	create := func(id, name string, lat, lon float64) {
		t.Helper()
		n++
		m, _ := g.NearestMunicipality(lat, lon)
		s := &directory.Supplier{
			ID: id, Name: name, Kind: directory.KindRegulier,
			EnterpriseNumber: directory.EnterpriseNumberWithCheck(2000000 + n),
			Sites:            []directory.Site{{ID: "s1", Postcode: m.Postcodes[0], Lat: lat, Lon: lon}},
			Offers:           []directory.Offer{{Task: "office-cleaning", FreeFTE: 1, AtClientSite: true}},
			CreatedAt:        testenv.Reference, UpdatedAt: testenv.Reference, ConfirmedAt: testenv.Reference,
		}
		if err := store.Create(s); err != nil {
			t.Fatalf("placing %s: %v", id, err)
		}
	}
	for _, w := range ways {
		for i, r := range radii {
			lat, lon := w.lat[i], w.lon[i]
			// The query's point lies r - 10 m from the supplier inside,
			// opposite the way it looks; the supplier outside lies r + 10 m
			// from the point the other way.
			plat, plon := Destination(lat, lon, w.bearing+180, r-0.01)
			olat, olon := Destination(plat, plon, w.bearing+180, r+0.01)
			p := edgeProbe{
				what:     fmt.Sprintf("a supplier %.2f km due %s of the point, radius %g", r-0.01, w.name, r),
				near:     strconv.FormatFloat(plat, 'f', -1, 64) + "," + strconv.FormatFloat(plon, 'f', -1, 64),
				radiusKm: r,
				inside:   fmt.Sprintf("%s%s-%d-in", probePrefix, w.name, i),
				outside:  fmt.Sprintf("%s%s-%d-out", probePrefix, w.name, i),
			}
			create(p.inside, fmt.Sprintf("Randproef %s %d binnen", w.name, i), lat, lon)
			create(p.outside, fmt.Sprintf("Randproef %s %d buiten", w.name, i), olat, olon)
			probes = append(probes, p)
		}
	}
	return probes
}

// checkEdges asks each probe's query: the supplier inside must be found,
// the one outside not, and the whole answer must agree with the brute
// force.
func checkEdges(c *checker, probes []edgeProbe) {
	t := c.t
	t.Helper()
	for _, p := range probes {
		q := search.Query{Near: p.near, RadiusKm: p.radiusKm, Today: c.o.today, PerPage: search.MaxPerPage}
		all, _, err := c.e.All(q, noLimit)
		if err != nil {
			t.Fatalf("near=%s radius %g: %v", p.near, p.radiusKm, err)
		}
		got := ids(all)
		if !slices.Contains(got, p.inside) {
			t.Errorf("near=%s radius %g: %s (%s) is not found", p.near, p.radiusKm, p.what, p.inside)
		}
		if slices.Contains(got, p.outside) {
			t.Errorf("near=%s radius %g: %s, 10 m beyond the radius the other way, is found", p.near, p.radiusKm, p.outside)
		}
		if t.Failed() {
			continue
		}
		c.check(q, nil)
	}
	if t.Failed() {
		t.FailNow()
	}
}
