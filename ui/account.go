package ui

import (
	"errors"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/gofiber/fiber/v2"

	"github.com/verken/verken/directory"
)

// maxPendingAccounts bounds the registrations that wait for approval.
const maxPendingAccounts = 500

// Lifetimes of one-time links.
const (
	inviteTTL = 14 * 24 * time.Hour
	resetTTL  = time.Hour
)

// formView is a form page: what was typed, and what is wrong with it.
type formView struct {
	Values map[string]string
	Error  string            // about the whole form
	Errors map[string]string // per field
	Notice string
	Next   string
	Token  string // of a one-time link
	Email  string
	// Supplier is the supplier an invitation is for, by name.
	Supplier string
	Account  *directory.Account
}

func (f formView) Has(field string) bool { return f.Errors[field] != "" }

func newForm(c *fiber.Ctx, fields ...string) formView {
	f := formView{Values: map[string]string{}, Errors: map[string]string{}}
	for _, name := range fields {
		f.Values[name] = strings.TrimSpace(c.FormValue(name))
	}
	return f
}

// safeNext keeps a redirect on this site: a path that starts with one
// slash and holds no control character, space or backslash, which browsers
// strip or read as a slash ("/\t/evil.example" becomes "//evil.example").
func safeNext(next string) string {
	const home = "/mijn"
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		return home
	}
	for _, r := range next {
		if r <= ' ' || r == 0x7f || r == '\\' || unicode.IsSpace(r) || unicode.IsControl(r) {
			return home
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return home
	}
	return next
}

func (s *server) loginPage(c *fiber.Ctx) error {
	return s.page(c, fiber.StatusOK, "login", "login.title", formView{Next: c.Query("next")})
}

func (s *server) loginPost(c *fiber.Ctx) error {
	lang := s.lang(c)
	f := newForm(c, "email", "password", "next")
	f.Next = f.Values["next"]
	f.Values["password"] = ""
	email := strings.ToLower(f.Values["email"])
	client := s.clientKey(c)
	// Attempts are counted before the password is checked, so attempts
	// sent in parallel cannot all slip under the limits; a right password
	// gives its attempts back. An account is locked per address that
	// guesses (so that a stranger cannot lock its owner out) and, far
	// higher, in all (so that many addresses cannot guess at leisure).
	taken, ok := s.signInLimits.take(email, client)
	if !ok {
		f.Error = s.catalog.T(lang, "login.too_many")
		return s.page(c, fiber.StatusTooManyRequests, "login", "login.title", f)
	}
	a, err := s.Store.Authenticate(email, c.FormValue("password"))
	if err != nil {
		f.Error = s.catalog.T(lang, "login.failed")
		return s.page(c, fiber.StatusUnauthorized, "login", "login.title", f)
	}
	taken.giveBack()
	if a.Status != directory.StatusActive {
		f.Error = s.catalog.T(lang, "login.pending")
		return s.page(c, fiber.StatusForbidden, "login", "login.title", f)
	}
	if err := s.signIn(c, a); err != nil {
		return err
	}
	return c.Redirect(safeNext(f.Next), fiber.StatusSeeOther)
}

func (s *server) logoutPost(c *fiber.Ctx) error {
	s.signOut(c)
	return c.Redirect("/", fiber.StatusSeeOther)
}

func (s *server) registerPage(c *fiber.Ctx) error {
	return s.page(c, fiber.StatusOK, "register", "register.title", formView{Values: map[string]string{"role": "buyer"}})
}

// registerPost creates a buyer, who may start at once, or a supplier user,
// who waits until an administrator approves the supplier it asks for.
func (s *server) registerPost(c *fiber.Ctx) error {
	lang := s.lang(c)
	f := newForm(c, "name", "email", "role", "kbo")
	if !s.registrations.take(s.clientKey(c)) {
		f.Error = s.catalog.T(lang, "register.too_many")
		return s.page(c, fiber.StatusTooManyRequests, "register", "register.title", f)
	}
	a := directory.Account{Name: f.Values["name"], Email: f.Values["email"], Role: directory.RoleBuyer}
	if f.Values["name"] == "" {
		f.Errors["name"] = s.catalog.T(lang, "form.required")
	}
	if f.Values["role"] == "supplier" {
		// Each pending registration waits for an administrator: a flood
		// of them must not bury the real ones.
		if n, err := s.Store.PendingAccounts(); err != nil {
			return err
		} else if n >= maxPendingAccounts {
			f.Error = s.catalog.T(lang, "register.too_many_pending")
			return s.page(c, fiber.StatusServiceUnavailable, "register", "register.title", f)
		}
		a.Role, a.Status = directory.RoleSupplier, directory.StatusPending
		sup, err := s.Store.GetByEnterpriseNumber(f.Values["kbo"])
		if err != nil {
			f.Errors["kbo"] = s.catalog.T(lang, "register.unknown_kbo")
		}
		a.RequestedKBO = sup.EnterpriseNumber
	}
	if len(f.Errors) == 0 {
		err := s.Store.CreateAccount(&a, c.FormValue("password"))
		switch {
		case errors.Is(err, directory.ErrEmailTaken):
			f.Errors["email"] = s.catalog.T(lang, "register.email_taken")
		case errors.Is(err, directory.ErrInvalidEmail):
			f.Errors["email"] = s.catalog.T(lang, "form.invalid_email")
		case errors.Is(err, directory.ErrPasswordTooShort), errors.Is(err, directory.ErrPasswordTooLong):
			f.Errors["password"] = s.passwordMessage(lang, err)
		case err != nil:
			var ve *directory.ValidationError
			if !errors.As(err, &ve) {
				return err
			}
			for _, fe := range ve.Fields {
				f.Errors[fe.Field] = s.fieldMessage(lang, fe)
			}
		}
	}
	if len(f.Errors) > 0 {
		return s.page(c, fiber.StatusUnprocessableEntity, "register", "register.title", f)
	}
	if a.Status == directory.StatusPending {
		s.tellAdmins(c, "mail.approval_subject", "mail.approval_body", a.Name, a.Email, directory.FormatEnterpriseNumber(a.RequestedKBO), s.link("/beheer"))
		return s.page(c, fiber.StatusOK, "message", "register.title", formView{Notice: s.catalog.T(lang, "register.pending")})
	}
	if err := s.signIn(c, a); err != nil {
		return err
	}
	return c.Redirect("/mijn", fiber.StatusSeeOther)
}

// tellAdmins mails every administrator, in Dutch: the working language of
// the people who run it.
func (s *server) tellAdmins(c *fiber.Ctx, subjectKey, bodyKey string, args ...any) {
	accounts, err := s.Store.Accounts()
	if err != nil {
		s.Log.Error("list administrators", "err", err)
		return
	}
	for _, a := range accounts {
		if a.Role == directory.RoleAdmin && a.Status == directory.StatusActive {
			// One notice waiting is enough: the administrators' page
			// lists everything that waits for them.
			if waiting, err := s.Store.Waiting(a.Email, s.catalog.T("nl", subjectKey)); err != nil || waiting {
				continue
			}
			if err := s.mail.send(directory.Mail{To: a.Email, Subject: s.catalog.T("nl", subjectKey), Body: s.catalog.T("nl", bodyKey, args...)}); err != nil {
				s.Log.Error("mail to administrator", "err", err)
			}
		}
	}
}

func (s *server) forgotPage(c *fiber.Ctx) error {
	return s.page(c, fiber.StatusOK, "forgot", "forgot.title", formView{})
}

// forgotPost mails a reset link when the address has an account, and says
// the same either way, so the form does not tell who has one.
func (s *server) forgotPost(c *fiber.Ctx) error {
	lang := s.lang(c)
	email := strings.TrimSpace(c.FormValue("email"))
	// Reset requests have a limit of their own: each mails someone, but
	// they must not use up the sign-in attempts of everyone at an address.
	if !s.resetRequests.take(s.clientKey(c)) {
		return s.page(c, fiber.StatusTooManyRequests, "forgot", "forgot.title", formView{Error: s.catalog.T(lang, "login.too_many")})
	}
	if a, err := s.Store.AccountByEmail(email); err == nil {
		secret, err := s.Store.NewLink(directory.Link{Kind: directory.LinkReset, AccountID: a.ID}, resetTTL)
		if err != nil {
			return err
		}
		if err := s.mail.send(directory.Mail{To: a.Email, Subject: s.catalog.T(lang, "mail.reset_subject"), Body: s.catalog.T(lang, "mail.reset_body", a.Name, s.link("/wachtwoord-herstellen/"+secret)),
			LinkSecret: secret, ExpiresAt: s.Now().Add(resetTTL)}); errors.Is(err, directory.ErrOutboxFull) {
			return s.page(c, fiber.StatusServiceUnavailable, "forgot", "forgot.title", formView{Error: s.catalog.T(lang, "error.outbox_full")})
		} else if err != nil {
			return err
		}
	}
	return s.page(c, fiber.StatusOK, "message", "forgot.title", formView{Notice: s.catalog.T(lang, "forgot.sent")})
}

func (s *server) resetPage(c *fiber.Ctx) error {
	if _, err := s.Store.PeekLink(directory.LinkReset, c.Params("token")); err != nil {
		return s.linkGone(c)
	}
	return s.page(c, fiber.StatusOK, "reset", "reset.title", formView{Token: c.Params("token")})
}

func (s *server) resetPost(c *fiber.Ctx) error {
	lang := s.lang(c)
	password := c.FormValue("password")
	if err := directory.CheckPassword(password); err != nil {
		f := formView{Token: c.Params("token"), Errors: map[string]string{"password": s.passwordMessage(lang, err)}}
		return s.page(c, fiber.StatusUnprocessableEntity, "reset", "reset.title", f)
	}
	l, err := s.Store.PeekLink(directory.LinkReset, c.Params("token"))
	if err != nil {
		return s.linkGone(c)
	}
	a, err := s.Store.Account(l.AccountID)
	if err != nil {
		return s.linkGone(c)
	}
	// A reset proves the mailbox, not an administrator's approval.
	if a.Status != directory.StatusActive {
		return s.pendingRefused(c)
	}
	if _, err := s.Store.UseLink(directory.LinkReset, c.Params("token")); err != nil {
		return s.linkGone(c)
	}
	if err := s.Store.SetPassword(l.AccountID, password); err != nil {
		return err
	}
	if err := s.signIn(c, a); err != nil {
		return err
	}
	return c.Redirect("/mijn", fiber.StatusSeeOther)
}

// supplierName names a supplier by id; "" when it is gone.
func (s *server) supplierName(id string) string {
	if sup, err := s.Store.Get(id); err == nil {
		return sup.Name
	}
	return ""
}

func (s *server) invitePage(c *fiber.Ctx) error {
	l, err := s.Store.PeekLink(directory.LinkInvite, c.Params("token"))
	if err != nil {
		return s.linkGone(c)
	}
	f := formView{Token: c.Params("token"), Email: l.Email, Supplier: s.supplierName(l.SupplierID)}
	if _, err := s.Store.AccountByEmail(l.Email); err == nil {
		f.Notice = s.catalog.T(s.lang(c), "invite.existing")
	}
	return s.page(c, fiber.StatusOK, "invite", "invite.title", f)
}

// invitePost accepts an invitation: a new supplier user, or an existing
// account that now also belongs to the supplier.
func (s *server) invitePost(c *fiber.Ctx) error {
	lang := s.lang(c)
	token := c.Params("token")
	l, err := s.Store.PeekLink(directory.LinkInvite, token)
	if err != nil {
		return s.linkGone(c)
	}
	f := newForm(c, "name")
	f.Token, f.Email, f.Supplier = token, l.Email, s.supplierName(l.SupplierID)
	a, lookup := s.Store.AccountByEmail(l.Email)
	if lookup == nil && a.Status != directory.StatusActive {
		// The invitation gives a supplier, not the approval the
		// account still waits for.
		return s.pendingRefused(c)
	}
	if lookup == nil {
		if _, err := s.Store.Authenticate(l.Email, c.FormValue("password")); err != nil {
			f.Errors["password"] = s.catalog.T(lang, "login.failed")
		}
	} else if err := directory.CheckPassword(c.FormValue("password")); err != nil {
		f.Errors["password"] = s.passwordMessage(lang, err)
	} else if f.Values["name"] == "" {
		f.Errors["name"] = s.catalog.T(lang, "form.required")
	} else if err := directory.CheckAccountText("name", directory.AccountName, f.Values["name"]); err != nil {
		var ve *directory.ValidationError
		if errors.As(err, &ve) {
			f.Errors["name"] = s.fieldMessage(lang, ve.Fields[0])
		}
	}
	if _, err := directory.NormalEmail(l.Email); lookup != nil && err != nil {
		// An invitation made before addresses were checked: refuse it
		// before it is used up.
		f.Error = s.catalog.T(lang, "form.invalid_email")
	}
	if len(f.Errors) > 0 || f.Error != "" {
		return s.page(c, fiber.StatusUnprocessableEntity, "invite", "invite.title", f)
	}
	if _, err := s.Store.UseLink(directory.LinkInvite, token); err != nil {
		return s.linkGone(c)
	}
	if lookup == nil {
		if a.Role == directory.RoleBuyer {
			a.Role = directory.RoleSupplier
		}
		if !slices.Contains(a.SupplierIDs, l.SupplierID) {
			a.SupplierIDs = append(a.SupplierIDs, l.SupplierID)
		}
		if err := s.Store.SaveAccount(a); err != nil {
			return err
		}
	} else {
		a = directory.Account{Email: l.Email, Name: f.Values["name"], Role: directory.RoleSupplier, SupplierIDs: []string{l.SupplierID}}
		if err := s.Store.CreateAccount(&a, c.FormValue("password")); err != nil {
			return err
		}
	}
	if err := s.signIn(c, a); err != nil {
		return err
	}
	return c.Redirect("/mijn", fiber.StatusSeeOther)
}

// pendingRefused tells a person whose account waits for approval that it
// cannot be used yet.
func (s *server) pendingRefused(c *fiber.Ctx) error {
	return s.page(c, fiber.StatusForbidden, "message", "error.title", formView{Error: s.catalog.T(s.lang(c), "login.pending")})
}

func (s *server) linkGone(c *fiber.Ctx) error {
	return s.page(c, fiber.StatusNotFound, "message", "error.title", formView{Error: s.catalog.T(s.lang(c), "link.gone")})
}

// dashboardView is the signed-in home: the account and its suppliers.
type dashboardView struct {
	Account   directory.Account
	Suppliers []directory.Supplier
	Saved     []directory.SavedSearch
	Checks    []directory.SavedCheck
	Notice    string
}

func (s *server) dashboard(c *fiber.Ctx) error {
	v := s.viewer(c)
	if !v.SignedIn() {
		return errSignIn
	}
	sups, err := s.Store.GetMany(v.Account.SupplierIDs)
	if err != nil {
		return err
	}
	saved, err := s.Store.SavedSearches(v.Account.ID)
	if err != nil {
		return err
	}
	checks, err := s.Store.Checks(v.Account.ID)
	if err != nil {
		return err
	}
	return s.page(c, fiber.StatusOK, "dashboard", "dashboard.title", dashboardView{Account: *v.Account, Suppliers: sups, Saved: saved, Checks: checks, Notice: s.notice(c, "dashboard.notice_")})
}

// deleteAccountPost removes the viewer's own account after its password.
func (s *server) deleteAccountPost(c *fiber.Ctx) error {
	v := s.viewer(c)
	if !v.SignedIn() {
		return errSignIn
	}
	if _, err := s.Store.Authenticate(v.Account.Email, c.FormValue("password")); err != nil {
		return c.Redirect("/mijn?notice=delete_failed", fiber.StatusSeeOther)
	}
	if err := s.Store.DeleteAccount(v.Account.ID); err != nil {
		return err
	}
	s.signOut(c)
	return s.page(c, fiber.StatusOK, "message", "dashboard.title", formView{Notice: s.catalog.T(s.lang(c), "dashboard.deleted")})
}

// saveSearchPost keeps the search in the query string under a name.
func (s *server) saveSearchPost(c *fiber.Ctx) error {
	v := s.viewer(c)
	if !v.SignedIn() {
		return errSignIn
	}
	name := strings.TrimSpace(c.FormValue("name"))
	query := strings.TrimPrefix(c.FormValue("query"), "?")
	if name == "" {
		name = query
	}
	var ve *directory.ValidationError
	switch err := s.Store.SaveSearch(v.Account.ID, name, query); {
	case errors.Is(err, directory.ErrTooManySaved):
		return s.tooManySaved(c, "saved.too_many_searches", directory.MaxSavedSearches)
	case errors.As(err, &ve):
		lang := s.lang(c)
		return s.page(c, fiber.StatusUnprocessableEntity, "message", "dashboard.title", formView{Error: s.catalog.T(lang, "saved.field_"+ve.Fields[0].Field) + " " + s.fieldMessage(lang, ve.Fields[0])})
	case err != nil:
		return err
	}
	return c.Redirect("/mijn?notice=saved", fiber.StatusSeeOther)
}

// tooManySaved says that the account keeps as many as it may.
func (s *server) tooManySaved(c *fiber.Ctx, key string, max int) error {
	return s.page(c, fiber.StatusUnprocessableEntity, "message", "dashboard.title", formView{Error: s.catalog.T(s.lang(c), key, max)})
}

// passwordMessage says why a password is refused.
func (s *server) passwordMessage(lang string, err error) string {
	if errors.Is(err, directory.ErrPasswordTooLong) {
		return s.catalog.T(lang, "form.password_long", directory.MaxPasswordLength)
	}
	return s.catalog.T(lang, "form.password_short", directory.MinPasswordLength)
}
