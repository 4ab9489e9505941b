// Package ui is Verken's web front: server-rendered pages, the JSON API, and
// their middleware, on Fiber. Handlers bind and check input, call the
// directory, the search engine (through the search.Engine seam only) or the
// market check, and render; they hold no domain rules.
package ui

import (
	"bytes"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"
	fiberlimiter "github.com/gofiber/fiber/v2/middleware/limiter"
	fiberrecover "github.com/gofiber/fiber/v2/middleware/recover"

	"github.com/verken/verken/data"
	"github.com/verken/verken/directory"
	"github.com/verken/verken/market"
	"github.com/verken/verken/search"
	"github.com/verken/verken/transit"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Deps are what the web front works with.
type Deps struct {
	Store *directory.Store
	// Index is the search engine, seen only through its seam.
	Index  search.Engine
	Places *data.Gazetteer
	Tasks  *data.Taxonomy
	// Rules are the legal facts of the market check; New loads the
	// embedded ones when nil.
	Rules *data.Rules
	Log   *slog.Logger
	// Now is the clock; the reference date of searches is its day.
	Now func() time.Time
	// TileURL is the map tile template ({z}/{x}/{y}); TileAttribution is
	// the credit the tile provider asks for.
	TileURL         string
	TileAttribution string
	// SMTP sends mail; without a host, mail waits in the administrators'
	// outbox.
	SMTP SMTP
	// Transit holds the public-transport network; its network is nil
	// until one is imported.
	Transit *transit.Holder
	// Metrics collects what /metrics reports; New makes one when nil.
	Metrics *Metrics
	// DataDir is where the store and the transit network live, for backups.
	DataDir string
	// APIRatePerMinute bounds API requests per client address; 0 turns
	// the limit off (for load tests on loopback).
	APIRatePerMinute int
	// PublicURL is where people reach Verken (scheme, host, optional
	// path prefix). Every link in mail is built from it, never from the
	// request's Host or X-Forwarded-Host, which anyone can forge.
	PublicURL string
	// TrustedProxies are the reverse proxies whose X-Forwarded-For and
	// X-Forwarded-Proto are believed; from any other peer they are
	// ignored.
	TrustedProxies []netip.Prefix
	// WriteTimeout bounds writing one answer (0: 30 s). A backup resets
	// it at every chunk, so a slow client gets the whole archive.
	WriteTimeout time.Duration
}

// DefaultPublicURL is the public URL for local use.
const DefaultPublicURL = "http://localhost:8080"

// Default map tiles: the OpenStreetMap tile server.
const (
	DefaultTileURL         = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
	DefaultTileAttribution = "© OpenStreetMap contributors"
)

// server holds the dependencies the handlers share.
type server struct {
	Deps
	catalog   *Catalog
	templates map[string]*template.Template
	// Failed sign-ins: past a limit within the window, attempts wait
	// until the oldest falls out.
	signInLimits signInLimits
	// Registrations and password-reset requests per address: each one
	// mails someone.
	registrations *limiter
	resetRequests *limiter
	mail          mailer
	// planChecks lets one purchasing plan be checked at a time.
	planChecks chan struct{}
	// segments keeps the segments overview until the engine changes.
	segments *market.SegmentCache
	metrics  *Metrics
	csp      string
	// routeHeads are the first path segments the routes start with: what
	// a request no route matched may be logged by.
	routeHeads map[string]bool
}

// Sign-in limits. An address may hold several people (an office behind
// one router), so it gets more attempts than one account.
const (
	accountFailureLimit      = 5   // per account and address
	accountTotalFailureLimit = 100 // per account, from all addresses
	addressFailureLimit      = 30
	failureWindow            = 15 * time.Minute
	registrationLimit        = 10
	registrationWindow       = time.Hour
	resetRequestLimit        = 10
)

// New builds the Fiber app with every route.
func New(d Deps) (*fiber.App, error) {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Transit == nil {
		d.Transit = &transit.Holder{}
	}
	if d.Metrics == nil {
		d.Metrics = NewMetrics()
	}
	if d.Rules == nil {
		rules, err := data.LoadRules()
		if err != nil {
			return nil, err
		}
		d.Rules = rules
	}
	if d.PublicURL == "" {
		d.PublicURL = DefaultPublicURL
	}
	d.PublicURL = strings.TrimRight(d.PublicURL, "/")
	if d.WriteTimeout == 0 {
		d.WriteTimeout = 30 * time.Second
	}
	if d.TileURL == "" {
		d.TileURL, d.TileAttribution = DefaultTileURL, DefaultTileAttribution
	}
	cat, err := LoadCatalog()
	if err != nil {
		return nil, err
	}
	s := &server{Deps: d, catalog: cat, metrics: d.Metrics, csp: contentSecurityPolicy(d.TileURL),
		signInLimits:  newSignInLimits(d.Now),
		registrations: newLimiter(registrationLimit, registrationWindow, d.Now),
		resetRequests: newLimiter(resetRequestLimit, failureWindow, d.Now),
		mail:          mailer{smtp: d.SMTP, store: d.Store, log: d.Log},
		segments:      &market.SegmentCache{},
		planChecks:    make(chan struct{}, 1)}
	if s.templates, err = parseTemplates(s.planFuncs(s.funcs())); err != nil {
		return nil, err
	}
	app := fiber.New(fiber.Config{
		// Strings from the request outlive some handlers (logs, errors):
		// let Fiber copy them rather than reuse its buffers under us.
		Immutable:             true,
		DisableStartupMessage: true,
		ReadTimeout:           10 * time.Second,
		// Imports upload files up to maxImportBytes; every other route
		// takes far less (limitBodies).
		BodyLimit:    maxImportBytes + 1<<20,
		WriteTimeout: d.WriteTimeout,
		// Only the configured proxies' X-Forwarded-Proto and
		// X-Forwarded-Host count (c.Protocol, c.Hostname); client
		// addresses come from clientAddress.
		EnableTrustedProxyCheck: true,
		TrustedProxies:          proxyStrings(d.TrustedProxies),
		IdleTimeout:             60 * time.Second,
		ErrorHandler:            s.handleError,
	})
	limitBodiesEarly(app.Server())
	static, err := fs.Sub(staticFiles, "static")
	if err != nil {
		return nil, err
	}
	s.metrics.watchIndex(d.Store, d.Index)
	// A panic (a damaged store page makes bbolt panic) costs its request,
	// not the process.
	app.Use(s.observe, fiberrecover.New(), s.securityHeaders, s.limitBodies)
	app.Use(refuseAmbiguousFraming)
	app.Use("/static", filesystem.New(filesystem.Config{Root: http.FS(static), MaxAge: 3600}))
	// Browsers that do not read the page's icon link ask for this one.
	app.Get("/favicon.ico", func(c *fiber.Ctx) error { return c.Redirect("/static/favicon.svg", fiber.StatusMovedPermanently) })
	app.Get("/kaart/gemeenten.json", s.mapPlaces)
	app.Get("/healthz", s.healthz)
	app.Get("/readyz", s.readyz)
	app.Get("/metrics", s.metricsHandler())
	if d.APIRatePerMinute > 0 {
		app.Use("/api", fiberlimiter.New(fiberlimiter.Config{Max: d.APIRatePerMinute, Expiration: time.Minute, KeyGenerator: s.clientKey,
			LimitReached: func(c *fiber.Ctx) error {
				return c.Status(fiber.StatusTooManyRequests).JSON(apiError{Error: "rate_limited", Reason: "too many requests from this address; wait a minute"})
			}}))
	}
	app.Use(s.identify, s.checkCSRF)
	app.Get("/api/openapi.json", s.openAPI)
	for _, r := range s.apiRoutes() {
		app.Add(r.Method, r.Path, r.handler)
	}
	app.Get("/", s.searchPage)
	app.Get("/leveranciers/:id", s.supplierPage)

	app.Get("/inloggen", s.loginPage)
	app.Post("/inloggen", s.loginPost)
	app.Post("/uitloggen", s.logoutPost)
	app.Get("/registreren", s.registerPage)
	app.Post("/registreren", s.registerPost)
	app.Get("/wachtwoord-vergeten", s.forgotPage)
	app.Post("/wachtwoord-vergeten", s.forgotPost)
	app.Get("/wachtwoord-herstellen/:token", s.resetPage)
	app.Post("/wachtwoord-herstellen/:token", s.resetPost)
	app.Get("/uitnodiging/:token", s.invitePage)
	app.Post("/uitnodiging/:token", s.invitePost)

	app.Get("/mijn", s.dashboard)
	app.Post("/mijn/verwijderen", s.deleteAccountPost)
	app.Post("/mijn/zoekopdrachten", s.saveSearchPost)
	app.Get("/mijn/meldingen", s.alertsPage)
	app.Post("/mijn/meldingen", s.alertsPost)
	app.Get("/zoekmelding-uit/:secret", s.alertOffPage)
	app.Post("/zoekmelding-uit/:secret", s.alertOffPost)
	app.Get("/mijn/tokens", s.tokensPage)
	app.Post("/mijn/tokens", s.tokenCreatePost)
	app.Post("/mijn/tokens/:tid/intrekken", s.tokenRevokePost)
	app.Get("/mijn/leveranciers/:id/capaciteit", s.capacityPage)
	app.Post("/mijn/leveranciers/:id/capaciteit", s.capacityPost)
	app.Post("/mijn/leveranciers/:id/bevestigen", s.confirmPost)
	app.Get("/mijn/leveranciers/:id/bewerken", s.editPage)
	app.Post("/mijn/leveranciers/:id/bewerken", s.editPost)
	app.Get("/mijn/leveranciers/:id/geschiedenis", s.historyPage)

	app.Get("/marktverkenning", s.marketCheckPage)
	app.Post("/marktverkenning/bewaren", s.saveCheckPost)
	app.Get("/marktverkenning/leveranciers.csv", s.checkCSV)
	app.Get("/marktverkenning/:id", s.savedCheckPage)
	app.Get("/marktverkenning/:id/leveranciers.csv", s.checkCSV)
	app.Get("/segmenten", s.segmentsPage)
	app.Get("/segmenten.csv", s.segmentsCSV)
	app.Get("/bereikbaarheid", s.reachabilityPage)
	app.Get("/aankoopplan", s.plansPage)
	app.Post("/aankoopplan/upload", s.planUploadPost)
	app.Get("/aankoopplan/sjabloon.:format", s.planTemplate)
	app.Get("/aankoopplan/:id", s.planPage)
	app.Post("/aankoopplan/:id/controleren", s.planCheckPost)
	app.Post("/aankoopplan/:id/verwijderen", s.planDeletePost)
	app.Get("/aankoopplan/:id/samenvatting.xlsx", s.planXLSX)
	app.Get("/aankoopplan/:id/regel/:n", s.planLinePage)

	app.Get("/raadplegingen", s.consultsPage)
	app.Get("/raadplegingen/nieuw", s.consultNewPage)
	app.Post("/raadplegingen/nieuw", s.consultCreatePost)
	app.Post("/raadplegingen/bijlagen/:id", s.consultFilePost)
	app.Get("/raadplegingen/:id", s.consultPage)
	app.Post("/raadplegingen/:id/versturen", s.consultSendPost)
	app.Post("/raadplegingen/:id/ontvangers", s.consultAddPost)
	app.Post("/raadplegingen/:id/herinneren", s.consultRemindPost)
	app.Post("/raadplegingen/:id/vragen/:n", s.consultAnswerPost)
	app.Get("/raadplegingen/:id/verslag", s.consultReportPage)
	app.Get("/raadplegingen/:id/antwoorden.csv", s.consultCSV)
	app.Get("/raadplegingen/:id/antwoorden.xlsx", s.consultXLSX)
	app.Get("/raadplegingen/:id/bijlagen/:n", s.consultFileGet)
	app.Post("/raadplegingen/:id/bijlagen/:n/verwijderen", s.consultFileRemovePost)
	app.Post("/raadplegingen/:id/uitkomst", s.consultOutcomePost)
	app.Get("/raadpleging/:secret/bijlagen/:n", s.linkFileGet)
	app.Get("/raadpleging/:secret", s.linkPage)
	app.Post("/raadpleging/:secret", s.linkAnswerPost)
	app.Post("/raadpleging/:secret/vraag", s.linkAskPost)
	app.Post("/raadpleging/:secret/capaciteit", s.linkCapacityPost)
	app.Get("/mijn/raadplegingen", s.mineConsultsPage)
	app.Post("/mijn/raadplegingen", s.mineOptOutPost)
	app.Get("/mijn/raadplegingen/:id/:sid", s.mineConsultPage)
	app.Post("/mijn/raadplegingen/:id/:sid", s.mineAnswerPost)
	app.Post("/mijn/raadplegingen/:id/:sid/vraag", s.mineAskPost)
	app.Post("/mijn/raadplegingen/:id/:sid/capaciteit", s.mineCapacityPost)
	app.Get("/mijn/raadplegingen/:id/:sid/bijlagen/:n", s.mineFileGet)
	app.Get("/open-raadplegingen", s.openConsultsPage)
	app.Get("/open-raadplegingen/:id/:sid", s.joinPage)
	app.Post("/open-raadplegingen/:id/:sid", s.joinPost)
	app.Get("/open-raadplegingen/:id/:sid/bijlagen/:n", s.joinFileGet)
	app.Get("/raadpleging-afmelden/:secret", s.optOutPage)
	app.Post("/raadpleging-afmelden/:secret", s.optOutPost)

	app.Get("/beheer", s.adminPage)
	app.Get("/beheer/leveranciers", s.adminSuppliersPage)
	app.Get("/beheer/accounts", s.adminAccountsPage)
	app.Post("/beheer/accounts/:aid/goedkeuren", s.approvePost)
	app.Post("/beheer/accounts/:aid/weigeren", s.refusePost)
	app.Post("/beheer/uitnodigen", s.inviteCreatePost)
	app.Post("/beheer/leveranciers/:id/verifieren", s.verifyPost)
	app.Post("/beheer/leveranciers/:id/schrappen", s.delistPost)
	app.Post("/beheer/leveranciers/:id/terugzetten", s.relistPost)
	app.Post("/beheer/import", s.importPost)
	app.Post("/beheer/erkenningen", s.recognitionsPost)
	app.Get("/beheer/import/sjabloon.:format", s.importTemplate)
	app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
	s.routeHeads = routeHeads(app.GetRoutes())
	return app, nil
}

func parseTemplates(funcs template.FuncMap) (map[string]*template.Template, error) {
	pages := []string{"search", "supplier", "error", "login", "register", "forgot", "reset", "invite", "message",
		"dashboard", "capacity", "edit", "history", "tokens", "admin", "marketcheck", "segments", "plan",
		"consults", "consultnew", "consult", "consultreport", "consultlink", "consultmine", "alerts", "reachability", "adminsuppliers", "adminaccounts"}
	out := map[string]*template.Template{}
	for _, p := range pages {
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", "templates/forms.html", "templates/conflict.html", "templates/"+p+".html")
		if err != nil {
			return nil, err
		}
		out[p] = t
	}
	if err := parsePlanLine(funcs, out); err != nil {
		return nil, err
	}
	return out, nil
}

// page is what every template gets.
type page struct {
	Lang    string
	Title   string
	Path    string // the path and query, for the language switch
	CSRF    string // the token every form carries
	Viewer  viewer
	Content any
}

// render executes a page template in the request's language.
func (s *server) render(c *fiber.Ctx, status int, name, title string, content any) error {
	lang := s.lang(c)
	var buf bytes.Buffer
	p := page{Lang: lang, Title: title, Path: c.OriginalURL(), CSRF: s.csrfToken(c), Viewer: s.viewer(c), Content: content}
	if err := s.templates[name].Execute(&buf, p); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderContentLanguage, lang)
	return c.Status(status).Send(buf.Bytes())
}

// page renders a template with a title from the message catalogue.
func (s *server) page(c *fiber.Ctx, status int, name, titleKey string, content any) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return s.render(c, status, name, s.catalog.T(s.lang(c), titleKey), content)
}

// lang returns the request's language; ?lang= also sets a cookie so the
// choice sticks.
func (s *server) lang(c *fiber.Ctx) string {
	if l, ok := c.Locals("lang").(string); ok {
		return l
	}
	explicit := c.Query("lang")
	l := pickLanguage(explicit, c.Cookies("lang"))
	if explicit == l {
		c.Cookie(&fiber.Cookie{Name: "lang", Value: l, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: "Lax", HTTPOnly: true, Secure: c.Protocol() == "https"})
	}
	c.Locals("lang", l)
	return l
}

// contentSecurityPolicy allows scripts, styles and data from this site
// only, and map tiles from the tile server: no inline script runs.
func contentSecurityPolicy(tileURL string) string {
	tiles := ""
	if u, err := url.Parse(strings.ReplaceAll(tileURL, "{s}", "a")); err == nil && u.Host != "" {
		tiles = " " + u.Scheme + "://" + strings.Replace(u.Host, "a.", "*.", 1)
	}
	return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:" + tiles +
		"; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
}

// securityHeaders sets the headers every answer carries.
func (s *server) securityHeaders(c *fiber.Ctx) error {
	c.Set("Content-Security-Policy", s.csp)
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("X-Frame-Options", "DENY")
	c.Set("Referrer-Policy", "same-origin")
	c.Set("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
	if c.Protocol() == "https" {
		c.Set("Strict-Transport-Security", "max-age=31536000")
	}
	return c.Next()
}

// checker is the market check over the engine, with the transit classes
// of the network imported now (none before one is).
func (s *server) checker() *market.Checker {
	c := &market.Checker{Engine: s.Index, Places: s.Places, Tasks: s.Tasks, Rules: s.Rules, Segs: s.segments, Experience: s.experience}
	if n := s.Transit.Get(); n != nil {
		c.Transit, c.Network = s.Transit.ClassAt, n
	}
	return c
}

// areaName is a province or region, given by code or name, in the reader's
// language; text it does not know stays as it is.
func (s *server) areaName(lang, text string) string {
	if p, ok := s.Places.ResolveProvince(text); ok {
		return p.Name.In(lang)
	}
	if r, ok := s.Places.ResolveRegion(text); ok {
		return r.Name.In(lang)
	}
	return text
}

// notice is the ?notice= a redirect after a form sets, only when the
// catalogue has a message for it under prefix: anything else a link
// carries is not shown.
func (s *server) notice(c *fiber.Ctx, prefix string) string {
	n := c.Query("notice")
	if n == "" || !s.catalog.Has(prefix+n) {
		return ""
	}
	return n
}

// link is an absolute link to a path of this site, for mail.
func (s *server) link(path string) string { return s.PublicURL + path }

// today is the reference date of searches.
func (s *server) today() directory.Date { return directory.DateOf(s.Now()) }

func (s *server) healthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok"})
}

// handleError answers API requests with JSON and page requests with a page
// in the user's language; internal errors are logged, not shown.
func (s *server) handleError(c *fiber.Ctx, err error) error {
	status := fiber.StatusInternalServerError
	var fe *fiber.Error
	if errors.As(err, &fe) {
		status = fe.Code
	}
	if status >= 500 {
		s.logger(c).Error("request failed", "method", c.Method(), "route", s.routeLabel(c), "err", err)
	}
	if isAPI(c) {
		code := map[int]string{fiber.StatusNotFound: "not_found", fiber.StatusUnauthorized: "unauthorized", fiber.StatusForbidden: "forbidden"}[status]
		switch {
		case code != "":
		case status < 500:
			code = "bad_request"
		default:
			code = "internal"
		}
		if status == fiber.StatusUnauthorized {
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="verken"`)
		}
		return c.Status(status).JSON(apiError{Error: code, Reason: http.StatusText(status)})
	}
	if status == fiber.StatusUnauthorized && c.Method() == fiber.MethodGet {
		return c.Redirect("/inloggen?next="+url.QueryEscape(c.OriginalURL()), fiber.StatusSeeOther)
	}
	key := map[int]string{fiber.StatusNotFound: "error.page_not_found", fiber.StatusUnauthorized: "error.sign_in",
		fiber.StatusForbidden: "error.forbidden", fiber.StatusRequestEntityTooLarge: "error.too_large"}[status]
	if errors.As(err, &fe) && fe.Message == "csrf" {
		key = "error.csrf"
	}
	if key == "" && status < 500 {
		key = "error.bad_request"
	} else if key == "" {
		key = "error.internal"
	}
	lang := s.lang(c)
	return s.render(c, status, "error", s.catalog.T(lang, "error.title"), errorView{Message: s.catalog.T(lang, key)})
}

func isAPI(c *fiber.Ctx) bool {
	return strings.HasPrefix(c.Path(), "/api/")
}

type errorView struct {
	Message string
}

// apiError is the JSON body of every API error.
type apiError struct {
	Error  string `json:"error"`
	Param  string `json:"param,omitempty"`
	Value  string `json:"value,omitempty"`
	Reason string `json:"reason"`
}
