package search

import (
	"errors"
	"fmt"
	"strings"

	"github.com/verken/verken/data"
)

// ResolvePlace reads a place as people type it — "lat,lon", a postcode, or
// a current or former municipality name — as a point, through the
// gazetteer; param names the parameter in the *ParamError.
func ResolvePlace(places *data.Gazetteer, param, text string) (lat, lon float64, err error) {
	lat, lon, err = places.ResolvePoint(text)
	if pe := (*data.PlaceError)(nil); errors.As(err, &pe) {
		return 0, 0, &ParamError{Param: param, Value: pe.Text, Code: pe.Code, Reason: pe.Reason}
	}
	return lat, lon, err
}

// ResolveServed reads a place that must lie in Flanders or Brussels — a
// place of execution, a place whose public transport is asked — as a
// point and the municipality whose service areas count: a name or
// postcode its municipality, "lat,lon" the one data.Gazetteer.Served
// gives, and a point outside the area a *ParamError (outside_area).
func ResolveServed(places *data.Gazetteer, param, text string) (lat, lon float64, m data.Municipality, err error) {
	lat, lon, err = ResolvePlace(places, param, text)
	if err != nil {
		return 0, 0, data.Municipality{}, err
	}
	if m, ok := places.ResolveMunicipality(text); ok {
		return lat, lon, m, nil
	}
	m, ok := places.Served(lat, lon)
	if !ok {
		return 0, 0, data.Municipality{}, &ParamError{Param: param, Value: strings.TrimSpace(text), Code: "outside_area",
			Reason: fmt.Sprintf("%q lies outside Flanders and Brussels", strings.TrimSpace(text))}
	}
	return lat, lon, m, nil
}
