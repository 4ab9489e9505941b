package catalogue

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"hash"
	"hash/fnv"
	"math"
	"math/bits"
	"slices"
	"strconv"
	"sync"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/verken/verken/data"
	"github.com/verken/verken/directory"
	"github.com/verken/verken/search"
)

// The catalogue keeps, in memory, the facts of every supplier that the
// structured filters, the facets and the sorts need, in a compact form. Bleve
// answers free text; the catalogue answers everything else. This is what
// makes the correlation rule exact and cheap: an offer's task, capacity,
// lead time, availability and service area are tested together, per offer,
// which an inverted index of supplier documents cannot do. Like the index,
// it is rebuilt from the store and follows the store's change feed.

// maxMunicipalities bounds the gazetteer so that a set of municipalities is
// a fixed-size bit set (Flanders, Brussels and Wallonia together hold 581).
const maxMunicipalities = 640

// placeSet is a set of municipalities by ordinal in the gazetteer.
type placeSet [maxMunicipalities / 64]uint64

func (s *placeSet) add(i int)      { s[i/64] |= 1 << (i % 64) }
func (s *placeSet) has(i int) bool { return s[i/64]&(1<<(i%64)) != 0 }
func (s *placeSet) union(o *placeSet) {
	for i := range s {
		s[i] |= o[i]
	}
}

// site is where a supplier works, as the filters need it.
type site struct {
	municipality int // ordinal
	lat, lon     float64
	class        uint8 // public transport, 1 for A to 6 for F, 0 for none
}

// offerFacts are the facts of one offer.
type offerFacts struct {
	task          uint8 // ordinal in the taxonomy
	group         uint8
	atClientSite  bool
	anywhere      bool // no service area given: wherever the client is
	freeFTE       float64
	availableFrom int32 // days since the epoch; 0 when now
	leadWeeks     int32
	maxContract   float64 // 0 when not given
	// transit is the best public-transport class (1 = A … 6 = F, 0 none)
	// where the offer's work happens: its own site, or any site of the
	// supplier when the work is at the client's (the workers set out from
	// there).
	transit uint8
	// serves is the service area, shared between offers with the same one
	// (most name a province or an arrondissement); nil when anywhere.
	serves *placeSet
	// values are the offer's facet values, but for available_by, which
	// depends on the reference date.
	values offerMask
}

// daySpan is a period in days since the epoch; from 0: since ever, to 0:
// open-ended.
type daySpan struct{ from, to int32 }

// entry is one supplier in the catalogue. It is kept small, as there is
// one per supplier: the result row is put together from it (facts.hit).
type entry struct {
	id, name    string
	postcode    string   // of the main site
	tasks       []string // task ids, in the order of the offers
	description string
	freeFTE     float64 // of all offers
	kind        uint8   // ordinal in directory.Kinds
	// namedKinds are the kinds its free text answers to: its own and
	// those it holds a recognition as (bit per directory.Kinds).
	namedKinds   uint8
	social       bool
	main         int16 // the main site's municipality ordinal; -1 none
	mainClass    uint8 // public transport at the main site
	verified     uint8 // bits: shareVerified, recognitionVerified
	demo         bool
	unclaimed    bool // made from the authorities' data, not claimed
	sites        []site
	targets      uint32 // bit per directory.TargetGroups
	cooperation  uint32 // bit per directory.CooperationModes
	share        float64
	turnover     float64 // yearly, 0 when not given
	turnoverYear int
	reserved     []daySpan // when eligible for a reserved contract
	// reservedVerified: when eligible on a register's recognition and a
	// verified share (directory.EligibilityBasis.Verified).
	reservedVerified []daySpan
	confirmed        int32 // day
	confirmedAt      int64 // unix nanoseconds
	updated          int64 // unix nanoseconds
	nameKey          []byte
	namePrefix       uint64 // the first eight bytes of nameKey, to compare fast
	offers           []offerFacts
	// values are the ids (see facts.facetBase) of the facet values this
	// supplier counts for when all its offers qualify, except those that
	// depend on the reference date; minFrom is the earliest availability.
	values  []uint16
	minFrom int32
	// textKey and siteKey change when what the free text searches, or
	// where the sites are, changes: a new capacity leaves both alone, and
	// so what texts and places matched stays valid (see catalogue).
	textKey, siteKey uint64
}

const (
	shareVerified uint8 = 1 << iota
	recognitionVerified
)

// reservedOn reports whether the supplier is eligible for a reserved
// contract on day d: the directory's rule (directory.EligibleForReserved),
// kept as the periods it holds.
func (e *entry) reservedOn(d int32) bool { return inSpans(e.reserved, d) }

// reservedVerifiedOn is reservedOn on what Verken can vouch for.
func (e *entry) reservedVerifiedOn(d int32) bool { return inSpans(e.reservedVerified, d) }

func inSpans(spans []daySpan, d int32) bool {
	for _, r := range spans {
		if r.from <= d && (r.to == 0 || d <= r.to) {
			return true
		}
	}
	return false
}

// dayOf counts days since the Unix epoch.
func dayOf(t time.Time) int32 {
	if t.IsZero() {
		return 0
	}
	y, m, d := t.Date()
	return int32(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

func dateDay(d directory.Date) int32 { return dayOf(d.Time()) }

// facts turns suppliers into catalogue entries. Its tables are built once:
// the municipalities of every arrondissement, province and region.
type facts struct {
	places   *data.Gazetteer
	tasks    *data.Taxonomy
	taskOrd  map[string]int
	groupOrd map[string]int
	areas    map[string]*placeSet // "arr:11", "prov:ANT", "reg:VLG"
	// placeOrd maps a municipality ordinal to the ordinal of its
	// arrondissement, province and region in the gazetteer's lists.
	placeOrd   [3][]int
	collator   *collate.Collator
	areaSets   *areaSets
	transit    search.TransitClass // nil: no network, every class 0
	reach      search.ReachFinder  // nil: journeys cannot be planned
	offerSlots int                 // see valueSets.slots
	facetLists [filterCount][]string
	// facetBase[f] is where facet f's values start in the one list of all
	// facet values; facetBase[filterCount] is the length of that list.
	facetBase [filterCount + 1]int
}

func newFacts(places *data.Gazetteer, tasks *data.Taxonomy) (*facts, error) {
	if len(places.Municipalities()) > maxMunicipalities {
		return nil, fmt.Errorf("gazetteer holds %d municipalities, the catalogue at most %d", len(places.Municipalities()), maxMunicipalities)
	}
	if len(tasks.Tasks()) > 64 || len(tasks.Groups()) > 32 || len(directory.TargetGroups) > 32 || len(directory.CooperationModes) > 32 {
		return nil, fmt.Errorf("taxonomy or code lists too long for the catalogue")
	}
	f := &facts{places: places, tasks: tasks, taskOrd: map[string]int{}, groupOrd: map[string]int{},
		areas: map[string]*placeSet{}, collator: collate.New(language.Dutch, collate.IgnoreCase, collate.Loose),
		offerSlots: DefaultOfferSlots, areaSets: &areaSets{}}
	for i, t := range tasks.Tasks() {
		f.taskOrd[t.ID] = i
	}
	f.facetLists = facetLists(places, tasks)
	for i, values := range f.facetLists {
		f.facetBase[i+1] = f.facetBase[i] + len(values)
	}
	if f.facetBase[filterCount] > 1<<16 {
		return nil, fmt.Errorf("too many facet values for 16-bit ids")
	}
	if f.facetBase[filterCount]-f.facetBase[firstOfferFilter] > maxOfferValues {
		return nil, fmt.Errorf("too many offer facet values for the offer masks")
	}
	for i, g := range tasks.Groups() {
		f.groupOrd[g.ID] = i
	}
	for i, m := range places.Municipalities() {
		for level, ord := range []int{
			slices.IndexFunc(places.Arrondissements(), func(a data.Arrondissement) bool { return a.Code == m.Arrondissement }),
			slices.IndexFunc(places.Provinces(), func(p data.Province) bool { return p.Code == m.Province }),
			slices.IndexFunc(places.Regions(), func(r data.Region) bool { return r.Code == m.Region }),
		} {
			f.placeOrd[level] = append(f.placeOrd[level], ord)
		}
		for _, k := range []string{"arr:" + m.Arrondissement, "prov:" + m.Province, "reg:" + m.Region} {
			s := f.areas[k]
			if s == nil {
				s = new(placeSet)
				f.areas[k] = s
			}
			s.add(i)
		}
	}
	return f, nil
}

// area returns the municipalities of an arrondissement, province or region.
func (f *facts) area(level, code string) *placeSet {
	if s := f.areas[level+":"+code]; s != nil {
		return s
	}
	return new(placeSet)
}

func (f *facts) entry(s *directory.Supplier) *entry {
	e := &entry{
		id: s.ID, name: s.Name, description: s.Description, freeFTE: s.FreeFTE(), demo: s.Demo, main: -1,
		kind:         uint8(max(0, slices.Index(directory.Kinds, s.Kind))),
		social:       s.Kind.SocialEconomy(),
		share:        s.TargetGroupShare,
		turnover:     s.TurnoverEUR,
		turnoverYear: s.TurnoverYear,
		unclaimed:    s.Unclaimed,
		confirmed:    dayOf(s.ConfirmedAt),
		confirmedAt:  s.ConfirmedAt.UnixNano(),
		updated:      s.UpdatedAt.UnixNano(),
		nameKey:      f.collator.KeyFromString(new(collate.Buffer), s.Name),
	}
	e.nameKey = slices.Clone(e.nameKey)
	var prefix [8]byte
	copy(prefix[:], e.nameKey)
	e.namePrefix = binary.BigEndian.Uint64(prefix[:])
	for _, tg := range s.TargetGroups {
		if i := slices.Index(directory.TargetGroups, tg); i >= 0 {
			e.targets |= 1 << i
		}
	}
	for _, c := range s.Cooperation {
		if i := slices.Index(directory.CooperationModes, c); i >= 0 {
			e.cooperation |= 1 << i
		}
	}
	if i := slices.Index(directory.Kinds, s.Kind); i >= 0 {
		e.namedKinds |= 1 << i
	}
	for _, r := range s.Recognitions {
		if r.Verified != nil {
			e.verified |= recognitionVerified
		}
		if i := slices.Index(directory.Kinds, directory.Kind(r.Type)); i >= 0 {
			e.namedKinds |= 1 << i
		}
	}
	for _, p := range s.ReservedPeriods() {
		e.reserved = append(e.reserved, daySpan{from: dateDay(p.From), to: dateDay(p.To)})
	}
	for _, p := range s.VerifiedReservedPeriods() {
		e.reservedVerified = append(e.reservedVerified, daySpan{from: dateDay(p.From), to: dateDay(p.To)})
	}
	if s.ShareVerified != nil {
		e.verified |= shareVerified
	}
	siteClass := map[string]uint8{}
	for _, st := range s.Sites {
		if f.transit != nil {
			siteClass[st.ID] = f.transit(st.Lat, st.Lon)
		}
	}
	if len(s.Sites) > 0 {
		e.mainClass = siteClass[s.Sites[0].ID]
	}
	e.sites = make([]site, 0, len(s.Sites))
	for i, st := range s.Sites {
		ord, ok := f.places.MunicipalityOrdinal(st.Municipality)
		if !ok {
			continue
		}
		e.sites = append(e.sites, site{municipality: ord, lat: st.Lat, lon: st.Lon, class: siteClass[st.ID]})
		if i == 0 {
			e.postcode, e.main = st.Postcode, int16(ord)
		}
	}
	e.offers = make([]offerFacts, 0, len(s.Offers))
	for _, o := range s.Offers {
		t, ok := f.tasks.Task(o.Task)
		if !ok {
			continue
		}
		of := offerFacts{
			task: uint8(f.taskOrd[t.ID]), group: uint8(f.groupOrd[t.Group]),
			atClientSite: o.AtClientSite, anywhere: o.ServiceArea.Empty(),
			freeFTE: o.FreeFTE, availableFrom: dateDay(o.AvailableFrom), leadWeeks: int32(o.LeadTimeWeeks),
			maxContract: o.MaxContractEUR,
		}
		if !of.anywhere {
			var area placeSet
			f.serviceArea(&area, s, o)
			of.serves = f.areaSets.intern(area)
		}
		of.transit = offerTransit(s, o, siteClass)
		of.values = f.offerValues(&of)
		e.offers = append(e.offers, of)
		if !slices.Contains(e.tasks, t.ID) {
			e.tasks = append(e.tasks, t.ID)
		}
	}
	f.facetValues(e)
	text, sites := fnv.New64a(), fnv.New64a()
	write := func(h hash.Hash64, parts ...string) {
		for _, p := range parts {
			h.Write([]byte(p))
			h.Write([]byte{0})
		}
	}
	write(text, s.Name, s.Description, string(s.Kind))
	for _, r := range s.Recognitions {
		write(text, r.Type)
	}
	for _, st := range s.Sites {
		write(text, st.Municipality, st.Postcode)
		write(sites, st.Municipality, strconv.FormatFloat(st.Lat, 'g', -1, 64), strconv.FormatFloat(st.Lon, 'g', -1, 64))
	}
	for _, o := range s.Offers {
		write(text, o.Task)
	}
	e.textKey, e.siteKey = text.Sum64(), sites.Sum64()
	return e
}

// hit puts together the result row of a supplier.
func (f *facts) hit(e *entry) search.Hit {
	h := search.Hit{ID: e.id, Name: e.name, Kind: string(directory.Kinds[e.kind]), Sector: "regular", Postcode: e.postcode,
		Tasks: slices.Clip(e.tasks), FreeFTE: e.freeFTE, TargetGroupShare: e.share,
		ShareVerified: e.verified&shareVerified != 0, RecognitionVerified: e.verified&recognitionVerified != 0,
		TransitClass: classLetter(e.mainClass), Demo: e.demo, Unclaimed: e.unclaimed,
		UpdatedAt: time.Unix(0, e.updated).UTC(), ConfirmedAt: time.Unix(0, e.confirmedAt).UTC()}
	if e.social {
		h.Sector = "social"
	}
	if e.main >= 0 {
		m := f.places.Municipalities()[e.main]
		h.Municipality, h.MunicipalityNIS, h.Province = m.Name.NL, m.NIS, m.Province
	}
	return h
}

// areaSets shares equal service areas between offers: a province's
// municipalities are one set for every offer that names the province.
type areaSets struct {
	mu  sync.Mutex
	set map[placeSet]*placeSet
}

func (a *areaSets) intern(s placeSet) *placeSet {
	a.mu.Lock()
	defer a.mu.Unlock()
	if p, ok := a.set[s]; ok {
		return p
	}
	if a.set == nil {
		a.set = map[placeSet]*placeSet{}
	}
	p := &s
	a.set[s] = p
	return p
}

// facetValues precomputes the entry's facet value ids.
func (f *facts) facetValues(e *entry) {
	add := func(fl filter, i int) {
		id := uint16(f.facetBase[fl] + i)
		if !slices.Contains(e.values, id) {
			e.values = append(e.values, id)
		}
	}
	add(filterKind, int(e.kind))
	if e.social {
		add(filterSector, 0)
	} else {
		add(filterSector, 1)
	}
	for i := range directory.TargetGroups {
		if e.targets&(1<<i) != 0 {
			add(filterTargetGroup, i)
		}
	}
	for i := range directory.CooperationModes {
		if e.cooperation&(1<<i) != 0 {
			add(filterCooperation, i)
		}
	}
	for _, s := range e.sites {
		for _, level := range []filter{filterMunicipality, filterArrondissement, filterProvince, filterRegion} {
			if v := f.placeValue(level, s.municipality); v >= 0 {
				add(level, v)
			}
		}
	}
	var all offerValues
	for i := range e.offers {
		all.add(&e.offers[i])
	}
	e.minFrom = all.minFrom
	first := f.facetBase[firstOfferFilter]
	for w, word := range all.values {
		for word != 0 {
			e.values = append(e.values, uint16(first+w*64+bits.TrailingZeros64(word)))
			word &= word - 1
		}
	}
}

// offerValues works out the ids of an offer's facet values, as bits from
// the first offer facet's first value: its task and group, the thresholds
// it reaches, at the client's site, and the transit classes it meets.
func (f *facts) offerValues(o *offerFacts) offerMask {
	var m offerMask
	first := f.facetBase[firstOfferFilter]
	add := func(fl filter, i int) { m.add(f.facetBase[fl] + i - first) }
	add(filterTask, int(o.task))
	add(filterTaskGroup, int(o.group))
	for i, s := range fteSteps {
		if o.freeFTE >= s {
			add(filterMinFTE, i)
		}
	}
	for i, w := range leadSteps {
		if o.leadWeeks <= w {
			add(filterMaxLead, i)
		}
	}
	for i, s := range contractSteps {
		if o.maxContract >= s {
			add(filterMinContract, i)
		}
	}
	if o.atClientSite {
		add(filterAtClientSite, 0)
	}
	if o.transit != 0 {
		for i := int(o.transit) - 1; i < len(transitClasses); i++ {
			add(filterTransit, i)
		}
	}
	return m
}

// serviceArea collects the municipalities an offer serves: those named, those
// of its arrondissements, provinces and regions, and those whose centre lies
// within its radius of the offer's site (or of every site when it names none).
func (f *facts) serviceArea(dst *placeSet, s *directory.Supplier, o directory.Offer) {
	a := o.ServiceArea
	for _, nis := range a.Municipalities {
		if i, ok := f.places.MunicipalityOrdinal(nis); ok {
			dst.add(i)
		}
	}
	for _, c := range a.Arrondissements {
		dst.union(f.area("arr", c))
	}
	for _, c := range a.Provinces {
		dst.union(f.area("prov", c))
	}
	for _, c := range a.Regions {
		dst.union(f.area("reg", c))
	}
	if a.RadiusKm <= 0 {
		return
	}
	centres := s.Sites
	if st, ok := s.Site(o.SiteID); ok {
		centres = []directory.Site{st}
	}
	for i, m := range f.places.Municipalities() {
		for _, c := range centres {
			if data.DistanceKm(c.Lat, c.Lon, m.Lat, m.Lon) <= a.RadiusKm {
				dst.add(i)
				break
			}
		}
	}
}

// catalogue holds the entries by ordinal; deleted ordinals are reused. A
// grid of the sites makes "near" visit only the suppliers close by.
type catalogue struct {
	entries []*entry
	byID    map[string]int32
	free    []int32
	grid    map[cell][]gridSite
	names   nameOrder
	// textVersion and siteVersion count the changes to what the free text
	// searches and to where sites are: the caches of what texts and places
	// matched hold while they stay.
	textVersion, siteVersion uint64
	*valueSets
}

// cell is a square of the grid, cellDeg degrees a side (about 11 by 7 km in
// Flanders).
type cell struct{ lat, lon int16 }

const cellDeg = 0.1

func cellOf(lat, lon float64) cell {
	return cell{int16(math.Floor(lat / cellDeg)), int16(math.Floor(lon / cellDeg))}
}

func newCatalogue(f *facts) *catalogue {
	return &catalogue{byID: map[string]int32{}, grid: map[cell][]gridSite{}, valueSets: newValueSets(f)}
}

func (c *catalogue) put(e *entry) {
	if i, ok := c.byID[e.id]; ok {
		if old := c.entries[i]; old.textKey != e.textKey {
			c.textVersion++
		}
		// The grid holds each site's point: when none moved, it stays as
		// it is (taking a supplier out of a crowded cell reads the cell).
		moved := c.entries[i].siteKey != e.siteKey
		if moved {
			c.siteVersion++
			c.unplace(i)
		}
		c.set(i, c.entries[i], e)
		c.nameChanged(i, c.entries[i], e)
		c.entries[i] = e
		if moved {
			c.place(i)
		}
		return
	}
	c.textVersion++
	c.siteVersion++
	var i int32
	if n := len(c.free); n > 0 {
		i, c.free = c.free[n-1], c.free[:n-1]
		c.nameChanged(i, nil, e)
		c.entries[i] = e
	} else {
		i = int32(len(c.entries))
		c.entries = append(c.entries, nil)
		c.nameChanged(i, nil, e)
		c.entries[i] = e
	}
	c.byID[e.id] = i
	c.set(i, nil, e)
	c.place(i)
}

func (c *catalogue) remove(id string) {
	i, ok := c.byID[id]
	if !ok {
		return
	}
	c.textVersion++
	c.siteVersion++
	c.unplace(i)
	c.set(i, c.entries[i], nil)
	c.nameChanged(i, c.entries[i], nil)
	c.entries[i] = nil
	delete(c.byID, id)
	c.free = append(c.free, i)
}

// gridSite is a site in the grid: its supplier's ordinal and where it is,
// so that "near" reads the cells and touches no entry.
type gridSite struct {
	ord      int32
	lat, lon float64
	cosLat   float64 // data.CosLat(lat), for the distance
}

// place puts entry i's sites in their cells.
func (c *catalogue) place(i int32) {
	for _, s := range c.entries[i].sites {
		k := cellOf(s.lat, s.lon)
		c.grid[k] = append(c.grid[k], gridSite{i, s.lat, s.lon, data.CosLat(s.lat)})
	}
}

func (c *catalogue) unplace(i int32) {
	for _, s := range c.entries[i].sites {
		k := cellOf(s.lat, s.lon)
		c.grid[k] = slices.DeleteFunc(c.grid[k], func(g gridSite) bool { return g.ord == i })
	}
}

// nearHit is a supplier with a site near a place, and how near.
type nearHit struct {
	ord      int32
	distance float64
}

// nearby returns the suppliers with a site within radiusKm of pt, in
// ordinal order, each with its nearest site's distance. Only the cells the
// circle touches are read, and a flat-earth bound spares the great-circle
// formula for the sites in their corners.
func (c *catalogue) nearby(pt point, radiusKm, kmPerLon float64) []nearHit {
	lo, hi := cellRange(pt, radiusKm)
	bound := (radiusKm*1.05 + 1) * (radiusKm*1.05 + 1)
	from := data.DistancesFrom(pt.lat, pt.lon)
	var out []nearHit
	for la := lo.lat; la <= hi.lat; la++ {
		for lo := lo.lon; lo <= hi.lon; lo++ {
			for _, s := range c.grid[cell{la, lo}] {
				if flatKm2(pt, s.lat, s.lon, kmPerLon) > bound {
					continue
				}
				if d := from.Km(s.lat, s.lon, s.cosLat); d <= radiusKm {
					out = append(out, nearHit{s.ord, d})
				}
			}
		}
	}
	// A supplier with several sites nearby keeps the nearest.
	hits := inOrdinalOrder(out, func(h *nearHit) int32 { return h.ord }, func(kept, repeat *nearHit) {
		kept.distance = min(kept.distance, repeat.distance)
	}, nil, nil)
	return hits
}

// reachHit is a supplier whose crew reaches a place in time, with the
// seconds door to door from its best site.
type reachHit struct {
	ord     int32
	seconds int32
}

// reachable returns the suppliers with a site within walking distance of
// an origin that gets its crew to the place within the given seconds, in
// ordinal order, each with its best journey: the origin's time plus the
// walk, rounded as the journey planner rounds it, so that a hit says what
// the market check and the journeys API say.
//
// An hour's journeys reach thousands of stops, and the catalogue's cells
// (11 by 7 km) are far larger than a walk: the origins go into a grid of
// their own, of reachCellDeg, and each site in a cell that some origin's
// walk touches is visited once, with the origins of the cells around it.
func (c *catalogue) reachable(r search.Reachable, within int32) []reachHit {
	type fine struct{ lat, lon int32 }
	fineOf := func(lat, lon float64) fine {
		return fine{int32(math.Floor(lat / reachCellDeg)), int32(math.Floor(lon / reachCellDeg))}
	}
	byCell := map[fine][]int32{}
	touched := map[cell]bool{}
	maxWalkKm := 0.0
	for i, o := range r.Origins {
		if o.Seconds > within {
			continue
		}
		k := fineOf(o.Lat, o.Lon)
		byCell[k] = append(byCell[k], int32(i))
		maxWalkKm = max(maxWalkKm, o.MaxWalkM/1000)
		lo, hi := cellRange(point{o.Lat, o.Lon, true}, o.MaxWalkM/1000)
		for la := lo.lat; la <= hi.lat; la++ {
			for ln := lo.lon; ln <= hi.lon; ln++ {
				touched[cell{la, ln}] = true
			}
		}
	}
	best := map[int32]int32{}
	for cl := range touched {
		for _, s := range c.grid[cl] {
			perLon := kmPerLon(s.lat)
			// The fine cells within the longest walk of the site.
			dy := int32(math.Ceil(maxWalkKm / (reachCellDeg * 110.57)))
			dx := int32(math.Ceil(maxWalkKm / (reachCellDeg * perLon)))
			home := fineOf(s.lat, s.lon)
			at := point{s.lat, s.lon, true}
			for y := home.lat - dy; y <= home.lat+dy; y++ {
				for x := home.lon - dx; x <= home.lon+dx; x++ {
					for _, i := range byCell[fine{y, x}] {
						o := &r.Origins[i]
						// A cheap bound first: over a walk the flat
						// distance is within a fraction of a percent.
						if b := o.MaxWalkM/1000*1.01 + 0.001; flatKm2(at, o.Lat, o.Lon, perLon) > b*b {
							continue
						}
						d := data.DistanceKm(o.Lat, o.Lon, s.lat, s.lon) * 1000
						if d > o.MaxWalkM {
							continue
						}
						t := o.Seconds + int32(math.Ceil(d*r.WalkSecondsPerMetre-1e-6))
						if old, ok := best[s.ord]; t <= within && (!ok || t < old) {
							best[s.ord] = t
						}
					}
				}
			}
		}
	}
	out := make([]reachHit, 0, len(best))
	for ord, t := range best {
		out = append(out, reachHit{ord, t})
	}
	slices.SortFunc(out, func(a, b reachHit) int { return cmp.Compare(a.ord, b.ord) })
	return out
}

// reachCellDeg is the side of reachable's cells of origins, in degrees:
// about 1.1 by 0.7 km in Flanders.
const reachCellDeg = 0.01

// earthKm is the mean radius of the earth, the sphere data.DistanceKm
// measures on.
const earthKm = 6371.0088

// cellRange returns the corners of the cells that hold every point within
// radiusKm of pt by data.DistanceKm. They are bounded on that same sphere,
// not with a flat degree: the circle reaches δ = radiusKm/earthKm radians
// north and south, and asin(sin δ / cos φ) east and west, a little more
// than radiusKm over the length of a degree of longitude at pt (which, at
// 111.32 km a degree where the sphere has 111.195, fell 20 m short at
// 18 km and missed the suppliers at the circle's east and west edge). A
// millionth of a degree more absorbs the rounding of the formulas.
func cellRange(pt point, radiusKm float64) (lo, hi cell) {
	const slack = 1e-6
	delta := radiusKm / earthKm
	dLat := delta*180/math.Pi + slack
	dLon := 180.0
	if s := math.Sin(delta) / math.Cos(pt.lat*math.Pi/180); delta < math.Pi/2 && s < 1 {
		dLon = math.Asin(s)*180/math.Pi + slack
	}
	return cellOf(pt.lat-dLat, pt.lon-dLon), cellOf(pt.lat+dLat, pt.lon+dLon)
}

// flatKm2 is the square of a flat-earth distance from pt, at kmPerLon km
// a degree of longitude: within 5 % and a kilometre of the great-circle
// distance in Belgium up to search.MaxRadiusKm, so a cheap bound first.
func flatKm2(pt point, lat, lon, kmPerLon float64) float64 {
	dy, dx := (lat-pt.lat)*110.57, (lon-pt.lon)*kmPerLon
	return dx*dx + dy*dy
}

// offerTransit is the best class among the sites where an offer's work
// can start: its own site (the first when it names none), and every site
// when it works at the client's.
func offerTransit(s *directory.Supplier, o directory.Offer, class map[string]uint8) uint8 {
	best := uint8(0)
	take := func(c uint8) {
		if c != 0 && (best == 0 || c < best) {
			best = c
		}
	}
	if o.AtOwnSite {
		if st, ok := s.Site(o.SiteID); ok {
			take(class[st.ID])
		} else if len(s.Sites) > 0 {
			take(class[s.Sites[0].ID])
		}
	}
	if o.AtClientSite {
		for _, st := range s.Sites {
			take(class[st.ID])
		}
	}
	return best
}

// classOrDash writes a class as A–F, "-" for none: a report's cell.
func classOrDash(c uint8) string { return cmp.Or(classLetter(c), "-") }

// classLetter writes a class as A–F, "" for none.
func classLetter(c uint8) string {
	if c == 0 || c > 6 {
		return ""
	}
	return string(rune('A' + c - 1))
}
