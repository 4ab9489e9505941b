package directory

import (
	"time"

	bolt "go.etcd.io/bbolt"
)

var bucketSessions = []byte("sessions")

// Session is a signed-in browser. Only a hash of its secret is stored.
type Session struct {
	AccountID string    `json:"account_id"`
	CSRF      string    `json:"csrf"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
}

// NewSession starts a session for an account and returns its secret, which
// only the browser keeps.
func (s *Store) NewSession(accountID string, ttl time.Duration) (string, Session, error) {
	secret, csrf := newSecret(), newSecret()
	now := s.now().UTC()
	sess := Session{AccountID: accountID, CSRF: csrf, CreatedAt: now, ExpiresAt: now.Add(ttl)}
	err := s.db.Update(func(tx *bolt.Tx) error { return putJSON(tx, bucketSessions, hashSecret(secret), sess) })
	return secret, sess, err
}

// SessionBySecret returns a live session and its account.
func (s *Store) SessionBySecret(secret string) (Session, Account, error) {
	var sess Session
	var a Account
	err := s.db.View(func(tx *bolt.Tx) error {
		if err := getJSON(tx, bucketSessions, hashSecret(secret), &sess, ErrSecretNotFound); err != nil {
			return err
		}
		if s.now().After(sess.ExpiresAt) {
			return ErrSecretNotFound
		}
		return getJSON(tx, bucketAccounts, sess.AccountID, &a, ErrSecretNotFound)
	})
	return sess, a, err
}

// EndSession signs a browser out.
func (s *Store) EndSession(secret string) error {
	return s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketSessions).Delete([]byte(hashSecret(secret))) })
}
