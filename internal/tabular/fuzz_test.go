package tabular_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/tabular"
	"github.com/verken/verken/internal/testenv"
)

// Any CSV or XLSX file is read, and its rows dry-run, without a panic.
func FuzzImportTable(f *testing.F) {
	header := strings.Join(directory.TableColumns(), ";")
	f.Add("csv", []byte(header+"\n0123456749;A;lde;;;;;;;;;;;;;;;;;;;;9000;catering;2,5;;;;;ja\n"))
	f.Add("csv", []byte("enterprise_number,name\n\"unterminated\n"))
	f.Add("csv", []byte("\xEF\xBB\xBFenterprise_number;name;kind;site_postcode\n1;2;3;4;5;6\n"))
	f.Add("xlsx", []byte("PK\x03\x04 not really a workbook"))
	var book bytes.Buffer
	tabular.WriteXLSX(&book, "import", [][]any{{"enterprise_number", "name", "kind", "site_postcode"}, {"0123456749", "X", "lde", "9000"}})
	f.Add("xlsx", book.Bytes())
	s := testenv.Store(f, "", 0)
	f.Fuzz(func(t *testing.T, format string, file []byte) {
		if format != "csv" && format != "xlsx" {
			return
		}
		rows, err := tabular.ReadImport("import."+format, bytes.NewReader(file))
		if err != nil {
			return
		}
		if _, err := s.Import(rows, true, directory.System); err != nil {
			t.Fatalf("dry run failed: %v", err)
		}
	})
}
