package ui

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/verken/verken/market"
	"github.com/verken/verken/search"
	"github.com/verken/verken/transit"
)

// Journeys by public transport (issue 17): the best journey between two
// places, and the area from which one arrives at a place by a time. Both
// read the imported network with RAPTOR (transit.Network.ArriveBy and
// DepartAt); transit's types carry no JSON tags, so the answers are
// written in the types below.

// apiPlace is a place as asked and the point it resolved to.
type apiPlace struct {
	Query string  `json:"query"`
	Lat   float64 `json:"lat"`
	Lon   float64 `json:"lon"`
}

// apiClock is a time of a journey on a 24-hour clock. A journey runs on
// the reference day; past midnight it reads "00:13" with next_day, never
// "24:13", and before the day (a journey that must leave the evening
// before) with day_before.
type apiClock struct {
	Time      string `json:"time"` // HH:MM
	NextDay   bool   `json:"next_day"`
	DayBefore bool   `json:"day_before,omitempty"`
}

func clockOf(d time.Duration) apiClock {
	s, day := transit.Clock(d)
	return apiClock{Time: s, NextDay: day > 0, DayBefore: day < 0}
}

// apiLegEnd is where a leg starts or ends: a stop, or the place asked.
type apiLegEnd struct {
	Name   string  `json:"name"`
	StopID string  `json:"stop_id,omitempty"`
	Feed   string  `json:"feed,omitempty"`
	Lat    float64 `json:"lat"`
	Lon    float64 `json:"lon"`
}

// apiLeg is a walk or a ride.
type apiLeg struct {
	Kind    string    `json:"kind"`           // "walk" or "ride"
	Line    string    `json:"line,omitempty"` // a ride's line
	Mode    string    `json:"mode"`           // walk, rail, metro, tram, bus, other
	From    apiLegEnd `json:"from"`
	To      apiLegEnd `json:"to"`
	Depart  apiClock  `json:"depart"`
	Arrive  apiClock  `json:"arrive"`
	Minutes int       `json:"minutes"`
	// DistanceM is a walk's straight-line distance.
	DistanceM int `json:"distance_m,omitempty"`
}

// apiJourney is a journey door to door.
type apiJourney struct {
	Depart          apiClock `json:"depart"`
	Arrive          apiClock `json:"arrive"`
	DurationMinutes int      `json:"duration_minutes"`
	Transfers       int      `json:"transfers"`
	Legs            []apiLeg `json:"legs"`
}

// apiJourneyResult is the body of GET /api/v1/journeys.
type apiJourneyResult struct {
	From     apiPlace `json:"from"`
	To       apiPlace `json:"to"`
	ArriveBy string   `json:"arrive_by,omitempty"`
	DepartAt string   `json:"depart_at,omitempty"`
	// Found is false when no journey with at most MaxTransfers changes
	// gets there (by arrive_by, or at all after depart_at).
	Found        bool        `json:"found"`
	Journey      *apiJourney `json:"journey,omitempty"`
	MaxTransfers int         `json:"max_transfers"`
	ReferenceDay string      `json:"reference_day"`
	Synthetic    bool        `json:"synthetic"` // the network is the generated demo one
}

// badParam answers 400 naming the parameter.
func badParam(c *fiber.Ctx, param, value, reason string) error {
	_, err := paramErrorJSON(c, &search.ParamError{Param: param, Value: value, Reason: reason})
	return err
}

// noNetwork answers 503 when no network is imported.
func noNetwork(c *fiber.Ctx) error {
	return c.Status(fiber.StatusServiceUnavailable).JSON(apiError{Error: "no_network", Reason: "no public-transport network is imported: run verken transit import"})
}

// formatTimeOfDay writes a time after midnight as HH:MM.
func formatTimeOfDay(d time.Duration) string {
	return fmt.Sprintf("%02d:%02d", int(d/time.Hour), int(d%time.Hour/time.Minute))
}

// servedPlace resolves a place parameter that must lie in Flanders or
// Brussels; empty text is a *search.ParamError too.
func (s *server) servedPlace(param, text string) (apiPlace, error) {
	if strings.TrimSpace(text) == "" {
		return apiPlace{}, &search.ParamError{Param: param, Code: "required", Reason: "give a postcode, a municipality or lat,lon"}
	}
	lat, lon, _, err := search.ResolveServed(s.Places, param, text)
	if err != nil {
		return apiPlace{}, err
	}
	return apiPlace{Query: strings.TrimSpace(text), Lat: lat, Lon: lon}, nil
}

func minutesOf(d time.Duration) int { return int(d.Round(time.Minute) / time.Minute) }

func isSynthetic(n *transit.Network) bool {
	for _, f := range n.Snapshot().Feeds {
		if f.Synthetic {
			return true
		}
	}
	return false
}

// journeyJSON writes a transit.Journey; from and to name the places it
// starts and ends at when a leg starts or ends off a stop.
func journeyJSON(j transit.Journey, from, to apiPlace) *apiJourney {
	out := &apiJourney{Depart: clockOf(j.Depart), Arrive: clockOf(j.Arrive), DurationMinutes: minutesOf(j.Duration()),
		Transfers: j.Transfers, Legs: make([]apiLeg, 0, len(j.Legs))}
	end := func(p transit.LegPlace, first bool) apiLegEnd {
		if p.Stop >= 0 {
			return apiLegEnd{Name: p.Name, StopID: p.ID, Feed: p.Feed, Lat: p.Lat, Lon: p.Lon}
		}
		if first {
			return apiLegEnd{Name: from.Query, Lat: p.Lat, Lon: p.Lon}
		}
		return apiLegEnd{Name: to.Query, Lat: p.Lat, Lon: p.Lon}
	}
	for i, l := range j.Legs {
		leg := apiLeg{Kind: "ride", Line: l.Line, Mode: l.Mode.String(), From: end(l.From, i == 0), To: end(l.To, false),
			Depart: clockOf(l.Depart), Arrive: clockOf(l.Arrive), Minutes: minutesOf(l.Arrive - l.Depart)}
		if l.Walk {
			leg.Kind, leg.Line, leg.DistanceM = "walk", "", l.DistanceM
		}
		out.Legs = append(out.Legs, leg)
	}
	return out
}

// apiJourneys answers GET /api/v1/journeys.
func (s *server) apiJourneys(c *fiber.Ctx) error {
	from, err := s.servedPlace("from", c.Query("from"))
	if handled, err := paramErrorJSON(c, err); handled || err != nil {
		return err
	}
	to, err := s.servedPlace("to", c.Query("to"))
	if handled, err := paramErrorJSON(c, err); handled || err != nil {
		return err
	}
	arrive, depart := c.Query("arrive_by"), c.Query("depart_at")
	switch {
	case arrive == "" && depart == "":
		return badParam(c, "arrive_by", "", "give arrive_by or depart_at as HH:MM")
	case arrive != "" && depart != "":
		return badParam(c, "depart_at", depart, "give arrive_by or depart_at, not both")
	}
	param, text := "arrive_by", arrive
	if depart != "" {
		param, text = "depart_at", depart
	}
	at, ok := parseTimeOfDay(text)
	if !ok {
		return badParam(c, param, text, "is not a time of day such as 07:30")
	}
	n := s.Transit.Get()
	if n == nil {
		return noNetwork(c)
	}
	out := apiJourneyResult{From: from, To: to, MaxTransfers: transit.DefaultMaxTransfers,
		ReferenceDay: n.Snapshot().ReferenceDay, Synthetic: isSynthetic(n)}
	var j transit.Journey
	if arrive != "" {
		out.ArriveBy = formatTimeOfDay(at)
		j, ok = n.ArriveBy(to.Lat, to.Lon, at, transit.DefaultMaxTransfers).From(from.Lat, from.Lon)
	} else {
		out.DepartAt = formatTimeOfDay(at)
		j, ok = n.DepartAt(from.Lat, from.Lon, at, transit.DefaultMaxTransfers).To(to.Lat, to.Lon)
	}
	if ok {
		out.Found, out.Journey = true, journeyJSON(j, from, to)
	}
	return c.JSON(out)
}

// Travel-time bands of the reachability area, in minutes.
var areaBands = []int{30, 45, 60}

// Area limits: the longest travel time one may ask, and its default.
const (
	maxAreaMinutes     = 120
	defaultAreaMinutes = 60
	defaultArriveBy    = 7 * time.Hour
)

// apiAreaStop is a stop from which one arrives at the place in time.
type apiAreaStop struct {
	ID     string   `json:"id"`
	Feed   string   `json:"feed"`
	Name   string   `json:"name"`
	Lat    float64  `json:"lat"`
	Lon    float64  `json:"lon"`
	Depart apiClock `json:"depart"` // the latest departure from the stop
	// Minutes from leaving the stop to the time asked.
	Minutes   int `json:"minutes"`
	Band      int `json:"band"` // the smallest band of bands it falls in
	Transfers int `json:"transfers"`
}

// apiAreaBand counts the stops of one band.
type apiAreaBand struct {
	Minutes int `json:"minutes"`
	Stops   int `json:"stops"`
}

// apiArea is the body of GET /api/v1/reachability/area.
type apiArea struct {
	Place        apiPlace      `json:"place"`
	ArriveBy     string        `json:"arrive_by"`
	MaxMinutes   int           `json:"max_minutes"`
	MaxTransfers int           `json:"max_transfers"`
	Bands        []apiAreaBand `json:"bands"`
	// Stops are sorted by minutes, then name; never null.
	Stops        []apiAreaStop `json:"stops"`
	ReferenceDay string        `json:"reference_day"`
	Synthetic    bool          `json:"synthetic"`
}

// areaQuery is a checked reachability-area request.
type areaQuery struct {
	place      apiPlace
	by         time.Duration
	maxMinutes int
}

// readAreaQuery reads place, arrive_by (default 07:00) and max_minutes
// (default 60, at most 120); an error is a *search.ParamError.
func (s *server) readAreaQuery(place, arriveBy, maxMinutes string) (areaQuery, error) {
	q := areaQuery{by: defaultArriveBy, maxMinutes: defaultAreaMinutes}
	var err error
	if q.place, err = s.servedPlace("place", place); err != nil {
		return q, err
	}
	if arriveBy != "" {
		var ok bool
		if q.by, ok = parseTimeOfDay(arriveBy); !ok {
			return q, &search.ParamError{Param: "arrive_by", Value: arriveBy, Code: "invalid_time", Reason: "is not a time of day such as 07:00"}
		}
	}
	if maxMinutes != "" {
		m, err := strconv.Atoi(strings.TrimSpace(maxMinutes))
		if err != nil || m < 1 || m > maxAreaMinutes {
			return q, &search.ParamError{Param: "max_minutes", Value: maxMinutes, Code: "invalid_minutes",
				Reason: fmt.Sprintf("give a whole number of minutes from 1 to %d", maxAreaMinutes)}
		}
		q.maxMinutes = m
	}
	return q, nil
}

// bandsFor are the bands up to max: 30, 45, 60 and max itself.
func bandsFor(max int) []int {
	var out []int
	for _, b := range areaBands {
		if b < max {
			out = append(out, b)
		}
	}
	return append(out, max)
}

// area works out the stops from which one arrives at the place in time.
func area(n *transit.Network, q areaQuery) apiArea {
	out := apiArea{Place: q.place, ArriveBy: formatTimeOfDay(q.by), MaxMinutes: q.maxMinutes, MaxTransfers: transit.DefaultMaxTransfers,
		Stops: []apiAreaStop{}, ReferenceDay: n.Snapshot().ReferenceDay, Synthetic: isSynthetic(n)}
	bands := bandsFor(q.maxMinutes)
	count := make([]int, len(bands))
	c := n.ArriveBy(q.place.Lat, q.place.Lon, q.by, transit.DefaultMaxTransfers)
	stops := n.Snapshot().Stops
	for i := range stops {
		t, transfers, ok := c.At(i)
		if !ok {
			continue
		}
		m := minutesOf(q.by - t)
		if m > q.maxMinutes {
			continue
		}
		b := sort.SearchInts(bands, m)
		count[b]++
		st := &stops[i]
		out.Stops = append(out.Stops, apiAreaStop{ID: st.ID, Feed: st.Feed, Name: st.Name, Lat: st.Lat, Lon: st.Lon,
			Depart: clockOf(t), Minutes: m, Band: bands[b], Transfers: transfers})
	}
	sort.Slice(out.Stops, func(i, j int) bool {
		a, b := out.Stops[i], out.Stops[j]
		if a.Minutes != b.Minutes {
			return a.Minutes < b.Minutes
		}
		return a.Name < b.Name
	})
	for i, b := range bands {
		out.Bands = append(out.Bands, apiAreaBand{Minutes: b, Stops: count[i]})
	}
	return out
}

// apiReachabilityArea answers GET /api/v1/reachability/area.
func (s *server) apiReachabilityArea(c *fiber.Ctx) error {
	q, err := s.readAreaQuery(c.Query("place"), c.Query("arrive_by"), c.Query("max_minutes"))
	if handled, err := paramErrorJSON(c, err); handled || err != nil {
		return err
	}
	n := s.Transit.Get()
	if n == nil {
		return noNetwork(c)
	}
	return c.JSON(area(n, q))
}

// The reachability page draws the area as an inline SVG: no tile server,
// no script. Stops are dots coloured (and sized) by band, the place a
// cross, with a scale bar, a legend, and a table of the same stops.

// bandColours are the Okabe-Ito colours, told apart by colour-blind
// readers, quickest first.
var bandColours = []string{"#0072B2", "#009E73", "#E69F00", "#D55E00"}

const (
	svgWidth  = 640
	svgHeight = 480
	svgPad    = 24
	// maxTableRows bounds the table of the page (the API has every stop).
	maxTableRows = 300
	// maxMapDots bounds the dots of the drawing, the quickest first: a
	// whole network at two hours would make the page megabytes.
	maxMapDots = 3000
)

type svgDot struct {
	X, Y, R float64
	Fill    string
	Title   string
}

type legendEntry struct {
	Fill  string
	R     float64
	Label string
}

type areaRow struct {
	Name      string
	Minutes   int
	Band      int
	Fill      string
	Depart    string
	Transfers int
}

// areaView is what the reachability page shows.
type areaView struct {
	Place, ArriveBy, MaxMinutes string // as typed, to keep the form filled in
	Error                       string
	ErrorParam                  string
	NoNetwork                   bool
	Asked                       bool
	Map                         *areaMap
	Note                        string
}

type areaMap struct {
	Width, Height  int
	Dots           []svgDot
	PlaceX, PlaceY float64
	PlaceLabel     string
	ScaleX1        float64
	ScaleX2        float64
	ScaleY         float64
	ScaleLabel     string
	Legend         []legendEntry
	Summary        string
	Rows           []areaRow
	Total          int
	Truncated      bool
	APIURL         string
}

func (s *server) reachabilityPage(c *fiber.Ctx) error {
	lang := s.lang(c)
	v := areaView{Place: c.Query("place"), ArriveBy: c.Query("arrive_by"), MaxMinutes: c.Query("max_minutes")}
	if v.ArriveBy == "" {
		v.ArriveBy = formatTimeOfDay(defaultArriveBy)
	}
	if v.MaxMinutes == "" {
		v.MaxMinutes = strconv.Itoa(defaultAreaMinutes)
	}
	n := s.Transit.Get()
	v.NoNetwork = n == nil
	v.Note = s.networkNote(lang)
	status := fiber.StatusOK
	if c.Query("place") != "" || c.Query("arrive_by") != "" || c.Query("max_minutes") != "" {
		v.Asked = true
		q, err := s.readAreaQuery(c.Query("place"), c.Query("arrive_by"), c.Query("max_minutes"))
		var pe *search.ParamError
		switch {
		case errors.As(err, &pe):
			status, v.ErrorParam = fiber.StatusBadRequest, pe.Param
			v.Error = s.areaParamMessage(lang, pe)
		case err != nil:
			return err
		case n == nil:
			status = fiber.StatusServiceUnavailable
		default:
			v.Map = s.drawArea(lang, area(n, q))
		}
	}
	return s.page(c, status, "reachability", "reach.title", v)
}

func (s *server) areaParamMessage(lang string, pe *search.ParamError) string {
	label := s.catalog.T(lang, "reach.field."+pe.Param)
	reason := pe.Reason
	if key := "reason." + pe.Code; s.catalog.Has(key) {
		reason = s.catalog.T(lang, key, pe.Value)
	}
	return s.catalog.T(lang, "reach.error", label, reason)
}

// drawArea lays the stops out on a flat map around the place: x east, y
// north, in km, scaled to fit.
func (s *server) drawArea(lang string, a apiArea) *areaMap {
	m := &areaMap{Width: svgWidth, Height: svgHeight, Total: len(a.Stops), PlaceLabel: a.Place.Query}
	m.APIURL = "/api/v1/reachability/area?place=" + url.QueryEscape(a.Place.Query) + "&arrive_by=" + a.ArriveBy + "&max_minutes=" + strconv.Itoa(a.MaxMinutes)
	const kmPerDeg = 111.32
	cosLat := math.Cos(a.Place.Lat * math.Pi / 180)
	xy := func(lat, lon float64) (float64, float64) {
		return (lon - a.Place.Lon) * kmPerDeg * cosLat, (lat - a.Place.Lat) * kmPerDeg
	}
	minX, maxX, minY, maxY := -1.0, 1.0, -1.0, 1.0 // at least 2 km across
	for _, st := range a.Stops {
		x, y := xy(st.Lat, st.Lon)
		minX, maxX, minY, maxY = math.Min(minX, x), math.Max(maxX, x), math.Min(minY, y), math.Max(maxY, y)
	}
	scale := math.Min((svgWidth-2*svgPad)/(maxX-minX), (svgHeight-2*svgPad-20)/(maxY-minY)) // px per km
	offX := svgPad + ((svgWidth-2*svgPad)-(maxX-minX)*scale)/2
	offY := svgPad + ((svgHeight-2*svgPad-20)-(maxY-minY)*scale)/2
	px := func(lat, lon float64) (float64, float64) {
		x, y := xy(lat, lon)
		return round1(offX + (x-minX)*scale), round1(offY + (maxY-y)*scale)
	}
	bands := make([]int, len(a.Bands))
	for i, b := range a.Bands {
		bands[i] = b.Minutes
	}
	style := func(band int) (string, float64) {
		i := sort.SearchInts(bands, band)
		return bandColours[min(i, len(bandColours)-1)], 6 - float64(min(i, 3))
	}
	// Slowest first, so the quickest dots are drawn on top.
	for i := min(len(a.Stops), maxMapDots) - 1; i >= 0; i-- {
		st := a.Stops[i]
		x, y := px(st.Lat, st.Lon)
		fill, r := style(st.Band)
		m.Dots = append(m.Dots, svgDot{X: x, Y: y, R: r, Fill: fill,
			Title: s.catalog.T(lang, "reach.dot", st.Name, st.Minutes)})
	}
	m.PlaceX, m.PlaceY = px(a.Place.Lat, a.Place.Lon)
	// The scale bar: the longest round length within a quarter of the width.
	length := 0.1
	for _, l := range []float64{0.2, 0.5, 1, 2, 5, 10, 20, 50, 100} {
		if l*scale <= svgWidth/4 {
			length = l
		}
	}
	m.ScaleX1, m.ScaleY = svgPad, svgHeight-svgPad/2-6
	m.ScaleX2 = round1(svgPad + length*scale)
	if length < 1 {
		m.ScaleLabel = fmt.Sprintf("%d m", int(length*1000))
	} else {
		m.ScaleLabel = formatNumber(lang, length) + " km"
	}
	prev := 0
	var parts []string
	for _, b := range a.Bands {
		fill, r := style(b.Minutes)
		label := s.catalog.T(lang, "reach.band", prev, b.Minutes, b.Stops)
		m.Legend = append(m.Legend, legendEntry{Fill: fill, R: r, Label: label})
		parts = append(parts, label)
		prev = b.Minutes
	}
	m.Summary = s.catalog.T(lang, "reach.summary", len(a.Stops), a.Place.Query, a.ArriveBy, a.MaxMinutes) + " " + strings.Join(parts, "; ") + "."
	for i, st := range a.Stops {
		if i == maxTableRows {
			m.Truncated = true
			break
		}
		fill, _ := style(st.Band)
		dep := st.Depart.Time
		if st.Depart.DayBefore {
			dep += " (" + s.catalog.T(lang, "reach.day_before") + ")"
		}
		m.Rows = append(m.Rows, areaRow{Name: st.Name, Minutes: st.Minutes, Band: st.Band, Fill: fill, Depart: dep, Transfers: st.Transfers})
	}
	return m
}

func round1(x float64) float64 { return math.Round(x*10) / 10 }

// parseTimeOfDay reads "07:30" the way the market check's shift settings
// are read.
func parseTimeOfDay(s string) (time.Duration, bool) {
	d, err := market.ParseClock(s)
	return d, err == nil
}
