package directory_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/testenv"
)

// What JSON brings in (an import, the API) passes the same bounds as a
// form: 1e308, a NaN coordinate, a megabyte of text, a list of thousands.
// The store refuses each naming the field, and keeps nothing of it.
func TestStoreRefusesUnboundedValues(t *testing.T) {
	s := testenv.Store(t, "", 0)
	cases := map[string]struct {
		code   string
		change func(*directory.Supplier)
	}{
		"total_fte":                        {"range", func(x *directory.Supplier) { x.TotalFTE = 1e308 }},
		"turnover_eur":                     {"range", func(x *directory.Supplier) { x.TurnoverEUR, x.TurnoverYear = 1e308, 2024 }},
		"target_group_share":               {"not_finite", func(x *directory.Supplier) { x.TargetGroupShare = math.NaN() }},
		"sites[0].lat":                     {"not_finite", func(x *directory.Supplier) { x.Sites[0].Lat, x.Sites[0].Lon = math.NaN(), 4 }},
		"offers[0].volume":                 {"range", func(x *directory.Supplier) { x.Offers[0].Volume = 1e308 }},
		"offers[0].max_contract_eur":       {"not_finite", func(x *directory.Supplier) { x.Offers[0].MaxContractEUR = math.Inf(1) }},
		"offers[0].service_area.radius_km": {"not_finite", func(x *directory.Supplier) { x.Offers[0].ServiceArea.RadiusKm = math.NaN() }},
		"references[0].value_eur": {"range", func(x *directory.Supplier) {
			x.References = []directory.Reference{{Client: "Stad Gent", ValueEUR: 1e308}}
		}},
		"description":   {"too_long", func(x *directory.Supplier) { x.Description = strings.Repeat("x", 1<<20) }},
		"contact.phone": {"too_long", func(x *directory.Supplier) { x.Contact.Phone = strings.Repeat("0", 1000) }},
		"offers[0].service_area.municipalities": {"too_many", func(x *directory.Supplier) {
			x.Offers[0].ServiceArea.Municipalities = make([]string, 10000)
		}},
		"target_groups": {"too_many", func(x *directory.Supplier) {
			x.TargetGroups = make([]string, 1000)
		}},
		"sites": {"too_many", func(x *directory.Supplier) {
			for range 60 {
				x.Sites = append(x.Sites, directory.Site{Postcode: "9000"})
			}
		}},
	}
	for field, c := range cases {
		sup := newSupplier()
		c.change(&sup)
		err := s.Create(&sup)
		var v *directory.ValidationError
		if !errors.As(err, &v) {
			t.Errorf("%s: want a validation error, got %v", field, err)
			continue
		}
		found := false
		for _, f := range v.Fields {
			found = found || f.Field == field && f.Code == c.code
			if len(f.Reason) > 200 {
				t.Errorf("%s: a reason of %d bytes", field, len(f.Reason))
			}
		}
		if !found {
			t.Errorf("%s: want %s in %v", field, c.code, v.Fields)
		}
	}
	if n, err := s.Count(); err != nil || n != 0 {
		t.Fatalf("the store holds %d suppliers (%v)", n, err)
	}
}

// Account-side texts are bounded by one function the account code calls.
func TestAccountTextsAreBounded(t *testing.T) {
	for kind, max := range map[string]int{directory.AccountName: 200, directory.TokenName: 100, directory.SavedSearchName: 200, directory.SavedSearchQuery: 4000} {
		if err := directory.CheckAccountText("f", kind, strings.Repeat("é", max)); err != nil {
			t.Errorf("%s of %d characters refused: %v", kind, max, err)
		}
		var v *directory.ValidationError
		if err := directory.CheckAccountText("f", kind, strings.Repeat("é", max+1)); !errors.As(err, &v) || v.Fields[0].Code != "too_long" || v.Fields[0].Limit != max {
			t.Errorf("%s of %d characters: %v", kind, max+1, err)
		}
	}
}
