package ui

import (
	"encoding/json"
	"errors"
	"mime/multipart"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/tabular"
	"github.com/verken/verken/register"
	"github.com/verken/verken/search"
)

// adminView is the administrators' page.
type adminView struct {
	Pending []pendingView
	Outbox  []outboxMail
	Notice  string
	Report  *directory.ImportReport
	Error   string
	// Recognitions is the report of a register's import, with its
	// refused rows in the reader's words.
	Recognitions *recognitionsView
	// Candidates are the suppliers an invitation's name may mean, to
	// choose from, with the address typed.
	Candidates               []search.Hit
	InviteEmail, InviteTyped string
}

// recognitionsView is what a register's import did.
type recognitionsView struct {
	register.Report
	Refused []refusedRow
}

type refusedRow struct {
	Line                 int
	Field, Value, Reason string
}

// pendingView is a self-registration with what an administrator needs to
// judge the claim: the supplier asked for, its listed contact, and the
// applicant's e-mail domain, which may or may not be the supplier's.
type pendingView struct {
	directory.Account
	Supplier *directory.Supplier // nil when no supplier has the number
	Domain   string
	// DomainMatches: the domain is that of the supplier's contact address
	// or website.
	DomainMatches bool
}

// emailDomain is the part of an address after its @, in lower case.
func emailDomain(email string) string {
	if i := strings.LastIndexByte(email, '@'); i >= 0 {
		return strings.ToLower(strings.TrimSpace(email[i+1:]))
	}
	return ""
}

// supplierDomains are the domains a supplier's contact address and website
// name, without "www.".
func supplierDomains(c directory.Contact) []string {
	var out []string
	if d := emailDomain(c.Email); d != "" {
		out = append(out, d)
	}
	if u, err := url.Parse(strings.TrimSpace(c.Website)); err == nil && u.Hostname() != "" {
		out = append(out, strings.TrimPrefix(strings.ToLower(u.Hostname()), "www."))
	}
	return out
}

// outboxMail is a mail of the outbox with its body in parts, so that the
// links to this site are links on the page.
type outboxMail struct {
	directory.Mail
	Parts []textPart
}

// textPart is a piece of text, or a link when Link is set.
type textPart struct {
	Text string
	Link bool
}

// linkParts splits text around the links it holds to this site (those a
// mail made with s.link): only they become links, not any address a
// name or a reason in the mail might hold.
func linkParts(text, site string) []textPart {
	var out []textPart
	prefix := site + "/"
	for text != "" {
		i := strings.Index(text, prefix)
		if i < 0 {
			out = append(out, textPart{Text: text})
			break
		}
		if i > 0 {
			out = append(out, textPart{Text: text[:i]})
		}
		end := i + len(prefix)
		for end < len(text) && !strings.ContainsRune(" \t\r\n\"'<>", rune(text[end])) {
			end++
		}
		link := strings.TrimRight(text[i:end], ".,;:)")
		out = append(out, textPart{Text: link, Link: true})
		text = text[i+len(link):]
	}
	return out
}

// requireAdmin ends requests of anyone but an active administrator.
func (s *server) requireAdmin(c *fiber.Ctx) (viewer, error) {
	v := s.viewer(c)
	switch {
	case !v.SignedIn():
		return v, errSignIn
	case !v.Admin():
		return v, errForbidden
	}
	return v, nil
}

func (s *server) adminPage(c *fiber.Ctx) error {
	if _, err := s.requireAdmin(c); err != nil {
		return err
	}
	return s.renderAdmin(c, fiber.StatusOK, adminView{Notice: c.Query("notice")})
}

func (s *server) renderAdmin(c *fiber.Ctx, status int, view adminView) error {
	accounts, err := s.Store.Accounts()
	if err != nil {
		return err
	}
	for _, a := range accounts {
		if a.Status != directory.StatusPending {
			continue
		}
		p := pendingView{Account: a, Domain: emailDomain(a.Email)}
		if sup, err := s.Store.GetByEnterpriseNumber(a.RequestedKBO); err == nil {
			p.Supplier = &sup
			p.DomainMatches = p.Domain != "" && slices.Contains(supplierDomains(sup.Contact), p.Domain)
		}
		view.Pending = append(view.Pending, p)
	}
	mails, err := s.Store.Outbox()
	if err != nil {
		return err
	}
	for _, m := range mails {
		view.Outbox = append(view.Outbox, outboxMail{Mail: m, Parts: linkParts(m.Body, s.PublicURL)})
	}
	if view.Notice != "" {
		view.Notice = s.catalog.T(s.lang(c), "admin.notice_"+view.Notice)
	}
	return s.page(c, status, "admin", "admin.title", view)
}

// approvePost lets a self-registered supplier user in, for the supplier
// it asked for.
func (s *server) approvePost(c *fiber.Ctx) error {
	if _, err := s.requireAdmin(c); err != nil {
		return err
	}
	a, err := s.Store.Account(c.Params("aid"))
	if err != nil {
		return fiber.ErrNotFound
	}
	sup, err := s.Store.GetByEnterpriseNumber(a.RequestedKBO)
	if err != nil {
		return fiber.ErrNotFound
	}
	a.Status, a.RequestedKBO = directory.StatusActive, ""
	if !slices.Contains(a.SupplierIDs, sup.ID) {
		a.SupplierIDs = append(a.SupplierIDs, sup.ID)
	}
	if err := s.Store.SaveAccount(a); err != nil {
		return err
	}
	lang := s.lang(c)
	notice := s.mailAfterChange(c, "approved", directory.Mail{To: a.Email, Subject: s.catalog.T(lang, "mail.approved_subject"), Body: s.catalog.T(lang, "mail.approved_body", a.Name, sup.Name, s.link("/inloggen"))})
	return c.Redirect("/beheer?notice="+notice, fiber.StatusSeeOther)
}

// refusePost refuses a self-registration: the pending account is deleted
// and the person told.
func (s *server) refusePost(c *fiber.Ctx) error {
	if _, err := s.requireAdmin(c); err != nil {
		return err
	}
	a, err := s.Store.Account(c.Params("aid"))
	if err != nil || a.Status != directory.StatusPending {
		return fiber.ErrNotFound
	}
	if err := s.Store.DeleteAccount(a.ID); err != nil {
		return err
	}
	lang := s.lang(c)
	notice := s.mailAfterChange(c, "refused", directory.Mail{To: a.Email, Subject: s.catalog.T(lang, "mail.refused_subject"), Body: s.catalog.T(lang, "mail.refused_body", a.Name)})
	return c.Redirect("/beheer?notice="+notice, fiber.StatusSeeOther)
}

// inviteCreatePost invites a person by e-mail to keep a supplier's profile.
func (s *server) inviteCreatePost(c *fiber.Ctx) error {
	v, err := s.requireAdmin(c)
	if err != nil {
		return err
	}
	lang := s.lang(c)
	email := strings.TrimSpace(c.FormValue("email"))
	typed := strings.TrimSpace(c.FormValue("kbo"))
	sup, candidates, err := s.inviteSupplier(typed)
	if id := c.FormValue("supplier_id"); id != "" { // one of the candidates, chosen
		sup, candidates, err = directory.Supplier{}, nil, nil
		if sup, err = s.Store.Get(id); err != nil {
			err = directory.ErrNotFound
		}
	}
	if len(candidates) > 0 {
		return s.renderAdmin(c, fiber.StatusUnprocessableEntity, adminView{Error: s.catalog.T(lang, "admin.invite_which"), InviteEmail: email,
			InviteTyped: typed, Candidates: candidates})
	}
	if err != nil {
		return s.renderAdmin(c, fiber.StatusUnprocessableEntity, adminView{Error: s.catalog.T(lang, "register.unknown_kbo")})
	}
	if _, err := directory.NormalEmail(email); err != nil {
		return s.renderAdmin(c, fiber.StatusUnprocessableEntity, adminView{Error: s.catalog.T(lang, "form.invalid_email")})
	}
	secret, err := s.Store.NewLink(directory.Link{Kind: directory.LinkInvite, Email: email, SupplierID: sup.ID, By: v.Account.ID}, inviteTTL)
	if err != nil {
		return err
	}
	if err := s.mail.send(directory.Mail{To: email, Subject: s.catalog.T(lang, "mail.invite_subject", sup.Name), Body: s.catalog.T(lang, "mail.invite_body", sup.Name, s.link("/uitnodiging/"+secret)),
		LinkSecret: secret, ExpiresAt: s.Now().Add(inviteTTL)}); errors.Is(err, directory.ErrOutboxFull) {
		return s.renderAdmin(c, fiber.StatusServiceUnavailable, adminView{Error: s.catalog.T(lang, "error.outbox_full")})
	} else if err != nil {
		return err
	}
	return c.Redirect("/beheer?notice=invited", fiber.StatusSeeOther)
}

// verifyPost marks a recognition or the target-group share as checked.
func (s *server) verifyPost(c *fiber.Ctx) error {
	v, err := s.requireAdmin(c)
	if err != nil {
		return err
	}
	version, _ := strconv.ParseUint(c.FormValue("version"), 10, 64)
	err = s.Store.Verify(c.Params("id"), version, c.FormValue("fact"), strings.TrimSpace(c.FormValue("note")), v.Account.Actor())
	return s.afterAdminWrite(c, err, "verified")
}

// delistPost takes a supplier out of search, once the administrator has
// ticked the confirmation; without it the page comes back with the
// reason kept and the box to tick.
func (s *server) delistPost(c *fiber.Ctx) error {
	v, err := s.requireAdmin(c)
	if err != nil {
		return err
	}
	reason := strings.TrimSpace(c.FormValue("reason"))
	if c.FormValue("confirm") == "" {
		sup, err := s.Store.Get(c.Params("id"))
		if errors.Is(err, directory.ErrNotFound) {
			return fiber.ErrNotFound
		} else if err != nil {
			return err
		}
		return s.page(c, fiber.StatusUnprocessableEntity, "edit", "edit.title", editView{S: sup, Admin: true,
			DelistError: s.catalog.T(s.lang(c), "admin.delist_unconfirmed"), DelistReason: reason})
	}
	version, _ := strconv.ParseUint(c.FormValue("version"), 10, 64)
	err = s.Store.Delist(c.Params("id"), version, reason, v.Account.Actor())
	return s.afterAdminWrite(c, err, "delisted")
}

// relistPost puts a delisted supplier back in search.
func (s *server) relistPost(c *fiber.Ctx) error {
	v, err := s.requireAdmin(c)
	if err != nil {
		return err
	}
	sup, err := s.Store.Get(c.Params("id"))
	if err == nil && sup.Delisted == nil {
		// Back in search already: someone was first.
		return c.Redirect("/mijn/leveranciers/"+sup.ID+"/bewerken?notice=stale", fiber.StatusSeeOther)
	}
	if err == nil {
		version, _ := strconv.ParseUint(c.FormValue("version"), 10, 64)
		err = s.Store.Relist(sup.ID, version, v.Account.Actor())
	}
	return s.afterAdminWrite(c, err, "relisted")
}

func (s *server) afterAdminWrite(c *fiber.Ctx, err error, notice string) error {
	var stale *directory.StaleVersionError
	switch {
	case errors.Is(err, directory.ErrNotFound):
		return fiber.ErrNotFound
	case errors.Is(err, directory.ErrUnknownFact), errors.As(err, new(*directory.ValidationError)):
		return fiber.NewError(fiber.StatusUnprocessableEntity, err.Error())
	case errors.As(err, &stale):
		return c.Redirect("/mijn/leveranciers/"+c.Params("id")+"/bewerken?notice=stale", fiber.StatusSeeOther)
	case err != nil:
		return err
	}
	return c.Redirect("/mijn/leveranciers/"+c.Params("id")+"/bewerken?notice="+notice, fiber.StatusSeeOther)
}

// maxImportBytes bounds an uploaded import file.
const maxImportBytes = 20 << 20

// adminUpload opens the file an administrator's form uploaded, once the
// viewer is known to be one. Without one, or with one too large, it
// answers with the admin page saying so, and returns a nil file with that
// answer's error.
func (s *server) adminUpload(c *fiber.Ctx) (viewer, *multipart.FileHeader, multipart.File, error) {
	v, err := s.requireAdmin(c)
	if err != nil {
		return v, nil, nil, err
	}
	lang := s.lang(c)
	fh, err := c.FormFile("file")
	if err != nil {
		return v, nil, nil, s.renderAdmin(c, fiber.StatusUnprocessableEntity, adminView{Error: s.catalog.T(lang, "import.no_file")})
	}
	if fh.Size > maxImportBytes {
		return v, nil, nil, s.renderAdmin(c, fiber.StatusRequestEntityTooLarge, adminView{Error: s.catalog.T(lang, "import.too_large")})
	}
	f, err := fh.Open()
	return v, fh, f, err
}

// importPost imports an uploaded CSV, XLSX or JSON file, or on a dry run
// says what it would do.
func (s *server) importPost(c *fiber.Ctx) error {
	v, fh, f, err := s.adminUpload(c)
	if f == nil {
		return err
	}
	lang := s.lang(c)
	defer f.Close()
	rows, err := tabular.ReadImport(fh.Filename, f)
	if err != nil {
		return s.renderAdmin(c, fiber.StatusUnprocessableEntity, adminView{Error: s.importReadError(lang, err)})
	}
	dry := c.FormValue("dry_run") != ""
	rep, err := s.Store.Import(rows, dry, directory.Actor{AccountID: v.Account.ID, Name: v.Account.Actor().Name + " (import " + filepath.Base(fh.Filename) + ")"})
	if err != nil {
		return err
	}
	s.metrics.ImportReport(rep)
	status := fiber.StatusOK
	if len(rep.Errors) > 0 {
		status = fiber.StatusUnprocessableEntity
	}
	return s.renderAdmin(c, status, adminView{Report: rep})
}

// recognitionsPost imports an authority's register of recognitions.
func (s *server) recognitionsPost(c *fiber.Ctx) error {
	v, fh, f, err := s.adminUpload(c)
	if f == nil {
		return err
	}
	lang := s.lang(c)
	defer f.Close()
	table, err := tabular.ReadLimited(fh.Filename, f, tabular.FileLimits)
	if err != nil {
		return s.renderAdmin(c, fiber.StatusUnprocessableEntity, adminView{Error: s.importReadError(lang, err)})
	}
	rows, refused, err := register.Parse(table)
	if err != nil {
		return s.renderAdmin(c, fiber.StatusUnprocessableEntity, adminView{Error: s.catalog.T(lang, "recognitions.columns")})
	}
	rep, err := register.Apply(s.Store, rows, directory.Actor{AccountID: v.Account.ID, Name: v.Account.Actor().Name + " (register " + filepath.Base(fh.Filename) + ")"})
	if err != nil {
		return err
	}
	view := &recognitionsView{Report: rep}
	for _, e := range append(refused, rep.Refused...) {
		view.Refused = append(view.Refused, refusedRow{Line: e.Line, Field: s.catalog.T(lang, "recognitions.col."+e.Field), Value: e.Value,
			Reason: s.catalog.T(lang, "recognitions.err."+e.Code)})
	}
	status := fiber.StatusOK
	if len(view.Refused) > 0 {
		status = fiber.StatusUnprocessableEntity
	}
	return s.renderAdmin(c, status, adminView{Recognitions: view})
}

// importTemplate serves an empty import file with one example row.
func (s *server) importTemplate(c *fiber.Ctx) error {
	if _, err := s.requireAdmin(c); err != nil {
		return err
	}
	example := directory.Supplier{EnterpriseNumber: "0123456749", Name: "Voorbeeld maatwerkbedrijf", Kind: directory.KindMaatwerkbedrijf,
		TargetGroupShare: 70, TotalFTE: 80, TargetGroupFTE: 56, TargetGroups: []string{"arbeidshandicap"},
		Contact:      directory.Contact{Email: "info@voorbeeld.example"},
		Recognitions: []directory.Recognition{{Type: "maatwerkbedrijf", Number: "MWB-0001", ValidFrom: directory.NewDate(2024, 1, 1)}},
		Sites:        []directory.Site{{Street: "Industrieweg 1", Postcode: "9000"}},
		Offers: []directory.Offer{{Task: "office-cleaning", FreeFTE: 3.5, LeadTimeWeeks: 2, AtClientSite: true,
			ServiceArea: directory.ServiceArea{Provinces: []string{"OVL"}}}}}
	switch format := c.Params("format"); format {
	case "csv":
		return sendCSV(c, "verken-import-sjabloon.csv", [][]string{directory.TableColumns(), directory.TableRow(example)})
	case "xlsx":
		return sendXLSX(c, "verken-import-sjabloon.xlsx", "import", [][]any{toAny(directory.TableColumns()), toAny(directory.TableRow(example))})
	case "json":
		body, err := json.Marshal([]directory.Supplier{example})
		if err != nil {
			return err
		}
		return sendAttachment(c, fiber.MIMEApplicationJSONCharsetUTF8, "verken-import-sjabloon.json", body)
	default:
		return fiber.ErrNotFound
	}
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// mailAfterChange mails about a change already made; a mail that cannot
// even be queued (the outbox is full) does not undo it, and the notice
// says so.
func (s *server) mailAfterChange(c *fiber.Ctx, notice string, m directory.Mail) string {
	if err := s.mail.send(m); err != nil {
		s.logger(c).Error("mail about a change not queued", "to", m.To, "subject", m.Subject, "err", err)
		return notice + "_unmailed"
	}
	return notice
}
