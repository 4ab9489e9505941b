package data

import (
	"fmt"
	"regexp"
	"strings"
)

// TaskGroup groups related task types ("Schoonmaak", "Groen en natuur").
type TaskGroup struct {
	ID   string
	Name Labels
}

// TaskType is a kind of work the social economy does, with the CPV codes
// that procurement notices use for it.
type TaskType struct {
	ID    string
	Group string
	Name  Labels
	CPV   []string
}

// Taxonomy is the list of task types, grouped.
type Taxonomy struct {
	groups []TaskGroup
	tasks  []TaskType
	byID   map[string]int
}

var cpvFormat = regexp.MustCompile(`^\d{8}-\d$`)

// LoadTaxonomy reads the embedded task taxonomy.
func LoadTaxonomy() (*Taxonomy, error) {
	t := &Taxonomy{byID: map[string]int{}}
	rows, err := readTSV("tasks/groups.tsv", 4)
	if err != nil {
		return nil, err
	}
	groups := map[string]bool{}
	for _, r := range rows {
		t.groups = append(t.groups, TaskGroup{ID: r[0], Name: Labels{r[1], r[2], r[3]}})
		groups[r[0]] = true
	}
	if rows, err = readTSV("tasks/tasks.tsv", 6); err != nil {
		return nil, err
	}
	for _, r := range rows {
		tt := TaskType{ID: r[0], Group: r[1], Name: Labels{r[2], r[3], r[4]}, CPV: strings.Fields(r[5])}
		if !groups[tt.Group] {
			return nil, fmt.Errorf("task %s: unknown group %q", tt.ID, tt.Group)
		}
		if _, dup := t.byID[tt.ID]; dup {
			return nil, fmt.Errorf("task %s listed twice", tt.ID)
		}
		for _, c := range tt.CPV {
			if !cpvFormat.MatchString(c) {
				return nil, fmt.Errorf("task %s: CPV code %q is not 8 digits, a dash and a check digit", tt.ID, c)
			}
		}
		t.byID[tt.ID] = len(t.tasks)
		t.tasks = append(t.tasks, tt)
	}
	return t, nil
}

// Groups returns the task groups in display order.
func (t *Taxonomy) Groups() []TaskGroup { return t.groups }

// Tasks returns every task type in display order.
func (t *Taxonomy) Tasks() []TaskType { return t.tasks }

// Task returns a task type by id.
func (t *Taxonomy) Task(id string) (TaskType, bool) {
	i, ok := t.byID[id]
	if !ok {
		return TaskType{}, false
	}
	return t.tasks[i], true
}

// Group returns a task group by id.
func (t *Taxonomy) Group(id string) (TaskGroup, bool) {
	for _, g := range t.groups {
		if g.ID == id {
			return g, true
		}
	}
	return TaskGroup{}, false
}
