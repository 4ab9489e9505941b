package directory_test

import (
	"strings"
	"testing"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/testenv"
)

// Any text given as an enterprise number is refused or comes out as ten
// digits whose check holds, the same however often normalised.
func FuzzEnterpriseNumber(f *testing.F) {
	for _, s := range []string{"0123.456.749", "BE 0123 456 749", "0123456749", "123456749", "2123456789", "0000000097", "", "0123.456.7490", "١٢٣"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := directory.NormalizeEnterpriseNumber(s)
		if err != nil {
			return
		}
		if len(n) != 10 || strings.Trim(n, "0123456789") != "" {
			t.Fatalf("%q normalised to %q", s, n)
		}
		again, err := directory.NormalizeEnterpriseNumber(directory.FormatEnterpriseNumber(n))
		if err != nil || again != n {
			t.Fatalf("%q: formatted %q does not read back (%v)", n, directory.FormatEnterpriseNumber(n), err)
		}
	})
}

// Any JSON import file is read and dry-run without a panic, and a dry run
// writes nothing.
func FuzzImportJSON(f *testing.F) {
	f.Add(`{"name":"A","kind":"lde","enterprise_number":"0123456749","sites":[{"postcode":"9000"}],"offers":[{"task":"catering","free_fte":2,"at_client_site":true}]}`)
	f.Add(`[{"name":"B"}, 3, null, {"enterprise_number": 12}]`)
	f.Add("\xEF\xBB\xBF\n\n{\"name\":\"C\"}\n{broken")
	f.Add(`{"name":"D","kind":"lde","enterprise_number":"0123456749","sites":[{"postcode":"9000","lat":99}],"offers":[{"task":"x","free_fte":-1,"lead_time_weeks":99999,"service_area":{"radius_km":-5,"regions":["MARS"]}}]}`)
	s := testenv.Store(f, "", 0)
	f.Fuzz(func(t *testing.T, file string) {
		rows, err := directory.ReadJSONRows(strings.NewReader(file))
		if err != nil {
			return
		}
		if _, err := s.Import(rows, true, directory.System); err != nil {
			t.Fatalf("dry run failed: %v", err)
		}
		if n, _ := s.Count(); n != 0 {
			t.Fatal("a dry run wrote")
		}
	})
}
