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
	// One backing array each for every match's offers and sites: a broad
	// query matches tens of thousands of suppliers.
	nOffers, nSites := 0, 0
	for _, m := range matches {
		nOffers += len(m.e.offers)
		nSites += len(m.e.sites)
	}
	offers := make([]search.MatchOffer, 0, nOffers)
	sites := make([]search.MatchSite, 0, nSites)
	out := make([]search.Match, len(matches))
	for i, m := range matches {
		e := m.e
		r := &out[i]
		r.Hit = m.hit(x.facts)
		r.Social, r.Eligible = e.social, e.reservedOn(p.today)
		r.TurnoverEUR, r.TurnoverYear, r.Cooperation = e.turnover, e.turnoverYear, cooperationOf(e)
		first := len(offers)
		for j := range e.offers {
			o := &e.offers[j]
			if p.offerFails(o, active) != 0 {
				continue
			}
			// Free by then, and its lead time counted from the day.
			earliest := max(o.availableFrom, p.today+o.leadWeeks*7)
			offers = append(offers, search.MatchOffer{Task: e.tasks[j], Group: groups[o.group].ID, FreeFTE: o.freeFTE,
				EarliestStart: time.Unix(int64(earliest)*86400, 0).UTC()})
		}
		r.Offers = offers[first:len(offers):len(offers)]
		first = len(sites)
		for _, s := range e.sites {
			mu := &municipalities[s.municipality]
			ms := search.MatchSite{Lat: s.lat, Lon: s.lon, MunicipalityNIS: mu.NIS, Arrondissement: mu.Arrondissement, Province: mu.Province}
			if x.facts.transit != nil {
				ms.TransitClass = classOrDash(s.class)
			}
			sites = append(sites, ms)
		}
		r.Sites = sites[first:len(sites):len(sites)]
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
