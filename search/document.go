package search

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/verken/verken/data"
	"github.com/verken/verken/directory"
)

// Hit is one supplier in a result list: what the list shows, kept in the
// index so that a page of results needs no reads from the store.
type Hit struct {
	ID              string    `json:"id"`
	Name            string    `json:"name"`
	Kind            string    `json:"kind"`
	Municipality    string    `json:"municipality"`
	MunicipalityNIS string    `json:"municipality_nis"`
	Postcode        string    `json:"postcode"`
	Province        string    `json:"province"`
	Tasks           []string  `json:"tasks"`
	FreeFTE         float64   `json:"free_fte"`
	UpdatedAt       time.Time `json:"updated_at"`
	ConfirmedAt     time.Time `json:"confirmed_at"`
	Demo            bool      `json:"demo,omitempty"`
	Score           float64   `json:"score,omitempty"`
}

// documenter turns suppliers into index documents.
type documenter struct {
	places *data.Gazetteer
	tasks  *data.Taxonomy
}

func (d documenter) document(s *directory.Supplier) (map[string]interface{}, error) {
	hit := Hit{ID: s.ID, Name: s.Name, Kind: string(s.Kind), FreeFTE: s.FreeFTE(),
		UpdatedAt: s.UpdatedAt, ConfirmedAt: s.ConfirmedAt, Demo: s.Demo}
	var placeNames, taskLabels, tasks, groups []string
	addUnique := func(list *[]string, v string) {
		if v != "" && !slices.Contains(*list, v) {
			*list = append(*list, v)
		}
	}
	doc := map[string]interface{}{
		fieldName:        s.Name,
		fieldNameSort:    data.FoldName(s.Name),
		fieldDescription: s.Description,
		fieldKind:        string(s.Kind),
		fieldSector:      sector(s.Kind),
		fieldFreeFTE:     hit.FreeFTE,
		fieldUpdatedAt:   s.UpdatedAt,
		fieldConfirmedAt: s.ConfirmedAt,
		fieldDemo:        boolString(s.Demo),
	}
	if site, ok := s.MainSite(); ok {
		hit.Postcode = site.Postcode
		doc[fieldLocation] = []float64{site.Lon, site.Lat} // Bleve: longitude first
		if m, ok := d.places.Municipality(site.Municipality); ok {
			hit.Municipality, hit.MunicipalityNIS, hit.Province = m.Name.NL, m.NIS, m.Province
			doc[fieldMunicipality] = m.NIS
			doc[fieldArrondissement] = m.Arrondissement
			doc[fieldProvince] = m.Province
			doc[fieldRegion] = m.Region
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
		addUnique(&tasks, t.ID)
		addUnique(&groups, t.Group)
		addUnique(&taskLabels, t.Name.NL)
		addUnique(&taskLabels, t.Name.FR)
		addUnique(&taskLabels, t.Name.EN)
	}
	hit.Tasks = tasks
	doc[fieldTasks] = tasks
	doc[fieldTaskGroups] = groups
	doc[fieldTaskLabels] = taskLabels
	doc[fieldPlaceNames] = placeNames
	b, err := json.Marshal(hit)
	if err != nil {
		return nil, err
	}
	doc[fieldHit] = string(b)
	return doc, nil
}

func sector(k directory.Kind) string {
	if k.SocialEconomy() {
		return "social"
	}
	return "regular"
}

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
