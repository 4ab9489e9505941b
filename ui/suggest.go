package ui

import (
	"net/url"
	"slices"
)

// zeroHelp is what a search that found nothing offers instead: the task
// types its words may have meant, and the filters whose dropping finds
// suppliers, each with how many.
type zeroHelp struct {
	Tasks []helpLink
	Drop  []helpLink
}

type helpLink struct {
	Label string
	URL   string
	Count int
}

// maxTaskHints and maxDropHints bound the help: a page of advice, and at
// most one extra search per filter set.
const (
	maxTaskHints = 3
	maxDropHints = 8
)

// dependentParams go with another parameter: dropping it drops them too.
var dependentParams = map[string][]string{
	"near":  {"radius_km"},
	"reach": {"arrive_by", "max_minutes"},
}

// zeroResultHelp works out the help for the search raw, which found nothing.
func (s *server) zeroResultHelp(lang string, raw url.Values) zeroHelp {
	var h zeroHelp
	params := withoutUIParams(raw)
	if q := params.Get("q"); q != "" {
		// The words as a task: the purchasing plan's matcher reads them.
		for _, m := range s.matcher().Match(q, maxTaskHints) {
			t, _ := s.Tasks.Task(m.Task)
			link := withParams(params, map[string]string{"q": "", "task": m.Task, "page": ""})
			h.Tasks = append(h.Tasks, helpLink{Label: t.Name.In(lang), URL: "/?" + link})
		}
	}
	var names []string
	for name := range params {
		switch name {
		case "sort", "page", "per_page", "radius_km", "arrive_by", "max_minutes":
		default:
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		if len(h.Drop) == maxDropHints {
			break
		}
		drop := map[string]string{name: "", "page": ""}
		for _, dep := range dependentParams[name] {
			drop[dep] = ""
		}
		without, _ := url.ParseQuery(withParams(params, drop))
		res, err := s.runSearch(without)
		if err != nil || res.Total == 0 {
			continue
		}
		label := name
		if key := "filter." + name; s.catalog.Has(key) {
			label = s.catalog.T(lang, key)
		}
		h.Drop = append(h.Drop, helpLink{Label: label, URL: "/?" + without.Encode(), Count: res.Total})
	}
	return h
}
