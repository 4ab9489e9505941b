package directory

import bolt "go.etcd.io/bbolt"

// ReleasePages lets the kernel take back the memory of the store file's
// pages that this process has read. bbolt reads through a shared, read-only
// map of the file: after start-up, which reads every supplier once to build
// the search catalogue, every page of the file counts in the process's
// resident memory although the process rarely needs it again. The pages
// stay in the kernel's page cache, and a later read maps them back.
func (s *Store) ReleasePages() error {
	return s.db.View(func(tx *bolt.Tx) error {
		return releaseMapped(s.db.Info().Data, tx.Size())
	})
}
