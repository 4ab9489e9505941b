package directory

import (
	"errors"
	"fmt"
	"net"
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

// Errors of accounts.
var (
	ErrEmailTaken       = errors.New("an account with this e-mail address exists")
	ErrAccountNotFound  = errors.New("account not found")
	ErrBadCredentials   = errors.New("unknown e-mail address or wrong password")
	ErrPasswordTooShort = fmt.Errorf("a password has at least %d characters", MinPasswordLength)
	ErrInvalidEmail     = errors.New("not an e-mail address")
)

// E-mail addresses are bounded as RFC 5321 bounds them: a local part of
// at most 64 octets, a path of at most 254.
const (
	MaxEmailLocal = 64
	MaxEmail      = 254
)

// CheckEmail refuses what is not one plain, deliverable e-mail address:
// what net/mail does not read as exactly this address, a local part
// longer than 64 characters or an address longer than 254, more than one
// @ (a quoted local part), a domain that is an IP address ("a@[127.0.0.1]"
// or a bare one), and control characters or bidirectional overrides. The
// error wraps ErrInvalidEmail and says why. Registration, invitations and
// a supplier's contact address are checked with it.
func CheckEmail(e string) error {
	_, err := normalEmail(e)
	return err
}

func normalEmail(e string) (string, error) {
	e = strings.ToLower(strings.TrimSpace(e))
	invalid := func(why string) (string, error) { return "", fmt.Errorf("%w: %s", ErrInvalidEmail, why) }
	if len(e) > MaxEmail {
		return invalid(fmt.Sprintf("it is longer than %d characters", MaxEmail))
	}
	if code, reason := textFault(e, false); code != "" {
		return invalid("it " + reason)
	}
	local, domain, ok := strings.Cut(e, "@")
	switch {
	case !ok || strings.Contains(domain, "@"):
		return invalid("it has one @")
	case len(local) > MaxEmailLocal:
		return invalid(fmt.Sprintf("the part before the @ is longer than %d characters", MaxEmailLocal))
	case strings.HasPrefix(domain, "[") || net.ParseIP(domain) != nil:
		return invalid("the part after the @ is a domain name, not an IP address")
	case !strings.Contains(domain, ".") || strings.HasSuffix(domain, ".") || strings.Contains(domain, ".."):
		return invalid("the part after the @ is a full domain name")
	}
	if a, err := mail.ParseAddress(e); err != nil || a.Address != e {
		return invalid("it is not an address as RFC 5322 writes one")
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

// PendingAccounts counts the accounts that wait for an administrator's
// approval.
func (s *Store) PendingAccounts() (int, error) {
	out, err := listJSON(s.db, bucketAccounts, func(a Account) bool { return a.Status == StatusPending })
	return len(out), err
}
