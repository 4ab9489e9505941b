package directory

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/alexedwards/argon2id"
	bolt "go.etcd.io/bbolt"
)

var (
	bucketAccounts        = []byte("accounts")
	bucketAccountsByEmail = []byte("accounts_by_email")
	bucketSessions        = []byte("sessions")
	bucketTokens          = []byte("api_tokens")
	bucketOnce            = []byte("one_time_links")
	bucketOutbox          = []byte("outbox")
	bucketSaved           = []byte("saved_searches")
	bucketChecks          = []byte("market_checks")
)

// Role is what an account may do.
type Role string

const (
	// RoleSupplier edits the suppliers it belongs to.
	RoleSupplier Role = "supplier"
	// RoleBuyer saves searches and market checks.
	RoleBuyer Role = "buyer"
	// RoleAdmin onboards, approves, verifies and delists.
	RoleAdmin Role = "admin"
)

// Account statuses.
const (
	StatusActive = "active"
	// StatusPending: a supplier user who registered without an invitation
	// waits for an administrator's approval.
	StatusPending = "pending"
)

// Account is a person who signs in.
type Account struct {
	ID           string    `json:"id"`
	Email        string    `json:"email"`
	Name         string    `json:"name"`
	Role         Role      `json:"role"`
	SupplierIDs  []string  `json:"supplier_ids,omitempty"`
	Status       string    `json:"status"`
	PasswordHash string    `json:"password_hash"`
	CreatedAt    time.Time `json:"created_at"`
	// RequestedKBO is the enterprise number a self-registered supplier
	// user asks to represent, until an administrator approves.
	RequestedKBO string `json:"requested_kbo,omitempty"`
}

// Actor is the account as the author of a change.
func (a Account) Actor() Actor { return Actor{AccountID: a.ID, Name: a.Name + " <" + a.Email + ">"} }

// MaySupply reports whether the account may edit the supplier.
func (a Account) MaySupply(supplierID string) bool {
	return a.Status == StatusActive && (a.Role == RoleAdmin || a.Role == RoleSupplier && slices.Contains(a.SupplierIDs, supplierID))
}

// passwordParams are the argon2id parameters: OWASP's minimum for argon2id
// (19 MiB, two passes, one lane), stated here rather than left to the
// library's defaults.
var passwordParams = &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// MaxPasswordLength bounds a password: long enough for any passphrase,
// short enough that hashing one costs no more than hashing another.
const MaxPasswordLength = 1024

// ErrPasswordTooLong: a password is longer than MaxPasswordLength.
var ErrPasswordTooLong = fmt.Errorf("a password has at most %d characters", MaxPasswordLength)

// CheckPassword refuses a password that is too short or too long.
func CheckPassword(password string) error {
	switch n := len([]rune(password)); {
	case n < MinPasswordLength:
		return ErrPasswordTooShort
	case n > MaxPasswordLength:
		return ErrPasswordTooLong
	}
	return nil
}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

// Errors of accounts and their secrets.
var (
	ErrEmailTaken       = errors.New("an account with this e-mail address exists")
	ErrAccountNotFound  = errors.New("account not found")
	ErrBadCredentials   = errors.New("unknown e-mail address or wrong password")
	ErrSecretNotFound   = errors.New("unknown or expired")
	ErrPasswordTooShort = fmt.Errorf("a password has at least %d characters", MinPasswordLength)
	ErrInvalidEmail     = errors.New("not an e-mail address")
)

func normalEmail(e string) (string, error) {
	e = strings.ToLower(strings.TrimSpace(e))
	if a, err := mail.ParseAddress(e); err != nil || a.Address != e {
		return "", ErrInvalidEmail
	}
	return e, nil
}

// CreateAccount stores a new account with a hashed password.
func (s *Store) CreateAccount(a *Account, password string) error {
	email, err := normalEmail(a.Email)
	if err != nil {
		return err
	}
	if err := CheckPassword(password); err != nil {
		return err
	}
	if err := CheckAccountText("name", AccountName, a.Name); err != nil {
		return err
	}
	a.Email = email
	if a.PasswordHash, err = argon2id.CreateHash(password, passwordParams); err != nil {
		return err
	}
	if a.ID == "" {
		a.ID = newID()
	}
	if a.Status == "" {
		a.Status = StatusActive
	}
	a.CreatedAt = s.now().UTC()
	return s.db.Update(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketAccountsByEmail).Get([]byte(email)) != nil {
			return ErrEmailTaken
		}
		if err := tx.Bucket(bucketAccountsByEmail).Put([]byte(email), []byte(a.ID)); err != nil {
			return err
		}
		return putJSON(tx, bucketAccounts, a.ID, a)
	})
}

// Authenticate returns the account with this e-mail address and password.
// An unknown address costs as much time as a wrong password.
func (s *Store) Authenticate(email, password string) (Account, error) {
	a, err := s.AccountByEmail(email)
	if err != nil {
		_, _ = argon2id.CreateHash(password, passwordParams)
		return Account{}, ErrBadCredentials
	}
	ok, err := argon2id.ComparePasswordAndHash(password, a.PasswordHash)
	if err != nil || !ok {
		return Account{}, ErrBadCredentials
	}
	return a, nil
}

// Account returns an account by id.
func (s *Store) Account(id string) (Account, error) {
	var a Account
	err := s.db.View(func(tx *bolt.Tx) error { return getJSON(tx, bucketAccounts, id, &a, ErrAccountNotFound) })
	return a, err
}

// AccountByEmail returns an account by e-mail address.
func (s *Store) AccountByEmail(email string) (Account, error) {
	email, err := normalEmail(email)
	if err != nil {
		return Account{}, ErrAccountNotFound
	}
	var a Account
	err = s.db.View(func(tx *bolt.Tx) error {
		id := tx.Bucket(bucketAccountsByEmail).Get([]byte(email))
		if id == nil {
			return ErrAccountNotFound
		}
		return getJSON(tx, bucketAccounts, string(id), &a, ErrAccountNotFound)
	})
	return a, err
}

// Accounts returns every account, oldest first.
func (s *Store) Accounts() ([]Account, error) {
	out, err := listJSON(s.db, bucketAccounts, func(Account) bool { return true })
	slices.SortFunc(out, func(a, b Account) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return out, err
}

// SaveAccount stores changes to an account's name, role, suppliers and
// status; the e-mail address and the password have their own ways.
func (s *Store) SaveAccount(a Account) error {
	if err := CheckAccountText("name", AccountName, a.Name); err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		var cur Account
		if err := getJSON(tx, bucketAccounts, a.ID, &cur, ErrAccountNotFound); err != nil {
			return err
		}
		cur.Name, cur.Role, cur.SupplierIDs, cur.Status, cur.RequestedKBO = a.Name, a.Role, a.SupplierIDs, a.Status, a.RequestedKBO
		return putJSON(tx, bucketAccounts, cur.ID, cur)
	})
}

// SetPassword replaces an account's password and ends its sessions.
func (s *Store) SetPassword(id, password string) error {
	if err := CheckPassword(password); err != nil {
		return err
	}
	hash, err := argon2id.CreateHash(password, passwordParams)
	if err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		var a Account
		if err := getJSON(tx, bucketAccounts, id, &a, ErrAccountNotFound); err != nil {
			return err
		}
		a.PasswordHash = hash
		if err := putJSON(tx, bucketAccounts, id, a); err != nil {
			return err
		}
		return deleteWhere(tx, bucketSessions, func(v []byte) bool { return accountOf(v) == id })
	})
}

// DeleteAccount removes an account with its sessions and API tokens. The
// suppliers' history keeps the name it wrote under.
func (s *Store) DeleteAccount(id string) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		var a Account
		if err := getJSON(tx, bucketAccounts, id, &a, ErrAccountNotFound); err != nil {
			return err
		}
		if err := tx.Bucket(bucketAccountsByEmail).Delete([]byte(a.Email)); err != nil {
			return err
		}
		if err := tx.Bucket(bucketAccounts).Delete([]byte(id)); err != nil {
			return err
		}
		owned := func(v []byte) bool { return accountOf(v) == id }
		for _, b := range [][]byte{bucketSessions, bucketTokens, bucketSaved} {
			if err := deleteWhere(tx, b, owned); err != nil {
				return err
			}
		}
		return nil
	})
}

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

// newSecret is 32 random bytes, URL-safe.
func newSecret() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// hashSecret is how a secret is stored: a leaked store file does not give
// working sessions, tokens or links.
func hashSecret(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

func putJSON(tx *bolt.Tx, bucket []byte, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return tx.Bucket(bucket).Put([]byte(key), b)
}

func getJSON(tx *bolt.Tx, bucket []byte, key string, v any, notFound error) error {
	b := tx.Bucket(bucket).Get([]byte(key))
	if b == nil {
		return notFound
	}
	return json.Unmarshal(b, v)
}

// listJSON decodes every value of a bucket and keeps those keep accepts.
// The buckets it reads stay small (accounts, their tokens, saved reports), so
// a scan needs no index per account.
func listJSON[T any](db *bolt.DB, bucket []byte, keep func(T) bool) ([]T, error) {
	var out []T
	err := db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucket).ForEach(func(_, v []byte) error {
			var x T
			if err := json.Unmarshal(v, &x); err != nil {
				return err
			}
			if keep(x) {
				out = append(out, x)
			}
			return nil
		})
	})
	return out, err
}

// accountOf reads the account_id of a stored session or token.
func accountOf(v []byte) string {
	var x struct {
		AccountID string `json:"account_id"`
	}
	_ = json.Unmarshal(v, &x)
	return x.AccountID
}

func deleteWhere(tx *bolt.Tx, bucket []byte, match func(v []byte) bool) error {
	b := tx.Bucket(bucket)
	var keys [][]byte
	if err := b.ForEach(func(k, v []byte) error {
		if match(v) {
			keys = append(keys, append([]byte(nil), k...))
		}
		return nil
	}); err != nil {
		return err
	}
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

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
