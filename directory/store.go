package directory

import (
	"bytes"
	"crypto/rand"
	"encoding/base32"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

var (
	bucketSuppliers = []byte("suppliers")
	bucketByKBO     = []byte("suppliers_by_kbo")
	bucketChanges   = []byte("changes")
)

// Errors the store returns.
var (
	ErrNotFound = errors.New("supplier not found")
	// ErrDuplicateEnterprise: another supplier already has this KBO number.
	ErrDuplicateEnterprise = errors.New("another supplier has this enterprise number")
)

// StaleVersionError refuses an update or delete based on an old version:
// someone else wrote the supplier meanwhile.
type StaleVersionError struct {
	ID       string
	Given    uint64
	Current  uint64
	Supplier Supplier // as it is now
}

func (e *StaleVersionError) Error() string {
	return fmt.Sprintf("supplier %s: version %d is stale, the current version is %d", e.ID, e.Given, e.Current)
}

// Op is what a change did.
type Op string

const (
	OpPut    Op = "put"
	OpDelete Op = "delete"
)

// Change is an entry of the store's change feed, which the search indexer
// follows. Seq numbers increase by one with every write.
type Change struct {
	Seq        uint64    `json:"seq"`
	SupplierID string    `json:"supplier_id"`
	Op         Op        `json:"op"`
	Version    uint64    `json:"version"`
	At         time.Time `json:"at"`
}

// Store keeps suppliers in a bbolt file. Every write stores the record and
// appends a Change in the same transaction, so the feed never misses a write
// and never shows one that did not commit.
type Store struct {
	db        *bolt.DB
	validator Validator
	now       func() time.Time
	// schemaFrom is the schema version the file was at when opened.
	schemaFrom int

	mu   sync.Mutex
	subs map[chan struct{}]struct{}

	mailKey mailKey
}

// Open opens (or creates) the store file at path and brings its schema up
// to this version (see migrations). It refuses, with a *DamagedError, a
// file cut short or not written by bbolt, with ErrNewerSchema, a store
// of a newer version of Verken, and, with ErrIncompleteLoad, a store that an
// import into an empty directory left half loaded.
func Open(path string, v Validator) (*Store, error) {
	if err := checkFile(path); err != nil {
		return nil, err
	}
	var db *bolt.DB
	var from int
	err := guard(path, func() error {
		var err error
		if db, err = bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second}); err != nil {
			return fmt.Errorf("open store %s: %w", path, err)
		}
		if from, err = migrate(db); err != nil {
			return err
		}
		return db.View(checkComplete)
	})
	if err != nil {
		if db != nil {
			db.Close()
		}
		return nil, err
	}
	return &Store{db: db, validator: v, now: time.Now, subs: map[chan struct{}]struct{}{}, schemaFrom: from}, nil
}

// MigratedFrom returns the schema version the store was at before Open
// brought it to SchemaVersion.
func (s *Store) MigratedFrom() int { return s.schemaFrom }

// Close closes the file.
func (s *Store) Close() error { return s.db.Close() }

// DB gives other parts of the system of record (accounts, saved reports)
// their own buckets in the same file.
func (s *Store) DB() *bolt.DB { return s.db }

// SetClock replaces the clock (tests).
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// Backup writes a consistent copy of the whole store file — suppliers,
// accounts, history and all — from one read transaction, while writers go
// on. dst is told the copy's size first (an archive header needs it) and
// returns where to write it; the copy streams, whatever its size.
func (s *Store) Backup(dst func(size int64) (io.Writer, error)) error {
	return s.db.View(func(tx *bolt.Tx) error {
		w, err := dst(tx.Size())
		if err != nil {
			return err
		}
		_, err = tx.WriteTo(w)
		return err
	})
}

// Validator returns the validator the store applies to every write.
func (s *Store) Validator() Validator { return s.validator }

// Subscribe returns a channel that receives a signal after every committed
// write, and a function to stop receiving.
func (s *Store) Subscribe() (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	s.mu.Lock()
	s.subs[ch] = struct{}{}
	s.mu.Unlock()
	return ch, func() {
		s.mu.Lock()
		delete(s.subs, ch)
		s.mu.Unlock()
	}
}

func (s *Store) notify() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for ch := range s.subs {
		select {
		case ch <- struct{}{}:
		default: // a signal is already pending
		}
	}
}

func newID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
}

func seqKey(seq uint64) []byte {
	var k [8]byte
	binary.BigEndian.PutUint64(k[:], seq)
	return k[:]
}

// Create validates and stores a new supplier, giving it an id (unless it
// has one), version 1 and its timestamps (unless given: imports and demo data
// carry their own history).
func (s *Store) Create(sup *Supplier) error {
	return s.CreateMany([]*Supplier{sup})
}

// CreateMany stores several new suppliers in one transaction: all or none.
func (s *Store) CreateMany(sups []*Supplier) error {
	now := s.now().UTC()
	for _, sup := range sups {
		if err := s.validator.Normalize(sup); err != nil {
			return err
		}
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		for _, sup := range sups {
			if sup.ID == "" {
				sup.ID = newID()
			}
			if tx.Bucket(bucketSuppliers).Get([]byte(sup.ID)) != nil {
				return fmt.Errorf("supplier %s already exists", sup.ID)
			}
			sup.Version = 0
			stampNew(sup, now)
			if err := put(tx, sup, ""); err != nil {
				return err
			}
			if err := appendChange(tx, sup.ID, OpPut, sup.Version, now); err != nil {
				return err
			}
			if err := appendHistory(tx, HistoryEntry{SupplierID: sup.ID, Version: 1, At: now, Actor: System, Action: ActionCreate}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.notify()
	return nil
}

// stampNew gives a new supplier the timestamps and version it does not
// carry: imports and demo data bring their own history.
func stampNew(sup *Supplier, now time.Time) {
	if sup.CreatedAt.IsZero() {
		sup.CreatedAt = now
	}
	if sup.UpdatedAt.IsZero() {
		sup.UpdatedAt = sup.CreatedAt
	}
	if sup.ConfirmedAt.IsZero() {
		sup.ConfirmedAt = sup.UpdatedAt
	}
	if sup.Version == 0 {
		sup.Version = 1
	}
}

// put writes the record and keeps the KBO lookup in step.
func put(tx *bolt.Tx, sup *Supplier, oldKBO string) error {
	byKBO := tx.Bucket(bucketByKBO)
	if owner := byKBO.Get([]byte(sup.EnterpriseNumber)); owner != nil && string(owner) != sup.ID {
		return ErrDuplicateEnterprise
	}
	if oldKBO != "" && oldKBO != sup.EnterpriseNumber {
		if err := byKBO.Delete([]byte(oldKBO)); err != nil {
			return err
		}
	}
	if err := byKBO.Put([]byte(sup.EnterpriseNumber), []byte(sup.ID)); err != nil {
		return err
	}
	b, err := json.Marshal(sup)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketSuppliers).Put([]byte(sup.ID), b)
}

func appendChange(tx *bolt.Tx, id string, op Op, version uint64, at time.Time) error {
	b := tx.Bucket(bucketChanges)
	seq, err := b.NextSequence()
	if err != nil {
		return err
	}
	v, err := json.Marshal(Change{Seq: seq, SupplierID: id, Op: op, Version: version, At: at})
	if err != nil {
		return err
	}
	return b.Put(seqKey(seq), v)
}

// getAt reads a supplier that must still be at the version a writer read.
func getAt(tx *bolt.Tx, id string, version uint64) (Supplier, error) {
	cur, err := get(tx, id)
	if err == nil && cur.Version != version {
		err = &StaleVersionError{ID: id, Given: version, Current: cur.Version, Supplier: cur}
	}
	return cur, err
}

func get(tx *bolt.Tx, id string) (Supplier, error) {
	v := tx.Bucket(bucketSuppliers).Get([]byte(id))
	if v == nil {
		return Supplier{}, ErrNotFound
	}
	var sup Supplier
	// Unmarshal copies out of the page: v dies with the transaction.
	if err := json.Unmarshal(v, &sup); err != nil {
		return Supplier{}, fmt.Errorf("supplier %s: %w", id, err)
	}
	return sup, nil
}

// Get returns a supplier.
func (s *Store) Get(id string) (Supplier, error) {
	var sup Supplier
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		sup, err = get(tx, id)
		return err
	})
	return sup, err
}

// GetMany returns the suppliers with the given ids, in that order, from one
// consistent view of the store; ids no longer there are skipped.
func (s *Store) GetMany(ids []string) ([]Supplier, error) {
	out := make([]Supplier, 0, len(ids))
	err := s.db.View(func(tx *bolt.Tx) error {
		for _, id := range ids {
			sup, err := get(tx, id)
			if errors.Is(err, ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			out = append(out, sup)
		}
		return nil
	})
	return out, err
}

// GetByEnterpriseNumber returns the supplier with this KBO number.
func (s *Store) GetByEnterpriseNumber(kbo string) (Supplier, error) {
	n, err := NormalizeEnterpriseNumber(kbo)
	if err != nil {
		return Supplier{}, ErrNotFound
	}
	var sup Supplier
	err = s.db.View(func(tx *bolt.Tx) error {
		id := tx.Bucket(bucketByKBO).Get([]byte(n))
		if id == nil {
			return ErrNotFound
		}
		sup, err = get(tx, string(id))
		return err
	})
	return sup, err
}

// Update stores sup, edited by an actor, which must carry the Version it
// was read at. When someone wrote the supplier since, it returns a
// *StaleVersionError and changes nothing. On success sup has its new
// version and timestamps, and the history has the fields that changed.
// Editing a profile also confirms it; an edited verified fact is
// unverified again.
func (s *Store) Update(sup *Supplier, by Actor) error {
	if err := s.validator.Normalize(sup); err != nil {
		return err
	}
	err := s.write(sup.ID, sup.Version, by, ActionUpdate, func(cur *Supplier, now time.Time) error {
		keepVerifications(cur, sup)
		sup.CreatedAt, sup.UpdatedAt, sup.ConfirmedAt = cur.CreatedAt, now, now
		*cur = *sup
		return nil
	})
	if err == nil {
		sup.Version++
	}
	return err
}

// Confirm records that the supplier's profile is still right as it is.
func (s *Store) Confirm(id string, version uint64, by Actor) (Supplier, error) {
	var out Supplier
	err := s.write(id, version, by, ActionConfirm, func(cur *Supplier, now time.Time) error {
		cur.ConfirmedAt = now
		out = *cur
		return nil
	})
	return out, err
}

// Verify marks a fact as checked by an administrator: "share" for the
// target-group share, or "recognitions[i]".
func (s *Store) Verify(id string, version uint64, fact, note string, by Actor) error {
	if err := CheckAccountText("note", "note", note); err != nil {
		return err
	}
	return s.write(id, version, by, ActionVerify, func(cur *Supplier, now time.Time) error {
		v := &Verification{At: now, By: by.Name, Note: note}
		if fact == "share" {
			cur.ShareVerified = v
			return nil
		}
		var i int
		if _, err := fmt.Sscanf(fact, "recognitions[%d]", &i); err != nil || i < 0 || i >= len(cur.Recognitions) {
			return fmt.Errorf("%w: %q", ErrUnknownFact, fact)
		}
		cur.Recognitions[i].Verified = v
		return nil
	})
}

// ErrUnknownFact: Verify was asked for a fact the supplier does not have.
var ErrUnknownFact = errors.New("no such fact to verify")

// Delist takes a supplier out of search; its record and history stay.
func (s *Store) Delist(id string, version uint64, reason string, by Actor) error {
	if err := CheckAccountText("reason", "reason", reason); err != nil {
		return err
	}
	return s.write(id, version, by, ActionDelist, func(cur *Supplier, now time.Time) error {
		cur.Delisted = &Delisting{At: now, By: by.Name, Reason: reason}
		return nil
	})
}

// write changes a supplier read at version in one transaction: the record,
// the change feed entry and the history entry with the fields that changed.
func (s *Store) write(id string, version uint64, by Actor, action string, change func(cur *Supplier, now time.Time) error) error {
	now := s.now().UTC()
	err := s.db.Update(func(tx *bolt.Tx) error { return writeTx(tx, id, version, by, action, now, change) })
	if err != nil {
		return err
	}
	s.notify()
	return nil
}

// writeTx is write's work inside a transaction.
func writeTx(tx *bolt.Tx, id string, version uint64, by Actor, action string, now time.Time, change func(cur *Supplier, now time.Time) error) error {
	cur, err := getAt(tx, id, version)
	if err != nil {
		return err
	}
	before := cur
	before.Recognitions = slices.Clone(cur.Recognitions)
	if err := change(&cur, now); err != nil {
		return err
	}
	cur.ID, cur.Version = id, version+1
	if action != ActionUpdate {
		cur.UpdatedAt = now
	}
	if err := put(tx, &cur, before.EnterpriseNumber); err != nil {
		return err
	}
	if err := appendChange(tx, id, OpPut, cur.Version, now); err != nil {
		return err
	}
	return appendHistory(tx, HistoryEntry{SupplierID: id, Version: cur.Version, At: now, Actor: by, Action: action, Changes: Diff(&before, &cur)})
}

// DelistRequest names a supplier, the version it was read at, and why it
// leaves search.
type DelistRequest struct {
	ID      string
	Version uint64
	Reason  string
}

// DelistAll delists many suppliers in one transaction, as Delist does one:
// an import that ends thousands of profiles does not wait for thousands of
// writes to the disk. Nothing is written when one of them fails.
func (s *Store) DelistAll(reqs []DelistRequest, by Actor) error {
	for _, r := range reqs {
		if err := CheckAccountText("reason", "reason", r.Reason); err != nil {
			return err
		}
	}
	now := s.now().UTC()
	err := s.db.Update(func(tx *bolt.Tx) error {
		for _, r := range reqs {
			reason := r.Reason
			if err := writeTx(tx, r.ID, r.Version, by, ActionDelist, now, func(cur *Supplier, now time.Time) error {
				cur.Delisted = &Delisting{At: now, By: by.Name, Reason: reason}
				return nil
			}); err != nil {
				return fmt.Errorf("delist %s: %w", r.ID, err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.notify()
	return nil
}

// Delete removes a supplier read at the given version.
func (s *Store) Delete(id string, version uint64) error {
	now := s.now().UTC()
	err := s.db.Update(func(tx *bolt.Tx) error {
		cur, err := getAt(tx, id, version)
		if err != nil {
			return err
		}
		if err := tx.Bucket(bucketSuppliers).Delete([]byte(id)); err != nil {
			return err
		}
		if err := tx.Bucket(bucketByKBO).Delete([]byte(cur.EnterpriseNumber)); err != nil {
			return err
		}
		return appendChange(tx, id, OpDelete, version+1, now)
	})
	if err != nil {
		return err
	}
	s.notify()
	return nil
}

// List calls fn for every supplier in id order, inside one read
// transaction; fn must not write to the store.
func (s *Store) List(fn func(Supplier) error) error {
	_, err := s.Snapshot(fn)
	return err
}

// Snapshot calls fn for every supplier, and returns the sequence number of
// the last change the snapshot includes: a consistent starting point for
// rebuilding the index.
func (s *Store) Snapshot(fn func(Supplier) error) (uint64, error) {
	var last uint64
	err := s.db.View(func(tx *bolt.Tx) error {
		last = tx.Bucket(bucketChanges).Sequence()
		n := 0
		return tx.Bucket(bucketSuppliers).ForEach(func(k, v []byte) error {
			var sup Supplier
			if err := json.Unmarshal(v, &sup); err != nil {
				return fmt.Errorf("supplier %s: %w", k, err)
			}
			// A walk over every supplier reads the whole file once: let
			// the kernel take the pages behind it back as it goes (see
			// ReleasePages), or they all count as this process's memory.
			if n++; n%8192 == 0 {
				_ = releaseMapped(s.db.Info().Data, tx.Size())
			}
			return fn(sup)
		})
	})
	return last, err
}

// Count returns the number of suppliers.
func (s *Store) Count() (int, error) {
	var n int
	err := s.db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketSuppliers).Stats().KeyN
		return nil
	})
	return n, err
}

// LastSeq returns the sequence number of the newest change.
func (s *Store) LastSeq() (uint64, error) {
	var last uint64
	err := s.db.View(func(tx *bolt.Tx) error {
		last = tx.Bucket(bucketChanges).Sequence()
		return nil
	})
	return last, err
}

// ChangedSupplier is a change with the supplier as it is now (nil when it
// no longer exists).
type ChangedSupplier struct {
	Change
	Supplier *Supplier
}

// ChangesSince returns up to limit changes after seq, in order, each with
// the supplier's current state read in the same transaction. It returns
// ErrFeedCompacted when some of those changes were compacted away.
func (s *Store) ChangesSince(seq uint64, limit int) ([]ChangedSupplier, error) {
	var out []ChangedSupplier
	err := s.db.View(func(tx *bolt.Tx) error {
		if seq < feedFloor(tx.Bucket(bucketChanges)) {
			return ErrFeedCompacted
		}
		c := tx.Bucket(bucketChanges).Cursor()
		start := seqKey(seq + 1)
		for k, v := c.Seek(start); k != nil && len(out) < limit; k, v = c.Next() {
			if bytes.Compare(k, start) < 0 {
				continue
			}
			var ch ChangedSupplier
			if err := json.Unmarshal(v, &ch.Change); err != nil {
				return fmt.Errorf("change %x: %w", k, err)
			}
			sup, err := get(tx, ch.SupplierID)
			switch {
			case err == nil:
				ch.Supplier = &sup
			case !errors.Is(err, ErrNotFound):
				return err
			}
			out = append(out, ch)
		}
		return nil
	})
	return out, err
}
