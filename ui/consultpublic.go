package ui

import (
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/verken/verken/consult"
	"github.com/verken/verken/directory"
)

// The public list of open consultations: anyone reads what a buyer chose
// to publish (title, task, place, deadline, and the buyer unless the
// consultation is anonymous); a signed-in supplier user whose supplier was
// not invited answers there, and from then on is a recipient like the
// others, in "Mijn Verken".

// openItem is a published consultation on the list.
type openItem struct {
	C consult.Consultation
	// Mine are the viewer's suppliers (a supplier user's) with where each
	// answers: the join page, or its recipient's page once it is one.
	Mine []openAction
}

// openAction is where one of the viewer's suppliers answers.
type openAction struct {
	Name, Href string
	Recipient  bool
}

// openView is the public list. It is a variant of "Mijn Verken"'s list
// page (consultmine.html, Public set), the other list of consultations a
// supplier reads.
type openView struct {
	Public   bool
	Items    []openItem
	Supplier bool // the viewer is a supplier user
	stampf   func(time.Time) string
}

// Stamp is a moment in the reader's language, for the templates.
func (v openView) Stamp(t time.Time) string { return v.stampf(t) }

// openList reads the published consultations, with what an anonymous one
// must not tell taken out.
func (s *server) openList(cs *consult.Store) ([]consult.Consultation, error) {
	list, err := cs.OpenList(s.Now())
	for i := range list {
		list[i] = publicView(list[i])
	}
	return list, err
}

// publicView is what anyone may read of a published consultation.
func publicView(c consult.Consultation) consult.Consultation {
	if c.Anonymous {
		c.Buyer = ""
	}
	c.AccountID, c.CheckID, c.Check, c.Candidates = "", "", nil, nil
	return c
}

func (s *server) openConsultsPage(c *fiber.Ctx) error {
	cs, err := s.consults()
	if err != nil {
		return err
	}
	list, err := s.openList(cs)
	if err != nil {
		return err
	}
	lang := s.lang(c)
	view := openView{Public: true, stampf: func(t time.Time) string { return s.stamp(lang, t) }}
	v := s.viewer(c)
	var sups []directory.Supplier
	if v.SignedIn() && v.Account.Role == directory.RoleSupplier && v.Account.Status == directory.StatusActive {
		view.Supplier = true
		if sups, err = s.Store.GetMany(v.Account.SupplierIDs); err != nil {
			return err
		}
	}
	var assigned []consult.Assigned
	if len(sups) > 0 {
		if assigned, err = cs.ForSupplier(v.Account.SupplierIDs); err != nil {
			return err
		}
	}
	for _, co := range list {
		it := openItem{C: co}
		for _, sup := range sups {
			a := openAction{Name: sup.Name, Href: "/open-raadplegingen/" + co.ID + "/" + sup.ID}
			for _, as := range assigned {
				if as.Consultation.ID == co.ID && as.Recipient.SupplierID == sup.ID {
					a.Href, a.Recipient = "/mijn/raadplegingen/"+co.ID+"/"+sup.ID, true
				}
			}
			it.Mine = append(it.Mine, a)
		}
		view.Items = append(view.Items, it)
	}
	return s.page(c, fiber.StatusOK, "consultmine", "consult.open_title", view)
}

// joinConsultation is the route's published consultation and supplier,
// for a signed-in supplier user of that supplier. A supplier that already
// is a recipient is sent to its own page.
func (s *server) joinConsultation(c *fiber.Ctx) (*consult.Store, consult.Consultation, *directory.Supplier, error) {
	if _, err := s.consultSupplier(c); err != nil {
		return nil, consult.Consultation{}, nil, err
	}
	cs, err := s.consults()
	if err != nil {
		return nil, consult.Consultation{}, nil, err
	}
	co, err := cs.Published(c.Params("id"), s.Now())
	if errors.Is(err, consult.ErrNotFound) {
		return nil, co, nil, fiber.ErrNotFound
	} else if err != nil {
		return nil, co, nil, err
	}
	sup, err := s.Store.Get(c.Params("sid"))
	if errors.Is(err, directory.ErrNotFound) {
		return nil, co, nil, fiber.ErrNotFound
	} else if err != nil {
		return nil, co, nil, err
	}
	return cs, publicView(co), &sup, nil
}

// joinView is the answer form of a published consultation for a supplier
// that is not a recipient yet: the information every recipient got, the
// questions and answers published to all, and the same form.
func (s *server) joinView(lang string, cs *consult.Store, co consult.Consultation, sup *directory.Supplier) (linkView, error) {
	r := consult.Recipient{ConsultationID: co.ID, Candidate: consult.CandidateOf(sup, co.Scope, s.today(), s.Places)}
	view, err := s.linkView(lang, cs, co, r, "")
	view.Action, view.Join = "/open-raadplegingen/"+co.ID+"/"+sup.ID, true
	return view, err
}

func (s *server) joinPage(c *fiber.Ctx) error {
	cs, co, sup, err := s.joinConsultation(c)
	if err != nil {
		return err
	}
	if isRecipient(cs, co.ID, sup.ID) {
		return c.Redirect("/mijn/raadplegingen/"+co.ID+"/"+sup.ID, fiber.StatusSeeOther)
	}
	view, err := s.joinView(s.lang(c), cs, co, sup)
	if err != nil {
		return err
	}
	return s.page(c, fiber.StatusOK, "consultlink", "consult.link_title", view)
}

// isRecipient reports whether a supplier is one of a consultation's
// recipients.
func isRecipient(cs *consult.Store, id, sid string) bool {
	rs, err := cs.Recipients(id)
	if err != nil {
		return false
	}
	for _, r := range rs {
		if r.SupplierID == sid {
			return true
		}
	}
	return false
}

// answerForm reads the answer form; the errors are the form's own (a
// number or a date that does not read), by field.
func (s *server) answerForm(lang string, form url.Values) (consult.Response, map[string]string) {
	r := newFormReader(form)
	resp := consult.Response{Interested: form.Get("interested") == "yes", Reason: form.Get("reason"),
		FTE: r.float("fte"), From: r.date("from"), Answers: form["answer"], Bids: form["bid"]}
	formErr := map[string]string{}
	for field, fe := range r.errors {
		formErr[field] = s.formMessage(lang, fe)
	}
	if form.Get("interested") == "" {
		formErr["interested"] = s.catalog.T(lang, "field.required")
	}
	return resp, formErr
}

func (s *server) joinPost(c *fiber.Ctx) error {
	cs, co, sup, err := s.joinConsultation(c)
	if err != nil {
		return err
	}
	lang := s.lang(c)
	form := formValues(c)
	resp, formErr := s.answerForm(lang, form)
	mine := "/mijn/raadplegingen/" + co.ID + "/" + sup.ID
	if len(formErr) == 0 {
		cand := consult.CandidateOf(sup, co.Scope, s.today(), s.Places)
		err = cs.Join(co.ID, cand, resp, s.Now())
		var ve *directory.ValidationError
		switch {
		case errors.Is(err, consult.ErrRecipient):
			return c.Redirect(mine, fiber.StatusSeeOther)
		case errors.Is(err, consult.ErrNotFound):
			return fiber.ErrNotFound
		case errors.Is(err, consult.ErrClosed):
			return s.consultLinkGone(c)
		case errors.Is(err, consult.ErrJoinLimit):
			view, verr := s.joinView(lang, cs, co, sup)
			if verr != nil {
				return verr
			}
			view.Error = s.catalog.T(lang, "consult.err.join_limit", consult.MaxJoined)
			return s.page(c, fiber.StatusUnprocessableEntity, "consultlink", "consult.link_title", view)
		case errors.As(err, &ve):
			for _, fe := range ve.Fields {
				field, _, _ := strings.Cut(fe.Field, "[")
				formErr[field] = s.consultFieldMessage(lang, fe)
			}
		case err != nil:
			return err
		}
	}
	if len(formErr) > 0 {
		view, err := s.joinView(lang, cs, co, sup)
		if err != nil {
			return err
		}
		view.Errors, view.Raw, view.Bids = formErr, form, form["bid"]
		view.Answers = make([]string, len(co.Questions))
		copy(view.Answers, form["answer"])
		return s.page(c, fiber.StatusUnprocessableEntity, "consultlink", "consult.link_title", view)
	}
	return c.Redirect(mine+"?notice=answered", fiber.StatusSeeOther)
}

// joinFileGet gives a supplier user an attachment of a published
// consultation it may answer.
func (s *server) joinFileGet(c *fiber.Ctx) error {
	cs, co, _, err := s.joinConsultation(c)
	if err != nil {
		return err
	}
	return s.sendAttachment(c, func(n int) (consult.Attachment, []byte, error) { return cs.File(co.ID, n) })
}

// apiOpenConsultation is a consultation on the public list.
type apiOpenConsultation struct {
	ID    string   `json:"id"`
	Title string   `json:"title"`
	Tasks []string `json:"tasks"`
	CPV   string   `json:"cpv,omitempty"`
	Place string   `json:"place,omitempty"`
	// Region is where the work is when no place is given.
	Region    string    `json:"region,omitempty"`
	VolumeFTE float64   `json:"volume_fte"`
	Deadline  time.Time `json:"deadline"`
	// Buyer is empty for an anonymous consultation.
	Buyer     string `json:"buyer,omitempty"`
	ValueBand string `json:"value_band,omitempty"`
	// URL is the public list; a supplier's user answers there, signed in.
	URL string `json:"url"`
}

// apiOpenConsultationList is the public list.
type apiOpenConsultationList struct {
	Consultations []apiOpenConsultation `json:"consultations"`
}

func (s *server) apiOpenConsultations(c *fiber.Ctx) error {
	cs, err := s.consults()
	if err != nil {
		return err
	}
	list, err := s.openList(cs)
	if err != nil {
		return err
	}
	out := apiOpenConsultationList{Consultations: []apiOpenConsultation{}}
	for _, co := range list {
		tasks := co.Scope.Tasks
		if tasks == nil {
			tasks = []string{}
		}
		out.Consultations = append(out.Consultations, apiOpenConsultation{ID: co.ID, Title: co.Title, Tasks: tasks, CPV: co.Scope.CPV,
			Place: co.Scope.Place, Region: co.Scope.Region, VolumeFTE: co.Scope.VolumeFTE, Deadline: co.Deadline, Buyer: co.Buyer,
			ValueBand: co.ValueBand, URL: s.link("/open-raadplegingen#c-" + co.ID)})
	}
	return c.JSON(out)
}
