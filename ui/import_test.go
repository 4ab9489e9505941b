package ui_test

import (
	"bytes"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/tabular"
)

// importTable is a table with two good rows and one of each bad kind.
func importTable(t *testing.T) [][]string {
	t.Helper()
	cols := directory.TableColumns()
	kbo := func(n int) string { return directory.EnterpriseNumberWithCheck(5000000 + n) }
	row := func(n int, change map[string]string) []string {
		v := map[string]string{"enterprise_number": kbo(n), "name": "Tabel " + itoa(n), "kind": "lde", "site_postcode": "2000",
			"offer1_task": "catering", "offer1_free_fte": "2,5", "offer1_at_client_site": "ja", "offer1_provinces": "ANT, VBR"}
		for k, x := range change {
			v[k] = x
		}
		out := make([]string, len(cols))
		for i, c := range cols {
			out[i] = v[c]
		}
		return out
	}
	badCheck := kbo(3)
	badCheck = badCheck[:8] + "00"
	return [][]string{cols,
		row(1, nil), // row 2: good
		row(3, map[string]string{"enterprise_number": badCheck}),                                                  // row 3: bad check digits
		row(4, map[string]string{"site_postcode": "4000"}),                                                        // row 4: unknown postcode
		row(5, map[string]string{"offer1_free_fte": "-2"}),                                                        // row 5: negative FTE
		row(6, map[string]string{"offer1_task": "jongleren"}),                                                     // row 6: unknown task
		row(1, map[string]string{"name": "Dubbel"}),                                                               // row 7: duplicate KBO
		row(8, map[string]string{"offer2_task": "packaging", "offer2_free_fte": "1", "offer2_at_own_site": "ja"}), // row 8: good
	}
}

var errorRow = regexp.MustCompile(`<tr class="import-error"><td>(\d+)</td><td>[^<]*</td><td><code>([^<]+)</code></td>`)

// The administrator imports a CSV and an XLSX with good and bad rows: a dry
// run changes nothing; the import keeps the good rows and reports each bad
// one by row and column.
func TestAdminImportsTables(t *testing.T) {
	s := startServer(t, 0)
	account(t, s, "admin@verken.example", directory.RoleAdmin)
	admin := newVisitor(t, s)
	admin.signIn("admin@verken.example", testPassword)
	admin.get("/beheer")
	var csvFile bytes.Buffer
	if err := tabular.WriteCSV(&csvFile, importTable(t)); err != nil {
		t.Fatal(err)
	}
	want := "3:enterprise_number 4:site_postcode 5:offer1_free_fte 6:offer1_task 7:enterprise_number "

	code, _, body := admin.upload("/beheer/import", "leveranciers.csv", csvFile.String(), true)
	if code != 422 || !strings.Contains(body, "Proefdraaien") || gotErrors(body) != want {
		t.Fatalf("dry run: %d, errors %q\n%s", code, gotErrors(body), body)
	}
	if n, _ := s.Store.Count(); n != 0 {
		t.Fatalf("the dry run stored %d suppliers", n)
	}
	admin.get("/beheer")
	code, _, body = admin.upload("/beheer/import", "leveranciers.csv", csvFile.String(), false)
	if code != 422 || gotErrors(body) != want || !strings.Contains(body, "2 nieuw, 0 bijgewerkt") {
		t.Fatalf("import: %d, errors %q", code, gotErrors(body))
	}
	if n, _ := s.Store.Count(); n != 2 {
		t.Fatalf("%d suppliers stored, want the 2 good rows", n)
	}
	good, err := s.Store.GetByEnterpriseNumber(directory.EnterpriseNumberWithCheck(5000008))
	if err != nil || len(good.Offers) != 2 || good.Offers[0].FreeFTE != 2.5 || good.Offers[0].ServiceArea.Provinces[1] != "VBR" {
		t.Fatalf("row 8: %+v %v", good, err)
	}

	// The same rows as XLSX update nothing and report the same errors.
	var xlsx bytes.Buffer
	table := importTable(t)
	rows := make([][]any, len(table))
	for i, r := range table {
		rows[i] = make([]any, len(r))
		for j, c := range r {
			rows[i][j] = c
		}
	}
	if err := tabular.WriteXLSX(&xlsx, "import", rows); err != nil {
		t.Fatal(err)
	}
	admin.get("/beheer")
	code, _, body = admin.upload("/beheer/import", "leveranciers.xlsx", xlsx.String(), false)
	if code != 422 || gotErrors(body) != want || !strings.Contains(body, "0 nieuw, 0 bijgewerkt, 2 ongewijzigd") {
		t.Fatalf("xlsx import: %d, errors %q", code, gotErrors(body))
	}

	// The templates download and read back as a valid import.
	for _, format := range []string{"csv", "xlsx", "json"} {
		resp, raw := fetchWith(t, admin, "/beheer/import/sjabloon."+format)
		if resp.StatusCode != 200 {
			t.Fatalf("template %s: %d", format, resp.StatusCode)
		}
		rows, err := tabular.ReadImport("sjabloon."+format, bytes.NewReader(raw))
		if err != nil || len(rows) != 1 || rows[0].Err != nil {
			t.Fatalf("template %s reads as %+v, %v", format, rows, err)
		}
	}
}

func gotErrors(body string) string {
	var b strings.Builder
	for _, m := range errorRow.FindAllStringSubmatch(body, -1) {
		b.WriteString(m[1] + ":" + m[2] + " ")
	}
	return b.String()
}

func fetchWith(t *testing.T, b *browserless, path string) (*http.Response, []byte) {
	t.Helper()
	resp, err := b.client.Get(b.s.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(resp.Body)
	return resp, buf.Bytes()
}
