package consult

import (
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Opting out: a supplier may say it wants no consultations about a task,
// signed in ("Mijn Verken") or through the link in any invitation, which
// works without signing in. A supplier that opted out of every task a
// consultation is about is no candidate for it, and is not sent it.

// MaxOptOuts bounds the tasks one supplier opts out of (the taxonomy has
// fewer).
const MaxOptOuts = 100

// OptOutLinkMonths is how long after its consultation's deadline an
// opt-out link in an invitation keeps working.
const OptOutLinkMonths = 3

var (
	// bucketOptOuts keys "supplier/task" to an OptOut.
	bucketOptOuts = []byte("consultation_optouts")
	// bucketOptOutLinks keys the SHA-256 of an opt-out link's secret to
	// its optOutLink.
	bucketOptOutLinks = []byte("consultation_optout_links")
)

// OptOut is a supplier's wish to get no consultations about a task.
type OptOut struct {
	Task string    `json:"task"`
	At   time.Time `json:"at"`
	// Via is "link" (an invitation's link) or "account" (signed in).
	Via string `json:"via"`
}

// optOutLink is what an opt-out link stands for: a supplier, and the
// tasks of the consultation it was invited to.
type optOutLink struct {
	SupplierID     string    `json:"supplier_id"`
	Name           string    `json:"name"`
	Tasks          []string  `json:"tasks"`
	ConsultationID string    `json:"consultation_id"`
	ExpiresAt      time.Time `json:"expires_at"`
}

// OptOutLink is an opt-out link's offer, as the page behind it says it.
type OptOutLink struct {
	SupplierID, Name string
	Tasks            []string
}

// newOptOutLink makes the opt-out link of an invitation, inside tx.
func newOptOutLink(tx *bolt.Tx, r Recipient, c Consultation) (string, error) {
	secret := newSecret()
	l := optOutLink{SupplierID: r.SupplierID, Name: r.Name, Tasks: c.Scope.Tasks, ConsultationID: c.ID,
		ExpiresAt: c.Deadline.AddDate(0, OptOutLinkMonths, 0)}
	return secret, put(tx, bucketOptOutLinks, HashSecret(secret), l)
}

// OptOutOffer returns what an opt-out link stands for, while it is valid
// (ErrLink otherwise).
func (s *Store) OptOutOffer(secret string, now time.Time) (OptOutLink, error) {
	var l optOutLink
	err := s.db.View(func(tx *bolt.Tx) error {
		return get(tx, bucketOptOutLinks, HashSecret(secret), &l, ErrLink)
	})
	if err == nil && now.After(l.ExpiresAt) {
		err = ErrLink
	}
	return OptOutLink{SupplierID: l.SupplierID, Name: l.Name, Tasks: l.Tasks}, err
}

// OptOutByLink records the opt-out an invitation's link offers: its
// supplier, from its consultation's tasks. Using it again changes nothing.
func (s *Store) OptOutByLink(secret string, now time.Time) (OptOutLink, error) {
	var l optOutLink
	err := s.db.Update(func(tx *bolt.Tx) error {
		if err := get(tx, bucketOptOutLinks, HashSecret(secret), &l, ErrLink); err != nil {
			return err
		}
		if now.After(l.ExpiresAt) {
			return ErrLink
		}
		for _, task := range l.Tasks {
			if err := addOptOut(tx, l.SupplierID, task, "link", now); err != nil {
				return err
			}
		}
		return nil
	})
	return OptOutLink{SupplierID: l.SupplierID, Name: l.Name, Tasks: l.Tasks}, err
}

func addOptOut(tx *bolt.Tx, supplierID, task, via string, now time.Time) error {
	key := supplierID + "/" + task
	if tx.Bucket(bucketOptOuts).Get([]byte(key)) != nil {
		return nil
	}
	if countPrefix(tx, bucketOptOuts, supplierID+"/") >= MaxOptOuts {
		return ErrTooMany
	}
	return put(tx, bucketOptOuts, key, OptOut{Task: task, At: now.UTC(), Via: via})
}

// OptOuts lists the tasks a supplier opted out of, in task order.
func (s *Store) OptOuts(supplierID string) ([]OptOut, error) {
	var out []OptOut
	err := s.db.View(func(tx *bolt.Tx) error {
		return each(tx, bucketOptOuts, supplierID+"/", func(o OptOut) error { out = append(out, o); return nil })
	})
	return out, err
}

// SetOptOuts makes a supplier's opt-outs the given tasks (signed in):
// those not given are taken back, the ones kept keep their time. known
// says which tasks exist; others are refused.
func (s *Store) SetOptOuts(supplierID string, tasks []string, known func(string) bool, now time.Time) error {
	tasks = slices.Compact(slices.Sorted(slices.Values(tasks)))
	var v invalid
	if len(tasks) > MaxOptOuts {
		v.add("task", "too_many", "too many tasks", MaxOptOuts)
	}
	for _, t := range tasks {
		if !known(t) {
			v.add("task", "unknown", "is not a task", 0)
			break
		}
	}
	if err := v.err(); err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		var drop [][]byte
		c := tx.Bucket(bucketOptOuts).Cursor()
		prefix := supplierID + "/"
		for k, _ := c.Seek([]byte(prefix)); k != nil && strings.HasPrefix(string(k), prefix); k, _ = c.Next() {
			if !slices.Contains(tasks, strings.TrimPrefix(string(k), prefix)) {
				drop = append(drop, slices.Clone(k))
			}
		}
		for _, k := range drop {
			if err := tx.Bucket(bucketOptOuts).Delete(k); err != nil {
				return err
			}
		}
		for _, t := range tasks {
			if err := addOptOut(tx, supplierID, t, "account", now); err != nil {
				return err
			}
		}
		return nil
	})
}

// optedOut reports, inside tx, whether a supplier opted out of every one
// of tasks (never for a consultation about no task: a CPV code only).
func optedOut(tx *bolt.Tx, supplierID string, tasks []string) bool {
	if len(tasks) == 0 {
		return false
	}
	for _, t := range tasks {
		if tx.Bucket(bucketOptOuts).Get([]byte(supplierID+"/"+t)) == nil {
			return false
		}
	}
	return true
}

// WithoutOptedOut leaves out the candidates that opted out of every task
// of a scope; it returns how many it left out.
func (s *Store) WithoutOptedOut(cands []Candidate, tasks []string) ([]Candidate, int, error) {
	var out []Candidate
	err := s.db.View(func(tx *bolt.Tx) error {
		for _, c := range cands {
			if !optedOut(tx, c.SupplierID, tasks) {
				out = append(out, c)
			}
		}
		return nil
	})
	return out, len(cands) - len(out), err
}
