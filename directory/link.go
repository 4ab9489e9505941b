package directory

import (
	"time"

	bolt "go.etcd.io/bbolt"
)

var bucketOnce = []byte("one_time_links")

// Link is what a one-time link (an invitation, a password reset) stands for.
type Link struct {
	Kind       string    `json:"kind"`
	Email      string    `json:"email,omitempty"`
	AccountID  string    `json:"account_id,omitempty"`
	SupplierID string    `json:"supplier_id,omitempty"`
	By         string    `json:"by,omitempty"`
	ExpiresAt  time.Time `json:"expires_at"`
}

// Kinds of one-time links.
const (
	LinkInvite = "invite"
	LinkReset  = "reset"
)

// NewLink stores a one-time link and returns its secret.
func (s *Store) NewLink(l Link, ttl time.Duration) (string, error) {
	secret := newSecret()
	l.ExpiresAt = s.now().UTC().Add(ttl)
	err := s.db.Update(func(tx *bolt.Tx) error { return putJSON(tx, bucketOnce, hashSecret(secret), l) })
	return secret, err
}

// PeekLink returns a live link of a kind without using it up.
func (s *Store) PeekLink(kind, secret string) (Link, error) {
	var l Link
	err := s.db.View(func(tx *bolt.Tx) error { return s.liveLink(tx, kind, secret, &l) })
	return l, err
}

// UseLink returns a live link and deletes it, so that it works once.
func (s *Store) UseLink(kind, secret string) (Link, error) {
	var l Link
	err := s.db.Update(func(tx *bolt.Tx) error {
		if err := s.liveLink(tx, kind, secret, &l); err != nil {
			return err
		}
		key := hashSecret(secret)
		// The mail that carried the link has done its work.
		if _, err := dropMailBodies(tx, WithheldUsed, func(m Mail) bool { return m.Link == key }); err != nil {
			return err
		}
		return tx.Bucket(bucketOnce).Delete([]byte(key))
	})
	return l, err
}

func (s *Store) liveLink(tx *bolt.Tx, kind, secret string, l *Link) error {
	if err := getJSON(tx, bucketOnce, hashSecret(secret), l, ErrSecretNotFound); err != nil {
		return err
	}
	if l.Kind != kind || s.now().After(l.ExpiresAt) {
		return ErrSecretNotFound
	}
	return nil
}
