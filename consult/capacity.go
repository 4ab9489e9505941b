package consult

import (
	"errors"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/verken/verken/directory"
)

// A recipient that answered with the capacity it can commit may, in one
// click, put that figure on its profile: the free FTE (and, when it said
// from when, the date it is free from) of its offer for the consultation's
// task. The rules:
//
//   - One offer: that of the consultation's first task the profile
//     offers (the first such offer when it has several for that task).
//     The answer is one figure for the whole consultation, so it is not
//     split over offers; the button names the task it goes to.
//   - Only a claimed profile: a profile made from the authorities' data
//     (Unclaimed) has no capacity until a supplier with a Verken account
//     declares it, which also claims it and brings it into search. A
//     mail's link is held by whoever reads the public address the KBO
//     gives, so it never declares capacity on such a profile, and a
//     signed-in user declares it on its profile's capacity form.
//   - Only the recipient's own profile, only while the consultation takes
//     answers (the link's rule), and through the directory's own update:
//     its validation and bounds, the version check, the history (naming
//     the consultation) and the change feed the search index follows.

// Why an answer's capacity is not put on the profile.
var (
	// ErrNoCapacity: the answer commits no FTE (not interested, or none
	// given).
	ErrNoCapacity = errors.New("the answer commits no capacity")
	// ErrUnclaimed: the profile comes from the authorities' data and was
	// never claimed: its capacity is declared by a supplier with an
	// account, on its profile.
	ErrUnclaimed = errors.New("the profile is not claimed by its supplier")
	// ErrNoOffer: the profile offers none of the consultation's tasks.
	ErrNoOffer = errors.New("the profile has no offer for the consultation's tasks")
	// ErrSameCapacity: the offer already holds what the answer says.
	ErrSameCapacity = errors.New("the profile already holds this capacity")
	// ErrAnswerChanged: the answer was given again since the page that
	// offered the figure was shown.
	ErrAnswerChanged = errors.New("the answer changed since it was shown")
)

// CapacityPlan is what an answer would set on a profile: one offer's free
// capacity, and its date when the answer gave one.
type CapacityPlan struct {
	SupplierID string
	// Version is the profile's version the plan was read at.
	Version uint64
	OfferID string
	Task    string
	// FTE and From are the answer's (From zero leaves the offer's date).
	FTE  float64
	From directory.Date
	// NowFTE and NowFrom are the offer's now.
	NowFTE  float64
	NowFrom directory.Date
	// Matching counts the profile's offers of the consultation's tasks:
	// more than one, and the page says which one the figure goes to.
	Matching int
	// Revised is the answer's revision (Response.Revised).
	Revised int
}

// PlanCapacity says which offer of sup an answer to a consultation about
// tasks would set, and to what; or why none (ErrNoCapacity, ErrUnclaimed,
// ErrNoOffer, ErrSameCapacity), with the plan as far as it got.
func PlanCapacity(tasks []string, resp *Response, sup *directory.Supplier) (CapacityPlan, error) {
	p := CapacityPlan{SupplierID: sup.ID, Version: sup.Version, OfferID: "", Revised: -1}
	if resp == nil || !resp.Interested || !(resp.FTE > 0) {
		return p, ErrNoCapacity
	}
	p.FTE, p.From, p.Revised = resp.FTE, resp.From, resp.Revised
	if sup.Unclaimed {
		return p, ErrUnclaimed
	}
	i := -1
	for _, task := range tasks {
		if j := slices.IndexFunc(sup.Offers, func(o directory.Offer) bool { return o.Task == task }); j >= 0 {
			i = j
			break
		}
	}
	for _, o := range sup.Offers {
		if slices.Contains(tasks, o.Task) {
			p.Matching++
		}
	}
	if i < 0 {
		if len(tasks) > 0 {
			p.Task = tasks[0]
		}
		return p, ErrNoOffer
	}
	o := sup.Offers[i]
	p.OfferID, p.Task, p.NowFTE, p.NowFrom = o.ID, o.Task, o.FreeFTE, o.AvailableFrom
	if o.FreeFTE == p.FTE && (p.From.IsZero() || p.From == o.AvailableFrom) {
		return p, ErrSameCapacity
	}
	return p, nil
}

// CapacityFor is the plan of a recipient's answer against its profile as
// it is now, for the page that offers it.
func (s *Store) CapacityFor(c Consultation, r Recipient) (CapacityPlan, error) {
	sup, err := s.dir.Get(r.SupplierID)
	if err != nil {
		return CapacityPlan{}, err
	}
	return PlanCapacity(c.Scope.Tasks, r.Response, &sup)
}

// SetCapacityByLink puts the answer of a link's recipient on its own
// profile (the link's rules: ErrLink when it is unknown or the deadline
// passed). version and revised are what the page showed: the profile's
// version (0: as it is now) and the answer's revision (below 0: the latest).
func (s *Store) SetCapacityByLink(secret string, version uint64, revised int, now time.Time) (CapacityPlan, error) {
	var c Consultation
	var r Recipient
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		c, r, err = s.resolve(tx, secret, now)
		return err
	})
	if err != nil {
		return CapacityPlan{}, err
	}
	// Through the link nobody signs in: the history names the answer.
	return s.setCapacity(c, r, version, revised, directory.Actor{})
}

// SetCapacityAs puts the answer of a supplier that answered signed in (or
// with its token) on its profile, by: ErrNotFound when the supplier is not
// a recipient, ErrClosed after the deadline.
func (s *Store) SetCapacityAs(id, supplierID string, version uint64, revised int, by directory.Actor, now time.Time) (CapacityPlan, error) {
	var c Consultation
	var r Recipient
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		c, r, err = recipientOf(tx, id, supplierID, now)
		return err
	})
	if err != nil {
		return CapacityPlan{}, err
	}
	return s.setCapacity(c, r, version, revised, by)
}

// setCapacity writes the plan through the directory's update: a profile
// changed since version gives its *directory.StaleVersionError.
func (s *Store) setCapacity(c Consultation, r Recipient, version uint64, revised int, by directory.Actor) (CapacityPlan, error) {
	sup, err := s.dir.Get(r.SupplierID)
	if err != nil {
		return CapacityPlan{}, err
	}
	p, err := PlanCapacity(c.Scope.Tasks, r.Response, &sup)
	if err != nil {
		return p, err
	}
	if revised >= 0 && p.Revised != revised {
		return p, ErrAnswerChanged
	}
	if version != 0 {
		sup.Version = version
	}
	i := slices.IndexFunc(sup.Offers, func(o directory.Offer) bool { return o.ID == p.OfferID })
	sup.Offers[i].FreeFTE = p.FTE
	if !p.From.IsZero() {
		sup.Offers[i].AvailableFrom = p.From
	}
	by.Consultation = c.Title
	if err := s.dir.Update(&sup, by); err != nil {
		return p, err
	}
	p.Version = sup.Version
	return p, nil
}
