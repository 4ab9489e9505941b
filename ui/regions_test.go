package ui_test

import (
	"strings"
	"testing"

	"github.com/verken/verken/directory"
)

// Brussels is a province and a region: every list of places that shows
// the provinces and then the regions names it once.
func TestBrusselsNamedOnceInPlaceLists(t *testing.T) {
	s := startServer(t, 3)
	account(t, s, "inkoop@stad.example", directory.RoleBuyer)
	account(t, s, "an@demo.example", directory.RoleSupplier, "demo-0001")
	buyer, supplier := newVisitor(t, s), newVisitor(t, s)
	buyer.signIn("inkoop@stad.example", testPassword)
	supplier.signIn("an@demo.example", testPassword)
	// An offer that serves the Brussels region keeps it when its form is
	// saved: the one Brussels box is ticked.
	sup, _ := s.Store.Get("demo-0001")
	sup.Offers[0].ServiceArea = directory.ServiceArea{Regions: []string{"BRU"}}
	if err := s.Store.Update(&sup, directory.Actor{Name: "test"}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct {
		who  *browserless
		path string
	}{{buyer, "/marktverkenning"}, {buyer, "/raadplegingen/nieuw"}, {supplier, "/mijn/leveranciers/demo-0001/bewerken"}} {
		code, body := p.who.get(p.path)
		if code != 200 {
			t.Fatalf("%s: %d", p.path, code)
		}
		// A list per offer on the profile form: count per list.
		lists := strings.Count(body, "Vlaams Gewest")
		if lists == 0 {
			t.Fatalf("%s lists no regions", p.path)
		}
		if n := strings.Count(body, "Brussels Hoofdstedelijk Gewest"); n != lists {
			t.Errorf("%s names Brussels %d times in %d lists of places", p.path, n, lists)
		}
		if p.who == supplier && !strings.Contains(body, `name="offers[0].area.provinces" value="BRU" checked`) {
			t.Errorf("the form of an offer that serves the Brussels region does not tick Brussels")
		}
	}
}
