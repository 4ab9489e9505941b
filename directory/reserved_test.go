package directory_test

import (
	"encoding/json"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/testenv"
)

func day(y int, m time.Month, d int) directory.Date { return directory.NewDate(y, m, d) }

func recognition(from, to directory.Date) directory.Recognition {
	return directory.Recognition{Type: "maatwerkbedrijf", Number: "M-1", ValidFrom: from, ValidTo: to}
}

// The rule of art. 20 of Directive 2014/24/EU as the search engine applied
// it: a recognition valid on the day, both ends included, and a share of at
// least 30 %.
func TestEligibleForReserved(t *testing.T) {
	from, to := day(2024, 1, 1), day(2026, 11, 23)
	bounded := []directory.Recognition{recognition(from, to)}
	open := []directory.Recognition{recognition(from, directory.Date{})}
	for _, c := range []struct {
		name  string
		recs  []directory.Recognition
		share float64
		on    directory.Date
		want  bool
	}{
		{"first valid day", bounded, 65, from, true},
		{"day before it starts (future)", bounded, 65, from.AddDays(-1), false},
		{"last valid day", bounded, 65, to, true},
		{"day after it ends (expired)", bounded, 65, to.AddDays(1), false},
		{"open-ended, years later", open, 65, day(2040, 6, 1), true},
		{"no start: valid since ever", []directory.Recognition{recognition(directory.Date{}, to)}, 65, day(1990, 1, 1), true},
		{"share 29.9", open, 29.9, day(2025, 1, 1), false},
		{"share 30", open, 30, day(2025, 1, 1), true},
		{"share 100", open, 100, day(2025, 1, 1), true},
		{"share not given", open, 0, day(2025, 1, 1), false},
		{"share NaN", open, math.NaN(), day(2025, 1, 1), false},
		{"no recognition", nil, 80, day(2025, 1, 1), false},
		{"expired and current", []directory.Recognition{recognition(day(2010, 1, 1), day(2015, 12, 31)), recognition(day(2020, 1, 1), directory.Date{})}, 50, day(2025, 1, 1), true},
		{"between two recognitions", []directory.Recognition{recognition(day(2010, 1, 1), day(2015, 12, 31)), recognition(day(2020, 1, 1), directory.Date{})}, 50, day(2018, 1, 1), false},
		{"end before start: never", []directory.Recognition{recognition(day(2025, 1, 1), day(2024, 1, 1))}, 50, day(2024, 6, 1), false},
	} {
		s := directory.Supplier{Recognitions: c.recs, TargetGroupShare: c.share}
		if got := s.EligibleForReserved(c.on); got != c.want {
			t.Errorf("%s: eligible on %s = %v, want %v", c.name, c.on, got, c.want)
		}
		if got := slices.ContainsFunc(s.ReservedPeriods(), func(p directory.Period) bool { return p.Contains(c.on) }); got != c.want {
			t.Errorf("%s: periods %v hold %s = %v, want %v", c.name, s.ReservedPeriods(), c.on, got, c.want)
		}
	}
}

// A supplier stored without a share has none: not eligible.
func TestEligibleForReservedShareMissing(t *testing.T) {
	var s directory.Supplier
	if err := json.Unmarshal([]byte(`{"recognitions":[{"type":"lde","number":"L-1","valid_from":"2020-01-01"}]}`), &s); err != nil {
		t.Fatal(err)
	}
	if s.EligibleForReserved(day(2025, 1, 1)) || s.ReservedPeriods() != nil {
		t.Fatalf("no share given: eligible %v, periods %v", s.EligibleForReserved(day(2025, 1, 1)), s.ReservedPeriods())
	}
	s.TargetGroupShare = 30
	if !s.EligibleForReserved(day(2025, 1, 1)) {
		t.Fatal("share 30 with a recognition since 2020: not eligible")
	}
}

// ReservedPeriods folds overlapping and back-to-back recognitions into one
// period, keeps gaps, drops recognitions valid on no day, and answers for
// every day exactly as EligibleForReserved does.
func TestReservedPeriods(t *testing.T) {
	P := func(from, to directory.Date) directory.Period { return directory.Period{From: from, To: to} }
	none := directory.Date{}
	for _, c := range []struct {
		name string
		recs []directory.Recognition
		want []directory.Period
	}{
		{"none", nil, nil},
		{"one", []directory.Recognition{recognition(day(2020, 1, 1), day(2021, 1, 1))}, []directory.Period{P(day(2020, 1, 1), day(2021, 1, 1))}},
		{"overlapping, out of order", []directory.Recognition{
			recognition(day(2020, 6, 1), day(2022, 1, 1)),
			recognition(day(2020, 1, 1), day(2021, 1, 1)),
		}, []directory.Period{P(day(2020, 1, 1), day(2022, 1, 1))}},
		{"back to back", []directory.Recognition{
			recognition(day(2020, 1, 1), day(2020, 12, 31)),
			recognition(day(2021, 1, 1), day(2021, 12, 31)),
		}, []directory.Period{P(day(2020, 1, 1), day(2021, 12, 31))}},
		{"one day apart", []directory.Recognition{
			recognition(day(2020, 1, 1), day(2020, 12, 30)),
			recognition(day(2021, 1, 1), day(2021, 12, 31)),
		}, []directory.Period{P(day(2020, 1, 1), day(2020, 12, 30)), P(day(2021, 1, 1), day(2021, 12, 31))}},
		{"inside an open-ended one", []directory.Recognition{
			recognition(day(2020, 1, 1), none),
			recognition(day(2021, 1, 1), day(2021, 12, 31)),
		}, []directory.Period{P(day(2020, 1, 1), none)}},
		{"open-ended after a bounded one", []directory.Recognition{
			recognition(day(2020, 1, 1), day(2021, 6, 1)),
			recognition(day(2021, 1, 1), none),
		}, []directory.Period{P(day(2020, 1, 1), none)}},
		{"since ever", []directory.Recognition{
			recognition(day(2022, 1, 1), day(2023, 1, 1)),
			recognition(none, day(2020, 1, 1)),
		}, []directory.Period{P(none, day(2020, 1, 1)), P(day(2022, 1, 1), day(2023, 1, 1))}},
		{"end before start", []directory.Recognition{recognition(day(2025, 1, 1), day(2024, 1, 1))}, nil},
	} {
		s := directory.Supplier{Recognitions: c.recs, TargetGroupShare: 40}
		got := s.ReservedPeriods()
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
		for d := day(2019, 1, 1); d.Before(day(2026, 1, 1)); d = d.AddDays(1) {
			in := slices.ContainsFunc(got, func(p directory.Period) bool { return p.Contains(d) })
			if in != s.EligibleForReserved(d) {
				t.Fatalf("%s: on %s periods say %v, the rule %v", c.name, d, in, !in)
			}
		}
	}
	s := directory.Supplier{Recognitions: []directory.Recognition{recognition(day(2020, 1, 1), none)}, TargetGroupShare: 29.9}
	if p := s.ReservedPeriods(); p != nil {
		t.Fatalf("share 29.9: periods %v", p)
	}
}

// Suppliers as the store gives them back (dates through JSON and bbolt):
// the demo holds eligible and ineligible ones, and for each, on the days
// around every recognition's start and end, the periods an index would keep
// say what the rule says.
func TestReservedPeriodsOfStoredSuppliers(t *testing.T) {
	st := testenv.Store(t, "", 300)
	today := directory.DateOf(testenv.Reference)
	eligible, not := 0, 0
	err := st.List(func(s directory.Supplier) error {
		if s.EligibleForReserved(today) {
			eligible++
		} else {
			not++
		}
		periods := s.ReservedPeriods()
		days := []directory.Date{today}
		for _, r := range s.Recognitions {
			for _, d := range []directory.Date{r.ValidFrom, r.ValidTo} {
				if !d.IsZero() {
					days = append(days, d.AddDays(-1), d, d.AddDays(1))
				}
			}
		}
		for _, d := range days {
			in := slices.ContainsFunc(periods, func(p directory.Period) bool { return p.Contains(d) })
			if in != s.EligibleForReserved(d) {
				t.Errorf("%s on %s: periods %v say %v, the rule %v", s.ID, d, periods, in, !in)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if eligible == 0 || not == 0 {
		t.Fatalf("demo: %d eligible and %d not on %s; want both", eligible, not, today)
	}
}
