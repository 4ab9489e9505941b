package ui

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/verken/verken/consult"
	"github.com/verken/verken/directory"
	"github.com/verken/verken/market"
	"github.com/verken/verken/search"
)

// The consultations' JSON API: a buyer (its token, made for no supplier,
// or its session with X-CSRF-Token) creates, lists and reads; a supplier
// answers with its link's secret or its user's token. Who may do what is
// the pages' rule: only the owner and administrators read responses.

// apiConsultationCreate is the body that makes a consultation. The scope
// and the candidates come from a saved market check (check_id) or from a
// market check run now (check). With send, it goes at once to recipients
// (the candidates' ids; all candidates with an address when empty).
type apiConsultationCreate struct {
	Title       string    `json:"title"`
	Description string    `json:"description"`
	Questions   []string  `json:"questions,omitempty"`
	Deadline    time.Time `json:"deadline"`
	// ValueBand is one of the bands; empty keeps the value hidden.
	ValueBand string `json:"value_band,omitempty"`
	Anonymous bool   `json:"anonymous,omitempty"`
	// Public puts it, once sent, on the public list of open
	// consultations, where suppliers not invited may answer too.
	Public     bool               `json:"public,omitempty"`
	Buyer      string             `json:"buyer,omitempty"`
	CheckID    string             `json:"check_id,omitempty"`
	Check      *market.CheckInput `json:"check,omitempty"`
	Send       bool               `json:"send,omitempty"`
	Recipients []string           `json:"recipients,omitempty"`
	// Lang is the language recipients are written in: nl (default), fr or en.
	Lang string `json:"lang,omitempty"`
}

// apiConsultation is a consultation as its buyer reads it.
type apiConsultation struct {
	ID          string         `json:"id"`
	Title       string         `json:"title"`
	Description string         `json:"description"`
	Buyer       string         `json:"buyer"`
	Anonymous   bool           `json:"anonymous"`
	Public      bool           `json:"public"`
	Questions   []string       `json:"questions"`
	Deadline    time.Time      `json:"deadline"`
	ValueBand   string         `json:"value_band,omitempty"`
	Scope       consult.Scope  `json:"scope"`
	Lots        []consult.Lot  `json:"lots"`
	CheckID     string         `json:"check_id,omitempty"`
	CreatedAt   time.Time      `json:"created_at"`
	SentAt      *time.Time     `json:"sent_at,omitempty"`
	Draft       bool           `json:"draft"`
	Closed      bool           `json:"closed"`
	Candidates  int            `json:"candidates"`
	Funnel      consult.Funnel `json:"funnel"`
	// Attachments are the PDF files sent with it (their content on the
	// buyer's page).
	Attachments []consult.Attachment `json:"attachments"`
	// Outcome is what the buyer said came of it, after the deadline.
	Outcome *consult.Outcome `json:"outcome,omitempty"`
	// PurgedAt is when its personal data and free texts were removed, 12
	// months after the deadline: since then the description is empty and
	// every question's text too (their number stays); the title and the
	// figures are kept.
	PurgedAt *time.Time `json:"purged_at,omitempty"`
	// URL is the buyer's page; Report the record, once closed.
	URL    string `json:"url"`
	Report string `json:"report"`
}

// apiConsultationList is a buyer's consultations, newest first.
type apiConsultationList struct {
	Consultations []apiConsultation `json:"consultations"`
}

// apiAnswerFields are what a supplier answers, however it answers.
type apiAnswerFields struct {
	Interested bool            `json:"interested"`
	Reason     string          `json:"reason,omitempty"`
	FTE        float64         `json:"fte,omitempty"`
	From       *directory.Date `json:"from,omitempty"`
	Answers    []string        `json:"answers,omitempty"`
	Bids       []string        `json:"bids,omitempty"`
}

// apiAnswer is a supplier's answer.
type apiAnswer struct {
	// SupplierID: which of the user's suppliers answers; a token's own by
	// default.
	SupplierID string `json:"supplier_id,omitempty"`
	apiAnswerFields
	// UpdateCapacity also puts the FTE answered (and its from-date) on the
	// supplier's profile, as the answer page's button does.
	UpdateCapacity bool `json:"update_capacity,omitempty"`
}

// apiLinkAnswer is an answer through the link a recipient was mailed: the
// link itself or its last part.
type apiLinkAnswer struct {
	Link string `json:"link"`
	apiAnswerFields
	// UpdateCapacity also puts the FTE answered (and its from-date) on the
	// recipient's profile, as the answer page's button does.
	UpdateCapacity bool `json:"update_capacity,omitempty"`
}

// apiResponse is an answer as recorded.
type apiResponse struct {
	apiAnswerFields
	At      time.Time `json:"at"`
	Revised int       `json:"revised"`
}

// apiRecipient is a recipient, its profile's figures when invited, its
// way through the funnel and its answer.
type apiRecipient struct {
	SupplierID       string     `json:"supplier_id"`
	Name             string     `json:"name"`
	Kind             string     `json:"kind"`
	Social           bool       `json:"social"`
	Eligible         bool       `json:"eligible"`
	TargetGroupShare float64    `json:"target_group_share"`
	FreeFTE          float64    `json:"free_fte"`
	InvitedAt        time.Time  `json:"invited_at"`
	MailedAt         *time.Time `json:"mailed_at,omitempty"`
	// OpenedAt: the link in its mail opened; ViewedAt: the consultation
	// seen, through the link or signed in.
	OpenedAt *time.Time   `json:"opened_at,omitempty"`
	ViewedAt *time.Time   `json:"viewed_at,omitempty"`
	Reminded []time.Time  `json:"reminded"`
	Response *apiResponse `json:"response,omitempty"`
}

// apiQuestion is a recipient's question; who asked is not told.
type apiQuestion struct {
	N          int        `json:"n"`
	Text       string     `json:"text"`
	AskedAt    time.Time  `json:"asked_at"`
	Answer     string     `json:"answer,omitempty"`
	AnsweredAt *time.Time `json:"answered_at,omitempty"`
}

// apiConsultationResponses is what the owner reads of a consultation.
type apiConsultationResponses struct {
	Consultation apiConsultation `json:"consultation"`
	Recipients   []apiRecipient  `json:"recipients"`
	Questions    []apiQuestion   `json:"questions"`
}

// apiAnswerResult is the answer recorded.
type apiAnswerResult struct {
	ConsultationID string      `json:"consultation_id"`
	SupplierID     string      `json:"supplier_id"`
	Response       apiResponse `json:"response"`
	// Capacity is what came of update_capacity, when it was asked.
	Capacity *apiCapacityResult `json:"capacity,omitempty"`
}

// apiCapacityResult says whether the answer's capacity went to the
// profile: the offer of the consultation's first task the profile offers.
type apiCapacityResult struct {
	Updated bool `json:"updated"`
	// Reason, when not updated: no_capacity (not interested, or no FTE),
	// unclaimed (a profile from the KBO's data, whose capacity a supplier
	// with an account declares on the site), no_offer (the profile offers
	// none of the consultation's tasks), unchanged (it already holds the
	// figure), stale_version (the profile changed meanwhile: try again),
	// invalid_field (beyond the profile's bounds).
	Reason        string          `json:"reason,omitempty"`
	OfferID       string          `json:"offer_id,omitempty"`
	Task          string          `json:"task,omitempty"`
	FreeFTE       float64         `json:"free_fte,omitempty"`
	AvailableFrom *directory.Date `json:"available_from,omitempty"`
	// Version is the profile's version after the update.
	Version uint64 `json:"version,omitempty"`
}

func (s *server) consultAPIRoutes() []apiRoute {
	return append([]apiRoute{
		{Method: "POST", Path: "/api/v1/consultations", Summary: "Buyers: create a market consultation from a saved (check_id) or new (check) market check; with send, send it at once.",
			Request: apiConsultationCreate{}, Bearer: true, Body: apiConsultation{}, Errors: []int{400, 401, 403, 404, 422, 429}, handler: s.apiConsultCreate},
		{Method: "GET", Path: "/api/v1/consultations", Summary: "Buyers: their consultations, newest first, with each one's funnel.",
			Bearer: true, Body: apiConsultationList{}, Errors: []int{401, 403}, handler: s.apiConsultList},
		{Method: "GET", Path: "/api/v1/consultations/:id/responses", Summary: "The owning buyer and administrators: a consultation's recipients, their answers beside their profile figures, and the questions.",
			PathParams: []string{"id"}, Bearer: true, Body: apiConsultationResponses{}, Errors: []int{401, 403, 404}, handler: s.apiConsultResponses},
		{Method: "POST", Path: "/api/v1/consultations/:id/answer", Summary: "A recipient supplier's user (its token or session): answer a consultation before its deadline; a later answer replaces it. With update_capacity, the FTE answered (and its from-date) also goes to the profile's offer of the consultation's first task it offers; capacity says what came of it.",
			PathParams: []string{"id"}, Request: apiAnswer{}, Bearer: true, Body: apiAnswerResult{}, Errors: []int{400, 401, 403, 404, 410, 422}, handler: s.apiConsultAnswer},
		{Method: "GET", Path: "/api/v1/open-consultations", Summary: "Anyone: the consultations their buyers published, open for answers, the nearest deadline first; a supplier's user answers on the site, signed in.",
			Body: apiOpenConsultationList{}, handler: s.apiOpenConsultations},
		{Method: "POST", Path: "/api/v1/consultation-links/answer", Summary: "A recipient: answer with the link it was mailed, without an account, before the deadline. With update_capacity, the FTE answered (and its from-date) also goes to the profile's offer of the consultation's first task it offers (never to an unclaimed profile); capacity says what came of it.",
			Request: apiLinkAnswer{}, Body: apiAnswerResult{}, Errors: []int{400, 410, 422}, handler: s.apiConsultLinkAnswer},
	}, s.consultFileAPIRoutes()...)
}

// apiBuyer is the buyer an API call acts for: a buyer's or an
// administrator's session, or a token made for no supplier.
// ok is false when it answered the request (401 or 403).
func (s *server) apiBuyer(c *fiber.Ctx) (v viewer, ok bool, err error) {
	v = s.viewer(c)
	switch {
	case v.Account == nil:
		return v, false, errSignIn
	case v.Account.Status != directory.StatusActive || v.Token != nil && v.Token.SupplierID != "" ||
		v.Account.Role != directory.RoleBuyer && v.Account.Role != directory.RoleAdmin:
		return v, false, c.Status(fiber.StatusForbidden).JSON(apiError{Error: "forbidden", Reason: "only a buyer's account or token (made for no supplier) may do this"})
	}
	return v, true, nil
}

// decodeStrict reads a JSON body, refusing unknown fields; false when it
// answered 400.
func decodeStrict(c *fiber.Ctx, v any) (bool, error) {
	dec := json.NewDecoder(bytes.NewReader(c.Body()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return false, c.Status(fiber.StatusBadRequest).JSON(apiError{Error: "invalid_body", Reason: err.Error()})
	}
	return true, nil
}

// apiInvalid answers 422 for a validation error.
func apiInvalid(c *fiber.Ctx, ve *directory.ValidationError) error {
	fe := ve.Fields[0]
	return c.Status(fiber.StatusUnprocessableEntity).JSON(apiError{Error: "invalid_field", Param: fe.Field, Reason: fe.Reason})
}

func (s *server) apiConsultCreate(c *fiber.Ctx) error {
	v, ok, err := s.apiBuyer(c)
	if !ok {
		return err
	}
	var in apiConsultationCreate
	if ok, err := decodeStrict(c, &in); !ok {
		return err
	}
	var rep *market.CheckReport
	switch {
	case in.CheckID != "":
		rep, _, err = s.savedCheck(in.CheckID)
		if errors.Is(err, fiber.ErrNotFound) {
			return c.Status(fiber.StatusNotFound).JSON(apiError{Error: "not_found", Param: "check_id", Value: in.CheckID, Reason: "no saved market check has this id"})
		}
	case in.Check != nil:
		if err = checkNumbers(*in.Check); err == nil {
			rep, err = s.checker().Check(*in.Check, s.today())
		}
		var pe *search.ParamError
		if errors.As(err, &pe) {
			return c.Status(fiber.StatusUnprocessableEntity).JSON(apiError{Error: "invalid_field", Param: "check." + pe.Param, Value: pe.Value, Reason: pe.Reason})
		}
	default:
		return c.Status(fiber.StatusUnprocessableEntity).JSON(apiError{Error: "invalid_field", Param: "check", Reason: "give check_id or check"})
	}
	if err != nil {
		return err
	}
	sc, lots, cands, raw, err := consult.FromCheck(rep, s.Tasks)
	if err != nil {
		return err
	}
	lang := in.Lang
	if lang == "" {
		lang = "nl"
	}
	if !slices.Contains([]string{"nl", "fr", "en"}, lang) {
		return c.Status(fiber.StatusUnprocessableEntity).JSON(apiError{Error: "invalid_field", Param: "lang", Value: in.Lang, Reason: "is not nl, fr or en"})
	}
	co := consult.Consultation{AccountID: v.Account.ID, Buyer: strings.TrimSpace(in.Buyer), Anonymous: in.Anonymous, Public: in.Public,
		Title: in.Title, Description: in.Description, Questions: in.Questions, Deadline: in.Deadline,
		ValueBand: in.ValueBand, Scope: sc, Lots: lots, CheckID: in.CheckID, Check: raw, Candidates: cands}
	if co.Buyer == "" {
		co.Buyer = v.Account.Name
	}
	cs, err := s.consults()
	if err != nil {
		return err
	}
	// Suppliers that opted out of consultations about the task are none.
	if co.Candidates, _, err = cs.WithoutOptedOut(co.Candidates, sc.Tasks); err != nil {
		return err
	}
	err = cs.Create(&co, s.Now())
	var ve *directory.ValidationError
	switch {
	case errors.As(err, &ve):
		return apiInvalid(c, ve)
	case errors.Is(err, consult.ErrTooMany):
		return c.Status(fiber.StatusUnprocessableEntity).JSON(apiError{Error: "too_many", Reason: err.Error()})
	case err != nil:
		return err
	}
	if in.Send {
		emails, err := s.supplierEmails(co.Candidates)
		if err != nil {
			return err
		}
		chosen := in.Recipients
		if len(chosen) == 0 {
			for _, cand := range co.Candidates {
				if emails[cand.SupplierID] != "" {
					chosen = append(chosen, cand.SupplierID)
				}
			}
		}
		invites, err := cs.Send(co.ID, chosen, emails, s.consultText(lang, co), lang, s.Now())
		switch {
		case errors.As(err, &ve):
			return apiInvalid(c, ve)
		case errors.Is(err, consult.ErrSendLimit):
			return c.Status(fiber.StatusTooManyRequests).JSON(apiError{Error: "send_limit", Reason: err.Error()})
		case err != nil:
			return err
		}
		if co, err = cs.Get(co.ID); err != nil {
			return err
		}
		if err := s.mailInvites(cs, co, invites, false); err != nil {
			return err
		}
	}
	out, err := s.apiConsultationOf(cs, co)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// apiConsultationOf is a consultation with its funnel.
func (s *server) apiConsultationOf(cs *consult.Store, co consult.Consultation) (apiConsultation, error) {
	rs, err := cs.Recipients(co.ID)
	if err != nil {
		return apiConsultation{}, err
	}
	return s.apiConsultationWith(co, rs), nil
}

// apiConsultationWith is a consultation for the API with the recipients
// already read.
func (s *server) apiConsultationWith(co consult.Consultation, rs []consult.Recipient) apiConsultation {
	out := apiConsultation{ID: co.ID, Title: co.Title, Description: co.Description, Buyer: co.Buyer, Anonymous: co.Anonymous, Public: co.Public,
		Questions: co.Questions, Deadline: co.Deadline, ValueBand: co.ValueBand, Scope: co.Scope, Lots: co.Lots, CheckID: co.CheckID,
		CreatedAt: co.CreatedAt, SentAt: timePtr(co.SentAt), Draft: co.Draft(), Closed: co.Closed(s.Now()), Candidates: len(co.Candidates),
		Funnel: consult.FunnelOf(rs), URL: s.link("/raadplegingen/" + co.ID), Report: s.link("/raadplegingen/" + co.ID + "/verslag")}
	if out.Questions == nil {
		out.Questions = []string{}
	}
	if out.Lots == nil {
		out.Lots = []consult.Lot{}
	}
	out.Outcome = co.Outcome
	out.PurgedAt = timePtr(co.PurgedAt)
	if out.Attachments = co.Attachments; out.Attachments == nil {
		out.Attachments = []consult.Attachment{}
	}
	if out.Scope.Tasks == nil {
		out.Scope.Tasks = []string{}
	}
	return out
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func (s *server) apiConsultList(c *fiber.Ctx) error {
	v, ok, err := s.apiBuyer(c)
	if !ok {
		return err
	}
	cs, err := s.consults()
	if err != nil {
		return err
	}
	list, err := cs.List(v.Account.ID)
	if err != nil {
		return err
	}
	out := apiConsultationList{Consultations: []apiConsultation{}}
	for _, co := range list {
		a, err := s.apiConsultationOf(cs, co)
		if err != nil {
			return err
		}
		out.Consultations = append(out.Consultations, a)
	}
	return c.JSON(out)
}

func (s *server) apiConsultResponses(c *fiber.Ctx) error {
	v, ok, err := s.apiBuyer(c)
	if !ok {
		return err
	}
	cs, err := s.consults()
	if err != nil {
		return err
	}
	co, err := cs.Get(c.Params("id"))
	if errors.Is(err, consult.ErrNotFound) || err == nil && co.AccountID != v.Account.ID && !v.Admin() {
		return c.Status(fiber.StatusNotFound).JSON(apiError{Error: "not_found", Param: "id", Value: c.Params("id"), Reason: "you have no consultation with this id"})
	}
	if err != nil {
		return err
	}
	rs, err := cs.Recipients(co.ID)
	if err != nil {
		return err
	}
	out := apiConsultationResponses{Consultation: s.apiConsultationWith(co, rs), Recipients: []apiRecipient{}, Questions: []apiQuestion{}}
	for _, r := range rs {
		ar := apiRecipient{SupplierID: r.SupplierID, Name: r.Name, Kind: r.Kind, Social: r.Social, Eligible: r.Eligible,
			TargetGroupShare: r.TargetGroupShare, FreeFTE: r.FreeFTE, InvitedAt: r.InvitedAt, MailedAt: timePtr(r.MailedAt),
			OpenedAt: timePtr(r.OpenedAt), ViewedAt: timePtr(r.Seen()), Reminded: r.Reminded}
		if ar.Reminded == nil {
			ar.Reminded = []time.Time{}
		}
		if r.Response != nil {
			p := apiResponseOf(*r.Response)
			ar.Response = &p
		}
		out.Recipients = append(out.Recipients, ar)
	}
	qs, err := cs.Questions(co.ID)
	if err != nil {
		return err
	}
	for _, q := range qs {
		out.Questions = append(out.Questions, apiQuestion{N: q.N, Text: q.Text, AskedAt: q.AskedAt, Answer: q.Answer, AnsweredAt: timePtr(q.AnsweredAt)})
	}
	return c.JSON(out)
}

func apiResponseOf(p consult.Response) apiResponse {
	out := apiResponse{apiAnswerFields: apiAnswerFields{Interested: p.Interested, Reason: p.Reason, FTE: p.FTE, Answers: p.Answers, Bids: p.Bids}, At: p.At, Revised: p.Revised}
	if !p.From.IsZero() {
		from := p.From
		out.From = &from
	}
	return out
}

func (a apiAnswerFields) response() consult.Response {
	r := consult.Response{Interested: a.Interested, Reason: a.Reason, FTE: a.FTE, Answers: a.Answers, Bids: a.Bids}
	if a.From != nil {
		r.From = *a.From
	}
	return r
}

// apiConsultAnswer records the answer of a recipient's supplier user: its
// token acts for its one supplier, its session for the one it names (or
// its only one). Administrators and buyers do not answer for suppliers.
func (s *server) apiConsultAnswer(c *fiber.Ctx) error {
	v := s.viewer(c)
	if v.Account == nil {
		return errSignIn
	}
	var in apiAnswer
	if ok, err := decodeStrict(c, &in); !ok {
		return err
	}
	sid := in.SupplierID
	switch {
	case sid == "" && v.Token != nil:
		sid = v.Token.SupplierID
	case sid == "" && len(v.Account.SupplierIDs) == 1:
		sid = v.Account.SupplierIDs[0]
	}
	if sid == "" || v.Account.Role != directory.RoleSupplier || !v.MaySupply(sid) {
		return c.Status(fiber.StatusForbidden).JSON(apiError{Error: "forbidden", Reason: "only a recipient supplier's user or token may answer for it"})
	}
	cs, err := s.consults()
	if err != nil {
		return err
	}
	id := c.Params("id")
	err = cs.AnswerAs(id, sid, in.response(), s.Now())
	if err != nil || !in.UpdateCapacity {
		return s.apiAnswered(c, cs, id, sid, err, nil)
	}
	// The history names the token, as an offer's PATCH does, and the
	// consultation.
	actor := v.Account.Actor()
	if v.Token != nil {
		actor = tokenActor(actor, v.Token.Name)
	}
	p, err := cs.SetCapacityAs(id, sid, 0, -1, actor, s.Now())
	capacity, err := apiCapacityOf(p, err)
	if err != nil {
		return err
	}
	return s.apiAnswered(c, cs, id, sid, nil, capacity)
}

// apiCapacityOf is what putting an answer's capacity on the profile came
// to; an error it does not name is returned.
func apiCapacityOf(p consult.CapacityPlan, err error) (*apiCapacityResult, error) {
	var stale *directory.StaleVersionError
	var ve *directory.ValidationError
	out := &apiCapacityResult{OfferID: p.OfferID, Task: p.Task}
	switch {
	case err == nil:
		out.Updated, out.FreeFTE, out.Version = true, p.FTE, p.Version
		if !p.From.IsZero() {
			out.AvailableFrom = &p.From
		}
	case errors.Is(err, consult.ErrNoCapacity):
		out.Reason = "no_capacity"
	case errors.Is(err, consult.ErrUnclaimed):
		out.Reason = "unclaimed"
	case errors.Is(err, consult.ErrNoOffer):
		out.Reason = "no_offer"
	case errors.Is(err, consult.ErrSameCapacity):
		out.Reason = "unchanged"
	case errors.As(err, &stale):
		out.Reason = "stale_version"
	case errors.As(err, &ve):
		out.Reason = "invalid_field"
	default:
		return nil, err
	}
	return out, nil
}

// apiAnswered answers what recording an answer came to.
func (s *server) apiAnswered(c *fiber.Ctx, cs *consult.Store, id, sid string, err error, capacity *apiCapacityResult) error {
	var ve *directory.ValidationError
	switch {
	case errors.Is(err, consult.ErrNotFound):
		return c.Status(fiber.StatusNotFound).JSON(apiError{Error: "not_found", Param: "id", Value: id, Reason: "the supplier was not consulted in a consultation with this id"})
	case errors.Is(err, consult.ErrClosed), errors.Is(err, consult.ErrLink):
		return c.Status(fiber.StatusGone).JSON(apiError{Error: "closed", Reason: "the link is unknown or the answer period is over"})
	case errors.As(err, &ve):
		return apiInvalid(c, ve)
	case err != nil:
		return err
	}
	r, err := cs.Recipient(id, sid)
	if err != nil {
		return err
	}
	return s.apiAnswerOf(c, r, capacity)
}

// apiAnswerOf answers with a recipient's answer as recorded.
func (s *server) apiAnswerOf(c *fiber.Ctx, r consult.Recipient, capacity *apiCapacityResult) error {
	if r.Response == nil {
		return fiber.ErrInternalServerError
	}
	return c.JSON(apiAnswerResult{ConsultationID: r.ConsultationID, SupplierID: r.SupplierID, Response: apiResponseOf(*r.Response), Capacity: capacity})
}

// apiConsultLinkAnswer records an answer through a mailed link.
func (s *server) apiConsultLinkAnswer(c *fiber.Ctx) error {
	var in apiLinkAnswer
	if ok, err := decodeStrict(c, &in); !ok {
		return err
	}
	secret := in.Link
	if i := strings.LastIndex(secret, "/"); i >= 0 {
		secret = secret[i+1:]
	}
	cs, err := s.consults()
	if err != nil {
		return err
	}
	// One transaction: the answer, the first view of the link if it is
	// one, and the recipient as recorded.
	r, err := cs.AnswerLink(secret, in.response(), s.Now())
	if err != nil {
		return s.apiAnswered(c, cs, "", "", err, nil)
	}
	var capacity *apiCapacityResult
	if in.UpdateCapacity {
		// Through the link nobody signs in: the history names the answer.
		p, err := cs.SetCapacityByLink(secret, 0, r.Response.Revised, s.Now())
		if errors.Is(err, consult.ErrLink) {
			return s.apiAnswered(c, cs, "", "", err, nil)
		}
		if capacity, err = apiCapacityOf(p, err); err != nil {
			return err
		}
	}
	return s.apiAnswerOf(c, r, capacity)
}
