package catalogue

import (
	"slices"

	"github.com/verken/verken/data"
	"github.com/verken/verken/directory"
)

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
