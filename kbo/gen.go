package kbo

import (
	"archive/zip"
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
	for _, m := range g.Municipalities() {
		_ = m
	}
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
	files := map[string]*strings.Builder{}
	file := func(name, head string) *strings.Builder {
		b := &strings.Builder{}
		b.WriteString(head + "\n")
		files[name] = b
		return b
	}
	meta := file("meta", `"Variable","Value"`)
	fmt.Fprintf(meta, "\"SnapshotDate\",\"%s\"\n\"ExtractTimestamp\",\"%s 07:07:49\"\n\"ExtractType\",\"%s\"\n\"ExtractNumber\",\"%d\"\n\"Version\",\"1.0.0\"\n",
		map[bool]string{false: "30-05-2025", true: "27-06-2025"}[update], map[bool]string{false: "01-06-2025", true: "29-06-2025"}[update], typ, map[bool]int{false: 136, true: 137}[update])
	code := file("code", `"Category","Code","Language","Description"`)
	code.WriteString("\"Language\",\"2\",\"NL\",\"Nederlands\"\n\"TypeOfAddress\",\"REGO\",\"NL\",\"Zetel\"\n")
	ent := file("enterprise"+sfx, `"EnterpriseNumber","Status","JuridicalSituation","TypeOfEnterprise","JuridicalForm","JuridicalFormCAC","StartDate"`)
	est := file("establishment"+sfx, `"EstablishmentNumber","StartDate","EnterpriseNumber"`)
	den := file("denomination"+sfx, `"EntityNumber","Language","TypeOfDenomination","Denomination"`)
	adr := file("address"+sfx, `"EntityNumber","TypeOfAddress","CountryNL","CountryFR","Zipcode","MunicipalityNL","MunicipalityFR","StreetNL","StreetFR","HouseNumber","Box","ExtraAddressInfo","DateStrikingOff"`)
	con := file("contact"+sfx, `"EntityNumber","EntityContact","ContactType","Value"`)
	act := file("activity"+sfx, `"EntityNumber","ActivityGroup","NaceVersion","NaceCode","Classification"`)
	file("branch"+sfx, `"Id","StartDate","EnterpriseNumber"`)
	var dels map[string]*strings.Builder
	if update {
		dels = map[string]*strings.Builder{}
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
		// activities: ~12% have a mapped one; both NACE versions, two groups
		codes := []string{otherCodes[r.IntN(len(otherCodes))]}
		if r.IntN(100) < 12 {
			codes = append(codes, mappedCodes[r.IntN(len(mappedCodes))])
		}
		for k, c := range codes {
			cls := map[bool]string{true: "MAIN", false: "SECO"}[k == 0]
			for _, v := range []string{"2008", "2025"} {
				fmt.Fprintf(act, "%s,\"001\",%s,%s,%s\n", q(num), q(v), q(c), q(cls))
			}
			fmt.Fprintf(act, "%s,\"006\",\"2008\",%s,%s\n", q(num), q(c), q(cls))
		}
		fmt.Fprintf(act, "%s,\"001\",\"2003\",\"74701\",\"MAIN\"\n", q(num))
		if r.IntN(3) == 0 {
			fmt.Fprintf(con, "%s,\"ENT\",\"EMAIL\",%s\n", q(num), q(fmt.Sprintf("info@firma%d.example", i)))
		}
		// establishments: most none, natural persons one, a few many (skew)
		ne := 0
		if !legal {
			ne = 1
		} else if r.IntN(10) == 0 {
			ne = 1 + int(r.ExpFloat64()*3)
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
			if r.IntN(8) == 0 {
				fmt.Fprintf(act, "%s,\"001\",\"2008\",%s,\"MAIN\"\n", q(en), q(mappedCodes[r.IntN(len(mappedCodes))]))
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
			if _, err := io.WriteString(f, files[nm].String()); err != nil {
				return err
			}
		}
	}
	return zw.Close()
}

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
