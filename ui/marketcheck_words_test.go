package ui_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/transit"
	"github.com/verken/verken/ui"
)

// inElement is the text of the element with an id (up to its first
// closing tag of the same name), tags and entities left in.
func inElement(t *testing.T, page, tag, id string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<` + tag + `[^>]* id="` + id + `"[^>]*>(.*?)</` + tag + `>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no <%s id=%q>", tag, id)
	}
	return m[1]
}

// The market check writes every figure and date as the reader does, says
// the class of the place of work in words with the legend the search
// page has, and the saved report does the same.
func TestMarketCheckInTheReadersWords(t *testing.T) {
	holder := &transit.Holder{}
	s := startServer(t, 0, func(d *ui.Deps) { d.Transit = holder })
	ids := seedCleaners(t, s)
	ghent, _ := s.Store.Get(ids[0])
	holder.Set(tramAt(t, ghent.Sites[0].Lat, ghent.Sites[0].Lon))
	if err := s.Index.SetTransit(holder.ClassAt); err != nil {
		t.Fatal(err)
	}
	keys := catalogueKeys(t)
	b := newVisitor(t, s)
	type want struct{ fte, dependency, served, poor, words string }
	wants := map[string]want{
		"nl": {"6,5", "meer dan 12,5 % van hun omzet", "zeer goed bediend", "D (matig bediend)", "Openbaar vervoer klasse A: zeer goed bediend"},
		"fr": {"6,5", "plus de 12,5 % de leur chiffre", "très bien desservi", "D (peu desservi)", "Transports publics classe A : très bien desservi"},
		"en": {"6.5", "more than 12.5 % of their turnover", "very well served", "D (modestly served)", "Public transport class A: very well served"},
	}
	for lang, w := range wants {
		code, page := b.get("/marktverkenning?" + workedExample + "&max_dependency_pct=12.5&lang=" + lang)
		if code != 200 {
			t.Fatalf("check (%s): %d", lang, code)
		}
		text := unescape(page)
		if got := inElement(t, page, "span", "fig-fte"); got != w.fte {
			t.Errorf("check (%s): free FTE %q, want %q", lang, got, w.fte)
		}
		if !strings.Contains(text, w.dependency) {
			t.Errorf("check (%s): the dependency threshold is not written %q", lang, w.dependency)
		}
		if got := regexp.MustCompile(`<li data-setting="max_dependency_pct"><strong>[^<]*: ([^<]*)</strong>`).FindStringSubmatch(page); got == nil || got[1] != "12"+w.fte[1:2]+"5 %" {
			t.Errorf("check (%s): the threshold reads %q", lang, got)
		}
		if got := unescape(inElement(t, page, "ul", "settings")); !strings.Contains(got, w.poor) {
			t.Errorf("check (%s): the poorest class is not in words (%q):\n%s", lang, w.poor, got)
		}
		// The start and the reference day, dd-mm-yyyy in every language.
		if !strings.Contains(text, "07-01-2030") || strings.Contains(stripTags(text), "2030-01-07") {
			t.Errorf("check (%s): the start is not written 07-01-2030", lang)
		}
		place := unescape(inElement(t, page, "div", "fig-place-class"))
		if !strings.Contains(place, w.served) || !strings.Contains(place, w.words) {
			t.Errorf("check (%s): the place's class is not in words (%q, %q):\n%s", lang, w.served, w.words, place)
		}
		if !strings.Contains(page, `id="ov-legend"`) || !strings.Contains(unescape(inElement(t, page, "div", "ov-legend")), w.served) {
			t.Errorf("check (%s): no legend of the classes", lang)
		}
		if k := keysIn(visibleText(page), keys); len(k) > 0 {
			t.Errorf("check (%s) shows catalogue keys %v", lang, k)
		}
		if n := internalNames(visibleText(page), nil); len(n) > 0 {
			t.Errorf("check (%s) shows internal names %v", lang, n)
		}
	}

	// Work at the suppliers' sites: each supplier's sites by class, in
	// words, with the legend; the municipality in the reader's language.
	_, page := b.get("/marktverkenning?task=office-cleaning&region=OVL&volume_fte=3&start=2030-01-07&lang=fr")
	cells := regexp.MustCompile(`(?s)<td class="site-classes">(.*?)</td>`).FindAllStringSubmatch(page, -1)
	if len(cells) != len(ids) {
		t.Fatalf("%d rows with site classes, want %d", len(cells), len(ids))
	}
	for _, c := range cells {
		if !strings.Contains(unescape(c[1]), "Transports publics classe A : très bien desservi") {
			t.Errorf("a site's class is not in words: %s", c[1])
		}
	}
	if !strings.Contains(page, `id="ov-legend"`) || !strings.Contains(page, "<small>Gand</small>") {
		t.Error("the sites' classes come without the legend, or Ghent is not Gand in French")
	}

	// The saved report: saved on a day written dd-mm-yyyy, in Brussels.
	account(t, s, "koper@stad.example", directory.RoleBuyer)
	buyer := newVisitor(t, s)
	buyer.signIn("koper@stad.example", testPassword)
	buyer.get("/marktverkenning?" + workedExample)
	code, loc, _ := buyer.post("/marktverkenning/bewaren", url.Values{"query": {workedExample + "&max_dependency_pct=12.5"}})
	if code != 303 {
		t.Fatalf("save: %d", code)
	}
	saved, err := s.Store.Check(strings.TrimPrefix(loc, "/marktverkenning/"))
	if err != nil {
		t.Fatal(err)
	}
	day := saved.SavedAt.In(brusselsT).Format("02-01-2006")
	for lang, w := range wants {
		_, page := buyer.get(loc + "?lang=" + lang)
		text := unescape(page)
		on := map[string]string{"nl": "bewaard op ", "fr": "enregistré le ", "en": "saved on "}[lang] + day
		if !strings.Contains(text, on) || inElement(t, page, "span", "fig-fte") != w.fte || !strings.Contains(text, w.dependency) ||
			!strings.Contains(unescape(inElement(t, page, "div", "fig-place-class")), w.served) {
			t.Errorf("saved check (%s): not %q, or figures not in the reader's format", lang, on)
		}
		if n := internalNames(visibleText(page), nil); len(n) > 0 {
			t.Errorf("saved check (%s) shows internal names %v", lang, n)
		}
	}
}
