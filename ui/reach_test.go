package ui_test

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/transit"
	"github.com/verken/verken/ui"
)

// reachHits is the part of a search answer a reach search adds to.
type reachHits struct {
	Total int `json:"total"`
	Hits  []struct {
		ID            string `json:"id"`
		Name          string `json:"name"`
		TravelMinutes *int   `json:"travel_minutes"`
	} `json:"hits"`
}

// minutes lists the hits as "name minutes", in order.
func (r reachHits) minutes() string {
	var parts []string
	for _, h := range r.Hits {
		m := "-"
		if h.TravelMinutes != nil {
			m = fmt.Sprint(*h.TravelMinutes)
		}
		parts = append(parts, h.Name+" "+m)
	}
	return strings.Join(parts, ", ")
}

// A search with reach keeps the suppliers whose crew arrives in time by
// public transport, with the minutes door to door, and sorts by them. The
// network is linesNetwork; the place of work is stop D, arrive by 07:00:
//
//	from C: the 06:44 bus, 16 min;  from B: the 06:35 tram, then the bus, 25 min
//	from 300 m north of A: a walk of 300 × 1.3 / 1.25 = 312 s to A for
//	  the 06:30 tram, so leaving at 06:24:48, 35 min
//	from F: the 06:15 bus to A, 45 min;  from G: the 06:05 bus, 55 min
//	200 m from D: on foot, 208 s, 3 min;  Brussels: no journey at all
func TestSearchReach(t *testing.T) {
	net := linesNetwork(t)
	s := startServer(t, 0, func(d *ui.Deps) { d.Transit = &transit.Holder{}; d.Transit.Set(net) })
	north := func(stop string, m float64) (float64, float64) {
		p := lineStops[stop]
		return p[0] + m/(6371008.8*math.Pi/180), p[1]
	}
	at := map[string][2]float64{}
	for name, where := range map[string]struct {
		stop string
		m    float64
	}{"Ploeg C": {"C", 0}, "Ploeg B": {"B", 0}, "Ploeg A": {"A", 300}, "Ploeg F": {"F", 0}, "Ploeg G": {"G", 0}, "Ploeg D": {"D", 200}} {
		lat, lon := north(where.stop, where.m)
		at[name] = [2]float64{lat, lon}
	}
	at["Ploeg Brussel"] = [2]float64{50.8466, 4.3528}
	n := 0
	for name, p := range at {
		n++
		postcode := "9000"
		if name == "Ploeg Brussel" {
			postcode = "1000"
		}
		sup := &directory.Supplier{
			Name: name, Kind: directory.KindMaatwerkbedrijf, EnterpriseNumber: directory.EnterpriseNumberWithCheck(7100000 + n),
			Sites:  []directory.Site{{Postcode: postcode, Lat: p[0], Lon: p[1]}},
			Offers: []directory.Offer{{Task: "office-cleaning", FreeFTE: 1, AtClientSite: true, ServiceArea: directory.ServiceArea{Provinces: []string{"OVL"}}}},
		}
		if err := s.Store.Create(sup); err != nil {
			t.Fatal(err)
		}
	}
	waitIndexed(t, s)

	place := "reach=" + pt("D") + "&arrive_by=07:00"
	var r reachHits
	if code := s.get(t, "/api/v1/suppliers?"+place+"&max_minutes=45&sort=travel_time", &r); code != 200 {
		t.Fatalf("reach: %d", code)
	}
	if got := r.minutes(); got != "Ploeg D 3, Ploeg C 16, Ploeg B 25, Ploeg A 35, Ploeg F 45" || r.Total != 5 {
		t.Errorf("within 45 minutes by travel time: %s (total %d)", got, r.Total)
	}
	r = reachHits{}
	s.get(t, "/api/v1/suppliers?"+place+"&sort=travel_time", &r) // 60 minutes unless told
	if got := r.minutes(); got != "Ploeg D 3, Ploeg C 16, Ploeg B 25, Ploeg A 35, Ploeg F 45, Ploeg G 55" {
		t.Errorf("within the default 60 minutes: %s", got)
	}
	// The minutes are the journeys API's, which the market check uses too.
	there := net.ArriveBy(lineStops["D"][0], lineStops["D"][1], 7*time.Hour, transit.DefaultMaxTransfers)
	for _, h := range r.Hits {
		p := at[h.Name]
		j, ok := there.From(p[0], p[1])
		if !ok || h.TravelMinutes == nil || *h.TravelMinutes != int((7*time.Hour-j.Depart).Round(time.Minute)/time.Minute) {
			t.Errorf("%s: %v minutes in the search, journey %+v", h.Name, h.TravelMinutes, j)
		}
	}
	// Arriving by 06:50 the bus from C is too late: only the walk is left.
	r = reachHits{}
	s.get(t, "/api/v1/suppliers?reach="+pt("D")+"&arrive_by=06:50&max_minutes=60", &r)
	if got := r.minutes(); got != "Ploeg D 3" {
		t.Errorf("arrive by 06:50: %s", got)
	}
	// Other filters and words combine with reach.
	r = reachHits{}
	s.get(t, "/api/v1/suppliers?"+place+"&max_minutes=30&q=ploeg&sort=name", &r)
	if got := r.minutes(); got != "Ploeg B 25, Ploeg C 16, Ploeg D 3" {
		t.Errorf("with words, by name: %s", got)
	}
	// Without reach a hit has no travel time.
	r = reachHits{}
	s.get(t, "/api/v1/suppliers?q=ploeg", &r)
	if r.Total != 7 || r.Hits[0].TravelMinutes != nil {
		t.Errorf("without reach: %s", r.minutes())
	}

	// The search page asks for the place and the time, shows the minutes
	// and offers the travel-time order only with a place of work.
	_, page := fetch(t, s.URL+"/?"+place+"&max_minutes=45&sort=travel_time")
	for _, want := range []string{`name="reach"`, `name="arrive_by"`, `name="max_minutes"`, `<span class="travel">16 min met openbaar vervoer</span>`, `<option value="travel_time" selected>`} {
		if !strings.Contains(string(page), want) {
			t.Errorf("the search page lacks %q", want)
		}
	}
	if strings.Index(string(page), "Ploeg D") > strings.Index(string(page), "Ploeg C") {
		t.Error("the page does not list the nearest crew first")
	}
	if _, page := fetch(t, s.URL+"/?q=ploeg"); strings.Contains(string(page), `value="travel_time"`) {
		t.Error("the travel-time order is offered without a place of work")
	}

	// Bad input is a 400 naming the parameter.
	for query, param := range map[string]string{
		"sort=travel_time":                      "sort",
		place + "&max_minutes=500":              "max_minutes",
		place + "&max_minutes=-5":               "max_minutes",
		"reach=" + pt("D") + "&arrive_by=7h":    "arrive_by",
		"reach=" + pt("D") + "&arrive_by=00:00": "arrive_by",
		"reach=Atlantis":                        "reach",
		"reach=NaN,NaN":                         "reach",
	} {
		var e struct {
			Param string `json:"param"`
		}
		if code := s.get(t, "/api/v1/suppliers?"+query, &e); code != 400 || e.Param != param {
			t.Errorf("%s: %d %+v, want 400 naming %s", query, code, e, param)
		}
	}
	// Without a timetable, reach cannot be answered, and says so.
	bare := startServer(t, 2)
	var e struct {
		Param  string `json:"param"`
		Reason string `json:"reason"`
	}
	if code := bare.get(t, "/api/v1/suppliers?reach=9000", &e); code != 400 || e.Param != "reach" || !strings.Contains(e.Reason, "timetable") {
		t.Errorf("without a timetable: %d %+v", code, e)
	}
	// The page says it in words.
	_, page = fetch(t, bare.URL+"/?reach=9000")
	if !strings.Contains(string(page), "geen dienstregeling") {
		t.Error("the search page does not explain that no timetable is imported")
	}
}
