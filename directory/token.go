package directory

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

var bucketTokens = []byte("api_tokens")

// Token is an API token of a supplier user for one supplier. Only a hash
// of its secret is stored; the secret is shown once.
type Token struct {
	ID         string    `json:"id"`
	AccountID  string    `json:"account_id"`
	SupplierID string    `json:"supplier_id"`
	Name       string    `json:"name"`
	Prefix     string    `json:"prefix"` // the secret's first characters, to tell tokens apart
	CreatedAt  time.Time `json:"created_at"`
	RevokedAt  time.Time `json:"revoked_at,omitzero"`
}

// ErrTokenRevoked: the token was revoked.
var ErrTokenRevoked = errors.New("the token was revoked")

// NewToken creates an API token and returns its secret.
func (s *Store) NewToken(accountID, supplierID, name string) (string, Token, error) {
	if err := CheckAccountText("name", TokenName, strings.TrimSpace(name)); err != nil {
		return "", Token{}, err
	}
	secret := "vk_" + newSecret()
	t := Token{ID: newID(), AccountID: accountID, SupplierID: supplierID, Name: strings.TrimSpace(name), Prefix: secret[:9], CreatedAt: s.now().UTC()}
	err := s.db.Update(func(tx *bolt.Tx) error { return putJSON(tx, bucketTokens, hashSecret(secret), t) })
	return secret, t, err
}

// TokenBySecret returns a live token and its account.
func (s *Store) TokenBySecret(secret string) (Token, Account, error) {
	var t Token
	var a Account
	err := s.db.View(func(tx *bolt.Tx) error {
		if err := getJSON(tx, bucketTokens, hashSecret(secret), &t, ErrSecretNotFound); err != nil {
			return err
		}
		if !t.RevokedAt.IsZero() {
			return ErrTokenRevoked
		}
		return getJSON(tx, bucketAccounts, t.AccountID, &a, ErrSecretNotFound)
	})
	return t, a, err
}

// Tokens lists an account's tokens, revoked ones included.
func (s *Store) Tokens(accountID string) ([]Token, error) {
	out, err := listJSON(s.db, bucketTokens, func(t Token) bool { return t.AccountID == accountID })
	slices.SortFunc(out, func(a, b Token) int { return b.CreatedAt.Compare(a.CreatedAt) })
	return out, err
}

// RevokeToken revokes one of an account's tokens.
func (s *Store) RevokeToken(accountID, tokenID string) error {
	now := s.now().UTC()
	return s.db.Update(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketTokens).Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			var t Token
			if err := json.Unmarshal(v, &t); err != nil {
				return err
			}
			if t.ID == tokenID && t.AccountID == accountID {
				t.RevokedAt = now
				return putJSON(tx, bucketTokens, string(k), t)
			}
		}
		return ErrSecretNotFound
	})
}
