package transit_test

import (
	"container/heap"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/verken/verken/transit"
)

// genTrip is one run of a generated network, as the test knows it (not as
// the import made it): stop ids, times in seconds, pickup and drop-off.
type genTrip struct {
	stops              []int
	arr, dep           []int32
	noPickup, noDropof []bool
}

type genNet struct {
	lat, lon []float64
	trips    []genTrip
	calls    [][][2]int                // per stop: (trip, position) of every call there
	walk     [][]struct{ to, sec int } // walking transfers within 400 m
}

// generate builds a network of 20 x 12 stops 300 m apart (neighbours are
// within a transfer's 400 m, diagonals at 424 m are not), with lines that
// wander across it, some stops one may not board or leave, express runs
// that overtake the stopping ones (so patterns have to be split), and a
// line run by frequencies.txt. It writes the GTFS and keeps the trips.
func generate(t *testing.T, r *rand.Rand) (genNet, map[string]string) {
	const w, h = 20, 12
	var g genNet
	var stops strings.Builder
	stops.WriteString("stop_id,stop_name,stop_lat,stop_lon\n")
	for i := range w * h {
		lat := 51.0 + metresNorth(300*float64(i/w))
		lon := 4.0 + 300*float64(i%w)/(6371008.8*math.Pi/180*math.Cos(lat*math.Pi/180))
		// As the feed writes them, so that walks are timed from the same
		// coordinates the import reads.
		lat, lon = math.Round(lat*1e7)/1e7, math.Round(lon*1e7)/1e7
		g.lat, g.lon = append(g.lat, lat), append(g.lon, lon)
		fmt.Fprintf(&stops, "s%d,S%d,%.7f,%.7f\n", i, i, lat, lon)
	}
	g.walk = make([][]struct{ to, sec int }, w*h)
	for a := range w * h {
		for b := range w * h {
			if a != b && haversine(g.lat[a], g.lon[a], g.lat[b], g.lon[b]) <= transit.TransferWalkM {
				sec := int(transit.WalkTime(g.lat[a], g.lon[a], g.lat[b], g.lon[b]) / time.Second)
				g.walk[a] = append(g.walk[a], struct{ to, sec int }{b, sec})
			}
		}
	}
	var routes, trips, times, freqs strings.Builder
	routes.WriteString("route_id,agency_id,route_short_name,route_type\n")
	trips.WriteString("route_id,service_id,trip_id\n")
	times.WriteString("trip_id,arrival_time,departure_time,stop_id,stop_sequence,pickup_type,drop_off_type\n")
	freqs.WriteString("trip_id,start_time,end_time,headway_secs\n")
	tripN := 0
	hms := func(s int32) string { return fmt.Sprintf("%02d:%02d:%02d", s/3600, s/60%60, s%60) }
	for line := range 28 {
		// A path of 6 to 12 distinct stops, each next to the one before.
		var path []int
		seen := map[int]bool{}
		cur := r.IntN(w * h)
		for len(path) < 6+r.IntN(7) {
			path, seen[cur] = append(path, cur), true
			var next []int
			for _, d := range [][2]int{{0, 1}, {0, -1}, {1, 0}, {-1, 0}} {
				x, y := cur%w+d[0], cur/w+d[1]
				if x >= 0 && x < w && y >= 0 && y < h && !seen[y*w+x] {
					next = append(next, y*w+x)
				}
			}
			if len(next) == 0 {
				break
			}
			cur = next[r.IntN(len(next))]
		}
		if len(path) < 2 {
			continue
		}
		fmt.Fprintf(&routes, "L%d,A,L%d,3\n", line, line)
		for dir := range 2 {
			p := path
			if dir == 1 {
				p = make([]int, len(path))
				for i := range path {
					p[i] = path[len(path)-1-i]
				}
			}
			hop := make([]int32, len(p))
			for i := range hop {
				hop[i] = int32(60 + r.IntN(240))
			}
			np := make([]bool, len(p))
			nd := make([]bool, len(p))
			for i := range p {
				np[i], nd[i] = r.IntN(15) == 0, r.IntN(15) == 0
			}
			run := func(start int32, speed float64) genTrip {
				gt := genTrip{stops: p, noPickup: np, noDropof: nd}
				tm := start
				for i := range p {
					if i > 0 {
						tm += int32(float64(hop[i]) * speed)
					}
					dwell := int32(0)
					if i%3 == 1 {
						dwell = 30
					}
					gt.arr, gt.dep = append(gt.arr, tm), append(gt.dep, tm+dwell)
					tm += dwell
				}
				return gt
			}
			write := func(gt genTrip, id string) {
				fmt.Fprintf(&trips, "L%d,WK,%s\n", line, id)
				for i := range gt.stops {
					flag := func(b bool) string {
						if b {
							return "1"
						}
						return ""
					}
					fmt.Fprintf(&times, "%s,%s,%s,s%d,%d,%s,%s\n", id, hms(gt.arr[i]), hms(gt.dep[i]), gt.stops[i], i+1, flag(gt.noPickup[i]), flag(gt.noDropof[i]))
				}
			}
			if line == 0 {
				// A frequencies.txt line: every 7 minutes from 06:00 to 09:00.
				tmpl := run(0, 1)
				tripN++
				id := fmt.Sprintf("t%d", tripN)
				write(tmpl, id)
				fmt.Fprintf(&freqs, "%s,06:00:00,09:00:00,420\n", id)
				for s := int32(6 * 3600); s < 9*3600; s += 420 {
					g.trips = append(g.trips, run(s, 1))
				}
				continue
			}
			headway := int32(600 + 300*r.IntN(4))
			for s := int32(5*3600+30*60) + int32(r.IntN(600)); s < 10*3600; s += headway {
				speed := 1.0
				if r.IntN(6) == 0 {
					speed = 0.5 // an express: it overtakes the one before
				}
				gt := run(s, speed)
				tripN++
				write(gt, fmt.Sprintf("t%d", tripN))
				g.trips = append(g.trips, gt)
			}
		}
	}
	g.calls = make([][][2]int, len(g.lat))
	for j, tr := range g.trips {
		for i, s := range tr.stops {
			g.calls[s] = append(g.calls[s], [2]int{j, i})
		}
	}
	return g, map[string]string{
		"agency.txt":      "agency_id,agency_name,agency_url,agency_timezone\nA,Gen,http://x.example,Europe/Brussels\n",
		"calendar.txt":    "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,start_date,end_date\nWK,1,1,1,1,1,0,0,20260101,20261231\n",
		"stops.txt":       stops.String(),
		"routes.txt":      routes.String(),
		"trips.txt":       trips.String(),
		"stop_times.txt":  times.String(),
		"frequencies.txt": freqs.String(),
	}
}

func haversine(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371008.8
	p1, p2 := lat1*math.Pi/180, lat2*math.Pi/180
	dp, dl := p2-p1, (lon2-lon1)*math.Pi/180
	a := math.Sin(dp/2)*math.Sin(dp/2) + math.Cos(p1)*math.Cos(p2)*math.Sin(dl/2)*math.Sin(dl/2)
	return 2 * r * math.Asin(math.Sqrt(a))
}

// The brute force: Dijkstra on the time-expanded graph, whose nodes are
// "ready to board at stop s after r rides" and "on trip j at its i-th stop
// after r rides", with the same rules as the journey model: board where
// pickup is allowed, leave where drop-off is, a change of MinChange at the
// stop left, then at most one walk. It knows nothing of patterns or
// rounds.
type bfState struct {
	t          int32
	ready      bool
	stop, trip int
	pos, rides int
}

type bfHeap struct {
	s   []bfState
	max bool
}

func (h *bfHeap) Len() int { return len(h.s) }
func (h *bfHeap) Less(i, j int) bool {
	if h.max {
		return h.s[i].t > h.s[j].t
	}
	return h.s[i].t < h.s[j].t
}
func (h *bfHeap) Swap(i, j int) { h.s[i], h.s[j] = h.s[j], h.s[i] }
func (h *bfHeap) Push(x any)    { h.s = append(h.s, x.(bfState)) }
func (h *bfHeap) Pop() any {
	x := h.s[len(h.s)-1]
	h.s = h.s[:len(h.s)-1]
	return x
}

const change = int32(transit.MinChange / time.Second)

// earliest gives every stop's earliest arrival (by vehicle, or by the
// first walk at a source) from sources at t0, with at most maxRides rides.
func (g *genNet) earliest(sources map[int]int32, t0 int32, maxRides int) []int32 {
	best := make([]int32, len(g.lat))
	for i := range best {
		best[i] = math.MaxInt32
	}
	h := &bfHeap{}
	done := map[[4]int]bool{}
	for s, w := range sources {
		best[s] = min(best[s], t0+w)
		heap.Push(h, bfState{t: t0 + w, ready: true, stop: s})
	}
	for h.Len() > 0 {
		x := heap.Pop(h).(bfState)
		key := [4]int{x.stop, x.trip, x.pos, x.rides}
		if x.ready {
			key = [4]int{x.stop, -1, -1, x.rides}
		}
		if done[key] {
			continue
		}
		done[key] = true
		if x.ready {
			if x.rides == maxRides {
				continue
			}
			for _, c := range g.calls[x.stop] {
				j, i := c[0], c[1]
				tr := &g.trips[j]
				if i+1 < len(tr.stops) && !tr.noPickup[i] && tr.dep[i] >= x.t {
					heap.Push(h, bfState{t: tr.arr[i+1], trip: j, pos: i + 1, rides: x.rides + 1})
				}
			}
			continue
		}
		tr := &g.trips[x.trip]
		s := tr.stops[x.pos]
		if !tr.noDropof[x.pos] {
			best[s] = min(best[s], x.t)
			heap.Push(h, bfState{t: x.t + change, ready: true, stop: s, rides: x.rides})
			for _, e := range g.walk[s] {
				heap.Push(h, bfState{t: x.t + change + int32(e.sec), ready: true, stop: e.to, rides: x.rides})
			}
		}
		if x.pos+1 < len(tr.stops) {
			heap.Push(h, bfState{t: tr.arr[x.pos+1], trip: x.trip, pos: x.pos + 1, rides: x.rides})
		}
	}
	return best
}

// latest gives every stop's latest departure (boarding there, or walking
// from a target) that reaches the targets by by, with at most maxRides
// rides: the same graph searched backwards in time.
func (g *genNet) latest(targets map[int]int32, by int32, maxRides int) []int32 {
	best := make([]int32, len(g.lat))
	for i := range best {
		best[i] = math.MinInt32
	}
	in := make([][]struct{ from, sec int }, len(g.lat))
	for a, es := range g.walk {
		for _, e := range es {
			in[e.to] = append(in[e.to], struct{ from, sec int }{a, e.sec})
		}
	}
	h := &bfHeap{max: true}
	done := map[[4]int]bool{}
	// A ready state here is "must have alighted at stop by t".
	for s, w := range targets {
		best[s] = max(best[s], by-w)
		heap.Push(h, bfState{t: by - w, ready: true, stop: s})
	}
	for h.Len() > 0 {
		x := heap.Pop(h).(bfState)
		key := [4]int{x.stop, x.trip, x.pos, x.rides}
		if x.ready {
			key = [4]int{x.stop, -1, -1, x.rides}
		}
		if done[key] {
			continue
		}
		done[key] = true
		if x.ready {
			if x.rides == maxRides {
				continue
			}
			for _, c := range g.calls[x.stop] {
				j, i := c[0], c[1]
				tr := &g.trips[j]
				if i > 0 && !tr.noDropof[i] && tr.arr[i] <= x.t {
					heap.Push(h, bfState{t: tr.dep[i-1], trip: j, pos: i - 1, rides: x.rides + 1})
				}
			}
			continue
		}
		tr := &g.trips[x.trip]
		s := tr.stops[x.pos]
		if !tr.noPickup[x.pos] {
			best[s] = max(best[s], x.t)
			heap.Push(h, bfState{t: x.t - change, ready: true, stop: s, rides: x.rides})
			for _, e := range in[s] {
				heap.Push(h, bfState{t: x.t - int32(e.sec) - change, ready: true, stop: e.from, rides: x.rides})
			}
		}
		if x.pos > 0 {
			heap.Push(h, bfState{t: tr.dep[x.pos-1], trip: x.trip, pos: x.pos - 1, rides: x.rides})
		}
	}
	return best
}

// RAPTOR and the brute force agree on 500 random queries (forward and
// backward, 0 to 3 transfers, one to three stops with walks) at every
// stop of the generated network.
func TestRaptorAgreesWithBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 2012))
	g, files := generate(t, r)
	snap := importOne(t, files, "2026-11-24")
	n := transit.NewNetwork(snap)
	if snap.Timetable.Patterns() <= 54 {
		t.Logf("patterns: %d (no overtaking split?)", snap.Timetable.Patterns())
	}
	index := make([]int, len(g.lat))
	for i := range index {
		var ok bool
		if index[i], ok = n.StopIndex("f", fmt.Sprintf("s%d", i)); !ok {
			t.Fatalf("stop s%d", i)
		}
	}
	const queries = 500
	compared := 0
	for q := range queries {
		k := r.IntN(4)
		ends := map[int]int32{}
		var access []transit.Access
		for range 1 + r.IntN(3) {
			s, w := r.IntN(len(g.lat)), int32(r.IntN(300))
			if _, dup := ends[s]; dup {
				continue
			}
			ends[s] = w
			access = append(access, transit.Access{Stop: index[s], Walk: time.Duration(w) * time.Second})
		}
		var want []int32
		var c *transit.Catchment
		forward := q%2 == 0
		var at int32
		if forward {
			t0 := int32(5*3600 + r.IntN(4*3600))
			at = t0
			want = g.earliest(ends, t0, k+1)
			c = n.DepartFrom(access, time.Duration(t0)*time.Second, k)
		} else {
			by := int32(7*3600 + r.IntN(3*3600))
			at = by
			want = g.latest(ends, by, k+1)
			c = n.ArriveAt(access, time.Duration(by)*time.Second, k)
		}
		for s := range g.lat {
			got, _, ok := c.At(index[s])
			reached := want[s] != math.MaxInt32 && want[s] != math.MinInt32
			if ok != reached || ok && got != time.Duration(want[s])*time.Second {
				t.Fatalf("query %d (forward %v, %d transfers, ends %v, at %v), stop s%d: RAPTOR %v %v, brute force %v",
					q, forward, k, ends, at, s, got, ok, want[s])
			}
			if ok {
				compared++
				// And the journey rebuilt ends where the label says.
				if _, end := ends[s]; end {
					continue // its time may be the walk, not a ride
				}
				if j, jok := c.Journey(index[s]); !jok || len(j.Legs) == 0 {
					t.Fatalf("query %d stop s%d: no journey", q, s)
				} else {
					if forward && j.Arrive != got || !forward && j.Depart != got {
						t.Fatalf("query %d stop s%d: journey %v–%v, label %v", q, s, j.Depart, j.Arrive, got)
					}
				}
			}
		}
	}
	t.Logf("%d queries, %d stop times compared, %d patterns, %d stop times", queries, compared, snap.Timetable.Patterns(), snap.Timetable.StopTimes())
}
