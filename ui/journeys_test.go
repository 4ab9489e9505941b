package ui_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/verken/verken/transit"
	"github.com/verken/verken/ui"
)

// Stops of the network of lines, in Ghent, each at least 1.4 km from the
// next so that no walk joins two of them.
var lineStops = map[string][2]float64{
	"A": {51.05, 3.70}, "B": {51.05, 3.72}, "C": {51.05, 3.74}, "D": {51.07, 3.74},
	"F": {51.03, 3.70}, "G": {51.01, 3.70},
}

// pt writes a stop's point as the API reads it.
func pt(stop string) string {
	p := lineStops[stop]
	return fmt.Sprintf("%v,%v", p[0], p[1])
}

// linesNetwork is a feed worked out by hand:
//
//	tram 1:  A 06:30 → B 06:35 → C 06:40, and the same at 06:45, 07:00 and 23:55 (C at 24:05)
//	bus 52:  C 06:44 → D 06:52, and C 06:59 → D 07:07
//	bus 3:   G 06:05 → F 06:15 → A 06:25
//
// with a change of a minute at every stop.
func linesNetwork(t *testing.T) *transit.Network {
	t.Helper()
	dir := t.TempDir()
	var stops strings.Builder
	stops.WriteString("stop_id,stop_name,stop_lat,stop_lon\n")
	for _, id := range []string{"A", "B", "C", "D", "F", "G"} {
		fmt.Fprintf(&stops, "%s,Halte %s,%v,%v\n", id, id, lineStops[id][0], lineStops[id][1])
	}
	type call struct {
		stop string
		at   string
	}
	trips := map[string]struct {
		route string
		calls []call
	}{
		"t1": {"R1", []call{{"A", "06:30"}, {"B", "06:35"}, {"C", "06:40"}}},
		"t2": {"R1", []call{{"A", "06:45"}, {"B", "06:50"}, {"C", "06:55"}}},
		"t3": {"R1", []call{{"A", "07:00"}, {"B", "07:05"}, {"C", "07:10"}}},
		"t4": {"R1", []call{{"A", "23:55"}, {"B", "24:00"}, {"C", "24:05"}}},
		"b1": {"R52", []call{{"C", "06:44"}, {"D", "06:52"}}},
		"b2": {"R52", []call{{"C", "06:59"}, {"D", "07:07"}}},
		"b3": {"R3", []call{{"G", "06:05"}, {"F", "06:15"}, {"A", "06:25"}}},
	}
	var tr, st strings.Builder
	tr.WriteString("route_id,service_id,trip_id\n")
	st.WriteString("trip_id,arrival_time,departure_time,stop_id,stop_sequence\n")
	for id, trip := range trips {
		fmt.Fprintf(&tr, "%s,WK,%s\n", trip.route, id)
		for i, c := range trip.calls {
			fmt.Fprintf(&st, "%s,%s:00,%s:00,%s,%d\n", id, c.at, c.at, c.stop, i+1)
		}
	}
	files := map[string]string{
		"agency.txt":     "agency_id,agency_name,agency_url,agency_timezone\nA,Lijnen,http://x.example,Europe/Brussels\n",
		"stops.txt":      stops.String(),
		"routes.txt":     "route_id,route_short_name,route_type\nR1,1,0\nR52,52,3\nR3,3,3\n",
		"trips.txt":      tr.String(),
		"calendar.txt":   "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\nWK,1,1,1,1,1,0,0,20260101,20271231\n",
		"stop_times.txt": st.String(),
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	snap, err := transit.Import([]transit.Source{{Name: "lijnen", Path: dir}}, transit.Options{Day: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	return transit.NewNetwork(snap)
}

type clockJSON struct {
	Time      string `json:"time"`
	NextDay   bool   `json:"next_day"`
	DayBefore bool   `json:"day_before"`
}

type journeyJSON struct {
	Found   bool `json:"found"`
	Journey *struct {
		Depart    clockJSON `json:"depart"`
		Arrive    clockJSON `json:"arrive"`
		Duration  int       `json:"duration_minutes"`
		Transfers int       `json:"transfers"`
		Legs      []struct {
			Kind string `json:"kind"`
			Line string `json:"line"`
			Mode string `json:"mode"`
			From struct {
				Name   string `json:"name"`
				StopID string `json:"stop_id"`
			} `json:"from"`
			To struct {
				Name   string `json:"name"`
				StopID string `json:"stop_id"`
			} `json:"to"`
			Depart    clockJSON `json:"depart"`
			Arrive    clockJSON `json:"arrive"`
			Minutes   int       `json:"minutes"`
			DistanceM int       `json:"distance_m"`
		} `json:"legs"`
	} `json:"journey"`
}

// legsOf writes a journey's rides as "1 A 06:30-C 06:40".
func legsOf(j journeyJSON) string {
	var parts []string
	for _, l := range j.Journey.Legs {
		if l.Kind == "ride" {
			next := ""
			if l.Arrive.NextDay {
				next = "+1"
			}
			parts = append(parts, fmt.Sprintf("%s %s %s-%s %s%s", l.Line, l.From.StopID, l.Depart.Time, l.To.StopID, l.Arrive.Time, next))
		}
	}
	return strings.Join(parts, ", ")
}

func TestJourneysAPI(t *testing.T) {
	s := startServer(t, 0)
	if code := s.get(t, "/api/v1/journeys?from="+pt("A")+"&to="+pt("D")+"&arrive_by=07:00", nil); code != 503 {
		t.Fatalf("without a network: %d", code)
	}
	net := linesNetwork(t)
	s = startServer(t, 0, func(d *ui.Deps) { d.Transit = &transit.Holder{}; d.Transit.Set(net) })

	// Arrive at D by 07:00: the 06:45 tram reaches C at 06:55, and the
	// bus after it arrives at 07:07; so the 06:30 tram and the 06:44 bus,
	// at D by 06:52.
	var j journeyJSON
	if code := s.get(t, "/api/v1/journeys?from="+pt("A")+"&to="+pt("D")+"&arrive_by=07:00", &j); code != 200 || !j.Found {
		t.Fatalf("arrive by 07:00: %d %+v", code, j)
	}
	if got := legsOf(j); got != "1 A 06:30-C 06:40, 52 C 06:44-D 06:52" {
		t.Errorf("arrive by 07:00: %s", got)
	}
	legs := j.Journey.Legs
	if j.Journey.Depart.Time != "06:30" || j.Journey.Arrive.Time != "06:52" || j.Journey.Duration != 22 || j.Journey.Transfers != 1 ||
		len(legs) != 4 || legs[0].Kind != "walk" || legs[0].Mode != "walk" || legs[0].From.Name != pt("A") || legs[3].To.Name != pt("D") ||
		legs[1].Mode != "tram" || legs[2].Mode != "bus" || legs[1].Minutes != 10 || legs[1].From.Name != "Halte A" {
		t.Errorf("arrive by 07:00: %+v", *j.Journey)
	}
	// Leaving A at 06:40: the 06:45 tram, then the 06:59 bus.
	j = journeyJSON{}
	s.get(t, "/api/v1/journeys?from="+pt("A")+"&to="+pt("D")+"&depart_at=06:40", &j)
	if !j.Found || legsOf(j) != "1 A 06:45-C 06:55, 52 C 06:59-D 07:07" || j.Journey.Arrive.Time != "07:07" {
		t.Errorf("depart at 06:40: %+v", j)
	}
	// Past midnight: 00:05 the next day, never 24:05.
	j = journeyJSON{}
	s.get(t, "/api/v1/journeys?from="+pt("A")+"&to="+pt("C")+"&depart_at=23:50", &j)
	if !j.Found || legsOf(j) != "1 A 23:55-C 00:05+1" || !j.Journey.Arrive.NextDay || j.Journey.Arrive.Time != "00:05" || j.Journey.Depart.NextDay {
		t.Errorf("depart at 23:50: %+v", j)
	}
	// Nothing arrives at D by 06:50.
	j = journeyJSON{}
	if code := s.get(t, "/api/v1/journeys?from="+pt("A")+"&to="+pt("D")+"&arrive_by=06:50", &j); code != 200 || j.Found || j.Journey != nil {
		t.Errorf("arrive by 06:50: %d %+v", code, j)
	}
	// A changes twice from G: the 06:05 bus, the 06:30 tram, the 06:44 bus.
	j = journeyJSON{}
	s.get(t, "/api/v1/journeys?from="+pt("G")+"&to="+pt("D")+"&arrive_by=07:00", &j)
	if !j.Found || legsOf(j) != "3 G 06:05-A 06:25, 1 A 06:30-C 06:40, 52 C 06:44-D 06:52" || j.Journey.Transfers != 2 {
		t.Errorf("from G: %+v", j)
	}

	// Bad input is a 400 naming the parameter.
	for query, param := range map[string]string{
		"from=" + pt("A") + "&to=" + pt("D"):                                      "arrive_by",
		"from=" + pt("A") + "&to=" + pt("D") + "&arrive_by=25:00":                 "arrive_by",
		"from=" + pt("A") + "&to=" + pt("D") + "&arrive_by=7h":                    "arrive_by",
		"from=" + pt("A") + "&to=" + pt("D") + "&depart_at=06:61":                 "depart_at",
		"from=" + pt("A") + "&to=" + pt("D") + "&arrive_by=07:00&depart_at=06:00": "depart_at",
		"to=" + pt("D") + "&arrive_by=07:00":                                      "from",
		"from=NaN,NaN&to=" + pt("D") + "&arrive_by=07:00":                         "from",
		"from=Atlantis&to=" + pt("D") + "&arrive_by=07:00":                        "from",
		"from=" + pt("A") + "&to=50.717,4.601&arrive_by=07:00":                    "to",
	} {
		var e struct {
			Error string `json:"error"`
			Param string `json:"param"`
		}
		if code := s.get(t, "/api/v1/journeys?"+query, &e); code != 400 || e.Param != param || e.Error != "invalid_parameter" {
			t.Errorf("%s: %d %+v, want 400 naming %s", query, code, e, param)
		}
	}
}

type areaJSON struct {
	ArriveBy   string `json:"arrive_by"`
	MaxMinutes int    `json:"max_minutes"`
	Bands      []struct {
		Minutes int `json:"minutes"`
		Stops   int `json:"stops"`
	} `json:"bands"`
	Stops []struct {
		ID        string    `json:"id"`
		Name      string    `json:"name"`
		Minutes   int       `json:"minutes"`
		Band      int       `json:"band"`
		Transfers int       `json:"transfers"`
		Depart    clockJSON `json:"depart"`
	} `json:"stops"`
}

func (a areaJSON) String() string {
	var parts []string
	for _, s := range a.Stops {
		parts = append(parts, fmt.Sprintf("%s %d/%d/%d", s.ID, s.Minutes, s.Band, s.Transfers))
	}
	return strings.Join(parts, ", ")
}

func TestReachabilityArea(t *testing.T) {
	s := startServer(t, 0)
	if code := s.get(t, "/api/v1/reachability/area?place="+pt("D"), nil); code != 503 {
		t.Fatalf("without a network: %d", code)
	}
	net := linesNetwork(t)
	s = startServer(t, 0, func(d *ui.Deps) { d.Transit = &transit.Holder{}; d.Transit.Set(net) })

	// To be at D by 07:00 (the default): D itself at once, C by the 06:44
	// bus (16 min), B and A by the 06:35 and 06:30 tram, F by the 06:15 bus
	// (45 min, two changes), G by the 06:05 bus (55 min).
	var a areaJSON
	if code := s.get(t, "/api/v1/reachability/area?place="+url.QueryEscape(pt("D")), &a); code != 200 {
		t.Fatalf("area: %d", code)
	}
	if got := a.String(); got != "D 0/30/0, C 16/30/0, B 25/30/1, A 30/30/1, F 45/45/2, G 55/60/2" || a.ArriveBy != "07:00" || a.MaxMinutes != 60 ||
		len(a.Bands) != 3 || a.Bands[0].Stops != 4 || a.Bands[1].Stops != 1 || a.Bands[2].Stops != 1 || a.Stops[2].Depart.Time != "06:35" {
		t.Errorf("area by 07:00: %s %+v", got, a)
	}
	a = areaJSON{}
	s.get(t, "/api/v1/reachability/area?place="+url.QueryEscape(pt("D"))+"&arrive_by=07:00&max_minutes=45", &a)
	if got := a.String(); got != "D 0/30/0, C 16/30/0, B 25/30/1, A 30/30/1, F 45/45/2" || len(a.Bands) != 2 {
		t.Errorf("within 45 minutes: %s %+v", got, a.Bands)
	}
	// No stop reaches a place without stops: an empty list, not null.
	resp, body := fetch(t, s.URL+"/api/v1/reachability/area?place=9000&arrive_by=05:00")
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"stops":[]`) {
		t.Errorf("nothing in time: %d %s", resp.StatusCode, body)
	}
	for query, param := range map[string]string{
		"":                            "place",
		"place=NaN,NaN":               "place",
		"place=50.744,3.214":          "place", // Mouscron
		"place=9000&arrive_by=24:00":  "arrive_by",
		"place=9000&max_minutes=0":    "max_minutes",
		"place=9000&max_minutes=121":  "max_minutes",
		"place=9000&max_minutes=half": "max_minutes",
	} {
		var e struct {
			Param string `json:"param"`
		}
		if code := s.get(t, "/api/v1/reachability/area?"+query, &e); code != 400 || e.Param != param {
			t.Errorf("%q: %d %+v, want 400 naming %s", query, code, e, param)
		}
	}

	// The page draws the same stops without the tile server: an SVG with
	// a dot per stop, the place, a scale bar and a legend, and a table.
	resp, body = fetch(t, s.URL+"/bereikbaarheid?place="+url.QueryEscape(pt("D"))+"&arrive_by=07:00&max_minutes=60")
	page := string(body)
	if resp.StatusCode != 200 {
		t.Fatalf("page: %d %s", resp.StatusCode, body)
	}
	svg := page[strings.Index(page, "<svg xmlns"):]
	svg = svg[:strings.Index(svg, "</svg>")]
	if n := strings.Count(svg, "<circle"); n != 6 {
		t.Errorf("%d dots, want 6", n)
	}
	for _, want := range []string{`role="img"`, `id="reach-place-mark"`, `id="reach-scale"`, "Halte G: 55 minuten", `fill="#E69F00"`} {
		if !strings.Contains(svg, want) {
			t.Errorf("the map lacks %s", want)
		}
	}
	if strings.Contains(page, "tile") || strings.Contains(page, "leaflet") {
		t.Error("the page asks the tile server")
	}
	rows := regexp.MustCompile(`<tr><th scope="row">([^<]+)</th><td>(\d+)</td>`).FindAllStringSubmatch(page, -1)
	var table []string
	for _, r := range rows {
		table = append(table, r[1]+" "+r[2])
	}
	if got := strings.Join(table, ", "); got != "Halte D 0, Halte C 16, Halte B 25, Halte A 30, Halte F 45, Halte G 55" {
		t.Errorf("table: %s", got)
	}
	for _, want := range []string{"0 tot 30 minuten: 4 haltes", "30 tot 45 minuten: 1 haltes", "45 tot 60 minuten: 1 haltes", `id="reach-legend"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the legend lacks %q", want)
		}
	}
	resp, body = fetch(t, s.URL+"/bereikbaarheid?place=9000&max_minutes=500&lang=fr")
	if resp.StatusCode != 400 || !strings.Contains(string(body), "Temps de trajet maximal (minutes)") || !strings.Contains(string(body), `role="alert"`) {
		t.Errorf("a bad page request: %d", resp.StatusCode)
	}
	if resp, _ := fetch(t, s.URL+"/bereikbaarheid"); resp.StatusCode != 200 {
		t.Errorf("the empty form: %d", resp.StatusCode)
	}
}

// The fixes of issue 17 that live in the web front.
func TestIssue17PlaceFixes(t *testing.T) {
	tram := tramAt(t, 51.05, 3.72)
	s := startServer(t, 3, func(d *ui.Deps) { d.Transit = &transit.Holder{}; d.Transit.Set(tram) })
	for _, path := range []string{
		"/api/v1/reachability?near=NaN,NaN",
		"/api/v1/suppliers?near=NaN,NaN",
		"/api/v1/suppliers?serves=NaN,NaN",
		"/api/v1/reachability?near=50.717,4.601", // Wavre, 4 km from Overijse's Ottenburg
		"/api/v1/reachability?near=50.744,3.214", // Mouscron
		"/api/v1/suppliers?serves=50.717,4.601",
		"/api/v1/suppliers?serves=50.744,3.214",
	} {
		var e struct {
			Param string `json:"param"`
		}
		code := s.get(t, path, &e)
		if want := strings.SplitN(strings.SplitN(path, "?", 2)[1], "=", 2)[0]; code != 400 || e.Param != want {
			t.Errorf("%s: %d %+v, want 400 naming %s", path, code, e, want)
		}
	}
	// stops is [] when none is near.
	_, body := fetch(t, s.URL+"/api/v1/reachability?near=8000")
	if !strings.Contains(string(body), `"stops":[]`) {
		t.Errorf("no stop near: %s", body)
	}
	// A former municipality measures from its own point.
	for name, want := range map[string][2]float64{"Gooik": {50.79528, 4.11805}, "Kortessem": {50.86255, 5.37812}, "Pajottegem": {50.72332, 4.05366}} {
		var r struct {
			Place struct {
				Lat float64 `json:"lat"`
				Lon float64 `json:"lon"`
			} `json:"place"`
		}
		if code := s.get(t, "/api/v1/reachability?near="+name, &r); code != 200 || r.Place.Lat != want[0] || r.Place.Lon != want[1] {
			t.Errorf("%s: %d %+v, want %v", name, code, r.Place, want)
		}
	}
}

// A site without a served stop reads "not served" in words, never the
// internal "OV not served"; a last departure after midnight says so.
func TestProfileTransitWords(t *testing.T) {
	holder := &transit.Holder{}
	s := startServer(t, 3, func(d *ui.Deps) { d.Transit = holder })
	sup, _ := s.Store.Get("demo-0001")
	site := sup.Sites[0]
	holder.Set(lateTramAt(t, site.Lat, site.Lon))
	_, page := fetch(t, s.URL+"/leveranciers/demo-0001")
	if !strings.Contains(string(page), "00:10 (de volgende dag)") || strings.Contains(string(page), "24:10") {
		t.Errorf("the last departure after midnight: %s", extract(string(page), "stops"))
	}
	holder.Set(lateTramAt(t, site.Lat+0.5, site.Lon))
	for lang, want := range map[string]string{"nl": "niet bediend door het openbaar vervoer", "fr": "non desservi par les transports publics", "en": "not served by public transport"} {
		_, page = fetch(t, s.URL+"/leveranciers/demo-0001?lang="+lang)
		if strings.Contains(string(page), "not served<") || strings.Contains(string(page), "OV not served") || !strings.Contains(string(page), want) {
			t.Errorf("%s: %s", lang, extract(string(page), "transit-class"))
		}
	}
}

// lateTramAt is a tram through a point every 10 minutes from 06:00, the
// last at 24:10 (00:10 the next day).
func lateTramAt(t *testing.T, lat, lon float64) *transit.Network {
	t.Helper()
	dir := t.TempDir()
	var st, trips strings.Builder
	st.WriteString("trip_id,arrival_time,departure_time,stop_id,stop_sequence\n")
	trips.WriteString("route_id,service_id,trip_id\n")
	for m, n := 6*60, 0; m <= 24*60+10; m, n = m+10, n+1 {
		fmt.Fprintf(&trips, "T,WK,t%d\n", n)
		fmt.Fprintf(&st, "t%d,%02d:%02d:00,%02d:%02d:00,MID,1\n", n, m/60, m%60, m/60, m%60)
		fmt.Fprintf(&st, "t%d,%02d:%02d:00,%02d:%02d:00,E,2\n", n, (m+2)/60, (m+2)%60, (m+2)/60, (m+2)%60)
	}
	files := map[string]string{
		"agency.txt":     "agency_id,agency_name,agency_url,agency_timezone\nA,Tram,http://x.example,Europe/Brussels\n",
		"stops.txt":      fmt.Sprintf("stop_id,stop_name,stop_lat,stop_lon\nMID,Midden,%f,%f\nE,Oost,%f,%f\n", lat, lon, lat, lon+0.01),
		"routes.txt":     "route_id,route_short_name,route_type\nT,4,0\n",
		"trips.txt":      trips.String(),
		"calendar.txt":   "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\nWK,1,1,1,1,1,0,0,20260101,20271231\n",
		"stop_times.txt": st.String(),
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	snap, err := transit.Import([]transit.Source{{Name: "tram", Path: dir}}, transit.Options{Day: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	return transit.NewNetwork(snap)
}

// extract is the text around the first occurrence of a marker, for
// failure messages.
func extract(page, marker string) string {
	i := strings.Index(page, marker)
	if i < 0 {
		return "(" + marker + " not found)"
	}
	return page[max(0, i-200):min(len(page), i+400)]
}

// The answers of both APIs match the schemas the OpenAPI document gives
// them, found journeys, journeys not found and empty areas alike.
func TestJourneyAndAreaAnswersMatchOpenAPI(t *testing.T) {
	net := linesNetwork(t)
	s := startServer(t, 0, func(d *ui.Deps) { d.Transit = &transit.Holder{}; d.Transit.Set(net) })
	doc := loadOpenAPI(t, s)
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("the OpenAPI document is invalid:\n%v", err)
	}
	for _, c := range []struct{ path, query string }{
		{"/api/v1/journeys", "from=" + pt("A") + "&to=" + pt("D") + "&arrive_by=07:00"},
		{"/api/v1/journeys", "from=" + pt("A") + "&to=" + pt("C") + "&depart_at=23:50"},
		{"/api/v1/journeys", "from=" + pt("A") + "&to=" + pt("D") + "&arrive_by=05:00"},
		{"/api/v1/reachability/area", "place=" + url.QueryEscape(pt("D"))},
		{"/api/v1/reachability/area", "place=9000&arrive_by=05:00"},
	} {
		op := doc.Paths.Value(c.path).Get
		if op == nil {
			t.Fatalf("%s is not documented", c.path)
		}
		resp, body := fetch(t, s.URL+c.path+"?"+c.query)
		var value any
		if err := json.Unmarshal(body, &value); resp.StatusCode != 200 || err != nil {
			t.Fatalf("%s?%s: %d %v", c.path, c.query, resp.StatusCode, err)
		}
		schema := op.Responses.Value("200").Value.Content.Get("application/json").Schema.Value
		if err := doc.ValidateSchemaJSON(schema, value); err != nil {
			t.Errorf("%s?%s does not match its schema:\n%v", c.path, c.query, err)
		}
		for _, code := range []string{"400", "503"} {
			if op.Responses.Value(code) == nil {
				t.Errorf("%s does not document %s", c.path, code)
			}
		}
	}
}
