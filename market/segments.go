package market

import (
	"fmt"
	"sync"
	"time"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/search"
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
// arrondissement within one province, on the day.
func (c *Checker) Segments(province string, today directory.Date) (*SegmentTable, error) {
	if c.Segs != nil {
		return c.Segs.get(c, province, today)
	}
	return c.segments(province, today)
}

// SegmentCache keeps the segments tables until the engine applies a change
// or the day turns: every buyer reads the same overview, and it changes
// only with the suppliers. A table from the cache is shared: read-only.
type SegmentCache struct {
	mu      sync.Mutex
	applied uint64
	day     directory.Date
	tables  map[string]*SegmentTable
}

func (sc *SegmentCache) get(c *Checker, province string, today directory.Date) (*SegmentTable, error) {
	applied := c.Engine.Applied()
	sc.mu.Lock()
	if sc.applied != applied || sc.day != today {
		sc.applied, sc.day, sc.tables = applied, today, map[string]*SegmentTable{}
	}
	t, ok := sc.tables[province]
	sc.mu.Unlock()
	if ok {
		return t, nil
	}
	t, err := c.segments(province, today)
	if err != nil {
		return nil, err
	}
	sc.mu.Lock()
	// Another change may have come in meanwhile: keep the table only for
	// the state it was made from.
	if sc.applied == applied && sc.day == today {
		sc.tables[province] = t
	}
	sc.mu.Unlock()
	return t, nil
}

func (c *Checker) segments(province string, today directory.Date) (*SegmentTable, error) {
	start := time.Now()
	g := c.Places
	t := &SegmentTable{Level: "province", Day: today.String()}
	col := map[string]int{}
	addArea := func(code string) {
		col[code] = len(t.Areas)
		t.Areas = append(t.Areas, SegmentArea{Code: code})
	}
	if province != "" {
		p, ok := g.ResolveProvince(province)
		if !ok {
			return nil, &search.ParamError{Param: "province", Value: province, Code: "unknown_province", Reason: fmt.Sprintf("%q is not a province", province)}
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
	// An area's centre is the mean of its municipalities' centres.
	counts := make([]int, len(t.Areas))
	for _, m := range g.Municipalities() {
		if a, ok := col[t.areaOf(m.Province, m.Arrondissement)]; ok {
			t.Areas[a].Lat += m.Lat
			t.Areas[a].Lon += m.Lon
			counts[a]++
		}
	}
	for i := range t.Areas {
		if counts[i] > 0 {
			t.Areas[i].Lat /= float64(counts[i])
			t.Areas[i].Lon /= float64(counts[i])
		}
	}
	row := map[string]int{}
	for _, grp := range c.Tasks.Groups() {
		row[grp.ID] = len(t.Groups)
		t.Groups = append(t.Groups, grp.ID)
	}
	t.Cells = make([][]Segment, len(t.Groups))
	for i := range t.Cells {
		t.Cells[i] = make([]Segment, len(t.Areas))
	}
	t.Totals = make([]Segment, len(t.Areas))

	// Every social-economy supplier with all its offers.
	matches, err := c.Engine.Matches(search.Query{Sector: "social", Today: today})
	if err != nil {
		return nil, err
	}
	groupFTE := make([]float64, len(t.Groups))
	has := make([]bool, len(t.Groups))
	seen := make([]bool, len(t.Areas))
	for _, m := range matches {
		clear(groupFTE)
		clear(has)
		var total float64
		for _, o := range m.Offers {
			if r, ok := row[o.Group]; ok {
				has[r] = true
				groupFTE[r] += o.FreeFTE
			}
			total += o.FreeFTE
		}
		// A supplier counts once per area, however many sites it has there.
		clear(seen)
		for _, s := range m.Sites {
			a, ok := col[t.areaOf(s.Province, s.Arrondissement)]
			if !ok || seen[a] {
				continue
			}
			seen[a] = true
			for r := range t.Groups {
				if has[r] {
					t.Cells[r][a].Suppliers++
					t.Cells[r][a].FreeFTE += groupFTE[r]
				}
			}
			t.Totals[a].Suppliers++
			t.Totals[a].FreeFTE += total
		}
	}
	for r := range t.Cells {
		for a := range t.Cells[r] {
			t.Cells[r][a].FreeFTE = round2(t.Cells[r][a].FreeFTE)
			t.MaxFTE = max(t.MaxFTE, t.Cells[r][a].FreeFTE)
		}
	}
	for a := range t.Totals {
		t.Totals[a].FreeFTE = round2(t.Totals[a].FreeFTE)
	}
	t.Elapsed = time.Since(start)
	return t, nil
}

// areaOf is the column code of a place at the table's level.
func (t *SegmentTable) areaOf(province, arrondissement string) string {
	if t.Level == "arrondissement" {
		return arrondissement
	}
	return province
}
