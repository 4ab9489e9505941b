package ui

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/number"
	"github.com/verken/verken/market"
	"github.com/verken/verken/search"
	"github.com/verken/verken/transit"
)

// bindCheck reads a market check from query or form values. The same
// names make the page's form, its shareable URL and "run again".
func bindCheck(v url.Values) (market.CheckInput, error) {
	r := newFormReader(v)
	in := market.CheckInput{
		Tasks: r.list("task"), CPV: r.str("cpv"), Place: r.str("place"), Region: r.str("region"),
		VolumeFTE: r.float("volume_fte"), HoursPerWeek: r.float("hours_per_week"), Start: r.date("start"),
		DurationMonths: r.int("duration_months"), YearlyValueEUR: r.float("yearly_value_eur"),
		TargetGroups: r.list("target_group"), Reserve: r.bool("reserve"),
	}
	settings := market.DefaultSettings
	changed := false
	for name, dst := range map[string]*int{"reserve_min_suppliers": &settings.ReserveMinSuppliers, "clause_min_suppliers": &settings.ClauseMinSuppliers,
		"lot_min_suppliers": &settings.LotMinSuppliers, "max_lots": &settings.MaxLots} {
		if r.str(name) != "" {
			*dst, changed = r.int(name), true
		}
	}
	for name, dst := range map[string]*float64{"max_dependency_pct": &settings.MaxDependencyPct, "urgent_share_pct": &settings.UrgentSharePct,
		"min_lot_fte": &settings.MinLotFTE} {
		if r.str(name) != "" {
			*dst, changed = r.float(name), true
		}
	}
	if c := r.str("poor_class"); c != "" {
		settings.PoorClass, changed = c, true
	}
	for name, dst := range map[string]*string{"shift_start": &settings.ShiftStart, "shift_end": &settings.ShiftEnd} {
		if v := r.str(name); v != "" {
			*dst, changed = v, true
		}
	}
	if r.str("max_travel_minutes") != "" {
		settings.MaxTravelMinutes, changed = r.int("max_travel_minutes"), true
	}
	if changed {
		in.Settings = &settings
	}
	for field, fe := range r.errors {
		return in, &search.ParamError{Param: field, Value: v.Get(field), Code: strings.TrimPrefix(fe.Key, "form."), Reason: fe.Reason}
	}
	return in, nil
}

// checkNumbers holds a check's numbers to their bounds (internal/number):
// a JSON body cannot carry NaN, but it carries 1e308.
func checkNumbers(in market.CheckInput) error {
	errs := []error{
		number.Check("volume_fte", in.VolumeFTE),
		number.Check("hours_per_week", in.HoursPerWeek),
		number.CheckInt("duration_months", in.DurationMonths),
		number.Check("yearly_value_eur", in.YearlyValueEUR),
	}
	if st := in.Settings; st != nil {
		errs = append(errs,
			number.CheckInt("settings.reserve_min_suppliers", st.ReserveMinSuppliers),
			number.CheckInt("settings.clause_min_suppliers", st.ClauseMinSuppliers),
			number.Check("settings.max_dependency_pct", st.MaxDependencyPct),
			number.Check("settings.urgent_share_pct", st.UrgentSharePct))
	}
	return paramError(errors.Join(errs...))
}

// checkQuery writes a check's input as the query that runs it again.
func checkQuery(in market.CheckInput) string {
	v := url.Values{}
	for _, t := range in.Tasks {
		v.Add("task", t)
	}
	set := func(k, s string) {
		if s != "" && s != "0" {
			v.Set(k, s)
		}
	}
	set("cpv", in.CPV)
	set("place", in.Place)
	set("region", in.Region)
	set("volume_fte", fmtNum(in.VolumeFTE))
	set("hours_per_week", fmtNum(in.HoursPerWeek))
	set("start", in.Start.String())
	set("duration_months", strconv.Itoa(in.DurationMonths))
	set("yearly_value_eur", fmtNum(in.YearlyValueEUR))
	for _, g := range in.TargetGroups {
		v.Add("target_group", g)
	}
	if in.Reserve {
		v.Set("reserve", "on")
	}
	if s := in.Settings; s != nil {
		v.Set("reserve_min_suppliers", strconv.Itoa(s.ReserveMinSuppliers))
		v.Set("clause_min_suppliers", strconv.Itoa(s.ClauseMinSuppliers))
		v.Set("max_dependency_pct", fmtNum(s.MaxDependencyPct))
		v.Set("urgent_share_pct", fmtNum(s.UrgentSharePct))
		v.Set("poor_class", s.PoorClass)
		v.Set("lot_min_suppliers", strconv.Itoa(s.LotMinSuppliers))
		v.Set("min_lot_fte", fmtNum(s.MinLotFTE))
		v.Set("max_lots", strconv.Itoa(s.MaxLots))
		v.Set("shift_start", s.ShiftStart)
		v.Set("shift_end", s.ShiftEnd)
		v.Set("max_travel_minutes", strconv.Itoa(s.MaxTravelMinutes))
	}
	return v.Encode()
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// checkView is the market-check page.
type checkView struct {
	Raw      url.Values
	Report   *market.CheckReport
	Advice   []adviceView
	Settings []settingView
	// Defaults are the thresholds the form offers to change.
	Defaults []settingView
	Error    string
	Query    string // runs the check again
	SavedAt  string // for a saved report
	Saved    bool
	CSV      string
	// Unclaimed says how many firms of the activity have no profile, and
	// UnclaimedURL shows them in search.
	Unclaimed    string
	UnclaimedURL string
	// PlaceOV is the class of the place of work as a badge with words,
	// nil when the work is at the suppliers' sites or no network is
	// imported; Rows are the suppliers in the reader's words; Legend
	// says a class shows, so the classes' legend goes with it.
	PlaceOV    *ovBadge
	PlaceWords string
	Rows       []checkRow
	Legend     bool
	// Dated is the day the report was made, in Brussels.
	Dated string
}

// checkRow is a supplier of the report with its municipality in the
// reader's language and its sites' classes as badges.
type checkRow struct {
	market.CheckSupplier
	Municipality string
	Classes      []ovBadge
}

// adviceView is an advice in the reader's language.
type adviceView struct {
	Code, Title, Text string
	// Setting is the threshold it used, in words with its value.
	Setting   string
	Suppliers []string
}

// settingView is a threshold of the report in words: what it is called,
// its value, and one line on what it does.
type settingView struct {
	Name, Label, Value, Help string
}

// settingNames orders the thresholds as the report shows them.
var settingNames = []string{"reserve_min_suppliers", "lot_min_suppliers", "min_lot_fte", "max_lots", "clause_min_suppliers",
	"max_dependency_pct", "urgent_share_pct", "poor_class", "shift_start", "shift_end", "max_travel_minutes"}

// settingViews are the thresholds in words.
func (s *server) settingViews(lang string, st market.Settings) []settingView {
	out := make([]settingView, len(settingNames))
	for i, name := range settingNames {
		out[i] = settingView{Name: name, Label: s.catalog.T(lang, "setting."+name), Value: settingValue(lang, name, st), Help: s.catalog.T(lang, "setting."+name+".help")}
	}
	return out
}

// settingWords is a threshold's value as the report states it: a
// transit class with its words.
func (s *server) settingWords(lang, name string, st market.Settings) string {
	v := settingValue(lang, name, st)
	if name == "poor_class" {
		return s.classWords(lang, v)
	}
	return v
}

// classWords is a class letter with its words ("E (zwak bediend)"), or
// the words for no class.
func (s *server) classWords(lang, class string) string {
	c, ok := transit.ParseClass(class)
	if !ok {
		return s.catalog.T(lang, "transit.none")
	}
	return s.catalog.T(lang, "check.class_words", c.String(), s.catalog.T(lang, "transit.word."+c.String()))
}

// settingValue is a threshold's value in the reader's language.
func settingValue(lang, name string, st market.Settings) string {
	switch name {
	case "reserve_min_suppliers":
		return strconv.Itoa(st.ReserveMinSuppliers)
	case "lot_min_suppliers":
		return strconv.Itoa(st.LotMinSuppliers)
	case "min_lot_fte":
		return formatNumber(lang, st.MinLotFTE)
	case "max_lots":
		return strconv.Itoa(st.MaxLots)
	case "clause_min_suppliers":
		return strconv.Itoa(st.ClauseMinSuppliers)
	case "max_dependency_pct":
		return formatNumber(lang, st.MaxDependencyPct) + " %"
	case "urgent_share_pct":
		return formatNumber(lang, st.UrgentSharePct) + " %"
	case "poor_class":
		return st.PoorClass
	case "shift_start":
		return st.ShiftStart
	case "shift_end":
		return st.ShiftEnd
	case "max_travel_minutes":
		return strconv.Itoa(st.MaxTravelMinutes)
	}
	return ""
}

func (s *server) marketCheckPage(c *fiber.Ctx) error {
	raw := queryValues(c)
	view := checkView{Raw: raw, Defaults: s.settingViews(s.lang(c), market.DefaultSettings)}
	status := fiber.StatusOK
	if len(raw["task"])+len(raw["cpv"]) > 0 {
		in, err := bindCheck(raw)
		var rep *market.CheckReport
		if err == nil {
			rep, err = s.checker().Check(in, s.today())
		}
		var pe *search.ParamError
		switch {
		case errors.As(err, &pe):
			status, view.Error = fiber.StatusUnprocessableEntity, s.paramMessage(s.lang(c), pe)
		case err != nil:
			return err
		default:
			s.fillCheck(c, &view, rep)
		}
	}
	return s.page(c, status, "marketcheck", "check.title", view)
}

func (s *server) fillCheck(c *fiber.Ctx, view *checkView, rep *market.CheckReport) {
	lang := s.lang(c)
	view.Report = rep
	view.Dated = formatDate(lang, rep.CreatedAt.In(brussels))
	view.Query = checkQuery(rep.Input)
	view.CSV = "/marktverkenning/leveranciers.csv?" + view.Query
	view.Settings = s.settingViews(lang, rep.Settings)
	for i := range view.Settings {
		view.Settings[i].Value = s.settingWords(lang, view.Settings[i].Name, rep.Settings)
	}
	if c := rep.Figures.PlaceClass; c != "" {
		b := s.ovBadge(lang, c)
		view.PlaceOV, view.Legend, view.PlaceWords = &b, true, b.Short
		if cl, ok := transit.ParseClass(c); ok {
			view.PlaceWords = s.catalog.T(lang, "transit.word."+cl.String())
		}
	}
	for _, cs := range rep.Suppliers {
		row := checkRow{CheckSupplier: cs, Municipality: cs.MunicipalityNL}
		if m, ok := s.Places.ResolveMunicipality(cs.MunicipalityNL); ok {
			row.Municipality = m.Name.In(lang)
		}
		if rep.Input.Place == "" {
			for _, c := range cs.SiteClasses {
				row.Classes = append(row.Classes, s.ovBadge(lang, c))
				view.Legend = true
			}
		}
		view.Rows = append(view.Rows, row)
	}
	if f := rep.Figures; f.Unclaimed > 0 {
		area := s.catalog.T(lang, "check.everywhere")
		if f.UnclaimedArea != "" {
			area = s.areaName(lang, f.UnclaimedArea)
		}
		key := "check.unclaimed"
		if f.Unclaimed == 1 {
			key += ".one"
		}
		view.Unclaimed = s.catalog.T(lang, key, f.Unclaimed, area)
		show := url.Values{"unclaimed": {"true"}, "task": rep.Input.Tasks}
		if rep.Input.CPV != "" {
			show.Set("cpv", rep.Input.CPV)
		}
		if _, ok := s.Places.ResolveProvince(f.UnclaimedArea); ok {
			show.Set("province", f.UnclaimedArea)
		} else if f.UnclaimedArea != "" {
			show.Set("region", f.UnclaimedArea)
		}
		view.UnclaimedURL = "/?" + show.Encode()
	}
	for _, a := range rep.Advice {
		v := adviceView{Code: a.Code, Title: s.catalog.T(lang, "advice."+a.Code+".title"), Text: s.adviceText(lang, a), Suppliers: a.Suppliers}
		if a.Setting != "" {
			v.Setting = s.catalog.T(lang, "setting."+a.Setting) + ": " + s.settingWords(lang, a.Setting, rep.Settings)
		}
		view.Advice = append(view.Advice, v)
	}
}

// adviceText states an advice with the figures behind it.
func (s *server) adviceText(lang string, a market.Advice) string {
	n := func(k string) string { return formatNumber(lang, a.Figures[k]) }
	key := "advice." + a.Code + ".text"
	switch a.Code {
	case market.AdviceReserve:
		return s.catalog.T(lang, key, n("eligible"), n("eligible_fte"), n("volume_fte"), n("reserve_min_suppliers"))
	case market.AdviceReserveLots:
		if a.Figures["open"] == 0 {
			return s.catalog.T(lang, key+"_all", n("lots"), n("lot_fte"), n("eligible"), n("eligible_fte"), n("volume_fte"))
		}
		return s.catalog.T(lang, key, n("lots"), n("lot_fte"), n("reserved"), n("open"), n("eligible"), n("eligible_fte"), n("volume_fte"))
	case market.AdviceSplitLots:
		return s.catalog.T(lang, key, n("largest_fte"), n("volume_fte"), n("lots"), n("lot_fte"), n("lot_min_suppliers"))
	case market.AdviceNoLotPlan:
		return s.catalog.T(lang, "advice.no_lot_plan."+a.Reason, n("volume_fte"), n("largest_fte"), n("lot_min_suppliers"), n("min_lot_fte"), n("max_lots"))
	case market.AdviceTooUrgent:
		return s.catalog.T(lang, key, n("can_start"), n("matching"), n("urgent_share_pct"))
	case market.AdvicePoorlyReached:
		if a.Reason == "travel" {
			return s.catalog.T(lang, "advice.poorly_reachable.travel", n("in_time_fte"), n("free_fte"), n("max_travel_minutes"))
		}
		class := ""
		if c := int(a.Figures["class"]); c > 0 {
			class = string(rune('A' + c - 1))
		}
		return s.catalog.T(lang, key, s.classWords(lang, class))
	case market.AdviceThinCapacity:
		return s.catalog.T(lang, key, n("coverage"), n("free_fte"), n("volume_fte"))
	case market.AdviceAwardCriterion:
		return s.catalog.T(lang, key, n("social"), n("clause_min_suppliers"))
	}
	return a.Code
}

// saveCheckPost runs the check in the form and keeps the report.
func (s *server) saveCheckPost(c *fiber.Ctx) error {
	v := s.viewer(c)
	if !v.SignedIn() {
		return errSignIn
	}
	values, _ := url.ParseQuery(c.FormValue("query"))
	in, err := bindCheck(values)
	if err != nil {
		return fiber.NewError(fiber.StatusBadRequest, err.Error())
	}
	rep, err := s.checker().Check(in, s.today())
	if err != nil {
		return fiber.NewError(fiber.StatusBadRequest, err.Error())
	}
	// The figures and the advice are kept as they were; the supplier rows
	// (megabytes for a broad check) are worked out again when the report
	// is opened.
	rep.Suppliers = nil
	b, err := json.Marshal(rep)
	if err != nil {
		return err
	}
	id, err := s.Store.SaveCheck(v.Account.ID, b)
	switch {
	case errors.Is(err, directory.ErrTooManySaved):
		return s.tooManySaved(c, "saved.too_many_checks", directory.MaxSavedChecks)
	case errors.Is(err, directory.ErrSavedTooLarge):
		return fiber.NewError(fiber.StatusRequestEntityTooLarge, err.Error())
	case err != nil:
		return err
	}
	return c.Redirect("/marktverkenning/"+id, fiber.StatusSeeOther)
}

// savedCheck loads a saved report as it was.
func (s *server) savedCheck(id string) (*market.CheckReport, directory.SavedCheck, error) {
	sc, err := s.Store.Check(id)
	if errors.Is(err, directory.ErrCheckNotFound) {
		return nil, sc, fiber.ErrNotFound
	}
	if err != nil {
		return nil, sc, err
	}
	var rep market.CheckReport
	if err := json.Unmarshal(sc.Report, &rep); err != nil {
		return nil, sc, err
	}
	rep.ID = sc.ID
	if rep.Suppliers == nil {
		// Saved without its rows: today's suppliers for the same input.
		if now, err := s.checker().Check(rep.Input, s.today()); err == nil {
			rep.Suppliers = now.Suppliers
		}
	}
	return &rep, sc, nil
}

func (s *server) savedCheckPage(c *fiber.Ctx) error {
	rep, sc, err := s.savedCheck(c.Params("id"))
	if err != nil {
		return err
	}
	view := checkView{Saved: true, SavedAt: formatDate(s.lang(c), sc.SavedAt.In(brussels))}
	s.fillCheck(c, &view, rep)
	view.Raw, _ = url.ParseQuery(view.Query)
	view.CSV = "/marktverkenning/" + sc.ID + "/leveranciers.csv"
	return s.page(c, fiber.StatusOK, "marketcheck", "check.title", view)
}

// checkCSV writes the suppliers behind a report, run now or saved.
func (s *server) checkCSV(c *fiber.Ctx) error {
	var rep *market.CheckReport
	var err error
	if id := c.Params("id"); id != "" {
		rep, _, err = s.savedCheck(id)
	} else {
		var in market.CheckInput
		if in, err = bindCheck(queryValues(c)); err == nil {
			rep, err = s.checker().Check(in, s.today())
		}
	}
	if handled, err := paramErrorJSON(c, err); handled || err != nil {
		return err
	}
	lang := s.lang(c)
	cols := []string{"export.name", "export.kind", "export.sector", "check.col_eligible", "check.col_fte", "check.col_can_start",
		"check.col_earliest", "check.col_dependency", "check.col_site_classes", "export.municipality", "export.confirmed", "export.url"}
	table := [][]string{make([]string, len(cols))}
	for i, k := range cols {
		table[0][i] = s.catalog.T(lang, k)
	}
	yes := func(b bool) string {
		if b {
			return s.catalog.T(lang, "export.yes")
		}
		return s.catalog.T(lang, "export.no")
	}
	for _, cs := range rep.Suppliers {
		dep := ""
		if cs.DependencyPct != nil {
			dep = formatNumber(lang, *cs.DependencyPct)
		}
		sector := "regular"
		if cs.Social {
			sector = "social"
		}
		table = append(table, []string{cs.Name, s.catalog.T(lang, "kind."+cs.Kind), s.catalog.T(lang, "sector."+sector), yes(cs.Eligible),
			formatNumber(lang, cs.FreeFTE), yes(cs.CanStart), cs.EarliestStart, dep, strings.Join(cs.SiteClasses, " "),
			cs.MunicipalityNL, cs.ConfirmedAt, s.link("/leveranciers/" + cs.ID)})
	}
	return sendCSV(c, "verken-marktverkenning.csv", table)
}

// apiMarketCheck runs a check from a JSON body.
func (s *server) apiMarketCheck(c *fiber.Ctx) error {
	var in market.CheckInput
	dec := json.NewDecoder(bytes.NewReader(c.Body()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		if field := badField(c.Body()); field != "" {
			return c.Status(fiber.StatusUnprocessableEntity).JSON(apiError{Error: "invalid_field", Param: field, Reason: err.Error()})
		}
		return c.Status(fiber.StatusBadRequest).JSON(apiError{Error: "invalid_body", Reason: err.Error()})
	}
	err := checkNumbers(in)
	var rep *market.CheckReport
	if err == nil {
		rep, err = s.checker().Check(in, s.today())
	}
	var pe *search.ParamError
	if errors.As(err, &pe) {
		return c.Status(fiber.StatusUnprocessableEntity).JSON(apiError{Error: "invalid_field", Param: pe.Param, Value: pe.Value, Reason: pe.Reason})
	}
	if err != nil {
		return err
	}
	return c.JSON(rep)
}

// apiSavedCheck returns a saved report as it was.
func (s *server) apiSavedCheck(c *fiber.Ctx) error {
	rep, _, err := s.savedCheck(c.Params("id"))
	if errors.Is(err, fiber.ErrNotFound) {
		return c.Status(fiber.StatusNotFound).JSON(apiError{Error: "not_found", Param: "id", Value: c.Params("id"), Reason: "no saved market check has this id"})
	}
	if err != nil {
		return err
	}
	return c.JSON(rep)
}

// badField names the field of a market check's JSON body that does not
// decode (a date such as 2027-02-30, a word where a number goes): the
// decoder's own error does not say which. It decodes the fields one at a
// time; "" when the body is not an object or no single field is at fault.
func badField(body []byte) string {
	var fields map[string]json.RawMessage
	if json.Unmarshal(body, &fields) != nil {
		return ""
	}
	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	slices.Sort(names)
	decodes := func(v any) bool {
		one, _ := json.Marshal(v)
		var probe market.CheckInput
		return json.Unmarshal(one, &probe) == nil
	}
	for _, name := range names {
		if decodes(map[string]json.RawMessage{name: fields[name]}) {
			continue
		}
		// Within an object (settings), the field inside it.
		var inner map[string]json.RawMessage
		if json.Unmarshal(fields[name], &inner) == nil {
			for sub, raw := range inner {
				if !decodes(map[string]map[string]json.RawMessage{name: {sub: raw}}) {
					return name + "." + sub
				}
			}
		}
		return name
	}
	return ""
}
