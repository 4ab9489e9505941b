package consult

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/verken/verken/directory"
)

// The buckets, made by the store's migration 2 (directory/migrations.go).
var (
	bucketConsultations = []byte("consultations")
	// bucketRecipients keys "consultation/supplier" to a Recipient.
	bucketRecipients = []byte("consultation_recipients")
	// bucketLinks keys the SHA-256 of a link's secret to its link: a copy
	// of the store gives no working link.
	bucketLinks = []byte("consultation_links")
	// bucketQuestions keys "consultation/NNNNNN" to a Question.
	bucketQuestions = []byte("consultation_questions")
	// bucketByAccount keys "account/consultation" to nothing, so that an
	// account's consultations are counted without reading anyone else's.
	bucketByAccount = []byte("consultations_by_account")
)

// The buckets consult added after the store's migration 2, made by its
// migration 5.
var (
	// bucketFiles keys "consultation/NNN" to an attachment's content.
	bucketFiles = []byte("consultation_files")
)

// Store keeps consultations in the directory's bbolt file.
type Store struct {
	db *bolt.DB
	// dir is the directory the recipients' profiles are in: an answer's
	// capacity goes to a profile through its rules (SetCapacityByLink).
	dir *directory.Store
}

// ErrNoBuckets: the store file was not migrated to hold consultations.
var ErrNoBuckets = errors.New("the store lacks consultation buckets (its schema is older than this Verken's)")

// New opens the consultations of a directory store.
func New(d *directory.Store) (*Store, error) {
	s := &Store{db: d.DB(), dir: d}
	err := s.db.View(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketConsultations, bucketRecipients, bucketLinks, bucketQuestions, bucketByAccount,
			bucketFiles, bucketPublic, bucketOptOuts, bucketOptOutLinks} {
			if tx.Bucket(b) == nil {
				return fmt.Errorf("%w: %s", ErrNoBuckets, b)
			}
		}
		return nil
	})
	return s, err
}

// link is what a recipient's link stands for.
type link struct {
	ConsultationID string    `json:"consultation_id"`
	SupplierID     string    `json:"supplier_id"`
	ExpiresAt      time.Time `json:"expires_at"`
}

// Invite is a recipient to mail, with the secret of its link. The secret
// exists only here and in the mail: the store keeps its hash.
type Invite struct {
	Recipient Recipient
	Secret    string
	// OptOut is the secret of the link that opts the supplier out of
	// consultations about the consultation's tasks.
	OptOut string
}

// reinvite gives a recipient a new link (the earlier stay valid) and an
// opt-out link inside tx, to mail it again: a reminder, recorded at
// remindedAt, or a notice when remindedAt is zero.
func (s *Store) reinvite(tx *bolt.Tx, c Consultation, r Recipient, remindedAt time.Time) (Invite, error) {
	secret, err := s.newLink(tx, r, c.Deadline)
	if err != nil {
		return Invite{}, err
	}
	optOut, err := newOptOutLink(tx, r, c)
	if err != nil {
		return Invite{}, err
	}
	if !remindedAt.IsZero() {
		r.Reminded = append(r.Reminded, remindedAt.UTC())
		if err := put(tx, bucketRecipients, c.ID+"/"+r.SupplierID, r); err != nil {
			return Invite{}, err
		}
	}
	return Invite{Recipient: r, Secret: secret, OptOut: optOut}, nil
}

// newSecret is 32 random bytes, URL-safe; the first 22 characters make an
// id that is hard to guess (a permalink).
func newSecret() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// HashSecret is how a link's secret is stored: its SHA-256 in hex, the
// same as the directory's, so that the outbox forgets a mail's body by it.
func HashSecret(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

func put(tx *bolt.Tx, bucket []byte, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return tx.Bucket(bucket).Put([]byte(key), b)
}

func get(tx *bolt.Tx, bucket []byte, key string, v any, notFound error) error {
	b := tx.Bucket(bucket).Get([]byte(key))
	if b == nil {
		return notFound
	}
	return json.Unmarshal(b, v)
}

// each decodes every value under a key prefix, in key order.
func each[T any](tx *bolt.Tx, bucket []byte, prefix string, fn func(T) error) error {
	c := tx.Bucket(bucket).Cursor()
	p := []byte(prefix)
	for k, v := c.Seek(p); k != nil && strings.HasPrefix(string(k), prefix); k, v = c.Next() {
		var x T
		if err := json.Unmarshal(v, &x); err != nil {
			return err
		}
		if err := fn(x); err != nil {
			return err
		}
	}
	return nil
}

func countPrefix(tx *bolt.Tx, bucket []byte, prefix string) int {
	n := 0
	c := tx.Bucket(bucket).Cursor()
	for k, _ := c.Seek([]byte(prefix)); k != nil && strings.HasPrefix(string(k), prefix); k, _ = c.Next() {
		n++
	}
	return n
}

// Create checks and keeps a new draft for its account and returns its id,
// hard to guess: the id is the consultation's permalink.
func (s *Store) Create(c *Consultation, now time.Time) error {
	if err := c.check(now); err != nil {
		return err
	}
	c.ID, c.CreatedAt, c.SentAt, c.Sent, c.Reminders = newSecret()[:22], now.UTC(), time.Time{}, "", nil
	c.Attachments, c.NextFile, c.FollowUpAt, c.Outcome = nil, 0, time.Time{}, nil
	c.Deadline = c.Deadline.UTC()
	return s.db.Update(func(tx *bolt.Tx) error {
		if countPrefix(tx, bucketByAccount, c.AccountID+"/") >= MaxPerAccount {
			return ErrTooMany
		}
		if err := tx.Bucket(bucketByAccount).Put([]byte(c.AccountID+"/"+c.ID), nil); err != nil {
			return err
		}
		return put(tx, bucketConsultations, c.ID, c)
	})
}

// Get returns a consultation.
func (s *Store) Get(id string) (Consultation, error) {
	var c Consultation
	err := s.db.View(func(tx *bolt.Tx) error { return get(tx, bucketConsultations, id, &c, ErrNotFound) })
	return c, err
}

// List returns an account's consultations, newest first.
func (s *Store) List(accountID string) ([]Consultation, error) {
	var out []Consultation
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketByAccount).Cursor()
		prefix := accountID + "/"
		for k, _ := c.Seek([]byte(prefix)); k != nil && strings.HasPrefix(string(k), prefix); k, _ = c.Next() {
			var x Consultation
			if err := get(tx, bucketConsultations, strings.TrimPrefix(string(k), prefix), &x, ErrNotFound); err != nil {
				return err
			}
			out = append(out, x)
		}
		return nil
	})
	slices.SortFunc(out, func(a, b Consultation) int { return b.CreatedAt.Compare(a.CreatedAt) })
	return out, err
}

// Send turns a draft into the record: the text every recipient receives
// (in lang) is frozen, and every chosen candidate becomes a recipient with
// a link of its own, valid until the deadline. emails gives each chosen
// supplier's address; one without an address cannot be chosen. It returns
// the invitations to mail.
func (s *Store) Send(id string, supplierIDs []string, emails map[string]string, text, lang string, now time.Time) ([]Invite, error) {
	var invites []Invite
	err := s.db.Update(func(tx *bolt.Tx) error {
		var c Consultation
		if err := get(tx, bucketConsultations, id, &c, ErrNotFound); err != nil {
			return err
		}
		switch {
		case !c.Draft():
			return ErrSent
		case c.Closed(now):
			return ErrClosed
		}
		var v invalid
		chosen := slices.Compact(slices.Sorted(slices.Values(supplierIDs)))
		switch {
		case len(chosen) == 0:
			v.add("recipients", "required", "choose at least one supplier", 0)
		case len(chosen) > MaxRecipients:
			v.add("recipients", "too_many", fmt.Sprintf("at most %d suppliers", MaxRecipients), MaxRecipients)
		}
		for _, sid := range chosen {
			if _, ok := c.Candidate(sid); !ok {
				v.add("recipients", "not_a_candidate", "a supplier that does not match", 0)
				break
			}
			if emails[sid] == "" {
				v.add("recipients", "no_email", "a supplier without an e-mail address", 0)
				break
			}
		}
		if err := v.err(); err != nil {
			return err
		}
		// A supplier that opted out since the draft was made is not sent it.
		chosen = slices.DeleteFunc(chosen, func(sid string) bool { return optedOut(tx, sid, c.Scope.Tasks) })
		if len(chosen) == 0 {
			v.add("recipients", "opted_out", "every supplier chosen opted out of consultations about this task", 0)
			return v.err()
		}
		if n, err := s.sentSince(tx, c.AccountID, now.Add(-24*time.Hour)); err != nil {
			return err
		} else if n >= MaxSendsPerDay {
			return ErrSendLimit
		}
		c.SentAt, c.Sent, c.Lang = now.UTC(), text, lang
		for _, cand := range c.Candidates {
			if !slices.Contains(chosen, cand.SupplierID) {
				continue
			}
			r := Recipient{ConsultationID: c.ID, Candidate: cand, Email: emails[cand.SupplierID], InvitedAt: now.UTC()}
			secret, err := s.newLink(tx, r, c.Deadline)
			if err != nil {
				return err
			}
			optOut, err := newOptOutLink(tx, r, c)
			if err != nil {
				return err
			}
			if err := put(tx, bucketRecipients, c.ID+"/"+cand.SupplierID, r); err != nil {
				return err
			}
			invites = append(invites, Invite{Recipient: r, Secret: secret, OptOut: optOut})
		}
		if err := listPublic(tx, c); err != nil {
			return err
		}
		return put(tx, bucketConsultations, c.ID, c)
	})
	return invites, err
}

// sentSince counts the account's consultations sent after since.
func (s *Store) sentSince(tx *bolt.Tx, accountID string, since time.Time) (int, error) {
	n := 0
	c := tx.Bucket(bucketByAccount).Cursor()
	prefix := accountID + "/"
	for k, _ := c.Seek([]byte(prefix)); k != nil && strings.HasPrefix(string(k), prefix); k, _ = c.Next() {
		var x Consultation
		if err := get(tx, bucketConsultations, strings.TrimPrefix(string(k), prefix), &x, ErrNotFound); err != nil {
			return 0, err
		}
		if x.SentAt.After(since) {
			n++
		}
	}
	return n, nil
}

func (s *Store) newLink(tx *bolt.Tx, r Recipient, deadline time.Time) (string, error) {
	secret := newSecret()
	return secret, put(tx, bucketLinks, HashSecret(secret), link{ConsultationID: r.ConsultationID, SupplierID: r.SupplierID, ExpiresAt: deadline})
}

// Mailed records that the invitation or reminder to these suppliers went
// to the outbox (and, with SMTP, on its way).
func (s *Store) Mailed(id string, supplierIDs []string, at time.Time) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		for _, sid := range supplierIDs {
			var r Recipient
			if err := get(tx, bucketRecipients, id+"/"+sid, &r, ErrNotFound); err != nil {
				return err
			}
			if r.MailedAt.IsZero() {
				r.MailedAt = at.UTC()
			}
			if err := put(tx, bucketRecipients, id+"/"+sid, r); err != nil {
				return err
			}
		}
		return nil
	})
}

// Recipients lists a consultation's recipients in the order of its
// candidates (the market check's), then those that joined from the public
// list.
func (s *Store) Recipients(id string) ([]Recipient, error) {
	var out []Recipient
	var c Consultation
	err := s.db.View(func(tx *bolt.Tx) error {
		if err := get(tx, bucketConsultations, id, &c, ErrNotFound); err != nil {
			return err
		}
		return each(tx, bucketRecipients, id+"/", func(r Recipient) error { out = append(out, r); return nil })
	})
	order := map[string]int{}
	for i, cand := range c.Candidates {
		order[cand.SupplierID] = i
	}
	slices.SortFunc(out, joinedLast(order))
	return out, err
}

// Questions lists a consultation's questions in the order asked.
func (s *Store) Questions(id string) ([]Question, error) {
	var out []Question
	err := s.db.View(func(tx *bolt.Tx) error {
		return each(tx, bucketQuestions, id+"/", func(q Question) error { out = append(out, q); return nil })
	})
	return out, err
}

// resolve finds the live link of a secret, inside tx.
func (s *Store) resolve(tx *bolt.Tx, secret string, now time.Time) (Consultation, Recipient, error) {
	var l link
	var c Consultation
	var r Recipient
	if err := get(tx, bucketLinks, HashSecret(secret), &l, ErrLink); err != nil {
		return c, r, err
	}
	if now.After(l.ExpiresAt) {
		return c, r, ErrLink
	}
	if err := get(tx, bucketConsultations, l.ConsultationID, &c, ErrLink); err != nil {
		return c, r, err
	}
	err := get(tx, bucketRecipients, l.ConsultationID+"/"+l.SupplierID, &r, ErrLink)
	return c, r, err
}

// Visit returns what a link stands for and records the first time it was
// opened.
func (s *Store) Visit(secret string, now time.Time) (Consultation, Recipient, error) {
	var c Consultation
	var r Recipient
	err := s.db.Update(func(tx *bolt.Tx) error {
		var err error
		if c, r, err = s.resolve(tx, secret, now); err != nil {
			return err
		}
		if r.seen(now, true) {
			return put(tx, bucketRecipients, c.ID+"/"+r.SupplierID, r)
		}
		return nil
	})
	return c, r, err
}

// seen records that the recipient saw the consultation at now, through
// its link or not; it reports whether that changed the record.
func (r *Recipient) seen(now time.Time, link bool) bool {
	changed := false
	if link && r.OpenedAt.IsZero() {
		r.OpenedAt, changed = now.UTC(), true
	}
	if r.ViewedAt.IsZero() {
		r.ViewedAt, changed = now.UTC(), true
	}
	return changed
}

// Answer records a recipient's answer through its link; a later answer
// before the deadline replaces it.
func (s *Store) Answer(secret string, resp Response, now time.Time) error {
	_, err := s.AnswerLink(secret, resp, now)
	return err
}

// AnswerLink records a recipient's answer through its link, as Answer
// does, and returns the recipient as recorded: one transaction, for an
// answer that needs nothing else read.
func (s *Store) AnswerLink(secret string, resp Response, now time.Time) (Recipient, error) {
	var r Recipient
	err := s.db.Update(func(tx *bolt.Tx) error {
		var l link
		if err := get(tx, bucketLinks, HashSecret(secret), &l, ErrLink); err != nil {
			return err
		}
		if now.After(l.ExpiresAt) {
			return ErrLink
		}
		// An answer needs the consultation's id and questions only: the
		// record's candidates and market check are not decoded.
		var head struct {
			ID        string   `json:"id"`
			Questions []string `json:"questions"`
		}
		if err := get(tx, bucketConsultations, l.ConsultationID, &head, ErrLink); err != nil {
			return err
		}
		var rc Recipient
		if err := get(tx, bucketRecipients, l.ConsultationID+"/"+l.SupplierID, &rc, ErrLink); err != nil {
			return err
		}
		var err error
		r, err = answerTx(tx, Consultation{ID: head.ID, Questions: head.Questions}, rc, resp, now, true)
		return err
	})
	return r, err
}

// Recipient returns one recipient of a consultation (ErrNotFound when the
// supplier is none).
func (s *Store) Recipient(id, supplierID string) (Recipient, error) {
	var r Recipient
	err := s.db.View(func(tx *bolt.Tx) error { return get(tx, bucketRecipients, id+"/"+supplierID, &r, ErrNotFound) })
	return r, err
}

// answerTx checks and records a recipient's answer inside tx, and returns
// the recipient as recorded; link says whether it came through the link
// in the recipient's mail.
func answerTx(tx *bolt.Tx, c Consultation, r Recipient, resp Response, now time.Time, link bool) (Recipient, error) {
	if err := resp.check(len(c.Questions)); err != nil {
		return r, err
	}
	resp.At = now.UTC()
	if r.Response != nil {
		resp.Revised = r.Response.Revised + 1
	}
	r.seen(now, link)
	r.Response = &resp
	return r, put(tx, bucketRecipients, c.ID+"/"+r.SupplierID, r)
}

// Ask records a recipient's question through its link.
func (s *Store) Ask(secret, text string, now time.Time) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		c, r, err := s.resolve(tx, secret, now)
		if err != nil {
			return err
		}
		return askTx(tx, c, r, text, now)
	})
}

// askTx checks and records a recipient's question inside tx.
func askTx(tx *bolt.Tx, c Consultation, r Recipient, text string, now time.Time) error {
	var v invalid
	text = strings.TrimSpace(text)
	v.text("question", limitQuestion, text, true)
	if err := v.err(); err != nil {
		return err
	}
	total, mine := 0, 0
	if err := each(tx, bucketQuestions, c.ID+"/", func(q Question) error {
		total++
		if q.AskedBy == r.SupplierID {
			mine++
		}
		return nil
	}); err != nil {
		return err
	}
	if total >= MaxAskedTotal || mine >= MaxAsked {
		return ErrAskLimit
	}
	q := Question{ConsultationID: c.ID, N: total + 1, Text: text, AskedBy: r.SupplierID, AskedAt: now.UTC()}
	return put(tx, bucketQuestions, fmt.Sprintf("%s/%06d", c.ID, q.N), q)
}

// AnswerQuestion publishes the buyer's answer to question n to every
// recipient. An answer, once published, stays as it was: every recipient
// may have read it. PublishAnswer also says whom to tell.
func (s *Store) AnswerQuestion(id string, n int, text string, now time.Time) error {
	_, _, err := s.PublishAnswer(id, n, text, now)
	return err
}

// Remind gives every recipient without an answer a new link (the first
// stays valid) and returns the reminders to mail: at most MaxReminders,
// ReminderGap apart, before the deadline.
func (s *Store) Remind(id string, now time.Time) ([]Invite, error) {
	var invites []Invite
	err := s.db.Update(func(tx *bolt.Tx) error {
		var c Consultation
		if err := get(tx, bucketConsultations, id, &c, ErrNotFound); err != nil {
			return err
		}
		switch {
		case c.Draft():
			return ErrReminders
		case c.Closed(now):
			return ErrClosed
		}
		if MayRemind(c, now) != nil {
			return ErrReminders
		}
		var pending []Recipient
		if err := each(tx, bucketRecipients, id+"/", func(r Recipient) error {
			if r.Response == nil && r.Email != "" && !optedOut(tx, r.SupplierID, c.Scope.Tasks) {
				pending = append(pending, r)
			}
			return nil
		}); err != nil {
			return err
		}
		if len(pending) == 0 {
			return ErrReminders
		}
		for _, r := range pending {
			inv, err := s.reinvite(tx, c, r, now)
			if err != nil {
				return err
			}
			invites = append(invites, inv)
		}
		c.Reminders = append(c.Reminders, now.UTC())
		return put(tx, bucketConsultations, id, c)
	})
	return invites, err
}

// MayRemind says whether a reminder may go at now: nil, or why not
// (ErrReminders when the reminders are used up or the last is under
// ReminderGap old; ErrClosed after the deadline).
func MayRemind(c Consultation, now time.Time) error {
	switch {
	case c.Draft() || len(c.Reminders) >= MaxReminders:
		return ErrReminders
	case c.Closed(now):
		return ErrClosed
	case len(c.Reminders) > 0 && now.Sub(c.Reminders[len(c.Reminders)-1]) < ReminderGap:
		return ErrReminders
	}
	return nil
}
