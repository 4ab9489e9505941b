package transit

import (
	"fmt"
	"slices"
	"strconv"
	"time"
)

// Mode is how a route runs.
type Mode uint8

const (
	ModeRail Mode = iota
	ModeMetro
	ModeTram
	ModeBus
	ModeOther
	modeCount
)

// ModeWalk marks the walks of a journey; no route runs in it.
const ModeWalk = modeCount

var modeNames = [modeCount]string{"rail", "metro", "tram", "bus", "other"}

func (m Mode) String() string {
	if m == ModeWalk {
		return "walk"
	}
	if m > ModeWalk {
		return "unknown"
	}
	return modeNames[m]
}

// MarshalText writes the mode's name.
func (m Mode) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// ModeOf maps a GTFS route_type, basic or extended, to a mode.
func ModeOf(routeType int) (Mode, bool) {
	switch {
	case routeType == 0 || routeType == 5: // tram, cable tram
		return ModeTram, true
	case routeType == 1 || routeType == 12: // subway, monorail
		return ModeMetro, true
	case routeType == 2:
		return ModeRail, true
	case routeType == 3 || routeType == 11: // bus, trolleybus
		return ModeBus, true
	case routeType == 4 || routeType == 6 || routeType == 7: // ferry, aerial lift, funicular
		return ModeOther, true
	case routeType >= 100 && routeType < 200: // railway services
		return ModeRail, true
	case routeType >= 200 && routeType < 300: // coach
		return ModeBus, true
	case routeType >= 400 && routeType < 500: // urban railway, metro, underground, monorail
		return ModeMetro, true
	case routeType >= 700 && routeType < 900: // bus, trolleybus
		return ModeBus, true
	case routeType >= 900 && routeType < 1000: // tram
		return ModeTram, true
	case routeType >= 1000 && routeType < 1800: // water, air, ferry, aerial, funicular, taxi, misc
		return ModeOther, true
	}
	return 0, false
}

// Snapshot is the result of an import: every stop with its departures on
// the reference day. It is what the data directory keeps.
type Snapshot struct {
	// Version is the format the snapshot was saved in; Load refuses
	// another one rather than misread it.
	Version      int        `json:"version"`
	ReferenceDay string     `json:"reference_day"` // YYYY-MM-DD
	ImportedAt   time.Time  `json:"imported_at"`
	Feeds        []FeedInfo `json:"feeds"`
	Routes       []Route    `json:"routes"`
	Stops        []Stop     `json:"stops"`
	// Timetable holds the trips journeys are planned on.
	Timetable Timetable `json:"-"`
}

// FeedInfo describes an imported feed.
type FeedInfo struct {
	Name      string   `json:"name"`
	Agencies  []string `json:"agencies"`
	ValidFrom string   `json:"valid_from"`
	ValidTo   string   `json:"valid_to"`
	Synthetic bool     `json:"synthetic,omitempty"`
}

// Route is a line, its ids kept apart per feed.
type Route struct {
	Feed string `json:"feed"`
	ID   string `json:"id"`
	Name string `json:"name"`
	Mode Mode   `json:"mode"`
}

// Stop is a place where vehicles stop, with its departures on the
// reference day in time order.
type Stop struct {
	Feed       string      `json:"feed"`
	ID         string      `json:"id"`
	Name       string      `json:"name"`
	Lat        float64     `json:"lat"`
	Lon        float64     `json:"lon"`
	Parent     string      `json:"parent,omitempty"` // the parent station's id in the same feed
	Departures []Departure `json:"departures,omitempty"`
}

// Departure is a vehicle leaving a stop: seconds after the reference
// day's midnight, the index of its route, and its direction: the trip's
// direction_id (0 or 1), or 2 plus the index of the stop where it ends
// when the feed gives none. PTAL takes a route's busier direction.
type Departure struct {
	T     int32 `json:"t"`
	Route int32 `json:"r"`
	Dir   int32 `json:"d"`
}

// Options steer an import.
type Options struct {
	// Day is the reference day; zero picks the next Tuesday inside the
	// feeds' validity that no feed removes.
	Day time.Time
	// Today is where the search for the next Tuesday starts.
	Today time.Time
	// Synthetic names feeds the project generated itself.
	Synthetic map[string]bool
}

// service holds when one service_id runs.
type service struct {
	days     [7]bool // by time.Weekday
	from, to string  // YYYYMMDD, "" without calendar.txt
	added    map[string]bool
	removed  map[string]bool
}

func (s *service) runsOn(day string, wd time.Weekday) bool {
	if s.removed[day] {
		return false
	}
	if s.added[day] {
		return true
	}
	return s.from != "" && s.from <= day && day <= s.to && s.days[wd]
}

// feedData is what an import keeps of one feed while reading it.
type feedData struct {
	src      Source
	services map[string]*service
	info     FeedInfo
}

// Import reads the feeds and returns their departures on the reference
// day. stop_times are streamed: only the reference day's departures stay.
func Import(sources []Source, opt Options) (*Snapshot, error) {
	if len(sources) == 0 {
		return nil, fmt.Errorf("no feed to import")
	}
	seen := map[string]bool{}
	feeds := make([]*feedData, len(sources))
	for i, src := range sources {
		if seen[src.Name] {
			return nil, fmt.Errorf("two feeds are named %q", src.Name)
		}
		seen[src.Name] = true
		files, err := openFeed(src)
		if err != nil {
			return nil, err
		}
		f := &feedData{src: src, services: map[string]*service{}, info: FeedInfo{Name: src.Name, Synthetic: opt.Synthetic[src.Name]}}
		err = f.readCalendars(files)
		files.close()
		if err != nil {
			return nil, err
		}
		feeds[i] = f
	}
	day, err := pickDay(feeds, opt)
	if err != nil {
		return nil, err
	}
	snap := &Snapshot{ReferenceDay: day.Format(time.DateOnly), ImportedAt: time.Now().UTC()}
	tb := newTTBuilder()
	for _, f := range feeds {
		files, err := openFeed(f.src)
		if err != nil {
			return nil, err
		}
		err = f.read(files, day, snap, tb)
		files.close()
		if err != nil {
			return nil, err
		}
		snap.Feeds = append(snap.Feeds, f.info)
	}
	// Walking transfers cross feeds: a bus stop beside a station.
	tb.finish(snap)
	for i := range snap.Stops {
		d := snap.Stops[i].Departures
		slices.SortFunc(d, func(a, b Departure) int { return int(a.T - b.T) })
	}
	return snap, nil
}

// readCalendars reads calendar.txt and calendar_dates.txt; a feed needs
// one of them.
func (f *feedData) readCalendars(files feedFiles) error {
	name := f.src.Name
	svc := func(id string) *service {
		s := f.services[id]
		if s == nil {
			s = &service{added: map[string]bool{}, removed: map[string]bool{}}
			f.services[id] = s
		}
		return s
	}
	haveCalendar := false
	err := readTable(files, name, "calendar.txt", false, func(t *table) error {
		haveCalendar = true
		id, err := t.need("service_id")
		if err != nil {
			return err
		}
		s := svc(id)
		for i, d := range []string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"} {
			s.days[i] = t.get(d) == "1"
		}
		if s.from, err = t.need("start_date"); err != nil {
			return err
		}
		if s.to, err = t.need("end_date"); err != nil {
			return err
		}
		if !isDate(s.from) || !isDate(s.to) {
			return t.errorf("start_date and end_date are YYYYMMDD")
		}
		f.widen(s.from, s.to)
		return nil
	})
	if err != nil {
		return err
	}
	haveDates := false
	err = readTable(files, name, "calendar_dates.txt", false, func(t *table) error {
		haveDates = true
		id, err := t.need("service_id")
		if err != nil {
			return err
		}
		date, err := t.need("date")
		if err != nil {
			return err
		}
		if !isDate(date) {
			return t.errorf("date %q is not YYYYMMDD", date)
		}
		switch t.get("exception_type") {
		case "1":
			svc(id).added[date] = true
			f.widen(date, date)
		case "2":
			svc(id).removed[date] = true
		default:
			return t.errorf("exception_type is 1 or 2")
		}
		return nil
	})
	if err != nil {
		return err
	}
	if !haveCalendar && !haveDates {
		return &FeedError{Feed: name, File: "calendar.txt", Reason: "required file is missing (and there is no calendar_dates.txt)"}
	}
	return nil
}

func (f *feedData) widen(from, to string) {
	if f.info.ValidFrom == "" || from < f.info.ValidFrom {
		f.info.ValidFrom = from
	}
	if to > f.info.ValidTo {
		f.info.ValidTo = to
	}
}

func isDate(s string) bool {
	_, err := time.Parse("20060102", s)
	return err == nil
}

// pickDay returns the asked day, or the next Tuesday from today (or from
// the feeds' start, when they start later or ended before today) on which
// the feeds run some service and no feed removes one.
func pickDay(feeds []*feedData, opt Options) (time.Time, error) {
	if !opt.Day.IsZero() {
		return time.Date(opt.Day.Year(), opt.Day.Month(), opt.Day.Day(), 0, 0, 0, 0, time.UTC), nil
	}
	var from, to string
	for _, f := range feeds {
		if from == "" || f.info.ValidFrom < from {
			from = f.info.ValidFrom
		}
		if f.info.ValidTo > to {
			to = f.info.ValidTo
		}
	}
	start, err1 := time.Parse("20060102", from)
	end, err2 := time.Parse("20060102", to)
	if err1 != nil || err2 != nil {
		return time.Time{}, fmt.Errorf("the feeds give no dates of service")
	}
	today := opt.Today
	if today.IsZero() {
		today = time.Now()
	}
	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	if today.After(start) && !today.After(end) {
		start = today
	}
	for d := start; !d.After(end); d = d.AddDate(0, 0, 1) {
		if d.Weekday() != time.Tuesday {
			continue
		}
		key := d.Format("20060102")
		removed, runs := false, false
		for _, f := range feeds {
			for _, s := range f.services {
				removed = removed || s.removed[key]
				runs = runs || s.runsOn(key, d.Weekday())
			}
		}
		if runs && !removed {
			return d, nil
		}
	}
	return time.Time{}, fmt.Errorf("no Tuesday between %s and %s runs without a removed service: give --date", from, to)
}

// tripInfo is what stop_times need of a trip.
type tripInfo struct {
	route int32
	// today: the trip runs on the reference day; yesterday: it ran the day
	// before, and its times past 24:00 fall on the reference day.
	today, yesterday bool
	freq             bool  // runs by frequencies.txt
	dir              int32 // direction_id, -1 when the feed gives none
}

// read reads one feed's stops, routes, trips and stop_times for the day.
func (f *feedData) read(files feedFiles, day time.Time, snap *Snapshot, tb *ttBuilder) error {
	name := f.src.Name
	err := readTable(files, name, "agency.txt", true, func(t *table) error {
		if n := t.get("agency_name"); n != "" {
			f.info.Agencies = append(f.info.Agencies, n)
		}
		return nil
	})
	if err != nil {
		return err
	}

	stopIndex := map[string]int32{}
	err = readTable(files, name, "stops.txt", true, func(t *table) error {
		id, err := t.need("stop_id")
		if err != nil {
			return err
		}
		if _, dup := stopIndex[id]; dup {
			return t.errorf("stop_id %q appears twice", id)
		}
		st := Stop{Feed: name, ID: id, Name: t.get("stop_name"), Parent: t.get("parent_station")}
		lt := t.get("location_type")
		if lt == "" || lt == "0" || lt == "1" {
			lat, err1 := strconv.ParseFloat(t.get("stop_lat"), 64)
			lon, err2 := strconv.ParseFloat(t.get("stop_lon"), 64)
			if err1 != nil || err2 != nil || lat < -90 || lat > 90 || lon < -180 || lon > 180 {
				return t.errorf("stop %q has no valid stop_lat and stop_lon", id)
			}
			st.Lat, st.Lon = lat, lon
		}
		stopIndex[id] = int32(len(snap.Stops))
		snap.Stops = append(snap.Stops, st)
		return nil
	})
	if err != nil {
		return err
	}

	routeIndex := map[string]int32{}
	err = readTable(files, name, "routes.txt", true, func(t *table) error {
		id, err := t.need("route_id")
		if err != nil {
			return err
		}
		rt, err := strconv.Atoi(t.get("route_type"))
		mode, ok := ModeOf(rt)
		if err != nil || !ok {
			return t.errorf("route %q has an unknown route_type %q", id, t.get("route_type"))
		}
		n := t.get("route_short_name")
		if n == "" {
			n = t.get("route_long_name")
		}
		routeIndex[id] = int32(len(snap.Routes))
		snap.Routes = append(snap.Routes, Route{Feed: name, ID: id, Name: n, Mode: mode})
		return nil
	})
	if err != nil {
		return err
	}

	if err := f.readTransfers(files, snap, stopIndex, tb); err != nil {
		return err
	}

	key := day.Format("20060102")
	prev := day.AddDate(0, 0, -1)
	prevKey := prev.Format("20060102")
	trips := map[string]*tripInfo{}
	err = readTable(files, name, "trips.txt", true, func(t *table) error {
		id, err := t.need("trip_id")
		if err != nil {
			return err
		}
		r, ok := routeIndex[t.get("route_id")]
		if !ok {
			return t.errorf("trip %q names an unknown route_id %q", id, t.get("route_id"))
		}
		if s := f.services[t.get("service_id")]; s != nil {
			ti := &tripInfo{route: r, today: s.runsOn(key, day.Weekday()), yesterday: s.runsOn(prevKey, prev.Weekday()), dir: -1}
			switch t.get("direction_id") {
			case "0":
				ti.dir = 0
			case "1":
				ti.dir = 1
			}
			if ti.today || ti.yesterday {
				trips[id] = ti
			}
		}
		return nil
	})
	if err != nil {
		return err
	}

	type window struct{ start, end, headway int32 }
	freqs := map[string][]window{}
	err = readTable(files, name, "frequencies.txt", false, func(t *table) error {
		id := t.get("trip_id")
		start, ok1 := parseTime(t.get("start_time"))
		end, ok2 := parseTime(t.get("end_time"))
		h, err := strconv.Atoi(t.get("headway_secs"))
		if !ok1 || !ok2 || err != nil || h <= 0 || end < start {
			return t.errorf("a frequency needs start_time, end_time and a positive headway_secs")
		}
		if ti := trips[id]; ti != nil {
			ti.freq = true
			freqs[id] = append(freqs[id], window{start, end, int32(h)})
		}
		return nil
	})
	if err != nil {
		return err
	}

	// Stream stop_times, keeping only rows of the day's trips: 24 bytes
	// each while the feed is read, then only their times in patterns.
	tripIndex := map[string]int32{}
	var tripList []*tripInfo
	var tripIDs []string
	var rows []stopTime
	err = readTable(files, name, "stop_times.txt", true, func(t *table) error {
		tid := t.get("trip_id")
		sid := t.get("stop_id")
		stop, ok := stopIndex[sid]
		if !ok {
			return t.errorf("stop_id %q is not in stops.txt", sid)
		}
		ti := trips[tid]
		if ti == nil {
			return nil // another day's trip, or unknown: not needed
		}
		seq64, err := strconv.ParseInt(t.get("stop_sequence"), 10, 32)
		if err != nil {
			return t.errorf("stop_sequence %q is not a whole number", t.get("stop_sequence"))
		}
		ix, ok := tripIndex[tid]
		if !ok {
			ix = int32(len(tripList))
			tripIndex[tid] = ix
			tripList = append(tripList, ti)
			tripIDs = append(tripIDs, tid)
		}
		arrS, depS := t.get("arrival_time"), t.get("departure_time")
		if arrS == "" {
			arrS = depS
		}
		if depS == "" {
			depS = arrS
		}
		st := stopTime{trip: ix, seq: int32(seq64), stop: stop}
		if depS == "" {
			st.flags |= untimed // to be interpolated
		} else {
			var ok1, ok2 bool
			st.arr, ok1 = parseTime(arrS)
			st.dep, ok2 = parseTime(depS)
			if !ok1 || !ok2 {
				bad := depS
				if !ok1 {
					bad = arrS
				}
				return t.errorf("time %q is not H:MM:SS", bad)
			}
		}
		if t.get("pickup_type") == "1" {
			st.flags |= noPickup
		}
		if t.get("drop_off_type") == "1" {
			st.flags |= noDropoff
		}
		rows = append(rows, st)
		return nil
	})
	if err != nil {
		return err
	}
	trips = nil

	// Feeds list a trip's rows together and in order nearly always; sort
	// only when one does not.
	less := func(a, b stopTime) int {
		if a.trip != b.trip {
			return int(a.trip - b.trip)
		}
		return int(a.seq - b.seq)
	}
	if !slices.IsSortedFunc(rows, less) {
		slices.SortFunc(rows, less)
	}
	var shifts []int32
	for start := 0; start < len(rows); {
		end := start + 1
		for end < len(rows) && rows[end].trip == rows[start].trip {
			end++
		}
		st := rows[start:end]
		start = end
		ti := tripList[st[0].trip]
		// The day before's trips count from what they run past midnight.
		var days []int32
		if ti.today {
			days = append(days, 0)
		}
		if ti.yesterday && st[len(st)-1].arr >= 24*3600 {
			days = append(days, -24*3600)
		}
		shifts = shifts[:0]
		if !ti.freq {
			shifts = append(shifts, days...)
		} else if st[0].flags&untimed == 0 {
			// frequencies.txt repeats the trip's times from each start.
			for _, w := range freqs[tripIDs[st[0].trip]] {
				for t := w.start; t < w.end; t += w.headway {
					for _, d := range days {
						shifts = append(shifts, t-st[0].dep+d)
					}
				}
			}
		}
		tb.addTrip(snap, ti.route, ti.dir, st, shifts)
	}
	slices.Sort(f.info.Agencies)
	f.info.Agencies = slices.Compact(f.info.Agencies)
	return nil
}

// readTransfers reads transfers.txt; a parent station stands for each of
// its platforms.
func (f *feedData) readTransfers(files feedFiles, snap *Snapshot, stopIndex map[string]int32, tb *ttBuilder) error {
	children := map[string][]int32{}
	for _, i := range stopIndex {
		if p := snap.Stops[i].Parent; p != "" {
			children[p] = append(children[p], i)
		}
	}
	expand := func(id string) []int32 {
		if c := children[id]; len(c) > 0 {
			return c
		}
		if i, ok := stopIndex[id]; ok {
			return []int32{i}
		}
		return nil
	}
	return readTable(files, f.src.Name, "transfers.txt", false, func(t *table) error {
		from, to := expand(t.get("from_stop_id")), expand(t.get("to_stop_id"))
		if t.get("from_trip_id") != "" || t.get("to_trip_id") != "" || t.get("from_route_id") != "" || t.get("to_route_id") != "" {
			return nil // trip- and route-specific rules are not modelled
		}
		typ, err := strconv.Atoi(t.get("transfer_type"))
		if t.get("transfer_type") == "" {
			typ, err = 0, nil
		}
		if err != nil || typ < 0 || typ > 3 {
			return nil // types 4 and 5 are in-seat transfers: nothing to walk
		}
		mts := int32(-1)
		if v, err := strconv.Atoi(t.get("min_transfer_time")); err == nil && v >= 0 && v < 24*3600 {
			mts = int32(v)
		}
		for _, a := range from {
			for _, b := range to {
				tb.transfers = append(tb.transfers, feedTransfer{from: a, to: b, typ: uint8(typ), minSec: mts})
			}
		}
		return nil
	})
}
