package directory

import (
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Saved-search alerts: once a week a buyer is mailed which suppliers newly
// match one of its saved searches, or changed their capacity there, since
// the digest before. What the last digest saw of each saved search is kept
// here, bounded (MaxAlertHits); running the search is the engine's, and
// mailing the web front's.

// The buckets of alerts, made by the store's migration 6.
var (
	// bucketAlerts keys "account/saved search" to an alertState.
	bucketAlerts = []byte("search_alerts")
	// bucketAlertLinks keys the SHA-256 of a switch-off link's secret to
	// its alertLink: a copy of the store gives no working link.
	bucketAlertLinks = []byte("search_alert_links")
	// bucketAlertDigests keys an account to when its last digest ran.
	bucketAlertDigests = []byte("search_alert_digests")
)

// Bounds of alerts.
const (
	// MaxAlertHits bounds what a digest remembers of one saved search: its
	// first hits, in the search's order.
	MaxAlertHits = 500
	// MaxAlertLinks bounds the live switch-off links of one saved search:
	// every digest that lists it carries a new one, and each stays valid
	// until the alert is switched off; past this many the oldest goes.
	MaxAlertLinks = 12
	// AlertEvery is how often an account's digest runs.
	AlertEvery = 7 * 24 * time.Hour
	// alertSlack lets an hourly job that runs a little early still find
	// the week over.
	alertSlack = 10 * time.Minute
)

// AlertHit is a supplier a saved search found, with its capacity there
// (the free FTE of its offers that match the search).
type AlertHit struct {
	ID  string  `json:"id"`
	FTE float64 `json:"fte"`
}

// alertState is what the digests know of one saved search.
type alertState struct {
	AccountID string `json:"account_id"`
	SavedID   string `json:"saved_id"`
	// Off: its owner switched the alert off.
	Off   bool      `json:"off,omitempty"`
	OffAt time.Time `json:"off_at,omitzero"`
	// CheckedAt is when a digest last ran it; zero before the first.
	CheckedAt time.Time  `json:"checked_at,omitzero"`
	Hits      []AlertHit `json:"hits,omitempty"`
	// Links are the hashes of its live switch-off links, oldest first.
	Links []string `json:"links,omitempty"`
}

type alertLink struct {
	AccountID string `json:"account_id"`
	SavedID   string `json:"saved_id"`
}

type alertDigest struct {
	AccountID string    `json:"account_id"`
	At        time.Time `json:"at"`
}

// Alert is a saved search with whether its alert is on.
type Alert struct {
	SavedSearch
	On bool
	// CheckedAt is when a digest last ran it; zero before the first.
	CheckedAt time.Time
}

// ErrSavedNotFound: the account has no saved search with this id.
var ErrSavedNotFound = errors.New("saved search not found")

// ErrAlertLink: the switch-off link is unknown, or was used.
var ErrAlertLink = errors.New("unknown or used link")

func alertKey(accountID, savedID string) string { return accountID + "/" + savedID }

// Alerts lists an account's saved searches with their alerts, newest first.
// An alert is on unless its owner switched it off.
func (s *Store) Alerts(accountID string) ([]Alert, error) {
	saved, err := s.SavedSearches(accountID)
	if err != nil {
		return nil, err
	}
	out := make([]Alert, len(saved))
	err = s.db.View(func(tx *bolt.Tx) error {
		for i, ss := range saved {
			var st alertState
			if err := getJSON(tx, bucketAlerts, alertKey(accountID, ss.ID), &st, ErrSavedNotFound); err != nil && !errors.Is(err, ErrSavedNotFound) {
				return err
			}
			out[i] = Alert{SavedSearch: ss, On: !st.Off, CheckedAt: st.CheckedAt}
		}
		return nil
	})
	return out, err
}

// SetAlert switches a saved search's alert on or off. Off drops its
// switch-off links; on again starts afresh: the next digest says what the
// search finds then, as the first did.
func (s *Store) SetAlert(accountID, savedID string, on bool) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketSaved).Get([]byte(alertKey(accountID, savedID))) == nil {
			return ErrSavedNotFound
		}
		var st alertState
		key := alertKey(accountID, savedID)
		if err := getJSON(tx, bucketAlerts, key, &st, ErrSavedNotFound); err != nil && !errors.Is(err, ErrSavedNotFound) {
			return err
		}
		if st.Off == !on {
			return nil
		}
		if on {
			st = alertState{}
		} else {
			if err := dropAlertLinks(tx, st.Links); err != nil {
				return err
			}
			st = alertState{Off: true, OffAt: s.now().UTC()}
		}
		st.AccountID, st.SavedID = accountID, savedID
		return putJSON(tx, bucketAlerts, key, st)
	})
}

func dropAlertLinks(tx *bolt.Tx, hashes []string) error {
	for _, h := range hashes {
		if err := tx.Bucket(bucketAlertLinks).Delete([]byte(h)); err != nil {
			return err
		}
	}
	return nil
}

// AlertByLink returns the saved search a switch-off link stands for.
func (s *Store) AlertByLink(secret string) (SavedSearch, error) {
	var ss SavedSearch
	err := s.db.View(func(tx *bolt.Tx) error {
		var l alertLink
		if err := getJSON(tx, bucketAlertLinks, hashSecret(secret), &l, ErrAlertLink); err != nil {
			return err
		}
		return getJSON(tx, bucketSaved, alertKey(l.AccountID, l.SavedID), &ss, ErrAlertLink)
	})
	return ss, err
}

// AlertOffByLink switches off the alert a link stands for, and uses up
// every switch-off link of that saved search. It returns the saved search.
func (s *Store) AlertOffByLink(secret string) (SavedSearch, error) {
	ss, err := s.AlertByLink(secret)
	if err != nil {
		return ss, err
	}
	err = s.SetAlert(ss.AccountID, ss.ID, false)
	if errors.Is(err, ErrSavedNotFound) {
		err = ErrAlertLink
	}
	return ss, err
}

// AlertAccount is an account whose digest is due, with its saved searches
// whose alerts are on.
type AlertAccount struct {
	AccountID string
	Saved     []SavedSearch
}

// DueAlerts lists the accounts with saved searches whose last digest is
// AlertEvery or more before now (or that had none), with the saved searches
// whose alerts are on. It reads the keys of saved searches, and the values
// of the due accounts' only.
func (s *Store) DueAlerts(now time.Time) ([]AlertAccount, error) {
	var out []AlertAccount
	err := s.db.View(func(tx *bolt.Tx) error {
		var accounts []string
		c := tx.Bucket(bucketSaved).Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			acc, _, ok := strings.Cut(string(k), "/")
			if ok && (len(accounts) == 0 || accounts[len(accounts)-1] != acc) {
				accounts = append(accounts, acc)
			}
		}
		for _, acc := range accounts {
			var d alertDigest
			if err := getJSON(tx, bucketAlertDigests, acc, &d, ErrSavedNotFound); err == nil && now.Sub(d.At) < AlertEvery-alertSlack {
				continue
			} else if err != nil && !errors.Is(err, ErrSavedNotFound) {
				return err
			}
			due := AlertAccount{AccountID: acc}
			c := tx.Bucket(bucketSaved).Cursor()
			prefix := acc + "/"
			for k, v := c.Seek([]byte(prefix)); k != nil && strings.HasPrefix(string(k), prefix); k, v = c.Next() {
				var st alertState
				if err := getJSON(tx, bucketAlerts, string(k), &st, ErrSavedNotFound); err != nil && !errors.Is(err, ErrSavedNotFound) {
					return err
				}
				if st.Off {
					continue
				}
				var ss SavedSearch
				if err := json.Unmarshal(v, &ss); err != nil {
					return err
				}
				due.Saved = append(due.Saved, ss)
			}
			out = append(out, due)
		}
		return nil
	})
	return out, err
}

// AlertReport is what a digest says of one saved search.
type AlertReport struct {
	// First: the digest's first run of the search (or the first since
	// the alert was switched on again); New then holds every hit.
	First bool
	// New are the suppliers that match now and did not at the last
	// digest; Changed those whose capacity there changed, with Was.
	New     []AlertHit
	Changed []AlertChange
	// Secret is a new switch-off link's, when there is anything to say.
	Secret string
}

// AlertChange is a supplier whose capacity in a saved search changed.
type AlertChange struct {
	AlertHit
	Was float64
}

// Empty reports whether the digest has nothing to say of the search.
func (r AlertReport) Empty() bool { return len(r.New) == 0 && len(r.Changed) == 0 }

// RecordAlert compares what a saved search finds now (its first hits, in
// its order; at most MaxAlertHits are kept) with what the last digest
// found, keeps the new hits for the next digest, and says what changed.
// When something did, it makes a switch-off link, valid until the alert is
// switched off. A search whose alert is off, or that is gone, records
// nothing (ErrSavedNotFound when gone).
func (s *Store) RecordAlert(accountID, savedID string, hits []AlertHit, now time.Time) (AlertReport, error) {
	var rep AlertReport
	if len(hits) > MaxAlertHits {
		hits = hits[:MaxAlertHits]
	}
	now = now.UTC()
	err := s.db.Update(func(tx *bolt.Tx) error {
		key := alertKey(accountID, savedID)
		if tx.Bucket(bucketSaved).Get([]byte(key)) == nil {
			return ErrSavedNotFound
		}
		var st alertState
		if err := getJSON(tx, bucketAlerts, key, &st, ErrSavedNotFound); err != nil && !errors.Is(err, ErrSavedNotFound) {
			return err
		}
		if st.Off {
			return nil
		}
		st.AccountID, st.SavedID = accountID, savedID
		kept := make([]AlertHit, 0, len(hits))
		seen := make(map[string]bool, len(hits))
		for _, h := range hits {
			if !seen[h.ID] {
				seen[h.ID] = true
				kept = append(kept, AlertHit{ID: h.ID, FTE: math.Round(h.FTE*100) / 100})
			}
		}
		was := make(map[string]float64, len(st.Hits))
		for _, h := range st.Hits {
			was[h.ID] = h.FTE
		}
		rep.First = st.CheckedAt.IsZero()
		for _, h := range kept {
			old, ok := was[h.ID]
			switch {
			case !ok || rep.First:
				rep.New = append(rep.New, h)
			case old != h.FTE:
				rep.Changed = append(rep.Changed, AlertChange{AlertHit: h, Was: old})
			}
		}
		st.Hits, st.CheckedAt = kept, now
		if !rep.Empty() {
			rep.Secret = newSecret()
			h := hashSecret(rep.Secret)
			if err := putJSON(tx, bucketAlertLinks, h, alertLink{AccountID: accountID, SavedID: savedID}); err != nil {
				return err
			}
			st.Links = append(st.Links, h)
			if n := len(st.Links) - MaxAlertLinks; n > 0 {
				if err := dropAlertLinks(tx, st.Links[:n]); err != nil {
					return err
				}
				st.Links = slices.Clone(st.Links[n:])
			}
		}
		return putJSON(tx, bucketAlerts, key, st)
	})
	if err != nil {
		return AlertReport{}, err
	}
	return rep, nil
}

// AlertDigested records that an account's digest ran at now: the next is
// due AlertEvery later.
func (s *Store) AlertDigested(accountID string, now time.Time) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		return putJSON(tx, bucketAlertDigests, accountID, alertDigest{AccountID: accountID, At: now.UTC()})
	})
}

// PruneAlerts removes what the alerts keep of saved searches and accounts
// that are gone (a deleted account takes its saved searches with it). It
// returns how many records it removed.
func (s *Store) PruneAlerts() (int, error) {
	n := 0
	err := s.db.Update(func(tx *bolt.Tx) error {
		saved := tx.Bucket(bucketSaved)
		var gone [][]byte
		var links []string
		if err := tx.Bucket(bucketAlerts).ForEach(func(k, v []byte) error {
			if saved.Get(k) == nil {
				var st alertState
				if err := json.Unmarshal(v, &st); err != nil {
					return err
				}
				gone = append(gone, slices.Clone(k))
				links = append(links, st.Links...)
			}
			return nil
		}); err != nil {
			return err
		}
		for _, k := range gone {
			if err := tx.Bucket(bucketAlerts).Delete(k); err != nil {
				return err
			}
		}
		if err := dropAlertLinks(tx, links); err != nil {
			return err
		}
		var idle [][]byte
		if err := tx.Bucket(bucketAlertDigests).ForEach(func(k, _ []byte) error {
			if c, _ := saved.Cursor().Seek(append(slices.Clone(k), '/')); c == nil || !strings.HasPrefix(string(c), string(k)+"/") {
				idle = append(idle, slices.Clone(k))
			}
			return nil
		}); err != nil {
			return err
		}
		for _, k := range idle {
			if err := tx.Bucket(bucketAlertDigests).Delete(k); err != nil {
				return err
			}
		}
		n = len(gone) + len(idle)
		return nil
	})
	return n, err
}
