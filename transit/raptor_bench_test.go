package transit_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/verken/verken/transit"
)

// journeyFeed writes the grid feed (see transit.WriteGridFeed) once into
// the system's temporary folder, for every benchmark run after.
func journeyFeed(b *testing.B) string {
	b.Helper()
	dir, err := transit.GridFeedDir()
	if err != nil {
		b.Fatal(err)
	}
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
		lat, lon := transit.GridPoint(r.IntN(transit.GridW), r.IntN(transit.GridH))
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
