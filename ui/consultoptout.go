package ui

import (
	"errors"
	"slices"

	"github.com/gofiber/fiber/v2"

	"github.com/verken/verken/consult"
	"github.com/verken/verken/directory"
)

// Opting out of consultations about a task: through the link in every
// invitation (no sign-in; the page asks before it records) or signed in,
// on "Mijn Verken"'s list of consultations.

// optOutView is the page behind an invitation's opt-out link. It is a
// variant of consultmine.html (OptOut set).
type optOutView struct {
	Public, OptOut bool
	Offer          consult.OptOutLink
	Done           bool
	Action         string
}

// optOutForm is one of a supplier user's suppliers with the tasks it may
// opt out of: those of its offers and those it opted out of.
type optOutForm struct {
	SupplierID, Name string
	Tasks            []optOutTask
}

type optOutTask struct {
	ID  string
	Out bool
}

func (s *server) optOutPage(c *fiber.Ctx) error {
	cs, err := s.consults()
	if err != nil {
		return err
	}
	offer, err := cs.OptOutOffer(c.Params("secret"), s.Now())
	if errors.Is(err, consult.ErrLink) {
		return s.consultLinkGone(c)
	} else if err != nil {
		return err
	}
	c.Set("Referrer-Policy", "no-referrer")
	return s.page(c, fiber.StatusOK, "consultmine", "consult.optout_title",
		optOutView{OptOut: true, Offer: offer, Action: "/raadpleging-afmelden/" + c.Params("secret")})
}

func (s *server) optOutPost(c *fiber.Ctx) error {
	cs, err := s.consults()
	if err != nil {
		return err
	}
	offer, err := cs.OptOutByLink(c.Params("secret"), s.Now())
	switch {
	case errors.Is(err, consult.ErrLink):
		return s.consultLinkGone(c)
	case errors.Is(err, consult.ErrTooMany):
		return s.page(c, fiber.StatusUnprocessableEntity, "message", "consult.optout_title", formView{Error: s.catalog.T(s.lang(c), "consult.err.optout")})
	case err != nil:
		return err
	}
	c.Set("Referrer-Policy", "no-referrer")
	return s.page(c, fiber.StatusOK, "consultmine", "consult.optout_title", optOutView{OptOut: true, Offer: offer, Done: true})
}

// optOutForms are the opt-out forms of a supplier user's suppliers.
func (s *server) optOutForms(cs *consult.Store, supplierIDs []string) ([]optOutForm, error) {
	sups, err := s.Store.GetMany(supplierIDs)
	if err != nil {
		return nil, err
	}
	var out []optOutForm
	for _, sup := range sups {
		outs, err := cs.OptOuts(sup.ID)
		if err != nil {
			return nil, err
		}
		var tasks []string
		for _, o := range sup.Offers {
			tasks = append(tasks, o.Task)
		}
		for _, o := range outs {
			tasks = append(tasks, o.Task)
		}
		f := optOutForm{SupplierID: sup.ID, Name: sup.Name}
		for _, t := range slices.Compact(slices.Sorted(slices.Values(tasks))) {
			f.Tasks = append(f.Tasks, optOutTask{ID: t, Out: slices.ContainsFunc(outs, func(o consult.OptOut) bool { return o.Task == t })})
		}
		out = append(out, f)
	}
	return out, nil
}

// mineOptOutPost sets the tasks one of the user's suppliers opts out of.
func (s *server) mineOptOutPost(c *fiber.Ctx) error {
	v, err := s.consultSupplier(c)
	if err != nil {
		return err
	}
	form := formValues(c)
	sid := form.Get("supplier")
	if !v.MaySupply(sid) {
		return fiber.ErrNotFound
	}
	cs, err := s.consults()
	if err != nil {
		return err
	}
	known := func(id string) bool { _, ok := s.Tasks.Task(id); return ok }
	err = cs.SetOptOuts(sid, form["task"], known, s.Now())
	var ve *directory.ValidationError
	switch {
	case errors.As(err, &ve), errors.Is(err, consult.ErrTooMany):
		return s.page(c, fiber.StatusUnprocessableEntity, "message", "consult.optout_title", formView{Error: s.catalog.T(s.lang(c), "consult.err.optout")})
	case err != nil:
		return err
	}
	return c.Redirect("/mijn/raadplegingen?notice=optouts#optouts", fiber.StatusSeeOther)
}
