package catalogue

import (
	"time"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/search"
)

// Matches returns every supplier that matches q with its matching offers:
// what the market check and the segments overview work from.
func (x *Index) Matches(q search.Query) ([]search.Match, error) {
	x.rw.RLock()
	defer x.rw.RUnlock()
	p, matches, _, _, err := x.run(q, false, 0)
	if err != nil {
		return nil, err
	}
	defer x.reuseMatches(matches)
	active := p.active()
	groups := x.facts.tasks.Groups()
	municipalities := x.facts.places.Municipalities()
	out := make([]search.Match, len(matches))
	for i, m := range matches {
		e := m.e
		r := search.Match{Hit: m.hit(x.facts), Social: e.social, Eligible: e.reservedOn(p.today),
			TurnoverEUR: e.turnover, TurnoverYear: e.turnoverYear, Cooperation: cooperationOf(e)}
		for j := range e.offers {
			o := &e.offers[j]
			if p.offerFails(o, active) != 0 {
				continue
			}
			// Free by then, and its lead time counted from the day.
			earliest := max(o.availableFrom, p.today+o.leadWeeks*7)
			r.Offers = append(r.Offers, search.MatchOffer{Task: e.tasks[j], Group: groups[o.group].ID, FreeFTE: o.freeFTE,
				EarliestStart: time.Unix(int64(earliest)*86400, 0).UTC()})
		}
		for _, s := range e.sites {
			mu := municipalities[s.municipality]
			ms := search.MatchSite{MunicipalityNIS: mu.NIS, Arrondissement: mu.Arrondissement, Province: mu.Province}
			if x.facts.transit != nil {
				ms.TransitClass = classOrDash(s.class)
			}
			r.Sites = append(r.Sites, ms)
		}
		out[i] = r
	}
	return out, nil
}

// cooperationOf names the ways a supplier cooperates.
func cooperationOf(e *entry) []string {
	var out []string
	for i, c := range directory.CooperationModes {
		if e.cooperation&(1<<i) != 0 {
			out = append(out, c)
		}
	}
	return out
}
