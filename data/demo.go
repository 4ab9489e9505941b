package data

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"time"
)

// DefaultDemoSuppliers is how many suppliers a fresh data directory gets.
const DefaultDemoSuppliers = 400

// DemoSupplier is a generated, fictional supplier. Its fields mirror the
// directory's supplier; directory.FromDemo turns it into one. (data imports
// nothing of ours, so it cannot build the directory's type itself.)
type DemoSupplier struct {
	ID, Name, Description, Kind string
	EnterpriseNumber            string // ten digits, valid mod 97
	Recognition                 *DemoRecognition
	TargetGroupShare            float64
	TotalFTE, TargetGroupFTE    float64
	TurnoverEUR                 float64 // 0: not given
	TurnoverYear                int
	TargetGroups                []string
	Sites                       []DemoSite
	Offers                      []DemoOffer
	Cooperation                 []string
	Contact                     struct{ Person, Email, Phone, Website string }
	References                  []DemoReference
	CreatedAt, UpdatedAt        time.Time
	ConfirmedAt                 time.Time
}

// demoTurnover gives four in five suppliers a turnover of last year, from
// their workforce: about 40,000 euro per FTE in the social economy and
// 75,000 in regular companies. It draws from its own generator, so the
// other demo fields stay as they were before turnover existed.
func demoTurnover(s *DemoSupplier, seed uint64, i int, now time.Time) {
	rng := rand.New(rand.NewPCG(seed^0x70, uint64(i)))
	if rng.IntN(5) == 0 {
		return
	}
	perFTE := 40000.0
	if s.Kind == "regulier" {
		perFTE = 75000
	}
	s.TurnoverEUR = math.Round(s.TotalFTE*perFTE*(0.7+0.6*rng.Float64())/1000) * 1000
	s.TurnoverYear = now.Year() - 1
}

// DemoRecognition is a fictional recognition.
type DemoRecognition struct {
	Type, Number, Issuer string
	ValidFrom, ValidTo   time.Time
}

// DemoSite is a fictional site at a real postcode.
type DemoSite struct {
	ID, Name, Street, Postcode, Municipality string
	Lat, Lon                                 float64
}

// DemoOffer is a fictional offer.
type DemoOffer struct {
	ID, Task                string
	FreeFTE                 float64
	AvailableFrom           time.Time
	Volume                  float64
	VolumeUnit              string
	MaxContractEUR          float64
	LeadTimeWeeks           int
	AtOwnSite, AtClientSite bool
	SiteID                  string
	AreaMunicipalities      []string
	AreaArrondissements     []string
	AreaProvinces           []string
	AreaRadiusKm            float64
}

// DemoReference is a fictional past contract.
type DemoReference struct {
	Client, Description string
	Year                int
	ValueEUR            float64
}

// kindProfile says how suppliers of one kind look.
type kindProfile struct {
	kind        string
	weight      int
	fte         [2]float64 // total FTE range
	share       [2]float64 // target-group share range (%)
	tasks       []string   // tasks this kind typically does, most typical first
	recognition string
	nameForms   []string
}

var demoKinds = []kindProfile{
	{"maatwerkbedrijf", 24, [2]float64{40, 900}, [2]float64{65, 92},
		[]string{"packaging", "assembly", "green-maintenance", "office-cleaning", "laundry", "woodwork", "metalwork", "digitisation", "printing-mailing", "catering", "sorting-recycling", "warehousing", "window-cleaning", "weed-control", "document-destruction"},
		"maatwerkbedrijf", []string{"%s Maatwerk", "Werkhuis %s", "%s Ateliers", "De %s Werkplaats"}},
	{"maatwerkafdeling", 8, [2]float64{20, 200}, [2]float64{8, 35},
		[]string{"packaging", "warehousing", "office-cleaning", "assembly", "industrial-cleaning", "laundry"},
		"maatwerkafdeling", []string{"%s Facility", "%s Logistics", "Groep %s"}},
	{"lde", 18, [2]float64{6, 60}, [2]float64{50, 85},
		[]string{"ironing", "bicycle-repair", "meal-delivery", "renovation", "office-cleaning", "green-maintenance", "street-cleaning", "canteen", "removals"},
		"lokale diensteneconomie", []string{"Buurtwerk %s", "Klusjesdienst %s", "Strijkatelier %s", "Fietspunt %s", "Buurtrestaurant %s"}},
	{"arbeidszorg", 12, [2]float64{4, 40}, [2]float64{80, 100},
		[]string{"green-maintenance", "woodwork", "repair-reuse", "catering", "sewing", "nature-management", "packaging"},
		"", []string{"Zorgboerderij %s", "Arbeidszorg %s", "Atelier %s"}},
	{"sociale-onderneming", 16, [2]float64{3, 120}, [2]float64{20, 70},
		[]string{"repair-reuse", "sorting-recycling", "catering", "digitisation", "courier", "waste-collection", "sewing", "bicycle-repair", "food-processing"},
		"", []string{"%s Coöperatie", "Kringloop %s", "%s Circulair", "Sociaal Bedrijf %s"}},
	{"regulier", 22, [2]float64{5, 400}, [2]float64{0, 8},
		[]string{"office-cleaning", "facility-services", "green-maintenance", "warehousing", "catering", "removals", "window-cleaning", "painting", "landscaping", "courier", "tree-hedge-care", "reception", "vehicle-cleaning", "archiving"},
		"", []string{"%s Services", "%s & Zonen", "%s Group", "%s Facility Partners"}},
}

// Fictional name parts: none of the combinations names a real enterprise on purpose.
var demoWords = []string{"Horizon", "Kompas", "Linde", "Eik", "Beuk", "Zwaluw", "Meander", "Bron", "Spoor", "Brug", "Haven",
	"Akker", "Kiem", "Duin", "Polder", "Kempen", "Leie", "Schelde", "Dijle", "Nete", "Demer", "Zenne", "Maas", "Vliet",
	"Zonneveld", "Klaproos", "Vlier", "Hazel", "Wilg", "Es", "Iep", "Ster", "Noorderlicht", "Mozaïek", "Kruispunt", "Vlot",
	"Anker", "Steiger", "Werf", "Molen", "Hoeve", "Koutertje", "Tandem", "Schakel", "Draad", "Weefsel", "Bolwerk"}
var demoSurnames = []string{"Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens", "Wouters", "De Smet",
	"Dubois", "Lambert", "Dumont", "Hermans", "Aerts", "Van den Broeck", "Desmet", "Vermeulen", "De Clercq", "Verhoeven"}
var demoStreets = []string{"Industrieweg", "Ambachtsstraat", "Nijverheidslaan", "Kerkstraat", "Stationsstraat", "Molenstraat",
	"Schoolstraat", "Dorpsstraat", "Kouter", "Veldstraat", "Hoogstraat", "Bedrijvenlaan", "Kanaalweg", "Vaartkaai"}
var demoFirstNames = []string{"An", "Bart", "Els", "Tom", "Sofie", "Koen", "Lotte", "Pieter", "Nathalie", "Yusuf", "Fatima", "Joris", "Inge", "Samir", "Marie"}
var demoClients = []string{"Stad", "Gemeente", "OCMW", "Provincie", "Woonmaatschappij", "Scholengroep", "AZ", "Intercommunale"}
var demoTargetGroups = []string{"arbeidshandicap", "psychosociaal", "kwetsbaar", "langdurig-werkzoekend", "nieuwkomers", "jongeren", "ouderen"}
var demoCooperation = []string{"onderaanneming", "tijdelijke-vereniging", "enclave", "opleidingsplaatsen", "samenwerking-sociale-economie"}

// centres are the larger cities, which get more suppliers.
var demoCentres = map[string]float64{"11002": 10, "44021": 8, "21004": 6, "31005": 4, "24062": 4, "12025": 3, "71072": 3,
	"34022": 3, "41002": 3, "35013": 2, "71016": 3, "36015": 2, "46021": 2, "13040": 2, "21001": 2, "21015": 2, "21012": 2}

// taskUnits gives an offer's volume unit where one is usual.
var taskUnits = map[string]string{"office-cleaning": "m² per dag", "window-cleaning": "m² per week", "green-maintenance": "ha per jaar",
	"laundry": "kg per week", "ironing": "stuks per week", "packaging": "eenheden per dag", "meal-delivery": "maaltijden per dag",
	"catering": "maaltijden per dag", "digitisation": "pagina's per dag", "printing-mailing": "zendingen per week", "sorting-recycling": "ton per week"}

// clientSiteTasks are done where the client is; the rest at the supplier's own site.
var clientSiteTasks = map[string]bool{"office-cleaning": true, "window-cleaning": true, "industrial-cleaning": true, "street-cleaning": true,
	"green-maintenance": true, "tree-hedge-care": true, "weed-control": true, "landscaping": true, "nature-management": true,
	"canteen": true, "painting": true, "renovation": true, "removals": true, "facility-services": true, "reception": true,
	"waste-collection": true, "meal-delivery": true, "courier": true}

// GenerateDemo makes n fictional suppliers, the same ones for the same seed
// and reference time. They are spread over Flemish and Brussels
// municipalities (more in the cities), across kinds, tasks and sizes.
func GenerateDemo(seed uint64, n int, now time.Time, g *Gazetteer, t *Taxonomy) []DemoSupplier {
	return GenerateDemoFrom(seed, 0, n, now, g, t)
}

// GenerateDemoFrom makes n suppliers numbered from first+1, so that a large
// demo set can be made chunk by chunk in little memory. Chunks from the
// same seed give distinct ids and enterprise numbers; from first 0 it
// gives what GenerateDemo gives.
func GenerateDemoFrom(seed uint64, first, n int, now time.Time, g *Gazetteer, t *Taxonomy) []DemoSupplier {
	rng := rand.New(rand.NewPCG(seed+uint64(first), seed^0x5eed))
	munis := g.Municipalities()
	weights := make([]float64, len(munis))
	var total float64
	for i, m := range munis {
		w := 1 + 0.3*float64(len(m.Postcodes))
		w *= 1 + demoCentres[m.NIS]
		weights[i] = w
		total += w
	}
	pickMuni := func() Municipality {
		x := rng.Float64() * total
		for i, w := range weights {
			if x < w {
				return munis[i]
			}
			x -= w
		}
		return munis[len(munis)-1]
	}
	neighbours := neighbourLists(munis)
	nearby := func(home Municipality) Municipality {
		near := neighbours[home.NIS]
		return near[rng.IntN(len(near))]
	}
	var kindTotal int
	for _, k := range demoKinds {
		kindTotal += k.weight
	}
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	usedNames := map[string]bool{}
	out := make([]DemoSupplier, 0, n)
	for i := first; i < first+n; i++ {
		kp := demoKinds[len(demoKinds)-1]
		x := rng.IntN(kindTotal)
		for _, k := range demoKinds {
			if x < k.weight {
				kp = k
				break
			}
			x -= k.weight
		}
		home := pickMuni()
		s := DemoSupplier{ID: fmt.Sprintf("demo-%04d", i+1), Kind: kp.kind}
		// Enterprise numbers: eight digits unique to this record, then the check.
		s.EnterpriseNumber = enterpriseNumber(3000000 + (i+1)*7919%9000000)
		s.Name = demoName(rng, kp, home, usedNames)
		s.TotalFTE = roundTo(logUniform(rng, kp.fte[0], kp.fte[1]), 0.5)
		s.TargetGroupShare = math.Round(kp.share[0] + rng.Float64()*(kp.share[1]-kp.share[0]))
		s.TargetGroupFTE = roundTo(s.TotalFTE*s.TargetGroupShare/100, 0.5)
		if kp.kind == "maatwerkafdeling" && s.TargetGroupFTE < 5 {
			s.TargetGroupFTE = 5
			s.TotalFTE = math.Max(s.TotalFTE, 15)
		}
		if kp.kind != "regulier" {
			s.TargetGroups = pickSome(rng, demoTargetGroups, 1, 3)
		}
		if kp.recognition != "" {
			from := time.Date(2019+rng.IntN(5), time.Month(1+rng.IntN(12)), 1, 0, 0, 0, 0, time.UTC)
			to := from.AddDate(5+rng.IntN(4), 0, -1)
			if rng.IntN(12) == 0 { // a few recognitions have lapsed
				to = today.AddDate(0, -1-rng.IntN(10), 0)
			}
			s.Recognition = &DemoRecognition{Type: kp.recognition, Number: fmt.Sprintf("%s-%05d", strings.ToUpper(kp.recognition[:3]), 1000+i),
				Issuer: "Departement Werk en Sociale Economie (demo)", ValidFrom: from, ValidTo: to}
		}
		// Sites: most have one, larger ones a second nearby.
		nSites := 1
		if s.TotalFTE > 80 && rng.IntN(2) == 0 {
			nSites = 2
		}
		for j := 0; j < nSites; j++ {
			m := home
			if j > 0 {
				m = nearby(home)
			}
			pc, _ := g.Postcode(m.Postcodes[rng.IntN(len(m.Postcodes))])
			lat, lon := jitter(rng, pc.Lat, pc.Lon, 1.2)
			s.Sites = append(s.Sites, DemoSite{ID: fmt.Sprintf("s%d", j+1), Name: fmt.Sprintf("Vestiging %s", m.Name.NL),
				Street: fmt.Sprintf("%s %d", demoStreets[rng.IntN(len(demoStreets))], 1+rng.IntN(180)), Postcode: pc.Code,
				Municipality: m.NIS, Lat: lat, Lon: lon})
		}
		// Offers: 1–4 tasks, the kind's typical ones most often.
		nOffers := 1 + rng.IntN(3)
		if rng.IntN(5) == 0 {
			nOffers++
		}
		tasks := pickWeighted(rng, kp.tasks, nOffers)
		for j, task := range tasks {
			o := DemoOffer{ID: fmt.Sprintf("o%d", j+1), Task: task}
			switch r := rng.Float64(); {
			case r < 0.22:
				o.FreeFTE = 0
			case r < 0.75:
				o.FreeFTE = roundTo(0.5+rng.Float64()*math.Min(4, s.TotalFTE/4), 0.5)
			default:
				o.FreeFTE = roundTo(2+rng.Float64()*math.Min(30, s.TotalFTE/3), 0.5)
			}
			o.AvailableFrom = today.AddDate(0, 0, 7*rng.IntN(14)-28)
			o.LeadTimeWeeks = []int{0, 1, 2, 2, 4, 4, 6, 8, 12}[rng.IntN(9)]
			o.MaxContractEUR = roundTo(o.FreeFTE*45000*(0.6+rng.Float64()), 5000)
			if o.MaxContractEUR == 0 {
				o.MaxContractEUR = 25000
			}
			if u, ok := taskUnits[task]; ok && o.FreeFTE > 0 {
				o.VolumeUnit = u
				o.Volume = math.Round(o.FreeFTE * (20 + rng.Float64()*200))
			}
			if clientSiteTasks[task] {
				o.AtClientSite = true
				o.AtOwnSite = rng.IntN(5) == 0
			} else {
				o.AtOwnSite = true
				o.AtClientSite = rng.IntN(6) == 0
			}
			if o.AtOwnSite {
				o.SiteID = s.Sites[rng.IntN(len(s.Sites))].ID
			}
			switch {
			case kp.kind == "lde" || kp.kind == "arbeidszorg":
				o.AreaRadiusKm = float64(8 + 2*rng.IntN(8))
			case rng.IntN(3) == 0:
				o.AreaProvinces = []string{home.Province}
			case rng.IntN(2) == 0:
				o.AreaArrondissements = []string{home.Arrondissement}
			default:
				o.AreaRadiusKm = float64(15 + 5*rng.IntN(10))
			}
			s.Offers = append(s.Offers, o)
		}
		if kp.kind == "regulier" {
			s.Cooperation = pickSome(rng, demoCooperation, 1, 3)
		} else if rng.IntN(2) == 0 {
			s.Cooperation = pickSome(rng, demoCooperation[:2], 1, 2)
		}
		first := demoFirstNames[rng.IntN(len(demoFirstNames))]
		last := demoSurnames[rng.IntN(len(demoSurnames))]
		slug := slugify(s.Name)
		s.Contact.Person = first + " " + last
		s.Contact.Email = "info@" + slug + ".example"
		s.Contact.Phone = fmt.Sprintf("+32 %d %02d %02d %02d", 2+rng.IntN(8), rng.IntN(100), rng.IntN(100), rng.IntN(100))
		s.Contact.Website = "https://" + slug + ".example"
		for j := 0; j < rng.IntN(3); j++ {
			m := nearby(home)
			task, _ := t.Task(s.Offers[rng.IntN(len(s.Offers))].Task)
			s.References = append(s.References, DemoReference{Client: demoClients[rng.IntN(len(demoClients))] + " " + m.Name.NL,
				Description: task.Name.NL, Year: today.Year() - 1 - rng.IntN(4), ValueEUR: roundTo(10000+rng.Float64()*300000, 1000)})
		}
		var taskNames []string
		for _, o := range s.Offers {
			tt, _ := t.Task(o.Task)
			taskNames = append(taskNames, strings.ToLower(tt.Name.NL))
		}
		s.Description = fmt.Sprintf("Fictief demobedrijf in %s. Wij doen %s.", home.Name.NL, joinNL(taskNames))
		s.CreatedAt = today.AddDate(0, 0, -60-rng.IntN(1000)).Add(time.Duration(rng.IntN(36000)) * time.Second)
		s.UpdatedAt = s.CreatedAt.AddDate(0, 0, rng.IntN(int(today.Sub(s.CreatedAt).Hours()/24)+1))
		if s.UpdatedAt.After(now) {
			s.UpdatedAt = now
		}
		s.ConfirmedAt = s.UpdatedAt
		if rng.IntN(3) == 0 { // confirmed later without changes
			s.ConfirmedAt = s.UpdatedAt.AddDate(0, 0, rng.IntN(int(today.Sub(s.UpdatedAt).Hours()/24)+1))
			if s.ConfirmedAt.After(now) {
				s.ConfirmedAt = now
			}
		}
		demoTurnover(&s, seed, i, now)
		out = append(out, s)
	}
	return out
}

func enterpriseNumber(first8 int) string {
	return fmt.Sprintf("%08d%02d", first8, 97-first8%97)
}

func demoName(rng *rand.Rand, kp kindProfile, home Municipality, used map[string]bool) string {
	for try := 0; ; try++ {
		form := kp.nameForms[rng.IntN(len(kp.nameForms))]
		var part string
		switch {
		case kp.kind == "regulier" && rng.IntN(2) == 0:
			part = demoSurnames[rng.IntN(len(demoSurnames))]
		case rng.IntN(3) == 0:
			part = home.Name.NL
		default:
			part = demoWords[rng.IntN(len(demoWords))]
		}
		name := fmt.Sprintf(form, part)
		if try > 5 {
			name = fmt.Sprintf("%s %s", name, home.Name.NL)
		}
		if try > 10 {
			name = fmt.Sprintf("%s %d", name, try)
		}
		if !used[name] {
			used[name] = true
			return name
		}
	}
}

// neighbourLists gives every municipality the municipalities whose points
// lie within 20 km of its own (itself included), ordered by NIS code.
func neighbourLists(munis []Municipality) map[string][]Municipality {
	out := make(map[string][]Municipality, len(munis))
	for _, home := range munis {
		var near []Municipality
		for _, m := range munis {
			if DistanceKm(home.Lat, home.Lon, m.Lat, m.Lon) < 20 {
				near = append(near, m)
			}
		}
		sort.Slice(near, func(i, j int) bool { return near[i].NIS < near[j].NIS })
		out[home.NIS] = near
	}
	return out
}

// jitter moves a point up to km kilometres in a random direction.
func jitter(rng *rand.Rand, lat, lon, km float64) (float64, float64) {
	d := rng.Float64() * km
	a := rng.Float64() * 2 * math.Pi
	dlat := d * math.Cos(a) / 111.2
	dlon := d * math.Sin(a) / (111.2 * math.Cos(lat*math.Pi/180))
	return math.Round((lat+dlat)*1e5) / 1e5, math.Round((lon+dlon)*1e5) / 1e5
}

func logUniform(rng *rand.Rand, lo, hi float64) float64 {
	return math.Exp(math.Log(lo) + rng.Float64()*(math.Log(hi)-math.Log(lo)))
}

func roundTo(x, step float64) float64 { return math.Round(x/step) * step }

func pickSome(rng *rand.Rand, from []string, lo, hi int) []string {
	n := lo + rng.IntN(hi-lo+1)
	idx := rng.Perm(len(from))
	out := make([]string, 0, n)
	for _, i := range idx[:min(n, len(from))] {
		out = append(out, from[i])
	}
	sort.Strings(out)
	return out
}

// pickWeighted picks n distinct items, earlier ones more often.
func pickWeighted(rng *rand.Rand, from []string, n int) []string {
	var out []string
	taken := map[string]bool{}
	for len(out) < min(n, len(from)) {
		// The square of a uniform number favours the start of the list.
		u := rng.Float64()
		it := from[int(u*u*float64(len(from)))]
		if !taken[it] {
			taken[it] = true
			out = append(out, it)
		}
	}
	return out
}

func slugify(s string) string {
	f := FoldName(s)
	return strings.ReplaceAll(f, " ", "-")
}

func joinNL(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " en " + items[len(items)-1]
}
