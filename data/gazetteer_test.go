package data_test

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"github.com/verken/verken/data"
	"github.com/verken/verken/internal/testenv"
)

// mergers maps the pre-2019 NIS codes of municipalities that have merged
// since to their current NIS code (1 January 2019 and 1 January 2025).
var mergers = map[string]string{
	"44001": "44084", "44029": "44084", "44011": "44083", "44049": "44083", "45017": "45068", "45057": "45068",
	"44036": "44085", "44072": "44085", "44080": "44085", "72040": "72042", "71047": "72042", "72025": "72043",
	"72029": "72043", "12030": "12041", "12034": "12041",
	"11007": "11002", "46003": "46030", "46013": "46030", "11056": "46030", "73006": "73110", "73032": "73110",
	"71022": "71072", "73040": "71072", "44034": "44087", "44073": "44087", "46014": "46029", "44045": "46029",
	"44040": "44088", "44043": "44088", "44012": "44086", "44048": "44086", "23023": "23106", "23024": "23106",
	"23032": "23106", "71057": "71071", "71069": "71071", "37015": "37022", "37007": "37022", "37018": "37021",
	"37012": "37021", "73083": "73111", "73009": "73111",
}

// spanning postcodes lie in two municipalities in the reference; either is right.
var spanning = map[string]bool{"1070": true, "2990": true, "3680": true, "8680": true}

func TestGazetteerHasEveryMunicipality(t *testing.T) {
	g, _ := testenv.Tables(t)
	counts := map[string]int{}
	for _, m := range g.Municipalities() {
		counts[m.Region]++
		if len(m.Postcodes) == 0 {
			t.Errorf("%s %s has no postcode", m.NIS, m.Name.NL)
		}
		if _, ok := g.Arrondissement(m.Arrondissement); !ok {
			t.Errorf("%s: unknown arrondissement %s", m.NIS, m.Arrondissement)
		}
		if !strings.HasPrefix(m.NIS, m.Arrondissement) {
			t.Errorf("%s: arrondissement %s is not the NIS prefix", m.NIS, m.Arrondissement)
		}
	}
	// 285 Flemish municipalities since 1 January 2025, 19 in Brussels.
	if counts[data.RegionFlanders] != 285 || counts[data.RegionBrussels] != 19 {
		t.Fatalf("municipalities per region: %v", counts)
	}
	for name, nis := range map[string]string{"Gooik": "23106", "Pajottegem": "23106", "Kruibeke": "46030", "Borsbeek": "11002",
		"Moerbeke": "46029", "Elsene": "21009", "Ixelles": "21009", "Anvers": "11002", "9000": "44021", "Nevele": "44083",
		"sint genesius rode": "23101", "Knokke": "31043"} {
		if m, ok := g.ResolveMunicipality(name); !ok || m.NIS != nis {
			t.Errorf("%q resolves to %s %s, want %s", name, m.NIS, m.Name.NL, nis)
		}
	}
}

func TestGazetteerAgainstReference(t *testing.T) {
	ref := testenv.ReferenceDir(t)
	g, _ := testenv.Tables(t)
	points := referencePoints(t, ref)

	f, err := os.Open(filepath.Join(ref, "geo", "be-statistical-sectors.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(charmap.ISO8859_1.NewDecoder().Reader(f))
	header, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	want := map[string]map[string]bool{} // postcode -> acceptable current NIS codes
	for {
		row, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		region, pc, nis := row[col["Region"]], row[col["PostCode"]], row[col["NIS5"]]
		if pc == "" || (region != "Vlaanderen" && region != "Brussels") {
			continue
		}
		if cur, ok := mergers[nis]; ok {
			nis = cur
		}
		if want[pc] == nil {
			want[pc] = map[string]bool{}
		}
		want[pc][nis] = true
	}
	if len(want) < 500 {
		t.Fatalf("only %d Flemish and Brussels postcodes read from the reference", len(want))
	}
	var far int
	for pc, nisSet := range want {
		p, ok := g.Postcode(pc)
		if !ok {
			t.Errorf("postcode %s missing", pc)
			continue
		}
		if !nisSet[p.NIS] || (len(nisSet) > 1 && !spanning[pc]) {
			t.Errorf("postcode %s -> %s, reference says %v", pc, p.NIS, nisSet)
		}
		m, ok := g.ResolveMunicipality(pc)
		if !ok || m.NIS != p.NIS {
			t.Errorf("postcode %s does not resolve to its municipality", pc)
		}
		// Within 2 km of one of the reference points for this postcode.
		refs := points[pc]
		if len(refs) == 0 {
			continue // organisation postcodes have no reference point
		}
		best := 1e9
		for _, pt := range refs {
			best = min(best, data.DistanceKm(p.Lat, p.Lon, pt[0], pt[1]))
		}
		if best > 2 {
			far++
			t.Errorf("postcode %s lies %.1f km from the reference", pc, best)
		}
	}
	t.Logf("%d postcodes checked, %d too far", len(want), far)
}

// referencePoints reads both coordinate sources: postcode -> points.
func referencePoints(t *testing.T, ref string) map[string][][2]float64 {
	out := map[string][][2]float64{}
	js, err := os.ReadFile(filepath.Join(ref, "geo", "postal-codes.WGS84.js"))
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`"(\d{4})":\s*\{"lat":\s*([-\d.]+),\s*"lng":\s*([-\d.]+)`)
	for _, m := range re.FindAllStringSubmatch(string(js), -1) {
		lat, _ := strconv.ParseFloat(m[2], 64)
		lon, _ := strconv.ParseFloat(m[3], 64)
		out[m[1]] = append(out[m[1]], [2]float64{lat, lon})
	}
	f, err := os.Open(filepath.Join(ref, "geo", "belgian-cities-geocoded.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(bufio.NewReader(f)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rows[1:] {
		lat, err1 := strconv.ParseFloat(row[2], 64)
		lon, err2 := strconv.ParseFloat(row[3], 64)
		if err1 == nil && err2 == nil {
			out[row[0]] = append(out[row[0]], [2]float64{lat, lon})
		}
	}
	return out
}

func TestTaxonomy(t *testing.T) {
	_, tx := testenv.Tables(t)
	if n := len(tx.Tasks()); n < 30 {
		t.Fatalf("%d task types, want at least 30", n)
	}
	for _, task := range tx.Tasks() {
		if task.Name.NL == "" || task.Name.FR == "" || task.Name.EN == "" || len(task.CPV) == 0 {
			t.Errorf("task %s lacks a label or a CPV code", task.ID)
		}
		if _, ok := tx.Group(task.Group); !ok {
			t.Errorf("task %s: unknown group", task.ID)
		}
	}
}

// Every CPV code of the taxonomy, check digit included, is in the official
// vocabulary.
func TestTaxonomyCPVCodesAgainstReference(t *testing.T) {
	ref := testenv.ReferenceDir(t)
	_, tx := testenv.Tables(t)
	b, err := os.ReadFile(filepath.Join(ref, "cpv", "cpv-2008-en.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cpv map[string]string
	if err := json.Unmarshal(b, &cpv); err != nil {
		t.Fatal(err)
	}
	for _, task := range tx.Tasks() {
		for _, c := range task.CPV {
			if _, ok := cpv[c]; !ok {
				t.Errorf("task %s: CPV %s is not in the vocabulary (wrong check digit?)", task.ID, c)
			}
			// Our own label table must carry the official English label.
			if own, ok := tx.CPV(c); !ok || own.Label.EN != cpv[c] {
				t.Errorf("CPV %s: our English label %q, official %q", c, own.Label.EN, cpv[c])
			}
		}
	}
}

// A CPV code selects the tasks mapped to it or to a code below it.
func TestTasksForCPV(t *testing.T) {
	_, tx := testenv.Tables(t)
	for _, c := range []struct {
		code string
		want []string
	}{
		{"90910000", []string{"office-cleaning", "window-cleaning", "industrial-cleaning"}},
		{"90910000-9", []string{"office-cleaning", "window-cleaning", "industrial-cleaning"}},
		{"90911300", []string{"window-cleaning"}},
		{"90610000", []string{"street-cleaning"}},
		{"90911310", nil}, // below window cleaning: no task maps that deep
	} {
		got, err := tx.TasksForCPV(c.code)
		if err != nil {
			t.Fatalf("%s: %v", c.code, err)
		}
		if strings.Join(got, ",") != strings.Join(c.want, ",") {
			t.Errorf("TasksForCPV(%s) = %v, want %v", c.code, got, c.want)
		}
	}
	// A whole division selects every task with a code in it.
	if got, _ := tx.TasksForCPV("90000000"); len(got) < 5 {
		t.Errorf("division 90: only %v", got)
	}
	for _, bad := range []string{"9091", "90910000-8", "9091000x", "90910000-", ""} {
		if _, err := tx.TasksForCPV(bad); err == nil {
			t.Errorf("TasksForCPV(%q) accepted", bad)
		}
	}
}
