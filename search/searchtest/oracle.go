package searchtest

import (
	"bytes"
	"cmp"
	"math"
	"slices"
	"strconv"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/verken/verken/data"
	"github.com/verken/verken/directory"
	"github.com/verken/verken/search"
)

// oracle answers queries by brute force over the suppliers in the store,
// written as plainly as the rules read, without any of an engine's sets,
// slots, grids or caches: what an engine answers is checked against it.
type oracle struct {
	sups   []directory.Supplier
	places *data.Gazetteer
	tasks  *data.Taxonomy
	today  directory.Date
	// Per supplier, in the order of sups: the words of its searchable
	// text, and its name's collation key (the name order).
	words   []supplierWords
	nameKey [][]byte
	byID    map[string]int
	// Memos of what the brute force asks again and again: the brute force
	// of every facet value of every query must stay within seconds.
	munis  map[string]*data.Municipality
	points map[string][2]float64
	cpv    map[string][]string
}

// Transit gives made-up public-transport classes (0 none, 1 = A … 6 = F)
// that vary from place to place, so that the transit filter and facet have
// work to do. The suite hands it to the engine with SetTransit.
func Transit(lat, lon float64) uint8 { return uint8(int(math.Abs(lat*9973+lon*9967)) % 7) }

func newOracle(g *data.Gazetteer, tx *data.Taxonomy, today directory.Date, store *directory.Store) (*oracle, error) {
	o := &oracle{places: g, tasks: tx, today: today, byID: map[string]int{},
		munis: map[string]*data.Municipality{}, points: map[string][2]float64{}, cpv: map[string][]string{}}
	// The name order an engine promises: the Dutch collation, case and
	// accents ignored, then the id.
	coll := collate.New(language.Dutch, collate.IgnoreCase, collate.Loose)
	var buf collate.Buffer
	err := store.List(func(s directory.Supplier) error {
		if s.Delisted != nil {
			return nil
		}
		o.byID[s.ID] = len(o.sups)
		o.sups = append(o.sups, s)
		o.words = append(o.words, wordsOf(searchableText(&s, g, tx)))
		o.nameKey = append(o.nameKey, slices.Clone(coll.KeyFromString(&buf, s.Name)))
		buf.Reset()
		return nil
	})
	return o, err
}

// offerClass is the best class where the offer's work starts: its own site
// (the first when it names none), every site when at the client's.
func offerClass(s *directory.Supplier, of directory.Offer) uint8 {
	best := uint8(0)
	take := func(st directory.Site) {
		if c := Transit(st.Lat, st.Lon); c != 0 && (best == 0 || c < best) {
			best = c
		}
	}
	if of.AtOwnSite {
		if st, ok := s.Site(of.SiteID); ok {
			take(st)
		} else {
			take(s.Sites[0])
		}
	}
	if of.AtClientSite {
		for _, st := range s.Sites {
			take(st)
		}
	}
	return best
}

func (o *oracle) municipality(nis string) *data.Municipality {
	m, ok := o.munis[nis]
	if !ok {
		mm, _ := o.places.Municipality(nis)
		m = &mm
		o.munis[nis] = m
	}
	return m
}

// point is where a place filter measures from.
func (o *oracle) point(text string) (lat, lon float64) {
	p, ok := o.points[text]
	if !ok {
		p[0], p[1], _ = o.places.ResolvePoint(text)
		o.points[text] = p
	}
	return p[0], p[1]
}

// cpvTasks are the tasks a CPV code finds: those with a code in its part
// of the tree.
func (o *oracle) cpvTasks(code string) []string {
	ids, ok := o.cpv[code]
	if !ok {
		ids, _ = o.tasks.TasksForCPV(code)
		o.cpv[code] = ids
	}
	return ids
}

// radius is the near filter's radius, the default when none is given.
func radius(q search.Query) float64 {
	if q.RadiusKm == 0 {
		return search.DefaultRadiusKm
	}
	return q.RadiusKm
}

// nearest is the distance from a point to the supplier's nearest site.
func nearest(s *directory.Supplier, lat, lon float64) float64 {
	best := math.Inf(1)
	for _, st := range s.Sites {
		best = min(best, data.DistanceKm(lat, lon, st.Lat, st.Lon))
	}
	return best
}

// stale: not confirmed for more than search.StaleAfterMonths.
func (o *oracle) stale(s *directory.Supplier) bool {
	return directory.DateOf(s.ConfirmedAt).Before(directory.DateOf(o.today.Time().AddDate(0, -search.StaleAfterMonths, 0)))
}

// reservedVerified: reserved on what Verken can vouch for, a
// recognition from an authority's register valid on the day and a
// target-group share of at least 30 % that an administrator verified.
func (o *oracle) reservedVerified(s *directory.Supplier) bool {
	if s.ShareVerified == nil || s.TargetGroupShare < 30 {
		return false
	}
	for _, r := range s.Recognitions {
		if r.Register != "" && r.ValidOn(o.today) {
			return true
		}
	}
	return false
}

// reserved: a recognition valid on the day and a target-group share of at
// least 30 %.
func (o *oracle) reserved(s *directory.Supplier) bool {
	for _, r := range s.Recognitions {
		if r.ValidOn(o.today) {
			return s.TargetGroupShare >= 30
		}
	}
	return false
}

// hasOfferFilters: the query narrows which offers count.
func hasOfferFilters(q search.Query) bool {
	return len(q.Tasks)+len(q.TaskGroups) > 0 || q.CPV != "" || q.Serves != "" || q.MinFTE > 0 || !q.AvailableBy.IsZero() ||
		q.MaxLeadWeeks != nil || q.MinContractEUR > 0 || q.AtClientSite || q.MinTransitClass != ""
}

// matches reports whether s answers q. text is the set of suppliers the
// free text matches (nil without text): the text is judged on its own, by
// checkText, and here only combined with the filters.
func (o *oracle) matches(s *directory.Supplier, q search.Query, text map[string]bool) bool {
	if text != nil && !text[s.ID] {
		return false
	}
	if s.Unclaimed && !q.Unclaimed {
		return false
	}
	if len(q.Kinds) > 0 && !slices.Contains(q.Kinds, string(s.Kind)) {
		return false
	}
	if q.Sector == "social" && !s.Kind.SocialEconomy() || q.Sector == "regular" && s.Kind.SocialEconomy() {
		return false
	}
	if q.ReservedVerified && !o.reservedVerified(s) {
		return false
	}
	if q.Reserved && !o.reserved(s) {
		return false
	}
	if len(q.TargetGroups) > 0 && !slices.ContainsFunc(s.TargetGroups, func(g string) bool { return slices.Contains(q.TargetGroups, g) }) {
		return false
	}
	if len(q.Cooperation) > 0 && !slices.ContainsFunc(s.Cooperation, func(c string) bool { return slices.Contains(q.Cooperation, c) }) {
		return false
	}
	located := func(codes []string, code func(m *data.Municipality) string) bool {
		if len(codes) == 0 {
			return true
		}
		for _, st := range s.Sites {
			if slices.Contains(codes, code(o.municipality(st.Municipality))) {
				return true
			}
		}
		return false
	}
	if !located(q.Municipalities, func(m *data.Municipality) string { return m.NIS }) ||
		!located(q.Arrondissements, func(m *data.Municipality) string { return m.Arrondissement }) ||
		!located(q.Provinces, func(m *data.Municipality) string { return m.Province }) ||
		!located(q.Regions, func(m *data.Municipality) string { return m.Region }) {
		return false
	}
	if q.Fresh && o.stale(s) {
		return false
	}
	if q.Near != "" {
		lat, lon := o.point(q.Near)
		if nearest(s, lat, lon) > radius(q) {
			return false
		}
	}
	if q.Reach != "" {
		if _, ok := o.travel(s, q); !ok {
			return false
		}
	}
	if !hasOfferFilters(q) {
		return true
	}
	return slices.ContainsFunc(s.Offers, func(of directory.Offer) bool { return o.offerMatches(s, of, q) })
}

// offerMatches: the offer filters hold for this one offer.
func (o *oracle) offerMatches(s *directory.Supplier, of directory.Offer, q search.Query) bool {
	task, _ := o.tasks.Task(of.Task)
	switch {
	case len(q.Tasks) > 0 && !slices.Contains(q.Tasks, of.Task),
		len(q.TaskGroups) > 0 && !slices.Contains(q.TaskGroups, task.Group),
		of.FreeFTE < q.MinFTE,
		!q.AvailableBy.IsZero() && q.AvailableBy.Before(of.AvailableFrom),
		q.MaxLeadWeeks != nil && of.LeadTimeWeeks > *q.MaxLeadWeeks,
		of.MaxContractEUR < q.MinContractEUR,
		q.AtClientSite && !of.AtClientSite:
		return false
	}
	if q.CPV != "" {
		if !slices.Contains(o.cpvTasks(q.CPV), of.Task) {
			return false
		}
	}
	if q.MinTransitClass != "" {
		if c := offerClass(s, of); c == 0 || c > q.MinTransitClass[0]-'A'+1 {
			return false
		}
	}
	if q.Serves == "" || of.ServiceArea.Empty() {
		return true
	}
	a := of.ServiceArea
	m := o.municipality(q.Serves)
	if slices.Contains(a.Municipalities, m.NIS) || slices.Contains(a.Arrondissements, m.Arrondissement) ||
		slices.Contains(a.Provinces, m.Province) || slices.Contains(a.Regions, m.Region) {
		return true
	}
	centres := s.Sites
	if st, ok := s.Site(of.SiteID); ok {
		centres = []directory.Site{st}
	}
	for _, c := range centres {
		if a.RadiusKm > 0 && data.DistanceKm(c.Lat, c.Lon, m.Lat, m.Lon) <= a.RadiusKm {
			return true
		}
	}
	return false
}

// matchingOffers are the offers of s that match q: every offer without
// offer filters.
func (o *oracle) matchingOffers(s *directory.Supplier, q search.Query) []directory.Offer {
	if !hasOfferFilters(q) {
		return s.Offers
	}
	var out []directory.Offer
	for _, of := range s.Offers {
		if o.offerMatches(s, of, q) {
			out = append(out, of)
		}
	}
	return out
}

// matchingFTE is the free capacity of the matching offers.
func (o *oracle) matchingFTE(s *directory.Supplier, q search.Query) float64 {
	fte := 0.0
	for _, of := range o.matchingOffers(s, q) {
		fte += of.FreeFTE
	}
	return fte
}

// count returns the ids of the suppliers that match q, sorted.
func (o *oracle) count(q search.Query, text map[string]bool) []string {
	var ids []string
	for i := range o.sups {
		if o.matches(&o.sups[i], q, text) {
			ids = append(ids, o.sups[i].ID)
		}
	}
	slices.Sort(ids)
	return ids
}

// from is where distances are measured: near's place, else serves'.
func (o *oracle) from(q search.Query) (lat, lon float64, ok bool) {
	switch {
	case q.Near != "":
		lat, lon = o.point(q.Near)
	case q.Serves != "":
		lat, lon = o.point(q.Serves)
	default:
		return 0, 0, false
	}
	return lat, lon, true
}

// ordered sorts ids as q.Sort asks, independently of any engine: stale
// profiles after fresh ones for relevance, then the score (which only the
// engine knows: scores maps an id to the one it reported), the distance to
// the nearest site, the matching capacity or the last update, and always
// the name order and the id last.
func (o *oracle) ordered(q search.Query, ids []string, scores map[string]float64) []string {
	out := slices.Clone(ids)
	lat, lon, _ := o.from(q)
	type key struct {
		stale    bool
		score    float64
		distance float64
		fte      float64
		updated  int64
		travel   int32
	}
	keys := map[string]key{}
	for _, id := range out {
		s := &o.sups[o.byID[id]]
		k := key{o.stale(s), scores[id], nearest(s, lat, lon), o.matchingFTE(s, q), s.UpdatedAt.UnixNano(), 0}
		if q.Reach != "" {
			k.travel, _ = o.travel(s, q)
		}
		keys[id] = k
	}
	slices.SortFunc(out, func(a, b string) int {
		ka, kb := keys[a], keys[b]
		var c int
		switch q.Sort {
		case search.SortDistance:
			c = cmp.Compare(ka.distance, kb.distance)
		case search.SortTravelTime:
			c = cmp.Compare(ka.travel, kb.travel)
		case search.SortCapacity:
			c = cmp.Compare(kb.fte, ka.fte)
		case search.SortUpdated:
			c = cmp.Compare(kb.updated, ka.updated)
		case search.SortName:
		default:
			c = cmp.Or(compareBool(ka.stale, kb.stale), cmp.Compare(kb.score, ka.score))
			// Without words, a place puts the nearest first (with reach,
			// the quickest to get there).
			switch {
			case c != 0 || q.Text != "":
			case q.Reach != "":
				c = cmp.Compare(ka.travel, kb.travel)
			case q.Near != "" || q.Serves != "":
				c = cmp.Compare(ka.distance, kb.distance)
			}
		}
		return cmp.Or(c, bytes.Compare(o.nameKey[o.byID[a]], o.nameKey[o.byID[b]]), cmp.Compare(a, b))
	})
	return out
}

func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

// facetNames are the facets every answer carries: one per filter a buyer
// narrows by clicking a value.
var facetNames = []string{"kind", "sector", "reserved", "target_group", "cooperation", "municipality", "arrondissement",
	"province", "region", "fresh", "task", "task_group", "min_fte", "available_by", "max_lead_weeks", "min_contract_eur",
	"at_client_site", "min_transit_class"}

// withFacet returns q with the facet's filter set to the one value: what
// a disjunctive facet count means. ok is false for a facet it does not
// know.
func withFacet(q search.Query, facet, value string) (_ search.Query, ok bool) {
	switch facet {
	case "kind":
		q.Kinds = []string{value}
	case "sector":
		q.Sector = value
	case "reserved":
		q.Reserved, q.ReservedVerified = value == "true", value == "verified"
	case "target_group":
		q.TargetGroups = []string{value}
	case "cooperation":
		q.Cooperation = []string{value}
	case "municipality":
		q.Municipalities = []string{value}
	case "arrondissement":
		q.Arrondissements = []string{value}
	case "province":
		q.Provinces = []string{value}
	case "region":
		q.Regions = []string{value}
	case "fresh":
		q.Fresh = true
	case "task":
		q.Tasks = []string{value}
	case "task_group":
		q.TaskGroups = []string{value}
	case "min_fte":
		q.MinFTE, _ = strconv.ParseFloat(value, 64)
	case "available_by":
		q.AvailableBy, _ = directory.ParseDate(value)
	case "max_lead_weeks":
		n, _ := strconv.Atoi(value)
		q.MaxLeadWeeks = &n
	case "min_contract_eur":
		q.MinContractEUR, _ = strconv.ParseFloat(value, 64)
	case "at_client_site":
		q.AtClientSite = true
	case "min_transit_class":
		q.MinTransitClass = value
	default:
		return q, false
	}
	return q, true
}
