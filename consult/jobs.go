package consult

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// AutoRemind is how long before the deadline the automatic reminder goes
// to the recipients that have not answered.
const AutoRemind = 48 * time.Hour

// RetentionMonths is how long after its deadline a consultation keeps its
// personal data; then Purge removes it and keeps the figures.
const RetentionMonths = 12

// Assigned is a consultation sent to a supplier, with the supplier's
// recipient record: what a signed-in supplier user sees in "Mijn Verken".
type Assigned struct {
	Consultation Consultation
	Recipient    Recipient
}

// ForSupplier lists the sent consultations of which one of the suppliers
// is a recipient, the latest deadline first. It reads only the keys of
// the recipients bucket, and decodes the ones that match.
func (s *Store) ForSupplier(supplierIDs []string) ([]Assigned, error) {
	var out []Assigned
	if len(supplierIDs) == 0 {
		return nil, nil
	}
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketRecipients).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			id, sid, ok := strings.Cut(string(k), "/")
			if !ok || !slices.Contains(supplierIDs, sid) {
				continue
			}
			var a Assigned
			if err := json.Unmarshal(v, &a.Recipient); err != nil {
				return err
			}
			if err := get(tx, bucketConsultations, id, &a.Consultation, ErrNotFound); err != nil {
				return err
			}
			if a.Consultation.PurgedAt.IsZero() {
				out = append(out, a)
			}
		}
		return nil
	})
	slices.SortStableFunc(out, func(a, b Assigned) int { return b.Consultation.Deadline.Compare(a.Consultation.Deadline) })
	return out, err
}

// recipientOf loads a consultation and one of its recipients, open for
// answers at now, inside tx.
func recipientOf(tx *bolt.Tx, id, supplierID string, now time.Time) (Consultation, Recipient, error) {
	var c Consultation
	var r Recipient
	if err := get(tx, bucketConsultations, id, &c, ErrNotFound); err != nil {
		return c, r, err
	}
	if err := get(tx, bucketRecipients, id+"/"+supplierID, &r, ErrNotFound); err != nil {
		return c, r, err
	}
	if c.Closed(now) {
		return c, r, ErrClosed
	}
	return c, r, nil
}

// Open returns a supplier's recipient record of a consultation
// (ErrNotFound when it is none) and records the first time it was viewed
// (signed in: the link was not opened).
func (s *Store) Open(id, supplierID string, now time.Time) (Consultation, Recipient, error) {
	var c Consultation
	var r Recipient
	err := s.db.Update(func(tx *bolt.Tx) error {
		if err := get(tx, bucketConsultations, id, &c, ErrNotFound); err != nil {
			return err
		}
		if err := get(tx, bucketRecipients, id+"/"+supplierID, &r, ErrNotFound); err != nil {
			return err
		}
		if !c.Closed(now) && r.seen(now, false) {
			return put(tx, bucketRecipients, id+"/"+supplierID, r)
		}
		return nil
	})
	return c, r, err
}

// AnswerAs records the answer of a supplier that answers signed in (or
// with its token) rather than through its link: the same rules, the same
// record. ErrNotFound: the supplier is not a recipient; ErrClosed: the
// deadline passed.
func (s *Store) AnswerAs(id, supplierID string, resp Response, now time.Time) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		c, r, err := recipientOf(tx, id, supplierID, now)
		if err != nil {
			return err
		}
		_, err = answerTx(tx, c, r, resp, now, false)
		return err
	})
}

// AskAs records a signed-in supplier's question.
func (s *Store) AskAs(id, supplierID, text string, now time.Time) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		c, r, err := recipientOf(tx, id, supplierID, now)
		if err != nil {
			return err
		}
		return askTx(tx, c, r, text, now)
	})
}

// Due is a consultation whose automatic reminder is to be mailed.
type Due struct {
	Consultation Consultation
	Invites      []Invite
}

// DueReminders makes the automatic reminder of every sent consultation
// whose deadline lies AutoRemind or less ahead of now: every recipient
// without an answer that was not mailed in the last ReminderGap (its
// invitation or a reminder) and not yet reminded in these last AutoRemind
// gets a new link (the first stays valid). So a reminder never follows the
// buyer's own or the invitation within a day, and a consultation sent less
// than two days before its deadline reminds a day after it was sent, if
// the deadline is not there yet. The reminder is recorded before it is
// mailed, so that it goes once even if the mail fails (the outbox keeps
// it).
func (s *Store) DueReminders(now time.Time) ([]Due, error) {
	var out []Due
	err := s.db.Update(func(tx *bolt.Tx) error {
		var due []Consultation
		if err := each(tx, bucketConsultations, "", func(c Consultation) error {
			if !c.Draft() && !c.Closed(now) && c.Deadline.Sub(now) <= AutoRemind {
				due = append(due, c)
			}
			return nil
		}); err != nil {
			return err
		}
		for _, c := range due {
			d := Due{}
			var pending []Recipient
			if err := each(tx, bucketRecipients, c.ID+"/", func(r Recipient) error {
				if r.Response == nil && r.Email != "" && autoRemindable(r, c.Deadline, now) && !optedOut(tx, r.SupplierID, c.Scope.Tasks) {
					pending = append(pending, r)
				}
				return nil
			}); err != nil {
				return err
			}
			if len(pending) == 0 {
				continue
			}
			for _, r := range pending {
				inv, err := s.reinvite(tx, c, r, now)
				if err != nil {
					return err
				}
				d.Invites = append(d.Invites, inv)
			}
			if c.AutoRemindedAt.IsZero() {
				c.AutoRemindedAt = now.UTC()
				if err := put(tx, bucketConsultations, c.ID, c); err != nil {
					return err
				}
			}
			if len(d.Invites) > 0 {
				d.Consultation = c
				out = append(out, d)
			}
		}
		return nil
	})
	return out, err
}

// autoRemindable: the recipient was last mailed (invited or reminded) at
// least ReminderGap ago, and not reminded since the automatic reminder's
// stretch before the deadline began.
func autoRemindable(r Recipient, deadline, now time.Time) bool {
	last := r.InvitedAt
	if n := len(r.Reminded); n > 0 {
		last = r.Reminded[n-1]
		if !last.Before(deadline.Add(-AutoRemind)) {
			return false
		}
	}
	return now.Sub(last) >= ReminderGap
}

// PurgeReport says what a purge removed.
type PurgeReport struct {
	Consultations int // whose personal data was removed
	Links         int // expired links deleted
	OptOutLinks   int // expired opt-out links deleted
}

// Purge removes the personal data of every consultation whose deadline
// lies more than RetentionMonths before now, and keeps its figures: the
// scope, the lot plan, the candidates' profile figures, the funnel's
// times, and each answer's interest, capacity, start and ways of bidding.
// Removed are the account that owns it and the buyer's name (it leaves
// the account's list; administrators still read it), the text sent, the
// description, the texts of the buyer's questions (their number stays, as
// empty texts), the attachments (their sizes and digests stay), the
// addresses mail went to, the answers' free texts, the suppliers'
// questions and the note on the outcome. The title stays: it is what
// recognises the record (the pages say so). It also deletes every link
// past its deadline.
func (s *Store) Purge(now time.Time) (PurgeReport, error) {
	var rep PurgeReport
	err := s.db.Update(func(tx *bolt.Tx) error {
		var old []Consultation
		if err := each(tx, bucketConsultations, "", func(c Consultation) error {
			if c.PurgedAt.IsZero() && now.After(c.Deadline.AddDate(0, RetentionMonths, 0)) {
				old = append(old, c)
			}
			return nil
		}); err != nil {
			return err
		}
		for _, c := range old {
			if err := tx.Bucket(bucketByAccount).Delete([]byte(c.AccountID + "/" + c.ID)); err != nil {
				return err
			}
			if err := tx.Bucket(bucketPublic).Delete([]byte(c.ID)); err != nil {
				return err
			}
			var rs []Recipient
			if err := each(tx, bucketRecipients, c.ID+"/", func(r Recipient) error { rs = append(rs, r); return nil }); err != nil {
				return err
			}
			for _, r := range rs {
				r.Email = ""
				if r.Response != nil {
					r.Response.Reason, r.Response.Answers = "", nil
				}
				if err := put(tx, bucketRecipients, c.ID+"/"+r.SupplierID, r); err != nil {
					return err
				}
			}
			var qs []Question
			if err := each(tx, bucketQuestions, c.ID+"/", func(q Question) error { qs = append(qs, q); return nil }); err != nil {
				return err
			}
			for _, q := range qs {
				q.Text, q.Answer, q.AskedBy = "", "", ""
				if err := put(tx, bucketQuestions, q.key(), q); err != nil {
					return err
				}
			}
			if err := purgeFiles(tx, c); err != nil {
				return err
			}
			for i := range c.Attachments {
				c.Attachments[i].Name = ""
			}
			if c.Outcome != nil {
				c.Outcome.Note = ""
			}
			c.AccountID, c.Buyer, c.Sent, c.Description, c.PurgedAt = "", "", "", "", now.UTC()
			c.Questions = make([]string, len(c.Questions))
			if err := put(tx, bucketConsultations, c.ID, c); err != nil {
				return err
			}
			rep.Consultations++
		}
		var err error
		if rep.Links, err = deleteExpired(tx.Bucket(bucketLinks), now, func(l link) time.Time { return l.ExpiresAt }); err != nil {
			return err
		}
		rep.OptOutLinks, err = deleteExpired(tx.Bucket(bucketOptOutLinks), now, func(l optOutLink) time.Time { return l.ExpiresAt })
		return err
	})
	return rep, err
}

// deleteExpired deletes the records of b, each a T, whose time (expires)
// is past now, and counts them.
func deleteExpired[T any](b *bolt.Bucket, now time.Time, expires func(T) time.Time) (int, error) {
	var gone [][]byte
	if err := b.ForEach(func(k, v []byte) error {
		var r T
		if err := json.Unmarshal(v, &r); err != nil {
			return err
		}
		if now.After(expires(r)) {
			gone = append(gone, slices.Clone(k))
		}
		return nil
	}); err != nil {
		return 0, err
	}
	for _, k := range gone {
		if err := b.Delete(k); err != nil {
			return 0, err
		}
	}
	return len(gone), nil
}

func (q Question) key() string { return fmt.Sprintf("%s/%06d", q.ConsultationID, q.N) }
