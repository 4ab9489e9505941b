package ui_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
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
	tctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
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

// waitURL waits until the tab has navigated to a URL containing part.
func (p page) waitURL(part string) string {
	p.t.Helper()
	for {
		url, err := chromedp.Run(p.ctx, chromedp.Location())
		if err != nil {
			p.t.Fatalf("waiting for a URL with %q: %v", part, err)
		}
		if strings.Contains(url, part) {
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
	// Choose as a person would: the value changes and the select says so.
	p.eval(`(() => { const el = document.getElementById("f-kind"); el.value = "regulier";
		el.dispatchEvent(new Event("change", {bubbles: true})); return 1 })()`)
	url := p.waitURL("kind=regulier")
	p.do(chromedp.WaitReady(chromedp.CSS(`#f-kind option[value="regulier"][selected]`)))
	other := p.eval(`Array.from(document.querySelectorAll("li.hit .kind")).filter(e => e.textContent !== "Reguliere onderneming").length`)
	if !strings.Contains(url, "kind=regulier") || other != 0 {
		t.Fatalf("kind filter: url %s, %d hits of another kind", url, other)
	}
}
