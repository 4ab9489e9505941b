package directory

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Purchasing plans: a buyer's analysed plan is kept as ONE record, its
// lines' reports inside it, so that a plan of 500 lines neither takes 500
// of the account's saved market checks nor goes over their bound. A line's
// report has its own permalink below the plan's. Like a saved market
// check, a plan is kept when its account goes (it may be in a procurement
// file) and read by whoever holds its link.

// bucketPlans holds the plans by id; migration 3 makes it (and a save
// makes it too, should a store lack it).
var (
	bucketPlans = []byte("purchase_plans")
	// bucketPlansByAccount keys "account/plan" to nothing: an account's
	// plans are counted and listed without reading anyone else's.
	bucketPlansByAccount = []byte("purchase_plans_by_account")
)

// Bounds on the plans one account keeps, and on one plan.
const (
	MaxSavedPlans = 50
	// MaxSavedPlanBytes bounds one plan: 500 lines with their figures,
	// lot plans and advice take about 1 MB.
	MaxSavedPlanBytes = 4 << 20
)

// SavedPlan is a purchasing plan kept for an account: its state ("review"
// while the buyer checks the matches, "checked" once every line has its
// market check) and the plan itself, the market package's, as JSON.
type SavedPlan struct {
	ID        string          `json:"id"`
	AccountID string          `json:"account_id"`
	Name      string          `json:"name"`
	State     string          `json:"state"`
	Lines     int             `json:"lines"`
	SavedAt   time.Time       `json:"saved_at"`
	UpdatedAt time.Time       `json:"updated_at"`
	Plan      json.RawMessage `json:"plan,omitempty"`
}

// ErrPlanNotFound: no plan has this id (for this account, on a change).
var ErrPlanNotFound = errors.New("purchasing plan not found")

// SavePlan keeps a new plan for an account and returns its id, hard to
// guess: the id is the plan's permalink.
func (s *Store) SavePlan(accountID string, p SavedPlan) (string, error) {
	if len(p.Plan) > MaxSavedPlanBytes {
		return "", ErrSavedTooLarge
	}
	if err := CheckAccountText("name", SavedSearchName, p.Name); err != nil {
		return "", err
	}
	now := s.now().UTC()
	p.ID, p.AccountID, p.SavedAt, p.UpdatedAt = newSecret()[:22], accountID, now, now
	err := s.db.Update(func(tx *bolt.Tx) error {
		if _, err := tx.CreateBucketIfNotExists(bucketPlans); err != nil {
			return err
		}
		byAccount, err := tx.CreateBucketIfNotExists(bucketPlansByAccount)
		if err != nil {
			return err
		}
		if len(planKeys(byAccount, accountID)) >= MaxSavedPlans {
			return ErrTooManySaved
		}
		if err := byAccount.Put([]byte(accountID+"/"+p.ID), nil); err != nil {
			return err
		}
		return putJSON(tx, bucketPlans, p.ID, p)
	})
	return p.ID, err
}

// UpdatePlan replaces a plan's state and content; only its account may.
func (s *Store) UpdatePlan(id, accountID, state string, lines int, plan []byte) error {
	if len(plan) > MaxSavedPlanBytes {
		return ErrSavedTooLarge
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketPlans) == nil {
			return ErrPlanNotFound
		}
		var p SavedPlan
		if err := getJSON(tx, bucketPlans, id, &p, ErrPlanNotFound); err != nil {
			return err
		}
		if p.AccountID != accountID {
			return ErrPlanNotFound
		}
		p.State, p.Lines, p.Plan, p.UpdatedAt = state, lines, plan, s.now().UTC()
		return putJSON(tx, bucketPlans, id, p)
	})
}

// DeletePlan removes a plan; only its account may.
func (s *Store) DeletePlan(id, accountID string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketPlans)
		if b == nil {
			return ErrPlanNotFound
		}
		byAccount := tx.Bucket(bucketPlansByAccount)
		key := []byte(accountID + "/" + id)
		if byAccount == nil || byAccount.Get(key) == nil {
			return ErrPlanNotFound
		}
		if err := byAccount.Delete(key); err != nil {
			return err
		}
		return b.Delete([]byte(id))
	})
}

// Plan returns a kept plan.
func (s *Store) Plan(id string) (SavedPlan, error) {
	var p SavedPlan
	err := s.db.View(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketPlans) == nil {
			return ErrPlanNotFound
		}
		return getJSON(tx, bucketPlans, id, &p, ErrPlanNotFound)
	})
	return p, err
}

// Plans lists an account's plans without their content, newest first.
func (s *Store) Plans(accountID string) ([]SavedPlan, error) {
	var out []SavedPlan
	err := s.db.View(func(tx *bolt.Tx) error {
		b, byAccount := tx.Bucket(bucketPlans), tx.Bucket(bucketPlansByAccount)
		if b == nil || byAccount == nil {
			return nil
		}
		for _, id := range planKeys(byAccount, accountID) {
			var p SavedPlan
			if err := getJSON(tx, bucketPlans, id, &p, ErrPlanNotFound); err != nil {
				return err
			}
			p.Plan = nil
			out = append(out, p)
		}
		return nil
	})
	slices.SortFunc(out, func(a, b SavedPlan) int { return b.SavedAt.Compare(a.SavedAt) })
	return out, err
}

// planKeys are the ids of an account's plans.
func planKeys(byAccount *bolt.Bucket, accountID string) []string {
	var ids []string
	prefix := []byte(accountID + "/")
	c := byAccount.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		ids = append(ids, string(k[len(prefix):]))
	}
	return ids
}
