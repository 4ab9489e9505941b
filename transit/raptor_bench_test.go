package transit_test

import (
	"bufio"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/verken/verken/transit"
)

// Sizes of the journey benchmark's network, De Lijn's order of size: 15,000
// places 350 m apart on a 150 x 100 grid (52 by 35 km), two platforms each
// (one per direction, 20 m apart), so 30,000 stops; 1,500 lines of 40
// stops wandering across the grid, both ways, 83 runs a direction between
// 05:00 and 23:00: 249,000 trips, 9,960,000 stop_times. Neighbouring places
// are within a transfer's 400 m, diagonal ones (495 m) are not.
const (
	bgW, bgH    = 150, 100
	bgSpacingM  = 350
	bgLines     = 1500
	bgLineStops = 40
	bgRuns      = 83
)

// journeyFeed writes (once, into the system's temporary folder) the
// benchmark's feed as a folder: a zip of 400 MB would cost more time to
// deflate than to import.
func journeyFeed(b *testing.B) string {
	dir := filepath.Join(os.TempDir(), "verken-bench-gtfs-journeys-30k-10m")
	if _, err := os.Stat(filepath.Join(dir, "done")); err == nil {
		return dir
	}
	start := time.Now()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	write := func(name string, fill func(w *bufio.Writer)) {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			b.Fatal(err)
		}
		w := bufio.NewWriterSize(f, 1<<20)
		fill(w)
		if err := w.Flush(); err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
	r := rand.New(rand.NewPCG(30, 10))
	latOf := func(y int) float64 { return 50.8 + metresNorth(bgSpacingM*float64(y)) }
	lonOf := func(x int, lat float64) float64 {
		return 3.5 + bgSpacingM*float64(x)/(6371008.8*math.Pi/180*math.Cos(lat*math.Pi/180))
	}
	write("agency.txt", func(w *bufio.Writer) {
		w.WriteString("agency_id,agency_name,agency_url,agency_timezone\nA,Groot,http://x.example,Europe/Brussels\n")
	})
	write("calendar.txt", func(w *bufio.Writer) {
		w.WriteString("service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\nWK,1,1,1,1,1,0,0,20260101,20271231\n")
	})
	write("stops.txt", func(w *bufio.Writer) {
		w.WriteString("stop_id,stop_name,stop_lat,stop_lon\n")
		for y := range bgH {
			for x := range bgW {
				lat := latOf(y)
				lon := lonOf(x, lat)
				fmt.Fprintf(w, "p%d_%d_a,Halte %d %d,%.6f,%.6f\n", x, y, x, y, lat, lon)
				fmt.Fprintf(w, "p%d_%d_b,Halte %d %d,%.6f,%.6f\n", x, y, x, y, lat+metresNorth(20), lon)
			}
		}
	})
	type line struct{ xs, ys []int }
	lines := make([]line, bgLines)
	for i := range lines {
		// A path that mostly keeps its heading, as bus lines do.
		x, y := r.IntN(bgW), r.IntN(bgH)
		dx, dy := [][2]int{{1, 0}, {-1, 0}, {0, 1}, {0, -1}}[r.IntN(4)][0], 0
		if dx == 0 {
			dy = []int{1, -1}[r.IntN(2)]
		}
		seen := map[[2]int]bool{}
		for len(lines[i].xs) < bgLineStops {
			seen[[2]int{x, y}] = true
			lines[i].xs, lines[i].ys = append(lines[i].xs, x), append(lines[i].ys, y)
			for try := 0; ; try++ {
				if try > 0 || r.IntN(5) == 0 {
					dx, dy = [][2]int{{1, 0}, {-1, 0}, {0, 1}, {0, -1}}[r.IntN(4)][0], [][2]int{{1, 0}, {-1, 0}, {0, 1}, {0, -1}}[r.IntN(4)][1]
					if dx == 0 && dy == 0 || dx != 0 && dy != 0 {
						continue
					}
				}
				nx, ny := x+dx, y+dy
				if nx >= 0 && nx < bgW && ny >= 0 && ny < bgH && !seen[[2]int{nx, ny}] {
					x, y = nx, ny
					break
				}
				if try > 20 { // boxed in: jump a little, as a line through a village square
					x, y = min(max(x+r.IntN(5)-2, 0), bgW-1), min(max(y+r.IntN(5)-2, 0), bgH-1)
					if !seen[[2]int{x, y}] {
						break
					}
				}
			}
		}
	}
	write("routes.txt", func(w *bufio.Writer) {
		w.WriteString("route_id,route_short_name,route_type\n")
		for i := range lines {
			rt := 3
			if i%15 == 0 {
				rt = 0
			}
			fmt.Fprintf(w, "r%d,%d,%d\n", i, i, rt)
		}
	})
	write("trips.txt", func(w *bufio.Writer) {
		w.WriteString("route_id,service_id,trip_id,direction_id\n")
		for i := range lines {
			for d := range 2 {
				for k := range bgRuns {
					fmt.Fprintf(w, "r%d,WK,t%d_%d_%d,%d\n", i, i, d, k, d)
				}
			}
		}
	})
	write("stop_times.txt", func(w *bufio.Writer) {
		w.WriteString("trip_id,arrival_time,departure_time,stop_id,stop_sequence\n")
		var buf []byte
		hms := func(buf []byte, t int) []byte {
			buf = append(buf, byte('0'+t/36000), byte('0'+t/3600%10), ':', byte('0'+t/600%6), byte('0'+t/60%10), ':', byte('0'+t%60/10), byte('0'+t%10))
			return buf
		}
		for i, l := range lines {
			offset := r.IntN(780)
			for d := range 2 {
				for k := range bgRuns {
					start := 5*3600 + offset + k*780 // every 13 minutes
					for s := range bgLineStops {
						j := s
						if d == 1 {
							j = bgLineStops - 1 - s
						}
						t := start + s*75
						buf = buf[:0]
						buf = append(buf, 't')
						buf = strconv.AppendInt(buf, int64(i), 10)
						buf = append(buf, '_', byte('0'+d), '_')
						buf = strconv.AppendInt(buf, int64(k), 10)
						buf = append(buf, ',')
						buf = hms(buf, t)
						buf = append(buf, ',')
						buf = hms(buf, t)
						buf = append(buf, ",p"...)
						buf = strconv.AppendInt(buf, int64(l.xs[j]), 10)
						buf = append(buf, '_')
						buf = strconv.AppendInt(buf, int64(l.ys[j]), 10)
						buf = append(buf, '_', byte('a'+d), ',')
						buf = strconv.AppendInt(buf, int64(s+1), 10)
						buf = append(buf, '\n')
						w.Write(buf)
					}
				}
			}
		}
	})
	if err := os.WriteFile(filepath.Join(dir, "done"), nil, 0o644); err != nil {
		b.Fatal(err)
	}
	b.Logf("wrote %s in %s", dir, time.Since(start).Round(time.Second))
	return dir
}

// rssMiB is the process's resident memory now, in MiB.
func rssMiB() float64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			var kb float64
			fmt.Sscanf(strings.TrimPrefix(line, "VmRSS:"), "%f", &kb)
			return kb / 1024
		}
	}
	return 0
}

// BenchmarkArriveByLarge imports the De Lijn-sized network, saves it and
// loads it as a server would, then times reverse one-to-all queries
// (arrive by 07:30 at a random place, up to 3 transfers) and reports their
// p50 and p95, the resident memory and the Go heap with the network loaded.
//
//	go test -run - -bench ArriveByLarge -benchtime 200x ./transit
func BenchmarkArriveByLarge(b *testing.B) {
	// Metrics are kept until the loop is done: b.Loop starts afresh.
	metrics := map[string]float64{}
	report := func(v float64, unit string) { metrics[unit] = v }
	path := journeyFeed(b)
	start := time.Now()
	snap, err := transit.Import([]transit.Source{{Name: "groot", Path: path}}, transit.Options{Day: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		b.Fatal(err)
	}
	report(time.Since(start).Seconds(), "import-s")
	report(peakRSS(), "import-peak-RSS-MiB")
	dir := b.TempDir()
	if err := snap.Save(dir); err != nil {
		b.Fatal(err)
	}
	st, _ := os.Stat(filepath.Join(dir, transit.FileName))
	report(float64(st.Size())/(1<<20), "file-MiB")
	tt := snap.Timetable
	b.Logf("%d stops, %d patterns, %d stop_times in patterns, %d walking transfers", len(snap.Stops), tt.Patterns(), tt.StopTimes(), len(tt.WalkTo))
	snap = nil
	runtime.GC()
	debug.FreeOSMemory()
	before := rssMiB()
	start = time.Now()
	net, err := transit.Load(dir)
	if err != nil {
		b.Fatal(err)
	}
	report(time.Since(start).Seconds(), "load-s")
	runtime.GC()
	debug.FreeOSMemory()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	report(float64(ms.HeapAlloc)/(1<<20), "network-heap-MiB")
	report(rssMiB(), "RSS-MiB")
	report(rssMiB()-before, "network-RSS-MiB")

	r := rand.New(rand.NewPCG(5, 6))
	var took []time.Duration
	reached := 0
	b.ResetTimer()
	for b.Loop() {
		lat := 50.8 + metresNorth(bgSpacingM*float64(r.IntN(bgH)))
		lon := 3.5 + bgSpacingM*float64(r.IntN(bgW))/(6371008.8*math.Pi/180*math.Cos(lat*math.Pi/180))
		t0 := time.Now()
		c := net.ArriveBy(lat, lon, 7*time.Hour+30*time.Minute, 3)
		took = append(took, time.Since(t0))
		if _, ok := c.From(lat+0.05, lon+0.05); ok {
			reached++
		}
	}
	b.StopTimer()
	slices.Sort(took)
	q := func(p float64) float64 {
		return float64(took[min(len(took)-1, int(p*float64(len(took))))].Microseconds()) / 1000
	}
	report(q(0.5), "p50-ms")
	report(q(0.95), "p95-ms")
	report(float64(reached)/float64(len(took)), "reached-share")
	for unit, v := range metrics {
		b.ReportMetric(v, unit)
	}
}
