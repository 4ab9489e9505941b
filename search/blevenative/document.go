package blevenative

import (
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/verken/verken/data"
	"github.com/verken/verken/directory"
	"github.com/verken/verken/search"
)

// row is what a result row, the market check and the page's capacities
// need of a supplier, kept in memory beside the index.
type row struct {
	hit          search.Hit // without the per-query fields
	description  string
	nameKey      string // hex of the Dutch collation key
	social       bool
	confirmed    int32 // day
	reserved     []directory.Period
	turnover     float64
	turnoverYear int
	cooperation  []string
	sites        []site
	offers       []offer
}

type site struct {
	lat, lon        float64
	municipality    data.Municipality
	class           uint8
	hasMunicipality bool
}

// offer holds the facts of an offer that the offer filters test; the same
// facts are in its nested document.
type offer struct {
	task, group  string
	freeFTE      float64
	from         int32 // day; 0 when now
	lead         int32
	contract     float64
	atClientSite bool
	transit      uint8
	anywhere     bool
	serves       map[string]bool // NIS codes
}

// facts turns suppliers into documents and rows.
type facts struct {
	places   *data.Gazetteer
	tasks    *data.Taxonomy
	transit  search.TransitClass
	collator *collate.Collator
	// areas caches the municipalities of arrondissements, provinces and
	// regions.
	areas map[string][]string
}

func newFacts(places *data.Gazetteer, tasks *data.Taxonomy, transit search.TransitClass) *facts {
	f := &facts{places: places, tasks: tasks, transit: transit, collator: collate.New(language.Dutch, collate.IgnoreCase, collate.Loose), areas: map[string][]string{}}
	for _, m := range places.Municipalities() {
		for _, k := range []string{"arr:" + m.Arrondissement, "prov:" + m.Province, "reg:" + m.Region} {
			f.areas[k] = append(f.areas[k], m.NIS)
		}
	}
	return f
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

// openEnd stands for a period without an end.
const openEnd = 1 << 30

// row works out a supplier's row.
func (f *facts) row(s *directory.Supplier) *row {
	r := &row{description: s.Description, social: s.Kind.SocialEconomy(), confirmed: dayOf(s.ConfirmedAt),
		reserved: s.ReservedPeriods(), turnover: s.TurnoverEUR, turnoverYear: s.TurnoverYear}
	h := search.Hit{ID: s.ID, Name: s.Name, Kind: string(s.Kind), Sector: "regular", FreeFTE: s.FreeFTE(),
		TargetGroupShare: s.TargetGroupShare, ShareVerified: s.ShareVerified != nil, Demo: s.Demo,
		UpdatedAt: s.UpdatedAt.UTC(), ConfirmedAt: s.ConfirmedAt.UTC()}
	if r.social {
		h.Sector = "social"
	}
	for _, rc := range s.Recognitions {
		if rc.Verified != nil {
			h.RecognitionVerified = true
		}
	}
	for _, c := range directory.CooperationModes {
		if slices.Contains(s.Cooperation, c) {
			r.cooperation = append(r.cooperation, c)
		}
	}
	class := map[string]uint8{}
	for _, st := range s.Sites {
		if f.transit != nil {
			class[st.ID] = f.transit(st.Lat, st.Lon)
		}
	}
	if len(s.Sites) > 0 {
		h.TransitClass = classLetter(class[s.Sites[0].ID])
	}
	first := true
	for _, st := range s.Sites {
		m, ok := f.places.Municipality(st.Municipality)
		if !ok {
			continue
		}
		r.sites = append(r.sites, site{lat: st.Lat, lon: st.Lon, municipality: m, class: class[st.ID], hasMunicipality: true})
		if first {
			h.Postcode, h.Municipality, h.MunicipalityNIS, h.Province = st.Postcode, m.Name.NL, m.NIS, m.Province
			first = false
		}
	}
	for _, o := range s.Offers {
		t, ok := f.tasks.Task(o.Task)
		if !ok {
			continue
		}
		of := offer{task: t.ID, group: t.Group, freeFTE: o.FreeFTE, from: dateDay(o.AvailableFrom), lead: int32(o.LeadTimeWeeks),
			contract: o.MaxContractEUR, atClientSite: o.AtClientSite, anywhere: o.ServiceArea.Empty(), transit: offerTransit(s, o, class)}
		if !of.anywhere {
			of.serves = f.serviceArea(s, o)
		}
		r.offers = append(r.offers, of)
		if !slices.Contains(h.Tasks, t.ID) {
			h.Tasks = append(h.Tasks, t.ID)
		}
	}
	r.hit = h
	r.nameKey = hex.EncodeToString(f.collator.KeyFromString(new(collate.Buffer), s.Name))
	return r
}

// serviceArea collects the municipalities an offer serves, as
// search/catalogue does.
func (f *facts) serviceArea(s *directory.Supplier, o directory.Offer) map[string]bool {
	a := o.ServiceArea
	out := map[string]bool{}
	for _, nis := range a.Municipalities {
		if _, ok := f.places.Municipality(nis); ok {
			out[nis] = true
		}
	}
	for level, codes := range map[string][]string{"arr": a.Arrondissements, "prov": a.Provinces, "reg": a.Regions} {
		for _, c := range codes {
			for _, nis := range f.areas[level+":"+c] {
				out[nis] = true
			}
		}
	}
	if a.RadiusKm > 0 {
		centres := s.Sites
		if st, ok := s.Site(o.SiteID); ok {
			centres = []directory.Site{st}
		}
		for _, m := range f.places.Municipalities() {
			for _, c := range centres {
				if data.DistanceKm(c.Lat, c.Lon, m.Lat, m.Lon) <= a.RadiusKm {
					out[m.NIS] = true
					break
				}
			}
		}
	}
	return out
}

// offerTransit is the best class among the sites where an offer's work can
// start: its own site (the first when it names none), and every site when
// it works at the client's.
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

func classLetter(c uint8) string {
	if c == 0 || c > 6 {
		return ""
	}
	return string(rune('A' + c - 1))
}

// document is the Bleve document of a supplier and its row.
func (f *facts) document(s *directory.Supplier, r *row) map[string]interface{} {
	var placeNames, taskLabels []string
	addUnique := func(list *[]string, v string) {
		if v != "" && !slices.Contains(*list, v) {
			*list = append(*list, v)
		}
	}
	for _, st := range s.Sites {
		if m, ok := f.places.Municipality(st.Municipality); ok {
			addUnique(&placeNames, m.Name.NL)
			addUnique(&placeNames, m.Name.FR)
			for _, n := range m.FormerNames {
				addUnique(&placeNames, n)
			}
		}
		if pc, ok := f.places.Postcode(st.Postcode); ok {
			addUnique(&placeNames, pc.Code)
			for _, p := range pc.Places {
				addUnique(&placeNames, p.Name)
			}
		}
	}
	for _, o := range s.Offers {
		t, ok := f.tasks.Task(o.Task)
		if !ok {
			continue
		}
		for _, l := range []string{t.Name.NL, t.Name.FR, t.Name.EN} {
			addUnique(&taskLabels, l)
		}
		for _, code := range t.CPV {
			if c, ok := f.tasks.CPV(code); ok {
				for _, l := range []string{c.Label.NL, c.Label.FR, c.Label.EN} {
					addUnique(&taskLabels, l)
				}
			}
		}
	}
	all := append([]string{s.Name, s.Description}, taskLabels...)
	all = append(all, placeNames...)

	var mun, arr, prov, reg []string
	for _, st := range r.sites {
		m := st.municipality
		addUnique(&mun, m.NIS)
		addUnique(&arr, m.Arrondissement)
		addUnique(&prov, m.Province)
		addUnique(&reg, m.Region)
	}
	var targets []string
	for _, tg := range directory.TargetGroups {
		if slices.Contains(s.TargetGroups, tg) {
			targets = append(targets, tg)
		}
	}
	doc := map[string]interface{}{
		fDoc: "supplier", fieldName: s.Name, fieldText: all, fieldTextFR: append([]string{s.Description}, taskLabels...), fieldWords: all,
		fKind: string(s.Kind), fSector: r.hit.Sector, fTarget: targets, fCoop: r.cooperation,
		fMun: mun, fArr: arr, fProv: prov, fRegion: reg,
		fConfirmed: float64(r.confirmed), fUpdated: fmt.Sprintf("%020d", s.UpdatedAt.UnixNano()),
		fNameKey: r.nameKey, fFTE: r.hit.FreeFTE,
	}
	var sites []interface{}
	for _, st := range r.sites {
		sites = append(sites, map[string]interface{}{"geo": map[string]interface{}{"lon": st.lon, "lat": st.lat}})
	}
	if len(sites) > 0 {
		doc[nSites] = sites
	}
	var periods []interface{}
	for _, p := range r.reserved {
		to := float64(openEnd)
		if !p.To.IsZero() {
			to = float64(dateDay(p.To))
		}
		periods = append(periods, map[string]interface{}{"from": float64(dateDay(p.From)), "to": to})
	}
	if len(periods) > 0 {
		doc[nReserved] = periods
	}
	if len(r.offers) == 0 {
		return doc
	}
	var offers []interface{}
	var anyTask, anyGroup []string
	anyFTE, anyLead, anyContract, anyFrom, anyTransit := 0.0, float64(openEnd), 0.0, float64(openEnd), 0.0
	anyClient := false
	for _, o := range r.offers {
		od := map[string]interface{}{"task": o.task, "group": o.group, "fte": o.freeFTE, "lead": float64(o.lead),
			"contract": o.contract, "from": float64(o.from)}
		if o.atClientSite {
			od["client"] = "true"
			anyClient = true
		}
		if o.transit != 0 {
			od["transit"] = float64(o.transit)
			if anyTransit == 0 || float64(o.transit) < anyTransit {
				anyTransit = float64(o.transit)
			}
		}
		if o.anywhere {
			od["serves"] = "*"
		} else {
			serves := make([]string, 0, len(o.serves))
			for nis := range o.serves {
				serves = append(serves, nis)
			}
			slices.Sort(serves)
			od["serves"] = serves
		}
		offers = append(offers, od)
		addUnique(&anyTask, o.task)
		addUnique(&anyGroup, o.group)
		anyFTE, anyContract = max(anyFTE, o.freeFTE), max(anyContract, o.contract)
		anyLead, anyFrom = min(anyLead, float64(o.lead)), min(anyFrom, float64(o.from))
	}
	doc[nOffers] = offers
	doc[fAnyTask], doc[fAnyGroup] = anyTask, anyGroup
	doc[fAnyFTE], doc[fAnyLead], doc[fAnyContract], doc[fAnyFrom] = anyFTE, anyLead, anyContract, anyFrom
	if anyClient {
		doc[fAnyClient] = "true"
	}
	if anyTransit != 0 {
		doc[fAnyTransit] = anyTransit
	}
	return doc
}

func fmtFloat(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
