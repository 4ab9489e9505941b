package transit

import (
	"math"
	"sort"
	"time"
)

// Journeys are planned with RAPTOR (Delling, Pajor and Werneck, "Round-
// Based Public Transit Routing", 2012): round k scans, once each, the
// patterns through the stops that round k-1 improved, so that after round
// k every stop holds the best time with at most k vehicles. No priority
// queue and no graph: the scans read the flat timetable in order, which is
// why one query over a whole region takes milliseconds.
//
// The model, the same both ways:
//   - from a place one walks to any stop within the walking limits Lookup
//     uses (960 m to a stop served by rail, 640 m to others), and from the
//     last stop to the place the same way, at WalkTime;
//   - between two vehicles one needs the alighting stop's change time
//     (MinChange, or the feed's), then may walk once along a transfer;
//   - boarding needs pickup allowed at the stop, alighting drop-off.

// DefaultMaxTransfers is the number of changes a journey may have when a
// query names none.
const DefaultMaxTransfers = 3

const (
	never    = math.MinInt32 // reverse: no departure found
	neverFwd = math.MaxInt32 // forward: no arrival found
)

// raptorIndex is worked out from the timetable when a network is loaded:
// it costs nothing on disk.
type raptorIndex struct {
	stopPatStart []int32 // len stops+1
	stopPat      []int32
	stopPos      []int32
	// walking transfers into a stop: from inFrom, inSec seconds
	inStart, inFrom, inSec []int32
	rail                   []bool // a rail pattern calls here: walked to from up to 960 m
	served                 []bool
}

func newRaptorIndex(s *Snapshot) raptorIndex {
	tt := &s.Timetable
	ns := len(s.Stops)
	x := raptorIndex{stopPatStart: make([]int32, ns+1), rail: make([]bool, ns), served: make([]bool, ns)}
	for p := range tt.Patterns() {
		rail := s.Routes[tt.PatRoute[p]].Mode == ModeRail
		for _, st := range tt.PatStops[tt.PatStopStart[p]:tt.PatStopStart[p+1]] {
			x.stopPatStart[st+1]++
			x.served[st] = true
			x.rail[st] = x.rail[st] || rail
		}
	}
	for i := range ns {
		x.stopPatStart[i+1] += x.stopPatStart[i]
	}
	x.stopPat = make([]int32, len(tt.PatStops))
	x.stopPos = make([]int32, len(tt.PatStops))
	fill := make([]int32, ns)
	copy(fill, x.stopPatStart[:ns])
	for p := range tt.Patterns() {
		for i, st := range tt.PatStops[tt.PatStopStart[p]:tt.PatStopStart[p+1]] {
			x.stopPat[fill[st]], x.stopPos[fill[st]] = int32(p), int32(i)
			fill[st]++
		}
	}
	if len(tt.WalkStart) == ns+1 {
		x.inStart = make([]int32, ns+1)
		for _, to := range tt.WalkTo {
			x.inStart[to+1]++
		}
		for i := range ns {
			x.inStart[i+1] += x.inStart[i]
		}
		x.inFrom = make([]int32, len(tt.WalkTo))
		x.inSec = make([]int32, len(tt.WalkTo))
		copy(fill, x.inStart[:ns])
		for from := range ns {
			for e := tt.WalkStart[from]; e < tt.WalkStart[from+1]; e++ {
				to := tt.WalkTo[e]
				x.inFrom[fill[to]], x.inSec[fill[to]] = int32(from), tt.WalkSec[e]
				fill[to]++
			}
		}
	} else {
		x.inStart = make([]int32, ns+1)
	}
	return x
}

// Access is a stop within walking distance of a place.
type Access struct {
	Stop      int // index into Snapshot().Stops
	DistanceM int // straight line
	Walk      time.Duration
}

// Near returns the stops served by some trip within walking distance of a
// place: 960 m to a stop that trains call at, 640 m to others.
func (n *Network) Near(lat, lon float64) []Access {
	var out []Access
	dLat := float64(railWalkM) / 111_000
	dLon := dLat / math.Max(math.Cos(lat*math.Pi/180), 0.1)
	lo, hi := cellKey(lat-dLat, lon-dLon), cellKey(lat+dLat, lon+dLon)
	for a := lo[0]; a <= hi[0]; a++ {
		for b := lo[1]; b <= hi[1]; b++ {
			for _, i := range n.grid[[2]int32{a, b}] {
				if !n.idx.served[i] {
					continue
				}
				st := &n.snap.Stops[i]
				d := distanceM(lat, lon, st.Lat, st.Lon)
				limit := float64(otherWalkM)
				if n.idx.rail[i] {
					limit = railWalkM
				}
				if d <= limit {
					out = append(out, Access{Stop: int(i), DistanceM: int(math.Round(d)), Walk: time.Duration(walkSec(d)) * time.Second})
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Stop < out[j].Stop })
	return out
}

// StopIndex finds a stop by its feed and id.
func (n *Network) StopIndex(feed, id string) (int, bool) {
	i, ok := n.byID[feed+"\x00"+id]
	return int(i), ok
}

// Catchment is the answer of one RAPTOR query for every stop: for
// ArriveBy the latest departure from each stop that arrives in time, for
// DepartAt the earliest arrival at each. Each stop's journey can be
// rebuilt from it.
type Catchment struct {
	n        *Network
	reverse  bool
	at       int32 // the arrival (reverse) or departure (forward) asked, seconds
	lat, lon float64
	place    bool // a place was asked, not stops: walks to it count
	// per round k (k vehicles): rides[k][s] is the ride that reached s,
	// walks[k][s] the change or walk that makes s ready for the next one
	// (forward: ready to board; reverse: the latest arrival to alight by).
	rides     [][]rideLabel
	walks     [][]walkLabel
	best      []int32 // best ride label across rounds
	bestRound []int8
	ends      map[int32]int32 // stops the query starts or ends at, with their walk
}

// rideLabel is one vehicle: reverse, it is indexed by the stop boarded
// and t is the departure; forward, by the stop alighted and t the arrival.
// prev is the round of the walk label it continues from.
type rideLabel struct {
	t, pat, trip, board, alight int32
	prev                        int8
}

// walkLabel: via is the stop of the ride it comes from (itself when
// changing in place), -1 for the walk to or from the place.
type walkLabel struct {
	t, via int32
}

// ArriveBy answers: by when must one leave each stop to be at the place
// (lat, lon) by the time by (after the reference day's midnight), with at
// most maxTransfers changes (negative: DefaultMaxTransfers)?
func (n *Network) ArriveBy(lat, lon float64, by time.Duration, maxTransfers int) *Catchment {
	c := n.ArriveAt(n.Near(lat, lon), by, maxTransfers)
	c.lat, c.lon, c.place = lat, lon, true
	return c
}

// DepartAt answers: when can one be at each stop, leaving the place
// (lat, lon) at the time at, with at most maxTransfers changes?
func (n *Network) DepartAt(lat, lon float64, at time.Duration, maxTransfers int) *Catchment {
	c := n.DepartFrom(n.Near(lat, lon), at, maxTransfers)
	c.lat, c.lon, c.place = lat, lon, true
	return c
}

func secs(d time.Duration) int32 {
	return int32(max(min(d/time.Second, 1<<30), -1<<30))
}

func newCatchment(n *Network, ends []Access, at time.Duration, maxTransfers int, reverse bool) *Catchment {
	if maxTransfers < 0 {
		maxTransfers = DefaultMaxTransfers
	}
	maxTransfers = min(maxTransfers, 100)
	ns := len(n.snap.Stops)
	c := &Catchment{n: n, reverse: reverse, at: secs(at), ends: map[int32]int32{},
		rides: make([][]rideLabel, maxTransfers+2), walks: make([][]walkLabel, maxTransfers+2),
		best: make([]int32, ns), bestRound: make([]int8, ns)}
	sentinel := int32(never)
	if !reverse {
		sentinel = neverFwd
	}
	for i := range c.best {
		c.best[i] = sentinel
	}
	for _, a := range ends {
		if a.Stop < 0 || a.Stop >= ns {
			continue
		}
		w := secs(a.Walk)
		if old, ok := c.ends[int32(a.Stop)]; !ok || w < old {
			c.ends[int32(a.Stop)] = w
		}
	}
	return c
}

// search state shared by both directions.
type search struct {
	star     []int32 // best walk label across rounds
	starRnd  []int8
	marked   []bool
	list     []int32
	queue    []int32 // per pattern: the position to scan from, -1 none
	queued   []int32
	improved []bool
	impList  []int32
}

func newSearch(ns, np int, sentinel int32) *search {
	s := &search{star: make([]int32, ns), starRnd: make([]int8, ns), marked: make([]bool, ns),
		queue: make([]int32, np), improved: make([]bool, ns)}
	for i := range s.star {
		s.star[i] = sentinel
	}
	for i := range s.queue {
		s.queue[i] = -1
	}
	return s
}

func (s *search) mark(st int32) {
	if !s.marked[st] {
		s.marked[st] = true
		s.list = append(s.list, st)
	}
}

func (s *search) improve(st int32) {
	if !s.improved[st] {
		s.improved[st] = true
		s.impList = append(s.impList, st)
	}
}

// enqueue queues the patterns through the marked stops, each from its
// first (forward) or last (reverse) marked position.
func (s *search) enqueue(x *raptorIndex, reverse bool) {
	for _, st := range s.list {
		s.marked[st] = false
		for e := x.stopPatStart[st]; e < x.stopPatStart[st+1]; e++ {
			p, pos := x.stopPat[e], x.stopPos[e]
			q := s.queue[p]
			switch {
			case q < 0:
				s.queued = append(s.queued, p)
				s.queue[p] = pos
			case reverse && pos > q, !reverse && pos < q:
				s.queue[p] = pos
			}
		}
	}
	s.list = s.list[:0]
}

// ArriveAt is ArriveBy from stops: each target stop with the walk from it
// to where one is going.
func (n *Network) ArriveAt(targets []Access, by time.Duration, maxTransfers int) *Catchment {
	c := newCatchment(n, targets, by, maxTransfers, true)
	tt, x := &n.snap.Timetable, &n.idx
	ns := len(n.snap.Stops)
	s := newSearch(ns, tt.Patterns(), never)
	c.walks[0] = make([]walkLabel, ns)
	for st, w := range c.ends {
		t := c.at - w
		if t > s.star[st] {
			s.star[st], s.starRnd[st] = t, 0
			c.walks[0][st] = walkLabel{t, -1}
			s.mark(st)
		}
	}
	for k := 1; k < len(c.rides) && len(s.list) > 0; k++ {
		s.enqueue(x, true)
		ride := make([]rideLabel, ns)
		c.rides[k] = ride
		for _, p := range s.queued {
			from := s.queue[p]
			s.queue[p] = -1
			ps, L := tt.PatStopStart[p], tt.PatStopStart[p+1]-tt.PatStopStart[p]
			stops, flags := tt.PatStops[ps:ps+L], tt.PatFlags[ps:ps+L]
			base := tt.TimeStart[p]
			nTrips := (tt.TimeStart[p+1] - base) / L
			trip, alight, alightRnd := int32(-1), int32(0), int8(0)
			for i := from; i >= 0; i-- {
				st := stops[i]
				if trip >= 0 && flags[i]&noPickup == 0 {
					if d := tt.Dep[base+trip*L+i]; d > c.best[st] {
						c.best[st], c.bestRound[st] = d, int8(k)
						ride[st] = rideLabel{t: d, pat: p, trip: trip, board: i, alight: alight, prev: alightRnd}
						s.improve(st)
					}
				}
				if l := s.star[st]; l != never && flags[i]&noDropoff == 0 {
					// The latest trip that is here by l, if later than the one held.
					lo := trip + 1
					if lo < nTrips && tt.Arr[base+lo*L+i] <= l {
						j := lo + int32(sort.Search(int(nTrips-lo), func(m int) bool { return tt.Arr[base+(lo+int32(m))*L+i] > l })) - 1
						trip, alight, alightRnd = j, i, s.starRnd[st]
					}
				}
			}
		}
		s.queued = s.queued[:0]
		walk := make([]walkLabel, ns)
		c.walks[k] = walk
		relax := func(st, t, via int32) {
			if t > s.star[st] {
				s.star[st], s.starRnd[st] = t, int8(k)
				walk[st] = walkLabel{t, via}
				s.mark(st)
			}
		}
		for _, u := range s.impList {
			s.improved[u] = false
			d := ride[u].t
			relax(u, d-tt.change(u), u)
			for e := x.inStart[u]; e < x.inStart[u+1]; e++ {
				from := x.inFrom[e]
				relax(from, d-x.inSec[e]-tt.change(from), u)
			}
		}
		s.impList = s.impList[:0]
	}
	return c
}

// DepartFrom is DepartAt from stops: each source stop with the walk to it
// from where one starts.
func (n *Network) DepartFrom(sources []Access, at time.Duration, maxTransfers int) *Catchment {
	c := newCatchment(n, sources, at, maxTransfers, false)
	tt, x := &n.snap.Timetable, &n.idx
	ns := len(n.snap.Stops)
	s := newSearch(ns, tt.Patterns(), neverFwd)
	c.walks[0] = make([]walkLabel, ns)
	for st, w := range c.ends {
		t := c.at + w
		if t < s.star[st] {
			s.star[st], s.starRnd[st] = t, 0
			c.walks[0][st] = walkLabel{t, -1}
			s.mark(st)
		}
	}
	for k := 1; k < len(c.rides) && len(s.list) > 0; k++ {
		s.enqueue(x, false)
		ride := make([]rideLabel, ns)
		c.rides[k] = ride
		for _, p := range s.queued {
			from := s.queue[p]
			s.queue[p] = -1
			ps, L := tt.PatStopStart[p], tt.PatStopStart[p+1]-tt.PatStopStart[p]
			stops, flags := tt.PatStops[ps:ps+L], tt.PatFlags[ps:ps+L]
			base := tt.TimeStart[p]
			nTrips := (tt.TimeStart[p+1] - base) / L
			trip, board, boardRnd := int32(-1), int32(0), int8(0)
			for i := from; i < L; i++ {
				st := stops[i]
				if trip >= 0 && flags[i]&noDropoff == 0 {
					if a := tt.Arr[base+trip*L+i]; a < c.best[st] {
						c.best[st], c.bestRound[st] = a, int8(k)
						ride[st] = rideLabel{t: a, pat: p, trip: trip, board: board, alight: i, prev: boardRnd}
						s.improve(st)
					}
				}
				if r := s.star[st]; r != neverFwd && flags[i]&noPickup == 0 {
					// The earliest trip that leaves here from r, if earlier than the one held.
					hi := trip
					if hi < 0 {
						hi = nTrips
					}
					if hi > 0 && tt.Dep[base+(hi-1)*L+i] >= r {
						trip = int32(sort.Search(int(hi), func(m int) bool { return tt.Dep[base+int32(m)*L+i] >= r }))
						board, boardRnd = i, s.starRnd[st]
					}
				}
			}
		}
		s.queued = s.queued[:0]
		walk := make([]walkLabel, ns)
		c.walks[k] = walk
		relax := func(st, t, via int32) {
			if t < s.star[st] {
				s.star[st], s.starRnd[st] = t, int8(k)
				walk[st] = walkLabel{t, via}
				s.mark(st)
			}
		}
		for _, u := range s.impList {
			s.improved[u] = false
			ready := ride[u].t + tt.change(u)
			relax(u, ready, u)
			for e := tt.WalkStart[u]; e < tt.WalkStart[u+1]; e++ {
				relax(tt.WalkTo[e], ready+tt.WalkSec[e], u)
			}
		}
		s.impList = s.impList[:0]
	}
	return c
}

// At gives a stop's time: for ArriveBy the latest departure from the stop
// (boarding there, or walking straight to the place) that arrives in
// time, for DepartAt the earliest arrival there (by vehicle, or by the
// first walk); and the changes on the way. ok is false when none is found.
func (c *Catchment) At(stop int) (t time.Duration, transfers int, ok bool) {
	if stop < 0 || stop >= len(c.best) {
		return 0, 0, false
	}
	b, rides := c.best[stop], int(c.bestRound[stop])
	if w, end := c.ends[int32(stop)]; end {
		walkT := c.at - w
		if !c.reverse {
			walkT = c.at + w
		}
		if b == never || b == neverFwd || c.reverse && walkT >= b || !c.reverse && walkT <= b {
			b, rides = walkT, 0
		}
	}
	if b == never || b == neverFwd {
		return 0, 0, false
	}
	return time.Duration(b) * time.Second, max(rides-1, 0), true
}

// Journey is a way from door to door (or from a stop).
type Journey struct {
	Depart, Arrive time.Duration // after the reference day's midnight; see Clock
	Transfers      int
	Legs           []Leg
}

// Duration is the time from leaving to arriving.
func (j Journey) Duration() time.Duration { return j.Arrive - j.Depart }

// Leg is a walk or a ride.
type Leg struct {
	Walk      bool
	Line      string // the route's short name (or long name without one)
	Mode      Mode
	Route     int // index into Snapshot().Routes; -1 for a walk
	From, To  LegPlace
	Depart    time.Duration
	Arrive    time.Duration
	DistanceM int // straight line, for walks
}

// LegPlace is where a leg starts or ends: a stop, or the place asked
// (Stop -1).
type LegPlace struct {
	Stop     int
	Feed, ID string
	Name     string
	Lat, Lon float64
}

func (c *Catchment) stopPlace(s int32) LegPlace {
	st := &c.n.snap.Stops[s]
	return LegPlace{Stop: int(s), Feed: st.Feed, ID: st.ID, Name: st.Name, Lat: st.Lat, Lon: st.Lon}
}

func (c *Catchment) walkLeg(from, to LegPlace, depart, arrive time.Duration) Leg {
	return Leg{Walk: true, Mode: ModeWalk, Route: -1, From: from, To: to, Depart: depart, Arrive: arrive,
		DistanceM: int(math.Round(distanceM(from.Lat, from.Lon, to.Lat, to.Lon)))}
}

func (c *Catchment) rideLeg(r rideLabel) Leg {
	tt := &c.n.snap.Timetable
	ps := tt.PatStopStart[r.pat]
	L := tt.PatStopStart[r.pat+1] - ps
	base := tt.TimeStart[r.pat] + r.trip*L
	route := tt.PatRoute[r.pat]
	rt := &c.n.snap.Routes[route]
	return Leg{Line: rt.Name, Mode: rt.Mode, Route: int(route),
		From: c.stopPlace(tt.PatStops[ps+r.board]), To: c.stopPlace(tt.PatStops[ps+r.alight]),
		Depart: time.Duration(tt.Dep[base+r.board]) * time.Second, Arrive: time.Duration(tt.Arr[base+r.alight]) * time.Second}
}

func (c *Catchment) footSec(from, to int32) int32 {
	tt := &c.n.snap.Timetable
	for e := tt.WalkStart[from]; e < tt.WalkStart[from+1]; e++ {
		if tt.WalkTo[e] == to {
			return tt.WalkSec[e]
		}
	}
	return 0
}

// legs rebuilds the rides and walks from stop s's best label in round k,
// in travel order, without the walk between the stop and the asked place.
func (c *Catchment) legs(s int32, k int) []Leg {
	var out []Leg
	place := LegPlace{Stop: -1, Lat: c.lat, Lon: c.lon}
	if c.reverse {
		for k > 0 {
			r := c.rides[k][s]
			leg := c.rideLeg(r)
			out = append(out, leg)
			a := int32(leg.To.Stop)
			w := c.walks[r.prev][a]
			if w.via < 0 {
				if c.place {
					end := leg.Arrive + time.Duration(c.ends[a])*time.Second
					out = append(out, c.walkLeg(leg.To, place, leg.Arrive, end))
				}
				break
			}
			if w.via != a {
				sec := time.Duration(c.footSec(a, w.via)) * time.Second
				out = append(out, c.walkLeg(leg.To, c.stopPlace(w.via), leg.Arrive, leg.Arrive+sec))
			}
			s, k = w.via, int(r.prev)
		}
		return out
	}
	for k > 0 {
		r := c.rides[k][s]
		leg := c.rideLeg(r)
		out = append(out, leg)
		b := int32(leg.From.Stop)
		w := c.walks[r.prev][b]
		if w.via < 0 {
			if c.place {
				start := time.Duration(c.at) * time.Second
				out = append(out, c.walkLeg(place, leg.From, start, start+time.Duration(c.ends[b])*time.Second))
			}
			break
		}
		if w.via != b {
			sec := time.Duration(c.footSec(w.via, b)) * time.Second
			from := c.stopPlace(w.via)
			arr := time.Duration(c.rides[r.prev][w.via].t) * time.Second
			out = append(out, c.walkLeg(from, leg.From, arr, arr+sec))
		}
		s, k = w.via, int(r.prev)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

func journeyOf(legs []Leg) Journey {
	j := Journey{Legs: legs}
	rides := 0
	for _, l := range legs {
		if !l.Walk {
			rides++
		}
	}
	j.Transfers = max(rides-1, 0)
	if len(legs) > 0 {
		j.Depart, j.Arrive = legs[0].Depart, legs[len(legs)-1].Arrive
	}
	return j
}

// From is the journey from a point to the place of an ArriveBy query that
// leaves latest: from the best stop within walking distance of the point,
// or on foot all the way when the place is within the longest walk
// (960 m). Journey.Arrive is when it arrives, at or before the time asked.
func (c *Catchment) From(lat, lon float64) (Journey, bool) {
	if !c.reverse {
		return Journey{}, false
	}
	here := LegPlace{Stop: -1, Lat: lat, Lon: lon}
	bestT, bestStop, bestRides := int32(never), int32(-1), 0
	var bestWalk int32
	for _, a := range c.n.Near(lat, lon) {
		b := c.best[a.Stop]
		if b == never {
			continue
		}
		w := secs(a.Walk)
		t, rides := b-w, int(c.bestRound[a.Stop])
		if t > bestT || t == bestT && rides < bestRides {
			bestT, bestStop, bestRides, bestWalk = t, int32(a.Stop), rides, w
		}
	}
	if c.place {
		if d := distanceM(lat, lon, c.lat, c.lon); d <= railWalkM {
			if t := c.at - walkSec(d); t >= bestT {
				place := LegPlace{Stop: -1, Lat: c.lat, Lon: c.lon}
				return journeyOf([]Leg{c.walkLeg(here, place, time.Duration(t)*time.Second, time.Duration(c.at)*time.Second)}), true
			}
		}
	}
	if bestStop < 0 {
		return Journey{}, false
	}
	rest := c.legs(bestStop, bestRides)
	first := rest[0]
	access := c.walkLeg(here, first.From, time.Duration(bestT)*time.Second, time.Duration(bestT+bestWalk)*time.Second)
	return journeyOf(append([]Leg{access}, rest...)), true
}

// To is the journey from the place of a DepartAt query to a point that
// arrives earliest: at the best stop within walking distance of the
// point, or on foot all the way within 960 m.
func (c *Catchment) To(lat, lon float64) (Journey, bool) {
	if c.reverse {
		return Journey{}, false
	}
	here := LegPlace{Stop: -1, Lat: lat, Lon: lon}
	bestT, bestStop, bestRides := int32(neverFwd), int32(-1), 0
	var bestWalk int32
	for _, a := range c.n.Near(lat, lon) {
		b := c.best[a.Stop]
		if b == neverFwd {
			continue
		}
		w := secs(a.Walk)
		t, rides := b+w, int(c.bestRound[a.Stop])
		if t < bestT || t == bestT && rides < bestRides {
			bestT, bestStop, bestRides, bestWalk = t, int32(a.Stop), rides, w
		}
	}
	if c.place {
		if d := distanceM(lat, lon, c.lat, c.lon); d <= railWalkM {
			if t := c.at + walkSec(d); t <= bestT {
				place := LegPlace{Stop: -1, Lat: c.lat, Lon: c.lon}
				return journeyOf([]Leg{c.walkLeg(place, here, time.Duration(c.at)*time.Second, time.Duration(t)*time.Second)}), true
			}
		}
	}
	if bestStop < 0 {
		return Journey{}, false
	}
	rest := c.legs(bestStop, bestRides)
	last := rest[len(rest)-1]
	egress := c.walkLeg(last.To, here, time.Duration(bestT-bestWalk)*time.Second, time.Duration(bestT)*time.Second)
	return journeyOf(append(rest, egress)), true
}

// Origin is a point from which one arrives at the place of an ArriveBy
// query in time: a stop, or the place itself on foot.
type Origin struct {
	Lat, Lon float64
	// MaxWalkM is the longest straight-line walk to it from a site: 960 m
	// to a stop that trains call at and to the place itself, 640 m to
	// other stops (the same limits as From).
	MaxWalkM float64
	// Seconds from leaving it to arriving, at the latest, by the time asked.
	Seconds int32
}

// Origins lists the points from which one arrives in time within the
// given travel time: every stop the query reached, and, when a place was
// asked, the place itself. A point's travel time door to door is the best,
// over the origins within its walk, of the origin's seconds plus the walk
// (WalkSeconds): the same answer as From, for many points at once.
func (c *Catchment) Origins(within time.Duration) []Origin {
	if !c.reverse {
		return nil
	}
	limit := secs(within)
	var out []Origin
	if c.place {
		out = append(out, Origin{Lat: c.lat, Lon: c.lon, MaxWalkM: railWalkM})
	}
	for st, b := range c.best {
		if b == never || c.at-b > limit || !c.n.idx.served[st] {
			continue
		}
		walk := float64(otherWalkM)
		if c.n.idx.rail[st] {
			walk = railWalkM
		}
		stop := &c.n.snap.Stops[st]
		out = append(out, Origin{Lat: stop.Lat, Lon: stop.Lon, MaxWalkM: walk, Seconds: c.at - b})
	}
	return out
}

// Journey rebuilds the best journey from (ArriveBy) or to (DepartAt) a
// stop, without a walk between that stop and the point it stands for.
func (c *Catchment) Journey(stop int) (Journey, bool) {
	if stop < 0 || stop >= len(c.best) || c.best[stop] == never || c.best[stop] == neverFwd {
		return Journey{}, false
	}
	return journeyOf(c.legs(int32(stop), int(c.bestRound[stop]))), true
}
