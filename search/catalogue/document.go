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
	// labels are what the supplier does and is, by every name buyers use.
	var placeNames, labels []string
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
			addUnique(&labels, l)
		}
		for _, w := range t.Also {
			addUnique(&labels, w)
		}
		for _, code := range t.CPV {
			if c, ok := d.tasks.CPV(code); ok {
				for _, l := range []string{c.Label.NL, c.Label.FR, c.Label.EN} {
					addUnique(&labels, l)
				}
			}
		}
	}
	// What the supplier is: its kind by every name buyers use, and the
	// recognitions it holds as their registers name them.
	kindWords := func(kind string) {
		if k, ok := d.tasks.Kind(kind); ok {
			for _, w := range append([]string{k.Name.NL, k.Name.FR, k.Name.EN}, k.Also...) {
				addUnique(&labels, w)
			}
		}
	}
	kindWords(string(s.Kind))
	for _, r := range s.Recognitions {
		addUnique(&labels, r.Type)
		kindWords(r.Type)
	}
	all := append([]string{s.Name, s.Description}, labels...)
	all = append(all, placeNames...)
	return map[string]interface{}{
		fieldName:   s.Name,
		fieldText:   all,
		fieldTextFR: append([]string{s.Description}, labels...),
		fieldWords:  all,
	}
}
