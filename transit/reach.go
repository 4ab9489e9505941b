package transit

import (
	"compress/gzip"
	"encoding/gob"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync/atomic"

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

// Network is an imported snapshot with a spatial index over its stops.
type Network struct {
	snap *Snapshot
	grid map[[2]int32][]int32
	byID map[string]int32 // feed + "\x00" + stop id
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
	First       string   `json:"first_departure,omitempty"`
	Last        string   `json:"last_departure,omitempty"`
	Category    int      `json:"category"` // 1 = I … 7 = VII; 0 none
	Class       Class    `json:"class"`
	BestMode    Mode     `json:"best_mode"`
	IntervalMin float64  `json:"interval_min"` // of the mode that gives the class
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
	for _, key := range order {
		sr := StopReach{DistanceM: math.MaxInt}
		var counts [3]int // departures 06–20 per mode group
		var peak int
		first, last := int32(math.MaxInt32), int32(-1)
		var routes map[int32]int
		var modes map[Mode]bool
		if full {
			routes, modes = map[int32]int{}, map[Mode]bool{}
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
				if d.T >= dayStart && d.T < dayEnd {
					counts[group(mode)]++
				}
				if !full {
					continue
				}
				modes[mode] = true
				if d.T >= peakStart && d.T < peakEnd {
					peak++
					routes[d.Route]++
				} else if _, ok := routes[d.Route]; !ok {
					routes[d.Route] = 0
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
				cls := classOf(category(g, interval(c)), float64(sr.DistanceM))
				if cls != NotServed && (r.Class == NotServed || cls < r.Class) {
					r.Class = cls
				}
			}
			continue
		}
		for m := range modes {
			sr.Modes = append(sr.Modes, m)
		}
		slices.Sort(sr.Modes)
		for ri, c := range routes {
			sr.Routes = append(sr.Routes, n.snap.Routes[ri].Name)
			if c > 0 {
				// PTAL: a route's frequency in the peak, per hour.
				f := float64(c) / 2
				wait := 0.5*60/f + reliability(n.snap.Routes[ri].Mode)
				edf := 30 / (float64(sr.DistanceM)/walkMPerMin + wait)
				mode := n.snap.Routes[ri].Mode
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
			cls := classOf(cat, float64(sr.DistanceM))
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
			sr.First, sr.Last = clock(first), clock(last)
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

func clock(t int32) string { return fmt.Sprintf("%02d:%02d", t/3600, t%3600/60) }

// distanceM is the great-circle distance in metres.
func distanceM(lat1, lon1, lat2, lon2 float64) float64 {
	return data.DistanceKm(lat1, lon1, lat2, lon2) * 1000
}

// FileName is where a data directory keeps its imported network.
const FileName = "transit.gob.gz"

// Save writes the snapshot into dir, atomically: a reader sees the old
// network or the new one, never half of one.
func (s *Snapshot) Save(dir string) error {
	tmp, err := os.CreateTemp(dir, ".transit-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
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
