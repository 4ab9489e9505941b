package ui

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/verken/verken/consult"
	"github.com/verken/verken/directory"
)

// "Mijn Verken" for suppliers: the consultations sent to a signed-in
// supplier user's suppliers, answered there under the link's rules (the
// same record, the same deadline, the same equal information).

// mineView lists a supplier user's consultations.
type mineView struct {
	// Public is false: the template shows the public list (openView)
	// when it is set.
	Public, OptOut bool
	Items          []mineItem
	// OptOuts are the user's suppliers with the tasks they opted out of.
	OptOuts []optOutForm
	Notice  string
}

// mineItem is one consultation sent to one of the user's suppliers.
type mineItem struct {
	consult.Assigned
	Closed bool
}

// consultSupplier is the signed-in supplier user that may answer for the
// route's supplier.
func (s *server) consultSupplier(c *fiber.Ctx) (viewer, error) {
	v := s.viewer(c)
	switch {
	case !v.SignedIn():
		return v, errSignIn
	case v.Account.Role != directory.RoleSupplier || v.Account.Status != directory.StatusActive:
		return v, errForbidden
	case c.Params("sid") != "" && !v.MaySupply(c.Params("sid")):
		return v, fiber.ErrNotFound
	}
	return v, nil
}

func (s *server) mineConsultsPage(c *fiber.Ctx) error {
	v, err := s.consultSupplier(c)
	if err != nil {
		return err
	}
	cs, err := s.consults()
	if err != nil {
		return err
	}
	items, err := cs.ForSupplier(v.Account.SupplierIDs)
	if err != nil {
		return err
	}
	var view mineView
	for _, it := range items {
		// An anonymous consultation never names its buyer to a supplier.
		if it.Consultation.Anonymous {
			it.Consultation.Buyer = ""
		}
		view.Items = append(view.Items, mineItem{Assigned: it, Closed: it.Consultation.Closed(s.Now())})
	}
	if view.OptOuts, err = s.optOutForms(cs, v.Account.SupplierIDs); err != nil {
		return err
	}
	view.Notice = s.notice(c, "consult.notice_")
	return s.page(c, fiber.StatusOK, "consultmine", "consult.mine_title", view)
}

// mineLinkView is the recipient's page for a signed-in supplier user.
func (s *server) mineLinkView(c *fiber.Ctx, cs *consult.Store) (linkView, error) {
	id, sid := c.Params("id"), c.Params("sid")
	co, r, err := cs.Open(id, sid, s.Now())
	if errors.Is(err, consult.ErrNotFound) {
		return linkView{}, fiber.ErrNotFound
	}
	if err != nil {
		return linkView{}, err
	}
	if co.Closed(s.Now()) {
		return linkView{}, errConsultClosed
	}
	view, err := s.linkView(s.lang(c), cs, co, r, "")
	view.Action = "/mijn/raadplegingen/" + id + "/" + sid
	return view, err
}

// errConsultClosed: the deadline passed; the page says so as the link does.
var errConsultClosed = errors.New("consultation closed")

func (s *server) mineConsultPage(c *fiber.Ctx) error {
	if _, err := s.consultSupplier(c); err != nil {
		return err
	}
	cs, err := s.consults()
	if err != nil {
		return err
	}
	view, err := s.mineLinkView(c, cs)
	if errors.Is(err, errConsultClosed) {
		return s.consultLinkGone(c)
	} else if err != nil {
		return err
	}
	view.Notice = s.notice(c, "consult.link_notice_")
	return s.page(c, fiber.StatusOK, "consultlink", "consult.link_title", view)
}

func (s *server) mineAnswerPost(c *fiber.Ctx) error {
	if _, err := s.consultSupplier(c); err != nil {
		return err
	}
	cs, err := s.consults()
	if err != nil {
		return err
	}
	lang := s.lang(c)
	form := formValues(c)
	resp, formErr := s.answerForm(lang, form)
	if len(formErr) == 0 {
		err = cs.AnswerAs(c.Params("id"), c.Params("sid"), resp, s.Now())
	}
	var ve *directory.ValidationError
	switch {
	case errors.Is(err, consult.ErrNotFound):
		return fiber.ErrNotFound
	case errors.Is(err, consult.ErrClosed):
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
		view, err := s.mineLinkView(c, cs)
		if errors.Is(err, errConsultClosed) {
			return s.consultLinkGone(c)
		} else if err != nil {
			return err
		}
		view.Errors, view.Raw, view.Bids = formErr, form, form["bid"]
		view.Answers = make([]string, len(view.C.Questions))
		copy(view.Answers, form["answer"])
		return s.page(c, fiber.StatusUnprocessableEntity, "consultlink", "consult.link_title", view)
	}
	return c.Redirect("/mijn/raadplegingen/"+c.Params("id")+"/"+c.Params("sid")+"?notice=answered", fiber.StatusSeeOther)
}

func (s *server) mineAskPost(c *fiber.Ctx) error {
	if _, err := s.consultSupplier(c); err != nil {
		return err
	}
	cs, err := s.consults()
	if err != nil {
		return err
	}
	lang := s.lang(c)
	err = cs.AskAs(c.Params("id"), c.Params("sid"), formValues(c).Get("question"), s.Now())
	var ve *directory.ValidationError
	msg := ""
	switch {
	case errors.Is(err, consult.ErrNotFound):
		return fiber.ErrNotFound
	case errors.Is(err, consult.ErrClosed):
		return s.consultLinkGone(c)
	case errors.As(err, &ve):
		msg = s.consultFieldMessage(lang, ve.Fields[0])
	case errors.Is(err, consult.ErrAskLimit):
		msg = s.catalog.T(lang, "consult.err.ask_limit", consult.MaxAsked)
	case err != nil:
		return err
	}
	if msg != "" {
		view, err := s.mineLinkView(c, cs)
		if err != nil {
			return s.consultLinkGone(c)
		}
		view.Error = msg
		return s.page(c, fiber.StatusUnprocessableEntity, "consultlink", "consult.link_title", view)
	}
	return c.Redirect("/mijn/raadplegingen/"+c.Params("id")+"/"+c.Params("sid")+"?notice=asked", fiber.StatusSeeOther)
}
