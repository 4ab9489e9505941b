package ui_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/ledongthuc/pdf"

	"github.com/verken/verken/directory"
)

// browser starts headless Chromium for a test. Without Chromium the test is
// skipped — unless VERKEN_REQUIRE_BROWSER is set, as the test command and CI
// set it, where a missing browser is a failure.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := os.Getenv("VERKEN_CHROMIUM")
	if path == "" {
		for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
			if p, err := exec.LookPath(name); err == nil {
				path = p
				break
			}
		}
	}
	if path == "" {
		if os.Getenv("VERKEN_REQUIRE_BROWSER") != "" {
			t.Fatal("chromium is required (VERKEN_REQUIRE_BROWSER is set) but not installed: run ./test.sh")
		}
		t.Skip("chromium not installed: browser test skipped (./test.sh installs it)")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1200, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	// Start the browser on the untimed context (a timeout on the first run
	// would stop the browser), then bound the test's own steps.
	if err := chromedp.Do(ctx); err != nil {
		cancelCtx()
		cancelAlloc()
		t.Fatalf("start chromium: %v", err)
	}
	tctx, cancelTimeout := context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	return tctx
}

// page wraps a browser tab with the few reads the tests need; the first
// failure ends the test.
type page struct {
	t   *testing.T
	ctx context.Context
}

func (p page) do(actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, actions...); err != nil {
		p.t.Fatal(err)
	}
}

func (p page) text(css string) string {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Text(chromedp.CSS(css)))
	if err != nil {
		p.t.Fatalf("text of %s: %v", css, err)
	}
	return strings.TrimSpace(v)
}

func (p page) eval(js string) int {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[int](js))
	if err != nil {
		p.t.Fatalf("%s: %v", js, err)
	}
	return v
}

// waitURL waits until the tab shows a fully loaded page at a URL
// containing part. It asks the document itself, so that the page being
// left, which may already report the new URL, is never taken for it.
func (p page) waitURL(part string) string {
	p.t.Helper()
	for {
		// While the tab navigates, evaluating fails; that means "not yet".
		url, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`document.readyState === "complete" ? location.href : ""`))
		if err == nil && strings.Contains(url, part) {
			return url
		}
		select {
		case <-p.ctx.Done():
			p.t.Fatalf("no navigation to a URL with %q (at %s)", part, url)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func TestBrowserSearchAndOpenSupplier(t *testing.T) {
	s := startServer(t, 120)
	p := page{t, browser(t)}
	p.do(chromedp.Navigate(s.URL+"/"), chromedp.WaitVisible(chromedp.ID("q")))
	heading := p.text("h1")
	if lang := p.eval(`document.documentElement.lang === "nl" ? 1 : 0`); lang != 1 || !strings.Contains(heading, "vrije capaciteit") {
		t.Fatalf("the search page does not speak Dutch: heading %q", heading)
	}
	p.do(chromedp.SendKeys(chromedp.ID("q"), "schoonmaak\n"))
	p.waitURL("q=schoonmaak")
	p.do(chromedp.WaitVisible(chromedp.CSS("li.hit")))
	count := p.text("h2.count")
	hits := p.eval(`document.querySelectorAll("li.hit").length`)
	if !strings.Contains(count, "leveranciers gevonden") || hits == 0 {
		t.Fatalf("no results for schoonmaak: %q, %d hits", count, hits)
	}
	firstName := p.text("li.hit h3 a")
	p.do(chromedp.Click(chromedp.CSS("li.hit h3 a")), chromedp.WaitVisible(chromedp.CSS("table.offers")))
	profileName := p.text("article.profile h1")
	offerTask := p.text("table.offers tbody th")
	if !strings.HasPrefix(profileName, firstName) || offerTask == "" {
		t.Fatalf("opened %q, clicked %q (offer %q)", profileName, firstName, offerTask)
	}

	// A filter change applies at once (progressive enhancement), and the
	// URL keeps the search so that it can be shared.
	p.do(chromedp.Navigate(s.URL+"/?q=schoonmaak"), chromedp.WaitVisible(chromedp.CSS("li.hit")))
	p.do(chromedp.Click(chromedp.ID("f-kind-regulier")))
	url := p.waitURL("kind=regulier")
	p.do(chromedp.WaitReady(chromedp.CSS(`#f-kind-regulier:checked`)))
	other := p.eval(`Array.from(document.querySelectorAll("li.hit .kind")).filter(e => e.textContent !== "Reguliere onderneming").length`)
	if !strings.Contains(url, "kind=regulier") || other != 0 {
		t.Fatalf("kind filter: url %s, %d hits of another kind", url, other)
	}
}

// until polls a JavaScript condition until it holds; it suits pages that
// the back button restores from the cache, where load events do not come.
func (p page) until(cond string) {
	p.t.Helper()
	for {
		v, err := chromedp.Run(p.ctx, chromedp.Evaluate[int](`(`+cond+`) ? 1 : 0`))
		if err == nil && v == 1 {
			return
		}
		select {
		case <-p.ctx.Done():
			p.t.Fatalf("waiting for %s: %v", cond, p.ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// count reads the number in "N leveranciers gevonden".
func (p page) count() int {
	p.t.Helper()
	return p.eval(`parseInt(document.querySelector("h2.count").textContent, 10)`)
}

// facet reads the count shown beside a filter choice.
func (p page) facet(id string) int {
	p.t.Helper()
	return p.eval(`(() => { const n = document.querySelector('label[for="` + id + `"] .n'); return n ? parseInt(n.textContent, 10) : -1 })()`)
}

// A buyer filters by task and province and sees the counts change, sorts
// by distance, opens the map, and downloads the CSV.
func TestBrowserFiltersSortMapAndExport(t *testing.T) {
	s := startServer(t, 300)
	p := page{t, browser(t)}
	p.do(chromedp.Navigate(s.URL+"/"), chromedp.WaitReady(chromedp.CSS("footer.foot")))
	all := p.count()

	// Task: open its group, tick it; the total drops to the task's count.
	cleaningCount := p.facet("f-task-office-cleaning")
	p.eval(`(() => { document.getElementById("f-task-office-cleaning").closest("details").open = true; return 1 })()`)
	antBefore := p.facet("f-province-ANT")
	p.do(chromedp.Click(chromedp.ID("f-task-office-cleaning")))
	p.waitURL("task=office-cleaning")
	p.do(chromedp.WaitReady(chromedp.CSS("#f-task-office-cleaning:checked")))
	withTask := p.count()
	if withTask != cleaningCount || withTask >= all || withTask == 0 {
		t.Fatalf("task filter: %d of %d, the facet promised %d", withTask, all, cleaningCount)
	}
	// The province counts now count cleaners only.
	antCleaners := p.facet("f-province-ANT")
	if antCleaners > antBefore || antCleaners < 1 {
		t.Fatalf("Antwerp: %d before the task filter, %d after", antBefore, antCleaners)
	}
	ovl := p.facet("f-province-OVL")
	p.do(chromedp.Click(chromedp.ID("f-province-OVL")))
	shared := p.waitURL("province=OVL")
	if strings.Contains(shared, "cpv=") || strings.Contains(shared, "sort=") {
		t.Fatalf("the shared URL carries empty or default fields: %s", shared)
	}
	p.do(chromedp.WaitReady(chromedp.CSS("#f-province-OVL:checked")))
	if n := p.count(); n != ovl {
		t.Fatalf("province filter: %d hits, the facet promised %d", n, ovl)
	}
	// Disjunctive: the other provinces keep their counts, so the buyer can
	// add one.
	if n := p.facet("f-province-ANT"); n != antCleaners {
		t.Fatalf("Antwerp's count changed from %d to %d when East Flanders was picked", antCleaners, n)
	}
	// The back button returns to the search before the province.
	p.eval(`(() => { history.back(); return 1 })()`)
	p.waitURL("/?task=office-cleaning")
	p.until(`!document.getElementById("f-province-OVL").checked && document.querySelector("footer.foot") !== null`)
	if n := p.count(); n != withTask {
		t.Fatalf("back: %d hits, before the province filter %d", n, withTask)
	}
	// The shared URL opens the same search.
	p.do(chromedp.Navigate(shared), chromedp.WaitReady(chromedp.CSS("footer.foot")))
	if n := p.count(); n != ovl {
		t.Fatalf("the shared URL finds %d, the search found %d", n, ovl)
	}

	// Sort by distance from Ghent.
	p.do(chromedp.SendKeys(chromedp.ID("f-near"), "9000\n"))
	p.waitURL("near=9000")
	p.do(chromedp.WaitVisible(chromedp.CSS("li.hit")))
	p.eval(`(() => { const el = document.getElementById("f-sort"); el.value = "distance";
		el.dispatchEvent(new Event("change", {bubbles: true})); return 1 })()`)
	p.waitURL("sort=distance")
	p.do(chromedp.WaitVisible(chromedp.CSS("li.hit .distance")))
	unordered := p.eval(`(() => { const d = Array.from(document.querySelectorAll("li.hit .distance")).map(e => parseFloat(e.textContent.replace(",", ".")));
		let bad = 0; for (let i = 1; i < d.length; i++) if (d[i] < d[i-1]) bad++; return d.length < 2 ? -1 : bad })()`)
	if unordered != 0 {
		t.Fatalf("distance order broken (%d inversions; -1: fewer than two hits)", unordered)
	}
	total := p.count()

	// The map: one marker per matching site, even though no tiles load here.
	p.do(chromedp.Click(chromedp.ID("view-map")))
	p.waitURL("view=map")
	p.do(chromedp.WaitReady(chromedp.CSS("#map[data-markers]")))
	markers := p.eval(`parseInt(document.getElementById("map").dataset.markers, 10)`)
	drawn := p.eval(`document.querySelectorAll("#map path.site-marker").length`)
	if markers < total || drawn != markers {
		t.Fatalf("map: %d markers reported, %d drawn, %d suppliers", markers, drawn, total)
	}
	if st := p.text("#map-status"); !strings.Contains(st, "vestigingen op de kaart") {
		t.Fatalf("map status %q", st)
	}
	// The map's own background: the provinces' outlines, with no tiles.
	p.do(chromedp.WaitReady(chromedp.CSS("#map[data-basemap-drawn]")))
	if n := p.eval(`document.querySelectorAll("#map .leaflet-basemap-pane path").length`); n != 11 {
		t.Fatalf("%d province outlines drawn, want 11", n)
	}
	// No tiles load here: the page says so. A marker's popup gives the
	// supplier's free capacity.
	p.do(chromedp.WaitVisible(chromedp.ID("map-tiles")))
	if note := p.text("#map-tiles"); !strings.Contains(note, "De achtergrondkaart laadt niet") {
		t.Fatalf("tiles note %q", note)
	}
	p.eval(`(() => { document.querySelector("#map path.site-marker").dispatchEvent(new MouseEvent("click", {bubbles: true})); return 1 })()`)
	p.do(chromedp.WaitVisible(chromedp.CSS(".leaflet-popup .popup-facts")))
	if facts := p.text(".leaflet-popup .popup-facts"); !strings.Contains(facts, "VTE vrij") {
		t.Fatalf("popup facts %q", facts)
	}

	// The CSV download holds every match.
	dir := t.TempDir()
	progress := chromedp.Events(p.ctx, cdpbrowser.DownloadProgress)
	p.do(chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
			Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: ptr(true)})
		return err
	}), chromedp.Click(chromedp.ID("export-csv")))
	var file string
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("download: %v", err)
		}
		if ev.State == cdpbrowser.DownloadProgressStateCompleted {
			file = filepath.Join(dir, ev.GUID)
			break
		}
		if ev.State == cdpbrowser.DownloadProgressStateCanceled {
			t.Fatal("the download was cancelled")
		}
	}
	body, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\xEF\xBB\xBF"))))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil || len(rows)-1 != total {
		t.Fatalf("downloaded CSV: %d rows for %d matches (%v)", len(rows)-1, total, err)
	}
}

func ptr[T any](v T) *T { return &v }

// A supplier user signs in, changes its free capacity and signs out; a
// buyer's search then shows the new capacity.
func TestBrowserSupplierUpdatesCapacity(t *testing.T) {
	s := startServer(t, 30)
	sup, _ := s.Store.Get("demo-0005")
	account(t, s, "planner@demo-0005.example", directory.RoleSupplier, sup.ID)
	account(t, s, "aankoop@stad.example", directory.RoleBuyer)
	p := page{t, browser(t)}
	signIn := func(email string) {
		p.do(chromedp.Navigate(s.URL+"/inloggen"), chromedp.WaitVisible(chromedp.ID("email")),
			chromedp.SendKeys(chromedp.ID("email"), email), chromedp.SendKeys(chromedp.ID("password"), testPassword+"\n"))
		p.waitURL("/mijn")
	}
	signIn("planner@demo-0005.example")
	p.do(chromedp.Click(chromedp.CSS(`a[href="/mijn/leveranciers/demo-0005/capaciteit"]`)))
	p.waitURL("/capaciteit")
	p.eval(`(() => { const el = document.getElementById("fte-0"); el.value = ""; return 1 })()`)
	p.do(chromedp.SendKeys(chromedp.ID("fte-0"), "23,5"), chromedp.Click(chromedp.CSS(`#capacity-form button[type=submit]`)))
	p.waitURL("notice=saved")
	if got := p.eval(`document.getElementById("fte-0").value === "23,5" ? 1 : 0`); got != 1 {
		t.Fatal("the capacity form does not show the saved value")
	}
	p.do(chromedp.Click(chromedp.ID("logout")))
	p.until(`document.getElementById("login-link") !== null && document.readyState === "complete"`)

	signIn("aankoop@stad.example")
	search := s.URL + "/?task=" + sup.Offers[0].Task + "&min_fte=23"
	deadline := time.Now().Add(5 * time.Second)
	for {
		p.do(chromedp.Navigate(search), chromedp.WaitReady(chromedp.CSS("footer.foot")))
		found := p.eval(`(() => { const h = document.querySelector('li.hit[data-id="demo-0005"] .fte'); return h && h.textContent.includes("23,5") ? 1 : 0 })()`)
		if found == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the buyer's search does not show 23,5 FTE for %s", sup.Name)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// A buyer fills in the market check, reads the advice, and prints the
// report: the PDF holds the coverage figure.
func TestBrowserMarketCheckPrints(t *testing.T) {
	s := startServer(t, 0)
	seedCleaners(t, s)
	p := page{t, browser(t)}
	p.do(chromedp.Navigate(s.URL+"/marktverkenning"), chromedp.WaitReady(chromedp.CSS("footer.foot")))
	p.eval(`(() => { document.querySelector('#c-task option[value="office-cleaning"]').selected = true; return 1 })()`)
	p.do(chromedp.SendKeys(chromedp.ID("c-place"), "9000"), chromedp.SendKeys(chromedp.ID("c-volume"), "6"),
		chromedp.SetValue(chromedp.ID("c-start"), "2030-01-07"), chromedp.SendKeys(chromedp.ID("c-value"), "250000"),
		chromedp.Click(chromedp.ID("check-submit")))
	p.waitURL("volume_fte=6")
	p.until(`document.getElementById("advice") !== null`)
	if advice := p.text("#advice"); !strings.Contains(advice, "Behoud percelen voor.") || !strings.Contains(advice, "3 percelen van 2 VTE") {
		t.Fatalf("advice: %q", advice)
	}
	pdfBytes, err := chromedp.Run(p.ctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4)))
	if err != nil {
		t.Fatal(err)
	}
	r, err := pdf.NewReader(bytes.NewReader(pdfBytes), int64(len(pdfBytes)))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := r.GetPlainText()
	if err != nil {
		t.Fatal(err)
	}
	var text bytes.Buffer
	if _, err := text.ReadFrom(plain); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text.String(), "1,08") || strings.Contains(text.String(), "Markt verkennen") {
		t.Fatalf("the printed report: coverage 1,08 missing, or the form printed:\n%.600s", text.String())
	}
}
