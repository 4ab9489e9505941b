package consult

import (
	"cmp"
	"errors"
	"math"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/verken/verken/data"
	"github.com/verken/verken/directory"
)

// The public list of open consultations: a buyer may publish a
// consultation, so that suppliers it did not match (or did not choose) can
// answer too. A signed-in supplier user that answers one becomes a
// recipient like the others: the same information, the same questions and
// answers published to all, the same deadline.

// MaxJoined bounds the suppliers that join one consultation from the
// public list, beside its MaxRecipients invited ones.
const MaxJoined = 200

// bucketPublic keys the id of every published consultation to nothing:
// the public list reads these, not every consultation.
var bucketPublic = []byte("consultations_public")

// Errors of the public list.
var (
	// ErrRecipient: the supplier already is a recipient; it answers as one.
	ErrRecipient = errors.New("the supplier already is a recipient")
	// ErrJoinLimit: MaxJoined suppliers joined already.
	ErrJoinLimit = errors.New("as many suppliers joined as may")
)

// SetPublic says whether a draft goes on the public list once sent.
func (s *Store) SetPublic(id string, public bool) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		var c Consultation
		if err := get(tx, bucketConsultations, id, &c, ErrNotFound); err != nil {
			return err
		}
		if !c.Draft() {
			return ErrSent
		}
		c.Public = public
		return put(tx, bucketConsultations, id, c)
	})
}

// listPublic puts a sent public consultation on the list, inside tx.
func listPublic(tx *bolt.Tx, c Consultation) error {
	if !c.Public {
		return nil
	}
	return tx.Bucket(bucketPublic).Put([]byte(c.ID), nil)
}

// OpenList lists the published consultations still open at now, the nearest
// deadline first. Those past their deadline leave the list then.
func (s *Store) OpenList(now time.Time) ([]Consultation, error) {
	var out []Consultation
	var gone [][]byte
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketPublic).ForEach(func(k, _ []byte) error {
			var c Consultation
			if err := get(tx, bucketConsultations, string(k), &c, ErrNotFound); errors.Is(err, ErrNotFound) {
				gone = append(gone, slices.Clone(k))
				return nil
			} else if err != nil {
				return err
			}
			if !c.Public || c.Draft() || c.Closed(now) || !c.PurgedAt.IsZero() {
				gone = append(gone, slices.Clone(k))
				return nil
			}
			out = append(out, c)
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	if len(gone) > 0 {
		// Closed ones leave the list for good.
		err = s.db.Update(func(tx *bolt.Tx) error {
			for _, k := range gone {
				if err := tx.Bucket(bucketPublic).Delete(k); err != nil {
					return err
				}
			}
			return nil
		})
	}
	slices.SortFunc(out, func(a, b Consultation) int { return a.Deadline.Compare(b.Deadline) })
	return out, err
}

// Published returns a consultation on the public list, open at now;
// ErrNotFound for any other.
func (s *Store) Published(id string, now time.Time) (Consultation, error) {
	c, err := s.Get(id)
	if err == nil && (!c.Public || c.Draft() || c.Closed(now) || !c.PurgedAt.IsZero()) {
		err = ErrNotFound
	}
	return c, err
}

// Join records the answer of a supplier that found a published
// consultation on the public list: it becomes a recipient (Joined, no
// mail, no link: it answers signed in) with its answer. ErrRecipient when
// it already is one.
func (s *Store) Join(id string, cand Candidate, resp Response, now time.Time) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		var c Consultation
		if err := get(tx, bucketConsultations, id, &c, ErrNotFound); err != nil {
			return err
		}
		switch {
		case !c.Public || c.Draft() || !c.PurgedAt.IsZero():
			return ErrNotFound
		case c.Closed(now):
			return ErrClosed
		}
		if tx.Bucket(bucketRecipients).Get([]byte(id+"/"+cand.SupplierID)) != nil {
			return ErrRecipient
		}
		joined := 0
		if err := each(tx, bucketRecipients, id+"/", func(r Recipient) error {
			if r.Joined {
				joined++
			}
			return nil
		}); err != nil {
			return err
		}
		if joined >= MaxJoined {
			return ErrJoinLimit
		}
		r := Recipient{ConsultationID: id, Candidate: cand, Joined: true, InvitedAt: now.UTC()}
		_, err := answerTx(tx, c, r, resp, now, false)
		return err
	})
}

// CandidateOf is a supplier's profile figures for a consultation's scope,
// as a market check would give them: its free capacity and earliest start
// over its offers of the scope's tasks (all its offers when the scope
// names none), its eligibility for a reserved contract on day.
func CandidateOf(sup *directory.Supplier, sc Scope, day directory.Date, places *data.Gazetteer) Candidate {
	c := Candidate{SupplierID: sup.ID, Name: sup.Name, Kind: string(sup.Kind), Social: sup.Kind.SocialEconomy(),
		Eligible: sup.EligibleForReserved(day), TargetGroupShare: sup.TargetGroupShare, Unclaimed: sup.Unclaimed}
	var fte float64
	earliest := directory.Date{}
	for _, o := range sup.Offers {
		if len(sc.Tasks) > 0 && !slices.Contains(sc.Tasks, o.Task) {
			continue
		}
		fte += o.FreeFTE
		from := o.AvailableFrom
		if from.IsZero() || from.Before(day) {
			from = day
		}
		if earliest.IsZero() || from.Before(earliest) {
			earliest = from
		}
	}
	c.FreeFTE = math.Round(fte*100) / 100
	if !earliest.IsZero() {
		c.EarliestStart = earliest.String()
	}
	if len(sup.Sites) > 0 && places != nil {
		if m, ok := places.Municipality(sup.Sites[0].Municipality); ok {
			c.Municipality = m.Name.NL
		}
	}
	return c
}

// joinedLast orders recipients: the candidates in their order, then the
// suppliers that joined from the public list, by when they joined.
func joinedLast(order map[string]int) func(a, b Recipient) int {
	pos := func(r Recipient) int {
		if i, ok := order[r.SupplierID]; ok && !r.Joined {
			return i
		}
		return math.MaxInt
	}
	return func(a, b Recipient) int {
		if c := cmp.Compare(pos(a), pos(b)); c != 0 {
			return c
		}
		if c := a.InvitedAt.Compare(b.InvitedAt); c != 0 {
			return c
		}
		return strings.Compare(a.SupplierID, b.SupplierID)
	}
}
