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
}

func (d documenter) document(s *directory.Supplier) map[string]interface{} {
	// recognitionTypes are the recognitions' types as their registers name them.
	var placeNames, recognitionTypes []string
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
	// The names of the tasks offered and of what the supplier is (its kind,
	// and the kinds it is recognised as) are matched at query time against
	// the catalogue (labels.go). A recognition's type as its register names
	// it stays a word of the text.
	for _, r := range s.Recognitions {
		addUnique(&recognitionTypes, r.Type)
	}
	all := append([]string{s.Name, s.Description}, recognitionTypes...)
	all = append(all, placeNames...)
	return map[string]interface{}{
		fieldName:   s.Name,
		fieldText:   all,
		fieldTextFR: append([]string{s.Description}, recognitionTypes...),
		fieldWords:  all,
	}
}
