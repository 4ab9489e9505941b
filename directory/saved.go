package directory

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

var (
	bucketSaved  = []byte("saved_searches")
	bucketChecks = []byte("market_checks")
)

// SavedSearch is a buyer's search kept under a name.
type SavedSearch struct {
	ID        string    `json:"id"`
	AccountID string    `json:"account_id"`
	Name      string    `json:"name"`
	Query     string    `json:"query"` // the search's URL query string
	CreatedAt time.Time `json:"created_at"`
}

// Bounds on what one account keeps, so that no account can grow the
// store without end. Nothing is dropped to make room: a saved report may
// be in a procurement file.
const (
	MaxSavedSearches = 100
	MaxSavedChecks   = 100
	// MaxSavedCheckBytes bounds one saved report (its inputs, figures
	// and advice; not its supplier rows).
	MaxSavedCheckBytes = 256 << 10
)

// ErrTooManySaved: the account keeps as many searches or reports as it may.
var ErrTooManySaved = errors.New("the account keeps as many as it may")

// ErrSavedTooLarge: a report to save is larger than MaxSavedCheckBytes.
var ErrSavedTooLarge = errors.New("the report is too large to keep")

// SaveSearch keeps a search for an account.
func (s *Store) SaveSearch(accountID, name, query string) error {
	if err := CheckAccountText("name", SavedSearchName, name); err != nil {
		return err
	}
	if err := CheckAccountText("query", SavedSearchQuery, query); err != nil {
		return err
	}
	ss := SavedSearch{ID: newID(), AccountID: accountID, Name: name, Query: query, CreatedAt: s.now().UTC()}
	return s.db.Update(func(tx *bolt.Tx) error {
		n := 0
		c := tx.Bucket(bucketSaved).Cursor()
		prefix := []byte(accountID + "/")
		for k, _ := c.Seek(prefix); k != nil && strings.HasPrefix(string(k), string(prefix)); k, _ = c.Next() {
			n++
		}
		if n >= MaxSavedSearches {
			return ErrTooManySaved
		}
		return putJSON(tx, bucketSaved, accountID+"/"+ss.ID, ss)
	})
}

// SavedSearches lists an account's saved searches, newest first.
func (s *Store) SavedSearches(accountID string) ([]SavedSearch, error) {
	var out []SavedSearch
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketSaved).Cursor()
		prefix := []byte(accountID + "/")
		for k, v := c.Seek(prefix); k != nil && strings.HasPrefix(string(k), string(prefix)); k, v = c.Next() {
			var ss SavedSearch
			if err := json.Unmarshal(v, &ss); err != nil {
				return err
			}
			out = append(out, ss)
		}
		return nil
	})
	slices.SortFunc(out, func(a, b SavedSearch) int { return b.CreatedAt.Compare(a.CreatedAt) })
	return out, err
}

// SavedCheck is a market-check report kept as it was: the report itself is
// the search package's, stored here as JSON.
type SavedCheck struct {
	ID        string          `json:"id"`
	AccountID string          `json:"account_id"`
	SavedAt   time.Time       `json:"saved_at"`
	Report    json.RawMessage `json:"report"`
}

// SaveCheck keeps a report and returns its id, hard to guess: the id is the
// report's permalink.
func (s *Store) SaveCheck(accountID string, report []byte) (string, error) {
	if len(report) > MaxSavedCheckBytes {
		return "", ErrSavedTooLarge
	}
	sc := SavedCheck{ID: newSecret()[:22], AccountID: accountID, SavedAt: s.now().UTC(), Report: report}
	err := s.db.Update(func(tx *bolt.Tx) error {
		n := 0
		err := tx.Bucket(bucketChecks).ForEach(func(_, v []byte) error {
			if accountOf(v) == accountID {
				n++
			}
			return nil
		})
		if err != nil {
			return err
		}
		if n >= MaxSavedChecks {
			return ErrTooManySaved
		}
		return putJSON(tx, bucketChecks, sc.ID, sc)
	})
	return sc.ID, err
}

// ErrCheckNotFound: no saved report has this id.
var ErrCheckNotFound = errors.New("market check not found")

// Check returns a saved report.
func (s *Store) Check(id string) (SavedCheck, error) {
	var sc SavedCheck
	err := s.db.View(func(tx *bolt.Tx) error { return getJSON(tx, bucketChecks, id, &sc, ErrCheckNotFound) })
	return sc, err
}

// Checks lists an account's saved reports, newest first.
func (s *Store) Checks(accountID string) ([]SavedCheck, error) {
	out, err := listJSON(s.db, bucketChecks, func(sc SavedCheck) bool { return sc.AccountID == accountID })
	slices.SortFunc(out, func(a, b SavedCheck) int { return b.SavedAt.Compare(a.SavedAt) })
	return out, err
}
