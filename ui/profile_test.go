package ui_test

import (
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/transit"
	"github.com/verken/verken/ui"
)

// reservedBlock is the profile's reserved-contract section.
var reservedBlock = regexp.MustCompile(`(?s)<section class="reserved[^"]*" id="reserved".*?</section>`)

// The profile gives the same verdict on reserved contracts as the search
// (directory's EligibleForReserved on the server's today), with its
// reasons in words: the recognition that counts, or why none does, and
// the share of target-group workers against the 30 % the law asks.
func TestProfileShowsReservedEligibilityWithReason(t *testing.T) {
	clock := &testClock{t: time.Date(2027, 3, 1, 10, 0, 0, 0, time.UTC)}
	s := startServer(t, 40, withClock(clock))
	rec := func(from, to directory.Date) []directory.Recognition {
		return []directory.Recognition{{Type: "maatwerkbedrijf", Number: "M-77", ValidFrom: from, ValidTo: to}}
	}
	cases := []struct {
		name     string
		share    float64
		recs     []directory.Recognition
		eligible bool
		want     []string // in the section, in Dutch
	}{
		{"Open Erkend", 65, rec(directory.NewDate(2020, 1, 1), directory.Date{}), true,
			[]string{"Komt vandaag in aanmerking voor een voorbehouden opdracht.", "Erkenning maatwerkbedrijf M-77 geldt vandaag, zonder einddatum.", "65 % doelgroepwerknemers: minstens 30 % is nodig."}},
		{"Tot Eind Erkend", 50, rec(directory.NewDate(2020, 1, 1), directory.NewDate(2027, 12, 31)), true,
			[]string{"Komt in aanmerking voor een voorbehouden opdracht, vandaag en tot 31-12-2027.", "geldt vandaag, tot 31-12-2027."}},
		{"Te Weinig Doelgroep", 20, rec(directory.NewDate(2020, 1, 1), directory.Date{}), false,
			[]string{"Komt vandaag niet in aanmerking voor een voorbehouden opdracht.", "Slechts 20 % doelgroepwerknemers: minstens 30 % is nodig."}},
		{"Verlopen Erkenning", 70, rec(directory.NewDate(2019, 1, 1), directory.NewDate(2021, 6, 30)), false,
			[]string{"niet in aanmerking", "Geen erkenning geldt vandaag: erkenning maatwerkbedrijf M-77 liep af op 30-06-2021."}},
		{"Latere Erkenning", 70, rec(directory.NewDate(2028, 1, 1), directory.Date{}), false,
			[]string{"niet in aanmerking", "erkenning maatwerkbedrijf M-77 geldt pas vanaf 01-01-2028."}},
		{"Zonder Erkenning", 90, nil, false,
			[]string{"niet in aanmerking", "Geen erkenning opgegeven.", "90 % doelgroepwerknemers"}},
	}
	ids := map[string]string{}
	for i, c := range cases {
		sup := &directory.Supplier{Name: c.name, Kind: directory.KindMaatwerkbedrijf, EnterpriseNumber: directory.EnterpriseNumberWithCheck(7100000 + i),
			TargetGroupShare: c.share, TotalFTE: 50, TargetGroupFTE: c.share / 2, Recognitions: c.recs, Sites: []directory.Site{{Postcode: "9000"}},
			Offers: []directory.Offer{{Task: "office-cleaning", FreeFTE: 1, AtClientSite: true, ServiceArea: directory.ServiceArea{Provinces: []string{"OVL"}}}}}
		if err := s.Store.Create(sup); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		ids[c.name] = sup.ID
	}
	waitIndexed(t, s)
	for _, c := range cases {
		_, body := fetch(t, s.URL+"/leveranciers/"+ids[c.name])
		block := string(reservedBlock.Find(body))
		if block == "" {
			t.Fatalf("%s: the profile says nothing about reserved contracts", c.name)
		}
		text := strings.Join(strings.Fields(html.UnescapeString(stripTags(block))), " ")
		for _, w := range c.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: %q missing from %q", c.name, w, text)
			}
		}
		if got := strings.Contains(block, `class="reserved eligible"`); got != c.eligible {
			t.Errorf("%s: marked eligible %v, want %v", c.name, got, c.eligible)
		}
	}
	_, fr := fetch(t, s.URL+"/leveranciers/"+ids["Verlopen Erkenning"]+"?lang=fr")
	if text := html.UnescapeString(stripTags(string(reservedBlock.Find(fr)))); !strings.Contains(text, "Ne peut pas participer aujourd'hui à un marché réservé.") ||
		!strings.Contains(text, "a pris fin le 30-06-2021") || !strings.Contains(text, "au moins 30 %") {
		t.Errorf("French verdict: %q", text)
	}

	// Every supplier: the profile's verdict is the search's.
	var all struct {
		Hits []struct {
			ID       string `json:"id"`
			Reserved bool   `json:"reserved"`
		} `json:"hits"`
	}
	s.get(t, "/api/v1/suppliers?per_page=100&sort=name", &all)
	if len(all.Hits) != 46 {
		t.Fatalf("%d suppliers found, want 46", len(all.Hits))
	}
	eligible := 0
	for _, h := range all.Hits {
		_, body := fetch(t, s.URL+"/leveranciers/"+h.ID)
		block := string(reservedBlock.Find(body))
		if got := strings.Contains(block, `class="reserved eligible"`); got != h.Reserved || block == "" {
			t.Errorf("%s: the search says reserved=%v, the profile %v", h.ID, h.Reserved, got)
		}
		if h.Reserved {
			eligible++
		}
	}
	if eligible == 0 || eligible == len(all.Hits) {
		t.Fatalf("%d of %d eligible: the comparison proves nothing", eligible, len(all.Hits))
	}
}

// twoPlatforms writes a feed with two stops named "Station Noord" (no
// parent station joins them) and a stop "Kerk", a bus leaving each
// platform for Kerk, where it ends: the first every 10 minutes, the second
// every 15.
func twoPlatforms(t *testing.T, lat, lon float64) *transit.Network {
	t.Helper()
	dir := t.TempDir()
	var st, trips strings.Builder
	st.WriteString("trip_id,arrival_time,departure_time,stop_id,stop_sequence\n")
	trips.WriteString("route_id,service_id,trip_id\n")
	n := 0
	for _, line := range []struct {
		route, from string
		every       int
	}{{"B1", "N1", 10}, {"B2", "N2", 15}} {
		for m := 6 * 60; m < 20*60; m += line.every {
			n++
			fmt.Fprintf(&trips, "%s,WK,t%d\n", line.route, n)
			fmt.Fprintf(&st, "t%d,%02d:%02d:00,%02d:%02d:00,%s,1\n", n, m/60, m%60, m/60, m%60, line.from)
			fmt.Fprintf(&st, "t%d,%02d:%02d:00,%02d:%02d:00,K,2\n", n, (m+4)/60, (m+4)%60, (m+4)/60, (m+4)%60)
		}
	}
	files := map[string]string{
		"agency.txt": "agency_id,agency_name,agency_url,agency_timezone\nA,Bus,http://x.example,Europe/Brussels\n",
		"stops.txt": fmt.Sprintf("stop_id,stop_name,stop_lat,stop_lon\nN1,Station Noord,%f,%f\nN2,Station Noord,%f,%f\nK,Kerk,%f,%f\n",
			lat, lon+0.0005, lat+0.0005, lon, lat, lon+0.004),
		"routes.txt":     "route_id,route_short_name,route_type\nB1,1,3\nB2,2,3\n",
		"trips.txt":      trips.String(),
		"calendar.txt":   "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\nWK,1,1,1,1,1,0,0,20260101,20271231\n",
		"stop_times.txt": st.String(),
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	snap, err := transit.Import([]transit.Source{{Name: "bus", Path: dir}}, transit.Options{Day: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	return transit.NewNetwork(snap)
}

var (
	stopItem = regexp.MustCompile(`<li>([^<—]+) — `)
	ovBadge  = regexp.MustCompile(`<span class="badge transit-class" title="([^"]+)"><span aria-hidden="true">([^<]+)</span><span class="visually-hidden">([^<]+)</span></span>`)
)

// A class badge says what it means on hover (title) and to a screen
// reader (hidden text), a legend names every class where badges show,
// and a station's platforms are one line on the profile.
func TestTransitBadgesExplainThemselvesAndStationsListOnce(t *testing.T) {
	holder := &transit.Holder{}
	s := startServer(t, 12, func(d *ui.Deps) { d.Transit = holder })
	sup, _ := s.Store.Get("demo-0001")
	site := sup.Sites[0]
	holder.Set(twoPlatforms(t, site.Lat, site.Lon))
	if err := s.Index.SetTransit(holder.ClassAt); err != nil {
		t.Fatal(err)
	}
	var r struct {
		Class string `json:"class"`
		Stops []struct {
			Name string `json:"name"`
			Dep  int    `json:"departures_06_20"`
		} `json:"stops"`
	}
	s.get(t, fmt.Sprintf("/api/v1/reachability?near=%f,%f", site.Lat, site.Lon), &r)
	noord, deps := 0, 0
	for _, st := range r.Stops {
		if st.Name == "Station Noord" {
			noord++
			deps += st.Dep
		}
	}
	if noord != 2 || r.Class == "" || r.Class == "not served" {
		t.Fatalf("the network does not have two platforms of one name near the site (class %s): %+v", r.Class, r.Stops)
	}

	words := map[string]map[string]string{
		"nl": {"title": "Openbaar vervoer klasse " + r.Class + ": ", "legend": "OV-klassen", "A": "zeer goed bediend", "F": "zeer zwak bediend", "short": "OV "},
		"fr": {"title": "Transports publics classe " + r.Class + " : ", "legend": "Classes TP", "A": "très bien desservi", "F": "très faiblement desservi", "short": "TP "},
		"en": {"title": "Public transport class " + r.Class + ": ", "legend": "PT classes", "A": "very well served", "F": "very poorly served", "short": "PT "},
	}
	for lang, w := range words {
		_, body := fetch(t, s.URL+"/leveranciers/demo-0001?lang="+lang)
		page := string(body)
		m := ovBadge.FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("%s: no class badge with a title and hidden words on the profile", lang)
		}
		title, short, hidden := m[1], m[2], m[3]
		if short != w["short"]+r.Class || !strings.HasPrefix(hidden, w["title"]) || !strings.HasPrefix(title, hidden) || len(hidden) <= len(w["title"]) {
			t.Errorf("%s: badge %q, hidden %q, title %q", lang, short, hidden, title)
		}
		if !strings.Contains(page, `id="ov-legend"`) || !strings.Contains(page, w["legend"]) || !strings.Contains(page, w["A"]) || !strings.Contains(page, w["F"]) {
			t.Errorf("%s: the profile has no legend of the classes", lang)
		}
		stops := regexp.MustCompile(`(?s)<ul class="stops">.*?</ul>`).FindString(page)
		seen := map[string]int{}
		for _, it := range stopItem.FindAllStringSubmatch(stops, -1) {
			seen[it[1]]++
		}
		for name, n := range seen {
			if n != 1 {
				t.Errorf("%s: %s listed %d times", lang, name, n)
			}
		}
		if seen["Station Noord"] != 1 {
			t.Errorf("%s: stops listed %v, want Station Noord once", lang, seen)
		}
	}
	_, body := fetch(t, s.URL+"/leveranciers/demo-0001")
	line := regexp.MustCompile(`<li>Station Noord — [^<]*</li>`).FindString(string(body))
	if !strings.Contains(line, fmt.Sprintf("%d vertrekken", deps)) || !strings.Contains(line, "06:00") {
		t.Errorf("the station's line does not hold both platforms' %d departures from 06:00: %q", deps, line)
	}

	// The search results show the same badge, with the legend.
	_, body = fetch(t, s.URL+"/?min_transit_class="+r.Class)
	page := string(body)
	if m := ovBadge.FindStringSubmatch(page); m == nil || !strings.HasPrefix(m[3], "Openbaar vervoer klasse "+r.Class+": ") {
		t.Errorf("the search's class badge does not explain itself: %v", m)
	}
	if !strings.Contains(page, `id="ov-legend"`) {
		t.Error("the search shows class badges without a legend")
	}
}
