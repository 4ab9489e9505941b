package ui_test

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"github.com/verken/verken/directory"
)

// seedGreen adds two eligible green-maintenance suppliers in Ghent with
// target-group shares of 40 and 80 % (on average 60 %), 3 FTE free each.
func seedGreen(t *testing.T, s *liveServer) {
	t.Helper()
	for i, share := range []float64{40, 80} {
		sup := &directory.Supplier{
			Name: fmt.Sprintf("Groenploeg %d", i+1), Kind: directory.KindMaatwerkbedrijf,
			EnterpriseNumber: directory.EnterpriseNumberWithCheck(7100000 + i), TargetGroupShare: share,
			Recognitions: []directory.Recognition{{Type: "maatwerkbedrijf", Number: fmt.Sprintf("G-%d", i), ValidFrom: directory.NewDate(2020, 1, 1)}},
			Sites:        []directory.Site{{Postcode: "9000"}},
			Offers:       []directory.Offer{{Task: "green-maintenance", FreeFTE: 3, LeadTimeWeeks: 2, AtClientSite: true, ServiceArea: directory.ServiceArea{Provinces: []string{"OVL"}}}},
		}
		if err := s.Store.Create(sup); err != nil {
			t.Fatal(err)
		}
	}
	waitIndexed(t, s)
}

// planRows is a purchasing plan of 20 good lines, misspelt, in Dutch and
// French, with a CPV code, a task, a yearly value only and one line no
// task fits, then two bad rows (an impossible date, a CPV code no task
// maps to) and a hostile description.
var planRows = [][]string{
	{"Omschrijving", "CPV", "Taak", "Plaats", "VTE", "Uren per week", "Jaarwaarde", "Start", "Looptijd (maanden)"},
	{"schoonmaak kantoren", "", "", "9000", "6", "", "250000", "07-01-2030", "24"},      // 1
	{"nettoyage de bureaux", "", "", "Gent", "2", "", "", "07-01-2030", "12"},           // 2
	{"groenonderhoud", "", "", "9000", "2", "", "", "2030-01-07", "12"},                 // 3
	{"entretien des espaces verts", "", "", "9000", "", "76", "", "07/01/2030", "12"},   // 4
	{"schoonmak", "", "", "9000", "1", "", "", "07-01-2030", "12"},                      // 5
	{"kantoorschoonmaak", "", "", "9000", "2", "", "", "07-01-2030", "12"},              // 6
	{"glazenwassen", "", "", "9000", "1", "", "", "07-01-2030", "12"},                   // 7
	{"lavage de vitres", "", "", "Gent", "1", "", "", "07-01-2030", "12"},               // 8
	{"traiteur personeelsfeest", "", "", "9000", "1", "", "", "07-01-2030", "12"},       // 9
	{"wasserij", "", "", "9000", "1", "", "", "07-01-2030", "12"},                       // 10
	{"fietsherstel", "", "", "9000", "1", "", "", "07-01-2030", "12"},                   // 11
	{"archivering", "", "", "9000", "1", "", "", "07-01-2030", "12"},                    // 12
	{"aanleg groenzones", "", "", "9000", "2", "", "", "07-01-2030", "12"},              // 13
	{"groenonderhoudt", "", "", "Oost-Vlaanderen", "2", "", "", "07-01-2030", "12"},     // 14
	{"nettoyage industriel", "", "", "9000", "1", "", "", "07-01-2030", "12"},           // 15
	{"iets anders", "90919200-4", "", "9000", "2", "", "", "07-01-2030", "12"},          // 16
	{"ramen", "", "window-cleaning", "9000", "1", "", "", "07-01-2030", "12"},           // 17
	{"schoonmaak scholen", "", "", "9000", "", "", "€ 120.000", "07-01-2030", "12"},     // 18
	{"iets totaal anders", "", "", "9000", "1", "", "", "07-01-2030", "12"},             // 19
	{"=HYPERLINK(\"x\") strijkdienst", "", "", "9000", "1", "", "", "07-01-2030", "12"}, // 20
	{"schoonmaak gemeentehuis", "", "", "9000", "1", "", "", "31-02-2030", "12"},        // bad: date
	{"poetsen", "99999999", "", "9000", "1", "", "", "07-01-2030", "12"},                // bad: CPV
}

// wantTask is each good line's task after matching (the select's value).
var wantTask = map[int]string{1: "office-cleaning", 2: "office-cleaning", 3: "green-maintenance", 4: "green-maintenance",
	5: "office-cleaning", 6: "office-cleaning", 7: "window-cleaning", 8: "window-cleaning", 9: "catering", 10: "laundry",
	11: "bicycle-repair", 12: "archiving", 13: "landscaping", 14: "green-maintenance", 15: "industrial-cleaning",
	16: "=cpv", 17: "window-cleaning", 18: "industrial-cleaning", 19: "", 20: "ironing"}

func planCSV(rows [][]string) []byte {
	var b strings.Builder
	for _, r := range rows {
		for i, c := range r {
			if i > 0 {
				b.WriteByte(';')
			}
			if strings.ContainsAny(c, "\";") {
				c = `"` + strings.ReplaceAll(c, `"`, `""`) + `"`
			}
			b.WriteString(c)
		}
		b.WriteString("\r\n")
	}
	return []byte(b.String())
}

var (
	selectRe   = regexp.MustCompile(`(?s)<select id="task-(\d+)" name="task_\d+">(.*?)</select>`)
	selectedRe = regexp.MustCompile(`<option value="([^"]*)" selected>`)
	lineRowRe  = regexp.MustCompile(`(?s)<tr data-line="(\d+)"[^>]*>(.*?)</tr>`)
)

// selections reads the review screen's choice per line.
func selections(t *testing.T, page string) map[int]string {
	t.Helper()
	out := map[int]string{}
	for _, m := range selectRe.FindAllStringSubmatch(page, -1) {
		var n int
		fmt.Sscan(m[1], &n)
		if s := selectedRe.FindStringSubmatch(m[2]); s != nil {
			out[n] = s[1]
		} else {
			out[n] = ""
		}
	}
	return out
}

// summaryRows reads the summary's rows by line number.
func summaryRows(page string) map[int]string {
	out := map[int]string{}
	for _, m := range lineRowRe.FindAllStringSubmatch(page, -1) {
		var n int
		fmt.Sscan(m[1], &n)
		out[n] = stripTags(m[2])
	}
	return out
}

func TestPurchasingPlan(t *testing.T) {
	s := startServer(t, 0)
	seedCleaners(t, s)
	seedGreen(t, s)
	account(t, s, "inkoop@stad.example", directory.RoleBuyer)
	account(t, s, "ander@stad.example", directory.RoleBuyer)
	b := newVisitor(t, s)

	// Signed out, the page asks to sign in.
	if code, _, _ := b.do("GET", "/aankoopplan", nil, ""); code != 303 {
		t.Fatalf("signed out: %d", code)
	}
	b.signIn("inkoop@stad.example", testPassword)
	code, page := b.get("/aankoopplan")
	if code != 200 || !strings.Contains(page, `id="plan-upload"`) || !strings.Contains(page, `enctype="multipart/form-data"`) || !csrfField.MatchString(page) {
		t.Fatalf("upload page: %d", code)
	}
	// A table that is no plan is refused, naming what is missing.
	code, _, page = b.upload("/aankoopplan/upload", "x.csv", "a;b\n1;2\n", false)
	if code != 422 || !strings.Contains(page, "geen kolom van een aankoopplan") {
		t.Fatalf("no header: %d", code)
	}

	code, loc, page := b.upload("/aankoopplan/upload", "plan-2030.csv", string(planCSV(planRows)), false)
	if code != 303 || !strings.HasPrefix(loc, "/aankoopplan/") {
		t.Fatalf("upload: %d %s\n%s", code, loc, stripTags(page))
	}
	planURL := loc
	_, review := b.get(planURL)
	// The bad rows are named with their row and field, the good ones kept.
	for _, want := range []string{`<tr data-row="22"><td>22</td><td>start</td><td>31-02-2030</td><td>Geen datum`, `<tr data-row="23"><td>23</td><td>cpv</td><td>99999999</td><td>Geen soort werk van Verken hoort bij deze CPV-code.`} {
		if !strings.Contains(review, want) {
			t.Errorf("the review does not report %q", want)
		}
	}
	got := selections(t, review)
	if len(got) != 20 {
		t.Fatalf("%d lines on the review screen, want 20", len(got))
	}
	for n, want := range wantTask {
		if got[n] != want {
			t.Errorf("line %d (%s): matched %q, want %q", n, planRows[n][0], got[n], want)
		}
	}
	// The misspelt "schoonmak" is flagged: industrial cleaning scores as
	// high; the line a CPV code decides shows its source.
	rows := map[int]string{}
	for _, m := range lineRowRe.FindAllStringSubmatch(review, -1) {
		var n int
		fmt.Sscan(m[1], &n)
		rows[n] = m[0]
	}
	if !strings.Contains(rows[5], `class="ambiguous"`) || !strings.Contains(rows[5], "score 0,85") {
		t.Errorf("line 5 is not flagged for review:\n%s", rows[5])
	}
	if strings.Contains(rows[1], `class="ambiguous"`) || !strings.Contains(rows[1], "score 1") {
		t.Errorf("line 1 is flagged or not scored 1:\n%s", rows[1])
	}
	if !strings.Contains(rows[16], "CPV-code uit het bestand") || !strings.Contains(rows[17], "taak uit het bestand") {
		t.Error("lines 16 and 17 do not show that the file decided")
	}

	// Another buyer cannot check this plan.
	o := newVisitor(t, s)
	o.signIn("ander@stad.example", testPassword)
	if code, _, _ := o.post(planURL+"/controleren", url.Values{}); code != 404 {
		t.Fatalf("another account checks the plan: %d", code)
	}

	// The buyer corrects line 13 (landscaping → green maintenance: the zones
	// are to be kept, not laid out) and
	// checks every line.
	b.get(planURL)
	form := url.Values{}
	for n, v := range got {
		form.Set(fmt.Sprintf("task_%d", n), v)
	}
	form.Set("task_13", "green-maintenance")
	code, loc, _ = b.post(planURL+"/controleren", form)
	if code != 303 || loc != planURL {
		t.Fatalf("check: %d %s", code, loc)
	}
	_, summary := b.get(planURL)
	sr := summaryRows(summary)
	if len(sr) != 20 {
		t.Fatalf("%d summary rows", len(sr))
	}
	norm := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	for n, want := range map[int][]string{
		// The worked example: 4 eligible cleaners, 6 FTE, 3 reserved lots
		// of 2 FTE; 6 × 38 × 52 × 65 % = 7706.4 hours.
		1: {"Schoonmaak van kantoren en gebouwen", "6 VTE", "€ 250.000", "uit de omschrijving, score 1", " 4 4 1,08 / 1,08 / 1,08 ", "Behoud percelen voor.", "3 percelen van 2 VTE, 3 voorbehouden", "7706", "= 6 VTE × 38 × 52 × 65 %"},
		// 2 FTE of green maintenance: two eligible suppliers (fewer than
		// the 3 a reservation needs) can each carry it: one open lot;
		// 2 × 38 × 52 × 60 % = 2371.2 hours.
		4:  {"Groenonderhoud", "76 uur/week", "Geen bijzonder advies", "1 open perceel van 2 VTE", "2371", "= 2 VTE × 38 × 52 × 60 %"},
		13: {"Groenonderhoud", "door u gekozen", " 2 2 3 / 3 / 3 "},
		14: {"Groenonderhoud", " 2 2 "},
		16: {"CPV 90919200-4 Reiniging van kantoren", "CPV-code uit het bestand", " 4 4 "},
		18: {"€ 120.000 per jaar", "Niet verkend: de verkenning heeft een volume in VTE of uren per week nodig"},
		19: {"niet gekoppeld", "Niet verkend: kies eerst een soort werk."},
		7:  {"Glazenwassen", " 0 0 0 / 0 / 0 "},
	} {
		for _, w := range want {
			if !strings.Contains(norm(sr[n]), w) {
				t.Errorf("summary line %d lacks %q:\n%s", n, w, norm(sr[n]))
			}
		}
	}
	if !strings.Contains(summary, `id="plan-formula"`) || !strings.Contains(stripTags(summary), "volume in VTE × 38 uur × 52 weken") {
		t.Error("the summary does not state the estimate's formula")
	}

	// A line's full report: the market check as it was, below the line.
	if !strings.Contains(summary, `href="`+planURL+`/regel/1"`) {
		t.Fatal("no link to line 1's report")
	}
	code, report := b.get(planURL + "/regel/1")
	for _, want := range []string{`id="fig-coverage">1,08<`, `id="back-to-plan"`, "Verdeel in 3 percelen van 2 VTE", "Poetsploeg 1", `id="line-hours">7706`, `id="lot-plan"`} {
		if !strings.Contains(report, want) {
			t.Errorf("line 1's report lacks %q", want)
		}
	}
	if code != 200 {
		t.Fatalf("line report: %d", code)
	}
	// The permalink is readable by whoever holds it, as a saved check.
	if code, _ := newVisitor(t, s).get(planURL + "/regel/4"); code != 200 {
		t.Fatalf("line 4 signed out: %d", code)
	}
	if code, _ := b.get(planURL + "/regel/21"); code != 404 {
		t.Fatalf("line 21: %d", code)
	}

	// The XLSX: a header and 20 lines, every cell text, no formula.
	resp, body := fetchPlanFile(t, b, planURL+"/samenvatting.xlsx")
	if resp != 200 {
		t.Fatalf("xlsx: %d", resp)
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetName(0)
	xrows, err := f.GetRows(sheet)
	if err != nil || len(xrows) != 21 {
		t.Fatalf("xlsx rows: %d %v", len(xrows), err)
	}
	cell := func(ref string) string { v, _ := f.GetCellValue(sheet, ref); return v }
	for ref, want := range map[string]string{"A1": "Rij", "B1": "Omschrijving", "B2": "schoonmaak kantoren", "C2": "Schoonmaak van kantoren en gebouwen",
		"H2": "4", "I2": "4", "J2": "1,08", "M2": "Behoud percelen voor.", "N2": "3 percelen van 2 VTE, 3 voorbehouden", "O2": "7706",
		"C14": "Groenonderhoud", "D14": "door u gekozen", "B21": `=HYPERLINK("x") strijkdienst`, "C21": "Strijkdienst"} {
		if got := cell(ref); got != want {
			t.Errorf("xlsx %s = %q, want %q", ref, got, want)
		}
	}
	if link := cell("Q2"); !strings.HasSuffix(link, planURL+"/regel/1") {
		t.Errorf("xlsx Q2 = %q, not line 1's report", link)
	}
	for r := 1; r <= 21; r++ {
		for c := 1; c <= 17; c++ {
			ref, _ := excelize.CoordinatesToCellName(c, r)
			if formula, _ := f.GetCellFormula(sheet, ref); formula != "" {
				t.Fatalf("xlsx %s holds a formula %q", ref, formula)
			}
			if v := cell(ref); v != "" {
				if typ, _ := f.GetCellType(sheet, ref); typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
					t.Fatalf("xlsx %s (%q) is not text: type %v", ref, v, typ)
				}
			}
		}
	}

	// The dashboard lists the plan; the review can be opened again.
	_, dash := b.get("/mijn")
	if !strings.Contains(dash, `href="`+planURL+`"`) || !strings.Contains(dash, "verkend") {
		t.Fatal("the dashboard does not list the plan")
	}
	_, again := b.get(planURL + "?herzien=1")
	if sel := selections(t, again); sel[13] != "green-maintenance" || sel[16] != "=cpv" {
		t.Fatalf("the review again: line 13 %q, line 16 %q", sel[13], sel[16])
	}
	// French: the same summary in the buyer's language.
	_, fr := b.get(planURL + "?lang=fr")
	if !strings.Contains(fr, "Réserver des lots") && !strings.Contains(fr, "Synthèse") {
		t.Error("the summary does not speak French")
	}
}

// TestPurchasingPlanLimits: a plan over 500 lines is refused with the
// limit named; an XLSX plan reads like a CSV one.
func TestPurchasingPlanLimits(t *testing.T) {
	s := startServer(t, 0)
	seedCleaners(t, s)
	account(t, s, "inkoop@stad.example", directory.RoleBuyer)
	b := newVisitor(t, s)
	b.signIn("inkoop@stad.example", testPassword)
	b.get("/aankoopplan")
	rows := [][]string{planRows[0]}
	for range 501 {
		rows = append(rows, planRows[1])
	}
	code, _, page := b.upload("/aankoopplan/upload", "groot.csv", string(planCSV(rows)), false)
	if code != 422 || !strings.Contains(page, "meer dan 500 rijen") {
		t.Fatalf("501 lines: %d\n%s", code, stripTags(page))
	}
	// XLSX, cells as a spreadsheet holds them.
	x := excelize.NewFile()
	for i, r := range planRows[:3] {
		for j, v := range r {
			ref, _ := excelize.CoordinatesToCellName(j+1, i+1)
			_ = x.SetCellStr("Sheet1", ref, v)
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	b.get("/aankoopplan")
	code, loc, _ := b.upload("/aankoopplan/upload", "plan.xlsx", buf.String(), false)
	if code != 303 {
		t.Fatalf("xlsx upload: %d", code)
	}
	_, review := b.get(loc)
	if sel := selections(t, review); len(sel) != 2 || sel[1] != "office-cleaning" || sel[2] != "office-cleaning" {
		t.Fatalf("xlsx plan: %v", sel)
	}
}

// fetchPlanFile gets a path with the visitor's cookies and returns the raw body.
func fetchPlanFile(t *testing.T, b *browserless, path string) (int, []byte) {
	t.Helper()
	resp, err := b.client.Do(b.request("GET", path, nil, ""))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(resp.Body)
	return resp.StatusCode, buf.Bytes()
}

// A buyer uploads a plan in the browser, corrects one match, checks the
// plan, opens a line's report and downloads the summary as XLSX.
func TestBrowserPurchasingPlan(t *testing.T) {
	s := startServer(t, 0)
	seedCleaners(t, s)
	seedGreen(t, s)
	account(t, s, "inkoop@stad.example", directory.RoleBuyer)
	file := filepath.Join(t.TempDir(), "aankoopplan.csv")
	if err := os.WriteFile(file, planCSV(planRows[:6]), 0o600); err != nil {
		t.Fatal(err)
	}
	p := page{t, browser(t)}
	p.do(chromedp.Navigate(s.URL+"/inloggen"), chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), "inkoop@stad.example"), chromedp.SendKeys(chromedp.ID("password"), testPassword+"\n"))
	p.waitURL("/mijn")
	p.do(chromedp.Click(chromedp.ID("new-plan")))
	p.waitURL("/aankoopplan")
	p.do(chromedp.WaitVisible(chromedp.ID("plan-file")), chromedp.SetUploadFiles(chromedp.ID("plan-file"), []string{file}), chromedp.Click(chromedp.ID("plan-submit")))
	p.until(`document.getElementById("plan-review") !== null`)
	if v := p.eval(`document.getElementById("task-5").value === "office-cleaning" ? 1 : 0`); v != 1 {
		t.Fatal("line 5 (schoonmak) is not matched to office cleaning")
	}
	// Correct line 5 to industrial cleaning, then check every line.
	p.do(chromedp.SetValue(chromedp.ID("task-5"), "industrial-cleaning"), chromedp.Click(chromedp.ID("plan-check")))
	p.until(`document.getElementById("plan-summary") !== null`)
	if task := p.text(`tr[data-line="5"] td.task`); task != "Industriële schoonmaak" {
		t.Fatalf("line 5 after the correction: %q", task)
	}
	if lots := p.text(`tr[data-line="1"] td.lots`); lots != "3 percelen van 2 VTE, 3 voorbehouden" {
		t.Fatalf("line 1's lots: %q", lots)
	}
	// Line 1's report.
	p.do(chromedp.Click(chromedp.CSS(`tr[data-line="1"] a.line-report`)))
	p.waitURL("/regel/1")
	p.do(chromedp.WaitVisible(chromedp.ID("advice")))
	if advice := p.text("#advice"); !strings.Contains(advice, "3 percelen van 2 VTE") {
		t.Fatalf("line 1's advice: %q", advice)
	}
	p.do(chromedp.Click(chromedp.ID("back-to-plan")))
	p.until(`document.getElementById("plan-xlsx") !== null`)

	// The XLSX download.
	dir := t.TempDir()
	progress := chromedp.Events(p.ctx, cdpbrowser.DownloadProgress)
	p.do(chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
			Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: ptr(true)})
		return err
	}), chromedp.Click(chromedp.ID("plan-xlsx")))
	var downloaded string
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("download: %v", err)
		}
		if ev.State == cdpbrowser.DownloadProgressStateCompleted {
			downloaded = filepath.Join(dir, ev.GUID)
			break
		}
		if ev.State == cdpbrowser.DownloadProgressStateCanceled {
			t.Fatal("the download was cancelled")
		}
	}
	f, err := excelize.OpenFile(downloaded)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if v, _ := f.GetCellValue(f.GetSheetName(0), "C6"); v != "Industriële schoonmaak" {
		t.Fatalf("the downloaded XLSX has %q for line 5's task", v)
	}
}
