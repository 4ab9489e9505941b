package ui

import (
	"encoding/json"
	"errors"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/number"
)

// editView is a form over one supplier: the capacity form and the full
// profile form.
type editView struct {
	S      directory.Supplier
	Errors map[string]string // form field → message
	// Labels name the fields of Errors in words, for the list above the
	// form ("vrije capaciteit, schoonmaak van kantoren").
	Labels   map[string]string
	Notice   string
	Conflict *conflictView
	Admin    bool
	// DelistError and DelistReason: a delisting sent without its
	// confirmation comes back with the reason typed.
	DelistError  string
	DelistReason string
}

// Err is the message for a form field.
func (v editView) Err(field string) string { return v.Errors[field] }

// fieldMessage is a form field's path with what is wrong with it.
type fieldMessage struct{ Field, Label, Message string }

// ErrorList lists every fault above the form, in field order, so that none
// goes unseen where the form has no place beside a field for it.
func (v editView) ErrorList() []fieldMessage {
	out := make([]fieldMessage, 0, len(v.Errors))
	for f, m := range v.Errors {
		label := v.Labels[f]
		if label == "" {
			label = f
		}
		out = append(out, fieldMessage{f, label, m})
	}
	slices.SortFunc(out, func(a, b fieldMessage) int { return strings.Compare(a.Field, b.Field) })
	return out
}

// conflictView explains a refused save: someone saved the supplier since
// this form was opened.
type conflictView struct {
	Changes []historyEntry
}

// formValues parses a posted form; the values are copies.
func formValues(c *fiber.Ctx) url.Values {
	if strings.HasPrefix(string(c.Request().Header.ContentType()), fiber.MIMEApplicationForm) {
		v, _ := url.ParseQuery(string(c.Body()))
		return v
	}
	out := url.Values{}
	if mf, err := c.MultipartForm(); err == nil {
		for k, vs := range mf.Value {
			out[k] = append([]string(nil), vs...)
		}
	}
	return out
}

func (s *server) capacityPage(c *fiber.Ctx) error {
	return s.supplierForm(c, "capacity", "capacity.title")
}

func (s *server) editPage(c *fiber.Ctx) error { return s.supplierForm(c, "edit", "edit.title") }

// supplierForm shows a form over the route's supplier, with the notice of
// the save that led back to it.
func (s *server) supplierForm(c *fiber.Ctx, tmpl, title string) error {
	sup, v, err := s.requireSupplier(c)
	if err != nil {
		return err
	}
	view := editView{S: v.visible(sup), Admin: v.Admin()}
	if n := s.notice(c, "edit.notice_"); n != "" {
		view.Notice = s.catalog.T(s.lang(c), "edit.notice_"+n)
	}
	return s.page(c, fiber.StatusOK, tmpl, title, view)
}

// capacityPost saves the free capacity and the date it is free from, per
// offer: the few minutes a supplier spends to keep its profile current.
func (s *server) capacityPost(c *fiber.Ctx) error {
	sup, v, err := s.requireSupplier(c)
	if err != nil {
		return err
	}
	r := newFormReader(formValues(c))
	edited := sup
	edited.Version = uint64(r.int("version"))
	edited.Offers = append([]directory.Offer(nil), sup.Offers...)
	for i := range edited.Offers {
		p := "offers[" + strconv.Itoa(i) + "]."
		switch id := r.str(p + "id"); {
		case id == "":
			continue // a row the form does not hold stays as it is
		case id != edited.Offers[i].ID:
			// The offers changed under the form: what changed since the
			// form's version tells the person how.
			return s.conflict(c, v, &directory.StaleVersionError{ID: sup.ID, Given: edited.Version, Current: sup.Version, Supplier: sup},
				edited.Version, "capacity", "capacity.title")
		}
		edited.Offers[i].FreeFTE = r.float(p + "free_fte")
		edited.Offers[i].AvailableFrom = r.date(p + "available_from")
	}
	return s.saveSupplier(c, v, edited, r.errors, "capacity", "capacity.title", "/mijn/leveranciers/"+sup.ID+"/capaciteit")
}

// confirmPost records that the profile is still right.
func (s *server) confirmPost(c *fiber.Ctx) error {
	sup, v, err := s.requireSupplier(c)
	if err != nil {
		return err
	}
	version, _ := strconv.ParseUint(c.FormValue("version"), 10, 64)
	_, err = s.Store.Confirm(sup.ID, version, v.Account.Actor())
	var stale *directory.StaleVersionError
	if errors.As(err, &stale) {
		return s.conflict(c, v, stale, sup.Version, "capacity", "capacity.title")
	}
	if err != nil {
		return err
	}
	return c.Redirect("/mijn/leveranciers/"+sup.ID+"/capaciteit?notice=confirmed", fiber.StatusSeeOther)
}

// editPost saves every field of the profile.
func (s *server) editPost(c *fiber.Ctx) error {
	sup, v, err := s.requireSupplier(c)
	if err != nil {
		return err
	}
	form := formValues(c)
	edited, formErrors := bindSupplier(form, sup)
	// The enterprise number is the supplier's identity: an official import
	// finds the supplier by it, so whoever changes it could take over
	// another enterprise's record. Only administrators change it; a
	// supplier user's form shows it read-only, and a different value
	// posted anyway is refused rather than quietly dropped, so that a
	// script learns it was not saved.
	if !v.Admin() {
		edited.EnterpriseNumber = sup.EnterpriseNumber
		if posted, ok := form["enterprise_number"]; ok && !sameEnterprise(posted[0], sup.EnterpriseNumber) {
			formErrors["enterprise_number"] = formError{Key: "field.kbo_admin_only"}
		}
		// What an authority states, a supplier asks an administrator to
		// change; the form says why it was not saved.
		for _, fe := range directory.AuthorityEdits(&sup, &edited) {
			formErrors[fe.Field] = formError{Key: "field.authority_fact." + fe.Field, Reason: fe.Reason}
		}
	}
	// A register's recognitions are not in the form: they stay as the
	// register states them, whoever edits.
	edited.Recognitions = directory.KeepRegisterRecognitions(sup.Recognitions, edited.Recognitions)
	return s.saveSupplier(c, v, edited, formErrors, "edit", "edit.title", "/mijn/leveranciers/"+sup.ID+"/bewerken")
}

// saveSupplier stores an edited supplier, or shows the form again with
// what is wrong: unreadable fields, invalid fields (422), or a save by
// someone else since the form was opened (409).
func (s *server) saveSupplier(c *fiber.Ctx, v viewer, edited directory.Supplier, formErrors map[string]formError, tmpl, title, done string) error {
	lang := s.lang(c)
	view := editView{S: v.visible(edited), Errors: map[string]string{}, Admin: v.Admin()}
	for f, fe := range formErrors {
		view.Errors[f] = s.formMessage(lang, fe)
	}
	if len(view.Errors) > 0 {
		s.labelErrors(lang, &view, edited)
		return s.page(c, fiber.StatusUnprocessableEntity, tmpl, title, view)
	}
	base := edited.Version
	edited.ClaimIfDeclared()
	err := s.Store.Update(&edited, v.Account.Actor())
	var ve *directory.ValidationError
	var stale *directory.StaleVersionError
	switch {
	case errors.As(err, &ve):
		for _, fe := range ve.Fields {
			view.Errors[fieldOf(fe.Field)] = s.fieldMessage(lang, fe)
		}
		s.labelErrors(lang, &view, edited)
		return s.page(c, fiber.StatusUnprocessableEntity, tmpl, title, view)
	case errors.As(err, &stale):
		return s.conflict(c, v, stale, base, tmpl, title)
	case err != nil:
		return err
	}
	return c.Redirect(done+"?notice=saved", fiber.StatusSeeOther)
}

// labelErrors names the fields of the view's errors in words, as the
// history names them.
func (s *server) labelErrors(lang string, view *editView, edited directory.Supplier) {
	view.Labels = map[string]string{}
	for f := range view.Errors {
		view.Labels[f] = s.fieldLabel(lang, f, nil, nil, edited)
	}
}

// conflict shows the form with the supplier as it is now and what others
// changed since the version the refused form started from.
func (s *server) conflict(c *fiber.Ctx, v viewer, stale *directory.StaleVersionError, base uint64, tmpl, title string) error {
	changes, err := s.Store.ChangedSince(stale.ID, base)
	if err != nil {
		return err
	}
	view := editView{S: v.visible(stale.Supplier), Conflict: &conflictView{Changes: s.entryViews(s.lang(c), s.visibleHistory(v, stale.ID, changes), stale.Supplier)}, Admin: v.Admin()}
	return s.page(c, fiber.StatusConflict, tmpl, title, view)
}

// fieldMessage says what is wrong with a field in the user's language,
// with the bound or limit it broke, falling back to the store's English
// reason.
func (s *server) fieldMessage(lang string, fe directory.FieldError) string {
	switch fe.Code {
	case "range", "not_finite":
		if b, ok := number.For(fe.Field); ok && fe.Code == "range" {
			return s.formMessage(lang, formError{Key: "form.range", Bound: b})
		}
		if fe.Code == "not_finite" {
			return s.catalog.T(lang, "form.not_finite")
		}
	case "too_long", "too_many":
		return s.catalog.T(lang, "field."+fe.Code, formatNumber(lang, float64(fe.Limit)))
	}
	if key := "field." + fe.Code; s.catalog.Has(key) {
		return s.catalog.T(lang, key)
	}
	return fe.Reason
}

// formMessage says what is wrong with a form field in the user's language.
func (s *server) formMessage(lang string, fe formError) string {
	if fe.Key == "form.range" {
		return s.catalog.T(lang, fe.Key, formatNumber(lang, fe.Bound.Min), formatNumber(lang, fe.Bound.Max))
	}
	return s.catalog.T(lang, fe.Key)
}

// sameEnterprise reports whether a posted enterprise number is the stored
// one, however it is written.
func sameEnterprise(posted, stored string) bool {
	n, err := directory.NormalizeEnterpriseNumber(posted)
	return err == nil && n == stored
}

// visible is a supplier as the viewer may see it: who verified its facts,
// and their notes, only for administrators.
func (v viewer) visible(s directory.Supplier) directory.Supplier {
	if v.Admin() {
		return s
	}
	return s.Public()
}

// historyView is a supplier's history.
type historyView struct {
	S       directory.Supplier
	Entries []historyEntry
}

// historyEntry is a history entry on a page, in the reader's words: when
// (Brussels time), who (Verken says its author shows as the directory,
// the catalogue's history.verken), through which API token, and each
// field changed by its label with its values as the reader writes them.
type historyEntry struct {
	directory.HistoryEntry
	Verken bool
	When   string
	Who    string
	Token  string // the API token's name, for a change made through the API
	Fields []fieldView
}

// fieldView is a changed field: Path is the field as the store names it,
// Label what the reader calls it.
type fieldView struct {
	Path, Label, Old, New string
}

// entryViews puts history entries (oldest first) in the reader's words.
// An offer, site, recognition or reference is named as it was at the
// entry (replaying the entries before it), else as current has it.
func (s *server) entryViews(lang string, h []directory.HistoryEntry, current directory.Supplier) []historyEntry {
	out := make([]historyEntry, len(h))
	state := map[string]string{}
	for i, e := range h {
		before := maps.Clone(state)
		for _, ch := range e.Changes {
			if ch.New == "" {
				delete(state, ch.Field)
			} else {
				state[ch.Field] = ch.New
			}
		}
		v := historyEntry{HistoryEntry: e, Verken: e.Actor.AccountID == "" && e.Actor.Name == directory.PublicVerifier, When: s.stamp(lang, e.At)}
		v.Who, v.Token = e.Actor.Name, ""
		if person, token, ok := splitTokenActor(e.Actor.Name); ok {
			v.Who, v.Token = person, token
		}
		if v.Verken {
			v.Who = s.catalog.T(lang, "history.verken")
		}
		// A change put on the profile from an answer to a consultation
		// names the answer, after the person who gave it when known.
		if title := e.Actor.Consultation; title != "" {
			if v.Who == "" {
				v.Who = s.catalog.T(lang, "history.answer", title)
			} else {
				v.Who = s.catalog.T(lang, "history.answer_by", v.Who, title)
			}
		}
		for _, ch := range e.Changes {
			v.Fields = append(v.Fields, fieldView{Path: ch.Field, Label: s.fieldLabel(lang, ch.Field, state, before, current),
				Old: s.fieldValue(lang, ch.Field, ch.Old), New: s.fieldValue(lang, ch.Field, ch.New)})
		}
		out[i] = v
	}
	return out
}

// apiTokenMark is how an API token's change names the token in its
// actor: "Name <e-mail> (API token \"its name\")", the name quoted as Go
// quotes strings. The store keeps an actor's name as it is given, so the
// token travels in it without a change to the stored format.
const apiTokenMark = " (API token "

// tokenActor is the actor of a change made through an API token.
func tokenActor(a directory.Actor, token string) directory.Actor {
	a.Name += apiTokenMark + strconv.Quote(token) + ")"
	return a
}

// splitTokenActor reads an actor's name that tokenActor wrote into the
// person and the token's name.
func splitTokenActor(name string) (person, token string, ok bool) {
	if !strings.HasSuffix(name, ")") {
		return name, "", false
	}
	for i := 0; ; {
		j := strings.Index(name[i:], apiTokenMark)
		if j < 0 {
			return name, "", false
		}
		at := i + j
		if t, err := strconv.Unquote(name[at+len(apiTokenMark) : len(name)-1]); err == nil {
			return name[:at], t, true
		}
		i = at + 1
	}
}

// fieldIndex matches a path's list positions ("offers[2]"), and listItem
// those of the lists whose items have names of their own.
var (
	fieldIndex = regexp.MustCompile(`\[\d+\]`)
	listItem   = regexp.MustCompile(`(offers|sites|recognitions|references)\[(\d+)\]`)
)

// fieldLabel names a field path ("offers[0].free_fte") in words: what the
// field is ("vrije capaciteit"), then which offer, site, recognition or
// reference it belongs to ("schoonmaak van kantoren"). A path the
// catalogue does not know is named by its nearest known parent, else as
// another fact.
func (s *server) fieldLabel(lang, path string, after, before map[string]string, current directory.Supplier) string {
	generic := fieldIndex.ReplaceAllString(path, "")
	label := ""
	for key := generic; key != ""; {
		if s.catalog.Has("hfield." + key) {
			label = s.catalog.T(lang, "hfield."+key)
			break
		}
		i := strings.LastIndex(key, ".")
		if i < 0 {
			break
		}
		key = key[:i]
	}
	if label == "" {
		label = s.catalog.T(lang, "hfield.other")
	}
	// The item a list position names, as it was then.
	item := func(list string, i int, field string) string {
		k := list + "[" + strconv.Itoa(i) + "]." + field
		if v, ok := after[k]; ok {
			return v
		}
		if v, ok := before[k]; ok {
			return v
		}
		return ""
	}
	parts := []string{label}
	for _, m := range listItem.FindAllStringSubmatch(path, -1) {
		i, _ := strconv.Atoi(m[2])
		var what string
		switch m[1] {
		case "offers":
			task := item("offers", i, "task")
			if task == "" && i < len(current.Offers) {
				task = current.Offers[i].Task
			}
			if t, ok := s.Tasks.Task(task); ok {
				what = lowerFirst(t.Name.In(lang))
			}
		case "sites":
			what = item("sites", i, "name")
			if what == "" {
				what = strings.TrimSpace(item("sites", i, "street") + " " + item("sites", i, "postcode"))
			}
			if what == "" && i < len(current.Sites) {
				what = strings.TrimSpace(current.Sites[i].Name + " " + current.Sites[i].Postcode)
			}
		case "recognitions":
			what = strings.TrimSpace(item("recognitions", i, "type") + " " + item("recognitions", i, "number"))
			if what == "" && i < len(current.Recognitions) {
				what = strings.TrimSpace(current.Recognitions[i].Type + " " + current.Recognitions[i].Number)
			}
		case "references":
			what = item("references", i, "client")
			if what == "" && i < len(current.References) {
				what = current.References[i].Client
			}
		}
		if what == "" {
			what = s.catalog.T(lang, "hfield.item."+m[1], i+1)
		}
		parts = append(parts, what)
	}
	label = strings.Join(parts, ", ")
	r, size := utf8.DecodeRuneInString(label)
	return string(unicode.ToUpper(r)) + label[size:]
}

// lowerFirst writes a name inside a sentence: "Schoonmaak van kantoren"
// becomes "schoonmaak van kantoren", but "LDE-diensten" stays.
func lowerFirst(name string) string {
	r := []rune(name)
	if len(r) > 1 && unicode.IsUpper(r[0]) && unicode.IsLower(r[1]) {
		r[0] = unicode.ToLower(r[0])
	}
	return string(r)
}

// fieldValue writes a field's stored text as the reader writes it:
// numbers with the language's decimal mark, days as dd-mm-yyyy, moments
// in Brussels time, yes and no, and codes (tasks, kinds, places, target
// groups) by their names.
func (s *server) fieldValue(lang, path, value string) string {
	if value == "" {
		return "–"
	}
	generic := fieldIndex.ReplaceAllString(path, "")
	leaf := generic[strings.LastIndex(generic, ".")+1:]
	parent := ""
	if i := strings.LastIndex(generic, "."); i >= 0 {
		parent = generic[:i]
	}
	switch {
	case leaf == "at" || leaf == "created_at" || leaf == "updated_at" || leaf == "confirmed_at":
		if t, err := time.Parse(time.RFC3339Nano, value); err == nil {
			return s.stamp(lang, t)
		}
	case leaf == "available_from" || leaf == "valid_from" || leaf == "valid_to" || leaf == "register_date" || leaf == "lapsed" ||
		leaf == "start_date" || leaf == "since":
		if d, err := directory.ParseDate(value); err == nil {
			return formatDate(lang, d.Time())
		}
	case value == "true":
		return s.catalog.T(lang, "export.yes")
	case value == "false":
		return s.catalog.T(lang, "export.no")
	case leaf == "task":
		if t, ok := s.Tasks.Task(value); ok {
			return t.Name.In(lang)
		}
	case leaf == "kind" && parent == "":
		return s.catalog.T(lang, "kind."+value)
	case leaf == "target_groups" && parent == "":
		return s.catalog.T(lang, "tg."+value)
	case leaf == "cooperation" && parent == "":
		return s.catalog.T(lang, "coop."+value)
	case leaf == "provinces" || leaf == "regions":
		return s.areaName(lang, value)
	case leaf == "municipalities" || leaf == "municipality" && parent == "sites":
		if m, ok := s.Places.Municipality(value); ok {
			return m.Name.In(lang)
		}
	case leaf == "arrondissements":
		if a, ok := s.Places.Arrondissement(value); ok {
			return a.Name.In(lang)
		}
	case leaf == "enterprise_number" && parent == "":
		return directory.FormatEnterpriseNumber(value)
	case leaf == "lat" || leaf == "lon" || leaf == "id" || leaf == "site_id" || leaf == "year" || leaf == "turnover_year":
		return value
	}
	if x, err := strconv.ParseFloat(value, 64); err == nil {
		switch {
		case strings.HasSuffix(leaf, "_eur"):
			return formatEuro(lang, x)
		case strings.HasSuffix(leaf, "_fte"):
			return s.catalog.T(lang, "hfield.fte", formatNumber(lang, x))
		case leaf == "target_group_share":
			return formatNumber(lang, x) + " %"
		}
		return formatNumber(lang, x)
	}
	return value
}

// visibleHistory is a supplier's history as the viewer may see it, as
// visible shows the supplier: an administrator sees everything; anyone
// else sees by name only the supplier's own users (as they are now), and
// "Verken" and the date for what an administrator, the system or an
// account that is gone did, and for every verification and delisting,
// without the administrator's account, name, e-mail or note.
func (s *server) visibleHistory(v viewer, supplierID string, h []directory.HistoryEntry) []directory.HistoryEntry {
	if v.Admin() {
		return h
	}
	own := map[string]bool{}
	out := make([]directory.HistoryEntry, len(h))
	for i, e := range h {
		id := e.Actor.AccountID
		keep, known := own[id]
		if !known && id != "" {
			a, err := s.Store.Account(id)
			keep = err == nil && a.Role == directory.RoleSupplier && slices.Contains(a.SupplierIDs, supplierID)
			own[id] = keep
		}
		if e.Action == directory.ActionVerify || e.Action == directory.ActionDelist || e.Action == directory.ActionRelist || e.Action == directory.ActionImport {
			keep = false
		}
		out[i] = e.Public(keep)
	}
	return out
}

func (s *server) historyPage(c *fiber.Ctx) error {
	sup, v, err := s.requireSupplier(c)
	if err != nil {
		return err
	}
	h, err := s.Store.History(sup.ID)
	if err != nil {
		return err
	}
	entries := s.entryViews(s.lang(c), s.visibleHistory(v, sup.ID, h), sup)
	// Newest first, as people read a log.
	slices.Reverse(entries)
	return s.page(c, fiber.StatusOK, "history", "history.title", historyView{S: v.visible(sup), Entries: entries})
}

// tokensView lists a supplier user's API tokens.
type tokensView struct {
	Tokens    []directory.Token
	Suppliers []directory.Supplier
	NewSecret string // shown once, right after it was made
	Error     string
	Admin     bool // may make an administration token
	Buyer     bool // may make a token for its consultations
	// Example is a PATCH that works as it stands: the first supplier's
	// first offer, its current values and version; nil without a supplier.
	Example *patchExample
}

// patchExample is the token page's PATCH request, filled in.
type patchExample struct {
	SupplierID, OfferID string
	Body                string
}

// examplePatch builds a PATCH of the supplier's first offer that changes
// nothing, with the version that makes it succeed.
func examplePatch(sups []directory.Supplier) *patchExample {
	for _, sup := range sups {
		if len(sup.Offers) == 0 {
			continue
		}
		o := sup.Offers[0]
		body := `{"free_fte": ` + strconv.FormatFloat(o.FreeFTE, 'f', -1, 64)
		if !o.AvailableFrom.IsZero() {
			body += `, "available_from": "` + o.AvailableFrom.String() + `"`
		}
		body += `, "version": ` + strconv.FormatUint(sup.Version, 10) + `}`
		return &patchExample{SupplierID: sup.ID, OfferID: o.ID, Body: body}
	}
	return nil
}

func (s *server) tokensPage(c *fiber.Ctx) error {
	return s.renderTokens(c, fiber.StatusOK, "", "")
}

func (s *server) renderTokens(c *fiber.Ctx, status int, secret, message string) error {
	v := s.viewer(c)
	if !v.SignedIn() {
		return errSignIn
	}
	tokens, err := s.Store.Tokens(v.Account.ID)
	if err != nil {
		return err
	}
	sups, err := s.Store.GetMany(v.Account.SupplierIDs)
	if err != nil {
		return err
	}
	return s.page(c, status, "tokens", "tokens.title", tokensView{Tokens: tokens, Suppliers: sups, NewSecret: secret, Error: message, Admin: v.Admin(),
		Buyer: v.Account.Role == directory.RoleBuyer && v.Account.Status == directory.StatusActive, Example: examplePatch(sups)})
}

func (s *server) tokenCreatePost(c *fiber.Ctx) error {
	v := s.viewer(c)
	if !v.SignedIn() {
		return errSignIn
	}
	supplierID := c.FormValue("supplier_id")
	// A supplier user's token acts for one of its suppliers; an
	// administrator's, for the administration (backups, imports).
	// A buyer's, made for no supplier, for its consultations.
	adminToken := (v.Admin() || mayConsult(v)) && supplierID == ""
	if !adminToken && (v.Account.Role != directory.RoleSupplier || !v.MaySupply(supplierID)) {
		return errForbidden
	}
	name := strings.TrimSpace(c.FormValue("name"))
	if name == "" {
		return s.renderTokens(c, fiber.StatusUnprocessableEntity, "", s.catalog.T(s.lang(c), "tokens.name_required"))
	}
	var ve *directory.ValidationError
	if err := directory.CheckAccountText("name", directory.TokenName, name); errors.As(err, &ve) {
		return s.renderTokens(c, fiber.StatusUnprocessableEntity, "", s.fieldMessage(s.lang(c), ve.Fields[0]))
	}
	secret, _, err := s.Store.NewToken(v.Account.ID, supplierID, name)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.renderTokens(c, fiber.StatusCreated, secret, "")
}

func (s *server) tokenRevokePost(c *fiber.Ctx) error {
	v := s.viewer(c)
	if !v.SignedIn() {
		return errSignIn
	}
	if err := s.Store.RevokeToken(v.Account.ID, c.Params("tid")); err != nil {
		return fiber.ErrNotFound
	}
	return c.Redirect("/mijn/tokens", fiber.StatusSeeOther)
}

// offerPatch is the body of PATCH /api/v1/suppliers/{id}/offers/{offer_id}.
type offerPatch struct {
	FreeFTE       *float64        `json:"free_fte"`
	AvailableFrom *directory.Date `json:"available_from"`
	Version       uint64          `json:"version"`
}

// decodeOfferPatch reads a PATCH body field by field, so that a value of
// the wrong kind ("2,5" for a number) is refused naming its field and
// saying what it takes, not with the JSON decoder's words. A body that is
// not one JSON object is invalid_body (400); a field that is unknown or of
// the wrong kind is invalid_field (422).
func decodeOfferPatch(body []byte) (offerPatch, *apiError) {
	var p offerPatch
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		return p, &apiError{Error: "invalid_body", Reason: "the body must be one JSON object, such as {\"free_fte\": 2.5, \"version\": 7}"}
	}
	for _, name := range slices.Sorted(maps.Keys(fields)) {
		raw := fields[name]
		var err error
		var reason string
		switch name {
		case "free_fte":
			err = json.Unmarshal(raw, &p.FreeFTE)
			reason = "must be a number of FTE with a decimal point and without quotes, such as 2.5"
		case "available_from":
			err = json.Unmarshal(raw, &p.AvailableFrom)
			reason = "must be a date as \"YYYY-MM-DD\", such as \"2027-01-04\""
		case "version":
			err = json.Unmarshal(raw, &p.Version)
			reason = "must be a whole number: the supplier's current version"
		default:
			return p, &apiError{Error: "invalid_field", Param: name, Reason: "is not a field of an offer update: give free_fte, available_from and version"}
		}
		if err != nil {
			return p, &apiError{Error: "invalid_field", Param: name, Value: limitText(string(raw), 40), Reason: reason}
		}
	}
	return p, nil
}

// limitText shortens s to at most n runes, for echoing input in an error.
func limitText(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// apiConflict is the body of a 409: what changed since the version given.
type apiConflict struct {
	apiError
	CurrentVersion uint64                   `json:"current_version"`
	Changes        []directory.HistoryEntry `json:"changes"`
}

// apiPatchOffer lets a supplier's own systems update one offer's capacity.
func (s *server) apiPatchOffer(c *fiber.Ctx) error {
	v := s.viewer(c)
	id := c.Params("id")
	switch {
	case v.Account == nil:
		return errSignIn // the error handler adds WWW-Authenticate
	case !v.MaySupply(id):
		return c.Status(fiber.StatusForbidden).JSON(apiError{Error: "forbidden", Reason: "this token or account may not change this supplier"})
	}
	p, bad := decodeOfferPatch(c.Body())
	if bad != nil {
		status := fiber.StatusUnprocessableEntity
		if bad.Error == "invalid_body" {
			status = fiber.StatusBadRequest
		}
		return c.Status(status).JSON(bad)
	}
	if p.Version == 0 {
		return c.Status(fiber.StatusUnprocessableEntity).JSON(apiError{Error: "invalid_field", Param: "version", Reason: "is required: the version the change is based on"})
	}
	sup, err := s.Store.Get(id)
	if errors.Is(err, directory.ErrNotFound) {
		return c.Status(fiber.StatusNotFound).JSON(apiError{Error: "not_found", Param: "id", Value: id, Reason: "no supplier has this id"})
	}
	if err != nil {
		return err
	}
	i := -1
	for j, o := range sup.Offers {
		if o.ID == c.Params("offer_id") {
			i = j
		}
	}
	if i < 0 {
		return c.Status(fiber.StatusNotFound).JSON(apiError{Error: "not_found", Param: "offer_id", Value: c.Params("offer_id"), Reason: "the supplier has no offer with this id"})
	}
	sup.Version = p.Version
	if p.FreeFTE != nil {
		sup.Offers[i].FreeFTE = *p.FreeFTE
	}
	if p.AvailableFrom != nil {
		sup.Offers[i].AvailableFrom = *p.AvailableFrom
	}
	sup.ClaimIfDeclared() // as the capacity form does
	// The history names the token that made the change.
	actor := v.Account.Actor()
	if v.Token != nil {
		actor = tokenActor(actor, v.Token.Name)
	}
	err = s.Store.Update(&sup, actor)
	var ve *directory.ValidationError
	var stale *directory.StaleVersionError
	switch {
	case errors.As(err, &ve):
		fe := ve.Fields[0]
		return c.Status(fiber.StatusUnprocessableEntity).JSON(apiError{Error: "invalid_field", Param: fe.Field, Reason: fe.Reason})
	case errors.As(err, &stale):
		changes, _ := s.Store.ChangedSince(id, p.Version)
		changes = s.visibleHistory(v, id, changes)
		return c.Status(fiber.StatusConflict).JSON(apiConflict{apiError: apiError{Error: "stale_version",
			Reason: "the supplier changed since version " + strconv.FormatUint(p.Version, 10)}, CurrentVersion: stale.Current, Changes: changes})
	case err != nil:
		return err
	}
	return c.JSON(v.visible(sup))
}
