package search

import (
	"fmt"
	"time"

	"github.com/verken/verken/directory"
)

// Paging and input limits.
const (
	DefaultPerPage  = 20
	MaxPerPage      = 100
	DefaultRadiusKm = 20
	MaxRadiusKm     = 300
	// StaleAfterMonths is how long a profile stays fresh after its last
	// confirmation; older ones are marked "to be confirmed".
	StaleAfterMonths = 12
	// DefaultArriveBy and DefaultMaxMinutes are the arrival time and the
	// longest journey a Reach search assumes when not told: a shift
	// starting at seven, an hour's travel, as the market check assumes.
	DefaultArriveBy   = 7 * time.Hour
	DefaultMaxMinutes = 60
	MaxMaxMinutes     = 240
)

// Sort orders.
const (
	SortRelevance = "relevance"
	SortDistance  = "distance"
	SortCapacity  = "capacity"
	SortUpdated   = "updated"
	SortName      = "name"
	// SortTravelTime: the shortest journey by public transport first
	// (needs Reach).
	SortTravelTime = "travel_time"
)

// Sorts lists the sort orders.
var Sorts = []string{SortRelevance, SortDistance, SortCapacity, SortUpdated, SortName, SortTravelTime}

// Query is what a buyer asks. Values within one filter are alternatives
// (OR); filters combine with AND. Place filters accept what people type —
// a NIS code, a postcode, a current or former name.
type Query struct {
	Text       string
	Tasks      []string
	TaskGroups []string
	CPV        string
	Kinds      []string
	Sector     string // "social" or "regular"
	Reserved   bool   // eligible for a reserved contract on Today
	// ReservedVerified narrows Reserved to eligibility Verken can vouch
	// for: a recognition from an authority's register and a target-group
	// share an administrator verified (reserved=verified).
	ReservedVerified bool
	TargetGroups     []string
	Cooperation      []string

	Municipalities  []string
	Arrondissements []string
	Provinces       []string
	Regions         []string
	Serves          string // an offer's service area covers this place
	Near            string // a postcode, municipality or "lat,lon"
	RadiusKm        float64

	// The offer filters: with the task filters and Serves, they must hold
	// for one and the same offer.
	MinFTE         float64
	AvailableBy    directory.Date
	MaxLeadWeeks   *int
	MinContractEUR float64
	AtClientSite   bool
	// MinTransitClass is the worst public-transport class (A–F) accepted
	// where the offer's work happens.
	MinTransitClass string

	Fresh bool // hide profiles to be confirmed
	// Unclaimed also finds the firms without a Verken profile: made from
	// the authorities' data (KBO), with no capacity declared.
	Unclaimed bool

	// Reach keeps the suppliers with a site from which a crew arrives at
	// this place (as Near takes it) by ArriveBy (a time of day; 0 is
	// DefaultArriveBy) by public transport within MaxMinutes (0 is
	// DefaultMaxMinutes), door to door; each hit says how long.
	Reach      string
	ArriveBy   time.Duration
	MaxMinutes int

	Sort    string
	Page    int // from 1
	PerPage int
	// Today is the reference date for recognitions and freshness.
	Today directory.Date
}

// ParamError says which parameter of a query is wrong and why.
type ParamError struct {
	Param  string `json:"param"`
	Value  string `json:"value,omitempty"`
	Code   string `json:"code"`
	Reason string `json:"reason"`
}

func (e *ParamError) Error() string {
	return fmt.Sprintf("parameter %s: %s", e.Param, e.Reason)
}
