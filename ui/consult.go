package ui

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/verken/verken/consult"
	"github.com/verken/verken/directory"
	"github.com/verken/verken/market"
	"github.com/verken/verken/search"
)

// Market consultations: a buyer asks the suppliers that match a planned
// contract, they answer through a link of their own, and the buyer reads
// the answers and, after the deadline, the record for the procurement file.
// The rules are package consult's; these handlers check who may do what.

// consults opens the consultations in the store's file. It costs one read
// transaction, so it is done per request rather than kept on the server.
func (s *server) consults() (*consult.Store, error) { return consult.New(s.Store) }

// experience is what earlier consultations on the tasks came to, for the
// market check.
func (s *server) experience(tasks []string) (market.Experience, error) {
	cs, err := s.consults()
	if err != nil {
		return market.Experience{}, err
	}
	return cs.Experience(tasks)
}

// brussels is the time zone deadlines are given and shown in.
var brussels = func() *time.Location {
	if loc, err := time.LoadLocation("Europe/Brussels"); err == nil {
		return loc
	}
	return time.FixedZone("CET", 3600)
}()

// defaultPeriod is the answer period the form proposes.
const defaultPeriod = 14 * 24 * time.Hour

// suggestedQuestions are the questions the form proposes, as the workshop
// behind Verken asks them.
var suggestedQuestions = []string{"consult.q.volume", "consult.q.start", "consult.q.bid", "consult.q.feasible"}

// mayConsult reports whether the viewer may start consultations: a
// signed-in buyer or administrator.
func mayConsult(v viewer) bool {
	return v.SignedIn() && v.Account.Status == directory.StatusActive &&
		(v.Account.Role == directory.RoleBuyer || v.Account.Role == directory.RoleAdmin)
}

// ownConsultation loads the route's consultation for its owner or an
// administrator; to anyone else it does not exist.
func (s *server) ownConsultation(c *fiber.Ctx) (*consult.Store, consult.Consultation, error) {
	v := s.viewer(c)
	if !v.SignedIn() {
		return nil, consult.Consultation{}, errSignIn
	}
	cs, err := s.consults()
	if err != nil {
		return nil, consult.Consultation{}, err
	}
	co, err := cs.Get(c.Params("id"))
	if errors.Is(err, consult.ErrNotFound) || err == nil && co.AccountID != v.Account.ID && !v.Admin() {
		return nil, co, fiber.ErrNotFound
	}
	return cs, co, err
}

// consultForm is the form that makes a consultation.
type consultForm struct {
	Raw       url.Values
	Questions []string
	Errors    map[string]string
	Error     string
	// From is the market check it starts from, if any.
	CheckID string
	Report  *market.CheckReport
	Bands   []string
	Band    string // the band of the check's value
	// FromSearch: the scope comes from a search (its link on the search
	// page); NeedsTask: that search named no task or CPV code.
	FromSearch, NeedsTask bool
}

// consultListView is the list of the buyer's consultations.
type consultListView struct {
	Consultations []consult.Consultation
	Max           int
}

func (s *server) consultsPage(c *fiber.Ctx) error {
	v := s.viewer(c)
	if !v.SignedIn() {
		return errSignIn
	}
	if !mayConsult(v) {
		return errForbidden
	}
	cs, err := s.consults()
	if err != nil {
		return err
	}
	list, err := cs.List(v.Account.ID)
	if err != nil {
		return err
	}
	return s.page(c, fiber.StatusOK, "consults", "consult.list_title", consultListView{Consultations: list, Max: consult.MaxPerAccount})
}

// consultFromSearch is what a search gives a consultation's scope, as the
// new-consultation form's parameters: its tasks or CPV code, one place of
// execution (where an offer serves, near, or the one municipality asked),
// else the one province or region asked, the free capacity asked as the
// volume, and the day it must be free by as the start. The recipients are
// then those the consultation's own rule finds, not the search's hits.
func consultFromSearch(params url.Values, today directory.Date) url.Values {
	out := url.Values{"from": {"search"}}
	if ts := params["task"]; len(ts) > 0 {
		out["task"] = ts
	}
	if cpv := params.Get("cpv"); cpv != "" {
		out.Set("cpv", cpv)
	}
	one := func(k string) string {
		if vs := params[k]; len(vs) == 1 {
			return vs[0]
		}
		return ""
	}
	switch {
	case params.Get("serves") != "":
		out.Set("place", params.Get("serves"))
	case params.Get("near") != "":
		out.Set("place", params.Get("near"))
	case one("municipality") != "":
		out.Set("place", one("municipality"))
	case one("province") != "":
		out.Set("region", one("province"))
	case one("region") != "":
		out.Set("region", one("region"))
	}
	if fte := params.Get("min_fte"); fte != "" {
		out.Set("volume_fte", fte)
	}
	if by, err := directory.ParseDate(params.Get("available_by")); err == nil && !by.Before(today) {
		out.Set("start", by.String())
	}
	return out
}

// consultNewPage shows the form, from a saved market check (?check=id), a
// check's query (the market check's own parameters, as a search's link
// gives them too: ?from=search), or empty.
func (s *server) consultNewPage(c *fiber.Ctx) error {
	v := s.viewer(c)
	if !v.SignedIn() {
		return errSignIn
	}
	if !mayConsult(v) {
		return errForbidden
	}
	raw := queryValues(c)
	f := consultForm{Raw: url.Values{}, Bands: consult.ValueBands, Errors: map[string]string{}}
	lang := s.lang(c)
	for _, k := range suggestedQuestions {
		f.Questions = append(f.Questions, s.catalog.T(lang, k))
	}
	deadline := s.Now().Add(defaultPeriod).In(brussels)
	f.Raw.Set("deadline", deadline.Format(time.DateOnly))
	f.Raw.Set("deadline_time", "17:00")
	f.Raw.Set("buyer", v.Account.Name)
	for _, k := range []string{"task", "cpv", "place", "region", "volume_fte", "start", "duration_months", "yearly_value_eur"} {
		if vals := raw[k]; len(vals) > 0 {
			f.Raw[k] = vals
		}
	}
	if id := raw.Get("check"); id != "" {
		rep, _, err := s.savedCheck(id)
		if err != nil {
			return err
		}
		f.CheckID, f.Report = id, rep
	} else if len(raw["task"])+len(raw["cpv"]) > 0 {
		if in, err := bindCheck(raw); err == nil {
			if rep, err := s.checker().Check(in, s.today()); err == nil {
				f.Report = rep
			}
		}
	}
	if f.Report != nil {
		f.Band = consult.BandFor(consult.TotalValue(f.Report))
		f.Raw.Set("title", s.scopeTitle(lang, f.Report.Input.Tasks))
	} else if t := s.scopeTitle(lang, raw["task"]); t != "" {
		f.Raw.Set("title", t)
	}
	if f.CheckID == "" && raw.Get("from") == "search" {
		f.FromSearch, f.NeedsTask = true, len(raw["task"])+len(raw["cpv"]) == 0
	}
	return s.page(c, fiber.StatusOK, "consultnew", "consult.new_title", f)
}

// taskNames names tasks in a language, joined by commas.
func (s *server) taskNames(lang string, tasks []string) string {
	var names []string
	for _, id := range tasks {
		if t, ok := s.Tasks.Task(id); ok {
			names = append(names, t.Name.In(lang))
		} else {
			names = append(names, id)
		}
	}
	return strings.Join(names, ", ")
}

// scopeTitle proposes a title from the task names.
func (s *server) scopeTitle(lang string, tasks []string) string {
	var names []string
	for _, id := range tasks {
		if t, ok := s.Tasks.Task(id); ok {
			names = append(names, t.Name.In(lang))
		}
	}
	if len(names) == 0 {
		return ""
	}
	return s.catalog.T(lang, "consult.title_for", strings.Join(names, ", "))
}

// consultCreatePost makes a draft: the market check runs again (or the
// saved one is read), its matching suppliers become the candidates.
func (s *server) consultCreatePost(c *fiber.Ctx) error {
	v := s.viewer(c)
	if !v.SignedIn() {
		return errSignIn
	}
	if !mayConsult(v) {
		return errForbidden
	}
	lang := s.lang(c)
	form := formValues(c)
	f := consultForm{Raw: form, Questions: form["question"], Bands: consult.ValueBands, Errors: map[string]string{}, CheckID: form.Get("check")}
	fail := func(field, msg string) error {
		if field == "" {
			f.Error = msg
		} else {
			f.Errors[field] = msg
		}
		return s.page(c, fiber.StatusUnprocessableEntity, "consultnew", "consult.new_title", f)
	}
	var rep *market.CheckReport
	if f.CheckID != "" {
		var err error
		if rep, _, err = s.savedCheck(f.CheckID); err != nil {
			return err
		}
	} else {
		in, err := bindCheck(form)
		if err == nil {
			rep, err = s.checker().Check(in, s.today())
		}
		var pe *search.ParamError
		if errors.As(err, &pe) {
			return fail("", s.paramMessage(lang, pe))
		} else if err != nil {
			return err
		}
	}
	f.Report = rep
	sc, lots, cands, raw, err := consult.FromCheck(rep, s.Tasks)
	if err != nil {
		return err
	}
	if form.Get("unclaimed") != "" {
		more, err := consult.UnclaimedCandidates(s.Index, s.Store, s.Places, rep, consult.MaxRecipients-len(cands))
		if err != nil {
			return err
		}
		cands = append(cands, more...)
	}
	cs, err := s.consults()
	if err != nil {
		return err
	}
	// Suppliers that opted out of consultations about the task are none.
	if cands, _, err = cs.WithoutOptedOut(cands, sc.Tasks); err != nil {
		return err
	}
	deadline, derr := parseDeadline(form.Get("deadline"), form.Get("deadline_time"))
	if derr != nil {
		return fail("deadline", s.catalog.T(lang, "consult.err.deadline"))
	}
	band := form.Get("value_band")
	if band == "hidden" {
		band = ""
	}
	co := consult.Consultation{AccountID: v.Account.ID, Buyer: strings.TrimSpace(form.Get("buyer")), Anonymous: form.Get("anonymous") != "",
		Title: form.Get("title"), Description: form.Get("description"), Questions: form["question"], Deadline: deadline,
		ValueBand: band, Scope: sc, Lots: lots, CheckID: f.CheckID, Check: raw, Candidates: cands}
	if co.Buyer == "" {
		co.Buyer = v.Account.Name
	}
	err = cs.Create(&co, s.Now())
	var ve *directory.ValidationError
	switch {
	case errors.As(err, &ve):
		for _, fe := range ve.Fields {
			field, _, _ := strings.Cut(fe.Field, "[")
			f.Errors[field] = s.consultFieldMessage(lang, fe)
		}
		return s.page(c, fiber.StatusUnprocessableEntity, "consultnew", "consult.new_title", f)
	case errors.Is(err, consult.ErrTooMany):
		return fail("", s.catalog.T(lang, "consult.err.too_many", consult.MaxPerAccount))
	case err != nil:
		return err
	}
	return c.Redirect("/raadplegingen/"+co.ID, fiber.StatusSeeOther)
}

// consultFieldMessage says what is wrong with a field in the user's
// language: consult's own codes, then the directory's.
func (s *server) consultFieldMessage(lang string, fe directory.FieldError) string {
	// Lengths and counts say their limit the directory's way.
	if fe.Code == "too_long" || fe.Code == "too_many" {
		return s.fieldMessage(lang, fe)
	}
	if key := "consult.err." + fe.Code; s.catalog.Has(key) {
		return s.catalog.T(lang, key)
	}
	return s.fieldMessage(lang, fe)
}

// parseDeadline reads a deadline given as a day and a time of day in
// Brussels; without a time the day ends at 17:00.
func parseDeadline(day, clock string) (time.Time, error) {
	if clock == "" {
		clock = "17:00"
	}
	t, err := time.ParseInLocation("2006-01-02 15:04", strings.TrimSpace(day)+" "+strings.TrimSpace(clock), brussels)
	if err != nil {
		return time.Time{}, err
	}
	return t.UTC(), nil
}

// consultView is a consultation's page for its buyer.
type consultView struct {
	C          consult.Consultation
	Recipients []recipientView
	Questions  []consult.Question
	Funnel     consult.Funnel
	Closed     bool
	MayRemind  bool
	// Candidates, in a draft: who would get it, and whether they can.
	Candidates []candidateView
	Notice     string
	Error      string
	// Responded are the recipients that answered, in the order of their
	// answers' times; Silent those that did not.
	Responded []recipientView
	Silent    []recipientView
	stampf    func(time.Time) string
	sizef     func(int64) string
	// Limits are the bounds of attachments, for the upload form.
	FileLimits fileLimits
	// Outcome is the form that says what came of it.
	Outcome outcomeForm
	// Columns are the export's columns to choose from.
	Columns []exportChoice
	// Widened: the draft lists, in Widen, the suppliers with the task in
	// the province whatever their capacity or service area, to add.
	Widened bool
	Widen   []candidateView
	// AddTyped is what was typed in the supplier picker, AddChoices the
	// suppliers it may mean.
	AddTyped   string
	AddChoices []search.Hit
	// MaxRecipients bounds the candidates, those added included.
	MaxRecipients int
}

// fileLimits are the bounds of a consultation's attachments, as the form
// says them.
type fileLimits struct {
	Count       int
	Size, Total string
}

// recipientView is a recipient with what its answer says.
type recipientView struct {
	consult.Recipient
	Answers []qa
}

// qa is a question with an answer.
type qa struct{ Q, A string }

// candidateView is a matching supplier in a draft.
type candidateView struct {
	consult.Candidate
	Email bool
}

func (s *server) consultPage(c *fiber.Ctx) error {
	cs, co, err := s.ownConsultation(c)
	if err != nil {
		return err
	}
	return s.buyerPage(c, cs, co, fiber.StatusOK, s.notice(c, "consult.notice_"), "")
}

// buyerPage shows the buyer's page of a consultation, with a notice or an
// error, and for a draft the candidates to narrow and the ways to widen.
func (s *server) buyerPage(c *fiber.Ctx, cs *consult.Store, co consult.Consultation, status int, notice, errMsg string) error {
	return s.buyerPageWith(c, cs, co, status, notice, errMsg, nil)
}

// buyerPageWith is buyerPage with more to show, set by with.
func (s *server) buyerPageWith(c *fiber.Ctx, cs *consult.Store, co consult.Consultation, status int, notice, errMsg string, with func(*consultView)) error {
	view, err := s.consultView(s.lang(c), cs, co)
	if err != nil {
		return err
	}
	view.Notice, view.Error = notice, errMsg
	if co.Draft() {
		emails, err := s.supplierEmails(co.Candidates)
		if err != nil {
			return err
		}
		for _, cand := range co.Candidates {
			view.Candidates = append(view.Candidates, candidateView{Candidate: cand, Email: emails[cand.SupplierID] != ""})
		}
		if c.Query("verruimen") != "" {
			more, err := cs.Widen(s.Index, co, s.consultRef(), s.Now())
			if err != nil {
				return err
			}
			view.Widened = true
			for _, cand := range more {
				view.Widen = append(view.Widen, candidateView{Candidate: cand, Email: true})
			}
		}
	}
	if with != nil {
		with(&view)
	}
	return s.page(c, status, "consult", "consult.title", view)
}

// consultRef is what consult reads of the reference tables.
func (s *server) consultRef() consult.Reference {
	return consult.Reference{Tasks: s.Tasks, Places: s.Places}
}

// consultAddPost adds suppliers that do not match to a draft, marked as
// added by the buyer: those ticked in the widened list (supplier_id), or
// the one typed in the supplier picker (an enterprise number or a name,
// found as the administrators' invitation picker finds it; a name that
// may mean several asks which). Whether one may be added is consult's
// rule.
func (s *server) consultAddPost(c *fiber.Ctx) error {
	cs, co, err := s.ownConsultation(c)
	if err != nil {
		return err
	}
	lang := s.lang(c)
	form := formValues(c)
	ids := form["supplier_id"]
	if len(ids) == 0 {
		typed := strings.TrimSpace(form.Get("supplier"))
		sup, hits, err := s.inviteSupplier(typed)
		switch {
		case len(hits) > 0:
			return s.buyerPageWith(c, cs, co, fiber.StatusUnprocessableEntity, "", s.catalog.T(lang, "consult.add_which"),
				func(v *consultView) { v.AddTyped, v.AddChoices = typed, hits })
		case err != nil:
			return s.consultError(c, cs, co, s.catalog.T(lang, "consult.err.add_unknown"))
		}
		ids = []string{sup.ID}
	}
	added, err := cs.Add(co.ID, ids, s.consultRef(), s.Now())
	var refused *consult.Refused
	var ve *directory.ValidationError
	switch {
	case errors.As(err, &refused):
		name := refused.Name
		if name == "" {
			name = refused.SupplierID
		}
		return s.consultError(c, cs, co, s.catalog.T(lang, "consult.err.add_"+refused.Code, name))
	case errors.As(err, &ve):
		return s.consultError(c, cs, co, s.catalog.T(lang, "consult.err.add_too_many", consult.MaxRecipients))
	case errors.Is(err, consult.ErrSent), errors.Is(err, consult.ErrClosed):
		return s.consultError(c, cs, co, s.catalog.T(lang, "consult.err.not_draft"))
	case err != nil:
		return err
	}
	notice := "added"
	if len(added) == 0 {
		notice = "already"
	}
	return c.Redirect("/raadplegingen/"+co.ID+"?notice="+notice+"#recipients", fiber.StatusSeeOther)
}

// consultView gathers what the buyer's page and the report show.
func (s *server) consultView(lang string, cs *consult.Store, co consult.Consultation) (consultView, error) {
	now := s.Now()
	view := consultView{C: co, Closed: co.Closed(now), MayRemind: consult.MayRemind(co, now) == nil,
		stampf: func(t time.Time) string { return s.stamp(lang, t) }, sizef: func(n int64) string { return fileSize(lang, n) },
		FileLimits: fileLimits{Count: consult.MaxFiles, Size: fileSize(lang, consult.MaxFileBytes), Total: fileSize(lang, consult.MaxAllFiles)},
		Outcome:    outcomeFormOf(co, now), Columns: s.exportChoices(lang, co), MaxRecipients: consult.MaxRecipients}
	rs, err := cs.Recipients(co.ID)
	if err != nil {
		return view, err
	}
	view.Funnel = consult.FunnelOf(rs)
	for _, r := range rs {
		rv := recipientView{Recipient: r}
		if r.Response != nil {
			for i, q := range co.Questions {
				a := ""
				if i < len(r.Response.Answers) {
					a = r.Response.Answers[i]
				}
				rv.Answers = append(rv.Answers, qa{Q: q, A: a})
			}
		}
		view.Recipients = append(view.Recipients, rv)
		if r.Response != nil {
			view.Responded = append(view.Responded, rv)
		} else {
			view.Silent = append(view.Silent, rv)
		}
	}
	slices.SortStableFunc(view.Responded, func(a, b recipientView) int { return a.Response.At.Compare(b.Response.At) })
	if view.Questions, err = cs.Questions(co.ID); err != nil {
		return view, err
	}
	if view.MayRemind && view.Funnel.NoAnswer == 0 {
		view.MayRemind = false
	}
	return view, nil
}

// supplierEmails finds where each candidate's invitation goes: the
// contact address of its profile.
func (s *server) supplierEmails(cands []consult.Candidate) (map[string]string, error) {
	ids := make([]string, len(cands))
	for i, cand := range cands {
		ids[i] = cand.SupplierID
	}
	sups, err := s.Store.GetMany(ids)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, sup := range sups {
		if sup.Contact.Email != "" && sup.Delisted == nil {
			out[sup.ID] = sup.Contact.Email
		}
	}
	return out, nil
}

// consultSendPost sends a draft to the chosen candidates.
func (s *server) consultSendPost(c *fiber.Ctx) error {
	cs, co, err := s.ownConsultation(c)
	if err != nil {
		return err
	}
	lang := s.lang(c)
	form := formValues(c)
	chosen := form["recipient"]
	if co.Draft() && co.Public != (form.Get("public") != "") {
		if err := cs.SetPublic(co.ID, form.Get("public") != ""); err != nil && !errors.Is(err, consult.ErrSent) {
			return err
		}
	}
	emails, err := s.supplierEmails(co.Candidates)
	if err != nil {
		return err
	}
	text := s.consultText(lang, co)
	invites, err := cs.Send(co.ID, chosen, emails, text, lang, s.Now())
	var ve *directory.ValidationError
	switch {
	case errors.As(err, &ve):
		return s.consultError(c, cs, co, s.consultFieldMessage(lang, ve.Fields[0]))
	case errors.Is(err, consult.ErrSendLimit):
		return s.consultError(c, cs, co, s.catalog.T(lang, "consult.err.send_limit", consult.MaxSendsPerDay))
	case errors.Is(err, consult.ErrSent), errors.Is(err, consult.ErrClosed):
		return s.consultError(c, cs, co, s.catalog.T(lang, "consult.err.not_draft"))
	case err != nil:
		return err
	}
	co, err = cs.Get(co.ID)
	if err != nil {
		return err
	}
	if err := s.mailInvites(cs, co, invites, false); err != nil {
		return err
	}
	return c.Redirect("/raadplegingen/"+co.ID+"?notice=sent", fiber.StatusSeeOther)
}

// consultError shows the buyer's page with what went wrong.
func (s *server) consultError(c *fiber.Ctx, cs *consult.Store, co consult.Consultation, msg string) error {
	return s.buyerPage(c, cs, co, fiber.StatusUnprocessableEntity, "", msg)
}

// consultRemindPost reminds the recipients that have not answered.
func (s *server) consultRemindPost(c *fiber.Ctx) error {
	cs, co, err := s.ownConsultation(c)
	if err != nil {
		return err
	}
	invites, err := cs.Remind(co.ID, s.Now())
	switch {
	case errors.Is(err, consult.ErrReminders), errors.Is(err, consult.ErrClosed):
		return s.consultError(c, cs, co, s.catalog.T(s.lang(c), "consult.err.remind", consult.MaxReminders))
	case err != nil:
		return err
	}
	if err := s.mailInvites(cs, co, invites, true); err != nil {
		return err
	}
	return c.Redirect("/raadplegingen/"+co.ID+"?notice=reminded", fiber.StatusSeeOther)
}

// consultAnswerPost publishes the buyer's answer to a question.
func (s *server) consultAnswerPost(c *fiber.Ctx) error {
	cs, co, err := s.ownConsultation(c)
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(c.Params("n"))
	if err != nil {
		return fiber.ErrNotFound
	}
	lang := s.lang(c)
	q, notices, err := cs.PublishAnswer(co.ID, n, formValues(c).Get("answer"), s.Now())
	var ve *directory.ValidationError
	switch {
	case errors.Is(err, consult.ErrNotFound):
		return fiber.ErrNotFound
	case errors.As(err, &ve):
		return s.consultError(c, cs, co, s.consultFieldMessage(lang, ve.Fields[0]))
	case errors.Is(err, consult.ErrSent), errors.Is(err, consult.ErrClosed):
		return s.consultError(c, cs, co, s.catalog.T(lang, "consult.err.answered"))
	case err != nil:
		return err
	}
	// Past the consultation's bound on notices, or with the outbox full,
	// some recipients are not mailed: the buyer is told, and they see the
	// answer on their page.
	notice := "published"
	if mailed := s.mailAnswerNotices(co, q, notices.Invites); notices.Withheld > 0 || mailed < len(notices.Invites) {
		notice = "published_partly"
	}
	return c.Redirect("/raadplegingen/"+co.ID+"?notice="+notice, fiber.StatusSeeOther)
}

// consultReportPage is the record for the procurement file, once the
// answer period is over.
func (s *server) consultReportPage(c *fiber.Ctx) error {
	cs, co, err := s.ownConsultation(c)
	if err != nil {
		return err
	}
	view, err := s.consultView(s.lang(c), cs, co)
	if err != nil {
		return err
	}
	if co.Draft() || !view.Closed {
		return s.page(c, fiber.StatusConflict, "message", "consult.report_title",
			formView{Notice: s.catalog.T(s.lang(c), "consult.report_later", s.stamp(s.lang(c), co.Deadline))})
	}
	return s.page(c, fiber.StatusOK, "consultreport", "consult.report_title", view)
}

func yesNo(s *server, lang string, b bool) string {
	if b {
		return s.catalog.T(lang, "export.yes")
	}
	return s.catalog.T(lang, "export.no")
}

// answerWord is a response in one word.
func (s *server) answerWord(lang string, p *consult.Response) string {
	switch {
	case p == nil:
		return s.catalog.T(lang, "consult.no_answer")
	case p.Interested:
		return s.catalog.T(lang, "consult.interested")
	}
	return s.catalog.T(lang, "consult.not_interested")
}

// bidWords names the ways of bidding.
func (s *server) bidWords(lang string, bids []string) string {
	out := make([]string, len(bids))
	for i, b := range bids {
		out[i] = s.catalog.T(lang, "consult.bid."+b)
	}
	return strings.Join(out, ", ")
}

// stamp is a moment as Brussels reads it: its date and time; "–" for none.
func (s *server) stamp(lang string, t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	return formatDate(lang, t.In(brussels)) + " " + t.In(brussels).Format("15:04")
}

// consultText is the information every recipient receives, in one text:
// it is frozen when the consultation is sent, mailed to every recipient
// and kept for the report. It names the buyer only when the consultation
// is not anonymous.
func (s *server) consultText(lang string, co consult.Consultation) string {
	t := func(key string, args ...any) string { return s.catalog.T(lang, key, args...) }
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n", co.Title)
	if co.Anonymous {
		fmt.Fprintf(&b, "%s\n\n", t("consult.text_anonymous"))
	} else {
		fmt.Fprintf(&b, "%s\n\n", t("consult.text_buyer", co.Buyer))
	}
	fmt.Fprintf(&b, "%s\n\n", co.Description)
	sc := co.Scope
	var tasks []string
	for _, id := range sc.Tasks {
		if tk, ok := s.Tasks.Task(id); ok {
			tasks = append(tasks, tk.Name.In(lang))
		}
	}
	if sc.CPV != "" {
		tasks = append(tasks, "CPV "+sc.CPV)
	}
	fmt.Fprintf(&b, "%s: %s\n", t("filter.task"), strings.Join(tasks, ", "))
	place := sc.Place
	if place == "" {
		place = strings.TrimSpace(t("check.at_sites") + " " + s.areaName(lang, sc.Region))
	}
	fmt.Fprintf(&b, "%s: %s\n", t("check.place"), place)
	fmt.Fprintf(&b, "%s: %s\n", t("check.volume_fte"), formatNumber(lang, sc.VolumeFTE))
	fmt.Fprintf(&b, "%s: %s\n", t("check.start"), formatDate(lang, sc.Start.Time()))
	if sc.DurationMonths > 0 {
		fmt.Fprintf(&b, "%s: %d\n", t("check.duration_months"), sc.DurationMonths)
	}
	if len(co.Lots) > 0 {
		fmt.Fprintf(&b, "%s:\n", t("check.lot_plan"))
		for i, l := range co.Lots {
			kind := t("check.lot_open")
			if l.Reserved {
				kind = t("check.lot_reserved")
			}
			fmt.Fprintf(&b, "  %s %d: %s %s, %s\n", t("check.lot"), i+1, formatNumber(lang, l.FTE), t("consult.fte"), kind)
		}
	}
	if co.ValueBand != "" {
		fmt.Fprintf(&b, "%s: %s\n", t("consult.value"), t("consult.band."+co.ValueBand))
	} else {
		fmt.Fprintf(&b, "%s: %s\n", t("consult.value"), t("consult.value_hidden"))
	}
	fmt.Fprintf(&b, "%s: %s\n", t("consult.deadline"), s.stamp(lang, co.Deadline))
	if len(co.Attachments) > 0 {
		fmt.Fprintf(&b, "\n%s\n", t("consult.attachments_sent"))
		for _, a := range co.Attachments {
			fmt.Fprintf(&b, "- %s (%s)\n", a.Name, fileSize(lang, a.Size))
		}
	}
	if len(co.Questions) > 0 {
		fmt.Fprintf(&b, "\n%s\n", t("consult.questions"))
		for i, q := range co.Questions {
			fmt.Fprintf(&b, "%d. %s\n", i+1, q)
		}
	}
	fmt.Fprintf(&b, "\n%s\n", t("consult.text_fields"))
	return b.String()
}

// consultBatchSlots bounds the batches delivering at once, so that a few
// buyers sending together do not open hundreds of connections to the mail
// server.
var consultBatchSlots = make(chan struct{}, 2)

// consultMailGap paces one batch: at most one message every 100 ms, a
// rate mail servers accept from one sender without throttling it.
const consultMailGap = 100 * time.Millisecond

// mailInvites queues one mail per invitation (or reminder) in the outbox,
// records which were queued, and with SMTP delivers them in the
// background, one after another. A mail carries its link's secret and
// expires at the deadline, so the outbox forgets its body then.
func (s *server) mailInvites(cs *consult.Store, co consult.Consultation, invites []consult.Invite, reminder bool) error {
	lang := consultLang(co)
	subjectKey := "consult.mail_subject"
	if reminder {
		subjectKey = "consult.mail_subject_reminder"
	}
	subject := s.catalog.T(lang, subjectKey, oneLine(co.Title))
	var mails []consultMail
	for _, inv := range invites {
		body := s.catalog.T(lang, "consult.mail_greeting", inv.Recipient.Name) + "\n\n"
		if reminder {
			body += s.catalog.T(lang, "consult.mail_reminder") + "\n\n"
		}
		body += co.Sent + "\n" + s.consultMailLinks(lang, co, inv)
		mails = append(mails, consultMail{supplierID: inv.Recipient.SupplierID,
			msg: directory.Mail{To: inv.Recipient.Email, Subject: subject, Body: body, LinkSecret: inv.Secret, ExpiresAt: co.Deadline, Bulk: true}})
	}
	ids := s.sendConsultMails(co, mails)
	if len(ids) > 0 {
		if err := cs.Mailed(co.ID, ids, s.Now()); err != nil {
			return err
		}
	}
	return nil
}

// mailAnswerNotices tells every recipient reached (consult.PublishAnswer)
// that a question was answered: the question and the answer, never who
// asked, and the recipient's own link; the same outbox, pacing and bulk
// mark as invitations. It returns how many were queued: a full outbox
// stops the rest. The consultation's text is not repeated, so an
// anonymous one names its buyer no more than before.
func (s *server) mailAnswerNotices(co consult.Consultation, q consult.Question, notices []consult.Invite) (mailed int) {
	lang := consultLang(co)
	subject := s.catalog.T(lang, "consult.mail_subject_answer", oneLine(co.Title))
	var mails []consultMail
	for _, inv := range notices {
		body := s.catalog.T(lang, "consult.mail_greeting", inv.Recipient.Name) + "\n\n" +
			s.catalog.T(lang, "consult.mail_answer_intro", co.Title) + "\n\n" +
			s.catalog.T(lang, "consult.mail_answer_question") + "\n" + q.Text + "\n\n" +
			s.catalog.T(lang, "consult.mail_answer_answer") + "\n" + q.Answer + "\n\n" + s.consultMailLinks(lang, co, inv)
		mails = append(mails, consultMail{supplierID: inv.Recipient.SupplierID,
			msg: directory.Mail{To: inv.Recipient.Email, Subject: subject, Body: body, LinkSecret: inv.Secret, ExpiresAt: co.Deadline, Bulk: true}})
	}
	return len(s.sendConsultMails(co, mails))
}

// consultLang is the language a consultation's mail is in: the one it
// was sent in.
func consultLang(co consult.Consultation) string {
	if co.Lang == "" {
		return "nl"
	}
	return co.Lang
}

// consultMailLinks ends a consultation's mail: the recipient's link, how
// long it works, and the link that opts out of consultations on the task.
func (s *server) consultMailLinks(lang string, co consult.Consultation, inv consult.Invite) string {
	out := s.catalog.T(lang, "consult.mail_link") + "\n" + s.link("/raadpleging/"+inv.Secret) + "\n\n" +
		s.catalog.T(lang, "consult.mail_valid", s.stamp(lang, co.Deadline)) + "\n"
	if inv.OptOut != "" && len(co.Scope.Tasks) > 0 {
		out += "\n" + s.catalog.T(lang, "consult.mail_optout", s.taskNames(lang, co.Scope.Tasks)) + "\n" + s.link("/raadpleging-afmelden/"+inv.OptOut) + "\n"
	}
	return out
}

// consultMail is one message of a consultation's batch, to one supplier.
type consultMail struct {
	supplierID string
	msg        directory.Mail
}

// sendConsultMails queues a consultation's batch in the outbox and, with
// SMTP, delivers it in the background, one message after another
// (consultMailGap, consultBatchSlots). It returns the suppliers whose mail
// was queued: when the outbox is full, the rest stay unsent.
func (s *server) sendConsultMails(co consult.Consultation, mails []consultMail) []string {
	type queued struct {
		seq uint64
		msg directory.Mail
	}
	var batch []queued
	var ids []string
	for _, m := range mails {
		seq, err := s.Store.QueueMail(m.msg)
		if err != nil {
			// The outbox is full: the rest stay unsent, and the buyer's
			// funnel shows it.
			s.Log.Error("consultation mail not queued", "consultation", co.ID, "err", err)
			break
		}
		batch = append(batch, queued{seq, m.msg})
		ids = append(ids, m.supplierID)
	}
	if s.SMTP.Host == "" || len(batch) == 0 {
		return ids
	}
	go func() {
		consultBatchSlots <- struct{}{}
		defer func() { <-consultBatchSlots }()
		for i, q := range batch {
			if i > 0 {
				time.Sleep(consultMailGap)
			}
			if err := s.mail.deliver(q.msg.To, q.msg.Subject, q.msg.Body); err != nil {
				s.Log.Error("consultation mail not sent; kept in the outbox", "to", q.msg.To, "err", err)
				continue
			}
			if err := s.Store.Delivered(q.seq); err != nil {
				s.Log.Error("mail sent, but not marked as delivered", "to", q.msg.To, "err", err)
			}
		}
	}()
	return ids
}

// oneLine keeps a text on one line, for a mail header.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// linkView is the page a supplier reaches through its link.
type linkView struct {
	C      consult.Consultation
	R      consult.Recipient
	Secret string
	// Action is where the forms post: the link's address, or the
	// signed-in supplier's in "Mijn Verken".
	Action    string
	Published []consult.Question
	// Mine are the supplier's own questions still waiting for an answer.
	Mine    []consult.Question
	Errors  map[string]string
	Error   string
	Notice  string
	Raw     url.Values
	Answers []string
	Bids    []string
	Modes   []string // the ways of bidding to choose from
	// Join: a supplier not invited answers from the public list; it asks
	// questions once it is a recipient.
	Join bool
	// Partners, for a recipient that cannot carry a lot alone: other
	// recipients whose capacity with its own covers the lot.
	Partners []consult.LotPartners
	// Capacity offers to put the answer's FTE on the profile, or says
	// why not; nil without an answer that commits capacity.
	Capacity *capacityView
	stampf   func(time.Time) string
	sizef    func(int64) string
}

// linkPage shows a consultation to a recipient, without signing in.
func (s *server) linkPage(c *fiber.Ctx) error {
	cs, err := s.consults()
	if err != nil {
		return err
	}
	co, r, err := cs.Visit(c.Params("secret"), s.Now())
	if errors.Is(err, consult.ErrLink) {
		return s.consultLinkGone(c)
	}
	if err != nil {
		return err
	}
	view, err := s.linkView(s.lang(c), cs, co, r, c.Params("secret"))
	if err != nil {
		return err
	}
	view.Notice = s.notice(c, "consult.link_notice_")
	return s.linkRender(c, fiber.StatusOK, view)
}

// linkRender shows the recipient's page; its address holds a live secret,
// so it is neither cached nor sent on as a referrer.
func (s *server) linkRender(c *fiber.Ctx, status int, view linkView) error {
	c.Set("Referrer-Policy", "no-referrer")
	return s.page(c, status, "consultlink", "consult.link_title", view)
}

// consultLinkGone says a link is unknown or its consultation closed,
// without saying which.
func (s *server) consultLinkGone(c *fiber.Ctx) error {
	return s.page(c, fiber.StatusGone, "message", "consult.link_title", formView{Error: s.catalog.T(s.lang(c), "consult.link_gone")})
}

func (s *server) linkView(lang string, cs *consult.Store, co consult.Consultation, r consult.Recipient, secret string) (linkView, error) {
	view := linkView{C: co, R: r, Secret: secret, Action: "/raadpleging/" + secret, Errors: map[string]string{}, Raw: url.Values{}, Modes: consult.BidModes,
		stampf: func(t time.Time) string { return s.stamp(lang, t) }, sizef: func(n int64) string { return fileSize(lang, n) }}
	qs, err := cs.Questions(co.ID)
	if err != nil {
		return view, err
	}
	for _, q := range qs {
		switch {
		case q.Published():
			// Who asked is never told.
			q.AskedBy = ""
			view.Published = append(view.Published, q)
		case q.AskedBy == r.SupplierID:
			view.Mine = append(view.Mine, q)
		}
	}
	if view.Partners, err = s.partnersFor(cs, co, r); err != nil {
		return view, err
	}
	view.Answers = make([]string, len(co.Questions))
	if p := r.Response; p != nil {
		copy(view.Answers, p.Answers)
		view.Bids = p.Bids
		view.Raw.Set("interested", map[bool]string{true: "yes", false: "no"}[p.Interested])
		view.Raw.Set("reason", p.Reason)
		if p.FTE > 0 {
			view.Raw.Set("fte", formatNumber("en", p.FTE))
		}
		if !p.From.IsZero() {
			view.Raw.Set("from", p.From.String())
		}
		if view.Capacity, err = s.capacityView(lang, cs, co, r); err != nil {
			return view, err
		}
	}
	return view, nil
}

// linkAnswerPost records a recipient's answer.
func (s *server) linkAnswerPost(c *fiber.Ctx) error {
	cs, err := s.consults()
	if err != nil {
		return err
	}
	lang := s.lang(c)
	secret := c.Params("secret")
	form := formValues(c)
	resp, formErr := s.answerForm(lang, form)
	if len(formErr) == 0 {
		err = cs.Answer(secret, resp, s.Now())
	}
	var ve *directory.ValidationError
	switch {
	case errors.Is(err, consult.ErrLink):
		return s.consultLinkGone(c)
	case errors.As(err, &ve):
		for _, fe := range ve.Fields {
			field, _, _ := strings.Cut(fe.Field, "[")
			formErr[field] = s.consultFieldMessage(lang, fe)
		}
	case err != nil:
		return err
	}
	if len(formErr) > 0 {
		co, rc, err := cs.Visit(secret, s.Now())
		if errors.Is(err, consult.ErrLink) {
			return s.consultLinkGone(c)
		} else if err != nil {
			return err
		}
		view, err := s.linkView(lang, cs, co, rc, secret)
		if err != nil {
			return err
		}
		view.Errors, view.Raw, view.Bids = formErr, form, form["bid"]
		view.Answers = make([]string, len(co.Questions))
		copy(view.Answers, form["answer"])
		return s.linkRender(c, fiber.StatusUnprocessableEntity, view)
	}
	return c.Redirect("/raadpleging/"+secret+"?notice=answered", fiber.StatusSeeOther)
}

// linkAskPost records a recipient's question for the buyer.
func (s *server) linkAskPost(c *fiber.Ctx) error {
	cs, err := s.consults()
	if err != nil {
		return err
	}
	lang := s.lang(c)
	secret := c.Params("secret")
	err = cs.Ask(secret, formValues(c).Get("question"), s.Now())
	var ve *directory.ValidationError
	msg := ""
	switch {
	case errors.Is(err, consult.ErrLink):
		return s.consultLinkGone(c)
	case errors.As(err, &ve):
		msg = s.consultFieldMessage(lang, ve.Fields[0])
	case errors.Is(err, consult.ErrAskLimit):
		msg = s.catalog.T(lang, "consult.err.ask_limit", consult.MaxAsked)
	case err != nil:
		return err
	}
	if msg != "" {
		co, rc, err := cs.Visit(secret, s.Now())
		if err != nil {
			return s.consultLinkGone(c)
		}
		view, err := s.linkView(lang, cs, co, rc, secret)
		if err != nil {
			return err
		}
		view.Error = msg
		return s.linkRender(c, fiber.StatusUnprocessableEntity, view)
	}
	return c.Redirect("/raadpleging/"+secret+"?notice=asked", fiber.StatusSeeOther)
}

// Stamp is a moment in the reader's language, for the templates.
func (v consultView) Stamp(t time.Time) string { return v.stampf(t) }

// Stamp is a moment in the reader's language, for the templates.
func (v linkView) Stamp(t time.Time) string { return v.stampf(t) }

// Size is a file's size in the reader's language, for the templates.
func (v consultView) Size(n int64) string { return v.sizef(n) }

// Size is a file's size in the reader's language, for the templates.
func (v linkView) Size(n int64) string { return v.sizef(n) }
