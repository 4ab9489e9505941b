package transit

import (
	"compress/gzip"
	"encoding/gob"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync/atomic"
	"time"

	"github.com/verken/verken/data"
)

// Walking distances (DESIGN.md §6): rail stops up to 960 m, others up to
// 640 m, walking at 80 m a minute.
const (
	railWalkM     = 960
	otherWalkM    = 640
	walkMPerMin   = 80
	classMaxWalkM = 1000
)

// Windows of the day, in seconds.
const (
	dayStart  = 6 * 3600  // 06:00
	dayEnd    = 20 * 3600 // 20:00
	peakStart = 7 * 3600
	peakEnd   = 9 * 3600
)

// Class is an ÖV-Güteklasse, A (best) to F; NotServed is none.
type Class uint8

const (
	NotServed Class = iota
	ClassA
	ClassB
	ClassC
	ClassD
	ClassE
	ClassF
)

func (c Class) String() string {
	if c == NotServed || c > ClassF {
		return "not served"
	}
	return string(rune('A' + c - 1))
}

// MarshalText writes the class as its letter, or "not served".
func (c Class) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// ParseClass reads a class letter.
func ParseClass(s string) (Class, bool) {
	if len(s) == 1 && s[0] >= 'A' && s[0] <= 'F' {
		return Class(s[0]-'A') + ClassA, true
	}
	if len(s) == 1 && s[0] >= 'a' && s[0] <= 'f' {
		return Class(s[0]-'a') + ClassA, true
	}
	return NotServed, false
}

// group is a mode group of the class table: A rail and metro, B tram,
// C bus and the rest.
func group(m Mode) int {
	switch m {
	case ModeRail, ModeMetro:
		return 0
	case ModeTram:
		return 1
	}
	return 2
}

// category returns the stop category (1 = I … 7 = VII) for a mode group
// and an average interval in minutes, 0 when it is over 120 minutes.
func category(grp int, intervalMin float64) int {
	table := [6][3]int{{1, 1, 2}, {1, 2, 3}, {2, 3, 4}, {3, 4, 5}, {4, 5, 6}, {5, 6, 7}}
	var row int
	switch {
	case intervalMin < 5:
		row = 0
	case intervalMin < 10:
		row = 1
	case intervalMin < 20:
		row = 2
	case intervalMin < 40:
		row = 3
	case intervalMin < 60:
		row = 4
	case intervalMin <= 120:
		row = 5
	default:
		return 0
	}
	return table[row][grp]
}

// classOf returns the quality class of a stop category at a distance.
func classOf(cat int, distanceM float64) Class {
	if cat == 0 {
		return NotServed
	}
	table := [7][4]Class{
		{ClassA, ClassA, ClassB, ClassC},
		{ClassA, ClassB, ClassC, ClassD},
		{ClassB, ClassC, ClassD, ClassE},
		{ClassC, ClassD, ClassE, ClassF},
		{ClassD, ClassE, ClassF, NotServed},
		{ClassE, ClassF, NotServed, NotServed},
		{ClassF, NotServed, NotServed, NotServed},
	}
	var col int
	switch {
	case distanceM <= 300:
		col = 0
	case distanceM <= 500:
		col = 1
	case distanceM <= 750:
		col = 2
	case distanceM <= classMaxWalkM:
		col = 3
	default:
		return NotServed
	}
	return table[cat-1][col]
}

// interval is the average minutes between departures in one direction
// over 06:00–20:00: the departures are halved for the two directions.
func interval(departures int) float64 {
	if departures == 0 {
		return math.Inf(1)
	}
	return float64(dayEnd-dayStart) / 60 / (float64(departures) / 2)
}

// Network is an imported snapshot with a spatial index over its stops and
// the indexes journeys need.
type Network struct {
	snap *Snapshot
	grid map[[2]int32][]int32
	byID map[string]int32 // feed + "\x00" + stop id
	idx  raptorIndex
}

// gridDeg is the side of a grid cell in degrees, about 1.1 by 0.7 km in
// Flanders: a lookup reads a few cells.
const gridDeg = 0.01

func cellKey(lat, lon float64) [2]int32 {
	return [2]int32{int32(math.Floor(lat / gridDeg)), int32(math.Floor(lon / gridDeg))}
}

// NewNetwork indexes a snapshot.
func NewNetwork(s *Snapshot) *Network {
	n := &Network{snap: s, grid: map[[2]int32][]int32{}, byID: make(map[string]int32, len(s.Stops))}
	for i, st := range s.Stops {
		n.byID[st.Feed+"\x00"+st.ID] = int32(i)
		if st.Lat == 0 && st.Lon == 0 {
			continue
		}
		k := cellKey(st.Lat, st.Lon)
		n.grid[k] = append(n.grid[k], int32(i))
	}
	n.idx = newRaptorIndex(s)
	return n
}

// Snapshot returns what the network was built from.
func (n *Network) Snapshot() *Snapshot { return n.snap }

// StopReach is one stop (or station, its platforms together) within
// walking distance of a place.
type StopReach struct {
	ID          string   `json:"id"`
	Feed        string   `json:"feed"`
	Name        string   `json:"name"`
	DistanceM   int      `json:"distance_m"`
	Modes       []Mode   `json:"modes"`
	Routes      []string `json:"routes"`
	PeakPerHour float64  `json:"departures_per_hour_07_09"`
	Departures  int      `json:"departures_06_20"`
	First       string   `json:"first_departure,omitempty"` // HH:MM
	Last        string   `json:"last_departure,omitempty"`  // HH:MM, the next day's when LastNextDay
	// FirstNextDay and LastNextDay mark a departure after midnight (a
	// trip of the reference day running on): "00:13" the next day, never
	// "24:13".
	FirstNextDay bool        `json:"first_next_day,omitempty"`
	LastNextDay  bool        `json:"last_next_day,omitempty"`
	ByMode       []ModeReach `json:"by_mode"`
	Category     int         `json:"category"` // 1 = I … 7 = VII; 0 none
	Class        Class       `json:"class"`
	BestMode     Mode        `json:"best_mode"`
	IntervalMin  float64     `json:"interval_min"` // of the mode that gives the class
}

// ModeReach is one mode at a stop or station: measured from that mode's
// own nearest platform, so that a bus stop in front of a station does not
// bring its trains closer.
type ModeReach struct {
	Mode        Mode    `json:"mode"`
	DistanceM   int     `json:"distance_m"`
	Departures  int     `json:"departures_06_20"`
	PeakPerHour float64 `json:"departures_per_hour_07_09"`
}

// Reach is how well a place is served.
type Reach struct {
	Class        Class       `json:"class"`
	PTAL         float64     `json:"ptal_index"`
	PTALBand     string      `json:"ptal_band"`
	Stops        []StopReach `json:"stops"`
	ReferenceDay string      `json:"reference_day"`
	Feeds        []FeedInfo  `json:"feeds"`
}

// Best is the stop that gives the class, if any.
func (r Reach) Best() (StopReach, bool) {
	for _, s := range r.Stops {
		if s.Class == r.Class && r.Class != NotServed {
			return s, true
		}
	}
	return StopReach{}, false
}

// Lookup tells how well a place is served.
func (n *Network) Lookup(lat, lon float64) Reach { return n.lookup(lat, lon, true) }

// Class is Lookup(lat, lon).Class without the stops, routes and PTAL that
// explain it: the search catalogue asks it for every site it loads.
func (n *Network) Class(lat, lon float64) Class { return n.lookup(lat, lon, false).Class }

// lookup does Lookup; with full false it works out the class alone.
func (n *Network) lookup(lat, lon float64, full bool) Reach {
	r := Reach{ReferenceDay: n.snap.ReferenceDay, Feeds: n.snap.Feeds}
	type member struct {
		stop int32
		dist float64
	}
	groups := map[string][]member{}
	var order []string
	dLat := float64(classMaxWalkM) / 111_000
	dLon := dLat / math.Max(math.Cos(lat*math.Pi/180), 0.1)
	lo, hi := cellKey(lat-dLat, lon-dLon), cellKey(lat+dLat, lon+dLon)
	for a := lo[0]; a <= hi[0]; a++ {
		for b := lo[1]; b <= hi[1]; b++ {
			for _, i := range n.grid[[2]int32{a, b}] {
				st := &n.snap.Stops[i]
				d := distanceM(lat, lon, st.Lat, st.Lon)
				if d > railWalkM || len(st.Departures) == 0 {
					continue
				}
				key := st.Feed + "\x00" + st.ID
				if st.Parent != "" {
					key = st.Feed + "\x00" + st.Parent
				}
				if _, ok := groups[key]; !ok {
					order = append(order, key)
				}
				groups[key] = append(groups[key], member{i, d})
			}
		}
	}
	perMode := [modeCount]map[int32]float64{} // PTAL: best EDF per route, per mode
	if full {
		r.Stops = []StopReach{} // none near is an empty list, not null
	}
	type routeDir struct{ route, dir int32 }
	for _, key := range order {
		sr := StopReach{DistanceM: math.MaxInt}
		var counts [3]int // departures 06–20 per mode group
		// Each mode group is measured from its own nearest platform.
		groupDist := [3]float64{math.Inf(1), math.Inf(1), math.Inf(1)}
		var peak int
		first, last := int32(math.MaxInt32), int32(-1)
		var routeDist map[int32]float64 // PTAL walks to the route's own stop
		var peakDir map[routeDir]int
		var byMode [modeCount]ModeReach
		var modeDist [modeCount]float64
		if full {
			routeDist, peakDir = map[int32]float64{}, map[routeDir]int{}
			for m := range modeDist {
				modeDist[m] = math.Inf(1)
			}
		}
		served := false
		for _, m := range groups[key] {
			st := &n.snap.Stops[m.stop]
			if int(m.dist) < sr.DistanceM {
				sr.DistanceM, sr.ID, sr.Feed, sr.Name = int(math.Round(m.dist)), st.ID, st.Feed, st.Name
				if full && st.Parent != "" {
					sr.ID = st.Parent
					if p := n.station(st.Feed, st.Parent); p != nil {
						sr.Name = p.Name
					}
				}
			}
			for _, d := range st.Departures {
				mode := n.snap.Routes[d.Route].Mode
				if m.dist > walkLimit(mode) {
					continue
				}
				served = true
				g := group(mode)
				groupDist[g] = min(groupDist[g], m.dist)
				if d.T >= dayStart && d.T < dayEnd {
					counts[g]++
				}
				if !full {
					continue
				}
				modeDist[mode] = min(modeDist[mode], m.dist)
				if d.T >= dayStart && d.T < dayEnd {
					byMode[mode].Departures++
				}
				if rd, ok := routeDist[d.Route]; !ok || m.dist < rd {
					routeDist[d.Route] = m.dist
				}
				if d.T >= peakStart && d.T < peakEnd {
					peak++
					byMode[mode].PeakPerHour++
					peakDir[routeDir{d.Route, d.Dir}]++
				}
				first, last = min(first, d.T), max(last, d.T)
			}
		}
		if !served {
			continue
		}
		if !full {
			for g, c := range counts {
				if c == 0 {
					continue
				}
				cls := classOf(category(g, interval(c)), math.Round(groupDist[g]))
				if cls != NotServed && (r.Class == NotServed || cls < r.Class) {
					r.Class = cls
				}
			}
			continue
		}
		sr.Modes, sr.ByMode = []Mode{}, []ModeReach{}
		for m := range modeCount {
			if math.IsInf(modeDist[m], 1) {
				continue
			}
			sr.Modes = append(sr.Modes, m)
			mr := byMode[m]
			mr.Mode, mr.DistanceM, mr.PeakPerHour = m, int(math.Round(modeDist[m])), mr.PeakPerHour/2
			sr.ByMode = append(sr.ByMode, mr)
		}
		// PTAL (TfL, Assessing transport connectivity in London, 2015):
		// a route's frequency is that of its busier direction in the peak.
		busier := map[int32]int{}
		for rd, c := range peakDir {
			busier[rd.route] = max(busier[rd.route], c)
		}
		sr.Routes = []string{}
		for ri, dist := range routeDist {
			sr.Routes = append(sr.Routes, n.snap.Routes[ri].Name)
			if c := busier[ri]; c > 0 {
				// Departures per hour over the two peak hours.
				f := float64(c) / 2
				mode := n.snap.Routes[ri].Mode
				wait := 0.5*60/f + reliability(mode)
				edf := 30 / (math.Round(dist)/walkMPerMin + wait)
				if perMode[mode] == nil {
					perMode[mode] = map[int32]float64{}
				}
				perMode[mode][ri] = max(perMode[mode][ri], edf)
			}
		}
		slices.Sort(sr.Routes)
		sr.Routes = slices.Compact(sr.Routes)
		sr.PeakPerHour = float64(peak) / 2
		for g, c := range counts {
			if c == 0 {
				continue
			}
			cat := category(g, interval(c))
			cls := classOf(cat, math.Round(groupDist[g]))
			if cat > 0 && (sr.Category == 0 || cat < sr.Category) {
				sr.Category, sr.IntervalMin, sr.BestMode = cat, math.Round(interval(c)*10)/10, bestModeOf(g, sr.Modes)
			}
			if cls != NotServed && (sr.Class == NotServed || cls < sr.Class) {
				sr.Class = cls
			}
		}
		for _, c := range counts {
			sr.Departures += c
		}
		if last >= 0 {
			sr.First, sr.FirstNextDay = clock(first)
			sr.Last, sr.LastNextDay = clock(last)
		}
		if sr.Class != NotServed && (r.Class == NotServed || sr.Class < r.Class) {
			r.Class = sr.Class
		}
		r.Stops = append(r.Stops, sr)
	}
	sort.Slice(r.Stops, func(i, j int) bool { return r.Stops[i].DistanceM < r.Stops[j].DistanceM })
	r.PTAL = ptalIndex(perMode)
	r.PTALBand = ptalBand(r.PTAL)
	return r
}

func (n *Network) station(feed, id string) *Stop {
	if i, ok := n.byID[feed+"\x00"+id]; ok {
		return &n.snap.Stops[i]
	}
	return nil
}

func walkLimit(m Mode) float64 {
	if m == ModeRail {
		return railWalkM
	}
	return otherWalkM
}

// reliability is PTAL's added wait: 2 minutes for buses, 0.75 for rail
// and the other guided modes.
func reliability(m Mode) float64 {
	if m == ModeBus || m == ModeOther {
		return 2
	}
	return 0.75
}

func bestModeOf(g int, modes []Mode) Mode {
	for _, m := range modes {
		if group(m) == g {
			return m
		}
	}
	return ModeOther
}

// ptalIndex sums, per mode, the best route's equivalent doorstep frequency
// and half of every other route's.
func ptalIndex(perMode [modeCount]map[int32]float64) float64 {
	var total float64
	for _, routes := range perMode {
		var edfs []float64
		for _, e := range routes {
			edfs = append(edfs, e)
		}
		slices.Sort(edfs)
		for i, e := range edfs {
			if i == len(edfs)-1 {
				total += e
			} else {
				total += 0.5 * e
			}
		}
	}
	return math.Round(total*100) / 100
}

func ptalBand(ai float64) string {
	switch {
	case ai == 0:
		return "0"
	case ai <= 2.5:
		return "1a"
	case ai <= 5:
		return "1b"
	case ai <= 10:
		return "2"
	case ai <= 15:
		return "3"
	case ai <= 20:
		return "4"
	case ai <= 25:
		return "5"
	case ai <= 40:
		return "6a"
	}
	return "6b"
}

// clock writes seconds after the reference day's midnight as HH:MM on a
// 24-hour clock, and whether that is on the next day: GTFS writes a
// trip's times past midnight as 24:13, a traveller reads 00:13.
func clock(t int32) (string, bool) {
	next := t >= 24*3600
	t %= 24 * 3600
	return fmt.Sprintf("%02d:%02d", t/3600, t%3600/60), next
}

// Clock writes a time of a journey (after the reference day's midnight)
// as HH:MM, and how many days after the reference day it is: 24:13 is
// "00:13", 1; 23:50 the day before is "23:50", -1.
func Clock(t time.Duration) (string, int) {
	s := int64(t / time.Second)
	day := int(math.Floor(float64(s) / 86400))
	s -= int64(day) * 86400
	return fmt.Sprintf("%02d:%02d", s/3600, s%3600/60), day
}

// distanceM is the great-circle distance in metres.
func distanceM(lat1, lon1, lat2, lon2 float64) float64 {
	return data.DistanceKm(lat1, lon1, lat2, lon2) * 1000
}

// FileName is where a data directory keeps its imported network.
const FileName = "transit.gob.gz"

// FormatVersion is the snapshot format Save writes and Load reads.
// Version 1 (unnumbered, read as 0) kept departures only; 2 adds the
// timetable journeys are planned on and the departures' directions.
const FormatVersion = 2

// ErrOldFormat is what Load returns (wrapped) for a network saved in
// another format: the feeds have to be imported again.
var ErrOldFormat = errors.New("transit network saved in another format")

// Save writes the snapshot into dir, atomically: a reader sees the old
// network or the new one, never half of one.
func (s *Snapshot) Save(dir string) error {
	tmp, err := os.CreateTemp(dir, ".transit-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	s.Version = FormatVersion
	zw := gzip.NewWriter(tmp)
	err = gob.NewEncoder(zw).Encode(s)
	if cerr := zw.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("save transit network: %w", err)
	}
	return os.Rename(tmp.Name(), filepath.Join(dir, FileName))
}

// Load reads the network a data directory keeps; nil without one.
func Load(dir string) (*Network, error) {
	f, err := os.Open(filepath.Join(dir, FileName))
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("read transit network: %w", err)
	}
	var s Snapshot
	if err := gob.NewDecoder(zr).Decode(&s); err != nil {
		return nil, fmt.Errorf("read transit network: %w", err)
	}
	if s.Version != FormatVersion {
		// An older file has departures but no timetable: used as it is,
		// journeys would find nothing and PTAL would count both ways.
		return nil, fmt.Errorf("%s is in format %d, this Verken reads format %d: import the feeds again (verken transit import): %w",
			filepath.Join(dir, FileName), s.Version, FormatVersion, ErrOldFormat)
	}
	return NewNetwork(&s), nil
}

// Holder keeps the network in use; a new import swaps it in while lookups
// go on.
type Holder struct {
	p atomic.Pointer[Network]
}

// Get returns the current network, nil when none is imported.
func (h *Holder) Get() *Network { return h.p.Load() }

// Set swaps a network in.
func (h *Holder) Set(n *Network) { h.p.Store(n) }

// ClassAt is the class at a place as a number: 1 for A to 6 for F, 0 for
// not served or when no network is imported.
func (h *Holder) ClassAt(lat, lon float64) uint8 {
	n := h.Get()
	if n == nil {
		return 0
	}
	return uint8(n.Class(lat, lon))
}
