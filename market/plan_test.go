package market_test

import (
	"testing"

	"github.com/verken/verken/data"
	"github.com/verken/verken/market"
)

func TestMatcherReadsMisspeltAndFrenchDescriptions(t *testing.T) {
	tx, err := data.LoadTaxonomy()
	if err != nil {
		t.Fatal(err)
	}
	m := market.NewMatcher(tx)
	for text, want := range map[string]string{
		"schoonmaak kantoren": "office-cleaning", "nettoyage de bureaux": "office-cleaning", "groenonderhoud": "green-maintenance",
		"entretien des espaces verts": "green-maintenance", "schoonmak": "office-cleaning", "kantoorschoonmaak": "office-cleaning",
		"groenonderhoudt": "green-maintenance", "lavage de vitres": "window-cleaning", "Blanchisserie": "laundry", "Aménagement de jardins": "landscaping",
	} {
		got := m.Match(text, 3)
		if len(got) == 0 || got[0].Task != want {
			t.Errorf("%q: %v, want %s first", text, got, want)
		}
	}
	if got := m.Match("iets totaal anders", 3); len(got) != 0 {
		t.Errorf("an unrelated text matched %v", got)
	}
	// An exact name scores 1, a typo less.
	if got := m.Match("groenonderhoud", 1); got[0].Score != 1 {
		t.Errorf("exact name: %v", got)
	}
	if got := m.Match("schoonmak", 1); got[0].Score >= 1 || got[0].Score < 0.8 {
		t.Errorf("one typo: %v", got)
	}
}

func TestPlanReaderKeepsGoodRowsAndNamesBadFields(t *testing.T) {
	g, err := data.LoadGazetteer()
	if err != nil {
		t.Fatal(err)
	}
	tx, _ := data.LoadTaxonomy()
	r := market.PlanReader{Places: g, Tasks: tx, Matcher: market.NewMatcher(tx)}
	table := [][]string{
		{"Omschrijving", "CPV", "Taak", "Plaats", "VTE (FTE)", "Uren per week", "Jaarwaarde", "Start", "Looptijd"},
		{"schoonmaak kantoren", "", "", "Gent", "6", "", "€ 250.000", "07-01-2030", "24"},
		{"iets", "90919200-4", "", "9000", "", "76", "", "2030-01-07", ""},
		{"ramen", "", "Glazenwassen", "Antwerpen", "1,5", "", "", "7/1/2030", "12"},
		{"groen", "", "", "Limburg", "", "", "120000", "07-01-2030", ""},
		{"x", "", "", "", "", "", "", "07-01-2030", ""},
		{"x", "", "", "Atlantis", "1", "", "", "07-01-2030", ""},
		{"x", "", "", "", "1", "", "", "07-01-2020", ""},
		{"x", "", "nope", "", "1", "", "", "07-01-2030", ""},
		{"x", "", "", "", "abc", "", "", "07-01-2030", ""},
		{"", "", "", "", "", "", "", "", ""},
	}
	lines, errs, err := r.Read(table, today)
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 4 {
		t.Fatalf("%d lines, want 4: %+v", len(lines), lines)
	}
	if l := lines[0]; l.Task != "office-cleaning" || l.Source != market.SourceDescription || l.YearlyValueEUR != 250000 || l.VolumeFTE != 6 || l.Place != "Gent" {
		t.Errorf("line 1: %+v", l)
	}
	if l := lines[1]; l.CPV != "90919200-4" || l.Source != market.SourceCPV || l.Task != "office-cleaning" || l.Volume() != 2 {
		t.Errorf("line 2: %+v", l)
	}
	if l := lines[2]; l.Task != "window-cleaning" || l.Source != market.SourceTask || l.VolumeFTE != 1.5 || l.Place != "Antwerpen" {
		t.Errorf("line 3: %+v", l)
	}
	if l := lines[3]; l.Region != "LIM" || l.Volume() != 0 || l.YearlyValueEUR != 120000 {
		t.Errorf("line 4: %+v", l)
	}
	want := []struct {
		row         int
		field, code string
	}{{6, "volume_fte", "no_volume"}, {7, "place", "unknown_place"}, {8, "start", "past"}, {9, "task", "unknown_task"}, {10, "volume_fte", "not_a_number"}}
	if len(errs) != len(want) {
		t.Fatalf("errors: %+v", errs)
	}
	for i, w := range want {
		if e := errs[i]; e.Row != w.row || e.Field != w.field || e.Code != w.code {
			t.Errorf("error %d: %+v, want %+v", i, e, w)
		}
	}
	if _, _, err := r.Read([][]string{{"a", "b"}, {"1", "2"}}, today); err != market.ErrPlanHeader {
		t.Errorf("no plan header: %v", err)
	}
}

func TestParsePlanDate(t *testing.T) {
	for _, s := range []string{"2030-01-07", "07-01-2030", "7-1-2030", "07/01/2030", "07.01.2030", "47490"} {
		if d, ok := market.ParsePlanDate(s); !ok || d.String() != "2030-01-07" {
			t.Errorf("%s: %v %v", s, d, ok)
		}
	}
	for _, s := range []string{"31-02-2030", "morgen", "2030-13-01"} {
		if _, ok := market.ParsePlanDate(s); ok {
			t.Errorf("%s read as a date", s)
		}
	}
}
