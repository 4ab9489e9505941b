package transit

import (
	"archive/zip"
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"github.com/verken/verken/data"
)

// SyntheticFeedName is the feed id of the demo network.
const SyntheticFeedName = "verken-synthetisch"

// The demo network runs over real places, but its lines and times are
// invented: no operator's feed may be redistributed. Trains link the main
// stations, a metro crosses Brussels, trams run in Antwerp and Ghent, city
// buses in the regional cities, and regional buses from every town to its
// nearest city, some villages rarely and a few not at all.
var (
	railLines = [][]string{
		{"Oostende", "Brugge", "Gent", "Aalst", "Brussel", "Leuven", "Tienen"},
		{"Antwerpen", "Mechelen", "Vilvoorde", "Brussel", "Halle"},
		{"Antwerpen", "Sint-Niklaas", "Lokeren", "Gent", "Deinze", "Waregem", "Kortrijk"},
		{"Antwerpen", "Lier", "Herentals", "Geel", "Mol"},
		{"Antwerpen", "Lier", "Aarschot", "Diest", "Hasselt", "Genk"},
		{"Brugge", "Lichtervelde", "Roeselare", "Kortrijk"},
		{"Gent", "Oudenaarde", "Ronse"},
		{"Gent", "Dendermonde", "Mechelen", "Leuven"},
		{"Brussel", "Denderleeuw", "Ninove", "Geraardsbergen"},
		{"Leuven", "Tienen", "Sint-Truiden", "Hasselt", "Tongeren"},
		{"Kortrijk", "Ieper", "Poperinge"},
		{"Antwerpen", "Turnhout"},
		{"Brugge", "Blankenberge"},
		{"Brugge", "Knokke-Heist"},
		{"Gent", "Eeklo"},
	}
	tramCities = []string{"Antwerpen", "Gent"}
	metroCity  = "Brussel"
	busCities  = []string{"Antwerpen", "Gent", "Brugge", "Leuven", "Mechelen", "Hasselt", "Kortrijk", "Aalst", "Oostende",
		"Sint-Niklaas", "Genk", "Roeselare", "Turnhout", "Brussel"}
)

// synth builds the feed's files.
type synth struct {
	g      *data.Gazetteer
	r      *rand.Rand
	stops  strings.Builder
	routes strings.Builder
	trips  strings.Builder
	times  strings.Builder
	stopN  int
	tripN  int
	hubs   map[string]stopAt // city → the central stop its radial lines share
}

// SyntheticFeed generates the demo network as a GTFS zip, valid from a
// month before start to a year after.
func SyntheticFeed(g *data.Gazetteer, start time.Time) ([]byte, error) {
	s := &synth{g: g, r: rand.New(rand.NewPCG(20261126, 7)), hubs: map[string]stopAt{}}
	s.stops.WriteString("stop_id,stop_name,stop_lat,stop_lon,location_type,parent_station\n")
	s.routes.WriteString("route_id,agency_id,route_short_name,route_long_name,route_type\n")
	s.trips.WriteString("route_id,service_id,trip_id\n")
	s.times.WriteString("trip_id,arrival_time,departure_time,stop_id,stop_sequence\n")

	for i, line := range railLines {
		var pts []stopAt
		for _, name := range line {
			m, ok := g.ResolveMunicipality(name)
			if !ok {
				return nil, fmt.Errorf("synthetic feed: no municipality %q", name)
			}
			pts = append(pts, stopAt{s.stop("Station "+m.Name.NL, m.Lat+0.002, m.Lon-0.002), m.Lat + 0.002, m.Lon - 0.002})
		}
		headway := 30
		if len(line) <= 3 {
			headway = 60
		}
		s.line(fmt.Sprintf("IC%d", i+1), "IC "+line[0]+" - "+line[len(line)-1], 2, pts, 75, headway, headway, 6, 22)
	}
	if m, ok := g.ResolveMunicipality(metroCity); ok {
		for i, bearing := range []float64{20, 110} {
			s.line(fmt.Sprintf("M%d", i+1), fmt.Sprintf("Metro %d", i+1), 1, s.radial(m, "Metro", bearing, 0.7, 9, true), 30, 4, 6, 5, 24)
		}
	}
	for _, city := range tramCities {
		m, _ := g.ResolveMunicipality(city)
		for i, bearing := range []float64{0, 70, 150, 230, 300} {
			s.line(fmt.Sprintf("T%s%d", city[:2], i+1), fmt.Sprintf("Tram %d %s", i+1, city), 0, s.radial(m, "Tram", bearing, 0.45, 11, false), 18, 7, 10, 6, 24)
		}
	}
	for _, city := range busCities {
		m, _ := g.ResolveMunicipality(city)
		for i, bearing := range []float64{45, 165, 285} {
			s.line(fmt.Sprintf("B%s%d", city[:3], i+1), fmt.Sprintf("Stadsbus %d %s", i+1, city), 3, s.radial(m, "Bus", bearing, 0.4, 10, false), 20, 10, 15, 6, 23)
		}
	}
	s.regional(busCities)

	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	from, to := start.AddDate(0, -1, 0).Format("20060102"), start.AddDate(1, 0, 0).Format("20060102")
	files := []struct{ name, content string }{
		{"agency.txt", "agency_id,agency_name,agency_url,agency_timezone,agency_lang\nVKS,Verken synthetisch net (demo),https://verken.example/demo,Europe/Brussels,nl\n"},
		{"feed_info.txt", "feed_publisher_name,feed_publisher_url,feed_lang,feed_start_date,feed_end_date\nVerken (synthetische demo; geen echte dienstregeling),https://verken.example/demo,nl," + from + "," + to + "\n"},
		{"calendar.txt", "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\nWK,1,1,1,1,1,0,0," + from + "," + to + "\nWE,0,0,0,0,0,1,1," + from + "," + to + "\n"},
		{"stops.txt", s.stops.String()}, {"routes.txt", s.routes.String()}, {"trips.txt", s.trips.String()}, {"stop_times.txt", s.times.String()},
	}
	for _, f := range files {
		w, err := zw.Create(f.name)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write([]byte(f.content)); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

type stopAt struct {
	id       string
	lat, lon float64
}

func (s *synth) stop(name string, lat, lon float64) string {
	s.stopN++
	id := fmt.Sprintf("S%05d", s.stopN)
	fmt.Fprintf(&s.stops, "%s,%s,%.6f,%.6f,0,\n", id, csvSafe(name), lat, lon)
	return id
}

func csvSafe(s string) string { return strings.ReplaceAll(s, ",", " ") }

// radial lays stops from a city centre outwards along a bearing, spacing
// km apart; through lines run both ways from the far end.
func (s *synth) radial(m data.Municipality, kind string, bearing, spacingKm float64, n int, through bool) []stopAt {
	var pts []stopAt
	from := 0
	if through {
		from = -n / 2
	}
	for i := from; i < from+n; i++ {
		if i == 0 && !through {
			// Lines that start in the centre share its stop, as they do
			// at a real hub.
			hub, ok := s.hubs[m.NIS]
			if !ok {
				hub = stopAt{s.stop(m.Name.NL+" Centrum", m.Lat, m.Lon), m.Lat, m.Lon}
				s.hubs[m.NIS] = hub
			}
			pts = append(pts, hub)
			continue
		}
		d := float64(i) * spacingKm
		lat := m.Lat + d*math.Cos(bearing*math.Pi/180)/111.0
		lon := m.Lon + d*math.Sin(bearing*math.Pi/180)/(111.0*math.Cos(m.Lat*math.Pi/180))
		pts = append(pts, stopAt{s.stop(fmt.Sprintf("%s %s %d", m.Name.NL, kind, i-from+1), lat, lon), lat, lon})
	}
	return pts
}

// line writes a route and its trips both ways: every peak minutes in the
// rush hours (07–09, 16–18), every offPeak minutes otherwise, from first
// to last o'clock on weekdays, and half as often at weekends.
func (s *synth) line(id, name string, routeType int, pts []stopAt, kmh float64, peak, offPeak, first, last int) {
	fmt.Fprintf(&s.routes, "%s,VKS,%s,%s,%d\n", id, id, csvSafe(name), routeType)
	for _, svc := range []string{"WK", "WE"} {
		for dir := range 2 {
			order := pts
			if dir == 1 {
				order = make([]stopAt, len(pts))
				for i := range pts {
					order[i] = pts[len(pts)-1-i]
				}
			}
			t := first * 60
			for t < last*60 {
				s.trip(id, svc, order, t, kmh)
				step := offPeak
				if svc == "WK" && (t >= 7*60 && t < 9*60 || t >= 16*60 && t < 18*60) {
					step = peak
				}
				if svc == "WE" {
					step = offPeak * 2
				}
				t += step
			}
		}
	}
}

func (s *synth) trip(route, svc string, pts []stopAt, startMin int, kmh float64) {
	s.tripN++
	id := fmt.Sprintf("%s-%d", route, s.tripN)
	fmt.Fprintf(&s.trips, "%s,%s,%s\n", route, svc, id)
	secs := float64(startMin * 60)
	for i, p := range pts {
		if i > 0 {
			secs += distanceM(pts[i-1].lat, pts[i-1].lon, p.lat, p.lon)/(kmh/3.6) + 30
		}
		t := int(secs)
		fmt.Fprintf(&s.times, "%s,%s,%s,%s,%d\n", id, hms(t), hms(t), p.id, i+1)
	}
}

func hms(t int) string { return fmt.Sprintf("%02d:%02d:%02d", t/3600, t/60%60, t%60) }

// regional runs a bus from every other municipality's postcodes to the
// nearest bus city: most every 15 to 30 minutes, some hourly, a few three
// times a day, and a few villages not at all.
func (s *synth) regional(cities []string) {
	var centres []data.Municipality
	for _, c := range cities {
		m, _ := s.g.ResolveMunicipality(c)
		centres = append(centres, m)
	}
	isCity := map[string]bool{}
	for _, c := range centres {
		isCity[c.NIS] = true
	}
	muns := s.g.Municipalities()
	sort.Slice(muns, func(i, j int) bool { return muns[i].NIS < muns[j].NIS })
	for _, m := range muns {
		if isCity[m.NIS] {
			continue
		}
		roll := s.r.IntN(100)
		if roll < 4 {
			continue // not served
		}
		nearest := centres[0]
		for _, c := range centres {
			if data.DistanceKm(m.Lat, m.Lon, c.Lat, c.Lon) < data.DistanceKm(m.Lat, m.Lon, nearest.Lat, nearest.Lon) {
				nearest = c
			}
		}
		var pts []stopAt
		for _, code := range m.Postcodes {
			if pc, ok := s.g.Postcode(code); ok {
				name := m.Name.NL
				if len(pc.Places) > 0 {
					name = pc.Places[0].Name
				}
				pts = append(pts, stopAt{s.stop(name+" Kerk", pc.Lat, pc.Lon), pc.Lat, pc.Lon})
			}
		}
		near := false
		for _, p := range pts {
			near = near || distanceM(p.lat, p.lon, m.Lat, m.Lon) < 300
		}
		if !near {
			pts = append([]stopAt{{s.stop(m.Name.NL+" Centrum", m.Lat, m.Lon), m.Lat, m.Lon}}, pts...)
		}
		pts = append(pts, stopAt{s.stop(nearest.Name.NL+" Busstation", nearest.Lat-0.001, nearest.Lon+0.001), nearest.Lat - 0.001, nearest.Lon + 0.001})
		id := "R" + m.NIS
		name := "Streekbus " + m.Name.NL + " - " + nearest.Name.NL
		switch {
		case roll < 12:
			s.sparse(id, name, pts)
		case roll < 30:
			s.line(id, name, 3, pts, 35, 30, 60, 6, 21)
		case roll < 75:
			s.line(id, name, 3, pts, 35, 15, 30, 6, 22)
		default:
			s.line(id, name, 3, pts, 35, 10, 15, 6, 23)
		}
	}
}

// sparse is a village bus three times a weekday each way.
func (s *synth) sparse(id, name string, pts []stopAt) {
	fmt.Fprintf(&s.routes, "%s,VKS,%s,%s,3\n", id, id, csvSafe(name))
	rev := make([]stopAt, len(pts))
	for i := range pts {
		rev[i] = pts[len(pts)-1-i]
	}
	for _, start := range []int{7 * 60, 12 * 60, 17 * 60} {
		s.trip(id, "WK", pts, start, 35)
		s.trip(id, "WK", rev, start+30, 35)
	}
}
