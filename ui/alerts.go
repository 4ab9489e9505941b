package ui

import (
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/search"
)

// Saved-search alerts: once a week a buyer gets one mail with, for each of
// its saved searches, the suppliers that newly match it and those whose
// capacity there changed since the digest before. The search runs through
// the engine as the search page runs it; the directory remembers the first
// directory.MaxAlertHits hits of each. Every saved search in a digest
// carries a link that switches its alert off (no sign-in; the page asks
// before it records); "Mijn Verken" switches them off and on again.

// alertMailList bounds the suppliers one list of a digest names; the rest
// are counted, and the search shows them.
const alertMailList = 20

// AlertJob is the weekly digest of saved-search alerts, for serve's
// maintenance loop: every time it runs it mails the buyers whose digest is
// due (directory.AlertEvery after the last) and forgets the alerts of
// saved searches that are gone. It needs d.Store and d.Index, and d.SMTP
// and d.PublicURL to mail as the web front does; the loop gives the time.
func AlertJob(d Deps) func(now time.Time) {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.PublicURL == "" {
		d.PublicURL = DefaultPublicURL
	}
	d.PublicURL = strings.TrimRight(d.PublicURL, "/")
	cat, err := LoadCatalog()
	if err != nil {
		d.Log.Error("saved-search alerts are off: the message catalogue does not load", "err", err)
		return func(time.Time) {}
	}
	s := &server{Deps: d, catalog: cat, mail: mailer{smtp: d.SMTP, store: d.Store, log: d.Log}}
	return func(now time.Time) {
		mailed, err := s.alertDigests(now)
		if err != nil {
			d.Log.Error("saved-search alerts failed", "err", err)
			return
		}
		if mailed > 0 {
			d.Log.Info("saved-search alerts mailed", "digests", mailed)
		}
	}
}

// alertSection is what a digest says of one saved search.
type alertSection struct {
	Saved  directory.SavedSearch
	Report directory.AlertReport
	Hits   map[string]search.Hit
}

// alertDigests mails every due digest and returns how many it queued.
func (s *server) alertDigests(now time.Time) (mailed int, err error) {
	// bbolt panics on a damaged page: the loop goes on, the log says it.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	if s.Index == nil {
		return 0, nil
	}
	if _, err := s.Store.PruneAlerts(); err != nil {
		return 0, err
	}
	due, err := s.Store.DueAlerts(now)
	if err != nil {
		return 0, err
	}
	for _, acc := range due {
		a, err := s.Store.Account(acc.AccountID)
		if err != nil || a.Role != directory.RoleBuyer || a.Status != directory.StatusActive {
			// Only active buyers get digests; the others are looked at
			// again a week on.
			if err := s.Store.AlertDigested(acc.AccountID, now); err != nil {
				return mailed, err
			}
			continue
		}
		var sections []alertSection
		for _, ss := range acc.Saved {
			hits, err := s.alertHits(ss, now)
			var pe *search.ParamError
			if errors.As(err, &pe) {
				// A search saved before a parameter changed meaning: it
				// says nothing, and the page says why when it is opened.
				continue
			} else if err != nil {
				return mailed, err
			}
			found := make([]directory.AlertHit, len(hits))
			byID := make(map[string]search.Hit, len(hits))
			for i, h := range hits {
				found[i] = directory.AlertHit{ID: h.ID, FTE: h.MatchingFTE}
				byID[h.ID] = h
			}
			rep, err := s.Store.RecordAlert(a.ID, ss.ID, found, now)
			if errors.Is(err, directory.ErrSavedNotFound) {
				continue
			} else if err != nil {
				return mailed, err
			}
			if !rep.Empty() {
				sections = append(sections, alertSection{Saved: ss, Report: rep, Hits: byID})
			}
		}
		// Recorded before it is mailed: a mail that fails waits in the
		// outbox, and the digest does not go twice.
		if err := s.Store.AlertDigested(a.ID, now); err != nil {
			return mailed, err
		}
		if len(sections) == 0 {
			continue
		}
		lang := "nl"
		t := func(key string, args ...any) string { return s.catalog.T(lang, key, args...) }
		if err := s.mail.send(directory.Mail{To: a.Email, Subject: t("alerts.mail_subject"), Body: s.alertMail(lang, a, sections)}); err != nil {
			s.Log.Error("saved-search digest not queued", "account", a.ID, "err", err)
			continue
		}
		mailed++
	}
	return mailed, nil
}

// alertHits runs a saved search through the engine: its first
// directory.MaxAlertHits hits in its own order.
func (s *server) alertHits(ss directory.SavedSearch, now time.Time) ([]search.Hit, error) {
	v, err := url.ParseQuery(ss.Query)
	if err != nil {
		return nil, &search.ParamError{Param: "query", Value: ss.Query, Code: "unreadable", Reason: "is not a query string"}
	}
	q, err := bindSearch(v, directory.DateOf(now))
	if err != nil {
		return nil, err
	}
	hits, _, err := s.Index.All(q, directory.MaxAlertHits)
	return hits, err
}

// alertMail is a digest's text: per saved search the new suppliers and
// those whose capacity changed, each with its profile's link, and the
// link that switches the search's alert off.
func (s *server) alertMail(lang string, a directory.Account, sections []alertSection) string {
	t := func(key string, args ...any) string { return s.catalog.T(lang, key, args...) }
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n%s\n", t("alerts.mail_greeting", a.Name), t("alerts.mail_intro"))
	line := func(h search.Hit, id, capacity string) {
		name, place := h.Name, h.Municipality
		if name == "" {
			name = id
		}
		if place != "" {
			name += ", " + place
		}
		fmt.Fprintf(&b, "- %s: %s\n  %s\n", oneLine(name), capacity, s.link("/leveranciers/"+url.PathEscape(id)))
	}
	more := func(n int) {
		if n > 0 {
			fmt.Fprintf(&b, "  %s\n", t("alerts.mail_more", n))
		}
	}
	for _, sec := range sections {
		rep := sec.Report
		fmt.Fprintf(&b, "\n== %s ==\n%s\n", oneLine(sec.Saved.Name), s.link("/?"+sec.Saved.Query))
		if rep.First {
			fmt.Fprintf(&b, "%s\n", t("alerts.mail_first", len(rep.New)))
		} else if len(rep.New) > 0 {
			fmt.Fprintf(&b, "%s\n", t("alerts.mail_new", len(rep.New)))
		}
		for i, h := range rep.New {
			if i == alertMailList {
				more(len(rep.New) - i)
				break
			}
			line(sec.Hits[h.ID], h.ID, t("alerts.mail_fte", formatNumber(lang, h.FTE)))
		}
		if len(rep.Changed) > 0 {
			fmt.Fprintf(&b, "%s\n", t("alerts.mail_changed", len(rep.Changed)))
		}
		for i, c := range rep.Changed {
			if i == alertMailList {
				more(len(rep.Changed) - i)
				break
			}
			line(sec.Hits[c.ID], c.ID, t("alerts.mail_fte_changed", formatNumber(lang, c.Was), formatNumber(lang, c.FTE)))
		}
		fmt.Fprintf(&b, "%s\n%s\n", t("alerts.mail_off"), s.link("/zoekmelding-uit/"+rep.Secret))
	}
	fmt.Fprintf(&b, "\n%s\n%s\n", t("alerts.mail_manage"), s.link("/mijn/meldingen"))
	return b.String()
}

// alertsView is the page of a buyer's alerts in "Mijn Verken", and the
// page behind a switch-off link (Link set).
type alertsView struct {
	Alerts []directory.Alert
	Notice string
	// Link: the page a digest's link leads to; Saved is its search, Done
	// once it is switched off.
	Link   bool
	Saved  directory.SavedSearch
	Done   bool
	Action string
}

// alertBuyer is the signed-in buyer whose alerts these are.
func (s *server) alertBuyer(c *fiber.Ctx) (viewer, error) {
	v := s.viewer(c)
	switch {
	case !v.SignedIn():
		return v, errSignIn
	case v.Account.Role != directory.RoleBuyer || v.Account.Status != directory.StatusActive:
		return v, errForbidden
	}
	return v, nil
}

func (s *server) alertsPage(c *fiber.Ctx) error {
	v, err := s.alertBuyer(c)
	if err != nil {
		return err
	}
	alerts, err := s.Store.Alerts(v.Account.ID)
	if err != nil {
		return err
	}
	return s.page(c, fiber.StatusOK, "alerts", "alerts.title", alertsView{Alerts: alerts, Notice: s.notice(c, "alerts.notice_")})
}

// alertsPost switches the buyer's alerts: those ticked on, the others off.
func (s *server) alertsPost(c *fiber.Ctx) error {
	v, err := s.alertBuyer(c)
	if err != nil {
		return err
	}
	on := formValues(c)["on"]
	alerts, err := s.Store.Alerts(v.Account.ID)
	if err != nil {
		return err
	}
	for _, a := range alerts {
		if want := slices.Contains(on, a.ID); want != a.On {
			if err := s.Store.SetAlert(v.Account.ID, a.ID, want); err != nil && !errors.Is(err, directory.ErrSavedNotFound) {
				return err
			}
		}
	}
	return c.Redirect("/mijn/meldingen?notice=saved", fiber.StatusSeeOther)
}

// alertOffPage asks whether to switch off the alert a digest's link is for.
func (s *server) alertOffPage(c *fiber.Ctx) error {
	ss, err := s.Store.AlertByLink(c.Params("secret"))
	if errors.Is(err, directory.ErrAlertLink) {
		return s.alertLinkGone(c)
	} else if err != nil {
		return err
	}
	c.Set("Referrer-Policy", "no-referrer")
	return s.page(c, fiber.StatusOK, "alerts", "alerts.off_title", alertsView{Link: true, Saved: ss, Action: "/zoekmelding-uit/" + c.Params("secret")})
}

// alertOffPost switches it off; the link, and every other one of the same
// saved search, is used up.
func (s *server) alertOffPost(c *fiber.Ctx) error {
	ss, err := s.Store.AlertOffByLink(c.Params("secret"))
	if errors.Is(err, directory.ErrAlertLink) {
		return s.alertLinkGone(c)
	} else if err != nil {
		return err
	}
	c.Set("Referrer-Policy", "no-referrer")
	return s.page(c, fiber.StatusOK, "alerts", "alerts.off_title", alertsView{Link: true, Saved: ss, Done: true})
}

// alertLinkGone says a switch-off link is unknown or used, without saying
// which.
func (s *server) alertLinkGone(c *fiber.Ctx) error {
	return s.page(c, fiber.StatusGone, "message", "alerts.off_title", formView{Error: s.catalog.T(s.lang(c), "alerts.link_gone")})
}
