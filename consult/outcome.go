package consult

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/verken/verken/market"
)

// What came of it: a week after the deadline the buyer is asked whether it
// tendered, how many bids came in and whether a social-economy supplier
// won; its answer stays with the consultation's figures.

// FollowUpAfter is how long after the deadline the buyer is asked;
// FollowUpWithin how long after that a consultation is still asked about
// (one whose time passed before, say while the server was down for a
// month, is not asked about any more).
const (
	FollowUpAfter  = 7 * 24 * time.Hour
	FollowUpWithin = 30 * 24 * time.Hour
	// MaxBids bounds the number of bids a buyer reports.
	MaxBids = 1000
)

// Whether it was tendered, and whether a social-economy supplier won.
var (
	Tendered = []string{"yes", "no", "not_yet"}
	Awarded  = []string{"yes", "no", "unknown"}
)

// Outcome is what the buyer says came of a consultation.
type Outcome struct {
	// Tendered is one of Tendered.
	Tendered string `json:"tendered"`
	// Bids is how many bids came in (tendered only).
	Bids int `json:"bids,omitempty"`
	// AwardedSocial is one of Awarded (tendered only): whether the
	// contract went to a social-economy supplier.
	AwardedSocial string `json:"awarded_social,omitempty"`
	// Note is anything the buyer adds; the purge removes it.
	Note string    `json:"note,omitempty"`
	At   time.Time `json:"at"`
}

// ErrNotClosed: the answer period is not over yet.
var ErrNotClosed = errors.New("the answer period is not over")

func (o *Outcome) check() error {
	var v invalid
	if !slices.Contains(Tendered, o.Tendered) {
		v.add("tendered", "required", "say whether it was tendered", 0)
	}
	if o.Tendered != "yes" {
		o.Bids, o.AwardedSocial = 0, ""
	} else {
		if o.Bids < 0 || o.Bids > MaxBids {
			v.add("bids", "range", fmt.Sprintf("must lie between 0 and %d", MaxBids), MaxBids)
		}
		if !slices.Contains(Awarded, o.AwardedSocial) {
			v.add("awarded_social", "required", "say whether a social-economy supplier won it", 0)
		}
	}
	o.Note = strings.TrimSpace(o.Note)
	v.text("note", limitQuestion, o.Note, false)
	return v.err()
}

// SetOutcome records what came of a sent consultation, once its deadline
// passed; a later answer replaces it.
func (s *Store) SetOutcome(id string, o Outcome, now time.Time) error {
	if err := o.check(); err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		var c Consultation
		if err := get(tx, bucketConsultations, id, &c, ErrNotFound); err != nil {
			return err
		}
		if c.Draft() || !c.Closed(now) {
			return ErrNotClosed
		}
		o.At = now.UTC()
		c.Outcome = &o
		return put(tx, bucketConsultations, id, c)
	})
}

// DueFollowUps returns the sent consultations whose buyer is to be asked
// what came of them now: FollowUpAfter past the deadline (and not
// FollowUpWithin more), not asked before, not purged. They are recorded as
// asked before they are mailed, so that the question goes once.
func (s *Store) DueFollowUps(now time.Time) ([]Consultation, error) {
	var out []Consultation
	err := s.db.Update(func(tx *bolt.Tx) error {
		if err := each(tx, bucketConsultations, "", func(c Consultation) error {
			due := c.Deadline.Add(FollowUpAfter)
			if !c.Draft() && c.FollowUpAt.IsZero() && c.PurgedAt.IsZero() && c.AccountID != "" && c.Outcome == nil &&
				!now.Before(due) && now.Before(due.Add(FollowUpWithin)) {
				out = append(out, c)
			}
			return nil
		}); err != nil {
			return err
		}
		for i := range out {
			out[i].FollowUpAt = now.UTC()
			if err := put(tx, bucketConsultations, out[i].ID, out[i]); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// Experience sums the outcomes buyers reported of the consultations that
// asked about any of the tasks, for the next buyer's market check.
func (s *Store) Experience(tasks []string) (market.Experience, error) {
	var ex market.Experience
	err := s.db.View(func(tx *bolt.Tx) error {
		return each(tx, bucketConsultations, "", func(c Consultation) error {
			o := c.Outcome
			if o == nil || !slices.ContainsFunc(c.Scope.Tasks, func(t string) bool { return slices.Contains(tasks, t) }) {
				return nil
			}
			ex.Reported++
			if o.Tendered == "yes" {
				ex.Tendered++
				ex.Bids += o.Bids
				if o.AwardedSocial == "yes" {
					ex.AwardedSocial++
				}
			}
			return nil
		})
	})
	return ex, err
}
