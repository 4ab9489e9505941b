package search

import (
	"fmt"
	"time"
)

// SegmentTable is the social economy's supply per task group and area —
// the FOCUS step's overview of where the market is.
type SegmentTable struct {
	Day     string        `json:"reference_day"`
	Level   string        `json:"level"`  // "province" or "arrondissement"
	Parent  string        `json:"parent"` // the province drilled into, if any
	Areas   []SegmentArea `json:"areas"`
	Groups  []string      `json:"groups"`
	Cells   [][]Segment   `json:"cells"`  // [group][area]
	Totals  []Segment     `json:"totals"` // per area
	MaxFTE  float64       `json:"max_fte"`
	Elapsed time.Duration `json:"-"`
}

// SegmentArea is a province or arrondissement with its centre.
type SegmentArea struct {
	Code     string  `json:"code"`
	Lat, Lon float64 `json:"-"`
}

// Segment counts social-economy suppliers with an offer of the group and a
// site in the area, and their free FTE in that group.
type Segment struct {
	Suppliers int     `json:"suppliers"`
	FreeFTE   float64 `json:"free_fte"`
}

// Segments counts social-economy supply per task group and province, or per
// arrondissement within one province.
func (x *Index) Segments(province string) (*SegmentTable, error) {
	start := time.Now()
	// x.facts is swapped when the transit network changes: read it locked.
	x.rw.RLock()
	defer x.rw.RUnlock()
	g := x.facts.places
	t := &SegmentTable{Level: "province"}
	// areaOf maps a municipality ordinal to a column.
	areaOf := make([]int, len(g.Municipalities()))
	for i := range areaOf {
		areaOf[i] = -1
	}
	col := map[string]int{}
	addArea := func(code string) int {
		if i, ok := col[code]; ok {
			return i
		}
		col[code] = len(t.Areas)
		t.Areas = append(t.Areas, SegmentArea{Code: code})
		return len(t.Areas) - 1
	}
	if province != "" {
		p, ok := g.ResolveProvince(province)
		if !ok {
			return nil, &ParamError{Param: "province", Value: province, Code: "unknown_province", Reason: fmt.Sprintf("%q is not a province", province)}
		}
		t.Level, t.Parent = "arrondissement", p.Code
		for _, a := range g.Arrondissements() {
			if a.Province == p.Code {
				addArea(a.Code)
			}
		}
	} else {
		for _, p := range g.Provinces() {
			addArea(p.Code)
		}
	}
	counts := make([]int, len(t.Areas))
	for i, m := range g.Municipalities() {
		code := m.Province
		if t.Level == "arrondissement" {
			code = m.Arrondissement
		}
		if c, ok := col[code]; ok {
			areaOf[i] = c
			t.Areas[c].Lat += m.Lat
			t.Areas[c].Lon += m.Lon
			counts[c]++
		}
	}
	for i := range t.Areas {
		if counts[i] > 0 {
			t.Areas[i].Lat /= float64(counts[i])
			t.Areas[i].Lon /= float64(counts[i])
		}
	}
	for _, grp := range x.facts.tasks.Groups() {
		t.Groups = append(t.Groups, grp.ID)
	}
	t.Cells = make([][]Segment, len(t.Groups))
	for i := range t.Cells {
		t.Cells[i] = make([]Segment, len(t.Areas))
	}
	t.Totals = make([]Segment, len(t.Areas))

	var groupFTE [32]float64
	seen := make([]bool, len(t.Areas))
	for _, e := range x.cat.entries {
		if e == nil || !e.social {
			continue
		}
		var groups uint32
		clear(groupFTE[:])
		var total float64
		for _, o := range e.offers {
			groups |= 1 << o.group
			groupFTE[o.group] += o.freeFTE
			total += o.freeFTE
		}
		clear(seen)
		for _, s := range e.sites {
			a := areaOf[s.municipality]
			if a < 0 || seen[a] {
				continue
			}
			seen[a] = true
			for gi := range t.Groups {
				if groups&(1<<gi) != 0 {
					t.Cells[gi][a].Suppliers++
					t.Cells[gi][a].FreeFTE += groupFTE[gi]
				}
			}
			t.Totals[a].Suppliers++
			t.Totals[a].FreeFTE += total
		}
	}
	for gi := range t.Cells {
		for a := range t.Cells[gi] {
			t.Cells[gi][a].FreeFTE = round2(t.Cells[gi][a].FreeFTE)
			t.MaxFTE = max(t.MaxFTE, t.Cells[gi][a].FreeFTE)
		}
	}
	for a := range t.Totals {
		t.Totals[a].FreeFTE = round2(t.Totals[a].FreeFTE)
	}
	t.Elapsed = time.Since(start)
	return t, nil
}
