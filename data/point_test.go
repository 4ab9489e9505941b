package data_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/verken/verken/data"
	"github.com/verken/verken/internal/testenv"
)

// ResolvePoint reads "lat,lon" within range and refuses what is not two
// finite numbers there; everything else is a place of the gazetteer.
func TestResolvePointCoordinates(t *testing.T) {
	g, _ := testenv.Tables(t)
	for _, c := range []struct {
		text     string
		lat, lon float64
	}{
		{"50.85,4.35", 50.85, 4.35},
		{"  51.05 , 3.72 ", 51.05, 3.72},
		{"50.8,4,35", 50.8, 4.35}, // the longitude may use a decimal comma
		{"90,180", 90, 180},
		{"-90,-180", -90, -180},
		{"0,0", 0, 0},
		{"5e1,4", 50, 4},
	} {
		lat, lon, err := g.ResolvePoint(c.text)
		if err != nil || lat != c.lat || lon != c.lon {
			t.Errorf("%q: %v,%v %v; want %v,%v", c.text, lat, lon, err, c.lat, c.lon)
		}
	}
	for _, text := range []string{"90.0001,4", "-90.5,4", "50,180.1", "50,-181", "NaN,4", "50,nan", "Inf,4",
		"50,-Inf", "1e309,4", "abc,4", ",", "50,", ",4", "50,8,4,35", "50;4"} {
		_, _, err := g.ResolvePoint(text)
		var pe *data.PlaceError
		if text == "50;4" {
			// No comma: a name, and no place is called that.
			if !errors.As(err, &pe) || pe.Code != data.PlaceUnknown {
				t.Errorf("%q: %v, want %s", text, err, data.PlaceUnknown)
			}
			continue
		}
		if !errors.As(err, &pe) || pe.Code != data.PlaceInvalidPoint || pe.Reason != "is not a latitude,longitude pair" {
			t.Errorf("%q: %#v, want %s", text, err, data.PlaceInvalidPoint)
		}
	}
}

// Names, NIS codes and postcodes give the gazetteer's points: a postcode
// its own, a municipality its centre; an unknown name says so.
func TestResolvePointPlaces(t *testing.T) {
	g, _ := testenv.Tables(t)
	gent, _ := g.Municipality("44021")
	mariakerke, ok := g.Postcode("9030")
	if !ok || mariakerke.NIS != "44021" || mariakerke.Lat == gent.Lat && mariakerke.Lon == gent.Lon {
		t.Fatalf("9030 is a postcode of Gent with a point of its own: %+v", mariakerke)
	}
	ixelles, _ := g.Municipality("21009")
	for _, c := range []struct {
		text     string
		lat, lon float64
	}{
		{"Gent", gent.Lat, gent.Lon},
		{" gent ", gent.Lat, gent.Lon},
		{"44021", gent.Lat, gent.Lon},
		{"9030", mariakerke.Lat, mariakerke.Lon},
		{"Elsene", ixelles.Lat, ixelles.Lon},
		{"Ixelles", ixelles.Lat, ixelles.Lon},
	} {
		lat, lon, err := g.ResolvePoint(c.text)
		if err != nil || lat != c.lat || lon != c.lon {
			t.Errorf("%q: %v,%v %v; want %v,%v", c.text, lat, lon, err, c.lat, c.lon)
		}
	}
	for _, m := range g.Municipalities() {
		if lat, lon, err := g.ResolvePoint(m.NIS); err != nil || lat != m.Lat || lon != m.Lon {
			t.Errorf("NIS %s: %v,%v %v; want its centre", m.NIS, lat, lon, err)
		}
		for _, code := range m.Postcodes {
			pc, _ := g.Postcode(code)
			if lat, lon, err := g.ResolvePoint(code); err != nil || lat != pc.Lat || lon != pc.Lon {
				t.Errorf("postcode %s: %v,%v %v; want its own point", code, lat, lon, err)
			}
		}
	}
	for _, text := range []string{"Atlantis", "", "1000000", "Wavre"} {
		_, _, err := g.ResolvePoint(" " + text + " ")
		var pe *data.PlaceError
		if !errors.As(err, &pe) || pe.Code != data.PlaceUnknown || pe.Text != text {
			t.Errorf("%q: %#v, want %s", text, err, data.PlaceUnknown)
		}
	}
	_, _, err := g.ResolvePoint("Atlantis")
	if want := `"Atlantis" is not a postcode, a Flemish or Brussels municipality, or latitude,longitude`; err == nil || err.Error() != want {
		t.Errorf("reason: %v, want %s", err, want)
	}
}

// DistanceKm and DistanceFrom give one number, and it is the great-circle
// distance: the haversine formula agrees with the spherical law of cosines,
// worked out apart, over Belgium's range of points.
func TestDistanceKm(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 9))
	cosines := func(lat1, lon1, lat2, lon2 float64) float64 {
		p1, p2, dl := lat1*math.Pi/180, lat2*math.Pi/180, (lon2-lon1)*math.Pi/180
		return 6371.0088 * math.Acos(math.Sin(p1)*math.Sin(p2)+math.Cos(p1)*math.Cos(p2)*math.Cos(dl))
	}
	for range 10000 {
		lat1, lon1 := 49.5+r.Float64()*2, 2.5+r.Float64()*4
		lat2, lon2 := 49.5+r.Float64()*2, 2.5+r.Float64()*4
		d := data.DistanceKm(lat1, lon1, lat2, lon2)
		if from := data.DistancesFrom(lat1, lon1).Km(lat2, lon2, data.CosLat(lat2)); from != d {
			t.Fatalf("(%v,%v)-(%v,%v): DistanceFrom %v, DistanceKm %v", lat1, lon1, lat2, lon2, from, d)
		}
		if want := cosines(lat1, lon1, lat2, lon2); d > 1 && math.Abs(d-want) > 1e-6*want {
			t.Fatalf("(%v,%v)-(%v,%v): %v km, the law of cosines %v", lat1, lon1, lat2, lon2, d, want)
		}
	}
	// One degree of latitude is 111.2 km on this sphere.
	if d := data.DistanceKm(50, 4, 51, 4); math.Abs(d-6371.0088*math.Pi/180) > 1e-9 {
		t.Fatalf("one degree of latitude: %v km", d)
	}
}
