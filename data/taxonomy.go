package data

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
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
	// Also are other words buyers use for it ("poetsen", "kuisen" for
	// office cleaning), which free text finds it by.
	Also []string
}

// KindWords are a supplier kind's names and the other words buyers use
// for it ("sociale economie", a former name), which free text finds its
// suppliers by.
type KindWords struct {
	Kind string
	Name Labels
	Also []string
}

// Taxonomy is the list of task types, grouped.
type Taxonomy struct {
	groups []TaskGroup
	tasks  []TaskType
	byID   map[string]int
	// cpv holds the labels of the CPV codes the tasks map to, keyed by the
	// eight digits without check digit.
	cpv   map[string]CPVCode
	kinds map[string]KindWords
}

// CPVCode is one code of the EU procurement vocabulary with its labels.
type CPVCode struct {
	Code  string // eight digits, a dash and the check digit
	Label Labels
}

var cpvFormat = regexp.MustCompile(`^\d{8}-\d$`)

// LoadTaxonomy reads the embedded task taxonomy.
func LoadTaxonomy() (*Taxonomy, error) {
	t := &Taxonomy{byID: map[string]int{}, cpv: map[string]CPVCode{}}
	cpvRows, err := readTSV("tasks/cpv.tsv", 4)
	if err != nil {
		return nil, err
	}
	for _, r := range cpvRows {
		if !cpvFormat.MatchString(r[0]) {
			return nil, fmt.Errorf("cpv.tsv: %q is not 8 digits, a dash and a check digit", r[0])
		}
		t.cpv[r[0][:8]] = CPVCode{Code: r[0], Label: Labels{r[1], r[2], r[3]}}
	}
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
			if known, ok := t.cpv[c[:8]]; !ok || known.Code != c {
				return nil, fmt.Errorf("task %s: CPV code %q has no label in cpv.tsv", tt.ID, c)
			}
		}
		t.byID[tt.ID] = len(t.tasks)
		t.tasks = append(t.tasks, tt)
	}
	if rows, err = readTSV("tasks/synonyms.tsv", 2); err != nil {
		return nil, err
	}
	for _, r := range rows {
		i, ok := t.byID[r[0]]
		if !ok {
			return nil, fmt.Errorf("synonyms.tsv: unknown task %q", r[0])
		}
		t.tasks[i].Also = splitList(r[1])
	}
	if rows, err = readTSV("kinds.tsv", 5); err != nil {
		return nil, err
	}
	t.kinds = map[string]KindWords{}
	for _, r := range rows {
		t.kinds[r[0]] = KindWords{Kind: r[0], Name: Labels{r[1], r[2], r[3]}, Also: splitList(r[4])}
	}
	return t, nil
}

// splitList reads a comma-separated list, trimmed, without empty items.
func splitList(s string) []string {
	var out []string
	for _, w := range strings.Split(s, ",") {
		if w = strings.TrimSpace(w); w != "" {
			out = append(out, w)
		}
	}
	return out
}

// Kind returns the words of a supplier kind (directory.Kind's value).
func (t *Taxonomy) Kind(kind string) (KindWords, bool) {
	k, ok := t.kinds[kind]
	return k, ok
}

// KindsWords returns the words of every supplier kind, by kind.
func (t *Taxonomy) KindsWords() []KindWords {
	out := make([]KindWords, 0, len(t.kinds))
	for _, k := range t.kinds {
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b KindWords) int { return strings.Compare(a.Kind, b.Kind) })
	return out
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

// CPV returns the labels of one of the CPV codes the tasks map to.
func (t *Taxonomy) CPV(code string) (CPVCode, bool) {
	c, ok := t.cpv[strings.SplitN(code, "-", 2)[0]]
	return c, ok
}

// ErrCPVFormat says a CPV code is not eight digits with an optional check digit.
var ErrCPVFormat = errors.New("a CPV code is eight digits, optionally followed by a dash and the check digit")

// TasksForCPV returns the task types mapped to code or to a code below it in
// the CPV tree. The tree lives in the digits: trailing zeros mark the level,
// so 90910000 (cleaning services) holds 90911000 and 90911200 but not 90610000.
func (t *Taxonomy) TasksForCPV(code string) ([]string, error) {
	digits, check, hasCheck := strings.Cut(strings.TrimSpace(code), "-")
	if len(digits) != 8 || strings.Trim(digits, "0123456789") != "" ||
		(hasCheck && (len(check) != 1 || check[0] < '0' || check[0] > '9')) {
		return nil, ErrCPVFormat
	}
	if known, ok := t.cpv[digits]; ok && hasCheck && known.Code != digits+"-"+check {
		return nil, fmt.Errorf("the check digit of %s is %s", digits, known.Code[9:])
	}
	prefix := strings.TrimRight(digits, "0")
	if len(prefix) < 2 {
		prefix = digits[:2]
	}
	var out []string
	for _, tt := range t.tasks {
		for _, c := range tt.CPV {
			if strings.HasPrefix(c, prefix) {
				out = append(out, tt.ID)
				break
			}
		}
	}
	return out, nil
}
