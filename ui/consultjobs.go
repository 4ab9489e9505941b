package ui

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/verken/verken/consult"
	"github.com/verken/verken/data"
)

// ConsultJob is the consultations' periodic work, for serve's maintenance
// loop: it mails the automatic reminders that are due (consult.AutoRemind
// before each deadline, to the recipients without an answer), asks each
// buyer a week after the deadline what came of it (consult.DueFollowUps)
// and, twelve months after a deadline, removes the consultation's personal data and
// keeps its figures (consult.Purge). It needs d.Store, and d.SMTP and
// d.PublicURL to mail as the web front does (d.Tasks, loaded when nil, to
// name tasks); d.Now is not used: the loop gives the time.
func ConsultJob(d Deps) (func(now time.Time), error) {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	cat, err := LoadCatalog()
	if err != nil {
		return nil, err
	}
	if d.Tasks == nil {
		// The mail names the consultation's tasks (its opt-out line).
		if d.Tasks, err = data.LoadTaxonomy(); err != nil {
			return nil, err
		}
	}
	s := &server{Deps: d, catalog: cat, mail: mailer{smtp: d.SMTP, store: d.Store, log: d.Log}}
	return func(now time.Time) {
		reminded, asked, purged, err := s.consultMaintenance(now)
		if err != nil {
			d.Log.Error("consultation maintenance failed", "err", err)
			return
		}
		d.Log.Info("consultations maintained", "reminded", reminded, "asked_outcome", asked, "purged", purged.Consultations, "links", purged.Links, "opt_out_links", purged.OptOutLinks)
	}, nil
}

// consultMaintenance sends the due reminders, asks the buyers whose
// consultations closed a week ago what came of them, and purges what is
// past its retention; it returns how many reminders and questions it
// queued.
func (s *server) consultMaintenance(now time.Time) (reminded, asked int, purged consult.PurgeReport, err error) {
	// bbolt panics on a damaged page: the loop goes on, the log says it.
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	cs, err := s.consults()
	if err != nil {
		return 0, 0, purged, err
	}
	due, err := cs.DueReminders(now)
	if err != nil {
		return 0, 0, purged, err
	}
	for _, d := range due {
		if err := s.mailInvites(cs, d.Consultation, d.Invites, true); err != nil {
			return reminded, 0, purged, err
		}
		reminded += len(d.Invites)
	}
	if asked, err = s.mailFollowUps(cs, now); err != nil {
		return reminded, asked, purged, err
	}
	purged, err = cs.Purge(now)
	return reminded, asked, purged, err
}
