package tabular_test

import (
	"bytes"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/verken/verken/internal/tabular"
	"github.com/verken/verken/internal/testenv"
)

// allocated returns what read allocated, in bytes, and the heap in use
// after it (before a collection).
func allocated(read func()) (total, heap uint64) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	read()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc, after.HeapAlloc
}

// A row of 15 million empty cells is 60 MB of XML, under the unzipped
// limit, and 60 KB zipped: it is refused at cell 257 with the columns
// limit, without decoding the rest.
func TestXLSXEmptyCellBomb(t *testing.T) {
	bomb := testenv.XLSX(t, testenv.Then(testenv.Text(header+"<row>"), testenv.Repeat("<c/>", 15_000_000*4), testenv.Text("</row>")))
	if len(bomb) > 200<<10 {
		t.Fatalf("the bomb is %d KB", len(bomb)>>10)
	}
	var err error
	total, heap := allocated(func() { _, err = tabular.ReadImport("leeg.xlsx", bytes.NewReader(bomb)) })
	if le := limitOf(t, err); le.Limit != "columns" || le.Row != 2 || !strings.Contains(err.Error(), "256 columns") {
		t.Fatalf("%+v: %v", le, err)
	}
	if total > 16<<20 || heap > 64<<20 {
		t.Fatalf("refusing a %d KB bomb allocated %d MB (heap %d MB)", len(bomb)>>10, total>>20, heap>>20)
	}

	// Cells that name their column count as far as that column, and cells
	// that go back to column A count one each.
	for name, row := range map[string]string{
		"far":  `<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c><c r="XFD2"/></row>`,
		"back": `<row r="2">` + strings.Repeat(`<x:c r="A2" t="inlineStr"><x:is><x:t>x</x:t></x:is></x:c>`, 300) + `</row>`,
	} {
		book := testenv.XLSX(t, testenv.Text(header+row))
		if le := limitOf(t, firstErr(tabular.ReadImport(name+".xlsx", bytes.NewReader(book)))); le.Limit != "columns" || le.Row != 2 {
			t.Fatalf("%s: %+v", name, le)
		}
	}

	// What a parser skips is skipped here too, and what could hide cells
	// from this count is refused.
	skipped := testenv.XLSX(t, testenv.Text(header+`<!-- <row><c/><c/> -->`+`<row><c t="inlineStr"><is><t><![CDATA[<c/><c/><c/>]]></t></is></c></row>`))
	if _, err := tabular.Read("ok.xlsx", bytes.NewReader(skipped)); err != nil {
		t.Fatal(err)
	}
	for _, hidden := range []string{`<?xml version="1.0" encoding="UTF-16"?>`, `<!DOCTYPE x [<!ENTITY e "y">]>`} {
		book := testenv.XLSX(t, testenv.Text(header+hidden))
		if _, err := tabular.Read("hidden.xlsx", bytes.NewReader(book)); err == nil || !strings.Contains(err.Error(), "not an XLSX workbook") {
			t.Fatalf("%s: %v", hidden, err)
		}
	}

	// A sheet that is not the first is not counted.
	second := testenv.XLSX(t, testenv.Text(header), testenv.XLSXPart{Name: "xl/worksheets/sheet2.xml", Write: testenv.Text(`<worksheet><sheetData><row>` + strings.Repeat("<c/>", 300) + `</row></sheetData></worksheet>`)})
	if table, err := tabular.Read("tweede.xlsx", bytes.NewReader(second)); err != nil || len(table) != 1 {
		t.Fatalf("%v %v", table, err)
	}
}

// A CSV line of 19 million separators is refused at the 256th with the
// columns limit; empty cells count. A line that is exactly 256 cells wide
// with empty ones at its end passes, and so do separators inside quotes.
func TestCSVEmptyCellBomb(t *testing.T) {
	var err error
	line := strings.Repeat(";", 19<<20)
	total, heap := allocated(func() {
		_, err = tabular.ReadImport("leeg.csv", io.MultiReader(strings.NewReader("enterprise_number;name\n"), strings.NewReader(line)))
	})
	if le := limitOf(t, err); le.Limit != "columns" || le.Row != 2 || !strings.Contains(err.Error(), "256 columns") {
		t.Fatalf("%+v: %v", le, err)
	}
	if total > 16<<20 || heap > 64<<20 {
		t.Fatalf("refusing a 19 MB line allocated %d MB (heap %d MB)", total>>20, heap>>20)
	}

	_, err = tabular.Read("header.csv", strings.NewReader("enterprise_number;name"+strings.Repeat(";", 255)+"\n"))
	if le := limitOf(t, err); le.Limit != "columns" || le.Row != 1 {
		t.Fatalf("header: %+v", le)
	}
	table, err := tabular.Read("ok.csv", strings.NewReader("enterprise_number;name"+strings.Repeat(";", 254)+"\r\n\r\n\"a;"+strings.Repeat(";", 300)+"\n\"\"\";b\n"))
	if err != nil || len(table) != 2 || len(table[0]) != 2 || table[1][1] != "b" {
		t.Fatalf("%d rows, %v", len(table), err)
	}
}
