// Package market is the domain of exploring the market before a tender:
// the market check (can the market carry a planned contract, and how
// should it be tendered socially?) with its advice, and the segments
// overview of the social economy's supply. It asks the search engine
// through the search.Engine seam and knows nothing of HTTP.
package market

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/verken/verken/data"
	"github.com/verken/verken/directory"
	"github.com/verken/verken/search"
	"github.com/verken/verken/transit"
)

// The market check: can the market carry a planned
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
	// LotMinSuppliers: suppliers allowed to bid that must each be able to
	// carry a lot, for competition on it.
	LotMinSuppliers int `json:"lot_min_suppliers"`
	// MinLotFTE: the smallest lot worth tendering.
	MinLotFTE float64 `json:"min_lot_fte"`
	// MaxLots: the most lots one contract is cut into.
	MaxLots int `json:"max_lots"`
	// ShiftStart and ShiftEnd ("07:00", "15:30") are when the crew must be
	// at the place and when it leaves; MaxTravelMinutes the longest
	// journey by public transport each way.
	ShiftStart       string `json:"shift_start"`
	ShiftEnd         string `json:"shift_end"`
	MaxTravelMinutes int    `json:"max_travel_minutes"`
}

// DefaultSettings are the thresholds the report uses unless told otherwise.
var DefaultSettings = Settings{ReserveMinSuppliers: 3, MaxDependencyPct: 30, UrgentSharePct: 50, PoorClass: "D", ClauseMinSuppliers: 2,
	LotMinSuppliers: 2, MinLotFTE: 1, MaxLots: 8, ShiftStart: "07:00", ShiftEnd: "15:30", MaxTravelMinutes: 60}

// UnmarshalJSON starts from the defaults, so that settings that name only
// some thresholds keep the others.
func (s *Settings) UnmarshalJSON(b []byte) error {
	type plain Settings
	p := plain(DefaultSettings)
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*s = Settings(p)
	return nil
}

// check refuses thresholds outside their sense.
func (s Settings) check() error {
	switch {
	case s.ReserveMinSuppliers < 1 || s.ReserveMinSuppliers > 100:
		return checkError("settings.reserve_min_suppliers", fmt.Sprint(s.ReserveMinSuppliers), "must lie between 1 and 100")
	case s.ClauseMinSuppliers < 0 || s.ClauseMinSuppliers > 100:
		return checkError("settings.clause_min_suppliers", fmt.Sprint(s.ClauseMinSuppliers), "must lie between 0 and 100")
	case !(s.MaxDependencyPct > 0 && s.MaxDependencyPct <= 100):
		return checkError("settings.max_dependency_pct", fmt.Sprint(s.MaxDependencyPct), "must lie above 0 and at most 100")
	case !(s.UrgentSharePct >= 0 && s.UrgentSharePct <= 100):
		return checkError("settings.urgent_share_pct", fmt.Sprint(s.UrgentSharePct), "must lie between 0 and 100")
	case s.LotMinSuppliers < 1 || s.LotMinSuppliers > 20:
		return checkError("settings.lot_min_suppliers", fmt.Sprint(s.LotMinSuppliers), "must lie between 1 and 20")
	case !(s.MinLotFTE >= lotStep && s.MinLotFTE <= 1000):
		return checkError("settings.min_lot_fte", fmt.Sprint(s.MinLotFTE), "must lie between 0.1 and 1000")
	case s.MaxLots < 1 || s.MaxLots > 100:
		return checkError("settings.max_lots", fmt.Sprint(s.MaxLots), "must lie between 1 and 100")
	case s.MaxTravelMinutes < 5 || s.MaxTravelMinutes > 240:
		return checkError("settings.max_travel_minutes", fmt.Sprint(s.MaxTravelMinutes), "must lie between 5 and 240")
	}
	if _, err := ParseClock(s.ShiftStart); err != nil {
		return checkError("settings.shift_start", s.ShiftStart, err.Error())
	}
	if _, err := ParseClock(s.ShiftEnd); err != nil {
		return checkError("settings.shift_end", s.ShiftEnd, err.Error())
	}
	return nil
}

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
	ID       string `json:"id"`
	Name     string `json:"name"`
	Kind     string `json:"kind"`
	Social   bool   `json:"social"`
	Eligible bool   `json:"eligible"` // for a reserved contract
	// TargetGroupShare is the share of target-group workers, per cent.
	TargetGroupShare float64  `json:"target_group_share"`
	FreeFTE          float64  `json:"free_fte"` // of its matching offers
	CanStart         bool     `json:"can_start"`
	EarliestStart    string   `json:"earliest_start"` // YYYY-MM-DD
	TurnoverEUR      float64  `json:"turnover_eur,omitempty"`
	TurnoverYear     int      `json:"turnover_year,omitempty"`
	DependencyPct    *float64 `json:"dependency_pct,omitempty"` // contract value / turnover
	Dependent        bool     `json:"dependent"`
	SiteClasses      []string `json:"site_classes,omitempty"` // with work at its sites
	Cooperation      []string `json:"cooperation,omitempty"`
	ConfirmedAt      string   `json:"confirmed_at"`
	MunicipalityNL   string   `json:"municipality"`
	// Travel is how its crew gets to the place of work, when the work is
	// at the client's and a network is imported.
	Travel *Travel `json:"travel,omitempty"`
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
	// Coverage is free FTE over the volume needed: of every matching
	// supplier, of the social economy, and of the suppliers eligible for a
	// reserved contract.
	Coverage float64 `json:"coverage"`
	// TravelChecked: journeys were worked out; InTime*FTE are the free
	// FTE whose crew gets there and back within the travel time allowed.
	TravelChecked     bool    `json:"travel_checked"`
	InTimeFTE         float64 `json:"in_time_fte"`
	InTimeSocialFTE   float64 `json:"in_time_social_fte"`
	InTimeEligibleFTE float64 `json:"in_time_eligible_fte"`
	CoverageSocial    float64 `json:"coverage_social"`
	CoverageEligible  float64 `json:"coverage_eligible"`
	CanStart          int     `json:"can_start"`
	Dependent         int     `json:"dependent"`
	WithTurnover      int     `json:"with_turnover"`
	PlaceClass        string  `json:"place_class,omitempty"` // "" when the work is at the suppliers' sites
	Stale             int     `json:"stale"`                 // profiles to be confirmed
	OldestConfirm     string  `json:"oldest_confirmation,omitempty"`
	// Unclaimed counts, apart, the firms of the same activity located in
	// UnclaimedArea (the place's province, or the region asked) that have
	// no Verken profile: known from the authorities' data (KBO), with no
	// capacity declared, so in no figure above.
	Unclaimed int `json:"unclaimed_firms"`
	// EligibleDeclared of the Eligible rest on what the supplier declared
	// only: no recognition from an authority's register, or a target-group
	// share nobody verified.
	EligibleDeclared int    `json:"eligible_declared_only"`
	UnclaimedArea    string `json:"unclaimed_area,omitempty"`
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
	// Reason says why, where a code has several (no_lot_plan).
	Reason string `json:"reason,omitempty"`
}

// Advice codes, from the strongest lever to the weakest.
const (
	AdviceReserve        = "reserve_contract"
	AdviceReserveLots    = "reserve_lots"
	AdviceSplitLots      = "split_lots"
	AdviceNoLotPlan      = "no_lot_plan"
	AdviceTooUrgent      = "too_urgent"
	AdvicePoorlyReached  = "poorly_reachable"
	AdviceThinCapacity   = "capacity_thin"
	AdviceAwardCriterion = "award_criterion"
)

// CheckReport is the market check's answer, complete enough to save and
// show later as it was.
type CheckReport struct {
	ID        string     `json:"id,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	Day       string     `json:"reference_day"`
	Input     CheckInput `json:"input"`
	Settings  Settings   `json:"settings"`
	Figures   Figures    `json:"figures"`
	Plan      LotPlan    `json:"lot_plan"`
	// Threshold places the contract against the EU threshold, when a
	// yearly value is given.
	Threshold *Threshold      `json:"threshold,omitempty"`
	Advice    []Advice        `json:"advice"`
	Suppliers []CheckSupplier `json:"suppliers"`
	// Experience is what earlier consultations on the same activity came
	// to, as their buyers reported it; nil when none reported.
	Experience *Experience `json:"experience,omitempty"`
}

// Experience sums what buyers reported of earlier consultations on an
// activity: how many were tendered, the bids that came in, and how many
// were awarded to a social-economy supplier.
type Experience struct {
	Reported      int `json:"reported"`       // consultations whose buyer said what came of them
	Tendered      int `json:"tendered"`       // of those, tendered
	Bids          int `json:"bids"`           // bids the tendered ones received, together
	AwardedSocial int `json:"awarded_social"` // tendered ones awarded to a social-economy supplier
}

// ExperienceOf finds the experience of earlier consultations that asked
// about any of the tasks.
type ExperienceOf func(tasks []string) (Experience, error)

// checkError says which input is wrong.
func checkError(field, value, reason string) error {
	return &search.ParamError{Param: field, Value: value, Code: "invalid", Reason: reason}
}

// Checker runs market checks and the segments overview over an engine.
type Checker struct {
	Engine search.Engine
	Places *data.Gazetteer
	Tasks  *data.Taxonomy
	// Transit is the public-transport class at a place; nil when no
	// network is imported, and then no class is claimed.
	Transit search.TransitClass
	// Rules are the legal facts (thresholds, reservation bases); without
	// them the lots carry no legal frame.
	Rules *data.Rules
	// Segs keeps segments tables between calls; nil works them out every
	// time.
	Segs *SegmentCache
	// Network is the public-transport network for journeys; nil without
	// one, and then no travel times are claimed.
	Network *transit.Network
	// Experience reads what earlier consultations came to; nil leaves
	// the report without it.
	Experience ExperienceOf
}

// Check runs a market check on the reference day.
func (c *Checker) Check(in CheckInput, today directory.Date) (*CheckReport, error) {
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
	case !(volume > 0 && volume <= maxVolumeFTE):
		return nil, checkError("volume_fte", fmt.Sprint(volume), fmt.Sprintf("give the volume needed, above 0 and at most %d FTE (or hours per week)", maxVolumeFTE))
	case in.Start.IsZero():
		return nil, checkError("start", "", "give the start date")
	case in.Start.Before(today):
		return nil, checkError("start", in.Start.String(), "lies in the past")
	case in.DurationMonths < 0 || in.DurationMonths > 240:
		return nil, checkError("duration_months", fmt.Sprint(in.DurationMonths), "must lie between 0 and 240")
	case !(in.YearlyValueEUR >= 0 && in.YearlyValueEUR <= 1e10):
		return nil, checkError("yearly_value_eur", fmt.Sprint(in.YearlyValueEUR), "must lie between 0 and 10,000,000,000")
	}
	if err := settings.check(); err != nil {
		return nil, err
	}
	poor, ok := parseClass(settings.PoorClass)
	if !ok {
		return nil, checkError("settings.poor_class", settings.PoorClass, "must be a class from A to F")
	}
	if in.CPV != "" {
		// A code no task maps to would only give an empty report.
		if tasks, err := c.Tasks.TasksForCPV(in.CPV); err == nil && len(tasks) == 0 {
			return nil, checkError("cpv", in.CPV, "no task type of Verken maps to this CPV code")
		}
	}
	// The search's rule: one offer has the task, serves the place (or works
	// at its own site in the region) and has free capacity.
	q := search.Query{Tasks: in.Tasks, CPV: in.CPV, TargetGroups: in.TargetGroups, MinFTE: 1e-9, Today: today}
	if in.Place != "" {
		q.Serves, q.AtClientSite = in.Place, true
	} else if in.Region != "" {
		if p, ok := c.Places.ResolveProvince(in.Region); ok {
			q.Provinces = []string{p.Code}
		} else if r, ok := c.Places.ResolveRegion(in.Region); ok {
			q.Regions = []string{r.Code}
		} else {
			return nil, checkError("region", in.Region, "is not a province or region")
		}
	}
	matches, err := c.Engine.Matches(q)
	if err != nil {
		return nil, bodyField(err)
	}
	rep := &CheckReport{CreatedAt: time.Now().UTC(), Day: today.String(), Input: in, Settings: settings}
	rep.Input.Settings = nil
	f := &rep.Figures
	if err := c.countUnclaimed(q, f); err != nil {
		return nil, bodyField(err)
	}
	if c.Experience != nil {
		tasks := in.Tasks
		if len(tasks) == 0 && in.CPV != "" {
			tasks, _ = c.Tasks.TasksForCPV(in.CPV)
		}
		ex, err := c.Experience(tasks)
		if err != nil {
			return nil, err
		}
		if ex.Reported > 0 {
			rep.Experience = &ex
		}
	}
	f.VolumeFTE = round2(volume)
	// The engine accepted the place, so it resolves.
	placeLat, placeLon, placeErr := 0.0, 0.0, error(nil)
	if in.Place != "" {
		placeLat, placeLon, placeErr = search.ResolvePlace(c.Places, "place", in.Place)
	}
	if in.Place != "" && placeErr == nil && c.Transit != nil {
		f.PlaceClass = classOrDash(c.Transit(placeLat, placeLon))
	}
	// The sites' points, for journeys: only when there is a network and a
	// place to travel to.
	var sites map[string][]siteAt
	if c.Network != nil && in.Place != "" && placeErr == nil {
		sites = make(map[string][]siteAt, len(matches))
	}
	start := in.Start.Time()
	var stalest time.Time
	for _, m := range matches {
		var fte float64
		earliest := time.Time{}
		for _, o := range m.Offers {
			fte += o.FreeFTE
			if earliest.IsZero() || o.EarliestStart.Before(earliest) {
				earliest = o.EarliestStart
			}
		}
		cs := CheckSupplier{ID: m.ID, Name: m.Name, Kind: m.Kind, Social: m.Social, Eligible: m.Eligible, TargetGroupShare: m.TargetGroupShare,
			FreeFTE: round2(fte), TurnoverEUR: m.TurnoverEUR, TurnoverYear: m.TurnoverYear, MunicipalityNL: m.Municipality,
			ConfirmedAt: m.ConfirmedAt.Format(time.DateOnly), Cooperation: m.Cooperation}
		// The earliest day one of its matching offers can start.
		cs.CanStart = !earliest.After(start)
		cs.EarliestStart = earliest.Format(time.DateOnly)
		if m.TurnoverEUR > 0 && in.YearlyValueEUR > 0 {
			pct := round2(in.YearlyValueEUR / m.TurnoverEUR * 100)
			cs.DependencyPct = &pct
			cs.Dependent = pct > settings.MaxDependencyPct
		}
		if in.Place == "" && c.Transit != nil {
			for _, s := range m.Sites {
				cs.SiteClasses = append(cs.SiteClasses, cmp.Or(s.TransitClass, "-"))
			}
		}
		rep.Suppliers = append(rep.Suppliers, cs)
		if sites != nil {
			for _, st := range m.Sites {
				sites[m.ID] = append(sites[m.ID], siteAt{st.Lat, st.Lon})
			}
		}

		f.Matching++
		f.FreeFTE += fte
		f.LargestFTE = max(f.LargestFTE, fte)
		if cs.Social {
			f.Social++
			f.SocialFTE += fte
		} else {
			f.Regular++
		}
		if cs.Eligible {
			f.Eligible++
			f.EligibleFTE += fte
			f.LargestEligFTE = max(f.LargestEligFTE, fte)
			if !m.ReservedVerified {
				f.EligibleDeclared++
			}
		}
		if cs.CanStart {
			f.CanStart++
		}
		if m.TurnoverEUR > 0 {
			f.WithTurnover++
		}
		if cs.Dependent {
			f.Dependent++
		}
		if m.Stale {
			f.Stale++
		}
		if confirmed := m.ConfirmedAt.Truncate(24 * time.Hour); stalest.IsZero() || confirmed.Before(stalest) {
			stalest = confirmed
		}
	}
	if !stalest.IsZero() {
		f.OldestConfirm = stalest.Format(time.DateOnly)
	}
	f.FreeFTE, f.SocialFTE, f.EligibleFTE = round2(f.FreeFTE), round2(f.SocialFTE), round2(f.EligibleFTE)
	f.LargestFTE, f.LargestEligFTE = round2(f.LargestFTE), round2(f.LargestEligFTE)
	f.Coverage = round2(f.FreeFTE / volume)
	f.CoverageSocial = round2(f.SocialFTE / volume)
	f.CoverageEligible = round2(f.EligibleFTE / volume)
	// Social economy first, then by capacity: the order a buyer reads.
	slices.SortFunc(rep.Suppliers, func(a, b CheckSupplier) int {
		return cmp.Or(-compareBool(a.Social, b.Social), -compareBool(a.Eligible, b.Eligible), cmp.Compare(b.FreeFTE, a.FreeFTE), strings.Compare(a.Name, b.Name))
	})
	if sites != nil {
		c.travel(rep, sites, placeLat, placeLon)
	}
	rep.Plan = plan(rep, volume, in.YearlyValueEUR)
	c.frame(rep, volume)
	rep.Advice = advise(rep, volume, poor)
	return rep, nil
}

// bodyFields are the check's own names of the query parameters the engine
// may refuse.
var bodyFields = map[string]string{"serves": "place", "task": "tasks", "target_group": "target_groups"}

// bodyField names the check's own field when the engine refused part of
// the query it was asked.
func bodyField(err error) error {
	var pe *search.ParamError
	if errors.As(err, &pe) && bodyFields[pe.Param] != "" {
		e := *pe
		e.Param = bodyFields[pe.Param]
		return &e
	}
	return err
}

// maxVolumeFTE bounds the volume of one planned contract.
const maxVolumeFTE = 10000

// classOrDash writes a class as A–F, "-" for not served.
func classOrDash(c uint8) string {
	if c == 0 || c > 6 {
		return "-"
	}
	return string(rune('A' + c - 1))
}

// compareBool orders false before true.
func compareBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// transitClasses are the classes from best to worst.
var transitClasses = []string{"A", "B", "C", "D", "E", "F"}

// plan works out the report's lot plan and, per lot, its value and the
// carriers it would make dependent.
func plan(rep *CheckReport, volume, yearlyValue float64) LotPlan {
	caps := make([]capacityOf, len(rep.Suppliers))
	for i, c := range rep.Suppliers {
		caps[i] = capacityOf{fte: c.FreeFTE, eligible: c.Eligible}
	}
	p := planLots(volume, caps, rep.Settings)
	for i := range p.Lots {
		l := &p.Lots[i]
		if yearlyValue <= 0 {
			continue
		}
		l.ValueEUR = math.Round(yearlyValue * l.FTE / volume)
		for _, c := range rep.Suppliers {
			if c.FreeFTE >= l.FTE-1e-9 && (c.Eligible || !l.Reserved) && c.TurnoverEUR > 0 &&
				l.ValueEUR/c.TurnoverEUR*100 > rep.Settings.MaxDependencyPct {
				l.Dependent++
			}
		}
	}
	return p
}

// advise applies the rules of the market check, strongest lever first. The
// lot plan is the one answer to "reserve?" and "split?": its advice cannot
// contradict it.
func advise(rep *CheckReport, volume float64, poor uint8) []Advice {
	f, s, p := rep.Figures, rep.Settings, rep.Plan
	var cooperating []string
	for _, c := range rep.Suppliers {
		if !c.Social && len(c.Cooperation) > 0 {
			cooperating = append(cooperating, c.Name)
		}
	}
	out := []Advice{}
	add := func(code, setting string, figures map[string]float64) *Advice {
		out = append(out, Advice{Code: code, Setting: setting, Figures: figures})
		return &out[len(out)-1]
	}
	lots := float64(len(p.Lots))
	switch {
	case p.NoPlan != "":
		add(AdviceNoLotPlan, noPlanSetting[p.NoPlan], map[string]float64{"volume_fte": round2(volume), "largest_fte": f.LargestFTE,
			"lot_min_suppliers": float64(s.LotMinSuppliers), "min_lot_fte": s.MinLotFTE, "max_lots": float64(s.MaxLots)}).Reason = p.NoPlan
	case len(p.Lots) == 1 && p.Reserved == 1:
		add(AdviceReserve, "reserve_min_suppliers", map[string]float64{"eligible": float64(f.Eligible), "eligible_fte": f.EligibleFTE,
			"volume_fte": round2(volume), "reserve_min_suppliers": float64(s.ReserveMinSuppliers)})
	case p.Reserved > 0:
		add(AdviceReserveLots, "reserve_min_suppliers", map[string]float64{"lots": lots, "lot_fte": p.LotFTE, "reserved": float64(p.Reserved),
			"open": lots - float64(p.Reserved), "eligible": float64(f.Eligible), "eligible_fte": f.EligibleFTE, "volume_fte": round2(volume)})
	case len(p.Lots) > 1:
		add(AdviceSplitLots, "lot_min_suppliers", map[string]float64{"lots": lots, "lot_fte": p.LotFTE, "largest_fte": f.LargestFTE,
			"volume_fte": round2(volume), "lot_min_suppliers": float64(s.LotMinSuppliers)})
	}
	if f.Matching > 0 && float64(f.Matching-f.CanStart)/float64(f.Matching)*100 > s.UrgentSharePct {
		add(AdviceTooUrgent, "urgent_share_pct", map[string]float64{"can_start": float64(f.CanStart), "matching": float64(f.Matching),
			"urgent_share_pct": s.UrgentSharePct})
	}
	switch {
	case f.TravelChecked:
		// What counts is whether the crews can get there: the share of
		// the capacity that matters (eligible, else social economy, else
		// all) that arrives and leaves within the travel time allowed.
		have, inTime := f.EligibleFTE, f.InTimeEligibleFTE
		if have == 0 {
			have, inTime = f.SocialFTE, f.InTimeSocialFTE
		}
		if have == 0 {
			have, inTime = f.FreeFTE, f.InTimeFTE
		}
		if have > 0 && inTime/have < 0.5 {
			add(AdvicePoorlyReached, "max_travel_minutes", map[string]float64{"in_time_fte": inTime, "free_fte": have,
				"max_travel_minutes": float64(s.MaxTravelMinutes)}).Reason = "travel"
		}
	case f.PlaceClass != "":
		c, _ := parseClass(f.PlaceClass)
		if c == 0 || c > poor {
			add(AdvicePoorlyReached, "poor_class", map[string]float64{"class": float64(c)})
		}
	}
	// The social economy's own capacity decides whether an execution
	// clause is needed; the regular firms that cooperate are who could
	// carry one.
	if f.CoverageSocial < 1 && f.Social >= s.ClauseMinSuppliers {
		a := add(AdviceThinCapacity, "clause_min_suppliers", map[string]float64{"coverage": f.CoverageSocial, "free_fte": f.SocialFTE, "volume_fte": round2(volume),
			"cooperating": float64(len(cooperating))})
		a.Suppliers = cooperating
	}
	if f.Social < s.ClauseMinSuppliers {
		a := add(AdviceAwardCriterion, "clause_min_suppliers", map[string]float64{"social": float64(f.Social), "clause_min_suppliers": float64(s.ClauseMinSuppliers),
			"cooperating": float64(len(cooperating))})
		a.Suppliers = cooperating
	}
	return out
}

// noPlanSetting names the threshold that stopped a lot plan.
var noPlanSetting = map[string]string{NoPlanTooFewSuppliers: "lot_min_suppliers", NoPlanBelowMinLot: "min_lot_fte", NoPlanTooManyLots: "max_lots"}

func parseClass(s string) (uint8, bool) {
	i := slices.Index(transitClasses, strings.ToUpper(s))
	return uint8(i + 1), i >= 0
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

// countUnclaimed counts the firms without a Verken profile that do the
// check's activity where it happens: located in the place's province (an
// unclaimed firm declared no service area), or in the region asked. Two
// counts of the engine, with and without such firms.
func (c *Checker) countUnclaimed(q search.Query, f *Figures) error {
	area := search.Query{Tasks: q.Tasks, CPV: q.CPV, Provinces: q.Provinces, Regions: q.Regions, Today: q.Today, PerPage: 1}
	switch {
	case q.Serves != "":
		_, _, m, err := search.ResolveServed(c.Places, "place", q.Serves)
		if err != nil {
			return err
		}
		area.Provinces, f.UnclaimedArea = []string{m.Province}, m.Province
	case len(q.Provinces) > 0:
		f.UnclaimedArea = q.Provinces[0]
	case len(q.Regions) > 0:
		f.UnclaimedArea = q.Regions[0]
	}
	claimed, err := c.Engine.Search(area)
	if err != nil {
		return err
	}
	area.Unclaimed = true
	all, err := c.Engine.Search(area)
	if err != nil {
		return err
	}
	f.Unclaimed = all.Total - claimed.Total
	return nil
}
