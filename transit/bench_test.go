package transit_test

import (
	"archive/zip"
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/verken/verken/transit"
)

// largeFeed writes (once, into the system's temporary folder) a feed the
// size of De Lijn's: 30,000 stops, 1,000 routes, 10 million stop_times.
func largeFeed(b *testing.B) string {
	path := filepath.Join(os.TempDir(), "verken-bench-gtfs-30k-1k-10m.zip")
	if _, err := os.Stat(path); err == nil {
		return path
	}
	start := time.Now()
	tmp := path + ".part"
	f, err := os.Create(tmp)
	if err != nil {
		b.Fatal(err)
	}
	zw := zip.NewWriter(f)
	r := rand.New(rand.NewPCG(1, 2))
	write := func(name string, fill func(w *bufio.Writer)) {
		fw, err := zw.Create(name)
		if err != nil {
			b.Fatal(err)
		}
		w := bufio.NewWriterSize(fw, 1<<20)
		fill(w)
		w.Flush()
	}
	const stops, routes, perTrip = 30000, 1000, 30
	const trips = 10_000_000 / perTrip
	lat := make([]float64, stops)
	lon := make([]float64, stops)
	write("agency.txt", func(w *bufio.Writer) {
		w.WriteString("agency_id,agency_name,agency_url,agency_timezone\nA,Groot,http://x.example,Europe/Brussels\n")
	})
	write("stops.txt", func(w *bufio.Writer) {
		w.WriteString("stop_id,stop_name,stop_lat,stop_lon\n")
		for i := range stops {
			// Stops along 100 east-west bands, so that a route's
			// consecutive stops are near each other.
			lat[i] = 50.7 + float64(i/300)*0.008 + r.Float64()*0.004
			lon[i] = 2.6 + float64(i%300)*0.011 + r.Float64()*0.004
			fmt.Fprintf(w, "s%d,Halte %d,%.6f,%.6f\n", i, i, lat[i], lon[i])
		}
	})
	write("routes.txt", func(w *bufio.Writer) {
		w.WriteString("route_id,route_short_name,route_type\n")
		for i := range routes {
			rt := 3
			if i%20 == 0 {
				rt = 0
			}
			fmt.Fprintf(w, "r%d,%d,%d\n", i, i, rt)
		}
	})
	write("calendar.txt", func(w *bufio.Writer) {
		w.WriteString("service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\nWK,1,1,1,1,1,0,0,20260101,20271231\n")
	})
	first := make([]int, routes)
	for i := range first {
		first[i] = r.IntN(stops - perTrip)
	}
	write("trips.txt", func(w *bufio.Writer) {
		w.WriteString("route_id,service_id,trip_id\n")
		for i := range trips {
			fmt.Fprintf(w, "r%d,WK,t%d\n", i%routes, i)
		}
	})
	write("stop_times.txt", func(w *bufio.Writer) {
		w.WriteString("trip_id,arrival_time,departure_time,stop_id,stop_sequence\n")
		for i := range trips {
			route := i % routes
			startMin := 5*60 + (i/routes)*57%(19*60)
			for k := range perTrip {
				stop := first[route] + k
				if (i/routes)%2 == 1 {
					stop = first[route] + perTrip - 1 - k
				}
				t := startMin*60 + k*90
				fmt.Fprintf(w, "t%d,%02d:%02d:%02d,%02d:%02d:%02d,s%d,%d\n", i, t/3600, t/60%60, t%60, t/3600, t/60%60, t%60, stop, k+1)
			}
		}
	})
	if err := zw.Close(); err != nil {
		b.Fatal(err)
	}
	f.Close()
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	b.Logf("wrote %s in %s", path, time.Since(start).Round(time.Second))
	return path
}

// peakRSS is the process's high-water mark of resident memory, in MiB.
func peakRSS() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			var kb float64
			fmt.Sscanf(strings.TrimPrefix(line, "VmHWM:"), "%f", &kb)
			return kb / 1024
		}
	}
	return 0
}

// BenchmarkImportLarge imports a De Lijn-sized feed and reports seconds
// and the peak RSS; then it measures lookups.
//
//	go test -run - -bench ImportLarge -benchtime 1x ./transit
func BenchmarkImportLarge(b *testing.B) {
	path := largeFeed(b)
	runtime.GC()
	var snap *transit.Snapshot
	for b.Loop() {
		start := time.Now()
		var err error
		snap, err = transit.Import([]transit.Source{{Name: "groot", Path: path}}, transit.Options{Day: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(time.Since(start).Seconds(), "import-s")
	}
	b.ReportMetric(peakRSS(), "peak-RSS-MiB")
	net := transit.NewNetwork(snap)
	r := rand.New(rand.NewPCG(3, 4))
	const lookups = 2000
	start := time.Now()
	for range lookups {
		net.Lookup(50.7+r.Float64()*0.8, 2.6+r.Float64()*3.3)
	}
	b.ReportMetric(float64(time.Since(start).Microseconds())/lookups/1000, "ms/lookup")
	start = time.Now()
	for range lookups {
		net.Class(50.7+r.Float64()*0.8, 2.6+r.Float64()*3.3)
	}
	b.ReportMetric(float64(time.Since(start).Microseconds())/lookups/1000, "ms/class")
}
