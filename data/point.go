package data

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Codes of a PlaceError, stable for message catalogues (the ui's
// reason.invalid_point and reason.unknown_place).
const (
	PlaceInvalidPoint = "invalid_point" // "lat,lon" that is not two numbers in range
	PlaceUnknown      = "unknown_place" // no postcode, NIS code or municipality name
)

// PlaceError says why a text names no point. Text is the text as read
// (without surrounding space); Reason is English, for the API.
type PlaceError struct {
	Text   string
	Code   string // PlaceInvalidPoint or PlaceUnknown
	Reason string
}

func (e *PlaceError) Error() string { return e.Reason }

// ResolvePoint reads a place as people give it — "lat,lon", a postcode, a
// NIS code, or a current, French, former or sub-municipality name — as a
// point. The one rule: a text measures from the point of what it names. A
// postcode names its postal area and gives that area's own point (8000
// covers Brugge and Koolkerke, so its point is not Brugge's centre); a NIS
// code or a current municipality's name gives the municipality's centre;
// a former municipality's or a sub-municipality's name (Gooik, Kortessem,
// Mariakerke) gives that place's own point, not the centre of the
// municipality it merged into. The municipality whose service areas count
// is the same for all (ResolveMunicipality). Any text
// with a comma is taken as "lat,lon" (decimal points; the longitude, being
// after the one comma that separates, may also use a decimal comma), and
// must give a finite latitude in [-90, 90] and longitude in [-180, 180].
func (g *Gazetteer) ResolvePoint(text string) (lat, lon float64, err error) {
	text = strings.TrimSpace(text)
	if a, b, ok := strings.Cut(text, ","); ok {
		la, ok1 := coordinate(a, 90)
		lo, ok2 := coordinate(b, 180)
		if !ok1 || !ok2 {
			return 0, 0, &PlaceError{Text: text, Code: PlaceInvalidPoint, Reason: "is not a latitude,longitude pair"}
		}
		return la, lo, nil
	}
	m, ok := g.ResolveMunicipality(text)
	if !ok {
		return 0, 0, &PlaceError{Text: text, Code: PlaceUnknown, Reason: fmt.Sprintf("%q is not a postcode, a Flemish or Brussels municipality, or latitude,longitude", text)}
	}
	if pc, ok := g.Postcode(text); ok {
		return pc.Lat, pc.Lon, nil
	}
	if k := FoldName(text); k != FoldName(m.Name.NL) && k != FoldName(m.Name.FR) && k != m.NIS {
		if pl, ok := g.places[k]; ok && pl.NIS == m.NIS {
			return pl.Lat, pl.Lon, nil
		}
	}
	return m.Lat, m.Lon, nil
}

// coordinate reads one degree value within ±limit. It is strconv's own
// check, not the request-number table of internal/number, because this
// package imports nothing of ours; it reads as that table did for "lat"
// and "lon" (space trimmed, a decimal comma allowed, the same bounds).
// strconv.ParseFloat takes "NaN" and "Inf", and NaN passes every range
// comparison, so both are refused by name.
func coordinate(s string, limit float64) (float64, bool) {
	x, err := strconv.ParseFloat(strings.Replace(strings.TrimSpace(s), ",", ".", 1), 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) || x < -limit || x > limit {
		return 0, false
	}
	return x, true
}
