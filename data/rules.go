package data

import (
	"fmt"
	"strconv"
	"time"
)

// Rules are the legal facts a market check states: the EU thresholds and
// the bases on which a lot may be reserved, each with its source and
// whether it was verified (data/rules/*.tsv, docs/rules.md).
type Rules struct {
	Thresholds   []Threshold
	Reservations map[string]Reservation
}

// Threshold is an EU application threshold of Directive 2014/24/EU.
type Threshold struct {
	Name      string // works, supplies_services_central, supplies_services_subcentral, social_specific_services
	AmountEUR float64
	From, To  time.Time
	Point     string // of art. 4 of the directive
	LegalAct  string
	Verified  bool
	Source    string
}

// Reservation is a basis on which a lot may be reserved, with the eForms
// codes a notice carries for it.
type Reservation struct {
	Code         string
	LegalBasisBE string
	LegalBasisEU string
	WhoMayBid    string
	Conditions   string
	BT71         string // reserved participation: res-ws, res-pub-ser, none
	BT736        string // reserved execution: yes, no
	Applies      string
	Status       string // verified, partly, unverified
	Source       string
}

// LoadRules reads the embedded rules tables.
func LoadRules() (*Rules, error) {
	r := &Rules{Reservations: map[string]Reservation{}}
	rows, err := readTSV("rules/thresholds.tsv", 8)
	if err != nil {
		return nil, err
	}
	for _, c := range rows {
		amount, err := strconv.ParseFloat(c[1], 64)
		if err != nil {
			return nil, fmt.Errorf("rules/thresholds.tsv: %s: amount %q: %w", c[0], c[1], err)
		}
		from, err1 := time.Parse(time.DateOnly, c[2])
		to, err2 := time.Parse(time.DateOnly, c[3])
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("rules/thresholds.tsv: %s: bad dates %q, %q", c[0], c[2], c[3])
		}
		r.Thresholds = append(r.Thresholds, Threshold{Name: c[0], AmountEUR: amount, From: from, To: to, Point: c[4], LegalAct: c[5], Verified: c[6] == "verified", Source: c[7]})
	}
	rows, err = readTSV("rules/reservations.tsv", 10)
	if err != nil {
		return nil, err
	}
	for _, c := range rows {
		r.Reservations[c[0]] = Reservation{Code: c[0], LegalBasisBE: c[1], LegalBasisEU: c[2], WhoMayBid: c[3], Conditions: c[4], BT71: c[5], BT736: c[6], Applies: c[7], Status: c[8], Source: c[9]}
	}
	return r, nil
}

// Threshold returns the threshold of a name in force on day, if any.
func (r *Rules) Threshold(name string, day time.Time) (Threshold, bool) {
	for _, t := range r.Thresholds {
		if t.Name == name && !day.Before(t.From) && !day.After(t.To) {
			return t, true
		}
	}
	return Threshold{}, false
}
