package data

import "testing"

func TestNACE(t *testing.T) {
	tx, err := LoadTaxonomy()
	if err != nil {
		t.Fatal(err)
	}
	m, err := LoadNACE(tx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		version, code, want string
	}{
		{"2008", "81210", "office-cleaning"}, // a NACE-BEL subclass under its class
		{"2008", "81300", "green-maintenance"},
		{"2025", "81230", "street-cleaning"},
		{"2025", "96100", "laundry"},
	} {
		got := m.Tasks(c.version, c.code)
		if len(got) == 0 || got[0] != c.want {
			t.Errorf("%s %s: %v, want %s", c.version, c.code, got, c.want)
		}
	}
	if got := m.Tasks("2003", "74701"); got != nil {
		t.Errorf("2003 codes map to nothing, got %v", got)
	}
	if got := m.Tasks("2008", "62010"); got != nil {
		t.Errorf("62010: %v", got)
	}
}
