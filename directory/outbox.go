package directory

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

var (
	bucketOutbox = []byte("outbox")
	// bucketOutboxWaiting indexes the mail that waits to be passed on (its
	// body still sealed in the store), by the outbox's key, with whether it
	// is bulk: the bounds on waiting mail are checked for every message
	// queued, and decoding the whole outbox each time made a consultation
	// to 500 suppliers cost seconds and slowed searches meanwhile.
	bucketOutboxWaiting = []byte("outbox_waiting")
)

// Mail is a message the application sent or, without SMTP, keeps for an
// administrator to pass on. Its body can hold a one-time link, a live
// secret: the store keeps it only while someone may still need to read it
// (not delivered, link not used, not expired), and then only sealed with a
// key that lives beside the store file, never inside it, so that neither a
// copy of the store nor a backup carries a working link.
type Mail struct {
	To      string    `json:"to"`
	Subject string    `json:"subject"`
	At      time.Time `json:"at"`
	Sent    bool      `json:"sent"`
	// Body is the text; in the store it is only in Sealed.
	Body string `json:"-"`
	// LinkSecret is the one-time link's secret the body carries, if any.
	// Only its hash is stored, so that using the link drops the body.
	LinkSecret string    `json:"-"`
	Link       string    `json:"link,omitempty"`
	ExpiresAt  time.Time `json:"expires_at,omitzero"`
	Sealed     []byte    `json:"sealed,omitempty"`
	// Withheld says why a body is gone: "delivered", "used", "expired",
	// or "unreadable" (sealed under another data directory's key).
	Withheld string `json:"withheld,omitempty"`
	// Bulk marks mail a buyer sends to many (a consultation's
	// invitations): it may fill at most half the room for waiting mail,
	// so that resets and invitations to an account always find room.
	Bulk bool `json:"bulk,omitempty"`
}

// Why a mail's body is no longer kept.
const (
	WithheldDelivered  = "delivered"
	WithheldUsed       = "used"
	WithheldExpired    = "expired"
	WithheldUnreadable = "unreadable"
	// WithheldUpgraded: kept in plain text by a Verken before bodies were
	// sealed, and dropped when the store was migrated.
	WithheldUpgraded = "upgraded"
)

// MaxUndelivered bounds the mail waiting for an administrator. Delivered
// and withheld mail makes room first; undelivered mail is never dropped to
// make room, so a flood of registrations cannot push an invitation out.
const (
	MaxUndelivered = 1000
	maxOutbox      = 2000
)

// ErrOutboxFull: too much mail waits to be passed on.
var ErrOutboxFull = errors.New("the outbox is full of undelivered mail")

// MailKeyFile is the file, beside the store, whose key seals mail bodies.
// Backups leave it out.
const MailKeyFile = "mail.key"

// KeepMail adds a message to the outbox. A delivered message keeps no body.
func (s *Store) KeepMail(m Mail) error {
	_, err := s.QueueMail(m)
	return err
}

// QueueMail adds a message to the outbox and returns its number, for
// Delivered once a mail server took it.
func (s *Store) QueueMail(m Mail) (uint64, error) {
	m.At = s.now().UTC()
	if m.LinkSecret != "" {
		m.Link = hashSecret(m.LinkSecret)
	}
	m.Sealed, m.Withheld = nil, ""
	if m.Sent {
		m.Withheld = WithheldDelivered
	} else {
		sealed, err := s.seal([]byte(m.Body))
		if err != nil {
			return 0, err
		}
		m.Sealed = sealed
	}
	var seq uint64
	err := s.db.Update(func(tx *bolt.Tx) error {
		if err := makeRoom(tx, m); err != nil {
			return err
		}
		var err error
		if seq, err = tx.Bucket(bucketOutbox).NextSequence(); err != nil {
			return err
		}
		return putMail(tx, seqKey(seq), m)
	})
	return seq, err
}

// Delivered records that a mail server took message seq: its body goes.
func (s *Store) Delivered(seq uint64) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOutbox)
		v := b.Get(seqKey(seq))
		if v == nil {
			return nil
		}
		var m Mail
		if err := json.Unmarshal(v, &m); err != nil {
			return err
		}
		m.Sent, m.Sealed, m.Withheld = true, nil, WithheldDelivered
		return putMail(tx, seqKey(seq), m)
	})
}

// Waiting reports whether a message to to with subject still waits to be
// passed on: a notice need not be queued twice.
func (s *Store) Waiting(to, subject string) (bool, error) {
	found := false
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOutbox)
		return tx.Bucket(bucketOutboxWaiting).ForEach(func(k, _ []byte) error {
			var m Mail
			if err := json.Unmarshal(b.Get(k), &m); err != nil {
				return err
			}
			found = found || m.To == to && m.Subject == subject
			return nil
		})
	})
	return found, err
}

// makeRoom drops the oldest mail that no longer waits to be passed on
// when the outbox is at its bound, and refuses undelivered mail past its
// own bound. It reads the index of waiting mail and the outbox's keys,
// never a message.
func makeRoom(tx *bolt.Tx, m Mail) error {
	waiting, waitingBulk := 0, 0
	index := tx.Bucket(bucketOutboxWaiting)
	if err := index.ForEach(func(_, bulk []byte) error {
		waiting++
		if len(bulk) > 0 && bulk[0] == 1 {
			waitingBulk++
		}
		return nil
	}); err != nil {
		return err
	}
	if !m.Sent && (waiting >= MaxUndelivered || m.Bulk && waitingBulk >= MaxUndelivered/2) {
		return ErrOutboxFull
	}
	b := tx.Bucket(bucketOutbox)
	total := 0
	c := b.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		total++
	}
	var done [][]byte // the oldest first
	for k, _ := c.First(); k != nil && total-len(done) >= maxOutbox; k, _ = c.Next() {
		if index.Get(k) == nil {
			done = append(done, append([]byte(nil), k...))
		}
	}
	for _, k := range done {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// putMail writes a message and keeps the index of waiting mail in step.
func putMail(tx *bolt.Tx, key []byte, m Mail) error {
	v, err := json.Marshal(m)
	if err != nil {
		return err
	}
	if err := tx.Bucket(bucketOutbox).Put(key, v); err != nil {
		return err
	}
	return indexWaiting(tx.Bucket(bucketOutboxWaiting), key, m)
}

// indexWaiting puts a message in the index of waiting mail, or takes it
// out.
func indexWaiting(index *bolt.Bucket, key []byte, m Mail) error {
	if m.Sealed == nil {
		return index.Delete(key)
	}
	bulk := byte(0)
	if m.Bulk {
		bulk = 1
	}
	return index.Put(key, []byte{bulk})
}

// Outbox returns the kept messages, newest first, with the bodies that may
// still be passed on.
func (s *Store) Outbox() ([]Mail, error) {
	var out []Mail
	now := s.now()
	err := s.db.View(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketOutbox).Cursor()
		for k, v := c.Last(); k != nil; k, v = c.Prev() {
			var m Mail
			if err := json.Unmarshal(v, &m); err != nil {
				return err
			}
			switch {
			case m.Sealed == nil:
			case !m.ExpiresAt.IsZero() && now.After(m.ExpiresAt):
				m.Withheld = WithheldExpired
			default:
				body, err := s.open(m.Sealed)
				if err != nil {
					m.Withheld = WithheldUnreadable
				} else {
					m.Body = string(body)
				}
			}
			m.Sealed = nil
			out = append(out, m)
		}
		return nil
	})
	return out, err
}

// dropMailBodies forgets the bodies of the waiting mail that match,
// inside tx.
func dropMailBodies(tx *bolt.Tx, why string, match func(Mail) bool) (int, error) {
	b := tx.Bucket(bucketOutbox)
	type change struct {
		key []byte
		m   Mail
	}
	var changes []change
	err := tx.Bucket(bucketOutboxWaiting).ForEach(func(k, _ []byte) error {
		var m Mail
		if err := json.Unmarshal(b.Get(k), &m); err != nil {
			return err
		}
		if m.Sealed != nil && match(m) {
			m.Sealed, m.Withheld = nil, why
			changes = append(changes, change{append([]byte(nil), k...), m})
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, ch := range changes {
		if err := putMail(tx, ch.key, ch.m); err != nil {
			return 0, err
		}
	}
	return len(changes), nil
}

// seal encrypts with the data directory's mail key (AES-256-GCM).
func (s *Store) seal(plain []byte) ([]byte, error) {
	aead, err := s.mailCipher()
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plain)+aead.Overhead())
	_, _ = rand.Read(nonce)
	return aead.Seal(nonce, nonce, plain, nil), nil
}

func (s *Store) open(sealed []byte) ([]byte, error) {
	aead, err := s.mailCipher()
	if err != nil {
		return nil, err
	}
	if len(sealed) < aead.NonceSize() {
		return nil, errors.New("sealed mail too short")
	}
	return aead.Open(nil, sealed[:aead.NonceSize()], sealed[aead.NonceSize():], nil)
}

// mailKey is the mail key, loaded once.
type mailKey struct {
	once sync.Once
	aead cipher.AEAD
	err  error
}

// mailCipher loads the mail key beside the store file, making one the
// first time.
func (s *Store) mailCipher() (cipher.AEAD, error) {
	k := &s.mailKey
	k.once.Do(func() {
		path := filepath.Join(filepath.Dir(s.db.Path()), MailKeyFile)
		key, err := os.ReadFile(path)
		if errors.Is(err, os.ErrNotExist) {
			key = make([]byte, 32)
			_, _ = rand.Read(key)
			err = writeKey(path, key)
		}
		if err == nil && len(key) != 32 {
			err = fmt.Errorf("%s is not a 32-byte key", path)
		}
		if err != nil {
			k.err = err
			return
		}
		block, err := aes.NewCipher(key)
		if err != nil {
			k.err = err
			return
		}
		k.aead, k.err = cipher.NewGCM(block)
	})
	return k.aead, k.err
}

func writeKey(path string, key []byte) error {
	tmp := path + ".part"
	if err := os.WriteFile(tmp, key, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
