package directory

import bolt "go.etcd.io/bbolt"

// ReleasePages lets the kernel take back the memory of the store file's
// pages that this process has read. bbolt reads through a shared, read-only
// map of the file: after start-up, which reads every supplier once to build
// the search catalogue, every page of the file counts in the process's
// resident memory although the process rarely needs it again. The pages
// stay in the kernel's page cache, and a later read maps them back.
//
// bbolt's Info, which gives the map's address, asks to be used carefully:
// the address is only handed to madvise, an advice that never changes the
// data, and only inside a read transaction, during which bbolt cannot move
// the map (a remap waits for every read transaction to end).
func (s *Store) ReleasePages() error {
	return s.db.View(func(tx *bolt.Tx) error {
		return releaseMapped(s.db.Info().Data, tx.Size())
	})
}
