package ui

import (
	"html/template"
	"net/url"
	"slices"
	"time"

	"github.com/verken/verken/directory"
)

// funcs are the template helpers; each takes the language first where the
// output depends on it.
func (s *server) funcs() template.FuncMap {
	return template.FuncMap{
		"t": func(lang, key string, args ...any) string { return s.catalog.T(lang, key, args...) },
		"kind": func(lang string, k any) string {
			return s.catalog.T(lang, "kind."+toString(k))
		},
		"task": func(lang, id string) string {
			if t, ok := s.Tasks.Task(id); ok {
				return t.Name.In(lang)
			}
			return id
		},
		"municipality": func(lang, nis string) string {
			if m, ok := s.Places.Municipality(nis); ok {
				return m.Name.In(lang)
			}
			return nis
		},
		"arrondissement": func(lang, code string) string {
			if a, ok := s.Places.Arrondissement(code); ok {
				return a.Name.In(lang)
			}
			return code
		},
		"province": func(lang, code string) string {
			if p, ok := s.Places.Province(code); ok {
				return p.Name.In(lang)
			}
			return code
		},
		"num":  formatNumber,
		"euro": formatEuro,
		"date": func(lang string, v any) string {
			switch d := v.(type) {
			case time.Time:
				return formatDate(lang, d)
			case directory.Date:
				return formatDate(lang, d.Time())
			}
			return ""
		},
		"kbo":      directory.FormatEnterpriseNumber,
		"selected": func(raw url.Values, name, value string) bool { return slices.Contains(raw[name], value) },
		"first": func(raw url.Values, name string) string {
			return raw.Get(name)
		},
		"langURL": func(path, lang string) string {
			u, err := url.Parse(path)
			if err != nil {
				return "/?lang=" + lang
			}
			q := u.Query()
			q.Set("lang", lang)
			u.RawQuery = q.Encode()
			return u.RequestURI()
		},
		"languages": func() []string { return Languages },
		"langName":  func(lang string) string { return s.catalog.T(lang, "lang.name") },
		"plusOne":   func(i int) int { return i + 1 },
	}
}

func toString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case directory.Kind:
		return string(x)
	}
	return ""
}
