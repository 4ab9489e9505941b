// Package number reads the numbers that come from requests — query strings,
// forms, JSON bodies — and holds the one table of what each numeric field may
// be. strconv.ParseFloat gladly returns NaN and ±Inf, and NaN passes every
// "x < min || x > max" test, so a range check alone lets them through to
// encoding/json, which then fails: a 500 instead of a 400.
package number

import (
	"math"
	"strconv"
	"strings"
)

// Bound is the closed interval a field's value must lie in.
type Bound struct {
	Min, Max float64
}

// The quantities numeric fields measure, each with bounds well past any real
// value but far below what breaks sums, JSON or the index.
var (
	FTE       = Bound{0, 10_000}    // free capacity or a contract's volume, 1 FTE = 38 h/week
	Workforce = Bound{0, 1_000_000} // an enterprise's whole staff, in FTE
	Hours     = Bound{0, 380_000}   // hours a week: 10,000 FTE
	EUR       = Bound{0, 1e10}      // a contract's or reference's value
	Turnover  = Bound{0, 1e12}      // an enterprise's yearly turnover
	Percent   = Bound{0, 100}
	Weeks     = Bound{0, 520} // ten years
	Months    = Bound{0, 240} // twenty years
	RadiusKm  = Bound{0, 300} // Belgium is 280 km across
	Lat       = Bound{-90, 90}
	Lon       = Bound{-180, 180}
	Volume    = Bound{0, 1e9}     // an offer's volume in its own unit (m², meals, …)
	Year      = Bound{1900, 2100} // a reference's year
	Turnyear  = Bound{1990, 2100} // the year of a stated turnover
	Count     = Bound{0, 1000}    // suppliers a threshold asks for
	// TravelMinutes bounds a journey by public transport: four hours
	// is more than anyone commutes.
	TravelMinutes = Bound{0, 240}
	Page          = Bound{1, 10_000}  // of a search's results
	PerPage       = Bound{1, 100}     // hits of one page
	Version       = Bound{0, 1 << 53} // a record's write count, exact in a float64
)

// fields names the bound of every numeric field by its last name, as it
// appears in forms ("offers[2].free_fte"), query strings and JSON alike.
var fields = map[string]Bound{
	// supplier profile
	"target_group_share": Percent,
	"total_fte":          Workforce,
	"target_group_fte":   Workforce,
	"turnover_eur":       Turnover,
	"turnover_year":      Turnyear,
	"lat":                Lat,
	"lon":                Lon,
	"free_fte":           FTE,
	"volume":             Volume,
	"max_contract_eur":   EUR,
	"lead_time_weeks":    Weeks,
	"radius_km":          RadiusKm,
	"year":               Year,
	"value_eur":          EUR,
	"version":            Version,
	// search
	"min_fte":          FTE,
	"min_contract_eur": EUR,
	"max_lead_weeks":   Weeks,
	"page":             Page,
	"per_page":         PerPage,
	"max_minutes":      TravelMinutes,
	// market check
	"volume_fte":            FTE,
	"hours_per_week":        Hours,
	"duration_months":       Months,
	"yearly_value_eur":      EUR,
	"reserve_min_suppliers": Count,
	"clause_min_suppliers":  Count,
	"lot_min_suppliers":     Count,
	"max_lots":              Count,
	"min_lot_fte":           FTE,
	"max_travel_minutes":    TravelMinutes,
	"max_dependency_pct":    Percent,
	"urgent_share_pct":      Percent,
}

// For returns the bound of a field, named by its path or its last name.
func For(field string) (Bound, bool) {
	if i := strings.LastIndexByte(field, '.'); i >= 0 {
		field = field[i+1:]
	}
	b, ok := fields[field]
	return b, ok
}

// Error says why a value is refused. Code is stable, for message catalogues;
// Reason is English, for the API.
type Error struct {
	Field  string
	Value  string
	Code   string // not_a_number, not_a_whole_number, not_finite or range
	Reason string
	Bound  Bound // for Code "range"
}

func (e *Error) Error() string { return e.Field + ": " + e.Reason }

// Check refuses a non-finite value, or one outside the field's bound. A
// field missing from the table is only held to being finite: a request must
// never crash the server over a forgotten entry (TestEveryFieldHasABound
// keeps the table complete).
func Check(field string, x float64) error {
	b, ok := For(field)
	if !ok {
		b = Bound{-math.MaxFloat64, math.MaxFloat64}
	}
	return b.check(field, strconv.FormatFloat(x, 'g', -1, 64), x)
}

func (b Bound) check(field, raw string, x float64) error {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return &Error{Field: field, Value: raw, Code: "not_finite", Reason: "is not a finite number"}
	}
	if x < b.Min || x > b.Max {
		return &Error{Field: field, Value: raw, Code: "range", Bound: b, Reason: "must lie between " + Format(b.Min) + " and " + Format(b.Max)}
	}
	return nil
}

// Parse reads a decimal number as people type it (a decimal comma is fine)
// and checks it against the field's bound.
func Parse(field, s string) (float64, error) {
	s = strings.TrimSpace(s)
	x, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	if err != nil {
		// Beyond float64's range ParseFloat gives ±Inf and an error: that
		// is a number, only not a finite one.
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange && math.IsInf(x, 0) {
			return 0, &Error{Field: field, Value: s, Code: "not_finite", Reason: "is not a finite number"}
		}
		return 0, &Error{Field: field, Value: s, Code: "not_a_number", Reason: "is not a number"}
	}
	if err := Check(field, x); err != nil {
		err.(*Error).Value = s
		return 0, err
	}
	return x, nil
}

// ParseInt reads a whole number and checks it against the field's bound.
func ParseInt(field, s string) (int, error) {
	s = strings.TrimSpace(s)
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, &Error{Field: field, Value: s, Code: "not_a_whole_number", Reason: "is not a whole number"}
	}
	if err := CheckInt(field, int(n)); err != nil {
		err.(*Error).Value = s
		return 0, err
	}
	return int(n), nil
}

// CheckInt checks a whole number against the field's bound.
func CheckInt(field string, n int) error {
	b, ok := For(field)
	if !ok {
		b = Bound{-math.MaxFloat64, math.MaxFloat64}
	}
	return b.check(field, strconv.Itoa(n), float64(n))
}

// Format writes a bound as people read it: no exponent below a trillion.
func Format(x float64) string {
	if math.Abs(x) < 1e12 {
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}
