package ui_test

import (
	"html"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var segmentCellLink = regexp.MustCompile(`<td[^>]*><a href="([^"]+)"><span aria-hidden="true"><span class="n">(\d+)</span> <small>([^<]+)</small></span><span class="visually-hidden">([^<]+)</span></a></td>`)

// Every cell of the segments table opens the search for exactly its
// suppliers (the task group and the area, not the area alone), and a
// legend says what the two figures and the shades are.
func TestSegmentCellsOpenTheirSearch(t *testing.T) {
	s := startServer(t, 200)
	waitIndexed(t, s)
	for _, path := range []string{"/segmenten", "/segmenten?province=OVL"} {
		_, body := fetch(t, s.URL+path)
		page := string(body)
		cells := segmentCellLink.FindAllStringSubmatch(page, -1)
		if len(cells) < 20 || strings.Contains(page, `<span class="n">0</span></a>`) {
			t.Fatalf("%s: %d linked cells", path, len(cells))
		}
		withGroup := 0
		for _, c := range cells {
			link, n := html.UnescapeString(c[1]), c[2]
			u, err := url.Parse(link)
			if err != nil || u.Path != "/" {
				t.Fatalf("%s: cell link %q", path, link)
			}
			q := u.Query()
			area := q.Get("province")
			if path != "/segmenten" {
				area = q.Get("arrondissement")
			}
			if area == "" || q.Get("sector") != "social" {
				t.Fatalf("%s: cell link %q lacks its area or the social economy", path, link)
			}
			if q.Get("task_group") != "" {
				withGroup++
			}
			var r searchResponse
			s.get(t, "/api/v1/suppliers?per_page=1&"+u.RawQuery, &r)
			if strconv.FormatUint(r.Total, 10) != n {
				t.Errorf("%s: the cell says %s suppliers, its search %s finds %d", path, n, link, r.Total)
			}
			if words := c[4]; !strings.HasPrefix(words, n+" leveranciers, ") || !strings.HasSuffix(words, " VTE vrij") {
				t.Errorf("%s: a screen reader hears %q for %s %s", path, words, n, c[3])
			}
		}
		if withGroup < len(cells)*3/4 {
			t.Fatalf("%s: %d of %d cells link a task group", path, withGroup, len(cells))
		}
		if !strings.Contains(page, `id="segments-legend"`) || !strings.Contains(page, "Elke cel telt de leveranciers uit de sociale economie") ||
			!strings.Contains(page, "Hoe donkerder de cel, hoe meer vrije capaciteit") {
			t.Errorf("%s: no legend", path)
		}
	}
	_, body := fetch(t, s.URL+"/segmenten")
	if !strings.Contains(string(body), `<a href="/segmenten?province=OVL">Oost-Vlaanderen</a>`) {
		t.Error("a province's column head does not open its arrondissements")
	}
	for lang, legend := range map[string]string{"fr": "Chaque case compte les fournisseurs", "en": "Each cell counts the social-economy suppliers"} {
		_, body := fetch(t, s.URL+"/segmenten?lang="+lang)
		if !strings.Contains(html.UnescapeString(string(body)), legend) {
			t.Errorf("%s: no legend", lang)
		}
	}
}
