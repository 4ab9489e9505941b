package ui_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/testenv"
)

// Empty cells count as columns: a 60 KB workbook whose one row holds 15
// million empty cells, and a 19 MB CSV line of semicolons, are refused
// with 422 naming the columns limit, on the page and through the API,
// in a few MB.
func TestImportRefusesEmptyCellBombs(t *testing.T) {
	s := startServer(t, 0)
	account(t, s, "admin@verken.example", directory.RoleAdmin)
	admin := newVisitor(t, s)
	admin.signIn("admin@verken.example", testPassword)
	api := adminAPI(t, s)

	header := testenv.XLSXRow(directory.TableColumns()...)
	bomb := testenv.XLSX(t, testenv.Then(testenv.Text(header+"<row>"), testenv.Repeat("<c/>", 15_000_000*4), testenv.Text("</row>")))
	if len(bomb) > 200<<10 {
		t.Fatalf("the bomb is %d KB", len(bomb)>>10)
	}
	admin.get("/beheer?lang=en")
	var code int
	var page, body string
	grew := allocated(func() { code, _, page = admin.upload("/beheer/import", "leveranciers.xlsx", string(bomb), false) })
	if code != 422 || !strings.Contains(page, "Row 2 has more than 256 columns (limit: columns)") {
		t.Fatalf("admin page: %d\n%s", code, page)
	}
	t.Logf("refusing a %d KB workbook of empty cells allocated %.1f MB", len(bomb)>>10, float64(grew)/(1<<20))
	if grew > 32<<20 {
		t.Fatalf("refusing a %d KB workbook of empty cells allocated %d MB", len(bomb)>>10, grew>>20)
	}

	line := strings.Join(directory.TableColumns(), ";") + "\n" + strings.Repeat(";", 19<<20)
	grew = allocated(func() {
		code, _, body = api.do("POST", "/api/v1/admin/import?format=csv&dry_run=true", strings.NewReader(line), "text/csv")
	})
	if code != 422 || !strings.Contains(body, `"value":"columns"`) || !strings.Contains(body, "row 2 has more than 256 columns") {
		t.Fatalf("csv: %d %s", code, body)
	}
	t.Logf("refusing a %d MB line of semicolons allocated %.1f MB", len(line)>>20, float64(grew)/(1<<20))
	// The server holds the 19 MB body as it came (its buffer grows by
	// doubling); reading it as 19 million empty cells took 900 MB.
	if grew > 96<<20 {
		t.Fatalf("refusing a %d MB line of semicolons allocated %d MB", len(line)>>20, grew>>20)
	}
	code, _, body = api.do("POST", "/api/v1/admin/import?format=xlsx&dry_run=true", bytes.NewReader(bomb), "application/octet-stream")
	if code != 422 || !strings.Contains(body, `"value":"columns"`) {
		t.Fatalf("API xlsx: %d %s", code, body)
	}
	if n, _ := s.Store.Count(); n != 0 {
		t.Fatalf("%d suppliers stored from refused files", n)
	}
}
