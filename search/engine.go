// Package search is the seam between Verken and its search engine: the
// Engine interface, the query a buyer asks and the answers it gets, in
// plain types. The web front and the market check use only this package,
// and the commands name an engine in one function (cmd/verken/engine.go); an
// engine (search/catalogue today) implements it, and the conformance suite
// in search/searchtest holds every engine to the same answers.
package search

import (
	"context"
	"errors"
	"time"

	"github.com/verken/verken/directory"
)

// Engine finds suppliers. It follows the store's change feed (the store is
// the truth; an engine's index can always be thrown away and rebuilt) and
// answers queries over what it has applied.
type Engine interface {
	// Search answers a query with one page of hits, the total and the
	// facet counts.
	Search(q Query) (*Result, error)
	// All returns every match of q in q's order, at most limit, and how
	// many matched: exports and lists beyond one page.
	All(q Query, limit int) ([]Hit, int, error)
	// Sites returns the sites of every match of q, at most limit, and how
	// many suppliers matched: the map.
	Sites(q Query, limit int) ([]Site, int, error)
	// Matches returns every supplier that matches q with the offers that
	// match it (the correlation rule), unordered: the market check and the
	// segments overview work from them.
	Matches(q Query) ([]Match, error)

	// CatchUp applies the changes the engine has not seen and returns how
	// many it applied; Follow does so whenever the store changes, until ctx
	// ends. Applied is the last change applied; WaitFor waits until the
	// engine has applied seq.
	CatchUp() (int, error)
	Follow(ctx context.Context)
	Applied() uint64
	WaitFor(ctx context.Context, seq uint64) error
	// DocCount is the number of suppliers the engine holds.
	DocCount() (uint64, error)
	// SetTransit gives the engine a new public-transport network's
	// classes; every site's class is worked out again.
	SetTransit(t TransitClass) error
	// Warm runs what a first search on the day would, so that the first
	// buyer does not wait for it.
	Warm(today directory.Date) error
	Close() error
}

// TransitClass is the public-transport quality class at a place: 1 for A
// to 6 for F, 0 for not served.
type TransitClass func(lat, lon float64) uint8

// Reachable is where one can leave from to arrive at a place in time by
// public transport: a site's journey is the best, over the origins within
// walking distance of it, of the origin's time plus the walk to it.
type Reachable struct {
	Origins []Origin
	// WalkSecondsPerMetre turns a straight line into walking time,
	// rounded up to the second as the journey planner rounds it.
	WalkSecondsPerMetre float64
}

// Origin is a stop (or the place itself) from which one arrives in time.
type Origin struct {
	Lat, Lon float64
	MaxWalkM float64 // the longest straight-line walk to it from a site
	Seconds  int32   // from leaving it to arriving at the place
}

// ReachFinder works out Reachable for a place, an arrival time and the
// longest journey; ok is false when no timetable is imported.
type ReachFinder func(lat, lon float64, arriveBy, within time.Duration) (r Reachable, ok bool)

// ErrClosed is returned by an engine that has been closed.
var ErrClosed = errors.New("search engine is closed")

// Match is a supplier that matches a query, with what the market check and
// the segments overview need of it and of its matching offers.
type Match struct {
	Hit
	// Social: a social-economy supplier (any kind but a regular firm).
	Social bool
	// Eligible for a reserved contract on the query's day (recognition
	// valid on the day and target-group share at the threshold).
	Eligible     bool
	TurnoverEUR  float64
	TurnoverYear int
	Cooperation  []string
	// Offers are the offers that match (every offer without offer
	// filters).
	Offers []MatchOffer
	// Sites are the supplier's sites with their municipality and class.
	Sites []MatchSite
}

// MatchOffer is an offer that matches, with its capacity and when it can
// start at the earliest: free by then, with its lead time counted from the
// query's day.
type MatchOffer struct {
	Task          string
	Group         string
	FreeFTE       float64
	EarliestStart time.Time
}

// MatchSite is a site of a matching supplier.
type MatchSite struct {
	Lat, Lon        float64
	MunicipalityNIS string
	Arrondissement  string
	Province        string
	// TransitClass is "A"–"F", "-" when not served, "" without a network.
	TransitClass string
}
