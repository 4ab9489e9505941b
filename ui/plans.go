package ui

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/gofiber/fiber/v2"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/tabular"
	"github.com/verken/verken/market"
)

// Purchasing plans (/aankoopplan): a buyer uploads a plan, reviews the
// task each line was matched to, and gets a market check per line, a
// summary and its XLSX. The analysis is kept as one record (directory's
// SavedPlan) whose lines have their own report pages, so that a plan of
// 500 lines does not take 500 of the account's 100 saved market checks.

// planLimits bound an uploaded plan: internal/tabular's upload limits,
// narrowed to what a plan of at most market.MaxPlanLines lines needs.
var planLimits = func() tabular.Limits {
	l := tabular.UploadLimits
	l.MaxBytes = 2 << 20
	l.MaxUnzippedBytes = 16 << 20
	l.MaxTextBytes = 4 << 20
	l.MaxRows = market.MaxPlanLines
	l.MaxColumns = 64
	l.MaxCellChars = 2000
	return l
}()

// Plan states.
const (
	planReview  = "review"
	planChecked = "checked"
)

// planDoc is what a saved plan holds.
type planDoc struct {
	File   string              `json:"file"`
	Day    string              `json:"reference_day"`
	Lines  []market.PlanLine   `json:"lines"`
	Errors []market.RowError   `json:"errors,omitempty"`
	Result []market.LineResult `json:"results,omitempty"`
	// CheckedAt is when the lines were checked.
	CheckedAt time.Time `json:"checked_at,omitzero"`
	Took      string    `json:"took,omitempty"`
}

// planView is the plan page in one of its modes: upload, review, summary.
type planView struct {
	Mode    string
	Error   string
	Plans   []directory.SavedPlan
	Plan    directory.SavedPlan
	Doc     planDoc
	Owner   bool
	Errors  []planRowErrorView
	Lines   []planLineView
	Options []planOption
	Totals  planTotals
}

type planRowErrorView struct {
	Row          int
	Field, Value string
	Message      string
}

// planLineView is a line as the review and the summary show it.
type planLineView struct {
	N          int // from 1, in the line's permalink
	Line       market.PlanLine
	Result     *market.LineResult
	TaskLabel  string
	Ambiguous  bool
	Candidates []string // "label (0,85)"
	Volume     string
	Headline   string
	LotPlan    string
	Status     string
	Hours      string
	Share      string
}

type planOption struct{ Value, Label string }

type planTotals struct {
	Lines, Checked int
	Hours          string
}

// planAllowed: buyers and administrators keep plans.
func planAllowed(v viewer) bool {
	return v.SignedIn() && (v.Account.Role == directory.RoleBuyer || v.Account.Role == directory.RoleAdmin)
}

func (s *server) requirePlanner(c *fiber.Ctx) (viewer, error) {
	v := s.viewer(c)
	if !v.SignedIn() {
		return v, errSignIn
	}
	if !planAllowed(v) {
		return v, fiber.ErrForbidden
	}
	return v, nil
}

// plansPage is the upload form and the account's plans.
func (s *server) plansPage(c *fiber.Ctx) error {
	v, err := s.requirePlanner(c)
	if err != nil {
		return err
	}
	return s.renderPlans(c, fiber.StatusOK, v, planView{})
}

func (s *server) renderPlans(c *fiber.Ctx, status int, v viewer, view planView) error {
	plans, err := s.Store.Plans(v.Account.ID)
	if err != nil {
		return err
	}
	view.Mode, view.Plans = "upload", plans
	return s.page(c, status, "plan", "plan.title", view)
}

// planUploadPost reads an uploaded plan, matches its lines and keeps it
// for review.
func (s *server) planUploadPost(c *fiber.Ctx) error {
	v, err := s.requirePlanner(c)
	if err != nil {
		return err
	}
	lang := s.lang(c)
	fh, err := c.FormFile("file")
	if err != nil {
		return s.renderPlans(c, fiber.StatusUnprocessableEntity, v, planView{Error: s.catalog.T(lang, "import.no_file")})
	}
	if fh.Size > planLimits.MaxBytes {
		return s.renderPlans(c, fiber.StatusRequestEntityTooLarge, v, planView{Error: s.importReadError(lang, &tabular.LimitError{Limit: "bytes", Max: planLimits.MaxBytes})})
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	table, err := tabular.ReadLimited(fh.Filename, f, planLimits)
	if err != nil {
		return s.renderPlans(c, fiber.StatusUnprocessableEntity, v, planView{Error: s.importReadError(lang, err)})
	}
	reader := market.PlanReader{Places: s.Places, Tasks: s.Tasks, Matcher: s.matcher()}
	lines, rowErrs, err := reader.Read(table, s.today())
	switch {
	case errors.Is(err, market.ErrPlanHeader):
		return s.renderPlans(c, fiber.StatusUnprocessableEntity, v, planView{Error: s.catalog.T(lang, "plan.no_header")})
	case errors.Is(err, market.ErrPlanEmpty):
		return s.renderPlans(c, fiber.StatusUnprocessableEntity, v, planView{Error: s.catalog.T(lang, "plan.empty")})
	case err != nil:
		return err
	}
	if len(lines) == 0 {
		return s.renderPlans(c, fiber.StatusUnprocessableEntity, v, planView{Error: s.catalog.T(lang, "plan.no_good_rows"), Errors: s.rowErrorViews(lang, rowErrs)})
	}
	doc := planDoc{File: filepath.Base(fh.Filename), Day: s.today().String(), Lines: lines, Errors: rowErrs}
	b, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	id, err := s.Store.SavePlan(v.Account.ID, directory.SavedPlan{Name: planName(doc.File), State: planReview, Lines: len(lines), Plan: b})
	switch {
	case errors.Is(err, directory.ErrTooManySaved):
		return s.tooManySaved(c, "plan.too_many", directory.MaxSavedPlans)
	case errors.Is(err, directory.ErrSavedTooLarge):
		return fiber.NewError(fiber.StatusRequestEntityTooLarge, err.Error())
	case err != nil:
		return err
	}
	return c.Redirect("/aankoopplan/"+id, fiber.StatusSeeOther)
}

// loadPlan reads a kept plan.
func (s *server) loadPlan(id string) (directory.SavedPlan, planDoc, error) {
	var doc planDoc
	p, err := s.Store.Plan(id)
	if errors.Is(err, directory.ErrPlanNotFound) {
		return p, doc, fiber.ErrNotFound
	}
	if err != nil {
		return p, doc, err
	}
	return p, doc, json.Unmarshal(p.Plan, &doc)
}

// planPage shows a plan: its review while the matches wait for the
// buyer, its summary once checked. Whoever holds the link may read it;
// only its account may change it.
func (s *server) planPage(c *fiber.Ctx) error {
	p, doc, err := s.loadPlan(c.Params("id"))
	if err != nil {
		return err
	}
	v := s.viewer(c)
	view := planView{Plan: p, Doc: doc, Owner: v.SignedIn() && v.Account.ID == p.AccountID}
	view.Mode = "summary"
	if p.State == planReview || c.Query("herzien") != "" && view.Owner {
		view.Mode = "review"
	}
	s.fillPlan(c, &view)
	return s.page(c, fiber.StatusOK, "plan", "plan.title", view)
}

// fillPlan prepares a plan's lines for the page.
func (s *server) fillPlan(c *fiber.Ctx, view *planView) {
	lang := s.lang(c)
	doc := view.Doc
	view.Errors = s.rowErrorViews(lang, doc.Errors)
	lines := doc.Lines
	if view.Mode == "summary" && len(doc.Result) > 0 {
		lines = make([]market.PlanLine, len(doc.Result))
		for i, r := range doc.Result {
			lines[i] = r.Line
		}
	}
	var hours float64
	for i, l := range lines {
		lv := planLineView{N: i + 1, Line: l, TaskLabel: s.lineTask(lang, l), Ambiguous: l.Ambiguous(), Volume: s.lineVolume(lang, l)}
		for _, cand := range l.Candidates {
			lv.Candidates = append(lv.Candidates, s.taskLabel(lang, cand.Task)+" ("+formatNumber(lang, cand.Score)+")")
		}
		if view.Mode == "summary" && i < len(doc.Result) {
			r := doc.Result[i]
			lv.Result = &doc.Result[i]
			lv.Status = s.lineStatus(lang, r)
			if r.Report != nil {
				view.Totals.Checked++
				hours += r.TargetHours
				lv.LotPlan = s.lotPlanShort(lang, r.Report.Plan)
				lv.Hours = formatNumber(lang, r.TargetHours)
				lv.Share = formatNumber(lang, r.TargetShare)
				if r.Headline != "" {
					lv.Headline = s.catalog.T(lang, "advice."+r.Headline+".title")
				} else {
					lv.Headline = s.catalog.T(lang, "check.no_advice")
				}
			}
		}
		view.Lines = append(view.Lines, lv)
	}
	view.Totals.Lines = len(lines)
	view.Totals.Hours = formatNumber(lang, hours)
	if view.Mode == "review" {
		view.Options = []planOption{{"", s.catalog.T(lang, "plan.choose")}}
		for _, t := range s.Tasks.Tasks() {
			view.Options = append(view.Options, planOption{t.ID, t.Name.In(lang)})
		}
	}
}

func (s *server) rowErrorViews(lang string, errs []market.RowError) []planRowErrorView {
	var out []planRowErrorView
	for _, e := range errs {
		out = append(out, planRowErrorView{Row: e.Row, Field: e.Field, Value: e.Value, Message: s.rowErrorMessage(lang, e)})
	}
	return out
}

// rowErrorMessage says what is wrong with a row's field in the reader's
// language, with the English reason when no message has its code.
func (s *server) rowErrorMessage(lang string, e market.RowError) string {
	key := "plan.err." + e.Code
	if s.catalog.Has(key) {
		return s.catalog.T(lang, key)
	}
	return e.Reason
}

func (s *server) taskLabel(lang, id string) string {
	if t, ok := s.Tasks.Task(id); ok {
		return t.Name.In(lang)
	}
	return id
}

// lineTask names what a line is checked for.
func (s *server) lineTask(lang string, l market.PlanLine) string {
	switch {
	case l.Task != "" && (l.CPV == "" || l.Source == market.SourceCorrected):
		return s.taskLabel(lang, l.Task)
	case l.CPV != "":
		label := "CPV " + l.CPV
		if code, ok := s.Tasks.CPV(l.CPV); ok {
			label += " " + code.Label.In(lang)
		}
		return label
	}
	return s.catalog.T(lang, "plan.unmatched")
}

// lineVolume is a line's volume as given.
func (s *server) lineVolume(lang string, l market.PlanLine) string {
	var parts []string
	if l.VolumeFTE > 0 {
		parts = append(parts, formatNumber(lang, l.VolumeFTE)+" "+s.catalog.T(lang, "plan.fte"))
	}
	if l.HoursPerWeek > 0 {
		parts = append(parts, s.catalog.T(lang, "plan.hours_week", formatNumber(lang, l.HoursPerWeek)))
	}
	if l.YearlyValueEUR > 0 {
		parts = append(parts, formatEuro(lang, l.YearlyValueEUR)+" "+s.catalog.T(lang, "plan.per_year"))
	}
	return strings.Join(parts, " · ")
}

func (s *server) lineStatus(lang string, r market.LineResult) string {
	switch r.Status {
	case market.StatusRefused:
		if r.Error != nil {
			field := r.Error.Field
			if field == "" {
				field = "-"
			}
			return s.catalog.T(lang, "plan.status.refused", field, r.Error.Reason)
		}
	}
	return s.catalog.T(lang, "plan.status."+r.Status)
}

// lotPlanShort is a lot plan in one line: "3 × 2 VTE, 3 voorbehouden".
func (s *server) lotPlanShort(lang string, p market.LotPlan) string {
	if len(p.Lots) == 0 {
		if p.NoPlan == "" {
			return "–"
		}
		return s.catalog.T(lang, "plan.lots_none."+p.NoPlan)
	}
	if len(p.Lots) == 1 {
		if p.Reserved == 0 {
			return s.catalog.T(lang, "plan.lots_one_open", formatNumber(lang, p.Lots[0].FTE))
		}
		return s.catalog.T(lang, "plan.lots_one", formatNumber(lang, p.Lots[0].FTE))
	}
	last := p.Lots[len(p.Lots)-1].FTE
	size := formatNumber(lang, p.LotFTE)
	if last != p.LotFTE {
		size += " (" + s.catalog.T(lang, "plan.lots_last", formatNumber(lang, last)) + ")"
	}
	if p.Reserved == 0 {
		return s.catalog.T(lang, "plan.lots_open", len(p.Lots), size)
	}
	return s.catalog.T(lang, "plan.lots", len(p.Lots), size, p.Reserved)
}

// planCheckPost takes the buyer's corrections and checks every line.
func (s *server) planCheckPost(c *fiber.Ctx) error {
	v, err := s.requirePlanner(c)
	if err != nil {
		return err
	}
	// Up to 500 market checks on every core: one plan at a time.
	select {
	case s.planChecks <- struct{}{}:
		defer func() { <-s.planChecks }()
	default:
		return s.page(c, fiber.StatusServiceUnavailable, "message", "plan.title", formView{Error: s.catalog.T(s.lang(c), "plan.busy")})
	}
	p, doc, err := s.loadPlan(c.Params("id"))
	if err != nil {
		return err
	}
	if p.AccountID != v.Account.ID {
		return fiber.ErrNotFound
	}
	lines := doc.Lines
	if len(doc.Result) > 0 {
		lines = make([]market.PlanLine, len(doc.Result))
		for i, r := range doc.Result {
			lines[i] = r.Line
		}
	}
	for i := range lines {
		l := &lines[i]
		choice := strings.TrimSpace(c.FormValue("task_" + strconv.Itoa(i+1)))
		current := l.Task
		if l.CPV != "" && l.Source != market.SourceCorrected {
			current = "=cpv"
		}
		switch {
		case choice == "" || choice == current:
		case choice == "=cpv" && l.CPV != "":
			l.Source, l.Score = market.SourceCPV, 1
			if ts, err := s.Tasks.TasksForCPV(l.CPV); err == nil && len(ts) == 1 {
				l.Task = ts[0]
			} else {
				l.Task = ""
			}
		default:
			if _, ok := s.Tasks.Task(choice); !ok {
				return fiber.NewError(fiber.StatusBadRequest, "task_"+strconv.Itoa(i+1)+": unknown task")
			}
			l.Task, l.Source, l.Score = choice, market.SourceCorrected, 1
		}
	}
	start := time.Now()
	doc.Lines = lines
	doc.Result = s.checker().CheckPlan(lines, s.today())
	doc.CheckedAt, doc.Day = s.Now().UTC(), s.today().String()
	doc.Took = time.Since(start).Round(time.Millisecond).String()
	b, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	switch err := s.Store.UpdatePlan(p.ID, v.Account.ID, planChecked, len(lines), b); {
	case errors.Is(err, directory.ErrSavedTooLarge):
		return fiber.NewError(fiber.StatusRequestEntityTooLarge, err.Error())
	case err != nil:
		return err
	}
	return c.Redirect("/aankoopplan/"+p.ID, fiber.StatusSeeOther)
}

// planDeletePost removes a plan of the viewer's.
func (s *server) planDeletePost(c *fiber.Ctx) error {
	v, err := s.requirePlanner(c)
	if err != nil {
		return err
	}
	if err := s.Store.DeletePlan(c.Params("id"), v.Account.ID); errors.Is(err, directory.ErrPlanNotFound) {
		return fiber.ErrNotFound
	} else if err != nil {
		return err
	}
	return c.Redirect("/aankoopplan", fiber.StatusSeeOther)
}

// planLine is one line's result, by its number from 1.
func (s *server) planLine(c *fiber.Ctx) (directory.SavedPlan, market.LineResult, int, error) {
	p, doc, err := s.loadPlan(c.Params("id"))
	if err != nil {
		return p, market.LineResult{}, 0, err
	}
	n, err := strconv.Atoi(c.Params("n"))
	if err != nil || n < 1 || n > len(doc.Result) {
		return p, market.LineResult{}, 0, fiber.ErrNotFound
	}
	return p, doc.Result[n-1], n, nil
}

// planLineView is a line's full report: the market check's page with the
// plan's line above it.
type planLineReport struct {
	checkView
	PlanID, PlanName string
	N                int
	Line             planLineView
}

func (s *server) planLinePage(c *fiber.Ctx) error {
	p, r, n, err := s.planLine(c)
	if err != nil {
		return err
	}
	lang := s.lang(c)
	view := planLineReport{PlanID: p.ID, PlanName: p.Name, N: n,
		Line: planLineView{N: n, Line: r.Line, TaskLabel: s.lineTask(lang, r.Line), Volume: s.lineVolume(lang, r.Line), Status: s.lineStatus(lang, r),
			Hours: formatNumber(lang, r.TargetHours), Share: formatNumber(lang, r.TargetShare), Result: &r}}
	view.Saved, view.SavedAt = true, formatDate(lang, p.UpdatedAt)
	if r.Report != nil {
		rep := *r.Report
		// The figures and advice as checked; the supplier rows are today's.
		if now, err := s.checker().Check(rep.Input, s.today()); err == nil {
			rep.Suppliers = now.Suppliers
		}
		s.fillCheck(c, &view.checkView, &rep)
		view.Raw, _ = url.ParseQuery(view.Query)
		view.CSV = "/marktverkenning/leveranciers.csv?" + view.Query
	}
	return s.page(c, fiber.StatusOK, "planline", "plan.line_title", view)
}

// planXLSX writes the summary as a workbook, every cell as text.
func (s *server) planXLSX(c *fiber.Ctx) error {
	p, doc, err := s.loadPlan(c.Params("id"))
	if err != nil {
		return err
	}
	lang := s.lang(c)
	view := planView{Plan: p, Doc: doc, Mode: "summary"}
	s.fillPlan(c, &view)
	cols := []string{"plan.col_row", "plan.col_description", "plan.col_task", "plan.col_matching", "plan.col_volume", "plan.col_place", "check.start",
		"plan.col_suppliers", "plan.col_eligible", "plan.col_coverage", "plan.col_coverage_social", "plan.col_coverage_eligible",
		"plan.col_headline", "plan.col_lots", "plan.col_hours", "plan.col_status", "plan.col_report"}
	rows := [][]any{make([]any, len(cols))}
	for i, k := range cols {
		rows[0][i] = s.catalog.T(lang, k)
	}
	for _, lv := range view.Lines {
		l := lv.Line
		place := l.Place
		if place == "" {
			place = s.areaName(lang, l.Region)
		}
		row := []string{strconv.Itoa(l.Row), l.Description, lv.TaskLabel, s.matchText(lang, l), lv.Volume, place, formatDate(lang, l.Start.Time()),
			"", "", "", "", "", lv.Headline, lv.LotPlan, lv.Hours, lv.Status, ""}
		if r := lv.Result; r != nil && r.Report != nil {
			f := r.Report.Figures
			row[7], row[8] = strconv.Itoa(f.Matching), strconv.Itoa(f.Eligible)
			row[9], row[10], row[11] = formatNumber(lang, f.Coverage), formatNumber(lang, f.CoverageSocial), formatNumber(lang, f.CoverageEligible)
			row[16] = s.link(fmt.Sprintf("/aankoopplan/%s/regel/%d", p.ID, lv.N))
		}
		cells := make([]any, len(row))
		for i, v := range row {
			cells[i] = v
		}
		rows = append(rows, cells)
	}
	var buf bytes.Buffer
	if err := tabular.WriteXLSX(&buf, s.catalog.T(lang, "plan.sheet"), rows); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="verken-aankoopplan.xlsx"`)
	return c.Send(buf.Bytes())
}

// matchText says where a line's task comes from, with the score.
func (s *server) matchText(lang string, l market.PlanLine) string {
	return s.catalog.T(lang, "plan.source."+l.Source, formatNumber(lang, l.Score))
}

// planTemplate serves an empty plan with two example rows.
func (s *server) planTemplate(c *fiber.Ctx) error {
	lang := s.lang(c)
	rows := [][]string{market.PlanColumns,
		{s.catalog.T(lang, "plan.example1"), "", "", "9000", "3", "", "120000", "01-09-2027", "36"},
		{s.catalog.T(lang, "plan.example2"), "77310000-6", "", "Antwerpen", "", "76", "", "01-01-2028", "24"}}
	switch c.Params("format") {
	case "csv":
		return sendCSV(c, "verken-aankoopplan.csv", rows)
	case "xlsx":
		cells := make([][]any, len(rows))
		for i, r := range rows {
			for _, v := range r {
				cells[i] = append(cells[i], v)
			}
		}
		var buf bytes.Buffer
		if err := tabular.WriteXLSX(&buf, s.catalog.T(lang, "plan.sheet"), cells); err != nil {
			return err
		}
		c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="verken-aankoopplan.xlsx"`)
		return c.Send(buf.Bytes())
	}
	return fiber.ErrNotFound
}

// matchers holds the task matcher of each taxonomy, built on first use.
var matchers sync.Map // *data.Taxonomy → *market.Matcher

// matcher is the task matcher over the server's taxonomy.
func (s *server) matcher() *market.Matcher {
	if m, ok := matchers.Load(s.Tasks); ok {
		return m.(*market.Matcher)
	}
	m, _ := matchers.LoadOrStore(s.Tasks, market.NewMatcher(s.Tasks))
	return m.(*market.Matcher)
}

// planFuncs adds the template helpers of plans: the dashboard lists the
// viewer's plans.
func (s *server) planFuncs(f template.FuncMap) template.FuncMap {
	f["plansOf"] = func(accountID string) ([]directory.SavedPlan, error) { return s.Store.Plans(accountID) }
	return f
}

// parsePlanLine parses the line report: the market check's page, its
// content kept as "checkreport", under a heading of the plan's line.
func parsePlanLine(funcs template.FuncMap, out map[string]*template.Template) error {
	t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", "templates/forms.html", "templates/conflict.html", "templates/marketcheck.html")
	if err != nil {
		return err
	}
	if _, err := t.AddParseTree("checkreport", t.Lookup("content").Tree); err != nil {
		return err
	}
	if _, err := t.ParseFS(templateFiles, "templates/planline.html"); err != nil {
		return err
	}
	out["planline"] = t
	return nil
}

// planName is the name a plan keeps of its file: a file name is the
// uploader's to choose, so control and direction characters and broken
// UTF-8 go, and it is cut to 100 characters.
func planName(file string) string {
	name := []rune(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == unicode.ReplacementChar {
			return -1
		}
		return r
	}, strings.ToValidUTF8(file, "")))
	if len(name) > 100 {
		name = name[:100]
	}
	if len(name) == 0 {
		return "plan"
	}
	return string(name)
}
