package market

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/verken/verken/data"
	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/number"
	"github.com/verken/verken/search"
)

// A purchasing plan: a buyer's list of contracts to come, read from a
// table, each line's description matched to a task, then a market check
// per line with its lot plan, headline advice and an estimate of the work
// a social award would bring to target-group workers.

// MaxPlanLines bounds the lines of one purchasing plan.
const MaxPlanLines = 500

// WeeksPerYear and FTEHours make the yearly hours of one FTE in the
// estimate of target-group hours.
const WeeksPerYear = 52

// Matching sources: where a line's task comes from.
const (
	SourceCPV         = "cpv"         // the row's CPV code
	SourceTask        = "task"        // the row's task column
	SourceDescription = "description" // the matcher, from the description
	SourceCorrected   = "corrected"   // the buyer's choice on the review screen
	SourceNone        = "none"        // nothing matched: the buyer must choose
)

// Line statuses after the checks.
const (
	StatusChecked     = "checked"
	StatusNeedsVolume = "needs_volume" // a yearly value but no volume: not checked
	StatusNoTask      = "no_task"      // no task matched or chosen: not checked
	StatusRefused     = "refused"      // the check refused the line's input (Error says why)
)

// PlanLine is one contract of a purchasing plan.
type PlanLine struct {
	Row            int            `json:"row"` // in the file, the header being row 1
	Description    string         `json:"description,omitempty"`
	CPV            string         `json:"cpv,omitempty"`
	Place          string         `json:"place,omitempty"`
	Region         string         `json:"region,omitempty"` // a province or region named in the place column
	VolumeFTE      float64        `json:"volume_fte,omitempty"`
	HoursPerWeek   float64        `json:"hours_per_week,omitempty"`
	YearlyValueEUR float64        `json:"yearly_value_eur,omitempty"`
	Start          directory.Date `json:"start"`
	DurationMonths int            `json:"duration_months,omitempty"`

	// The match: the task checked (empty with a CPV code, which is then
	// checked as it is), where it comes from, its score (1 for a code or a
	// task named in the row) and the matcher's best candidates.
	Task       string      `json:"task,omitempty"`
	Source     string      `json:"source"`
	Score      float64     `json:"score"`
	Candidates []TaskMatch `json:"candidates,omitempty"`
}

// Volume is the line's volume in FTE: as given, or from hours per week.
func (l PlanLine) Volume() float64 {
	if l.VolumeFTE > 0 {
		return l.VolumeFTE
	}
	return l.HoursPerWeek / FTEHours
}

// RowError is a row of the file that was left out, with the field at
// fault. Code is stable (for message catalogues), Reason English.
type RowError struct {
	Row    int    `json:"row"`
	Field  string `json:"field"`
	Value  string `json:"value,omitempty"`
	Code   string `json:"code"`
	Reason string `json:"reason"`
}

func (e RowError) Error() string {
	return fmt.Sprintf("row %d, %s: %s", e.Row, e.Field, e.Reason)
}

// ErrPlanHeader: the table's first row names none of the plan's columns.
var ErrPlanHeader = errors.New("the first row names no column of a purchasing plan (description, cpv or task)")

// ErrPlanEmpty: the table has no row below its header.
var ErrPlanEmpty = errors.New("the purchasing plan has no rows")

// planColumns are the names a column may have in the header, in the
// three languages and as the check's own field names, normalised.
var planColumns = map[string][]string{
	"description":      {"description", "omschrijving", "beschrijving", "opdracht", "libelle", "objet", "omschrijving opdracht"},
	"cpv":              {"cpv", "cpv code", "cpv-code", "code cpv"},
	"task":             {"task", "taak", "tache", "taaktype", "task type", "type de tache"},
	"place":            {"place", "plaats", "lieu", "gemeente", "commune", "postcode", "locatie"},
	"volume_fte":       {"volume_fte", "volume fte", "fte", "vte", "etp", "volume vte", "volume etp", "volume"},
	"hours_per_week":   {"hours_per_week", "hours per week", "uren per week", "uren/week", "heures par semaine", "heures/semaine"},
	"yearly_value_eur": {"yearly_value_eur", "yearly value", "jaarwaarde", "waarde per jaar", "valeur annuelle", "jaarbedrag", "eur per jaar"},
	"start":            {"start", "begin", "startdatum", "debut", "date de debut", "start date", "aanvang"},
	"duration_months":  {"duration_months", "duration", "looptijd", "duur", "looptijd maanden", "duree", "duree mois", "months", "maanden", "mois"},
}

// PlanColumns are the plan's columns in the template's order.
var PlanColumns = []string{"description", "cpv", "task", "place", "volume_fte", "hours_per_week", "yearly_value_eur", "start", "duration_months"}

// headerKey normalises a header cell: lower case, accents folded,
// brackets and their contents ("(VTE)") and extra spaces dropped.
func headerKey(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(s, "(["); i > 0 {
		s = strings.TrimSpace(s[:i])
	}
	return strings.Join(headerWords(s), " ")
}

// headerWords splits a header into lower-case, accent-folded words,
// keeping every word (Words drops stop words).
func headerWords(s string) []string {
	return strings.Fields(fold(strings.ReplaceAll(s, "_", " ")))
}

// PlanReader reads purchasing plans: the taxonomy for CPV codes and task
// names, the gazetteer for places, the matcher for descriptions.
type PlanReader struct {
	Places  *data.Gazetteer
	Tasks   *data.Taxonomy
	Matcher *Matcher
}

// Read turns a table (its first row the header) into plan lines, and the
// rows it left out with their field and reason: good rows are kept.
// today is the reference day (a start before it is refused).
func (r *PlanReader) Read(table [][]string, today directory.Date) ([]PlanLine, []RowError, error) {
	if len(table) == 0 {
		return nil, nil, ErrPlanEmpty
	}
	cols := map[string]int{}
	for i, h := range table[0] {
		key := headerKey(h)
		for field, names := range planColumns {
			for _, n := range names {
				if key == headerKey(n) {
					if _, dup := cols[field]; !dup {
						cols[field] = i
					}
				}
			}
		}
	}
	_, d := cols["description"]
	_, c := cols["cpv"]
	_, t := cols["task"]
	if !d && !c && !t {
		return nil, nil, ErrPlanHeader
	}
	var lines []PlanLine
	var errs []RowError
	for i, row := range table[1:] {
		n := i + 2
		get := func(field string) string {
			if j, ok := cols[field]; ok && j < len(row) {
				return strings.TrimSpace(row[j])
			}
			return ""
		}
		empty := true
		for _, cell := range row {
			if strings.TrimSpace(cell) != "" {
				empty = false
				break
			}
		}
		if empty {
			continue
		}
		if len(lines) >= MaxPlanLines {
			errs = append(errs, RowError{Row: n, Field: "row", Code: "too_many_lines", Reason: fmt.Sprintf("a plan holds at most %d lines", MaxPlanLines)})
			break
		}
		line, err := r.line(n, get, today)
		if err != nil {
			errs = append(errs, *err)
			continue
		}
		lines = append(lines, line)
	}
	if len(lines) == 0 && len(errs) == 0 {
		return nil, nil, ErrPlanEmpty
	}
	return lines, errs, nil
}

// line reads one row; the first field at fault refuses it.
func (r *PlanReader) line(n int, get func(string) string, today directory.Date) (PlanLine, *RowError) {
	fail := func(field, value, code, reason string) (PlanLine, *RowError) {
		return PlanLine{}, &RowError{Row: n, Field: field, Value: value, Code: code, Reason: reason}
	}
	l := PlanLine{Row: n, Description: get("description")}
	// The numbers, as people type them (a decimal comma, a euro sign,
	// thousands separated by spaces or dots in a value).
	for _, f := range []struct {
		name string
		dst  *float64
	}{{"volume_fte", &l.VolumeFTE}, {"hours_per_week", &l.HoursPerWeek}, {"yearly_value_eur", &l.YearlyValueEUR}} {
		s := get(f.name)
		if s == "" {
			continue
		}
		if f.name == "yearly_value_eur" {
			s = cleanAmount(s)
		} else {
			s = strings.TrimSpace(strings.TrimRight(strings.ToLower(s), "abcdefghijklmnopqrstuvwxyz/ "))
		}
		x, err := number.Parse(f.name, s)
		if err != nil {
			var ne *number.Error
			errors.As(err, &ne)
			return fail(f.name, get(f.name), ne.Code, ne.Reason)
		}
		*f.dst = x
	}
	if s := get("duration_months"); s != "" {
		m, err := number.ParseInt("duration_months", strings.TrimRight(strings.ToLower(s), "abcdefghijklmnopqrstuvwxyz ."))
		if err != nil {
			var ne *number.Error
			errors.As(err, &ne)
			return fail("duration_months", s, ne.Code, ne.Reason)
		}
		l.DurationMonths = m
	}
	if v := l.Volume(); v > maxVolumeFTE {
		return fail("volume_fte", strconv.FormatFloat(v, 'f', -1, 64), "range", fmt.Sprintf("must lie above 0 and at most %d FTE", maxVolumeFTE))
	}
	if l.Volume() == 0 && l.YearlyValueEUR == 0 {
		return fail("volume_fte", "", "no_volume", "give the volume in FTE, hours per week or a yearly value")
	}
	s := get("start")
	if s == "" {
		return fail("start", "", "no_start", "give the start date")
	}
	start, ok := ParsePlanDate(s)
	if !ok {
		return fail("start", s, "not_a_date", "is not a date (dd-mm-yyyy or yyyy-mm-dd)")
	}
	if start.Before(today) {
		return fail("start", s, "past", "lies in the past")
	}
	l.Start = start
	if p := get("place"); p != "" {
		if _, _, err := r.Places.ResolvePoint(p); err == nil {
			l.Place = p
		} else if pr, ok := r.Places.ResolveProvince(p); ok {
			l.Region = pr.Code
		} else if rg, ok := r.Places.ResolveRegion(p); ok {
			l.Region = rg.Code
		} else {
			return fail("place", p, "unknown_place", "is not a municipality, postcode, province or region of Flanders or Brussels")
		}
	}
	// A CPV code, then a task named in the row, win over the description.
	if code := get("cpv"); code != "" {
		tasks, err := r.Tasks.TasksForCPV(code)
		switch {
		case err != nil:
			return fail("cpv", code, "bad_cpv", err.Error())
		case len(tasks) == 0:
			return fail("cpv", code, "cpv_no_task", "no task type of Verken maps to this CPV code")
		}
		l.CPV, l.Source, l.Score = strings.TrimSpace(code), SourceCPV, 1
		if len(tasks) == 1 {
			l.Task = tasks[0]
		}
		return l, nil
	}
	if name := get("task"); name != "" {
		id, ok := r.taskNamed(name)
		if !ok {
			return fail("task", name, "unknown_task", "is not a task type of Verken (its id or its name)")
		}
		l.Task, l.Source, l.Score = id, SourceTask, 1
		return l, nil
	}
	if l.Description == "" {
		return fail("description", "", "no_description", "give a description, a CPV code or a task")
	}
	r.match(&l)
	return l, nil
}

// match sets a line's task from its description.
func (r *PlanReader) match(l *PlanLine) {
	l.Candidates = r.Matcher.Match(l.Description, 3)
	l.Source, l.Task, l.Score = SourceNone, "", 0
	if len(l.Candidates) > 0 && l.Candidates[0].Score >= MinMatchScore {
		l.Source, l.Task, l.Score = SourceDescription, l.Candidates[0].Task, l.Candidates[0].Score
	}
}

// MinMatchScore is the lowest score a description's best task is taken
// at; below it the line waits for the buyer's choice.
const MinMatchScore = 0.3

// Ambiguous reports whether a matched line deserves a second look: a low
// score, or a runner-up close behind.
func (l PlanLine) Ambiguous() bool {
	if l.Source != SourceDescription {
		return false
	}
	if l.Score < 0.6 {
		return true
	}
	return len(l.Candidates) > 1 && l.Candidates[0].Score-l.Candidates[1].Score < 0.1
}

// taskNamed finds a task by its id or its name in any language.
func (r *PlanReader) taskNamed(s string) (string, bool) {
	if t, ok := r.Tasks.Task(strings.TrimSpace(s)); ok {
		return t.ID, true
	}
	key := fold(strings.TrimSpace(s))
	for _, t := range r.Tasks.Tasks() {
		for _, n := range []string{t.Name.NL, t.Name.FR, t.Name.EN} {
			if fold(n) == key {
				return t.ID, true
			}
		}
	}
	return "", false
}

// fold is lower case with accents folded, hyphens and apostrophes as
// spaces.
func fold(s string) string { return data.FoldName(s) }

// cleanAmount takes a euro sign, "EUR" and thousands separators off an
// amount: "€ 120.000", "120 000,50", "120000 EUR".
func cleanAmount(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	s = strings.NewReplacer("€", "", "EUR", "", " ", "", "\u00a0", "", "'", "").Replace(s)
	// "120.000" or "1.200.000,50": dots are thousands; "120000.5" keeps
	// its decimal point.
	if strings.Count(s, ".") > 1 || strings.Contains(s, ",") && strings.Contains(s, ".") ||
		strings.Count(s, ".") == 1 && len(s)-strings.Index(s, ".") == 4 {
		s = strings.ReplaceAll(s, ".", "")
	}
	return s
}

// ParsePlanDate reads a start date as a spreadsheet or a person writes it:
// 2027-03-01, 01-03-2027, 1/3/2027, 01.03.2027, or an Excel day number.
func ParsePlanDate(s string) (directory.Date, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.DateOnly, "02-01-2006", "2-1-2006", "02/01/2006", "2/1/2006", "02.01.2006", "2.1.2006", "2006/01/02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return directory.DateOf(t), true
		}
	}
	// An Excel serial day between 1955 and 2173.
	if n, err := strconv.Atoi(s); err == nil && n > 20000 && n < 100000 {
		return directory.DateOf(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, n)), true
	}
	return directory.Date{}, false
}

// LineResult is a line with its market check.
type LineResult struct {
	Line   PlanLine     `json:"line"`
	Status string       `json:"status"`
	Error  *RowError    `json:"error,omitempty"` // with StatusRefused
	Report *CheckReport `json:"report,omitempty"`
	// Headline is the first advice's code ("" without advice).
	Headline string `json:"headline,omitempty"`
	// TargetShare is the average target-group share (percent) of the
	// eligible suppliers, and TargetHours the hours a year of work for
	// target-group workers a social award would bring, estimated as
	// volume FTE × 38 h × 52 weeks × TargetShare / 100.
	TargetShare float64 `json:"target_share"`
	TargetHours float64 `json:"target_hours"`
}

// Input is the market check a line asks for.
func (l PlanLine) Input() CheckInput {
	in := CheckInput{CPV: l.CPV, Place: l.Place, Region: l.Region, VolumeFTE: l.VolumeFTE, HoursPerWeek: l.HoursPerWeek,
		Start: l.Start, DurationMonths: l.DurationMonths, YearlyValueEUR: l.YearlyValueEUR}
	if l.Task != "" && (l.CPV == "" || l.Source == SourceCorrected) {
		in.Tasks, in.CPV = []string{l.Task}, ""
	}
	return in
}

// CheckPlan runs a market check for every line, two at a time per core
// the process may use, and keeps each report without its supplier rows.
// A line with a yearly value and no volume is not checked: the check
// needs a volume, and none is derived from a value (no price per hour
// would be right for every kind of work); its status says so.
func (c *Checker) CheckPlan(lines []PlanLine, today directory.Date) []LineResult {
	out := make([]LineResult, len(lines))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range max(1, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for i := range jobs {
				out[i] = c.checkLine(lines[i], today)
			}
		})
	}
	for i := range lines {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return out
}

// checkLine runs one line's check, recording the target-group shares of
// the suppliers the engine returns.
func (c *Checker) checkLine(l PlanLine, today directory.Date) LineResult {
	r := LineResult{Line: l}
	switch {
	case l.Task == "" && l.CPV == "":
		r.Status = StatusNoTask
		return r
	case l.Volume() == 0:
		r.Status = StatusNeedsVolume
		return r
	}
	rec := &shareRecorder{Engine: c.Engine}
	cc := *c
	cc.Engine = rec
	rep, err := cc.Check(l.Input(), today)
	if err != nil {
		var pe *search.ParamError
		if !errors.As(err, &pe) {
			pe = &search.ParamError{Param: "", Code: "failed", Reason: err.Error()}
		}
		r.Status, r.Error = StatusRefused, &RowError{Row: l.Row, Field: pe.Param, Value: pe.Value, Code: pe.Code, Reason: pe.Reason}
		return r
	}
	var sum float64
	var n int
	for _, s := range rep.Suppliers {
		if s.Eligible {
			sum += rec.shares[s.ID]
			n++
		}
	}
	if n > 0 {
		r.TargetShare = round2(sum / float64(n))
		r.TargetHours = math.Round(rep.Figures.VolumeFTE * FTEHours * WeeksPerYear * r.TargetShare / 100)
	}
	if len(rep.Advice) > 0 {
		r.Headline = rep.Advice[0].Code
	}
	rep.Suppliers = nil
	r.Status, r.Report = StatusChecked, rep
	return r
}

// shareRecorder is the engine as the check sees it, keeping the
// target-group share of every supplier it returns: the check's rows do not
// carry it, and asking again would double the work.
type shareRecorder struct {
	search.Engine
	shares map[string]float64
}

func (s *shareRecorder) Matches(q search.Query) ([]search.Match, error) {
	m, err := s.Engine.Matches(q)
	s.shares = make(map[string]float64, len(m))
	for _, x := range m {
		s.shares[x.ID] = x.TargetGroupShare
	}
	return m, err
}
