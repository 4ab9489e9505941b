package directory

import "time"

// ActionRelist is the history action of a supplier put back in search.
const ActionRelist = "relist"

// Relist puts a delisted supplier back in search (a register's profile
// whose enterprise qualifies again); its delisting stays in the history.
func (s *Store) Relist(id string, version uint64, by Actor) error {
	return s.write(id, version, by, ActionRelist, func(cur *Supplier, now time.Time) error {
		cur.Delisted = nil
		return nil
	})
}
