package directory

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Purged counts what Purge removed.
type Purged struct {
	Sessions int // sessions past their expiry
	Links    int // one-time links (invitations, resets) past their expiry
	Mail     int // outbox mail whose link expired, its body dropped
}

// Purge removes what has expired by now and can never be used again:
// sessions and one-time links. Both are refused once expired anyway; left
// in place they would pile up with every sign-in and every invitation.
func (s *Store) Purge(now time.Time) (Purged, error) {
	var p Purged
	err := s.db.Update(func(tx *bolt.Tx) error {
		var err error
		if p.Sessions, err = deleteExpired(tx.Bucket(bucketSessions), now); err != nil {
			return err
		}
		if p.Links, err = deleteExpired(tx.Bucket(bucketOnce), now); err != nil {
			return err
		}
		// Further expiring records are purged here too, in the same
		// transaction, each with its own count in Purged.
		p.Mail, err = dropMailBodies(tx, WithheldExpired, func(m Mail) bool { return !m.ExpiresAt.IsZero() && now.After(m.ExpiresAt) })
		return err
	})
	return p, err
}

// deleteExpired deletes the records of b whose expires_at is before now.
// A record it cannot read is left alone: purging only removes what is
// known to be dead.
func deleteExpired(b *bolt.Bucket, now time.Time) (int, error) {
	var dead [][]byte
	err := b.ForEach(func(k, v []byte) error {
		var r struct {
			ExpiresAt time.Time `json:"expires_at"`
		}
		if json.Unmarshal(v, &r) == nil && !r.ExpiresAt.IsZero() && now.After(r.ExpiresAt) {
			dead = append(dead, append([]byte(nil), k...))
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	// Deleting behind a cursor can make it skip the next key: collect first.
	for _, k := range dead {
		if err := b.Delete(k); err != nil {
			return 0, err
		}
	}
	return len(dead), nil
}

// ErrFeedCompacted: the changes after the asked sequence number are no
// longer all in the feed. Whoever follows the feed from there (an index
// restored from an old copy) must start again from a snapshot.
var ErrFeedCompacted = errors.New("the change feed no longer holds the changes asked for: rebuild from a snapshot")

// compactChunk bounds how many feed entries one transaction deletes, so
// that the first compaction of a long feed does not hold the writer for
// long.
const compactChunk = 10000

// CompactChanges deletes the feed's entries up to and including sequence
// number through, which its follower (the search index) must have applied.
// The sequence counter stays where it is: the next change still gets the
// next number, and Snapshot still says which change a snapshot includes.
// It returns how many entries it deleted.
func (s *Store) CompactChanges(through uint64) (int, error) {
	total := 0
	for {
		n := 0
		err := s.db.Update(func(tx *bolt.Tx) error {
			b := tx.Bucket(bucketChanges)
			var keys [][]byte
			c := b.Cursor()
			for k, _ := c.First(); k != nil && len(keys) < compactChunk && binary.BigEndian.Uint64(k) <= through; k, _ = c.Next() {
				keys = append(keys, append([]byte(nil), k...))
			}
			for _, k := range keys {
				if err := b.Delete(k); err != nil {
					return err
				}
			}
			n = len(keys)
			return nil
		})
		total += n
		if err != nil || n < compactChunk {
			return total, err
		}
	}
}

// CompactedThrough returns the sequence number of the newest change that
// compaction removed from the feed (0 when none was): a follower that has
// applied less than that cannot catch up from the feed.
func (s *Store) CompactedThrough() (uint64, error) {
	var floor uint64
	err := s.db.View(func(tx *bolt.Tx) error {
		floor = feedFloor(tx.Bucket(bucketChanges))
		return nil
	})
	return floor, err
}

// feedFloor is the sequence number just below the feed's oldest entry.
// Numbers are given one by one, each with its entry in the same
// transaction, so the entries left run without gaps up to the counter.
func feedFloor(b *bolt.Bucket) uint64 {
	k, _ := b.Cursor().First()
	if k == nil {
		return b.Sequence()
	}
	return binary.BigEndian.Uint64(k) - 1
}
