// Package data holds Verken's embedded reference tables — the gazetteer of
// Flemish and Brussels municipalities, the task taxonomy with its CPV codes —
// and the deterministic demo-data generator. It imports nothing of ours.
package data

import (
	"bufio"
	"embed"
	"fmt"
	"strconv"
	"strings"
)

//go:embed geo/*.tsv tasks/*.tsv rules/*.tsv kinds.tsv
var tables embed.FS

// readTSV returns the rows of an embedded tab-separated table, skipping
// comment lines, and checks that each row has at least minCols columns.
func readTSV(name string, minCols int) ([][]string, error) {
	f, err := tables.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var rows [][]string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		cols := strings.Split(text, "\t")
		if len(cols) < minCols {
			return nil, fmt.Errorf("%s:%d: %d columns, want at least %d", name, line, len(cols), minCols)
		}
		rows = append(rows, cols)
	}
	return rows, sc.Err()
}

func parseLatLon(name string, lat, lon string) (float64, float64, error) {
	la, err := strconv.ParseFloat(lat, 64)
	if err != nil {
		return 0, 0, fmt.Errorf("%s: latitude %q: %w", name, lat, err)
	}
	lo, err := strconv.ParseFloat(lon, 64)
	if err != nil {
		return 0, 0, fmt.Errorf("%s: longitude %q: %w", name, lon, err)
	}
	return la, lo, nil
}

// Labels holds one name per UI language.
type Labels struct {
	NL string `json:"nl"`
	FR string `json:"fr"`
	EN string `json:"en"`
}

// In returns the label in the given language ("nl", "fr" or "en"), falling
// back to Dutch.
func (l Labels) In(lang string) string {
	switch lang {
	case "fr":
		if l.FR != "" {
			return l.FR
		}
	case "en":
		if l.EN != "" {
			return l.EN
		}
	}
	return l.NL
}
