package ui_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/testenv"
	"github.com/verken/verken/market"
	"github.com/verken/verken/transit"
	"github.com/verken/verken/ui"
)

// tramAt writes a feed with a tram line through a point: both ways every
// 7 minutes from 06:00 to 20:00, so the middle stop is class A.
func tramAt(t *testing.T, lat, lon float64) *transit.Network {
	t.Helper()
	dir := t.TempDir()
	var st strings.Builder
	st.WriteString("trip_id,arrival_time,departure_time,stop_id,stop_sequence\n")
	var trips strings.Builder
	trips.WriteString("route_id,service_id,trip_id\n")
	n := 0
	for m := 6 * 60; m < 20*60; m += 7 {
		for _, order := range [][]string{{"W", "MID", "E"}, {"E", "MID", "W"}} {
			n++
			fmt.Fprintf(&trips, "T4,WK,t%d\n", n)
			for i, s := range order {
				tm := m + 2*i
				fmt.Fprintf(&st, "t%d,%02d:%02d:00,%02d:%02d:00,%s,%d\n", n, tm/60, tm%60, tm/60, tm%60, s, i+1)
			}
		}
	}
	files := map[string]string{
		"agency.txt": "agency_id,agency_name,agency_url,agency_timezone\nA,Tram,http://x.example,Europe/Brussels\n",
		"stops.txt": fmt.Sprintf("stop_id,stop_name,stop_lat,stop_lon\nW,West,%f,%f\nMID,Midden,%f,%f\nE,Oost,%f,%f\n",
			lat, lon-0.01, lat, lon, lat, lon+0.01),
		"routes.txt":     "route_id,route_short_name,route_type\nT4,4,0\n",
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

func TestReachabilityAPIAndProfiles(t *testing.T) {
	s := startServer(t, 0)
	if code := s.get(t, "/api/v1/reachability?near=9000", nil); code != 503 {
		t.Fatalf("without a network: %d", code)
	}

	holder := &transit.Holder{}
	s = startServer(t, 12, func(d *ui.Deps) { d.Transit = holder })
	sup, _ := s.Store.Get("demo-0001")
	site := sup.Sites[0]
	holder.Set(tramAt(t, site.Lat, site.Lon))
	if err := s.Index.SetTransit(holder.ClassAt); err != nil {
		t.Fatal(err)
	}
	var r struct {
		Class    string  `json:"class"`
		PTALBand string  `json:"ptal_band"`
		PTAL     float64 `json:"ptal_index"`
		Day      string  `json:"reference_day"`
		Stops    []struct {
			Name      string   `json:"name"`
			DistanceM int      `json:"distance_m"`
			Modes     []string `json:"modes"`
			Dep       int      `json:"departures_06_20"`
			Peak      float64  `json:"departures_per_hour_07_09"`
			First     string   `json:"first_departure"`
			Category  int      `json:"category"`
		} `json:"stops"`
	}
	near := fmt.Sprintf("%f,%f", site.Lat, site.Lon)
	if code := s.get(t, "/api/v1/reachability?near="+near, &r); code != 200 {
		t.Fatalf("reachability: %d", code)
	}
	// 120 trips each way leave the middle stop between 06:00 and 20:00:
	// 240 departures, an average of 7 minutes each way: category II, class A.
	if r.Class != "A" || len(r.Stops) != 1 || r.Stops[0].Name != "Midden" || r.Stops[0].Dep != 240 || r.Stops[0].Category != 2 ||
		r.Stops[0].First != "06:02" || r.Stops[0].Modes[0] != "tram" || r.Day != "2026-11-24" || r.PTALBand == "0" {
		t.Fatalf("reachability: %+v", r)
	}
	if code := s.get(t, "/api/v1/reachability?near=Atlantis", nil); code != 400 {
		t.Fatalf("unknown place: %d", code)
	}

	_, page := fetch(t, s.URL+"/leveranciers/demo-0001")
	if !strings.Contains(string(page), "OV A") || !strings.Contains(string(page), "tram elke 7 minuten op 0 m") || !strings.Contains(string(page), "Midden") {
		t.Fatal("the profile does not explain the site's class")
	}

	// Search: the transit filter and its facet.
	var res searchResponse
	s.get(t, "/api/v1/suppliers?min_transit_class=A", &res)
	if res.Total != 1 || res.Hits[0].ID != "demo-0001" {
		t.Fatalf("min_transit_class=A: %+v", res)
	}
	var all searchResponse
	s.get(t, "/api/v1/suppliers", &all)
	if all.Facets["min_transit_class"]["A"] != 1 || all.Facets["min_transit_class"]["F"] != 1 {
		t.Fatalf("transit facet: %v", all.Facets["min_transit_class"])
	}
	if code := s.get(t, "/api/v1/suppliers?min_transit_class=Z", nil); code != 400 {
		t.Fatalf("bad class: %d", code)
	}

	// Market check: the class of each site where the work would be done,
	// and the class of a named place.
	b := newVisitor(t, s)
	b.csrf = ""
	for _, place := range []string{"", near} {
		body := fmt.Sprintf(`{"tasks": [%q], "place": %q, "volume_fte": 1, "start": "2030-01-07"}`, sup.Offers[0].Task, place)
		code, _, resp := b.do("POST", "/api/v1/market-checks", strings.NewReader(body), "application/json")
		var rep struct {
			Figures struct {
				PlaceClass string `json:"place_class"`
			} `json:"figures"`
			Suppliers []struct {
				ID          string   `json:"id"`
				SiteClasses []string `json:"site_classes"`
			} `json:"suppliers"`
		}
		if code != 200 || json.Unmarshal([]byte(resp), &rep) != nil {
			t.Fatalf("market check at %q: %d %s", place, code, resp)
		}
		i := slices.IndexFunc(rep.Suppliers, func(c struct {
			ID          string   `json:"id"`
			SiteClasses []string `json:"site_classes"`
		}) bool {
			return c.ID == "demo-0001"
		})
		switch {
		case i < 0:
			t.Fatalf("market check at %q does not list demo-0001: %s", place, resp)
		case place == "" && (len(rep.Suppliers[i].SiteClasses) == 0 || rep.Suppliers[i].SiteClasses[0] != "A"):
			t.Fatalf("site classes of demo-0001: %v", rep.Suppliers[i].SiteClasses)
		case place != "" && rep.Figures.PlaceClass != "A":
			t.Fatalf("class of the place: %q", rep.Figures.PlaceClass)
		}
	}
}

// With a network, the market check works out how each supplier's crew gets
// to the place of work for the shift and home again: a supplier beside
// the tram gets there in minutes, one 50 km away not at all, and the
// figures count the capacity that can be there in time.
func TestMarketCheckTravelTimes(t *testing.T) {
	const lat, lon = 51.05, 3.72 // Ghent
	tram := tramAt(t, lat, lon)
	s := startServer(t, 0, func(d *ui.Deps) { d.Transit = &transit.Holder{}; d.Transit.Set(tram) })
	near := testenv.Supplier(1, "bij-de-tram", "9000", testenv.Offer("office-cleaning", 3, directory.ServiceArea{}))
	near.Sites[0].Lat, near.Sites[0].Lon = lat, lon+0.0105 // by the east stop
	far := testenv.Supplier(2, "ver-weg", "2000", testenv.Offer("office-cleaning", 2, directory.ServiceArea{}))
	for _, sup := range []*directory.Supplier{near, far} {
		if err := s.Store.Create(sup); err != nil {
			t.Fatal(err)
		}
	}
	waitIndexed(t, s)
	body := fmt.Sprintf(`{"tasks":["office-cleaning"],"place":"%v,%v","volume_fte":2,"start":"2030-01-07"}`, lat, lon)
	resp, err := http.Post(s.URL+"/api/v1/market-checks", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var rep market.CheckReport
	_ = json.NewDecoder(resp.Body).Decode(&rep)
	resp.Body.Close()
	if resp.StatusCode != 200 || !rep.Figures.TravelChecked {
		t.Fatalf("check: %d %+v", resp.StatusCode, rep.Figures)
	}
	byID := map[string]market.CheckSupplier{}
	for _, c := range rep.Suppliers {
		byID[c.ID] = c
	}
	tr := byID["bij-de-tram"].Travel
	if tr == nil || tr.Minutes == nil || *tr.Minutes > 20 || !tr.InTime || tr.ReturnMinutes == nil {
		t.Fatalf("the supplier by the tram: %+v", tr)
	}
	if tr := byID["ver-weg"].Travel; tr == nil || tr.Minutes != nil || tr.InTime {
		t.Fatalf("the supplier 50 km away: %+v", tr)
	}
	if rep.Figures.InTimeFTE != 3 || rep.Figures.InTimeEligibleFTE != 0 {
		t.Fatalf("capacity in time: %+v", rep.Figures)
	}
}
