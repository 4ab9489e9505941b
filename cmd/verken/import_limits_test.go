package main

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/verken/verken/internal/testenv"
)

// verken import refuses a workbook bomb with an error that names the limit:
// 450 KB that unzip to 300 MB of empty rows (within the command's unzipped
// size, so streamed and stopped at Excel's row count), and 41 KB that
// unzip to 16 MB of styles, refused before anything is unzipped.
func TestImportRefusesWorkbookBombs(t *testing.T) {
	dir := t.TempDir()
	header := testenv.XLSXRow("enterprise_number", "name", "kind", "site_postcode")
	rows := testenv.XLSX(t, testenv.Then(testenv.Text(header), testenv.Repeat("<row/>", 300<<20)))
	styles := testenv.XLSX(t, testenv.Text(header), testenv.XLSXPart{Name: "xl/styles.xml", Write: testenv.Repeat(`<xf numFmtId="0"/>`, 16<<20)})
	for name, book := range map[string][]byte{"rows.xlsx": rows, "styles.xlsx": styles} {
		file := filepath.Join(dir, name)
		if err := os.WriteFile(file, book, 0o600); err != nil {
			t.Fatal(err)
		}
		var stdout, stderr bytes.Buffer
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		code := run([]string{"import", "--data", filepath.Join(dir, "data"), file}, &stdout, &stderr)
		runtime.ReadMemStats(&after)
		want := map[string]string{"rows.xlsx": "limit rows exceeded: the file has more than 1048575 rows", "styles.xlsx": "limit part_bytes exceeded: the workbook's part xl/styles.xml unzips to more than 8 MiB"}[name]
		if code != 1 || !strings.Contains(stderr.String(), want) {
			t.Fatalf("%s: exit %d\n%s%s", name, code, stdout.String(), stderr.String())
		}
		// The rows are streamed from a temporary file, so what the process
		// takes from the system stays small though it reads a million rows.
		grew := int64(after.Sys) - int64(before.Sys)
		t.Logf("%s (%d KB): %s; the process grew by %d MB", name, len(book)>>10, strings.TrimSpace(stderr.String()), grew>>20)
		if grew > 128<<20 {
			t.Fatalf("%s: refusing it took %d MB more from the system", name, grew>>20)
		}
	}
}
