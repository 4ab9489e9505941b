package data

import (
	"fmt"
	"slices"
)

// NACEMap maps NACE-BEL activity codes, as the KBO registers them, to task
// types (tasks/nace.tsv, sources in data/README.md).
type NACEMap struct {
	// byCode is keyed on version + ":" + a class (four digits) or a
	// subclass (five digits).
	byCode map[string][]string
	rows   []NACERow
}

// NACERow is one line of the table.
type NACERow struct {
	Version, Code, Task, Status, Label string
}

// LoadNACE reads the embedded table and checks every task against the
// taxonomy.
func LoadNACE(tx *Taxonomy) (*NACEMap, error) {
	rows, err := readTSV("tasks/nace.tsv", 5)
	if err != nil {
		return nil, err
	}
	m := &NACEMap{byCode: map[string][]string{}}
	for _, r := range rows {
		row := NACERow{Version: r[0], Code: r[1], Task: r[2], Status: r[3], Label: r[4]}
		if row.Version != "2008" && row.Version != "2025" {
			return nil, fmt.Errorf("nace.tsv: version %q is not 2008 or 2025", row.Version)
		}
		if !digits(row.Code) || len(row.Code) != 4 && len(row.Code) != 5 {
			return nil, fmt.Errorf("nace.tsv: code %q is not a NACE class (4 digits) or NACE-BEL subclass (5 digits)", row.Code)
		}
		if _, ok := tx.Task(row.Task); !ok {
			return nil, fmt.Errorf("nace.tsv: %s %s: unknown task %q", row.Version, row.Code, row.Task)
		}
		if row.Status != "verified" && row.Status != "unverified" {
			return nil, fmt.Errorf("nace.tsv: %s %s: status %q is not verified or unverified", row.Version, row.Code, row.Status)
		}
		k := row.Version + ":" + row.Code
		if slices.Contains(m.byCode[k], row.Task) {
			return nil, fmt.Errorf("nace.tsv: %s %s -> %s listed twice", row.Version, row.Code, row.Task)
		}
		m.byCode[k] = append(m.byCode[k], row.Task)
		m.rows = append(m.rows, row)
	}
	return m, nil
}

// Tasks returns the task types a NACE-BEL code of the given version maps
// to: the subclass's own row if there is one, else its class's. Codes of
// other versions (2003) map to nothing.
func (m *NACEMap) Tasks(version, code string) []string {
	if t, ok := m.byCode[version+":"+code]; ok {
		return t
	}
	if len(code) == 5 {
		return m.byCode[version+":"+code[:4]]
	}
	return nil
}

// Rows lists the table in its order.
func (m *NACEMap) Rows() []NACERow { return m.rows }

func digits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
