package data

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Region codes.
const (
	RegionFlanders = "VLG"
	RegionBrussels = "BRU"
	RegionWallonia = "WAL"
)

// Region is one of Belgium's three regions.
type Region struct {
	Code string
	Name Labels
}

// Province is a Flemish province. The Brussels-Capital Region has no
// province; it is listed at this level as BRU so that a buyer can choose
// "Brussels" wherever a province is asked.
type Province struct {
	Code   string
	Name   Labels
	Region string
}

// Arrondissement is an administrative arrondissement (NUTS3), keyed by the
// first two digits of its municipalities' NIS codes.
type Arrondissement struct {
	Code     string
	Name     Labels
	Province string
}

// Municipality is a municipality as of 1 January 2025.
type Municipality struct {
	NIS            string
	Name           Labels
	Arrondissement string
	Province       string
	Region         string
	// FormerNames are the municipalities merged into this one (2019, 2025).
	FormerNames []string
	Lat, Lon    float64
	Postcodes   []string
}

// Place is a named place (municipality or sub-municipality) with a point.
type Place struct {
	Name     string
	Lat, Lon float64
}

// Postcode is a Belgian postcode with the municipality it belongs to.
type Postcode struct {
	Code     string
	NIS      string
	Lat, Lon float64
	Places   []Place
}

// Gazetteer answers questions about Flemish and Brussels places.
type Gazetteer struct {
	regions         []Region
	provinces       []Province
	arrondissements []Arrondissement
	municipalities  []Municipality
	byNIS           map[string]int
	postcodes       map[string]Postcode
	// byName maps a folded name (current, French, former, or place name) to
	// the NIS codes it may denote, best first.
	byName map[string][]string
	// places maps a folded place name (a former or sub-municipality) to
	// its own point and municipality, the first in postcode order.
	places map[string]namedPlace
	// outside are places beyond Flanders and Brussels near their border.
	outside []Place
}

// namedPlace is a place's point and the municipality it lies in.
type namedPlace struct {
	Place
	NIS string
}

// LoadGazetteer reads the embedded gazetteer tables.
func LoadGazetteer() (*Gazetteer, error) {
	g := &Gazetteer{byNIS: map[string]int{}, postcodes: map[string]Postcode{}, byName: map[string][]string{}, places: map[string]namedPlace{}}
	rows, err := readTSV("geo/regions.tsv", 4)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		g.regions = append(g.regions, Region{Code: r[0], Name: Labels{r[1], r[2], r[3]}})
	}
	if rows, err = readTSV("geo/provinces.tsv", 5); err != nil {
		return nil, err
	}
	for _, r := range rows {
		g.provinces = append(g.provinces, Province{Code: r[0], Name: Labels{r[1], r[2], r[3]}, Region: r[4]})
	}
	if rows, err = readTSV("geo/arrondissements.tsv", 4); err != nil {
		return nil, err
	}
	for _, r := range rows {
		g.arrondissements = append(g.arrondissements, Arrondissement{Code: r[0], Name: Labels{r[1], r[2], r[1]}, Province: r[3]})
	}
	if rows, err = readTSV("geo/municipalities.tsv", 9); err != nil {
		return nil, err
	}
	for _, r := range rows {
		lat, lon, err := parseLatLon("municipality "+r[0], r[7], r[8])
		if err != nil {
			return nil, err
		}
		m := Municipality{NIS: r[0], Name: Labels{r[1], r[2], r[1]}, Arrondissement: r[3], Province: r[4], Region: r[5], Lat: lat, Lon: lon}
		if r[6] != "" {
			m.FormerNames = strings.Split(r[6], "|")
		}
		g.byNIS[m.NIS] = len(g.municipalities)
		g.municipalities = append(g.municipalities, m)
	}
	if rows, err = readTSV("geo/postcodes.tsv", 4); err != nil {
		return nil, err
	}
	for _, r := range rows {
		lat, lon, err := parseLatLon("postcode "+r[0], r[2], r[3])
		if err != nil {
			return nil, err
		}
		p := Postcode{Code: r[0], NIS: r[1], Lat: lat, Lon: lon}
		if len(r) > 4 && r[4] != "" {
			for _, pl := range strings.Split(r[4], "|") {
				name, pt, ok := strings.Cut(pl, "@")
				la, lo, ok2 := strings.Cut(pt, ",")
				if !ok || !ok2 {
					return nil, fmt.Errorf("postcode %s: bad place %q", r[0], pl)
				}
				plat, plon, err := parseLatLon("place "+name, la, lo)
				if err != nil {
					return nil, err
				}
				p.Places = append(p.Places, Place{Name: name, Lat: plat, Lon: plon})
			}
		}
		i, ok := g.byNIS[p.NIS]
		if !ok {
			return nil, fmt.Errorf("postcode %s: unknown municipality %s", p.Code, p.NIS)
		}
		g.municipalities[i].Postcodes = append(g.municipalities[i].Postcodes, p.Code)
		g.postcodes[p.Code] = p
	}
	g.indexNames()
	if g.outside, err = readOutside(); err != nil {
		return nil, err
	}
	return g, nil
}

// indexNames fills byName. Official names win over former names, which win
// over sub-municipality place names, so "Gooik" finds Pajottegem and
// "Brussel" finds the City of Brussels, not a place in it.
func (g *Gazetteer) indexNames() {
	add := func(name, nis string) {
		k := FoldName(name)
		for _, have := range g.byName[k] {
			if have == nis {
				return
			}
		}
		g.byName[k] = append(g.byName[k], nis)
	}
	for _, m := range g.municipalities {
		add(m.Name.NL, m.NIS)
		add(m.Name.FR, m.NIS)
	}
	for _, m := range g.municipalities {
		for _, f := range m.FormerNames {
			add(f, m.NIS)
		}
	}
	codes := make([]string, 0, len(g.postcodes))
	for c := range g.postcodes {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, c := range codes {
		p := g.postcodes[c]
		for _, pl := range p.Places {
			add(pl.Name, p.NIS)
			if _, ok := g.places[FoldName(pl.Name)]; !ok {
				g.places[FoldName(pl.Name)] = namedPlace{pl, p.NIS}
			}
		}
	}
}

// FoldName lower-cases a place name, removes accents and treats hyphens,
// apostrophes and runs of spaces alike, so "Sint-Genesius-Rode",
// "sint genesius rode" and "Rhode-St-Genèse" compare on letters only.
func FoldName(s string) string {
	folded := s
	if !isASCII(s) { // ASCII has no accents to take off
		t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
		var err error
		if folded, _, err = transform.String(t, s); err != nil {
			folded = s
		}
	}
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(folded) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
			continue
		}
		space = true
	}
	return b.String()
}

func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// Regions returns the regions.
func (g *Gazetteer) Regions() []Region { return g.regions }

// RegionsBeyondProvinces returns the regions that are not also a province:
// Brussels is both, and a list of provinces followed by regions would name
// it twice.
func (g *Gazetteer) RegionsBeyondProvinces() []Region {
	var out []Region
	for _, r := range g.regions {
		if !slices.ContainsFunc(g.provinces, func(p Province) bool { return p.Code == r.Code }) {
			out = append(out, r)
		}
	}
	return out
}

// Provinces returns the provinces (and Brussels at that level).
func (g *Gazetteer) Provinces() []Province { return g.provinces }

// Arrondissements returns the arrondissements.
func (g *Gazetteer) Arrondissements() []Arrondissement { return g.arrondissements }

// Municipalities returns every municipality, ordered by NIS code.
func (g *Gazetteer) Municipalities() []Municipality { return g.municipalities }

// Municipality returns the municipality with the given NIS code.
func (g *Gazetteer) Municipality(nis string) (Municipality, bool) {
	i, ok := g.byNIS[nis]
	if !ok {
		return Municipality{}, false
	}
	return g.municipalities[i], true
}

// Postcode returns a postcode.
func (g *Gazetteer) Postcode(code string) (Postcode, bool) {
	p, ok := g.postcodes[strings.TrimSpace(code)]
	return p, ok
}

// Province returns a province by code.
func (g *Gazetteer) Province(code string) (Province, bool) {
	for _, p := range g.provinces {
		if strings.EqualFold(p.Code, code) {
			return p, true
		}
	}
	return Province{}, false
}

// Arrondissement returns an arrondissement by its two-digit code.
func (g *Gazetteer) Arrondissement(code string) (Arrondissement, bool) {
	for _, a := range g.arrondissements {
		if a.Code == code {
			return a, true
		}
	}
	return Arrondissement{}, false
}

// ResolveMunicipality finds the municipality a user means: a NIS code, a
// postcode, or a current, French, former or sub-municipality name.
func (g *Gazetteer) ResolveMunicipality(text string) (Municipality, bool) {
	text = strings.TrimSpace(text)
	if m, ok := g.Municipality(text); ok {
		return m, true
	}
	if p, ok := g.Postcode(text); ok {
		return g.Municipality(p.NIS)
	}
	if nis := g.byName[FoldName(text)]; len(nis) > 0 {
		return g.Municipality(nis[0])
	}
	return Municipality{}, false
}

// NearestMunicipality is the municipality whose centre lies nearest a
// point, and how far that centre is in km.
func (g *Gazetteer) NearestMunicipality(lat, lon float64) (Municipality, float64) {
	best, bestKm := Municipality{}, math.Inf(1)
	for _, m := range g.municipalities {
		if d := DistanceKm(lat, lon, m.Lat, m.Lon); d < bestKm {
			best, bestKm = m, d
		}
	}
	return best, bestKm
}

// MunicipalityOrdinal returns the position of a municipality in
// Municipalities, so that sets of municipalities can be bit sets.
func (g *Gazetteer) MunicipalityOrdinal(nis string) (int, bool) {
	i, ok := g.byNIS[nis]
	return i, ok
}

// ResolveRegion finds a region by code or by name in any language.
func (g *Gazetteer) ResolveRegion(text string) (Region, bool) {
	k := FoldName(text)
	for _, r := range g.regions {
		if strings.EqualFold(r.Code, text) || FoldName(r.Name.NL) == k || FoldName(r.Name.FR) == k || FoldName(r.Name.EN) == k {
			return r, true
		}
	}
	return Region{}, false
}

// ResolveArrondissement finds an arrondissement by code or by name.
func (g *Gazetteer) ResolveArrondissement(text string) (Arrondissement, bool) {
	k := FoldName(text)
	for _, a := range g.arrondissements {
		if a.Code == text || FoldName(a.Name.NL) == k || FoldName(a.Name.FR) == k {
			return a, true
		}
	}
	return Arrondissement{}, false
}

// ResolveProvince finds a province by code or by name in any language.
func (g *Gazetteer) ResolveProvince(text string) (Province, bool) {
	k := FoldName(text)
	for _, p := range g.provinces {
		if strings.EqualFold(p.Code, text) {
			return p, true
		}
	}
	for _, p := range g.provinces {
		if FoldName(p.Name.NL) == k || FoldName(p.Name.FR) == k || FoldName(p.Name.EN) == k {
			return p, true
		}
	}
	return Province{}, false
}

// DistanceKm is the great-circle distance between two points.
func DistanceKm(lat1, lon1, lat2, lon2 float64) float64 {
	return DistancesFrom(lat1, lon1).Km(lat2, lon2, CosLat(lat2))
}

// DistanceFrom measures great-circle distances from one point to many, as
// DistanceKm does, bit for bit: "near" measures every site in the circle,
// and the cosines of the latitudes, the point's and each site's, need not
// be worked out every time.
type DistanceFrom struct{ lat, lon, cosLat float64 }

// DistancesFrom prepares to measure from a point.
func DistancesFrom(lat, lon float64) DistanceFrom {
	return DistanceFrom{lat, lon, CosLat(lat)}
}

// CosLat is the cosine of a latitude, which DistanceFrom.Km takes.
func CosLat(lat float64) float64 { return math.Cos(lat * math.Pi / 180) }

// Km is the distance to the point at lat, lon, whose latitude's cosine is
// cosLat (CosLat). The haversine formula, with a mean Earth radius.
func (f DistanceFrom) Km(lat, lon, cosLat float64) float64 {
	const r = 6371.0088
	dp, dl := (lat-f.lat)*math.Pi/180, (lon-f.lon)*math.Pi/180
	sp, sl := math.Sin(dp/2), math.Sin(dl/2)
	a := sp*sp + f.cosLat*cosLat*sl*sl
	return 2 * r * math.Asin(math.Sqrt(a))
}
