package ui_test

import (
	"html"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// A search that finds nothing says which task its words may mean and which
// filter to drop, with how many suppliers each finds.
func TestZeroResultsSuggestTasksAndFilters(t *testing.T) {
	s := startServer(t, 60)
	var all reachHits
	if code := s.get(t, "/api/v1/suppliers?q=poetsen", &all); code != 200 || all.Total == 0 {
		t.Fatalf("poetsen alone: %d, %d hits", code, all.Total)
	}
	var none reachHits
	s.get(t, "/api/v1/suppliers?q=poetsen&municipality=Herstappe", &none)
	if none.Total != 0 {
		t.Fatalf("a demo supplier lies in Herstappe (%d): the test needs an empty place", none.Total)
	}
	_, body := fetch(t, s.URL+"/?q=poetsen&municipality=Herstappe")
	page := string(body)
	tasks := regexp.MustCompile(`(?s)<ul id="try-tasks">(.*?)</ul>`).FindStringSubmatch(page)
	if tasks == nil || !strings.Contains(html.UnescapeString(tasks[1]), "task=office-cleaning") || !strings.Contains(tasks[1], "Schoonmaak van kantoren") {
		t.Fatalf("no task offered for poetsen: %v", tasks)
	}
	drop := regexp.MustCompile(`(?s)<ul id="try-without">(.*?)</ul>`).FindStringSubmatch(page)
	if drop == nil {
		t.Fatal("no filter to drop offered")
	}
	want := "zonder “Gemeente of postcode”: " + strconv.Itoa(all.Total) + " leveranciers"
	if !strings.Contains(drop[1], want) || strings.Contains(html.UnescapeString(drop[1]), "municipality=") {
		t.Errorf("dropping the place: want %q in %s", want, drop[1])
	}
	// Dropping the words finds nobody in Herstappe either: not offered.
	if strings.Contains(drop[1], "Zoekterm") {
		t.Errorf("dropping the words is offered though it finds nothing: %s", drop[1])
	}
}
