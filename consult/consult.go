// Package consult is the domain of market consultations: before tendering,
// a buyer asks the suppliers that match a planned contract whether and how
// they would bid (a preliminary market consultation in the sense of
// Directive 2014/24/EU art. 40, docs/rules.md §7). Equal treatment is its
// first rule: every recipient gets the same information, frozen when the
// consultation is sent, and every answered question is published to all of
// them. What it keeps is a record fit for the procurement file.
//
// It keeps its records in the store's bbolt file, in buckets of its own
// (made by the store's migration 2), and knows nothing of HTTP or mail: it
// says whom to mail with which one-time link, and the web front sends.
package consult

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/verken/verken/data"
	"github.com/verken/verken/directory"
	"github.com/verken/verken/market"
	"github.com/verken/verken/search"
)

// Bounds, so that no account and no supplier can grow the store without
// end, and no form exceeds the web front's small-body limit.
const (
	MaxPerAccount = 50  // consultations an account keeps
	MaxQuestions  = 15  // the buyer's questions in one consultation
	MaxRecipients = 200 // suppliers one consultation is sent to
	// MaxSendsPerDay bounds the consultations one account sends in 24
	// hours: every send mails up to MaxRecipients suppliers.
	MaxSendsPerDay = 5
	// MaxAsked bounds the questions one recipient asks, and MaxAskedTotal
	// those of one consultation.
	MaxAsked      = 5
	MaxAskedTotal = 100
	// MaxReminders, at least ReminderGap apart, to the recipients that
	// have not answered.
	MaxReminders = 2
	ReminderGap  = 24 * time.Hour
	// The answer period: from an hour to three months from now.
	MinPeriod = time.Hour
	MaxPeriod = 92 * 24 * time.Hour
	// MaxCheckBytes bounds the market check a consultation carries.
	MaxCheckBytes = 256 << 10
	// maxFTE bounds the capacity a supplier says it commits.
	maxFTE = 10000
)

// The texts are bounded by the directory's rules for texts (length, no
// control characters): these are its limits' names.
const (
	limitTitle       = "name"        // 200 characters, one line
	limitDescription = "description" // 5000, with line breaks
	limitQuestion    = "note"        // 1000, with line breaks
	limitReason      = "reason"      // 1000, with line breaks
)

// Value bands a consultation may show instead of its estimated value, in
// euro excluding VAT over the whole contract. The bounds above 140 000 are
// the EU thresholds of 2026–2027 (docs/rules.md §6).
var ValueBands = []string{"lt_30k", "30k_140k", "140k_216k", "216k_750k", "750k_5404k", "gt_5404k"}

var bandTops = []float64{30000, 140000, 216000, 750000, 5404000, math.Inf(1)}

// BandFor is the band of a contract's total value; "" for no value.
func BandFor(total float64) string {
	if !(total > 0) {
		return ""
	}
	for i, top := range bandTops {
		if total < top {
			return ValueBands[i]
		}
	}
	return ""
}

// How a supplier would bid.
const (
	BidAlone         = "alone"
	BidWithOthers    = "with_others"
	BidSubcontractor = "subcontractor"
)

// BidModes are the ways of bidding a supplier may name.
var BidModes = []string{BidAlone, BidWithOthers, BidSubcontractor}

// Scope is the planned contract a consultation is about: what the market
// check carried, or what the buyer gave when starting from scratch.
type Scope struct {
	Tasks          []string       `json:"tasks,omitempty"`
	CPV            string         `json:"cpv,omitempty"`
	Place          string         `json:"place,omitempty"`
	Region         string         `json:"region,omitempty"`
	VolumeFTE      float64        `json:"volume_fte"`
	Start          directory.Date `json:"start"`
	DurationMonths int            `json:"duration_months,omitempty"`
}

// Lot is one lot of the plan a consultation carries.
type Lot struct {
	FTE      float64 `json:"fte"`
	Reserved bool    `json:"reserved"`
}

// Candidate is a matching supplier with its profile's figures when the
// consultation was made: the figures the buyer read beside its answer.
type Candidate struct {
	SupplierID       string  `json:"supplier_id"`
	Name             string  `json:"name"`
	Kind             string  `json:"kind"`
	Social           bool    `json:"social"`
	Eligible         bool    `json:"eligible"`
	TargetGroupShare float64 `json:"target_group_share"`
	FreeFTE          float64 `json:"free_fte"`
	EarliestStart    string  `json:"earliest_start"`
	Municipality     string  `json:"municipality,omitempty"`
	// Unclaimed: a firm without a Verken profile, invited at the public
	// e-mail address the authorities' data gives; it declared no capacity.
	Unclaimed bool `json:"unclaimed,omitempty"`
	// Added: the buyer added it to the draft although it does not match
	// (Store.Add); the record says so.
	Added bool `json:"added,omitempty"`
}

// Consultation is what a buyer asks the market, and, once sent, the record
// of what was asked.
type Consultation struct {
	ID        string `json:"id"`
	AccountID string `json:"account_id"`
	// Buyer is the organisation recipients see, unless Anonymous: then
	// no page or mail a supplier gets names it.
	Buyer     string `json:"buyer"`
	Anonymous bool   `json:"anonymous"`
	// Public puts it, once sent, on the public list of open
	// consultations, where suppliers not invited may answer too (Join).
	Public      bool      `json:"public,omitempty"`
	Title       string    `json:"title"`
	Description string    `json:"description"`
	Questions   []string  `json:"questions"`
	Deadline    time.Time `json:"deadline"`
	// ValueBand is one of ValueBands, or "" to keep the value hidden.
	ValueBand string `json:"value_band,omitempty"`
	Scope     Scope  `json:"scope"`
	Lots      []Lot  `json:"lots,omitempty"`
	// CheckID is the saved market check it started from (its permalink),
	// and Check that report as it was (without its supplier rows).
	CheckID    string          `json:"check_id,omitempty"`
	Check      json.RawMessage `json:"check,omitempty"`
	Candidates []Candidate     `json:"candidates"`
	CreatedAt  time.Time       `json:"created_at"`
	// SentAt is zero while the consultation is a draft. Sent is the text
	// every recipient received, in Lang, frozen then.
	SentAt    time.Time   `json:"sent_at,omitzero"`
	Sent      string      `json:"sent,omitempty"`
	Lang      string      `json:"lang,omitempty"`
	Reminders []time.Time `json:"reminders,omitempty"`
	// AutoRemindedAt is when the automatic reminder went, AutoRemind
	// before the deadline (DueReminders); it counts apart from the
	// buyer's MaxReminders.
	AutoRemindedAt time.Time `json:"auto_reminded_at,omitzero"`
	// NoticeRounds counts the published answers whose notice was mailed
	// (PublishAnswer), at most MaxNoticeRounds.
	NoticeRounds int `json:"notice_rounds,omitempty"`
	// Attachments are the PDF files added to the draft (AddFile), sent
	// with it; NextFile numbers the next one, so that a number once given
	// never names another file.
	Attachments []Attachment `json:"attachments,omitempty"`
	NextFile    int          `json:"next_file,omitempty"`
	// FollowUpAt is when its buyer was asked what came of it
	// (DueFollowUps), Outcome its answer.
	FollowUpAt time.Time `json:"follow_up_at,omitzero"`
	Outcome    *Outcome  `json:"outcome,omitempty"`
	// PurgedAt is when its personal data was removed, Retention after
	// the deadline (Purge); the figures stay.
	PurgedAt time.Time `json:"purged_at,omitzero"`
}

// Draft reports whether the consultation is not sent yet.
func (c Consultation) Draft() bool { return c.SentAt.IsZero() }

// Closed reports whether the answer period is over at now.
func (c Consultation) Closed(now time.Time) bool { return now.After(c.Deadline) }

// Candidate returns the candidate with a supplier id.
func (c Consultation) Candidate(supplierID string) (Candidate, bool) {
	i := slices.IndexFunc(c.Candidates, func(x Candidate) bool { return x.SupplierID == supplierID })
	if i < 0 {
		return Candidate{}, false
	}
	return c.Candidates[i], true
}

// Recipient is a supplier a consultation was sent to, with its answer.
type Recipient struct {
	ConsultationID string `json:"consultation_id"`
	Candidate
	// Joined: it was not invited but answered from the public list
	// (signed in; it has no mail and no link).
	Joined bool `json:"joined,omitempty"`
	// Email is where the invitation went.
	Email     string    `json:"email"`
	InvitedAt time.Time `json:"invited_at"`
	MailedAt  time.Time `json:"mailed_at,omitzero"`
	// OpenedAt is when the link in its mail was first opened; ViewedAt
	// when the consultation was first seen at all, through that link or
	// signed in ("Mijn Verken"). A record from before ViewedAt was kept
	// counts its OpenedAt as seen.
	OpenedAt time.Time   `json:"opened_at,omitzero"`
	ViewedAt time.Time   `json:"viewed_at,omitzero"`
	Reminded []time.Time `json:"reminded,omitempty"`
	Response *Response   `json:"response,omitempty"`
}

// Seen is when the recipient first saw the consultation, by any way.
func (r Recipient) Seen() time.Time {
	if r.ViewedAt.IsZero() {
		return r.OpenedAt
	}
	return r.ViewedAt
}

// Response is a supplier's answer.
type Response struct {
	Interested bool   `json:"interested"`
	Reason     string `json:"reason,omitempty"` // why not, or anything to add
	// FTE it can commit, from From.
	FTE     float64        `json:"fte,omitempty"`
	From    directory.Date `json:"from,omitzero"`
	Answers []string       `json:"answers,omitempty"` // to the buyer's questions, in order
	Bids    []string       `json:"bids,omitempty"`    // BidModes
	At      time.Time      `json:"at"`
	// Revised counts the answers given before this one.
	Revised int `json:"revised,omitempty"`
}

// Question is a recipient's question; once answered, it and its answer are
// published to every recipient without saying who asked.
type Question struct {
	ConsultationID string    `json:"consultation_id"`
	N              int       `json:"n"`
	Text           string    `json:"text"`
	AskedBy        string    `json:"asked_by"` // a supplier id: the buyer's and the record's only
	AskedAt        time.Time `json:"asked_at"`
	Answer         string    `json:"answer,omitempty"`
	AnsweredAt     time.Time `json:"answered_at,omitzero"`
}

// Published reports whether every recipient sees the question.
func (q Question) Published() bool { return q.Answer != "" }

// Funnel counts a consultation's recipients by how far they came: Opened
// the link in their mail, Viewed the consultation (through the link or
// signed in), and answered.
type Funnel struct {
	Sent   int `json:"sent"`
	Opened int `json:"opened"`
	Viewed int `json:"viewed"`
	// Joined answered from the public list, without an invitation.
	Joined        int `json:"joined"`
	Interested    int `json:"interested"`
	NotInterested int `json:"not_interested"`
	NoAnswer      int `json:"no_answer"`
}

// FunnelOf counts recipients.
func FunnelOf(rs []Recipient) Funnel {
	var f Funnel
	for _, r := range rs {
		if !r.MailedAt.IsZero() {
			f.Sent++
		}
		if !r.OpenedAt.IsZero() {
			f.Opened++
		}
		if !r.Seen().IsZero() {
			f.Viewed++
		}
		if r.Joined {
			f.Joined++
		}
		switch {
		case r.Response == nil:
			f.NoAnswer++
		case r.Response.Interested:
			f.Interested++
		default:
			f.NotInterested++
		}
	}
	return f
}

// Errors of consultations.
var (
	ErrNotFound = errors.New("consultation not found")
	// ErrTooMany: the account keeps MaxPerAccount consultations.
	ErrTooMany = errors.New("the account keeps as many consultations as it may")
	// ErrSent: a sent consultation is the record; it does not change.
	ErrSent = errors.New("the consultation is sent")
	// ErrClosed: the deadline passed.
	ErrClosed = errors.New("the answer period is over")
	// ErrSendLimit: the account sent MaxSendsPerDay consultations in 24 hours.
	ErrSendLimit = errors.New("the account sent as many consultations today as it may")
	// ErrReminders: no reminder now (two sent, the last under 24 hours
	// ago, or no one left to remind).
	ErrReminders = errors.New("no reminder may go now")
	// ErrLink: the link is unknown or its consultation is closed; which
	// one is not told.
	ErrLink = errors.New("unknown or expired link")
	// ErrAskLimit: the recipient or the consultation asked as many
	// questions as it may.
	ErrAskLimit = errors.New("as many questions as may be asked")
)

// invalid collects what is wrong with an input, as the directory's
// validation error, so that the web front says it as it says the rest.
type invalid struct{ directory.ValidationError }

func (v *invalid) add(field, code, reason string, limit int) {
	v.Fields = append(v.Fields, directory.FieldError{Field: field, Code: code, Reason: reason, Limit: limit})
}

func (v *invalid) text(field, limit, s string, required bool) {
	if required && strings.TrimSpace(s) == "" {
		v.add(field, "required", "is required", 0)
		return
	}
	var ve *directory.ValidationError
	if errors.As(directory.CheckAccountText(field, limit, s), &ve) {
		v.Fields = append(v.Fields, ve.Fields...)
	}
}

func (v *invalid) err() error {
	if len(v.Fields) == 0 {
		return nil
	}
	return &v.ValidationError
}

// Check refuses a consultation to create that breaks a rule: texts and
// lists within their bounds, a deadline within the answer period from now,
// a known value band, a scope with a task and a volume.
func (c *Consultation) check(now time.Time) error {
	var v invalid
	c.Title, c.Description = strings.TrimSpace(c.Title), strings.TrimSpace(c.Description)
	v.text("title", limitTitle, c.Title, true)
	v.text("description", limitDescription, c.Description, true)
	v.text("buyer", limitTitle, c.Buyer, false)
	qs := c.Questions[:0:0]
	for _, q := range c.Questions {
		if q = strings.TrimSpace(q); q != "" {
			qs = append(qs, q)
		}
	}
	c.Questions = qs
	if len(qs) > MaxQuestions {
		v.add("questions", "too_many", fmt.Sprintf("has more than %d questions", MaxQuestions), MaxQuestions)
	}
	for i, q := range qs {
		v.text(fmt.Sprintf("questions[%d]", i), limitQuestion, q, false)
	}
	switch {
	case c.Deadline.IsZero():
		v.add("deadline", "required", "is required", 0)
	case c.Deadline.Before(now.Add(MinPeriod)):
		v.add("deadline", "deadline_soon", "lies less than an hour from now", 0)
	case c.Deadline.After(now.Add(MaxPeriod)):
		v.add("deadline", "deadline_far", "lies more than three months from now", 0)
	}
	if c.ValueBand != "" && !slices.Contains(ValueBands, c.ValueBand) {
		v.add("value_band", "unknown", "is not a value band", 0)
	}
	if len(c.Scope.Tasks) == 0 && c.Scope.CPV == "" {
		v.add("task", "required", "give a task type or a CPV code", 0)
	}
	if len(c.Candidates) > MaxRecipients {
		c.Candidates = c.Candidates[:MaxRecipients]
	}
	if len(c.Check) > MaxCheckBytes {
		v.add("check", "too_long", "the market check is too large to carry", MaxCheckBytes)
	}
	return v.err()
}

// checkResponse refuses an answer that breaks a rule.
func (r *Response) check(questions int) error {
	var v invalid
	r.Reason = strings.TrimSpace(r.Reason)
	v.text("reason", limitReason, r.Reason, !r.Interested)
	if len(r.Answers) > questions {
		r.Answers = r.Answers[:questions]
	}
	for i := range r.Answers {
		r.Answers[i] = strings.TrimSpace(r.Answers[i])
		v.text(fmt.Sprintf("answers[%d]", i), limitQuestion, r.Answers[i], false)
	}
	if !(r.FTE >= 0 && r.FTE <= maxFTE) {
		v.add("fte", "range", fmt.Sprintf("must lie between 0 and %d", maxFTE), 0)
	}
	for _, b := range r.Bids {
		if !slices.Contains(BidModes, b) {
			v.add("bids", "unknown", "is not a way of bidding", 0)
			break
		}
	}
	r.Bids = slices.Compact(slices.Sorted(slices.Values(r.Bids)))
	if !r.Interested {
		// Not interested commits nothing.
		r.FTE, r.From, r.Bids = 0, directory.Date{}, nil
	}
	return v.err()
}

// FromCheck is what a market check gives a consultation: its scope, its lot
// plan, the matching suppliers (at most MaxRecipients, in the check's
// order: social economy first, then by capacity) and the report as it was,
// without its supplier rows.
//
// A check about a CPV code names no task: the scope gets the tasks the
// code maps to (tax), so that opt-outs, partners, the capacity click and
// the public list, which go by task, hold for it too.
func FromCheck(rep *market.CheckReport, tax *data.Taxonomy) (Scope, []Lot, []Candidate, json.RawMessage, error) {
	in := rep.Input
	vol := in.VolumeFTE
	if vol == 0 && in.HoursPerWeek > 0 {
		vol = in.HoursPerWeek / market.FTEHours
	}
	sc := Scope{Tasks: in.Tasks, CPV: in.CPV, Place: in.Place, Region: in.Region, VolumeFTE: math.Round(vol*100) / 100,
		Start: in.Start, DurationMonths: in.DurationMonths}
	sc.Tasks = scopeTasks(sc, tax)
	var lots []Lot
	for _, l := range rep.Plan.Lots {
		lots = append(lots, Lot{FTE: l.FTE, Reserved: l.Reserved})
	}
	var cands []Candidate
	for _, s := range rep.Suppliers {
		if len(cands) == MaxRecipients {
			break
		}
		cands = append(cands, Candidate{SupplierID: s.ID, Name: s.Name, Kind: s.Kind, Social: s.Social, Eligible: s.Eligible,
			TargetGroupShare: s.TargetGroupShare, FreeFTE: s.FreeFTE, EarliestStart: s.EarliestStart, Municipality: s.MunicipalityNL})
	}
	bare := *rep
	bare.Suppliers = nil
	raw, err := json.Marshal(bare)
	return sc, lots, cands, raw, err
}

// TotalValue is a check's yearly value over the contract's duration (a
// year when none is given), for its value band.
func TotalValue(rep *market.CheckReport) float64 {
	months := rep.Input.DurationMonths
	if months <= 0 {
		months = 12
	}
	return rep.Input.YearlyValueEUR * float64(months) / 12
}

// UnclaimedCandidates are the firms without a Verken profile that do the
// check's activity where the check counted them (its Figures.UnclaimedArea:
// the province of its place, or its region) and have a public e-mail
// address in the authorities' data: a consultation may invite them too,
// so that a firm not yet on Verken hears of the contract. At most max, by
// name.
func UnclaimedCandidates(e search.Engine, store *directory.Store, places *data.Gazetteer, rep *market.CheckReport, max int) ([]Candidate, error) {
	if max <= 0 || rep.Figures.Unclaimed == 0 {
		return nil, nil
	}
	q := search.Query{Tasks: rep.Input.Tasks, CPV: rep.Input.CPV, Unclaimed: true, Sort: search.SortName, Today: directory.DateOf(rep.CreatedAt)}
	if d, err := directory.ParseDate(rep.Day); err == nil {
		q.Today = d
	}
	if area := rep.Figures.UnclaimedArea; area != "" {
		if _, ok := places.ResolveProvince(area); ok {
			q.Provinces = []string{area}
		} else {
			q.Regions = []string{area}
		}
	}
	// Firms with and without a profile come in one list: enough of it to
	// find max of the latter with an address, within reason.
	hits, _, err := e.All(q, unclaimedLookup)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, h := range hits {
		if h.Unclaimed {
			ids = append(ids, h.ID)
		}
	}
	sups, err := store.GetMany(ids)
	if err != nil {
		return nil, err
	}
	var out []Candidate
	for _, s := range sups {
		if len(out) == max {
			break
		}
		if !s.Unclaimed || s.Delisted != nil || s.Contact.Email == "" {
			continue
		}
		c := Candidate{SupplierID: s.ID, Name: s.Name, Kind: string(s.Kind), Social: s.Kind.SocialEconomy(), Unclaimed: true}
		if len(s.Sites) > 0 {
			if m, ok := places.Municipality(s.Sites[0].Municipality); ok {
				c.Municipality = m.Name.NL
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// unclaimedLookup bounds the list UnclaimedCandidates reads.
const unclaimedLookup = 5000
