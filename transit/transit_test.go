package transit_test

import (
	"archive/zip"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/verken/verken/internal/testenv"
	"github.com/verken/verken/transit"
)

// departures counts a snapshot's departures per stop id.
func departures(s *transit.Snapshot) map[string]int {
	out := map[string]int{}
	for _, st := range s.Stops {
		out[st.Feed+"/"+st.ID] = len(st.Departures)
	}
	return out
}

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// The reference sample feed, counted by hand. A trip's last stop is an
// arrival, not a departure. Frequencies repeat a trip from start_time
// every headway_secs while before end_time.
//
// Tuesday 2007-06-05 (service FULLW runs every day; WE only at weekends):
//   - STBA, 06:00–22:00 every 30 min: 32 trips, STAGECOACH → BEATTY_AIRPORT.
//   - CITY1 and CITY2, each 4 (06–08, /30) + 12 (08–10, /10) + 12 (10–16,
//     /30) + 18 (16–19, /10) + 6 (19–22, /30) = 52 trips.
//     CITY1 leaves STAGECOACH, NANAA, NADAV, DADAN (ends at EMSI);
//     CITY2 leaves EMSI, DADAN, NADAV, NANAA (ends at STAGECOACH).
//   - AB1 leaves BEATTY_AIRPORT 08:00, AB2 leaves BULLFROG 12:05,
//     BFC1 leaves BULLFROG 08:20, BFC2 leaves FUR_CREEK_RES 11:00.
//     So STAGECOACH 32 + 52 = 84; NANAA, NADAV, DADAN 52 + 52 = 104;
//     EMSI 52; BULLFROG 2; BEATTY_AIRPORT 1; FUR_CREEK_RES 1; AMV 0.
//
// Monday 2007-06-04: calendar_dates removes FULLW, WE does not run: 0.
// Saturday 2007-06-09: FULLW as Tuesday, plus WE's AAMV1–4:
//
//	BEATTY_AIRPORT 1 + 2 (08:00, 13:00) = 3; AMV 2 (10:00, 15:00).
func TestSampleFeedCountedByHand(t *testing.T) {
	ref := testenv.ReferenceDir(t)
	src := transit.Source{Name: "sample", Path: filepath.Join(ref, "gtfs", "sample-feed-1.zip")}
	tue, err := transit.Import([]transit.Source{src}, transit.Options{Day: day("2007-06-05")})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"sample/STAGECOACH": 84, "sample/NANAA": 104, "sample/NADAV": 104, "sample/DADAN": 104,
		"sample/EMSI": 52, "sample/BULLFROG": 2, "sample/BEATTY_AIRPORT": 1, "sample/FUR_CREEK_RES": 1, "sample/AMV": 0}
	if got := departures(tue); !equalCounts(got, want) {
		t.Fatalf("Tuesday: got %v\nwant %v", got, want)
	}
	mon, err := transit.Import([]transit.Source{src}, transit.Options{Day: day("2007-06-04")})
	if err != nil {
		t.Fatal(err)
	}
	for id, n := range departures(mon) {
		if n != 0 {
			t.Errorf("Monday 4 June (FULLW removed): %s has %d departures", id, n)
		}
	}
	sat, err := transit.Import([]transit.Source{src}, transit.Options{Day: day("2007-06-09")})
	if err != nil {
		t.Fatal(err)
	}
	if got := departures(sat); got["sample/BEATTY_AIRPORT"] != 3 || got["sample/AMV"] != 2 || got["sample/STAGECOACH"] != 84 {
		t.Fatalf("Saturday: %v", got)
	}
	// Without a date: the first Tuesday in the feed's validity that no
	// calendar_dates removes (the feed ran 2007–2010; today is past it).
	auto, err := transit.Import([]transit.Source{src}, transit.Options{Today: day("2026-11-26")})
	if err != nil || auto.ReferenceDay != "2007-01-02" {
		t.Fatalf("default day %q, %v", auto.ReferenceDay, err)
	}
	if tue.Feeds[0].Agencies[0] != "Demo Transit Authority" || tue.Feeds[0].ValidFrom != "20070101" {
		t.Fatalf("feed info %+v", tue.Feeds[0])
	}
}

func equalCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// writeFeed writes a feed folder from file name → content.
func writeFeed(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// base is a small valid feed: one bus route, two stops, a weekday service.
func base() map[string]string {
	return map[string]string{
		"agency.txt":   "agency_id,agency_name,agency_url,agency_timezone\nA,Testbus,http://x.example,Europe/Brussels\n",
		"stops.txt":    "stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station\nS1,Markt,51.0,4.0,,\nS2,Station,51.01,4.01,,\n",
		"routes.txt":   "route_id,agency_id,route_short_name,route_type\nR1,A,1,3\n",
		"trips.txt":    "route_id,service_id,trip_id\nR1,WK,T1\n",
		"calendar.txt": "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\nWK,1,1,1,1,1,0,0,20260101,20261231\n",
		"stop_times.txt": "trip_id,arrival_time,departure_time,stop_id,stop_sequence,pickup_type\n" +
			"T1,08:00:00,08:00:00,S1,1,\nT1,08:10:00,08:10:00,S2,2,\n",
	}
}

func importOne(t *testing.T, files map[string]string, d string) *transit.Snapshot {
	t.Helper()
	s, err := transit.Import([]transit.Source{{Name: "f", Path: writeFeed(t, files)}}, transit.Options{Day: day(d)})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestTimesAfterMidnight(t *testing.T) {
	f := base()
	f["trips.txt"] = "route_id,service_id,trip_id\nR1,WK,T1\nR1,WK,NIGHT\n"
	f["stop_times.txt"] += "NIGHT,24:30:00,24:30:00,S1,1,\nNIGHT,25:10:00,25:10:00,S2,2,\nNIGHT,25:20:00,25:20:00,S1,3,\n"
	// Tuesday: Monday's night trip runs on at 00:30 and 01:10; Tuesday's
	// own trips leave S1 at 08:00 and 24:30, and S2 at 25:10 (S1 at 25:20
	// ends the trip).
	snap := importOne(t, f, "2026-11-24")
	var times []int32
	for _, st := range snap.Stops {
		for _, d := range st.Departures {
			times = append(times, d.T)
		}
	}
	slices.Sort(times)
	if fmt.Sprint(times) != "[1800 4200 28800 88200 90600]" {
		t.Fatalf("Tuesday's departures: %v", times)
	}
	// Saturday: no weekday service on Saturday, but Friday's night trip runs on.
	sat := importOne(t, f, "2026-11-28")
	if got := departures(sat); got["f/S1"] != 1 || got["f/S2"] != 1 {
		t.Fatalf("Saturday: %v", got)
	}
	for _, st := range sat.Stops {
		for _, d := range st.Departures {
			if d.T > 2*3600 {
				t.Fatalf("Friday's night trip counted at %d s on Saturday", d.T)
			}
		}
	}
}

func TestPickupTypeOneIsNoDeparture(t *testing.T) {
	f := base()
	f["stop_times.txt"] = "trip_id,arrival_time,departure_time,stop_id,stop_sequence,pickup_type\n" +
		"T1,08:00:00,08:00:00,S1,1,1\nT1,08:10:00,08:10:00,S2,2,\nT1,08:20:00,08:20:00,S1,3,\n"
	got := departures(importOne(t, f, "2026-11-24"))
	if got["f/S1"] != 0 || got["f/S2"] != 1 {
		t.Fatalf("pickup_type=1: %v", got)
	}
}

// Platforms count together under their station, and rail walks further.
func TestParentStationsAndExtendedTypes(t *testing.T) {
	f := base()
	f["stops.txt"] = "stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station\n" +
		"GENT,Gent-Sint-Pieters,51.0356,3.7107,1,\nP1,Perron 1,51.0356,3.7107,0,GENT\nP2,Perron 2,51.0357,3.7108,0,GENT\nEND,Brussel,50.84,4.35,0,\n"
	f["routes.txt"] = "route_id,agency_id,route_short_name,route_type\nIC,A,IC,102\nBUS,A,5,704\n"
	f["trips.txt"] = "route_id,service_id,trip_id\nIC,WK,T1\nBUS,WK,T2\n"
	var st strings.Builder
	st.WriteString("trip_id,arrival_time,departure_time,stop_id,stop_sequence,pickup_type\n")
	st.WriteString("T1,08:00:00,08:00:00,P1,1,\nT1,08:30:00,08:30:00,END,2,\nT2,08:05:00,08:05:00,P2,1,\nT2,08:40:00,08:40:00,END,2,\n")
	f["stop_times.txt"] = st.String()
	snap := importOne(t, f, "2026-11-24")
	modes := map[string]string{}
	for _, r := range snap.Routes {
		modes[r.ID] = r.Mode.String()
	}
	if modes["IC"] != "rail" || modes["BUS"] != "bus" {
		t.Fatalf("extended route types: %v", modes)
	}
	r := transit.NewNetwork(snap).Lookup(51.0356, 3.7107+0.010) // about 700 m east
	if len(r.Stops) != 1 || r.Stops[0].ID != "GENT" || r.Stops[0].Name != "Gent-Sint-Pieters" {
		t.Fatalf("station grouping: %+v", r.Stops)
	}
	// At 700 m the train counts (rail walks 960 m), the bus does not (640 m).
	if got := r.Stops[0].Modes; len(got) != 1 || got[0] != transit.ModeRail {
		t.Fatalf("modes within walking distance: %v", got)
	}
}

func TestTwoFeedsWithCollidingIDs(t *testing.T) {
	a := writeFeed(t, base())
	bfiles := base()
	bfiles["stop_times.txt"] = "trip_id,arrival_time,departure_time,stop_id,stop_sequence\nT1,09:00:00,09:00:00,S2,1\nT1,09:10:00,09:10:00,S1,2\n"
	b := writeFeed(t, bfiles)
	snap, err := transit.Import([]transit.Source{{Name: "delijn", Path: a}, {Name: "nmbs", Path: b}}, transit.Options{Day: day("2026-11-24")})
	if err != nil {
		t.Fatal(err)
	}
	got := departures(snap)
	want := map[string]int{"delijn/S1": 1, "delijn/S2": 0, "nmbs/S1": 0, "nmbs/S2": 1}
	if !equalCounts(got, want) {
		t.Fatalf("colliding ids: %v", got)
	}
	if len(snap.Routes) != 2 || snap.Routes[0].Feed == snap.Routes[1].Feed {
		t.Fatalf("routes: %+v", snap.Routes)
	}
}

func TestFeedWithOnlyCalendarDates(t *testing.T) {
	f := base()
	delete(f, "calendar.txt")
	f["calendar_dates.txt"] = "service_id,date,exception_type\nWK,20261124,1\nWK,20261201,1\n"
	if got := departures(importOne(t, f, "2026-11-24")); got["f/S1"] != 1 {
		t.Fatalf("added date: %v", got)
	}
	if got := departures(importOne(t, f, "2026-11-25")); got["f/S1"] != 0 {
		t.Fatalf("a day not added: %v", got)
	}
	s, err := transit.Import([]transit.Source{{Name: "f", Path: writeFeed(t, f)}}, transit.Options{Today: day("2026-11-25")})
	if err != nil || s.ReferenceDay != "2026-12-01" {
		t.Fatalf("default day %q, %v", s.ReferenceDay, err)
	}
}

// Bad feeds are refused with the file and the line.
func TestBadFeedsNameFileAndLine(t *testing.T) {
	cases := map[string]struct {
		change func(map[string]string)
		want   string
	}{
		"missing file":   {func(f map[string]string) { delete(f, "stops.txt") }, "stops.txt: required file is missing"},
		"broken CSV":     {func(f map[string]string) { f["trips.txt"] = "route_id,service_id,trip_id\nR1,\"WK,T1\n" }, "trips.txt line"},
		"unknown stop":   {func(f map[string]string) { f["stop_times.txt"] += "T1,08:20:00,08:20:00,NOPE,3,\n" }, "stop_times.txt line 4: stop_id \"NOPE\" is not in stops.txt"},
		"not UTF-8":      {func(f map[string]string) { f["stops.txt"] += "S3,Br\xfcssel,51.02,4.02,,\n" }, "stops.txt line 4: not UTF-8"},
		"bad time":       {func(f map[string]string) { f["stop_times.txt"] += "T1,8u20,8u20,S1,3,\n" }, "stop_times.txt line 4"},
		"no calendar":    {func(f map[string]string) { delete(f, "calendar.txt") }, "calendar.txt: required file is missing"},
		"bad route type": {func(f map[string]string) { f["routes.txt"] = "route_id,route_type\nR1,9999\n" }, "routes.txt line 2"},
	}
	for name, c := range cases {
		f := base()
		c.change(f)
		_, err := transit.Import([]transit.Source{{Name: "f", Path: writeFeed(t, f)}}, transit.Options{Day: day("2026-11-24")})
		var fe *transit.FeedError
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want a FeedError with %q", name, err, c.want)
		}
	}
}

// A zip whose stop_times expand far beyond what they could hold is refused.
func TestZipBombIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bomb.zip")
	out, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := zip.NewWriter(out)
	for name, content := range base() {
		if name == "stop_times.txt" {
			continue
		}
		fw, _ := w.Create(name)
		fw.Write([]byte(content))
	}
	fw, _ := w.Create("stop_times.txt")
	fw.Write([]byte("trip_id,arrival_time,departure_time,stop_id,stop_sequence\n"))
	zeros := make([]byte, 1<<20)
	for range 64 { // 64 MiB of zeros compress to a few dozen KiB
		fw.Write(zeros)
	}
	w.Close()
	out.Close()
	_, err = transit.Import([]transit.Source{{Name: "bomb", Path: path}}, transit.Options{Day: day("2026-11-24")})
	if err == nil || !strings.Contains(err.Error(), "zip bomb") || !strings.Contains(err.Error(), "stop_times.txt") {
		t.Fatalf("zip bomb: %v", err)
	}
}
