package ui_test

import (
	"html"
	"regexp"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/verken/verken/directory"
)

// The API's facets never hold an empty name or an empty value, whatever
// the search (near, serves and cpv have no facet of their own).
func TestAPIFacetsHaveNoEmptyKey(t *testing.T) {
	s := startServer(t, 120)
	waitIndexed(t, s)
	for _, q := range []string{"", "q=schoonmaak", "near=9000", "near=9000&sort=distance", "serves=2000", "cpv=90910000",
		"task_group=cleaning&province=OVL", "reserved=true&fresh=true", "min_transit_class=C", "municipality=Gent&min_fte=1"} {
		var r searchResponse
		if code := s.get(t, "/api/v1/suppliers?"+q, &r); code != 200 {
			t.Fatalf("%s: status %d", q, code)
		}
		if len(r.Facets) == 0 {
			t.Fatalf("%s: no facets", q)
		}
		for name, values := range r.Facets {
			if name == "" {
				t.Errorf("%s: a facet without a name: %v", q, values)
			}
			if _, ok := values[""]; ok {
				t.Errorf("%s: facet %s counts an empty value", q, name)
			}
		}
	}
}

var (
	locatedBlock = regexp.MustCompile(`(?s)id="f-located".*?</fieldset>`)
	choiceLabel  = regexp.MustCompile(`(?s)id="f-(region|province)-([A-Z]+)"[^>]*> <span>([^<]*)</span>`)
)

// "Located in" names every area once: Brussels as the province-level
// choice only, and no region where no site can lie (Wallonia), in every
// language, with and without counts (a bad parameter gives none).
func TestLocatedInListsEachAreaOnce(t *testing.T) {
	s := startServer(t, 120)
	waitIndexed(t, s)
	for _, lang := range []string{"nl", "fr", "en"} {
		for _, q := range []string{"", "q=schoonmaak", "min_fte=veel"} {
			_, body := fetch(t, s.URL+"/?lang="+lang+"&"+q)
			block := locatedBlock.Find(body)
			if block == nil {
				t.Fatalf("%s %s: no located-in list", lang, q)
			}
			seen := map[string]string{}
			for _, m := range choiceLabel.FindAllSubmatch(block, -1) {
				label := html.UnescapeString(string(m[3]))
				if prev, ok := seen[label]; ok {
					t.Errorf("%s %q: %q offered twice (%s and %s-%s)", lang, q, label, prev, m[1], m[2])
				}
				seen[label] = string(m[1]) + "-" + string(m[2])
				if string(m[2]) == "WAL" {
					t.Errorf("%s %q: the Walloon region is offered (%q)", lang, q, label)
				}
			}
			if seen["Vlaams Gewest"] == "" && seen["Région flamande"] == "" && seen["Flemish Region"] == "" {
				t.Errorf("%s %q: the Flemish region is not offered: %v", lang, q, seen)
			}
			if len(seen) < 7 {
				t.Errorf("%s %q: only %d areas: %v", lang, q, len(seen), seen)
			}
		}
	}
	// A region a shared link picked stays on the page, ticked.
	_, body := fetch(t, s.URL+"/?region=BRU")
	if !regexp.MustCompile(`id="f-region-BRU"[^>]*checked`).Match(body) {
		t.Error("region=BRU from a link is not shown ticked")
	}
}

// rectsApart is JavaScript that returns how many facet counts touch their
// own label or another count or label within sel.
func rectsApart(sel string) string {
	return `(() => {
	  const rows = Array.from(document.querySelectorAll(` + jsString(sel) + `)).filter(r => r.getClientRects().length > 0);
	  // The box of an element's text, without its padding.
	  const text = el => { const g = document.createRange(); g.selectNodeContents(el); return g.getBoundingClientRect(); };
	  const boxes = [];
	  let bad = 0;
	  for (const r of rows) {
	    const label = r.querySelector(".label, span:not(.n)"), n = r.querySelector(".n");
	    if (!label || !n) continue;
	    const a = text(label), b = text(n);
	    // On its own label's line, a count starts at least 6 px after it.
	    if (b.top < a.bottom - 2 && b.left < a.right + 6) bad++;
	    boxes.push(a, b);
	  }
	  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
	    const a = boxes[i], b = boxes[j];
	    if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1) bad++;
	  }
	  return rows.length === 0 ? -1 : bad;
	})()`
}

// checkGaps is JavaScript that returns, in forms of class stack, the
// widest distance in px from a label's left edge to its text, past the
// checkbox or radio button before it.
const checkGaps = `(() => {
  let widest = -1;
  for (const l of document.querySelectorAll("form.stack label.check")) {
    const input = l.querySelector("input");
    const text = Array.from(l.childNodes).find(n => n.nodeType === 3 && n.textContent.trim() !== "");
    if (!input || !text) continue;
    const range = document.createRange();
    range.selectNodeContents(text);
    const t = Array.from(range.getClientRects()).find(r => r.width > 0);
    widest = Math.max(widest, t.left - l.getBoundingClientRect().left);
  }
  return Math.round(widest);
})()`

// The facet counts stand apart from their labels (French labels are the
// longest), at both widths; a radio button or checkbox sits beside its
// label.
func TestBrowserFacetCountsAndChecksSitBesideTheirLabels(t *testing.T) {
	s := startServer(t, 300)
	waitIndexed(t, s)
	account(t, s, "admin@verken.example", directory.RoleAdmin)
	p := page{t, browser(t)}
	for _, width := range []int64{desktopWidth, phoneWidth} {
		p.do(chromedp.EmulateViewport(width, desktopHeight))
		for _, lang := range []string{"fr", "nl"} {
			p.do(chromedp.Navigate(s.URL+"/?lang="+lang+"#filters"), chromedp.WaitReady(chromedp.CSS("footer.foot")))
			p.until(shown("#fs-task summary"))
			// Every group open, so the task counts show too.
			p.eval(`(() => { document.querySelectorAll("#filters details").forEach(d => d.open = true); return 1 })()`)
			for _, sel := range []string{"#filters summary", "#filters label.check"} {
				if bad := p.eval(rectsApart(sel)); bad != 0 {
					t.Errorf("%d px, %s, %s: %d counts touch a label or each other (-1: no rows)", width, lang, sel, bad)
				}
			}
		}
		p.do(chromedp.Navigate(s.URL+"/registreren?lang=fr"), chromedp.WaitReady(chromedp.CSS("footer.foot")))
		if gap := p.eval(checkGaps); gap < 0 || gap > 32 {
			t.Errorf("%d px: the registration's radio buttons' labels start %d px from their left edge (-1: none found)", width, gap)
		}
	}
	p.do(chromedp.EmulateViewport(desktopWidth, desktopHeight))
	p.do(chromedp.Navigate(s.URL+"/inloggen?lang=nl"), chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), "admin@verken.example"), chromedp.SendKeys(chromedp.ID("password"), testPassword+"\n"))
	p.waitURL("/mijn")
	p.do(chromedp.Navigate(s.URL+"/beheer"), chromedp.WaitReady(chromedp.CSS("footer.foot")))
	if gap := p.eval(checkGaps); gap < 0 || gap > 32 {
		t.Errorf("the import's dry-run checkbox's label starts %d px from its left edge (-1: none found)", gap)
	}
}
