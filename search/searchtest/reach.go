package searchtest

import (
	"math"
	"time"

	"github.com/verken/verken/data"
	"github.com/verken/verken/directory"
	"github.com/verken/verken/search"
)

// Reach is a made-up journey planner for the suite, handed to the engine
// as its search.ReachFinder: from any place, the place itself on foot and
// a grid of origins 1 km apart around it, each with a travel time that
// grows with its distance, varies from origin to origin and with the hour
// asked, and a walk of 640 or 960 m to it. What matters is that the
// engine combines origins and sites exactly; the oracle does so by brute
// force over every site and origin.
func Reach(lat, lon float64, by, within time.Duration) (search.Reachable, bool) {
	r := search.Reachable{WalkSecondsPerMetre: 1.3 / 1.25,
		Origins: []search.Origin{{Lat: lat, Lon: lon, MaxWalkM: 960}}}
	shift := int32(by/time.Minute%7) * 30
	for i := -6; i <= 6; i++ {
		for j := -6; j <= 6; j++ {
			if i == 0 && j == 0 {
				continue
			}
			secs := 300 + 200*int32(abs(i)+abs(j)) + shift + int32((i*7+j*13+100)%5)*40
			if time.Duration(secs)*time.Second > within {
				continue
			}
			walk := 640.0
			if (i+j+12)%3 == 0 {
				walk = 960
			}
			r.Origins = append(r.Origins, search.Origin{Lat: lat + float64(i)*0.009, Lon: lon + float64(j)*0.0135, MaxWalkM: walk, Seconds: secs})
		}
	}
	return r, true
}

func abs(i int) int { return max(i, -i) }

// reachOf is the question of a query with reach: the place, the arrival
// and the longest journey, with the defaults filled in.
func (o *oracle) reachOf(q search.Query) (lat, lon float64, by, within time.Duration) {
	lat, lon = o.point(q.Reach)
	by, within = q.ArriveBy, time.Duration(q.MaxMinutes)*time.Minute
	if by == 0 {
		by = search.DefaultArriveBy
	}
	if within == 0 {
		within = search.DefaultMaxMinutes * time.Minute
	}
	return lat, lon, by, within
}

// travel is the supplier's shortest journey to the place of q.Reach, in
// seconds, by brute force over its sites and every origin; ok is false
// when none arrives within the time allowed.
func (o *oracle) travel(s *directory.Supplier, q search.Query) (seconds int32, ok bool) {
	lat, lon, by, within := o.reachOf(q)
	r, _ := Reach(lat, lon, by, within)
	best := int32(math.MaxInt32)
	for _, st := range s.Sites {
		for _, g := range r.Origins {
			d := data.DistanceKm(st.Lat, st.Lon, g.Lat, g.Lon) * 1000
			if d > g.MaxWalkM {
				continue
			}
			best = min(best, g.Seconds+int32(math.Ceil(d*r.WalkSecondsPerMetre-1e-6)))
		}
	}
	return best, time.Duration(best)*time.Second <= within
}
