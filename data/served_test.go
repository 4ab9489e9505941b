package data_test

import (
	"testing"

	"github.com/verken/verken/internal/testenv"
)

// Points just across the border are outside, however near a Flemish
// centre; points in border towns of Flanders and Brussels are inside.
func TestServedRefusesPointsAcrossTheBorder(t *testing.T) {
	g, _ := testenv.Tables(t)
	for _, c := range []struct {
		name     string
		lat, lon float64
	}{
		{"Wavre", 50.717, 4.601}, {"Mouscron", 50.744, 3.214}, {"Waterloo", 50.715, 4.399}, {"Tubize", 50.692, 4.203},
		{"Enghien", 50.693, 4.040}, {"Comines", 50.769, 3.003}, {"Visé", 50.737, 5.694}, {"Maastricht", 50.85, 5.69},
		{"Halluin", 50.784, 3.126}, {"La Hulpe", 50.730, 4.486}, {"Lille", 50.63, 3.06}, {"Namur", 50.467, 4.867},
	} {
		if m, ok := g.Served(c.lat, c.lon); ok {
			t.Errorf("%s (%v,%v) is taken as in %s", c.name, c.lat, c.lon, m.Name.NL)
		}
	}
	for _, c := range []struct {
		name     string
		lat, lon float64
		nis      string
	}{
		{"Overijse", 50.774, 4.537, "23062"}, {"Menen", 50.797, 3.122, "34027"}, {"Ronse", 50.746, 3.600, "45041"},
		{"Spiere", 50.722, 3.355, "34043"}, {"Mesen", 50.7636, 2.8975, "33016"}, {"Halle", 50.733, 4.234, "23027"},
		{"Sint-Genesius-Rode", 50.749, 4.357, "23101"}, {"Landen", 50.753, 5.082, "24059"}, {"Tongeren", 50.781, 5.464, "73111"},
		{"Voeren", 50.758, 5.78, "73109"}, {"Baarle-Hertog", 51.443, 4.930, ""}, {"Brussel", 50.8467, 4.3525, "21004"},
		{"Knokke", 51.35, 3.29, ""}, {"Lommel", 51.23, 5.31, ""}, {"Zelzate", 51.20, 3.81, ""},
	} {
		m, ok := g.Served(c.lat, c.lon)
		if !ok || c.nis != "" && m.NIS != c.nis {
			t.Errorf("%s (%v,%v): %v %s %s", c.name, c.lat, c.lon, ok, m.NIS, m.Name.NL)
		}
	}
	// Every point of the gazetteer is inside.
	for _, m := range g.Municipalities() {
		if _, ok := g.Served(m.Lat, m.Lon); !ok {
			t.Errorf("the centre of %s is outside", m.Name.NL)
		}
		for _, code := range m.Postcodes {
			p, _ := g.Postcode(code)
			if _, ok := g.Served(p.Lat, p.Lon); !ok {
				t.Errorf("postcode %s is outside", code)
			}
			for _, pl := range p.Places {
				if _, ok := g.Served(pl.Lat, pl.Lon); !ok {
					t.Errorf("%s (%s) is outside", pl.Name, code)
				}
			}
		}
	}
}

// A former municipality's name measures from its own point; a current
// name from the centre; a postcode from its own point.
func TestResolvePointFormerNames(t *testing.T) {
	g, _ := testenv.Tables(t)
	for _, c := range []struct {
		text     string
		lat, lon float64
	}{
		{"Gooik", 50.79528, 4.11805}, {"Kortessem", 50.86255, 5.37812}, {"Pajottegem", 50.72332, 4.05366},
		{"Hasselt", 50.92152, 5.34474}, {"Brugge", 51.20935, 3.22470}, {"8000", 51.22993, 3.20284}, {"Koolkerke", 51.24033, 3.24811},
	} {
		lat, lon, err := g.ResolvePoint(c.text)
		if err != nil || lat != c.lat || lon != c.lon {
			t.Errorf("%s: %v,%v %v; want %v,%v", c.text, lat, lon, err, c.lat, c.lon)
		}
	}
}
