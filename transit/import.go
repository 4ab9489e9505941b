package transit

import (
	"fmt"
	"slices"
	"sort"
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

var modeNames = [modeCount]string{"rail", "metro", "tram", "bus", "other"}

func (m Mode) String() string { return modeNames[m] }

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
	ReferenceDay string     `json:"reference_day"` // YYYY-MM-DD
	ImportedAt   time.Time  `json:"imported_at"`
	Feeds        []FeedInfo `json:"feeds"`
	Routes       []Route    `json:"routes"`
	Stops        []Stop     `json:"stops"`
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
// day's midnight, and the index of its route.
type Departure struct {
	T     int32 `json:"t"`
	Route int32 `json:"r"`
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
	for _, f := range feeds {
		files, err := openFeed(f.src)
		if err != nil {
			return nil, err
		}
		err = f.read(files, day, snap)
		files.close()
		if err != nil {
			return nil, err
		}
		snap.Feeds = append(snap.Feeds, f.info)
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
	lastSeq          int32
	freq             bool // runs by frequencies.txt
}

// times calls emit with when a departure at t (after its service day's
// midnight) happens on the reference day: once, twice, or not at all.
func (ti *tripInfo) times(t int32, emit func(int32)) {
	if ti.today {
		emit(t)
	}
	if ti.yesterday && t >= 24*3600 {
		emit(t - 24*3600)
	}
}

type event struct {
	stop, trip, seq, t int32
}

// read reads one feed's stops, routes, trips and stop_times for the day.
func (f *feedData) read(files feedFiles, day time.Time, snap *Snapshot) error {
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
	firstStop := int32(len(snap.Stops))
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
			ti := &tripInfo{route: r, today: s.runsOn(key, day.Weekday()), yesterday: s.runsOn(prevKey, prev.Weekday())}
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

	// Stream stop_times, keeping only rows of the day's trips.
	tripIndex := map[string]int32{}
	var tripList []*tripInfo
	var events []event
	firstTime := map[int32]int32{} // frequency trips: the time of their first stop
	firstSeq := map[int32]int32{}
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
		seq := int32(seq64)
		ix, ok := tripIndex[tid]
		if !ok {
			ix = int32(len(tripList))
			tripIndex[tid] = ix
			tripList = append(tripList, ti)
			ti.lastSeq = -1 << 30
		}
		ti.lastSeq = max(ti.lastSeq, seq)
		dep := t.get("departure_time")
		if dep == "" {
			dep = t.get("arrival_time")
		}
		tm, ok := parseTime(dep)
		if dep != "" && !ok {
			return t.errorf("time %q is not H:MM:SS", dep)
		}
		if ti.freq && ok {
			if fs, seen := firstSeq[ix]; !seen || seq < fs {
				firstSeq[ix], firstTime[ix] = seq, tm
			}
		}
		if dep == "" || t.get("pickup_type") == "1" {
			// No time (to be interpolated) or nobody may board: not a departure.
			events = append(events, event{stop: -1, trip: ix, seq: seq})
			return nil
		}
		events = append(events, event{stop: stop, trip: ix, seq: seq, t: tm})
		return nil
	})
	if err != nil {
		return err
	}

	// The last stop of a trip is an arrival; frequency trips repeat.
	byTripID := make([]string, len(tripList))
	for id, ix := range tripIndex {
		byTripID[ix] = id
	}
	for _, e := range events {
		ti := tripList[e.trip]
		if e.stop < 0 || e.seq == ti.lastSeq {
			continue
		}
		st := &snap.Stops[e.stop]
		emit := func(t int32) { st.Departures = append(st.Departures, Departure{T: t, Route: ti.route}) }
		if !ti.freq {
			ti.times(e.t, emit)
			continue
		}
		offset := e.t - firstTime[e.trip]
		for _, w := range freqs[byTripID[e.trip]] {
			for start := w.start; start < w.end; start += w.headway {
				ti.times(start+offset, emit)
			}
		}
	}
	for i := firstStop; i < int32(len(snap.Stops)); i++ {
		d := snap.Stops[i].Departures
		sort.Slice(d, func(a, b int) bool { return d[a].T < d[b].T })
	}
	slices.Sort(f.info.Agencies)
	f.info.Agencies = slices.Compact(f.info.Agencies)
	return nil
}
