package search

import (
	"errors"

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
