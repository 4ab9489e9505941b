package consult

import (
	"fmt"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Equal treatment, actively: when the buyer publishes an answer to a
// question, every recipient is told, not only shown it when it next looks.
// PublishAnswer says whom to tell, each with a link of its own; the web
// front mails them as it mails invitations. Who asked is never told.

// MaxNoticeRounds bounds the answers of one consultation whose notice is
// mailed: with MaxRecipients recipients, at most 2,000 notices, however
// many questions come. A later answer is published on the pages alone (and
// carried by the reminders' links), and the buyer is told so.
const MaxNoticeRounds = 10

// Notices are the mails a published answer calls for.
type Notices struct {
	Invites []Invite
	// Withheld counts the recipients not mailed because the consultation
	// used its MaxNoticeRounds.
	Withheld int
}

// PublishAnswer publishes the buyer's answer to question n to every
// recipient, as AnswerQuestion does, and returns the question as published
// (without who asked) and a notice to mail to every recipient that can be
// reached: invited with an address (not joined from the public list), not
// opted out of the consultation's tasks, before the deadline. Each notice
// carries a new link of the recipient's own, valid until the deadline (its
// earlier links stay valid: the store keeps only their hashes), and an
// opt-out link; past MaxNoticeRounds, none, and how many were withheld.
func (s *Store) PublishAnswer(id string, n int, text string, now time.Time) (Question, Notices, error) {
	var q Question
	var notices Notices
	err := s.db.Update(func(tx *bolt.Tx) error {
		var c Consultation
		if err := get(tx, bucketConsultations, id, &c, ErrNotFound); err != nil {
			return err
		}
		if c.Closed(now) {
			return ErrClosed
		}
		key := fmt.Sprintf("%s/%06d", id, n)
		if err := get(tx, bucketQuestions, key, &q, ErrNotFound); err != nil {
			return err
		}
		if q.Published() {
			return ErrSent
		}
		var v invalid
		text = strings.TrimSpace(text)
		v.text("answer", limitQuestion, text, true)
		if err := v.err(); err != nil {
			return err
		}
		q.Answer, q.AnsweredAt = text, now.UTC()
		if err := put(tx, bucketQuestions, key, q); err != nil {
			return err
		}
		var reach []Recipient
		if err := each(tx, bucketRecipients, id+"/", func(r Recipient) error {
			if r.Email != "" && !r.Joined && !optedOut(tx, r.SupplierID, c.Scope.Tasks) {
				reach = append(reach, r)
			}
			return nil
		}); err != nil {
			return err
		}
		if len(reach) == 0 {
			return nil
		}
		if c.NoticeRounds >= MaxNoticeRounds {
			notices.Withheld = len(reach)
			return nil
		}
		for _, r := range reach {
			inv, err := s.reinvite(tx, c, r, time.Time{})
			if err != nil {
				return err
			}
			notices.Invites = append(notices.Invites, inv)
		}
		c.NoticeRounds++
		return put(tx, bucketConsultations, id, c)
	})
	q.AskedBy = ""
	return q, notices, err
}
