package kbo

import (
	"archive/zip"
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"

	"github.com/verken/verken/data"
)

// Generate writes a synthetic extract in the published format (the files,
// columns, quoting and dates of the cookbook) with n enterprises: skewed
// establishment counts, natural persons without a seat address, addresses
// in Flanders, Brussels, Wallonia and abroad, names in Dutch, French,
// German or of no stated language, and NACE-BEL 2008 and 2025 codes of
// which a minority map to a task. update writes the update extract that
// follows: every 50th enterprise stops, every 20th changes its name and
// every 30th its seat address. The same seed and n give the same files.
func Generate(w io.Writer, g *data.Gazetteer, seed uint64, n int, update bool) error {
	zw := zip.NewWriter(w)
	var pcs []string
	for _, p := range []string{"1000", "1030", "1050", "2000", "2018", "2800", "3000", "3500", "8000", "8500", "9000", "9300", "2300", "3600", "8400", "1800", "2600", "9100"} {
		if _, ok := g.Postcode(p); ok {
			pcs = append(pcs, p)
		}
	}
	wallonia := []string{"4000", "5000", "6000", "7000", "1300", "1400", "6700"}
	mappedCodes := []string{"81210", "81220", "81300", "56210", "96011", "38110"}
	otherCodes := []string{"62010", "47111", "68201", "70220", "41201", "43999", "86210", "69201", "46900", "49410"}
	typ := "full"
	sfx := ""
	if update {
		typ, sfx = "update", "_insert"
	}
	// Each file is written in its own pass over the enterprises (each
	// enterprise's draws depend on the seed and its index alone), so that
	// memory does not grow with n; the other files' lines go nowhere.
	heads := map[string]string{}
	sinks := map[string]*sink{}
	file := func(name, head string) *sink {
		heads[name] = head
		k := &sink{w: io.Discard}
		sinks[name] = k
		return k
	}
	meta := &strings.Builder{}
	meta.WriteString(`"Variable","Value"` + "\n")
	fmt.Fprintf(meta, "\"SnapshotDate\",\"%s\"\n\"ExtractTimestamp\",\"%s 07:07:49\"\n\"ExtractType\",\"%s\"\n\"ExtractNumber\",\"%d\"\n\"Version\",\"1.0.0\"\n",
		map[bool]string{false: "30-05-2025", true: "27-06-2025"}[update], map[bool]string{false: "01-06-2025", true: "29-06-2025"}[update], typ, map[bool]int{false: 136, true: 137}[update])
	code := "\"Category\",\"Code\",\"Language\",\"Description\"\n" + codeTable
	ent := file("enterprise"+sfx, `"EnterpriseNumber","Status","JuridicalSituation","TypeOfEnterprise","JuridicalForm","JuridicalFormCAC","StartDate"`)
	est := file("establishment"+sfx, `"EstablishmentNumber","StartDate","EnterpriseNumber"`)
	den := file("denomination"+sfx, `"EntityNumber","Language","TypeOfDenomination","Denomination"`)
	adr := file("address"+sfx, `"EntityNumber","TypeOfAddress","CountryNL","CountryFR","Zipcode","MunicipalityNL","MunicipalityFR","StreetNL","StreetFR","HouseNumber","Box","ExtraAddressInfo","DateStrikingOff"`)
	con := file("contact"+sfx, `"EntityNumber","EntityContact","ContactType","Value"`)
	act := file("activity"+sfx, `"EntityNumber","ActivityGroup","NaceVersion","NaceCode","Classification"`)
	file("branch"+sfx, `"Id","StartDate","EnterpriseNumber"`)
	var dels map[string]*sink
	if update {
		dels = map[string]*sink{}
		for _, t := range []string{"enterprise", "establishment", "denomination", "address", "contact", "activity", "branch"} {
			col := map[string]string{"enterprise": "EnterpriseNumber", "establishment": "EstablishmentNumber", "branch": "Id"}[t]
			if col == "" {
				col = "EntityNumber"
			}
			dels[t] = file(t+"_delete", `"`+col+`"`)
		}
	}
	q := func(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
	words := []string{"Groen", "Net", "Proper", "Vlaamse", "Brabantse", "Service", "Clean", "Jardin", "Nettoyage", "Tuin", "Schoon", "Sud"}
	pass := func() {
		estSeq := uint64(2_000_000_000)
		for i := range n {
			r := rand.New(rand.NewPCG(seed, uint64(i)))
			num := enterpriseNumber(uint64(200_000_000 + i*7))
			stops := update && i%50 == 7
			rename := update && i%20 == 3
			moves := update && i%30 == 5
			changed := stops || rename || moves
			if update && !changed {
				continue
			}
			legal := r.IntN(10) > 1
			if update {
				if stops {
					fmt.Fprintf(dels["enterprise"], "%s\n", q(num))
					continue
				}
				if rename {
					fmt.Fprintf(dels["denomination"], "%s\n", q(num))
				}
				if moves {
					fmt.Fprintf(dels["address"], "%s\n", q(num))
				}
			}
			if !update || changed {
				form := map[bool]string{true: "014", false: ""}[legal]
				fmt.Fprintf(ent, "%s,\"AC\",\"000\",%s,%s,,%02d-%02d-%d\n", q(num), q(map[bool]string{true: "2", false: "1"}[legal]), optq(form), 1+r.IntN(28), 1+r.IntN(12), 1960+r.IntN(65))
			}
			// names
			name := words[r.IntN(len(words))] + " " + words[r.IntN(len(words))] + fmt.Sprintf(" %d", i)
			if rename {
				name += " (nieuw)"
			}
			lang := []string{"2", "2", "2", "1", "1", "0", "3"}[r.IntN(7)]
			if !update || rename {
				fmt.Fprintf(den, "%s,%s,\"001\",%s\n", q(num), q(lang), q(name))
				if lang == "1" && r.IntN(2) == 0 {
					fmt.Fprintf(den, "%s,\"2\",\"001\",%s\n", q(num), q(name+" NL"))
				}
				if r.IntN(5) == 0 {
					fmt.Fprintf(den, "%s,%s,\"003\",%s\n", q(num), q(lang), q("\"Commercial\" "+name))
				}
			}
			// seat address: none for natural persons
			pc := pcs[r.IntN(len(pcs))]
			switch x := r.IntN(100); {
			case x < 25:
				pc = wallonia[r.IntN(len(wallonia))]
			case moves:
				pc = pcs[(i/30)%len(pcs)]
			}
			if legal && (!update || moves) {
				if r.IntN(100) < 2 {
					fmt.Fprintf(adr, "%s,\"REGO\",\"Frankrijk\",\"France\",\"62000\",\"Arras\",\"Arras\",\"Rue des Jongleurs\",\"Rue des Jongleurs\",\"2\",\"\",\"\",\n", q(num))
				} else {
					fmt.Fprintf(adr, "%s,\"REGO\",,,%s,\"Gemeente\",\"Commune\",\"Kerkstraat\",\"Rue de l'Eglise\",%s,\"\",\"\",\n", q(num), q(pc), q(fmt.Sprint(1+r.IntN(200))))
				}
			}
			if update {
				continue
			}
			// activities: ~12% have a mapped one; each code in NACE-BEL 2008
			// and 2025 (and 2003 for older ones), under the VAT group (001) and
			// for employers the RSZ group (006): about 12 lines an enterprise
			codes := []string{}
			for range 1 + r.IntN(4) {
				codes = append(codes, otherCodes[r.IntN(len(otherCodes))])
			}
			if r.IntN(100) < 12 {
				codes = append(codes, mappedCodes[r.IntN(len(mappedCodes))])
			}
			employer := r.IntN(2) == 0
			for k, c := range codes {
				cls := map[bool]string{true: "MAIN", false: "SECO"}[k == 0]
				for _, v := range []string{"2008", "2025"} {
					fmt.Fprintf(act, "%s,\"001\",%s,%s,%s\n", q(num), q(v), q(c), q(cls))
					if employer && k == 0 {
						fmt.Fprintf(act, "%s,\"006\",%s,%s,%s\n", q(num), q(v), q(c), q(cls))
					}
				}
				if r.IntN(10) < 7 {
					fmt.Fprintf(act, "%s,\"001\",\"2003\",%s,%s\n", q(num), q("74"+c[2:]), q(cls))
				}
			}
			if r.IntN(3) == 0 {
				fmt.Fprintf(con, "%s,\"ENT\",\"EMAIL\",%s\n", q(num), q(fmt.Sprintf("info@firma%d.example", i)))
			}
			// establishments: most none, natural persons one, a few many (skew)
			ne := 0
			if !legal {
				ne = 1
			} else if r.IntN(4) == 0 {
				ne = 1 + int(r.ExpFloat64()*r.ExpFloat64()*2)
			}
			for range ne {
				estSeq++
				en := fmt.Sprintf("%d.%03d.%03d.%03d", estSeq/1e9, estSeq/1e6%1000, estSeq/1e3%1000, estSeq%1000)
				fmt.Fprintf(est, "%s,%02d-%02d-%d,%s\n", q(en), 1+r.IntN(28), 1+r.IntN(12), 1970+r.IntN(55), q(num))
				epc := pcs[r.IntN(len(pcs))]
				if r.IntN(4) == 0 {
					epc = wallonia[r.IntN(len(wallonia))]
				}
				if r.IntN(20) > 0 {
					fmt.Fprintf(adr, "%s,\"BAET\",,,%s,\"Gemeente\",\"Commune\",\"Stationsstraat\",\"Rue de la Gare\",%s,\"\",\"\",\n", q(en), q(epc), q(fmt.Sprint(1+r.IntN(90))))
				}
				c := otherCodes[r.IntN(len(otherCodes))]
				if r.IntN(8) == 0 {
					c = mappedCodes[r.IntN(len(mappedCodes))]
				}
				for _, v := range []string{"2008", "2025"} {
					fmt.Fprintf(act, "%s,\"001\",%s,%s,\"MAIN\"\n", q(en), q(v), q(c))
				}
			}
		}
	}
	for _, name := range []string{"meta", "code", "enterprise", "establishment", "denomination", "address", "contact", "activity", "branch"} {
		names := []string{name}
		if update && name != "meta" && name != "code" {
			names = []string{name + "_delete", name + "_insert"}
		}
		for _, nm := range names {
			f, err := zw.Create(nm + ".csv")
			if err != nil {
				return err
			}
			switch nm {
			case "meta":
				_, err = io.WriteString(f, meta.String())
			case "code":
				_, err = io.WriteString(f, code)
			default:
				bw := bufio.NewWriterSize(f, 1<<16)
				if _, err := io.WriteString(bw, heads[nm]+"\n"); err != nil {
					return err
				}
				sinks[nm].w = bw
				pass()
				sinks[nm].w = io.Discard
				err = bw.Flush()
			}
			if err != nil {
				return err
			}
		}
	}
	return zw.Close()
}

// sink is one file's destination during a pass.
type sink struct{ w io.Writer }

func (k *sink) Write(p []byte) (int, error) { return k.w.Write(p) }

// codeTable is the part of code.csv the import reads, as the extract
// states it (the real file lists every code in Dutch and French, some in
// German).
const codeTable = `"Language","0","NL","Onbekend"
"Language","1","NL","Frans"
"Language","2","NL","Nederlands"
"Language","3","NL","Duits"
"Language","4","NL","Engels"
"TypeOfAddress","BAET","NL","Vestigingseenheid"
"TypeOfAddress","REGO","NL","Zetel"
"TypeOfDenomination","001","NL","Naam"
"TypeOfDenomination","002","NL","Afkorting"
"TypeOfDenomination","003","NL","Commerciële naam"
"Status","AC","NL","Actief"
"TypeOfEnterprise","1","NL","Natuurlijk Persoon"
"TypeOfEnterprise","2","NL","Rechtspersoon"
"Classification","MAIN","NL","Hoofdactiviteit"
"Classification","SECO","NL","Nevenactiviteit"
"Classification","ANCI","NL","Hulpactiviteit"
"ContactType","EMAIL","NL","E-mailadres"
"ContactType","TEL","NL","Telefoonnummer"
"ContactType","WEB","NL","Webadres"
"EntityContact","ENT","NL","Onderneming"
"EntityContact","EST","NL","Vestigingseenheid"
`

func optq(s string) string {
	if s == "" {
		return ""
	}
	return `"` + s + `"`
}

// enterpriseNumber makes a valid number 0xxx.xxx.xxx from eight digits.
func enterpriseNumber(base uint64) string {
	base %= 100_000_000
	d := fmt.Sprintf("%08d%02d", base, 97-base%97)
	return d[:4] + "." + d[4:7] + "." + d[7:]
}
