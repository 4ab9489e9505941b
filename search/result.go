package search

import "time"

// Hit is one supplier in a result list: what the list shows, kept in memory
// so that a page of results needs no reads from the store.
type Hit struct {
	ID               string   `json:"id"`
	Name             string   `json:"name"`
	Kind             string   `json:"kind"`
	Sector           string   `json:"sector"`
	Municipality     string   `json:"municipality"`
	MunicipalityNIS  string   `json:"municipality_nis"`
	Postcode         string   `json:"postcode"`
	Province         string   `json:"province"`
	Tasks            []string `json:"tasks"`
	FreeFTE          float64  `json:"free_fte"`
	TargetGroupShare float64  `json:"target_group_share"`
	// ShareVerified and RecognitionVerified say an administrator checked
	// the share and a recognition.
	ShareVerified       bool `json:"share_verified"`
	RecognitionVerified bool `json:"recognition_verified"`
	// TransitClass is the public-transport class (A–F) at the main site;
	// empty when not served or when no network is imported.
	TransitClass string    `json:"transit_class,omitempty"`
	UpdatedAt    time.Time `json:"updated_at"`
	ConfirmedAt  time.Time `json:"confirmed_at"`
	Demo         bool      `json:"demo,omitempty"`
	// Unclaimed: a firm without a Verken profile, known from the
	// authorities' data only; it declared no capacity.
	Unclaimed bool `json:"unclaimed,omitempty"`

	// Per query:
	Score float64 `json:"score,omitempty"`
	// MatchingFTE is the free capacity of the offers that match the
	// query's offer filters (all offers when it has none).
	MatchingFTE float64 `json:"matching_fte"`
	// DistanceKm is from the query's place to the nearest site.
	DistanceKm *float64 `json:"distance_km,omitempty"`
	// TravelMinutes is, with Reach, the shortest journey by public
	// transport from one of the supplier's sites to the place, door to door.
	TravelMinutes *int `json:"travel_minutes,omitempty"`
	// Reserved: eligible for a reserved contract on the reference date;
	// ReservedVerified: on a register's recognition and a verified share.
	Reserved         bool `json:"reserved"`
	ReservedVerified bool `json:"reserved_verified"`
	// Stale: not confirmed for more than StaleAfterMonths ("to be confirmed").
	Stale bool `json:"stale"`
	// NameHTML and DescriptionHTML are escaped HTML with the words that
	// matched the free text in <mark>; empty without free text.
	NameHTML        string `json:"name_html,omitempty"`
	DescriptionHTML string `json:"description_html,omitempty"`
}

// FacetValue is one value of a facet with the number of matching suppliers
// that have it.
type FacetValue struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// Result is a page of hits with the total and the facet counts.
type Result struct {
	Total   int                     `json:"total"`
	Page    int                     `json:"page"`
	PerPage int                     `json:"per_page"`
	Sort    string                  `json:"sort"`
	Hits    []Hit                   `json:"hits"`
	Facets  map[string][]FacetValue `json:"facets"`
}

// Site is a matching supplier's site, for the map.
type Site struct {
	SupplierID   string  `json:"supplier_id"`
	Name         string  `json:"name"`
	Kind         string  `json:"kind"`
	Municipality string  `json:"municipality"`
	Lat          float64 `json:"lat"`
	Lon          float64 `json:"lon"`
	// The supplier's, for the marker's popup: the free capacity that
	// matches the query, eligibility for a reserved contract, and whether
	// it is a firm without a Verken profile.
	MatchingFTE float64 `json:"matching_fte"`
	Reserved    bool    `json:"reserved"`
	Unclaimed   bool    `json:"unclaimed,omitempty"`
}
