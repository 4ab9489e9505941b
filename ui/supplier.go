package ui

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/verken/verken/directory"
)

func (s *server) apiGetSupplier(c *fiber.Ctx) error {
	sup, err := s.Store.Get(c.Params("id"))
	if err == nil && sup.Delisted != nil && !s.viewer(c).MaySupply(sup.ID) {
		err = directory.ErrNotFound
	}
	if errors.Is(err, directory.ErrNotFound) {
		return c.Status(fiber.StatusNotFound).JSON(apiError{Error: "not_found", Param: "id", Value: c.Params("id"), Reason: "no supplier has this id"})
	}
	if err != nil {
		return err
	}
	return c.JSON(s.viewer(c).visible(sup))
}

// supplierView is the supplier page's content.
type supplierView struct {
	S       directory.Supplier
	Back    string
	MayEdit bool // the viewer keeps this supplier's profile
	Admin   bool // sees who verified a fact, and the note
	// Sites and TransitNote: how well each site is served, and by which
	// timetables; empty without a network.
	Sites       []siteReach
	TransitNote string
}

func (s *server) supplierPage(c *fiber.Ctx) error {
	sup, err := s.Store.Get(c.Params("id"))
	v := s.viewer(c)
	mayEdit := v.MaySupply(c.Params("id"))
	if err == nil && sup.Delisted != nil && !mayEdit {
		err = directory.ErrNotFound // delisted: gone for the public
	}
	if errors.Is(err, directory.ErrNotFound) {
		lang := s.lang(c)
		return s.render(c, fiber.StatusNotFound, "error", s.catalog.T(lang, "error.title"), errorView{Message: s.catalog.T(lang, "error.not_found")})
	}
	if err != nil {
		return err
	}
	back := "/"
	// Only a same-site search may be linked back to.
	if ref := c.Get(fiber.HeaderReferer); ref != "" {
		if i := strings.Index(ref, "://"+c.Hostname()+"/?"); i >= 0 {
			back = ref[i+len("://"+c.Hostname()):]
		}
	}
	return s.render(c, fiber.StatusOK, "supplier", sup.Name, supplierView{S: v.visible(sup), Back: back, MayEdit: mayEdit, Admin: v.Admin(),
		Sites: s.reachOfSites(s.lang(c), sup), TransitNote: s.networkNote(s.lang(c))})
}
