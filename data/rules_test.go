package data

import (
	"testing"
	"time"
)

// The rules tables load, and the thresholds in force on a day are those
// of its period.
func TestRulesLoad(t *testing.T) {
	r, err := LoadRules()
	if err != nil {
		t.Fatal(err)
	}
	th, ok := r.Threshold("supplies_services_subcentral", time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC))
	if !ok || th.AmountEUR != 216000 || !th.Verified {
		t.Errorf("sub-central services threshold in 2026: %+v %v", th, ok)
	}
	if th, ok := r.Threshold("supplies_services_subcentral", time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)); !ok || th.AmountEUR != 221000 {
		t.Errorf("in 2025: %+v", th)
	}
	if _, ok := r.Threshold("works", time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)); ok {
		t.Error("a threshold in force in 2031, when no table gives one")
	}
	for code, bt71 := range map[string]string{"sheltered_integration": "res-ws", "public_service_mission": "res-pub-ser", "none": "none"} {
		if got := r.Reservations[code].BT71; got != bt71 {
			t.Errorf("%s: BT-71 %q, want %q", code, got, bt71)
		}
	}
}
