package search

import (
	"slices"
	"time"

	"github.com/verken/verken/data"
	"github.com/verken/verken/directory"
)

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

	// Per query:
	Score float64 `json:"score,omitempty"`
	// MatchingFTE is the free capacity of the offers that match the
	// query's offer filters (all offers when it has none).
	MatchingFTE float64 `json:"matching_fte"`
	// DistanceKm is from the query's place to the nearest site.
	DistanceKm *float64 `json:"distance_km,omitempty"`
	// Reserved: eligible for a reserved contract on the reference date.
	Reserved bool `json:"reserved"`
	// Stale: not confirmed for more than StaleAfterMonths ("to be confirmed").
	Stale bool `json:"stale"`
	// NameHTML and DescriptionHTML are escaped HTML with the words that
	// matched the free text in <mark>; empty without free text.
	NameHTML        string `json:"name_html,omitempty"`
	DescriptionHTML string `json:"description_html,omitempty"`
}

// documenter turns suppliers into Bleve documents: only what free text
// searches, in Dutch and in French analysis.
type documenter struct {
	places *data.Gazetteer
	tasks  *data.Taxonomy
}

func (d documenter) document(s *directory.Supplier) map[string]interface{} {
	var placeNames, taskLabels []string
	addUnique := func(list *[]string, v string) {
		if v != "" && !slices.Contains(*list, v) {
			*list = append(*list, v)
		}
	}
	for _, site := range s.Sites {
		if m, ok := d.places.Municipality(site.Municipality); ok {
			addUnique(&placeNames, m.Name.NL)
			addUnique(&placeNames, m.Name.FR)
			for _, f := range m.FormerNames {
				addUnique(&placeNames, f)
			}
		}
		if pc, ok := d.places.Postcode(site.Postcode); ok {
			addUnique(&placeNames, pc.Code)
			for _, p := range pc.Places {
				addUnique(&placeNames, p.Name)
			}
		}
	}
	for _, o := range s.Offers {
		t, ok := d.tasks.Task(o.Task)
		if !ok {
			continue
		}
		for _, l := range []string{t.Name.NL, t.Name.FR, t.Name.EN} {
			addUnique(&taskLabels, l)
		}
		for _, code := range t.CPV {
			if c, ok := d.tasks.CPV(code); ok {
				for _, l := range []string{c.Label.NL, c.Label.FR, c.Label.EN} {
					addUnique(&taskLabels, l)
				}
			}
		}
	}
	all := append([]string{s.Name, s.Description}, taskLabels...)
	all = append(all, placeNames...)
	return map[string]interface{}{
		fieldName:   s.Name,
		fieldText:   all,
		fieldTextFR: append([]string{s.Description}, taskLabels...),
		fieldWords:  all,
	}
}
