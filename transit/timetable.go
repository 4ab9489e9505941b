package transit

import (
	"encoding/binary"
	"math"
	"slices"
	"sort"
	"time"
)

// Walking between stops and to and from places, for journeys.
//
// Distances are great-circle ones; people walk along streets, which are
// longer. The ratio of street to straight-line distance for walking trips
// is commonly measured between 1.2 and 1.4 in European towns (a regular
// grid gives about 1.27, medieval centres and ring roads more); 1.3 is the
// middle of that range, and a crew that has to be on time should rather
// find the walk a little shorter than planned than longer. At 4.5 km/h
// (1.25 m/s, a relaxed adult pace with a bag) a 400 m transfer is 416 s.
const (
	// WalkDetour is the street distance over the straight-line one.
	WalkDetour = 1.3
	// WalkSpeedMS is walking speed in metres per second (4.5 km/h).
	WalkSpeedMS = 4.5 / 3.6
	// TransferWalkM is the longest straight-line walk between two stops
	// taken as a transfer, unless the feed's transfers.txt names it.
	TransferWalkM = 400
	// MinChange is the time to leave one vehicle and board another at the
	// same stop (or before walking to the next one), unless the feed's
	// transfers.txt gives the stop its own: alighting and boarding the
	// same minute is a connection nobody relies on for a shift start.
	MinChange = 60 * time.Second
)

// WalkTime is the time to walk between two points by the journey model:
// the straight-line distance lengthened by WalkDetour, at WalkSpeedMS,
// rounded up to the second.
func WalkTime(lat1, lon1, lat2, lon2 float64) time.Duration {
	return time.Duration(walkSec(distanceM(lat1, lon1, lat2, lon2))) * time.Second
}

// walkSec rounds up to the second, less a micro-second so that the float
// noise of an exact 500 m does not add a second.
func walkSec(m float64) int32 { return WalkSeconds(m, WalkSecondsPerMetre) }

// WalkSecondsPerMetre is the walking time per metre of straight line.
const WalkSecondsPerMetre = WalkDetour / WalkSpeedMS

// WalkSeconds is walkSec for a given pace, so that code that measures
// its own distances (the search engine) rounds exactly as journeys do.
func WalkSeconds(m, secondsPerMetre float64) int32 {
	return int32(math.Ceil(m*secondsPerMetre - 1e-6))
}

// Pattern stop flags.
const (
	noPickup  uint8 = 1 << iota // pickup_type=1: nobody may board here
	noDropoff                   // drop_off_type=1: nobody may alight here
)

// Timetable is what journeys need, kept as flat slices of integers so that
// a network the size of De Lijn's (10 million stop_times) stays a few
// hundred megabytes and gob reads it as whole slices.
//
// A pattern (a RAPTOR route) is a line's sequence of stops, each with its
// pickup and drop-off rules, and its trips sorted by time; no trip of a
// pattern overtakes another, which RAPTOR's scan relies on. Trip k of
// pattern p with L stops has its times at Arr/Dep[TimeStart[p]+k*L+i];
// times are seconds after the reference day's midnight, negative for the
// part of the day before's trips that ran before midnight, past 86,400 for
// the reference day's trips that run on past midnight.
type Timetable struct {
	PatRoute     []int32 // index into Snapshot.Routes
	PatStopStart []int32 // len patterns+1: PatStops[PatStopStart[p]:PatStopStart[p+1]]
	PatStops     []int32 // index into Snapshot.Stops
	PatFlags     []uint8 // noPickup, noDropoff, parallel to PatStops
	TimeStart    []int32 // len patterns+1
	Arr, Dep     []int32

	// Walking transfers from a stop: WalkTo[WalkStart[s]:WalkStart[s+1]],
	// WalkSec alongside; none from a stop to itself.
	WalkStart []int32 // len stops+1
	WalkTo    []int32
	WalkSec   []int32
	// Change is the change time at each stop in seconds; nil when every
	// stop has MinChange.
	Change []int32
}

// Patterns is the number of patterns.
func (t *Timetable) Patterns() int { return len(t.PatRoute) }

// StopTimes is the number of stop times kept.
func (t *Timetable) StopTimes() int { return len(t.Arr) }

func (t *Timetable) change(s int32) int32 {
	if t.Change == nil {
		return int32(MinChange / time.Second)
	}
	return t.Change[s]
}

// stopTime is one row of stop_times.txt while a feed is read.
type stopTime struct {
	trip, seq, stop, arr, dep int32
	flags                     uint8 // noPickup, noDropoff, untimed
}

const untimed uint8 = 1 << 7

// ttBuilder gathers the reference day's trips of every feed into patterns.
type ttBuilder struct {
	groups   map[string]int32
	patterns []*patternBuild
	key      []byte
	// transfers.txt rows, by stop index, kept until every feed is read.
	transfers []feedTransfer
}

type patternBuild struct {
	route int32
	stops []int32
	flags []uint8
	times []int32 // per instance, arr and dep interleaved: 2*L values
}

type feedTransfer struct {
	from, to int32
	typ      uint8
	minSec   int32 // -1 when the row gives none
}

func newTTBuilder() *ttBuilder { return &ttBuilder{groups: map[string]int32{}} }

// addTrip adds one trip's stop times (in sequence order) on every time it
// runs on the reference day: shifts are added to its times. It emits the
// departures Lookup counts: timed stops where one may board, except the
// last, that fall on the reference day.
func (b *ttBuilder) addTrip(snap *Snapshot, route, dir int32, st []stopTime, shifts []int32) {
	if len(st) < 2 || st[0].flags&untimed != 0 || st[len(st)-1].flags&untimed != 0 || len(shifts) == 0 {
		return // GTFS requires times at the first and last stop
	}
	interpolate(snap, st)
	b.key = b.key[:0]
	b.key = binary.LittleEndian.AppendUint32(b.key, uint32(route))
	for _, x := range st {
		b.key = binary.LittleEndian.AppendUint32(b.key, uint32(x.stop))
		b.key = append(b.key, x.flags&(noPickup|noDropoff))
	}
	g, ok := b.groups[string(b.key)]
	if !ok {
		g = int32(len(b.patterns))
		b.groups[string(b.key)] = g
		pb := &patternBuild{route: route, stops: make([]int32, len(st)), flags: make([]uint8, len(st))}
		for i, x := range st {
			pb.stops[i], pb.flags[i] = x.stop, x.flags&(noPickup|noDropoff)
		}
		b.patterns = append(b.patterns, pb)
	}
	pb := b.patterns[g]
	if dir < 0 {
		// Without direction_id, a trip's direction is where it ends.
		dir = 2 + st[len(st)-1].stop
	}
	for _, sh := range shifts {
		for _, x := range st {
			pb.times = append(pb.times, x.arr+sh, x.dep+sh)
		}
		for _, x := range st[:len(st)-1] {
			if x.flags&(noPickup|untimed) != 0 || x.dep+sh < 0 {
				continue
			}
			s := &snap.Stops[x.stop]
			s.Departures = append(s.Departures, Departure{T: x.dep + sh, Route: route, Dir: dir})
		}
	}
}

// interpolate gives stops without times (GTFS allows them between timed
// ones) a time in proportion to the straight-line distance along the
// trip, and makes times run forwards: a feed's slip of a minute backwards
// must not let RAPTOR ride back in time.
func interpolate(snap *Snapshot, st []stopTime) {
	last := 0
	for i := 1; i < len(st); i++ {
		if st[i].flags&untimed != 0 {
			continue
		}
		if i > last+1 {
			var total float64
			cum := make([]float64, i-last+1)
			for k := last + 1; k <= i; k++ {
				a, c := &snap.Stops[st[k-1].stop], &snap.Stops[st[k].stop]
				total += distanceM(a.Lat, a.Lon, c.Lat, c.Lon)
				cum[k-last] = total
			}
			t0, t1 := st[last].dep, st[i].arr
			for k := last + 1; k < i; k++ {
				frac := float64(k-last) / float64(i-last)
				if total > 0 {
					frac = cum[k-last] / total
				}
				t := t0 + int32(math.Round(frac*float64(t1-t0)))
				st[k].arr, st[k].dep = t, t
			}
		}
		last = i
	}
	for i := range st {
		if i > 0 {
			st[i].arr = max(st[i].arr, st[i-1].dep)
		}
		st[i].dep = max(st[i].dep, st[i].arr)
	}
}

// finish sorts every pattern's trips, splits patterns whose trips
// overtake, and works out the walking transfers.
func (b *ttBuilder) finish(snap *Snapshot) {
	tt := &snap.Timetable
	*tt = Timetable{}
	total := 0
	for _, pb := range b.patterns {
		total += len(pb.times) / 2
	}
	tt.Arr = make([]int32, 0, total)
	tt.Dep = make([]int32, 0, total)
	tt.PatStopStart = append(tt.PatStopStart, 0)
	tt.TimeStart = append(tt.TimeStart, 0)
	for gi, pb := range b.patterns {
		b.patterns[gi] = nil // let the collector take it once written
		L := len(pb.stops)
		n := len(pb.times) / (2 * L)
		order := make([]int32, n)
		for i := range order {
			order[i] = int32(i)
		}
		at := func(k int32, i int) (int32, int32) {
			return pb.times[int(k)*2*L+2*i], pb.times[int(k)*2*L+2*i+1]
		}
		sort.Slice(order, func(x, y int) bool {
			_, dx := at(order[x], 0)
			_, dy := at(order[y], 0)
			if dx != dy {
				return dx < dy
			}
			ax, _ := at(order[x], L-1)
			ay, _ := at(order[y], L-1)
			return ax < ay
		})
		// Greedy split: each trip goes to the first sub-pattern whose last
		// trip it does not overtake anywhere along the line.
		var subs [][]int32
		for _, k := range order {
			placed := false
			for si, sub := range subs {
				prev := sub[len(sub)-1]
				ok := true
				for i := range L {
					pa, pd := at(prev, i)
					a, d := at(k, i)
					if a < pa || d < pd {
						ok = false
						break
					}
				}
				if ok {
					subs[si] = append(sub, k)
					placed = true
					break
				}
			}
			if !placed {
				subs = append(subs, []int32{k})
			}
		}
		for _, sub := range subs {
			tt.PatRoute = append(tt.PatRoute, pb.route)
			tt.PatStops = append(tt.PatStops, pb.stops...)
			tt.PatFlags = append(tt.PatFlags, pb.flags...)
			tt.PatStopStart = append(tt.PatStopStart, int32(len(tt.PatStops)))
			for _, k := range sub {
				for i := range L {
					a, d := at(k, i)
					tt.Arr = append(tt.Arr, a)
					tt.Dep = append(tt.Dep, d)
				}
			}
			tt.TimeStart = append(tt.TimeStart, int32(len(tt.Arr)))
		}
	}
	b.patterns, b.groups = nil, nil
	b.footpaths(snap)
}

// footpaths links every served stop to the served stops within
// TransferWalkM, then applies the feeds' transfers.txt: type 2 sets the
// time (min_transfer_time, change included), type 3 forbids a walk, 0 and
// 1 add one even further than TransferWalkM.
func (b *ttBuilder) footpaths(snap *Snapshot) {
	tt := &snap.Timetable
	ns := len(snap.Stops)
	served := make([]bool, ns)
	for _, s := range tt.PatStops {
		served[s] = true
	}
	grid := map[[2]int32][]int32{}
	for i := range snap.Stops {
		st := &snap.Stops[i]
		if served[i] && (st.Lat != 0 || st.Lon != 0) {
			k := cellKey(st.Lat, st.Lon)
			grid[k] = append(grid[k], int32(i))
		}
	}
	type edge struct{ from, to, sec int32 }
	var edges []edge
	for k, cell := range grid {
		for _, s := range cell {
			a := &snap.Stops[s]
			for da := int32(-1); da <= 1; da++ {
				for db := int32(-1); db <= 1; db++ {
					for _, u := range grid[[2]int32{k[0] + da, k[1] + db}] {
						if u == s {
							continue
						}
						c := &snap.Stops[u]
						if d := distanceM(a.Lat, a.Lon, c.Lat, c.Lon); d <= TransferWalkM {
							edges = append(edges, edge{s, u, walkSec(d)})
						}
					}
				}
			}
		}
	}
	if len(b.transfers) > 0 {
		type pair struct{ from, to int32 }
		rule := map[pair]feedTransfer{}
		for _, x := range b.transfers {
			if x.from == x.to {
				if x.typ == 2 && x.minSec >= 0 {
					if tt.Change == nil {
						tt.Change = make([]int32, ns)
						for i := range tt.Change {
							tt.Change[i] = int32(MinChange / time.Second)
						}
					}
					tt.Change[x.from] = x.minSec
				}
				continue
			}
			rule[pair{x.from, x.to}] = x
		}
		kept := edges[:0]
		for _, e := range edges {
			if x, ok := rule[pair{e.from, e.to}]; ok && x.typ == 3 {
				continue
			}
			kept = append(kept, e)
		}
		edges = kept
		have := map[pair]int{}
		for i, e := range edges {
			have[pair{e.from, e.to}] = i
		}
		for p, x := range rule {
			if x.typ == 3 || !served[p.from] || !served[p.to] {
				continue
			}
			a, c := &snap.Stops[p.from], &snap.Stops[p.to]
			sec := walkSec(distanceM(a.Lat, a.Lon, c.Lat, c.Lon))
			if x.typ == 2 && x.minSec >= 0 {
				sec = max(0, x.minSec-tt.change(p.from))
			}
			if i, ok := have[p]; ok {
				edges[i].sec = sec
			} else {
				edges = append(edges, edge{p.from, p.to, sec})
			}
		}
	}
	slices.SortFunc(edges, func(x, y edge) int {
		if x.from != y.from {
			return int(x.from - y.from)
		}
		return int(x.to - y.to)
	})
	tt.WalkStart = make([]int32, ns+1)
	tt.WalkTo = make([]int32, len(edges))
	tt.WalkSec = make([]int32, len(edges))
	for i, e := range edges {
		tt.WalkStart[e.from+1]++
		tt.WalkTo[i], tt.WalkSec[i] = e.to, e.sec
	}
	for i := range ns {
		tt.WalkStart[i+1] += tt.WalkStart[i]
	}
	b.transfers = nil
}
