package market

import (
	"fmt"
	"strings"
	"time"

	"github.com/verken/verken/search"
	"github.com/verken/verken/transit"
)

// Travel is how a supplier's crew gets to the place of work by public
// transport: from its best site, arriving by the shift's start, and back
// after its end.
type Travel struct {
	// Minutes door to door to arrive by the shift start; nil when no
	// journey within the transfers allowed gets there.
	Minutes   *int   `json:"minutes,omitempty"`
	Transfers int    `json:"transfers"`
	FirstLine string `json:"first_line,omitempty"` // the first ride's line
	// ReturnMinutes home from the place, leaving at the shift end.
	ReturnMinutes *int `json:"return_minutes,omitempty"`
	// InTime: there and back within the longest travel time allowed.
	InTime bool `json:"in_time"`
}

// maxTransfers bounds the journeys a crew is expected to make.
const maxTransfers = 3

// ParseClock reads "07:00" (or "7:00") as a time of day.
func ParseClock(s string) (time.Duration, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("%q is not a time of day such as 07:00", s)
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}

// travel works out, for every matching supplier, how its crew gets to the
// place (lat, lon) for the shift and home again, and the figures of
// capacity that can be there in time.
func (c *Checker) travel(rep *CheckReport, sites map[string][]siteAt, lat, lon float64) {
	s := rep.Settings
	start, err1 := ParseClock(s.ShiftStart)
	end, err2 := ParseClock(s.ShiftEnd)
	if c.Network == nil || err1 != nil || err2 != nil {
		return
	}
	there := c.Network.ArriveBy(lat, lon, start, maxTransfers)
	back := c.Network.DepartAt(lat, lon, end, maxTransfers)
	limit := time.Duration(s.MaxTravelMinutes) * time.Minute
	f := &rep.Figures
	f.TravelChecked = true
	for i := range rep.Suppliers {
		cs := &rep.Suppliers[i]
		var best, home *transit.Journey
		for _, st := range sites[cs.ID] {
			if j, ok := there.From(st.lat, st.lon); ok && (best == nil || j.Duration() < best.Duration()) {
				best = &j
			}
			if j, ok := back.To(st.lat, st.lon); ok && (home == nil || j.Arrive < home.Arrive) {
				home = &j
			}
		}
		t := &Travel{}
		if best != nil {
			m := int((start - best.Depart).Round(time.Minute) / time.Minute)
			t.Minutes, t.Transfers = &m, best.Transfers
			for _, l := range best.Legs {
				if !l.Walk {
					t.FirstLine = l.Line
					break
				}
			}
		}
		if home != nil {
			m := int((home.Arrive - end).Round(time.Minute) / time.Minute)
			t.ReturnMinutes = &m
		}
		t.InTime = best != nil && home != nil && start-best.Depart <= limit && home.Arrive-end <= limit
		cs.Travel = t
		if t.InTime {
			f.InTimeFTE += cs.FreeFTE
			if cs.Eligible {
				f.InTimeEligibleFTE += cs.FreeFTE
			}
			if cs.Social {
				f.InTimeSocialFTE += cs.FreeFTE
			}
		}
	}
	f.InTimeFTE, f.InTimeEligibleFTE, f.InTimeSocialFTE = round2(f.InTimeFTE), round2(f.InTimeEligibleFTE), round2(f.InTimeSocialFTE)
}

// ReachFinder plans, for a search engine, the journeys of a search with
// reach on the network the holder has when the search runs: one reverse
// query from the place, with the transfers a market check allows.
func ReachFinder(h *transit.Holder) search.ReachFinder {
	return func(lat, lon float64, by, within time.Duration) (search.Reachable, bool) {
		n := h.Get()
		if n == nil {
			return search.Reachable{}, false
		}
		c := n.ArriveBy(lat, lon, by, maxTransfers)
		var r search.Reachable
		r.WalkSecondsPerMetre = transit.WalkSecondsPerMetre
		for _, o := range c.Origins(within) {
			r.Origins = append(r.Origins, search.Origin{Lat: o.Lat, Lon: o.Lon, MaxWalkM: o.MaxWalkM, Seconds: o.Seconds})
		}
		return r, true
	}
}

// siteAt is a site's point.
type siteAt struct{ lat, lon float64 }
