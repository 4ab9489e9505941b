package tabular_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/verken/verken/internal/tabular"
	"github.com/verken/verken/internal/testenv"
)

func TestSafeCell(t *testing.T) {
	for in, want := range map[string]string{
		`=HYPERLINK("http://evil.example","x")`: `'=HYPERLINK("http://evil.example","x")`,
		"+1+1":                                  "'+1+1",
		"-1+1":                                  "'-1+1",
		"@SUM(A1)":                              "'@SUM(A1)",
		"\t=1+1":                                "'\t=1+1",
		"\r=1+1":                                "'\r=1+1",
		"+32 9 123 45 67":                       "'+32 9 123 45 67",
		"+3292234567":                           "'+3292234567",
		"-":                                     "'-",
		"-1,":                                   "'-1,",
		"-,5":                                   "'-,5",
		"-1,5,5":                                "'-1,5,5",
		"-1e5":                                  "'-1e5",
		"-1,5":                                  "-1,5",
		"-2":                                    "-2",
		"-0.25":                                 "-0.25",
		"1,5":                                   "1,5",
		"Poetsploeg 1":                          "Poetsploeg 1",
		"'=already":                             "'=already",
		"":                                      "",
		"a=b":                                   "a=b",
	} {
		if got := tabular.SafeCell(in); got != want {
			t.Errorf("SafeCell(%q) = %q, want %q", in, got, want)
		}
	}
}

// limitOf returns the limit err names, or fails.
func limitOf(t *testing.T, err error) *tabular.LimitError {
	t.Helper()
	var le *tabular.LimitError
	if !errors.As(err, &le) {
		t.Fatalf("want a limit error, got %v", err)
	}
	return le
}

const header = "<row>" + `<c t="inlineStr"><is><t>enterprise_number</t></is></c><c t="inlineStr"><is><t>name</t></is></c>` + "</row>"

// A workbook that unzips to hundreds of MB is refused from the zip's
// directory, before anything is unzipped.
func TestXLSXBombIsRefusedUnopened(t *testing.T) {
	bomb := testenv.XLSX(t, testenv.Then(testenv.Text(header), testenv.Repeat("<row/>", 300<<20)))
	if len(bomb) > 600<<10 {
		t.Fatalf("the bomb is %d bytes; it should be small", len(bomb))
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := tabular.ReadImport("bom.xlsx", bytes.NewReader(bomb))
	runtime.ReadMemStats(&after)
	if le := limitOf(t, err); le.Limit != "unzipped_bytes" || !strings.Contains(err.Error(), "64 MiB") {
		t.Fatalf("error %v", err)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 32<<20 {
		t.Fatalf("refusing a %d KB bomb allocated %d MB", len(bomb)>>10, grew>>20)
	}
}

// Rows, columns, cells and the text that shared strings repeat are
// counted as the sheet streams by.
func TestXLSXLimitsWhileStreaming(t *testing.T) {
	row := testenv.XLSXRow("0123456749", "Rij")
	many := testenv.XLSX(t, testenv.Then(testenv.Text(header), testenv.Repeat(row, int64(len(row))*60000)))
	_, err := tabular.ReadImport("veel.xlsx", bytes.NewReader(many))
	if le := limitOf(t, err); le.Limit != "rows" || le.Row != 50002 {
		t.Fatalf("rows: %+v", le)
	}

	wide := testenv.XLSX(t, testenv.Text(header+testenv.XLSXRow(strings.Split(strings.Repeat("x,", 300), ",")...)))
	if le := limitOf(t, firstErr(tabular.ReadImport("breed.xlsx", bytes.NewReader(wide)))); le.Limit != "columns" || le.Row != 2 {
		t.Fatalf("columns: %+v", le)
	}

	long := testenv.XLSX(t, testenv.Text(header+testenv.XLSXRow("0123456749", strings.Repeat("é", 32768))))
	_, err = tabular.ReadImport("lang.xlsx", bytes.NewReader(long))
	if le := limitOf(t, err); le.Limit != "cell_chars" || le.Row != 2 || le.Field != "name" {
		t.Fatalf("cell: %+v", le)
	}

	// One shared string of 30,000 characters in every cell of 3,000 rows:
	// 30 KB of XML for 90 MB of text.
	shared := testenv.XLSX(t, testenv.Then(testenv.Text(header), testenv.Repeat(`<row><c t="s"><v>0</v></c><c t="s"><v>0</v></c></row>`, 45*1600)),
		testenv.XLSXPart{Name: "xl/sharedStrings.xml", Write: testenv.Text(`<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>` + strings.Repeat("x", 30000) + `</t></si></sst>`)})
	_, err = tabular.ReadImport("gedeeld.xlsx", bytes.NewReader(shared))
	if le := limitOf(t, err); le.Limit != "text_bytes" {
		t.Fatalf("shared strings: %+v", le)
	}

	styles := testenv.XLSX(t, testenv.Text(header), testenv.XLSXPart{Name: "xl/styles.xml", Write: testenv.Repeat(`<xf numFmtId="0"/>`, 9<<20)})
	_, err = tabular.ReadImport("stijl.xlsx", bytes.NewReader(styles))
	if le := limitOf(t, err); le.Limit != "part_bytes" || le.Field != "xl/styles.xml" {
		t.Fatalf("part: %+v", le)
	}
}

func firstErr(_ any, err error) error { return err }

// A sheet too large to keep in memory is streamed from a temporary file,
// and every row comes through.
func TestLargeXLSXIsReadWhole(t *testing.T) {
	var rows strings.Builder
	for i := range 20000 {
		rows.WriteString(testenv.XLSXRow(fmt.Sprint(i), strings.Repeat("naam ", 60)))
	}
	book := testenv.XLSX(t, testenv.Text(header+rows.String()))
	table, err := tabular.Read("groot.xlsx", bytes.NewReader(book))
	if err != nil || len(table) != 20001 || table[20000][0] != "19999" || table[0][1] != "name" {
		t.Fatalf("%d rows, %v", len(table), err)
	}
}

func TestCSVAndJSONLimits(t *testing.T) {
	var csv strings.Builder
	csv.WriteString("enterprise_number;name;kind;site_postcode\n")
	for range 50001 {
		csv.WriteString("0123456749;X;lde;9000\n")
	}
	_, err := tabular.ReadImport("veel.csv", strings.NewReader(csv.String()))
	if le := limitOf(t, err); le.Limit != "rows" {
		t.Fatalf("csv rows: %+v", le)
	}
	_, err = tabular.ReadImport("lang.csv", strings.NewReader("enterprise_number;name\n0123456749;"+strings.Repeat("x", 40000)+"\n"))
	if le := limitOf(t, err); le.Limit != "cell_chars" || le.Field != "name" || le.Row != 2 {
		t.Fatalf("csv cell: %+v", le)
	}
	_, err = tabular.ReadImport("groot.csv", io.MultiReader(strings.NewReader("name\n"), strings.NewReader(strings.Repeat("x", 21<<20))))
	if le := limitOf(t, err); le.Limit != "bytes" {
		t.Fatalf("csv bytes: %+v", le)
	}
	_, err = tabular.ReadImport("veel.jsonl", strings.NewReader(strings.Repeat("{}\n", 50001)))
	if le := limitOf(t, err); le.Limit != "rows" {
		t.Fatalf("json rows: %+v", le)
	}
	_, err = tabular.ReadImport("lang.json", strings.NewReader(`[{"name":"a"},{"name":"b","offers":[{"task":"`+strings.Repeat("x", 40000)+`"}]}]`))
	if le := limitOf(t, err); le.Limit != "cell_chars" || le.Row != 2 || le.Field != "offers[0].task" {
		t.Fatalf("json cell: %+v", le)
	}
	// The operator's own files are not bounded in rows.
	if rows, err := tabular.ReadImportLimited("veel.jsonl", strings.NewReader(strings.Repeat("{}\n", 50001)), tabular.FileLimits); err != nil || len(rows) != 50001 {
		t.Fatalf("verken import: %d rows, %v", len(rows), err)
	}
}
