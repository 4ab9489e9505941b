package ui

import (
	"html/template"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/verken/verken/data"
	"github.com/verken/verken/directory"
)

// funcs are the template helpers; each takes the language first where the
// output depends on it.
func (s *server) funcs() template.FuncMap {
	return template.FuncMap{
		"t":     func(lang, key string, args ...any) string { return s.catalog.T(lang, key, args...) },
		"inc":   func(i int) int { return i + 1 },
		"deref": func(p *int) int { return *p },
		// tn picks the singular of a message (its key with ".one") for a
		// count of one.
		"tn": func(lang, key string, n int, args ...any) string {
			if n == 1 && s.catalog.Has(key+".one") {
				key += ".one"
			}
			return s.catalog.T(lang, key, args...)
		},
		"kind": func(lang string, k any) string {
			return s.catalog.T(lang, "kind."+toString(k))
		},
		"task": labelOf(func(id string) (data.Labels, bool) { t, ok := s.Tasks.Task(id); return t.Name, ok }),
		"municipality": labelOf(func(nis string) (data.Labels, bool) {
			m, ok := s.Places.Municipality(nis)
			return m.Name, ok
		}),
		"arrondissement": labelOf(func(code string) (data.Labels, bool) {
			a, ok := s.Places.Arrondissement(code)
			return a.Name, ok
		}),
		// area names a province or region given by code or name, as the
		// market check's "at the suppliers' sites in" takes it.
		"area":     s.areaName,
		"province": labelOf(func(code string) (data.Labels, bool) { p, ok := s.Places.Province(code); return p.Name, ok }),
		"num":      formatNumber,
		"euro":     formatEuro,
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
		"languages":        func() []string { return Languages },
		"langName":         func(lang string) string { return s.catalog.T(lang, "lang.name") },
		"plusOne":          func(i int) int { return i + 1 },
		"kinds":            func() []directory.Kind { return directory.Kinds },
		"targetGroups":     func() []string { return directory.TargetGroups },
		"cooperationModes": func() []string { return directory.CooperationModes },
		"tasks":            s.Tasks.Tasks,
		"provinces":        s.Places.Provinces,
		"regions":          s.Places.RegionsBeyondProvinces, // after the provinces: Brussels once
		"has":              func(list []string, v string) bool { return slices.Contains(list, v) },
		"join":             func(list []string) string { return strings.Join(list, ", ") },
		"plusBlank":        plusBlank,
		// hasRegister: some recognition comes from an authority's register.
		"hasRegister": func(rs []directory.Recognition) bool {
			return slices.ContainsFunc(rs, directory.Recognition.FromRegister)
		},
		// isoDate shows a YYYY-MM-DD text as a date in the page's language.
		"isoDate": func(lang, s string) string {
			if d, err := directory.ParseDate(s); err == nil {
				return formatDate(lang, d.Time())
			}
			return s
		},
		// blankZero shows a number in a form field, and an unset one as
		// an empty field rather than a 0 nobody typed.
		"blankZero": func(lang string, v float64) string {
			if v == 0 {
				return ""
			}
			return formatNumber(lang, v)
		},
		"minus": func(a, b int) int { return a - b },
		"mul":   func(a, b int) int { return a * b },
	}
}

// plusBlank returns a list with one empty element more: the row a form
// offers for adding one.
func plusBlank(list any) any {
	v := reflect.ValueOf(list)
	return reflect.Append(v, reflect.Zero(v.Type().Elem())).Interface()
}

// labelOf makes a template function that names a code in the page's
// language, or shows the code itself when it is unknown.
func labelOf(lookup func(code string) (data.Labels, bool)) func(lang, code string) string {
	return func(lang, code string) string {
		if l, ok := lookup(code); ok {
			return l.In(lang)
		}
		return code
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
