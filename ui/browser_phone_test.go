package ui_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// phone and desktop are the two widths the pages are tried at.
const (
	phoneWidth, phoneHeight     = 390, 844
	desktopWidth, desktopHeight = 1366, 900
)

// shown is a JavaScript expression: the element is laid out (not display:
// none, itself or an ancestor) and has a size.
func shown(css string) string {
	return `+(() => { const e = document.querySelector(` + jsString(css) + `); return !!e && e.getClientRects().length > 0 && e.getBoundingClientRect().height > 0 })()`
}

func jsString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// On a phone the results come first and the filters open as a panel from
// one button; the panel keeps several choices until "apply". On a wide
// screen the filters sit beside the results and apply at once.
func TestBrowserPhoneSearchResultsFirst(t *testing.T) {
	s := startServer(t, 120)
	waitIndexed(t, s)
	p := page{t, browser(t)}
	p.do(chromedp.EmulateViewport(phoneWidth, phoneHeight, chromedp.EmulateMobile))
	p.do(chromedp.Navigate(s.URL+"/?q=schoonmaak"), chromedp.WaitReady(chromedp.CSS("footer.foot")))

	if h := p.eval(`window.innerHeight`); h != phoneHeight {
		t.Fatalf("the phone's viewport is %d high, not %d", h, phoneHeight)
	}
	// The first result starts within the first screen, and the filters do
	// not stand before it.
	top := p.eval(`Math.ceil(document.querySelector("li.hit").getBoundingClientRect().top + window.scrollY)`)
	if top <= 0 || top >= phoneHeight {
		t.Fatalf("the first result starts at %d px, outside the first screen of %d px", top, phoneHeight)
	}
	if p.eval(shown("#filters")) == 1 {
		t.Fatal("the filters show before they are asked for on a phone")
	}
	if p.eval(shown("#filters-toggle")) != 1 {
		t.Fatal("no filter button on a phone")
	}
	if w := p.eval(`document.documentElement.scrollWidth`); w > phoneWidth {
		t.Fatalf("the search page is %d px wide on a %d px phone: it scrolls sideways", w, phoneWidth)
	}
	before := p.count()
	if before == 0 {
		t.Fatal("no results for schoonmaak")
	}

	// The button opens the panel; the choices wait for "apply".
	p.do(chromedp.Click(chromedp.ID("filters-toggle")))
	p.until(shown("#filters") + ` && document.getElementById("filters-toggle").getAttribute("aria-expanded") === "true"`)
	if p.eval(`getComputedStyle(document.getElementById("filters")).position === "fixed" ? 1 : 0`) != 1 {
		t.Fatal("the filters do not open as a panel over the page")
	}
	province := p.eval(`(() => { const b = Array.from(document.querySelectorAll("#f-provinces input")).find(e => !e.checked); return b ? 1 : 0 })()`)
	if province != 1 {
		t.Fatal("no province to choose")
	}
	provinceID, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`document.querySelector("#f-provinces input").id`))
	if err != nil {
		t.Fatal(err)
	}
	p.do(chromedp.Click(chromedp.ID("f-kind-regulier")))
	// A second choice is made in the same open panel: the first did not
	// submit the form and close it.
	p.do(chromedp.Click(chromedp.ID(provinceID)))
	if p.eval(`document.getElementById("f-kind-regulier").checked && location.search.indexOf("kind=") < 0 ? 1 : 0`) != 1 {
		t.Fatal("choosing a filter in the panel left the page before apply")
	}
	p.do(chromedp.Click(chromedp.ID("filters-apply")))
	url := p.waitURL("kind=regulier")
	p.do(chromedp.WaitReady(chromedp.CSS("footer.foot")))
	if !strings.Contains(url, "province=") || !strings.Contains(url, "q=schoonmaak") {
		t.Fatalf("apply lost a choice or the words: %s", url)
	}
	after := p.count()
	other := p.eval(`Array.from(document.querySelectorAll("li.hit .kind")).filter(e => e.textContent !== "Reguliere onderneming").length`)
	if after >= before || other != 0 {
		t.Fatalf("applying the panel: %d results before, %d after, %d of another kind", before, after, other)
	}
	if p.eval(shown("#filters")) == 1 {
		t.Fatal("the panel is still open over the new results")
	}
	if text := p.text("#filters-toggle"); !strings.Contains(text, "2") {
		t.Fatalf("the filter button does not say two filters are on: %q", text)
	}

	// Close, and Escape, shut the panel without leaving the page.
	p.do(chromedp.Click(chromedp.ID("filters-toggle")))
	p.until(shown("#filters"))
	p.do(chromedp.Click(chromedp.ID("filters-close")))
	p.until(`!` + shown("#filters"))
	p.do(chromedp.Click(chromedp.ID("filters-toggle")))
	p.until(shown("#filters"))
	p.do(chromedp.KeyEvent("\x1b"))
	p.until(`!` + shown("#filters") + ` && document.activeElement.id === "filters-toggle"`)

	// Without script the button is a link to the panel, which opens.
	p.do(chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}))
	p.do(chromedp.Navigate(s.URL+"/?q=schoonmaak"), chromedp.WaitReady(chromedp.CSS("footer.foot")))
	p.do(chromedp.Click(chromedp.ID("filters-toggle")))
	p.waitURL("#filters")
	p.until(shown("#filters-apply"))
	p.do(chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false})
		return err
	}))

	// The profile's offers stack: no column is hidden off to the side.
	p.do(chromedp.Navigate(s.URL+"/leveranciers/demo-0001"), chromedp.WaitReady(chromedp.CSS("table.offers")))
	if w := p.eval(`document.documentElement.scrollWidth`); w > phoneWidth {
		t.Fatalf("the profile is %d px wide on a %d px phone", w, phoneWidth)
	}
	if n := p.eval(`(() => { const w = document.querySelector("table.offers").closest(".table-wrap"); return w.scrollWidth - w.clientWidth })()`); n > 0 {
		t.Fatalf("the offers table scrolls %d px sideways on a phone", n)
	}
	if p.eval(`getComputedStyle(document.querySelector("table.offers tbody tr")).display === "block" ? 1 : 0`) != 1 {
		t.Fatal("the offers do not stack on a phone")
	}
	label, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("table.offers td.fte"), "::before").content`))
	if err != nil || !strings.Contains(label, "Vrij") {
		t.Fatalf("a stacked offer's value does not say what it is: %q (%v)", label, err)
	}

	// A wide screen: the filters beside the results, no button, and a
	// choice applies at once.
	p.do(chromedp.EmulateViewport(desktopWidth, desktopHeight))
	p.do(chromedp.Navigate(s.URL+"/?q=schoonmaak"), chromedp.WaitReady(chromedp.CSS("footer.foot")))
	if p.eval(shown("#filters")) != 1 || p.eval(shown("#filters-toggle")) == 1 {
		t.Fatal("on a wide screen the filters are not beside the results, or the phone's button shows")
	}
	if p.eval(`document.getElementById("filters").getBoundingClientRect().right <= document.querySelector("li.hit").getBoundingClientRect().left ? 1 : 0`) != 1 {
		t.Fatal("on a wide screen the filters are not beside the results")
	}
	p.do(chromedp.Click(chromedp.ID("f-kind-regulier")))
	p.waitURL("kind=regulier")
	p.do(chromedp.WaitReady(chromedp.CSS("#f-kind-regulier:checked")))
	if n := p.count(); n >= before {
		t.Fatalf("on a wide screen the kind filter gives %d of %d", n, before)
	}
	p.do(chromedp.Navigate(s.URL+"/leveranciers/demo-0001"), chromedp.WaitReady(chromedp.CSS("table.offers")))
	if p.eval(`getComputedStyle(document.querySelector("table.offers tbody tr")).display === "table-row" ? 1 : 0`) != 1 {
		t.Fatal("on a wide screen the offers are not a table")
	}
}
