package ui

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/verken/verken/consult"
	"github.com/verken/verken/directory"
)

// A recipient that answered with the FTE it can commit may put that figure
// on its profile in one click, from the page that confirms its answer
// (through its link or in "Mijn Verken"). Which offer, and when not, is
// consult's rule (consult.PlanCapacity); these handlers bind the click,
// call it and say what came of it.

// capacityView is the answer page's part about the profile's capacity.
type capacityView struct {
	// Button is the one button's words; empty when there is nothing to set.
	Button string
	// Rule says which offer the figure goes to, when several match.
	Rule string
	// Done says the profile holds what the answer says.
	Done string
	// Hint says why there is no button (no offer of the task, an
	// unclaimed profile), with a link to act on it.
	Hint, HintLink, HintURL string
	// ProfileURL is the profile as anyone sees it.
	ProfileURL string
	Version    uint64
	Revised    int
}

// capacityView says what the recipient's answer could set on its profile.
// nil: the answer commits no capacity (or the page is the public list's,
// where the supplier answers for the first time).
func (s *server) capacityView(lang string, cs *consult.Store, co consult.Consultation, r consult.Recipient) (*capacityView, error) {
	p, err := cs.CapacityFor(co, r)
	if errors.Is(err, consult.ErrNoCapacity) || errors.Is(err, directory.ErrNotFound) {
		return nil, nil
	}
	v := &capacityView{ProfileURL: "/leveranciers/" + r.SupplierID, Version: p.Version, Revised: p.Revised}
	task := s.taskNames(lang, []string{p.Task})
	switch {
	case errors.Is(err, consult.ErrUnclaimed):
		v.Hint, v.HintLink, v.HintURL = s.catalog.T(lang, "consult.capacity_unclaimed"), s.catalog.T(lang, "consult.capacity_register"), "/registreren"
		v.ProfileURL = ""
	case errors.Is(err, consult.ErrNoOffer):
		if len(co.Scope.Tasks) == 0 {
			return nil, nil
		}
		v.Hint, v.HintLink = s.catalog.T(lang, "consult.capacity_no_offer", s.taskNames(lang, co.Scope.Tasks)), s.catalog.T(lang, "consult.capacity_edit")
		v.HintURL = "/mijn/leveranciers/" + r.SupplierID + "/bewerken"
	case errors.Is(err, consult.ErrSameCapacity):
		v.Done = s.catalog.T(lang, "consult.capacity_done", task, s.capacityText(lang, p.NowFTE, p.NowFrom))
	case err != nil:
		return nil, err
	default:
		now := s.capacityText(lang, p.NowFTE, p.NowFrom)
		if p.From.IsZero() {
			v.Button = s.catalog.T(lang, "consult.capacity_set", task, formatNumber(lang, p.FTE), now)
		} else {
			v.Button = s.catalog.T(lang, "consult.capacity_set_from", task, formatNumber(lang, p.FTE), formatDate(lang, p.From.Time()), now)
		}
	}
	if p.Matching > 1 && (v.Button != "" || v.Done != "") {
		v.Rule = s.catalog.T(lang, "consult.capacity_rule", task)
	}
	return v, nil
}

// capacityText is an offer's free capacity in words, with its date.
func (s *server) capacityText(lang string, fte float64, from directory.Date) string {
	if from.IsZero() {
		return s.catalog.T(lang, "consult.capacity_now", formatNumber(lang, fte))
	}
	return s.catalog.T(lang, "consult.capacity_now_from", formatNumber(lang, fte), formatDate(lang, from.Time()))
}

// capacityShown reads what the page showed when it offered the click: the
// profile's version and the answer's revision.
func capacityShown(c *fiber.Ctx) (uint64, int) {
	form := formValues(c)
	version, err := strconv.ParseUint(form.Get("version"), 10, 64)
	if err != nil || version == 0 {
		// A click without the page's version is taken for a stale page.
		version = ^uint64(0)
	}
	revised, err := strconv.Atoi(form.Get("revised"))
	if err != nil || revised < 0 {
		revised = int(^uint(0) >> 1)
	}
	return version, revised
}

// capacityRefusal is the status and message of a click that set nothing;
// ok is false for an error the handler does not answer itself.
func (s *server) capacityRefusal(lang string, err error) (status int, msg string, ok bool) {
	var stale *directory.StaleVersionError
	var ve *directory.ValidationError
	switch {
	case errors.As(err, &stale), errors.Is(err, consult.ErrAnswerChanged):
		return fiber.StatusConflict, s.catalog.T(lang, "consult.capacity_err_stale"), true
	case errors.Is(err, consult.ErrUnclaimed):
		return fiber.StatusForbidden, s.catalog.T(lang, "consult.capacity_unclaimed"), true
	case errors.As(err, &ve):
		return fiber.StatusUnprocessableEntity, s.fieldMessage(lang, ve.Fields[0]), true
	case errors.Is(err, consult.ErrNoCapacity), errors.Is(err, consult.ErrNoOffer), errors.Is(err, consult.ErrSameCapacity):
		return fiber.StatusUnprocessableEntity, s.catalog.T(lang, "consult.capacity_err_none"), true
	}
	return 0, "", false
}

// linkCapacityPost puts a link's recipient's answer on its own profile: the
// link's secret is the credential, as it is for answering.
func (s *server) linkCapacityPost(c *fiber.Ctx) error {
	cs, err := s.consults()
	if err != nil {
		return err
	}
	secret := c.Params("secret")
	version, revised := capacityShown(c)
	_, err = cs.SetCapacityByLink(secret, version, revised, s.Now())
	if errors.Is(err, consult.ErrLink) {
		return s.consultLinkGone(c)
	}
	if err == nil {
		return c.Redirect("/raadpleging/"+secret+"?notice=capacity", fiber.StatusSeeOther)
	}
	status, msg, ok := s.capacityRefusal(s.lang(c), err)
	if !ok {
		return err
	}
	co, r, err := cs.Visit(secret, s.Now())
	if errors.Is(err, consult.ErrLink) {
		return s.consultLinkGone(c)
	} else if err != nil {
		return err
	}
	view, err := s.linkView(s.lang(c), cs, co, r, secret)
	if err != nil {
		return err
	}
	view.Error = msg
	return s.linkRender(c, status, view)
}

// mineCapacityPost puts a signed-in supplier user's answer on its
// supplier's profile.
func (s *server) mineCapacityPost(c *fiber.Ctx) error {
	v, err := s.consultSupplier(c)
	if err != nil {
		return err
	}
	cs, err := s.consults()
	if err != nil {
		return err
	}
	version, revised := capacityShown(c)
	_, err = cs.SetCapacityAs(c.Params("id"), c.Params("sid"), version, revised, v.Account.Actor(), s.Now())
	switch {
	case errors.Is(err, consult.ErrNotFound):
		return fiber.ErrNotFound
	case errors.Is(err, consult.ErrClosed):
		return s.consultLinkGone(c)
	case err == nil:
		return c.Redirect("/mijn/raadplegingen/"+c.Params("id")+"/"+c.Params("sid")+"?notice=capacity", fiber.StatusSeeOther)
	}
	status, msg, ok := s.capacityRefusal(s.lang(c), err)
	if !ok {
		return err
	}
	view, err := s.mineLinkView(c, cs)
	if errors.Is(err, errConsultClosed) {
		return s.consultLinkGone(c)
	} else if err != nil {
		return err
	}
	view.Error = msg
	return s.page(c, status, "consultlink", "consult.link_title", view)
}
