package ui

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/verken/verken/directory"
)

// Cookie names and lifetimes.
const (
	sessionCookie = "verken_session"
	csrfCookie    = "verken_csrf"
	sessionTTL    = 14 * 24 * time.Hour
)

// viewer is who makes a request: nobody, a signed-in account, or an API
// token acting for its account and one supplier.
type viewer struct {
	Account *directory.Account
	Session *directory.Session
	Token   *directory.Token
	secret  string // the session's, to sign out
}

// SignedIn reports whether a person is signed in (a token is not).
func (v viewer) SignedIn() bool { return v.Session != nil }

// Admin reports whether the viewer is an active administrator.
func (v viewer) Admin() bool {
	return v.Account != nil && v.Account.Role == directory.RoleAdmin && v.Account.Status == directory.StatusActive
}

// MaySupply reports whether the viewer may change the supplier: its own
// supplier users, administrators, and tokens made for that supplier.
func (v viewer) MaySupply(supplierID string) bool {
	if v.Account == nil || !v.Account.MaySupply(supplierID) {
		return false
	}
	// A supplier user's token acts for its one supplier; an
	// administrator's token (made for no supplier) for any.
	return v.Token == nil || v.Token.SupplierID == supplierID || v.Token.SupplierID == "" && v.Admin()
}

func (s *server) viewer(c *fiber.Ctx) viewer {
	if v, ok := c.Locals("viewer").(viewer); ok {
		return v
	}
	return viewer{}
}

// identify reads the session cookie, or on the API a bearer token, and
// remembers who is asking. A bad or expired credential makes the request
// anonymous; the handlers then refuse what needs more.
func (s *server) identify(c *fiber.Ctx) error {
	var v viewer
	if auth := c.Get(fiber.HeaderAuthorization); isAPI(c) && strings.HasPrefix(auth, "Bearer ") {
		t, a, err := s.Store.TokenBySecret(strings.TrimPrefix(auth, "Bearer "))
		if err != nil || a.Status != directory.StatusActive {
			// A credential that was sent but is wrong is a failed
			// authentication (RFC 6750 §3.1), not a missing permission.
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="verken", error="invalid_token"`)
			return c.Status(fiber.StatusUnauthorized).JSON(apiError{Error: "invalid_token", Reason: "the bearer token is unknown, revoked or its account is not active"})
		}
		v = viewer{Account: &a, Token: &t}
	} else if secret := c.Cookies(sessionCookie); secret != "" {
		if sess, a, err := s.Store.SessionBySecret(secret); err == nil {
			v = viewer{Account: &a, Session: &sess, secret: secret}
		}
	}
	c.Locals("viewer", v)
	return c.Next()
}

// csrfToken is the token the page's forms carry: the session's, or for
// visitors a random value kept in a cookie (double submit).
func (s *server) csrfToken(c *fiber.Ctx) string {
	if v := s.viewer(c); v.Session != nil {
		return v.Session.CSRF
	}
	if t, ok := c.Locals("csrf").(string); ok {
		return t
	}
	t := c.Cookies(csrfCookie)
	if len(t) < 32 {
		var b [32]byte
		_, _ = rand.Read(b[:])
		t = base64.RawURLEncoding.EncodeToString(b[:])
		s.setCookie(c, csrfCookie, t, 0)
	}
	c.Locals("csrf", t)
	return t
}

// checkCSRF refuses a form post without the page's token. API calls with a
// bearer token carry no cookies to abuse; API calls with a session cookie
// must send the token in X-CSRF-Token.
func (s *server) checkCSRF(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	v := s.viewer(c)
	if v.Token != nil || isAPI(c) && v.Session == nil {
		// Without a session cookie there is no ambient authority for a
		// forged request to borrow.
		return c.Next()
	}
	sent := c.FormValue("csrf")
	if sent == "" {
		sent = c.Get("X-CSRF-Token")
	}
	want := c.Cookies(csrfCookie)
	if v.Session != nil {
		want = v.Session.CSRF
	}
	if want == "" || subtle.ConstantTimeCompare([]byte(sent), []byte(want)) != 1 {
		return fiber.NewError(fiber.StatusForbidden, "csrf")
	}
	return c.Next()
}

// setCookie sets an HTTP-only, SameSite=Lax cookie, Secure over TLS
// (directly or behind a proxy that says so). maxAge 0 is a browser session.
func (s *server) setCookie(c *fiber.Ctx, name, value string, maxAge time.Duration) {
	c.Cookie(&fiber.Cookie{Name: name, Value: value, Path: "/", MaxAge: int(maxAge.Seconds()),
		HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode, Secure: c.Protocol() == "https"})
}

// signIn starts a new session, so that a session id from before the login
// is never the one after it.
func (s *server) signIn(c *fiber.Ctx, a directory.Account) error {
	if old := c.Cookies(sessionCookie); old != "" {
		_ = s.Store.EndSession(old)
	}
	secret, _, err := s.Store.NewSession(a.ID, sessionTTL)
	if err != nil {
		return err
	}
	s.setCookie(c, sessionCookie, secret, sessionTTL)
	return nil
}

func (s *server) signOut(c *fiber.Ctx) {
	if v := s.viewer(c); v.secret != "" {
		_ = s.Store.EndSession(v.secret)
	}
	c.Cookie(&fiber.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode})
}

// errForbidden and errSignIn end requests the viewer may not make.
var (
	errForbidden = fiber.NewError(fiber.StatusForbidden, "forbidden")
	errSignIn    = fiber.NewError(fiber.StatusUnauthorized, "sign in")
)

// requireSupplier loads the supplier of the route's :id when the viewer may
// change it.
func (s *server) requireSupplier(c *fiber.Ctx) (directory.Supplier, viewer, error) {
	v := s.viewer(c)
	if v.Account == nil {
		return directory.Supplier{}, v, errSignIn
	}
	id := c.Params("id")
	if !v.MaySupply(id) {
		return directory.Supplier{}, v, errForbidden
	}
	sup, err := s.Store.Get(id)
	if errors.Is(err, directory.ErrNotFound) {
		return sup, v, fiber.ErrNotFound
	}
	return sup, v, err
}
