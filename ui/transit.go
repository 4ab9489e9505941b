package ui

import (
	"fmt"
	"math"

	"github.com/gofiber/fiber/v2"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/search"
	"github.com/verken/verken/transit"
)

// apiReach is the body of GET /api/v1/reachability.
type apiReach struct {
	Place struct {
		Query string  `json:"query"`
		Lat   float64 `json:"lat"`
		Lon   float64 `json:"lon"`
	} `json:"place"`
	transit.Reach
	Synthetic bool `json:"synthetic"` // the network is the generated demo one
}

// apiReachability tells how well a place is served by public transport.
func (s *server) apiReachability(c *fiber.Ctx) error {
	q := c.Query("near")
	if q == "" {
		return c.Status(fiber.StatusBadRequest).JSON(apiError{Error: "invalid_parameter", Param: "near", Reason: "give a postcode, a municipality or lat,lon"})
	}
	lat, lon, _, err := search.ResolveServed(s.Places, "near", q)
	if handled, err := paramErrorJSON(c, err); handled || err != nil {
		return err
	}
	n := s.Transit.Get()
	if n == nil {
		return c.Status(fiber.StatusServiceUnavailable).JSON(apiError{Error: "no_network", Reason: "no public-transport network is imported: run verken transit import"})
	}
	out := apiReach{Reach: n.Lookup(lat, lon)}
	out.Place.Query, out.Place.Lat, out.Place.Lon = q, lat, lon
	for _, f := range out.Feeds {
		out.Synthetic = out.Synthetic || f.Synthetic
	}
	return c.JSON(out)
}

// siteReach is a site with how well it is served.
type siteReach struct {
	Site        directory.Site
	Reach       transit.Reach
	Explanation string
	Nearest     []transit.StopReach
}

// reachOfSites looks up every site of a supplier, nil without a network.
func (s *server) reachOfSites(lang string, sup directory.Supplier) []siteReach {
	n := s.Transit.Get()
	if n == nil {
		return nil
	}
	var out []siteReach
	for _, site := range sup.Sites {
		r := n.Lookup(site.Lat, site.Lon)
		sr := siteReach{Site: site, Reach: r, Explanation: s.explain(lang, r)}
		sr.Nearest = r.Stops[:min(3, len(r.Stops))]
		out = append(out, sr)
	}
	return out
}

// explain says in plain words what gives a place its class: "tram elke 7
// minuten op 180 m".
func (s *server) explain(lang string, r transit.Reach) string {
	best, ok := r.Best()
	if !ok {
		return s.catalog.T(lang, "transit.none")
	}
	every := formatNumber(lang, math.Round(best.IntervalMin))
	return s.catalog.T(lang, "transit.explain", s.catalog.T(lang, "transit.mode."+best.BestMode.String()), every, best.DistanceM)
}

// networkNote names the reference day and the feeds behind the classes.
func (s *server) networkNote(lang string) string {
	n := s.Transit.Get()
	if n == nil {
		return ""
	}
	snap := n.Snapshot()
	names := ""
	for i, f := range snap.Feeds {
		if i > 0 {
			names += ", "
		}
		names += f.Name
		if f.Synthetic {
			names += " (" + s.catalog.T(lang, "transit.synthetic") + ")"
		}
	}
	d, err := directory.ParseDate(snap.ReferenceDay)
	if err != nil {
		return fmt.Sprintf("%s: %s", snap.ReferenceDay, names)
	}
	return s.catalog.T(lang, "transit.note", formatDate(lang, d.Time()), names)
}
