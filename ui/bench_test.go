package ui_test

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/verken/verken/data"
	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/testenv"
	"github.com/verken/verken/search/catalogue"
	"github.com/verken/verken/ui"
)

// benchSuppliers is the size of the benchmark's data set:
// VERKEN_BENCH_SUPPLIERS, 100,000 by default.
func benchSuppliers(b *testing.B) int {
	if s := os.Getenv("VERKEN_BENCH_SUPPLIERS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			b.Fatal(err)
		}
		return n
	}
	return 100000
}

// benchServer serves a generated data set of n suppliers on loopback. The
// data directory is kept in the system's temporary folder between runs
// (keyed on n and the mapping version), because building it takes minutes.
func benchServer(b *testing.B, n int) string {
	b.Helper()
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("verken-bench-%d-m%s", n, catalogue.MappingVersion))
	g, tx := testenv.Tables(b)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		b.Fatal(err)
	}
	store, err := directory.Open(filepath.Join(dir, "verken.db"), directory.Validator{Places: g, Tasks: tx})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { store.Close() })
	if count, _ := store.Count(); count < n {
		start := time.Now()
		demo := data.GenerateDemo(1, n, testenv.Reference, g, tx)
		if _, err := directory.SeedDemo(store, demo); err != nil {
			b.Fatal(err)
		}
		b.Logf("seeded %d suppliers in %s", n, time.Since(start).Round(time.Millisecond))
	}
	start := time.Now()
	// Without the result cache: the benchmarks repeat a few searches, and
	// should measure their work.
	idx, err := catalogue.Open(filepath.Join(dir, "index"), store, catalogue.Options{Places: g, Tasks: tx, NoResultCache: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { idx.Close() })
	b.Logf("index open (built when missing) in %s", time.Since(start).Round(time.Millisecond))
	app, err := ui.New(ui.Deps{Store: store, Index: idx, Places: g, Tasks: tx, Now: func() time.Time { return testenv.Reference }})
	if err != nil {
		b.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go app.Listener(ln)
	b.Cleanup(func() { _ = app.ShutdownWithTimeout(5 * time.Second) })
	return "http://" + ln.Addr().String()
}

// BenchmarkHTTPSearch measures searches through the JSON API on loopback
// over a generated data set, and reports p50 and p95 per kind of search:
//
//	go test -run - -bench HTTPSearch -benchtime 2000x ./ui
func BenchmarkHTTPSearch(b *testing.B) {
	base := benchServer(b, benchSuppliers(b))
	words := []string{"schoonmaak", "groenonderhoud", "catering", "verpakken", "wasserij", "fietsherstel", "onthaal", "strijk", "gent", "digitalisering"}
	places := []string{"9000", "2000", "3000", "8000", "3500", "1000", "2800", "9300", "8500", "2300"}
	kinds := []struct {
		name string
		url  func(i int) string
	}{
		{"text", func(i int) string { return "/api/v1/suppliers?q=" + words[i%len(words)] }},
		{"text+3filters+facets", func(i int) string {
			return "/api/v1/suppliers?q=" + words[i%len(words)] + "&province=" + []string{"OVL", "ANT", "VBR", "WVL", "LIM"}[i%5] +
				"&min_fte=2&kind=maatwerkbedrijf&kind=lde&kind=sociale-onderneming"
		}},
		{"near+radius+distance", func(i int) string {
			return "/api/v1/suppliers?near=" + places[i%len(places)] + "&radius_km=10&sort=distance"
		}},
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	get := func(path string) {
		resp, err := client.Get(base + path)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("%s: status %d", path, resp.StatusCode)
		}
	}
	for _, k := range kinds {
		b.Run(k.name, func(b *testing.B) {
			for i := range 50 { // warm up
				get(k.url(i))
			}
			var took []time.Duration
			i := 0
			for b.Loop() {
				start := time.Now()
				get(k.url(i))
				took = append(took, time.Since(start))
				i++
			}
			slices.Sort(took)
			p := func(q float64) float64 {
				return float64(took[int(q*float64(len(took)-1))].Microseconds()) / 1000
			}
			b.ReportMetric(p(0.50), "p50-ms")
			b.ReportMetric(p(0.95), "p95-ms")
		})
	}
}

// BenchmarkHTTPMarketCheck measures market checks (POST /api/v1/market-checks)
// and the segments overview over the generated data set, and reports p50
// and p95 of each:
//
//	go test -run - -bench HTTPMarketCheck -benchtime 300x ./ui
func BenchmarkHTTPMarketCheck(b *testing.B) {
	base := benchServer(b, benchSuppliers(b))
	tasks := []string{"office-cleaning", "green-maintenance", "catering", "packaging", "laundry", "reception"}
	places := []string{"9000", "2000", "3000", "8000", "3500", "1000", "2800", "9300", "8500", "2300"}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	run := func(b *testing.B, call func(i int) (*http.Response, error)) {
		var took []time.Duration
		i := 0
		for b.Loop() {
			start := time.Now()
			resp, err := call(i)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Fatalf("status %d", resp.StatusCode)
			}
			took = append(took, time.Since(start))
			i++
		}
		slices.Sort(took)
		p := func(q float64) float64 { return float64(took[int(q*float64(len(took)-1))].Microseconds()) / 1000 }
		b.ReportMetric(p(0.50), "p50-ms")
		b.ReportMetric(p(0.95), "p95-ms")
	}
	b.Run("market-check", func(b *testing.B) {
		run(b, func(i int) (*http.Response, error) {
			body := fmt.Sprintf(`{"tasks":[%q],"place":%q,"volume_fte":%d,"start":"2027-03-01","duration_months":24,"yearly_value_eur":300000}`,
				tasks[i%len(tasks)], places[i%len(places)], 2+i%10)
			return client.Post(base+"/api/v1/market-checks", "application/json", strings.NewReader(body))
		})
	})
	b.Run("segments", func(b *testing.B) {
		run(b, func(i int) (*http.Response, error) {
			path := "/segmenten"
			if i%2 == 1 {
				path += "?province=" + []string{"ANT", "OVL", "WVL", "VBR", "LIM"}[i%5]
			}
			return client.Get(base + path)
		})
	})
}
