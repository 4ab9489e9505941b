package data

import (
	"fmt"
	"math"
)

// MaxServedKm bounds how far a point may lie from the nearest municipality
// centre of Flanders and Brussels and still be in the area.
const MaxServedKm = 15

// Served tells whether a point lies in Flanders or Brussels, and the
// municipality it counts as in: the one whose centre is nearest. A point
// is outside when that centre is more than MaxServedKm away, or when a
// place beyond the border (a Walloon, French or Dutch town or village of
// geo/outside.tsv) is nearer than every place of the gazetteer (municipality
// centres, postcode points and their places): Wavre is 4 km from
// Ottenburg, but nearer Wavre. The border is thus drawn half-way between
// places, to within a few hundred metres where the list is dense; every
// check of "is this point ours" goes through here.
func (g *Gazetteer) Served(lat, lon float64) (Municipality, bool) {
	m, km := g.NearestMunicipality(lat, lon)
	if km > MaxServedKm {
		return Municipality{}, false
	}
	inside := km
	for _, p := range g.postcodes {
		inside = math.Min(inside, DistanceKm(lat, lon, p.Lat, p.Lon))
		for _, pl := range p.Places {
			inside = math.Min(inside, DistanceKm(lat, lon, pl.Lat, pl.Lon))
		}
	}
	for _, o := range g.outside {
		if DistanceKm(lat, lon, o.Lat, o.Lon) < inside {
			return Municipality{}, false
		}
	}
	return m, true
}

// readOutside reads geo/outside.tsv.
func readOutside() ([]Place, error) {
	rows, err := readTSV("geo/outside.tsv", 3)
	if err != nil {
		return nil, err
	}
	out := make([]Place, 0, len(rows))
	for _, r := range rows {
		lat, lon, err := parseLatLon("outside place "+r[0], r[1], r[2])
		if err != nil {
			return nil, fmt.Errorf("geo/outside.tsv: %w", err)
		}
		out = append(out, Place{Name: r[0], Lat: lat, Lon: lon})
	}
	return out, nil
}
