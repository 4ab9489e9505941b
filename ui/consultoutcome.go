package ui

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/verken/verken/consult"
	"github.com/verken/verken/directory"
)

// What came of a consultation: a week after its deadline the buyer gets
// one mail asking (serve's maintenance loop, ConsultJob), and answers on
// the consultation's page; the report shows it.

// outcomeForm is the form on the buyer's page, once the deadline passed.
type outcomeForm struct {
	Show              bool
	Raw               url.Values
	Tendered, Awarded []string
	MaxBids           int
}

// outcomeFormOf fills the form with the outcome given, if any.
func outcomeFormOf(co consult.Consultation, now time.Time) outcomeForm {
	f := outcomeForm{Show: !co.Draft() && co.Closed(now), Raw: url.Values{}, Tendered: consult.Tendered, Awarded: consult.Awarded, MaxBids: consult.MaxBids}
	if o := co.Outcome; o != nil {
		f.Raw.Set("tendered", o.Tendered)
		f.Raw.Set("awarded_social", o.AwardedSocial)
		f.Raw.Set("note", o.Note)
		if o.Tendered == "yes" {
			f.Raw.Set("bids", strconv.Itoa(o.Bids))
		}
	}
	return f
}

// consultOutcomePost records what came of a consultation.
func (s *server) consultOutcomePost(c *fiber.Ctx) error {
	cs, co, err := s.ownConsultation(c)
	if err != nil {
		return err
	}
	lang := s.lang(c)
	form := formValues(c)
	o := consult.Outcome{Tendered: form.Get("tendered"), AwardedSocial: form.Get("awarded_social"), Note: form.Get("note")}
	if b := strings.TrimSpace(form.Get("bids")); b != "" && o.Tendered == "yes" {
		n, err := strconv.Atoi(b)
		if err != nil {
			return s.consultError(c, cs, co, s.catalog.T(lang, "consult.err.bids", consult.MaxBids))
		}
		o.Bids = n
	}
	err = cs.SetOutcome(co.ID, o, s.Now())
	var ve *directory.ValidationError
	switch {
	case errors.Is(err, consult.ErrNotClosed):
		return s.consultError(c, cs, co, s.catalog.T(lang, "consult.err.outcome_early", s.stamp(lang, co.Deadline)))
	case errors.As(err, &ve):
		fe := ve.Fields[0]
		msg := s.consultFieldMessage(lang, fe)
		switch fe.Field {
		case "bids":
			msg = s.catalog.T(lang, "consult.err.bids", consult.MaxBids)
		case "tendered", "awarded_social":
			msg = s.catalog.T(lang, "consult.err.outcome_"+fe.Field)
		}
		return s.consultError(c, cs, co, msg)
	case err != nil:
		return err
	}
	return c.Redirect("/raadplegingen/"+co.ID+"?notice=outcome#outcome", fiber.StatusSeeOther)
}

// mailFollowUps asks the buyers of the consultations that are due what
// came of them: one mail each, in the language the consultation was sent
// in, to the account that owns it. It returns how many it queued.
func (s *server) mailFollowUps(cs *consult.Store, now time.Time) (int, error) {
	due, err := cs.DueFollowUps(now)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, co := range due {
		a, err := s.Store.Account(co.AccountID)
		if err != nil {
			// The account is gone: no one to ask.
			continue
		}
		lang := co.Lang
		if lang == "" {
			lang = "nl"
		}
		t := func(key string, args ...any) string { return s.catalog.T(lang, key, args...) }
		body := t("consult.mail_greeting", a.Name) + "\n\n" + t("consult.followup_body", oneLine(co.Title), s.stamp(lang, co.Deadline)) + "\n\n" +
			s.link("/raadplegingen/"+co.ID+"#outcome") + "\n\n" + t("consult.followup_why") + "\n"
		if err := s.mail.send(directory.Mail{To: a.Email, Subject: t("consult.followup_subject", oneLine(co.Title)), Body: body}); err != nil {
			s.Log.Error("follow-up mail not queued", "consultation", co.ID, "err", err)
			continue
		}
		n++
	}
	return n, nil
}
