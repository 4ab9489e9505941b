package number_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/number"
	"github.com/verken/verken/market"
)

// Every number a supplier or a market check carries has a bound in the
// table: a new field cannot slip in unbounded.
func TestEveryFieldHasABound(t *testing.T) {
	seen := map[reflect.Type]bool{}
	var walk func(path string, typ reflect.Type)
	walk = func(path string, typ reflect.Type) {
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice {
			typ = typ.Elem()
		}
		switch typ.Kind() {
		case reflect.Float32, reflect.Float64, reflect.Int, reflect.Int64, reflect.Uint64:
			if _, ok := number.For(path); !ok {
				t.Errorf("%s has no bound", path)
			}
		case reflect.Struct:
			if seen[typ] || typ.PkgPath() == "time" {
				return
			}
			seen[typ] = true
			for i := range typ.NumField() {
				f := typ.Field(i)
				name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
				if name == "" || name == "-" || !f.IsExported() {
					continue
				}
				walk(path+"."+name, f.Type)
			}
		}
	}
	walk("supplier", reflect.TypeOf(directory.Supplier{}))
	walk("check", reflect.TypeOf(market.CheckInput{}))
}

func TestParseRefusesWhatIsNotAFiniteNumberInBounds(t *testing.T) {
	for in, code := range map[string]string{"NaN": "not_finite", "nan": "not_finite", "Inf": "not_finite", "-Inf": "not_finite",
		"+Infinity": "not_finite", "1e309": "not_finite", "1e308": "range", "-1": "range", "lots": "not_a_number", "": "not_a_number"} {
		_, err := number.Parse("offers[0].free_fte", in)
		ne, ok := err.(*number.Error)
		if !ok || ne.Code != code || ne.Field != "offers[0].free_fte" {
			t.Errorf("%q: %v, want %s", in, err, code)
		}
	}
	if x, err := number.Parse("free_fte", " 2,5 "); err != nil || x != 2.5 {
		t.Errorf("2,5: %v %v", x, err)
	}
	if _, err := number.ParseInt("page", "1e3"); err == nil {
		t.Error("1e3 read as a whole number")
	}
}
