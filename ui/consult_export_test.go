package ui_test

import (
	"bytes"
	"encoding/csv"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/verken/verken/directory"
)

// The buyer exports the answers as XLSX or CSV in the columns it chose on
// the page (all of them when it chose none); a text that looks like a
// formula stays text in both.
func TestConsultationExportColumns(t *testing.T) {
	box := startMailbox(t)
	clock := &testClock{t: time.Now()}
	s := startServer(t, 0, withSMTP(box), withClock(clock))
	ids, emails := seedConsultable(t, s)
	account(t, s, "koper@stad.example", directory.RoleBuyer)
	account(t, s, "ander@gemeente.example", directory.RoleBuyer)
	buyer := newVisitor(t, s)
	buyer.signIn("koper@stad.example", testPassword)
	path := startConsultation(t, buyer, clock.now().Add(7*24*time.Hour).In(brusselsT).Format(time.DateOnly), nil)
	buyer.get(path)
	if code, _, body := buyer.post(path+"/versturen", url.Values{"recipient": ids[:3]}); code != 303 {
		t.Fatalf("send: %d\n%s", code, body)
	}
	mails := mailsFrom(t, box, 1, 3)
	if code, body := answerVia(t, s, linkOf(t, mails[emails[0]]), url.Values{"interested": {"yes"}, "fte": {"1,5"}, "from": {"2030-02-01"},
		"reason": {"=SOM(A1:A9)"}, "answer": {"+32 9 123 45 67", "@kantoor", "-ja"}}); code != 303 {
		t.Fatalf("answer: %d\n%s", code, body)
	}
	_, page := buyer.get(path)
	for _, col := range []string{"name", "fte", "reason", "q1", "q3"} {
		if !strings.Contains(page, `name="col" value="`+col+`" checked`) {
			t.Fatalf("the page offers no column %s:\n%s", col, page)
		}
	}
	if !strings.Contains(page, `formaction="`+path+`/antwoorden.csv"`) {
		t.Fatal("the page offers no CSV of the chosen columns")
	}

	workbook := func(query string) [][]string {
		t.Helper()
		code, h, body := download(buyer, path+"/antwoorden.xlsx"+query)
		if code != 200 || !strings.HasPrefix(h.Get("Content-Disposition"), "attachment;") {
			t.Fatalf("xlsx%s: %d %v", query, code, h)
		}
		f, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		sheet := f.GetSheetName(0)
		rows, _ := f.GetRows(sheet)
		// Every text is a text cell, none a formula.
		for i, row := range rows {
			for j := range row {
				cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
				if formula, _ := f.GetCellFormula(sheet, cell); formula != "" {
					t.Fatalf("%s holds the formula %q", cell, formula)
				}
				if typ, _ := f.GetCellType(sheet, cell); strings.HasPrefix(row[j], "=") && typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString {
					t.Fatalf("%s %q is no text cell: %v", cell, row[j], typ)
				}
			}
		}
		return rows
	}
	rows := workbook("?col=reason&col=name&col=fte&col=q1&col=bestaat-niet")
	want := []string{"Naam", "VTE toegezegd", "reden of toelichting", "Kunt u dit volume dragen, of een perceel ervan?"}
	if len(rows) != 4 || strings.Join(rows[0], "|") != strings.Join(want, "|") {
		t.Fatalf("the chosen columns: %q", rows)
	}
	if got := strings.Join(rows[1], "|"); got != "Poetsploeg 1|1.5|=SOM(A1:A9)|+32 9 123 45 67" {
		t.Fatalf("the answer's row: %q", got)
	}
	all := workbook("")
	if len(all[0]) != 17 || all[0][16] != "Werkt u met eigen materiaal?" {
		t.Fatalf("all columns: %q", all[0])
	}
	if none := workbook("?col=bestaat-niet"); len(none[0]) != 17 {
		t.Fatalf("no known column gives %d", len(none[0]))
	}

	code, body := buyer.get(path + "/antwoorden.csv?col=name&col=reason&col=q2")
	if code != 200 {
		t.Fatalf("csv: %d", code)
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\uFEFF")))
	r.Comma = ';'
	table, err := r.ReadAll()
	if err != nil || len(table) != 4 || len(table[0]) != 3 || table[1][1] != "'=SOM(A1:A9)" || table[1][2] != "'@kantoor" {
		t.Fatalf("csv: %v %q", err, table)
	}

	other := newVisitor(t, s)
	other.signIn("ander@gemeente.example", testPassword)
	if code, _, body := download(other, path+"/antwoorden.xlsx"); code != 404 || strings.Contains(body, "SOM") {
		t.Fatalf("another buyer's export: %d", code)
	}
}
