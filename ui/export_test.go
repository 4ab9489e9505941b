package ui_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func fetch(t *testing.T, url string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// allNames pages through the API and returns the names a search finds, in order.
func allNames(t *testing.T, s *liveServer, query string) []string {
	t.Helper()
	var names []string
	for page := 1; ; page++ {
		var r struct {
			Total int `json:"total"`
			Hits  []struct {
				ID   string `json:"id"`
				Name string `json:"name"`
			} `json:"hits"`
		}
		s.get(t, "/api/v1/suppliers?per_page=100&page="+itoa(page)+"&"+query, &r)
		for _, h := range r.Hits {
			names = append(names, h.Name)
		}
		if len(names) >= r.Total || len(r.Hits) == 0 {
			return names
		}
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// The exports hold the whole result set, not one page, in the search's
// order: CSV for Belgian Excel (BOM, ';', decimal comma) and XLSX.
func TestExportsHoldTheWholeResultSet(t *testing.T) {
	s := startServer(t, 260)
	const q = "sector=social&sort=name"
	want := allNames(t, s, q)
	if len(want) <= 100 || len(want) == 260 {
		t.Fatalf("%d matches: the test needs more than one page and fewer than all", len(want))
	}

	resp, body := fetch(t, s.URL+"/api/v1/suppliers/export.csv?"+q)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("csv: status %d, type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if !bytes.HasPrefix(body, []byte("\xEF\xBB\xBF")) {
		t.Fatal("the CSV has no UTF-8 byte-order mark; Excel would garble accents")
	}
	r := csv.NewReader(bytes.NewReader(body[3:]))
	r.Comma = ';'
	records, err := r.ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not parse back with ';': %v", err)
	}
	header := records[0]
	col := func(name string) int {
		i := slices.Index(header, name)
		if i < 0 {
			t.Fatalf("no column %q in %v", name, header)
		}
		return i
	}
	nameCol, fteCol := col("Naam"), col("Vrije capaciteit totaal (VTE)")
	var names []string
	decimalComma := false
	for _, rec := range records[1:] {
		names = append(names, rec[nameCol])
		if strings.Contains(rec[fteCol], ".") {
			t.Fatalf("decimal point in %q; Belgian Excel wants a comma", rec[fteCol])
		}
		decimalComma = decimalComma || strings.Contains(rec[fteCol], ",")
	}
	if !slices.Equal(names, want) {
		t.Fatalf("CSV rows %d, result set %d; first %v vs %v", len(names), len(want), head(names), head(want))
	}
	if !decimalComma {
		t.Fatal("no free capacity with a fraction in the export; the decimal comma went untested")
	}

	resp, body = fetch(t, s.URL+"/api/v1/suppliers/export.xlsx?"+q)
	if resp.StatusCode != 200 {
		t.Fatalf("xlsx: status %d", resp.StatusCode)
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("the XLSX does not open: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rows[0], header) {
		t.Fatalf("XLSX header %v, CSV header %v", rows[0], header)
	}
	names = names[:0]
	for _, row := range rows[1:] {
		names = append(names, row[nameCol])
	}
	if !slices.Equal(names, want) {
		t.Fatalf("XLSX rows %d, result set %d", len(names), len(want))
	}
	// Numbers are numbers in the workbook.
	cell, _ := excelize.CoordinatesToCellName(fteCol+1, 2)
	if typ, _ := f.GetCellType(f.GetSheetName(0), cell); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Fatalf("free capacity is stored as text (%v)", typ)
	}

	// A bad parameter is a 400 with the parameter, as for the search.
	resp, body = fetch(t, s.URL+"/api/v1/suppliers/export.csv?min_fte=lots")
	if resp.StatusCode != 400 || !strings.Contains(string(body), `"param":"min_fte"`) {
		t.Fatalf("bad export: %d %s", resp.StatusCode, body)
	}
}

func head(s []string) []string { return s[:min(3, len(s))] }
