package transit_test

import (
	"bytes"
	"compress/gzip"
	"encoding/gob"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/verken/verken/transit"
)

// metresNorth is the latitude difference of a walk due north, by the
// gazetteer's earth radius.
func metresNorth(m float64) float64 { return m / (6371008.8 * math.Pi / 180) }

// A hand-built network: stops far apart (over a kilometre, so that no walk
// joins them) unless a test puts them near, on a Tuesday.
type hand struct {
	stops  []string // "id lat lon"
	routes []string // "id type"
	trips  []string // "route trip service stop@HH:MM[:SS][/np][/nd] ..."
	extra  map[string]string
}

// farStop places stop number i a few kilometres from the others.
func farStop(id string, i int) string {
	return fmt.Sprintf("%s %.6f %.6f", id, 51.0+0.03*float64(i%5), 4.0+0.05*float64(i/5))
}

func (h hand) build(t *testing.T) *transit.Network {
	t.Helper()
	f := map[string]string{
		"agency.txt":   "agency_id,agency_name,agency_url,agency_timezone\nA,Testbus,http://x.example,Europe/Brussels\n",
		"calendar.txt": "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\nWK,1,1,1,1,1,0,0,20260101,20261231\n",
	}
	var b strings.Builder
	b.WriteString("stop_id,stop_name,stop_lat,stop_lon\n")
	for _, s := range h.stops {
		p := strings.Fields(s)
		fmt.Fprintf(&b, "%s,Halte %s,%s,%s\n", p[0], p[0], p[1], p[2])
	}
	f["stops.txt"] = b.String()
	b.Reset()
	b.WriteString("route_id,agency_id,route_short_name,route_type\n")
	for _, r := range h.routes {
		p := strings.Fields(r)
		fmt.Fprintf(&b, "%s,A,%s,%s\n", p[0], p[0], p[1])
	}
	f["routes.txt"] = b.String()
	var trips, times strings.Builder
	trips.WriteString("route_id,service_id,trip_id\n")
	times.WriteString("trip_id,arrival_time,departure_time,stop_id,stop_sequence,pickup_type,drop_off_type\n")
	for _, tr := range h.trips {
		p := strings.Fields(tr)
		fmt.Fprintf(&trips, "%s,%s,%s\n", p[0], p[2], p[1])
		for i, st := range p[3:] {
			at := strings.Split(st, "@")
			parts := strings.Split(at[1], "/")
			tm := parts[0]
			if strings.Count(tm, ":") == 1 {
				tm += ":00"
			}
			pick, drop := "", ""
			for _, fl := range parts[1:] {
				switch fl {
				case "np":
					pick = "1"
				case "nd":
					drop = "1"
				}
			}
			fmt.Fprintf(&times, "%s,%s,%s,%s,%d,%s,%s\n", p[1], tm, tm, at[0], i+1, pick, drop)
		}
	}
	f["trips.txt"], f["stop_times.txt"] = trips.String(), times.String()
	for k, v := range h.extra {
		f[k] = v
	}
	snap := importOne(t, f, "2026-11-24")
	return transit.NewNetwork(snap)
}

func hm(s string) time.Duration {
	var h, m int
	fmt.Sscanf(s, "%d:%d", &h, &m)
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute
}

func pos(t *testing.T, n *transit.Network, id string) (float64, float64) {
	t.Helper()
	i, ok := n.StopIndex("f", id)
	if !ok {
		t.Fatalf("no stop %s", id)
	}
	s := n.Snapshot().Stops[i]
	return s.Lat, s.Lon
}

// describe writes a journey as "07:00 A X-Y 07:20 | walk ... | ...".
func describe(j transit.Journey) string {
	var parts []string
	for _, l := range j.Legs {
		d, _ := transit.Clock(l.Depart)
		a, _ := transit.Clock(l.Arrive)
		if l.Walk {
			if l.From.Stop >= 0 && l.To.Stop >= 0 {
				parts = append(parts, fmt.Sprintf("walk %s-%s", l.From.ID, l.To.ID))
			}
			continue
		}
		parts = append(parts, fmt.Sprintf("%s %s %s-%s %s", d, l.Line, l.From.ID, l.To.ID, a))
	}
	return strings.Join(parts, " | ")
}

// Line A reaches Y at 07:20; line B leaves Y at 07:20 and 07:50. A change
// takes a minute, so the 07:20 is missed by one minute and the 07:50 is
// taken: at Z 08:10. Arriving by 08:00 is impossible from X.
func TestTransferJustMissed(t *testing.T) {
	n := hand{
		stops:  []string{farStop("X", 0), farStop("Y", 1), farStop("Z", 2)},
		routes: []string{"A 3", "B 3"},
		trips: []string{"A a1 WK X@07:00 Y@07:20", "B b1 WK Y@07:20 Z@07:40", "B b2 WK Y@07:50 Z@08:10",
			"B b0 WK Y@07:21 Z@07:30/nd Z@07:45/nd"},
	}.build(t)
	// b0 is a decoy: it leaves at 07:21 but one may not alight at Z.
	xl, xo := pos(t, n, "X")
	zl, zo := pos(t, n, "Z")
	j, ok := n.DepartAt(xl, xo, hm("06:55"), 3).To(zl, zo)
	if !ok || describe(j) != "07:00 A X-Y 07:20 | 07:50 B Y-Z 08:10" || j.Arrive != hm("08:10") || j.Transfers != 1 {
		t.Fatalf("forward: %v %q %v", ok, describe(j), j.Arrive)
	}
	if _, ok := n.ArriveBy(zl, zo, hm("08:00"), 3).From(xl, xo); ok {
		t.Fatal("arriving by 08:00 needs the 07:20 that is missed by a minute")
	}
	j, ok = n.ArriveBy(zl, zo, hm("08:10"), 3).From(xl, xo)
	if !ok || j.Depart != hm("07:00") || describe(j) != "07:00 A X-Y 07:20 | 07:50 B Y-Z 08:10" {
		t.Fatalf("reverse: %v %q", ok, describe(j))
	}
	// The stop-level answer says the same: leave Y by 07:50.
	y, _ := n.StopIndex("f", "Y")
	if at, tr, ok := n.ArriveBy(zl, zo, hm("08:10"), 3).At(y); !ok || at != hm("07:50") || tr != 0 {
		t.Fatalf("at Y: %v %v %v", at, tr, ok)
	}
}

// The direct line D takes an hour; E and F with a change at M take 25
// minutes. With no change allowed D is the answer; with one, E+F.
func TestFasterWithOneMoreTransfer(t *testing.T) {
	n := hand{
		stops:  []string{farStop("X", 0), farStop("M", 1), farStop("Z", 2)},
		routes: []string{"D 3", "E 3", "F 0"},
		trips:  []string{"D d WK X@07:00 Z@08:00", "E e WK X@07:05 M@07:15", "F f WK M@07:17 Z@07:30"},
	}.build(t)
	xl, xo := pos(t, n, "X")
	zl, zo := pos(t, n, "Z")
	j0, ok0 := n.DepartAt(xl, xo, hm("06:50"), 0).To(zl, zo)
	j1, ok1 := n.DepartAt(xl, xo, hm("06:50"), 1).To(zl, zo)
	if !ok0 || !ok1 || describe(j0) != "07:00 D X-Z 08:00" || describe(j1) != "07:05 E X-M 07:15 | 07:17 F M-Z 07:30" || j1.Transfers != 1 {
		t.Fatalf("forward: %q / %q", describe(j0), describe(j1))
	}
	if j1.Legs[2].Mode != transit.ModeTram || j1.Legs[1].Line != "E" {
		t.Fatalf("legs: %+v", j1.Legs)
	}
	r0, _ := n.ArriveBy(zl, zo, hm("08:00"), 0).From(xl, xo)
	r1, _ := n.ArriveBy(zl, zo, hm("08:00"), 1).From(xl, xo)
	if r0.Depart != hm("07:00") || r1.Depart != hm("07:05") || r1.Transfers != 1 || r0.Transfers != 0 {
		t.Fatalf("reverse: %q (%v) / %q (%v)", describe(r0), r0.Depart, describe(r1), r1.Depart)
	}
	// Default transfers (-1) are 3.
	if r, _ := n.ArriveBy(zl, zo, hm("08:00"), -1).From(xl, xo); r.Depart != hm("07:05") {
		t.Fatalf("default: %q", describe(r))
	}
}

// Monday's night trip leaves X at 23:50 and reaches Z at 24:20, which is
// 00:20 on Tuesday, the reference day; Tuesday's own runs on past
// midnight. Times before midnight are negative, and print as the day
// before's.
func TestTripPastMidnight(t *testing.T) {
	n := hand{
		stops:  []string{farStop("X", 0), farStop("M", 1), farStop("Z", 2)},
		routes: []string{"N 3"},
		trips:  []string{"N n WK X@23:50 M@24:05 Z@24:20"},
	}.build(t)
	xl, xo := pos(t, n, "X")
	zl, zo := pos(t, n, "Z")
	j, ok := n.ArriveBy(zl, zo, hm("00:30"), 3).From(xl, xo)
	if !ok || j.Depart != -10*time.Minute || j.Arrive != 20*time.Minute {
		t.Fatalf("Monday's night trip: %v %v %v", ok, j.Depart, j.Arrive)
	}
	if c, d := transit.Clock(j.Depart); c != "23:50" || d != -1 {
		t.Fatalf("Clock(%v) = %s %d", j.Depart, c, d)
	}
	j, ok = n.DepartAt(xl, xo, hm("23:00"), 3).To(zl, zo)
	if !ok || j.Arrive != 24*time.Hour+20*time.Minute {
		t.Fatalf("Tuesday's night trip: %v %v", ok, j.Arrive)
	}
	if c, d := transit.Clock(j.Arrive); c != "00:20" || d != 1 {
		t.Fatalf("Clock(%v) = %s %d", j.Arrive, c, d)
	}
	// Lookup writes the departure after midnight as 00:05, the next day.
	ml, mo := pos(t, n, "M")
	r := n.Lookup(ml, mo)
	if len(r.Stops) != 1 || r.Stops[0].Last != "00:05" || !r.Stops[0].LastNextDay || r.Stops[0].First != "00:05" {
		t.Fatalf("lookup at M: %+v", r.Stops)
	}
}

// A frequencies.txt line: the template leaves X at 00:00 and reaches Z at
// 00:12; it runs every 10 minutes from 07:00 until before 08:00, so six
// trips (07:00 … 07:50).
func TestFrequenciesLine(t *testing.T) {
	n := hand{
		stops:  []string{farStop("X", 0), farStop("Z", 1)},
		routes: []string{"Q 1"},
		trips:  []string{"Q q WK X@00:00 Z@00:12"},
		extra:  map[string]string{"frequencies.txt": "trip_id,start_time,end_time,headway_secs\nq,07:00:00,08:00:00,600\n"},
	}.build(t)
	xl, xo := pos(t, n, "X")
	zl, zo := pos(t, n, "Z")
	if j, ok := n.DepartAt(xl, xo, hm("07:31"), 3).To(zl, zo); !ok || describe(j) != "07:40 Q X-Z 07:52" {
		t.Fatalf("after 07:31: %q", describe(j))
	}
	if j, ok := n.ArriveBy(zl, zo, hm("08:05"), 3).From(xl, xo); !ok || j.Depart != hm("07:50") {
		t.Fatalf("by 08:05: %q", describe(j))
	}
	if _, ok := n.DepartAt(xl, xo, hm("07:51"), 3).To(zl, zo); ok {
		t.Fatal("no trip starts at 08:00: end_time is exclusive")
	}
	if got := n.Snapshot().Timetable.StopTimes(); got != 12 {
		t.Fatalf("six trips of two stops, got %d stop times", got)
	}
}

// P may not be left at M (drop_off_type=1), Q not boarded at Z
// (pickup_type=1): from X one reaches Z but not M; from M, P still takes
// one to Z.
func TestPickupAndDropOffTypes(t *testing.T) {
	n := hand{
		stops:  []string{farStop("X", 0), farStop("M", 1), farStop("Z", 2)},
		routes: []string{"P 3", "Q 3"},
		trips:  []string{"P p WK X@07:00 M@07:10/nd Z@07:20", "Q q WK Z@07:30/np M@07:40 X@07:50"},
	}.build(t)
	x, _ := n.StopIndex("f", "X")
	m, _ := n.StopIndex("f", "M")
	z, _ := n.StopIndex("f", "Z")
	c := n.DepartFrom([]transit.Access{{Stop: x}}, hm("06:50"), 3)
	if at, _, ok := c.At(z); !ok || at != hm("07:20") {
		t.Fatalf("X to Z: %v %v", at, ok)
	}
	if at, _, ok := c.At(m); ok {
		t.Fatalf("M reached at %v: P may not be left there, Q not boarded at Z", at)
	}
	c = n.DepartFrom([]transit.Access{{Stop: m}}, hm("06:50"), 3)
	if at, _, ok := c.At(z); !ok || at != hm("07:20") {
		t.Fatalf("M to Z: %v %v", at, ok)
	}
	if at, _, ok := c.At(x); !ok || at != hm("07:50") {
		t.Fatalf("M to X: %v %v", at, ok)
	}
	// Reverse: to be at M by 08:00 one cannot leave from X or Z.
	r := n.ArriveAt([]transit.Access{{Stop: m}}, hm("08:00"), 3)
	if _, _, ok := r.At(x); ok {
		t.Fatal("X to M")
	}
	if _, _, ok := r.At(z); ok {
		t.Fatal("Z to M")
	}
}

// Y2 is 390 m from Y1: the walk (507 m of street at 4.5 km/h, 406 s) and
// the minute's change fit between 07:20 and 07:30. At 410 m the stops are
// not linked; and transfers.txt can forbid the walk at 390 m or allow
// it at 410 m.
func TestWalkingTransfer390And410(t *testing.T) {
	for _, c := range []struct {
		metres    float64
		transfers string
		ok        bool
	}{
		{390, "", true},
		{410, "", false},
		{390, "from_stop_id,to_stop_id,transfer_type,min_transfer_time\nY1,Y2,3,\n", false},
		{410, "from_stop_id,to_stop_id,transfer_type,min_transfer_time\nY1,Y2,2,600\n", true},
		{410, "from_stop_id,to_stop_id,transfer_type,min_transfer_time\nY1,Y2,2,601\n", false},
	} {
		y1 := [2]float64{51.1, 4.1}
		h := hand{
			stops: []string{farStop("X", 0), fmt.Sprintf("Y1 %.7f %.7f", y1[0], y1[1]),
				fmt.Sprintf("Y2 %.7f %.7f", y1[0]+metresNorth(c.metres), y1[1]), farStop("Z", 2)},
			routes: []string{"A 3", "B 3"},
			trips:  []string{"A a WK X@07:00 Y1@07:20", "B b WK Y2@07:30 Z@07:50"},
		}
		if c.transfers != "" {
			h.extra = map[string]string{"transfers.txt": c.transfers}
		}
		n := h.build(t)
		xl, xo := pos(t, n, "X")
		zl, zo := pos(t, n, "Z")
		j, ok := n.DepartAt(xl, xo, hm("06:55"), 3).To(zl, zo)
		if ok != c.ok {
			t.Fatalf("%v m, transfers %q: reached %v, want %v (%q)", c.metres, c.transfers, ok, c.ok, describe(j))
		}
		if ok && describe(j) != "07:00 A X-Y1 07:20 | walk Y1-Y2 | 07:30 B Y2-Z 07:50" {
			t.Fatalf("%v m: %q", c.metres, describe(j))
		}
		r, rok := n.ArriveBy(zl, zo, hm("08:00"), 3).From(xl, xo)
		if rok != c.ok || ok && (r.Depart != hm("07:00") || describe(r) != describe(j)) {
			t.Fatalf("%v m reverse: %v %q", c.metres, rok, describe(r))
		}
		if c.metres == 390 && c.transfers == "" {
			w := j.Legs[2]
			if !w.Walk || w.Arrive-w.Depart != 406*time.Second || w.DistanceM != 390 {
				t.Fatalf("the walk: %+v", w)
			}
		}
	}
}

// From a point: the best stop within walking distance plus the walk, or
// on foot all the way when the place is near.
func TestDoorToDoor(t *testing.T) {
	n := hand{
		stops:  []string{farStop("X", 0), farStop("Z", 1)},
		routes: []string{"A 3"},
		trips:  []string{"A a WK X@07:00 Z@07:20"},
	}.build(t)
	xl, xo := pos(t, n, "X")
	zl, zo := pos(t, n, "Z")
	home := [2]float64{xl + metresNorth(500), xo} // 500 m from X: 520 s on foot
	work := [2]float64{zl - metresNorth(200), zo} // 200 m from Z: 208 s
	c := n.ArriveBy(work[0], work[1], hm("07:30"), 3)
	j, ok := c.From(home[0], home[1])
	if !ok || j.Depart != hm("07:00")-520*time.Second || j.Arrive != hm("07:20")+208*time.Second || len(j.Legs) != 3 {
		t.Fatalf("door to door: %v %v %v %+v", ok, j.Depart, j.Arrive, j.Legs)
	}
	if j.Legs[0].From.Stop != -1 || j.Legs[2].To.Stop != -1 || j.Legs[0].DistanceM != 500 {
		t.Fatalf("walks: %+v", j.Legs)
	}
	// 700 m from X is beyond a bus stop's 640 m: no way.
	if _, ok := c.From(xl+metresNorth(700), xo); ok {
		t.Fatal("700 m from the bus stop")
	}
	// Next door: on foot.
	j, ok = c.From(work[0]+metresNorth(100), work[1])
	if !ok || len(j.Legs) != 1 || !j.Legs[0].Walk || j.Arrive != hm("07:30") {
		t.Fatalf("next door: %+v", j)
	}
}

// PTAL takes a route's busier direction (TfL's method: "where service
// levels differ in each direction, the highest frequency is taken"). A
// train every 30 minutes each way at 320 m: 2 an hour, a wait of
// 15 + 0.75 minutes, a walk of 4: 30 / 19.75 = 1.52 (both ways summed gave
// 2.45).
func TestPTALBusierDirection(t *testing.T) {
	h := hand{
		stops:  []string{"S 51.0 4.0", farStop("E", 1), farStop("W", 2)},
		routes: []string{"IC 2"},
	}
	for _, m := range []string{"06:30", "07:00", "07:30", "08:00", "08:30", "09:00"} {
		h.trips = append(h.trips, "IC e"+m+" WK S@"+m+" E@23:00", "IC w"+m+" WK E@05:00 S@"+m+" W@23:30")
	}
	n := h.build(t)
	r := n.Lookup(51.0+metresNorth(320), 4.0)
	if r.PTAL != 1.52 || len(r.Stops) != 1 || r.Stops[0].PeakPerHour != 4 {
		t.Fatalf("PTAL %v, stops %+v", r.PTAL, r.Stops)
	}
}

// In a station with a train platform 900 m away and a bus stop 100 m away,
// the train's class is measured from its own platform, and each mode shows
// its own distance.
func TestMixedModeStationMeasuresEachMode(t *testing.T) {
	h := hand{
		stops:  []string{farStop("END", 3)},
		routes: []string{"IC 2", "BUS 3"},
		trips:  []string{"BUS b1 WK P2@07:00 END@07:30"},
	}
	var st strings.Builder
	st.WriteString("stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station\n")
	fmt.Fprintf(&st, "GENT,Gent,%.7f,4.0,1,\n", 51.0+metresNorth(500))
	fmt.Fprintf(&st, "P1,Perron 1,%.7f,4.0,0,GENT\n", 51.0+metresNorth(900))
	fmt.Fprintf(&st, "P2,Bus,%.7f,4.0,0,GENT\n", 51.0+metresNorth(100))
	fmt.Fprintf(&st, "END,Eind,52.0,5.0,0,\n")
	for t := 6 * 60; t < 20*60; t += 15 {
		h.trips = append(h.trips, fmt.Sprintf("IC i%d WK P1@%02d:%02d END@23:00", t, t/60, t%60))
	}
	n := hand{stops: nil, routes: h.routes, trips: h.trips, extra: map[string]string{"stops.txt": st.String()}}.build(t)
	r := n.Lookup(51.0, 4.0)
	if len(r.Stops) != 1 {
		t.Fatalf("stops: %+v", r.Stops)
	}
	s := r.Stops[0]
	// 56 trains 06:00–20:00 are taken as every 30 minutes each way:
	// category III; at 900 m that is E (at 100 m it would have been B).
	if s.Class != transit.ClassE || r.Class != transit.ClassE || s.DistanceM != 100 {
		t.Fatalf("class %s (place %s), distance %d", s.Class, r.Class, s.DistanceM)
	}
	if len(s.ByMode) != 2 || s.ByMode[0].Mode != transit.ModeRail || s.ByMode[0].DistanceM != 900 || s.ByMode[1].DistanceM != 100 || s.ByMode[1].Departures != 1 {
		t.Fatalf("by mode: %+v", s.ByMode)
	}
	if n.Class(51.0, 4.0) != transit.ClassE {
		t.Fatalf("Class: %s", n.Class(51.0, 4.0))
	}
	// Far from everything: stops is an empty list, not null.
	if r := n.Lookup(40, 10); r.Stops == nil || len(r.Stops) != 0 {
		t.Fatalf("none near: %#v", r.Stops)
	}
}

// A network saved before journeys (format 1, no version) is refused with a
// message that says to import again; a saved one loads with its timetable.
func TestLoadRefusesOldFormat(t *testing.T) {
	dir := t.TempDir()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	type oldSnapshot struct {
		ReferenceDay string
		Stops        []transit.Stop
	}
	if err := gob.NewEncoder(zw).Encode(oldSnapshot{ReferenceDay: "2026-11-24", Stops: []transit.Stop{{ID: "S1"}}}); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	if err := os.WriteFile(filepath.Join(dir, transit.FileName), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := transit.Load(dir)
	if !errors.Is(err, transit.ErrOldFormat) || !strings.Contains(err.Error(), "import the feeds again") {
		t.Fatalf("old file: %v", err)
	}
	n := hand{stops: []string{farStop("X", 0), farStop("Z", 1)}, routes: []string{"A 3"}, trips: []string{"A a WK X@07:00 Z@07:20"}}.build(t)
	if err := n.Snapshot().Save(dir); err != nil {
		t.Fatal(err)
	}
	loaded, err := transit.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	xl, xo := pos(t, loaded, "X")
	zl, zo := pos(t, loaded, "Z")
	if j, ok := loaded.ArriveBy(zl, zo, hm("07:30"), 3).From(xl, xo); !ok || j.Depart != hm("07:00") {
		t.Fatalf("after load: %v %q", ok, describe(j))
	}
}
