package search

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/verken/verken/directory"
)

// The market check (DESIGN.md §5): can the market carry a planned
// contract, and how should it be tendered socially?

// FTEHours is the week of one full-time equivalent.
const FTEHours = 38

// Settings are the thresholds of the advice, named so that a report can
// show them.
type Settings struct {
	// ReserveMinSuppliers: eligible suppliers needed for real competition
	// on a reserved contract.
	ReserveMinSuppliers int `json:"reserve_min_suppliers"`
	// MaxDependencyPct: a contract above this share of a supplier's
	// turnover makes it dependent on one buyer.
	MaxDependencyPct float64 `json:"max_dependency_pct"`
	// UrgentSharePct: above this share of matching suppliers unable to
	// start in time, the contract is too urgent for the social economy.
	UrgentSharePct float64 `json:"urgent_share_pct"`
	// PoorClass: the worst public-transport class still "reachable"; a
	// worse class or none is poorly reachable.
	PoorClass string `json:"poor_class"`
	// ClauseMinSuppliers: social-economy suppliers needed for an execution
	// clause to be workable.
	ClauseMinSuppliers int `json:"clause_min_suppliers"`
}

// DefaultSettings are the thresholds the report uses unless told otherwise.
var DefaultSettings = Settings{ReserveMinSuppliers: 3, MaxDependencyPct: 30, UrgentSharePct: 50, PoorClass: "D", ClauseMinSuppliers: 2}

// CheckInput is a planned contract.
type CheckInput struct {
	Tasks []string `json:"tasks,omitempty"`
	CPV   string   `json:"cpv,omitempty"`
	// Place is where the work happens: a postcode, a municipality or
	// "lat,lon". Empty means at the suppliers' own sites, within Region.
	Place  string `json:"place,omitempty"`
	Region string `json:"region,omitempty"` // a province or region code, with no Place
	// VolumeFTE, or HoursPerWeek (38 hours make one FTE).
	VolumeFTE      float64        `json:"volume_fte,omitempty"`
	HoursPerWeek   float64        `json:"hours_per_week,omitempty"`
	Start          directory.Date `json:"start"`
	DurationMonths int            `json:"duration_months"`
	YearlyValueEUR float64        `json:"yearly_value_eur"`
	TargetGroups   []string       `json:"target_groups,omitempty"`
	// Reserve: the buyer considers reserving the contract.
	Reserve  bool      `json:"reserve"`
	Settings *Settings `json:"settings,omitempty"`
}

// CheckSupplier is one matching supplier with the figures it adds.
type CheckSupplier struct {
	ID             string   `json:"id"`
	Name           string   `json:"name"`
	Kind           string   `json:"kind"`
	Social         bool     `json:"social"`
	Eligible       bool     `json:"eligible"` // for a reserved contract
	FreeFTE        float64  `json:"free_fte"` // of its matching offers
	CanStart       bool     `json:"can_start"`
	EarliestStart  string   `json:"earliest_start"` // YYYY-MM-DD
	TurnoverEUR    float64  `json:"turnover_eur,omitempty"`
	TurnoverYear   int      `json:"turnover_year,omitempty"`
	DependencyPct  *float64 `json:"dependency_pct,omitempty"` // contract value / turnover
	Dependent      bool     `json:"dependent"`
	SiteClasses    []string `json:"site_classes,omitempty"` // with work at its sites
	Cooperation    []string `json:"cooperation,omitempty"`
	ConfirmedAt    string   `json:"confirmed_at"`
	MunicipalityNL string   `json:"municipality"`
}

// Figures sum up the matching suppliers.
type Figures struct {
	Matching       int     `json:"matching"`
	Social         int     `json:"social"`
	Regular        int     `json:"regular"`
	Eligible       int     `json:"eligible"`
	FreeFTE        float64 `json:"free_fte"`
	SocialFTE      float64 `json:"social_fte"`
	EligibleFTE    float64 `json:"eligible_fte"`
	LargestFTE     float64 `json:"largest_fte"`
	LargestEligFTE float64 `json:"largest_eligible_fte"`
	VolumeFTE      float64 `json:"volume_fte"`
	Coverage       float64 `json:"coverage"`
	CanStart       int     `json:"can_start"`
	Dependent      int     `json:"dependent"`
	WithTurnover   int     `json:"with_turnover"`
	PlaceClass     string  `json:"place_class,omitempty"` // "" when the work is at the suppliers' sites
	Stale          int     `json:"stale"`                 // profiles to be confirmed
	OldestConfirm  string  `json:"oldest_confirmation,omitempty"`
}

// Advice is one recommendation with the figures behind it. Code names the
// rule; Setting names the threshold it used, if any.
type Advice struct {
	Code    string             `json:"code"`
	Setting string             `json:"setting,omitempty"`
	Figures map[string]float64 `json:"figures"`
	// Suppliers names the suppliers an advice is about (the regular firms
	// that cooperate, for a clause).
	Suppliers []string `json:"suppliers,omitempty"`
}

// Advice codes, from the strongest lever to the weakest.
const (
	AdviceReserve        = "reserve_contract"
	AdviceReserveLots    = "reserve_lots"
	AdviceSplitLots      = "split_lots"
	AdviceTooUrgent      = "too_urgent"
	AdvicePoorlyReached  = "poorly_reachable"
	AdviceThinCapacity   = "capacity_thin"
	AdviceAwardCriterion = "award_criterion"
)

// CheckReport is the market check's answer, complete enough to save and
// show later as it was.
type CheckReport struct {
	ID        string          `json:"id,omitempty"`
	CreatedAt time.Time       `json:"created_at"`
	Day       string          `json:"reference_day"`
	Input     CheckInput      `json:"input"`
	Settings  Settings        `json:"settings"`
	Figures   Figures         `json:"figures"`
	Advice    []Advice        `json:"advice"`
	Suppliers []CheckSupplier `json:"suppliers"`
}

// checkError says which input is wrong.
func checkError(field, value, reason string) error {
	return &ParamError{Param: field, Value: value, Code: "invalid", Reason: reason}
}

// MarketCheck runs a market check on the reference day.
func (x *Index) MarketCheck(in CheckInput, today directory.Date) (*CheckReport, error) {
	settings := DefaultSettings
	if in.Settings != nil {
		settings = *in.Settings
	}
	volume := in.VolumeFTE
	if volume == 0 && in.HoursPerWeek > 0 {
		volume = in.HoursPerWeek / FTEHours
	}
	switch {
	case len(in.Tasks) == 0 && in.CPV == "":
		return nil, checkError("tasks", "", "give a task type or a CPV code")
	case volume <= 0 || math.IsNaN(volume) || math.IsInf(volume, 0):
		return nil, checkError("volume_fte", "", "give the volume needed, in FTE or hours per week")
	case in.Start.IsZero():
		return nil, checkError("start", "", "give the start date")
	case in.DurationMonths < 0 || in.DurationMonths > 240:
		return nil, checkError("duration_months", fmt.Sprint(in.DurationMonths), "must lie between 0 and 240")
	case in.YearlyValueEUR < 0:
		return nil, checkError("yearly_value_eur", "", "must not be negative")
	case settings.ReserveMinSuppliers < 1 || settings.ClauseMinSuppliers < 0 || settings.MaxDependencyPct <= 0:
		return nil, checkError("settings", "", "thresholds must be positive")
	}
	poor, ok := parseClass(settings.PoorClass)
	if !ok {
		return nil, checkError("settings.poor_class", settings.PoorClass, "must be a class from A to F")
	}
	x.rw.RLock()
	defer x.rw.RUnlock()
	if x.bleve == nil {
		return nil, ErrClosed
	}
	// The search's rule: one offer has the task, serves the place (or works
	// at its own site in the region) and has free capacity.
	q := Query{Tasks: in.Tasks, CPV: in.CPV, TargetGroups: in.TargetGroups, MinFTE: 1e-9, Today: today}
	var place point
	if in.Place != "" {
		q.Serves, q.AtClientSite = in.Place, true
		var err error
		if _, place, err = x.facts.resolveServed("place", in.Place); err != nil {
			return nil, err
		}
	} else if in.Region != "" {
		if p, ok := x.facts.places.ResolveProvince(in.Region); ok {
			q.Provinces = []string{p.Code}
		} else if r, ok := x.facts.places.ResolveRegion(in.Region); ok {
			q.Regions = []string{r.Code}
		} else {
			return nil, checkError("region", in.Region, "is not a province or region")
		}
	}

	p, err := x.facts.resolve(q)
	if err != nil {
		return nil, err
	}
	matches, _ := x.facts.evaluate(p, x.cat, nil, false, nil, nil, nil, 0)
	rep := &CheckReport{CreatedAt: time.Now().UTC(), Day: today.String(), Input: in, Settings: settings}
	rep.Input.Settings = nil
	f := &rep.Figures
	f.VolumeFTE = round2(volume)
	if place.ok && x.facts.transit != nil {
		f.PlaceClass = classOrDash(x.facts.transit(place.lat, place.lon))
	}
	start := dateDay(in.Start)
	active := p.active()
	var stalest int32
	for _, m := range matches {
		e := m.e
		h := x.facts.hit(e)
		cs := CheckSupplier{ID: h.ID, Name: h.Name, Kind: h.Kind, Social: e.social, Eligible: e.reservedOn(p.today),
			FreeFTE: round2(m.fte), TurnoverEUR: e.turnover, TurnoverYear: e.turnoverYear, MunicipalityNL: h.Municipality,
			ConfirmedAt: h.ConfirmedAt.Format(time.DateOnly), Cooperation: cooperationOf(e)}
		// The earliest day one of its matching offers can start: free by
		// then, and its lead time counted from today.
		earliest := int32(math.MaxInt32)
		for i := range e.offers {
			o := &e.offers[i]
			if p.offerFails(o, active) != 0 {
				continue
			}
			earliest = min(earliest, max(o.availableFrom, p.today+o.leadWeeks*7))
		}
		cs.CanStart = earliest <= start
		cs.EarliestStart = time.Unix(int64(earliest)*86400, 0).UTC().Format(time.DateOnly)
		if e.turnover > 0 && in.YearlyValueEUR > 0 {
			pct := round2(in.YearlyValueEUR / e.turnover * 100)
			cs.DependencyPct = &pct
			cs.Dependent = pct > settings.MaxDependencyPct
		}
		if in.Place == "" && x.facts.transit != nil {
			for _, s := range e.sites {
				cs.SiteClasses = append(cs.SiteClasses, classOrDash(s.class))
			}
		}
		rep.Suppliers = append(rep.Suppliers, cs)

		f.Matching++
		f.FreeFTE += m.fte
		f.LargestFTE = max(f.LargestFTE, m.fte)
		if cs.Social {
			f.Social++
			f.SocialFTE += m.fte
		} else {
			f.Regular++
		}
		if cs.Eligible {
			f.Eligible++
			f.EligibleFTE += m.fte
			f.LargestEligFTE = max(f.LargestEligFTE, m.fte)
		}
		if cs.CanStart {
			f.CanStart++
		}
		if e.turnover > 0 {
			f.WithTurnover++
		}
		if cs.Dependent {
			f.Dependent++
		}
		if m.stale {
			f.Stale++
		}
		if stalest == 0 || e.confirmed < stalest {
			stalest = e.confirmed
		}
	}
	if stalest > 0 {
		f.OldestConfirm = time.Unix(int64(stalest)*86400, 0).UTC().Format(time.DateOnly)
	}
	f.FreeFTE, f.SocialFTE, f.EligibleFTE = round2(f.FreeFTE), round2(f.SocialFTE), round2(f.EligibleFTE)
	f.LargestFTE, f.LargestEligFTE = round2(f.LargestFTE), round2(f.LargestEligFTE)
	f.Coverage = round2(f.FreeFTE / volume)
	// Social economy first, then by capacity: the order a buyer reads.
	slices.SortFunc(rep.Suppliers, func(a, b CheckSupplier) int {
		return cmp.Or(-compareBool(a.Social, b.Social), -compareBool(a.Eligible, b.Eligible), cmp.Compare(b.FreeFTE, a.FreeFTE), strings.Compare(a.Name, b.Name))
	})
	rep.Advice = advise(rep, volume, poor)
	return rep, nil
}

// advise applies the rules of DESIGN.md §5, strongest lever first.
func advise(rep *CheckReport, volume float64, poor uint8) []Advice {
	f, s := rep.Figures, rep.Settings
	var eligible, all []float64
	var cooperating []string
	for _, c := range rep.Suppliers {
		all = append(all, c.FreeFTE)
		if c.Eligible {
			eligible = append(eligible, c.FreeFTE)
		}
		if !c.Social && len(c.Cooperation) > 0 {
			cooperating = append(cooperating, c.Name)
		}
	}
	out := []Advice{}
	add := func(code, setting string, figures map[string]float64) *Advice {
		out = append(out, Advice{Code: code, Setting: setting, Figures: figures})
		return &out[len(out)-1]
	}
	enough := f.Eligible >= s.ReserveMinSuppliers
	// Reserve the whole contract: enough eligible suppliers, together
	// covering the volume, and one of them able to carry it.
	if enough && f.EligibleFTE >= volume && f.LargestEligFTE >= volume {
		add(AdviceReserve, "reserve_min_suppliers", map[string]float64{"eligible": float64(f.Eligible), "eligible_fte": f.EligibleFTE,
			"volume_fte": round2(volume), "reserve_min_suppliers": float64(s.ReserveMinSuppliers)})
	} else if lot := lotSize(eligible); lot > 0 {
		// Reserve lots that at least two eligible suppliers can each carry,
		// as many as the eligible capacity covers.
		covered := math.Min(f.EligibleFTE, volume)
		lots := math.Floor(covered/lot + 1e-9)
		if lots >= 1 {
			add(AdviceReserveLots, "reserve_min_suppliers", map[string]float64{"lots": lots, "lot_fte": lot, "eligible": float64(f.Eligible),
				"eligible_fte": f.EligibleFTE, "volume_fte": round2(volume)})
		}
	}
	if f.LargestFTE < volume && f.Matching > 0 {
		a := add(AdviceSplitLots, "", map[string]float64{"largest_fte": f.LargestFTE, "volume_fte": round2(volume)})
		if lot := lotSize(all); lot > 0 {
			a.Figures["lot_fte"] = lot
			a.Figures["lots"] = math.Ceil(volume/lot - 1e-9)
		}
	}
	if f.Matching > 0 && float64(f.Matching-f.CanStart)/float64(f.Matching)*100 > s.UrgentSharePct {
		add(AdviceTooUrgent, "urgent_share_pct", map[string]float64{"can_start": float64(f.CanStart), "matching": float64(f.Matching),
			"urgent_share_pct": s.UrgentSharePct})
	}
	if f.PlaceClass != "" {
		c, _ := parseClass(f.PlaceClass)
		if c == 0 || c > poor {
			add(AdvicePoorlyReached, "poor_class", map[string]float64{"class": float64(c)})
		}
	}
	if f.Coverage < 1 {
		a := add(AdviceThinCapacity, "", map[string]float64{"coverage": f.Coverage, "free_fte": f.FreeFTE, "volume_fte": round2(volume),
			"cooperating": float64(len(cooperating))})
		a.Suppliers = cooperating
	}
	if f.Social < s.ClauseMinSuppliers {
		add(AdviceAwardCriterion, "clause_min_suppliers", map[string]float64{"social": float64(f.Social), "clause_min_suppliers": float64(s.ClauseMinSuppliers)})
	}
	return out
}

// lotSize is the largest capacity that at least two suppliers can each
// carry: the second largest; 0 with fewer than two.
func lotSize(capacities []float64) float64 {
	if len(capacities) < 2 {
		return 0
	}
	c := slices.Clone(capacities)
	slices.Sort(c)
	return c[len(c)-2]
}

func cooperationOf(e *entry) []string {
	var out []string
	for i, c := range directory.CooperationModes {
		if e.cooperation&(1<<i) != 0 {
			out = append(out, c)
		}
	}
	return out
}

func parseClass(s string) (uint8, bool) {
	i := slices.Index(transitClasses, strings.ToUpper(s))
	return uint8(i + 1), i >= 0
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }
