package directory_test

import (
	"bytes"
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/testenv"
)

// schemaOf reads the recorded schema version straight from the file.
func schemaOf(t *testing.T, path string) string {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v string
	_ = db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket([]byte("meta")); b != nil {
			v = string(b.Get([]byte("schema_version")))
		}
		return nil
	})
	return v
}

// A store written before the schema had a version (its buckets, no meta)
// opens, keeps its suppliers, and is recorded at the current version.
func TestOldStoreIsMigrated(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "verken.db")
	s := testenv.Store(t, dir, 5)
	s.Close()
	// Take the store back to how the versions before schema versions left it.
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *bolt.Tx) error {
		if tx.Bucket([]byte("meta")) == nil {
			return nil
		}
		return tx.DeleteBucket([]byte("meta"))
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if v := schemaOf(t, path); v != "" {
		t.Fatalf("the old store still has a schema version %q", v)
	}

	s = testenv.Store(t, dir, 0)
	if n, _ := s.Count(); n != 5 {
		t.Fatalf("after migration the store holds %d suppliers, want 5", n)
	}
	if s.MigratedFrom() != 0 {
		t.Errorf("migrated from %d, want 0", s.MigratedFrom())
	}
	if _, err := s.Get("demo-0003"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	want := strconv.Itoa(directory.SchemaVersion())
	if v := schemaOf(t, path); v != want {
		t.Fatalf("schema version %q after opening, want %s", v, want)
	}
	// Opening again runs nothing.
	s = testenv.Store(t, dir, 0)
	if s.MigratedFrom() != directory.SchemaVersion() {
		t.Errorf("second open migrated from %d", s.MigratedFrom())
	}
}

// A store from a newer Verken is refused, untouched.
func TestNewerStoreIsRefused(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "verken.db")
	s := testenv.Store(t, dir, 2)
	s.Close()
	newer := strconv.Itoa(directory.SchemaVersion() + 1)
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte("meta"))
		if err != nil {
			return err
		}
		return b.Put([]byte("schema_version"), []byte(newer))
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	g, tx := testenv.Tables(t)
	_, err = directory.Open(path, directory.Validator{Places: g, Tasks: tx})
	if !errors.Is(err, directory.ErrNewerSchema) || !strings.Contains(err.Error(), "schema version "+newer) {
		t.Fatalf("opening a store of schema %s: %v, want a refusal that names the version", newer, err)
	}
	if v := schemaOf(t, path); v != newer {
		t.Fatalf("the refused store's version became %q", v)
	}
}

// A bbolt file of some other program is not taken for an old store.
func TestForeignBoltFileIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "verken.db")
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	_ = db.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("widgets")); return err })
	db.Close()
	g, tx := testenv.Tables(t)
	if _, err := directory.Open(path, directory.Validator{Places: g, Tasks: tx}); err == nil || !strings.Contains(err.Error(), "not a Verken store") {
		t.Fatalf("a foreign bbolt file: %v", err)
	}
}

// A store from before sealed mail bodies kept one-time links in plain
// text: migrating it drops them, so its backups no longer carry them.
func TestMigrationDropsPlainMailBodies(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "verken.db")
	s := testenv.Store(t, dir, 0)
	s.Close()
	const link = "/wachtwoord-herstellen/oud-geheim-in-klare-tekst"
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *bolt.Tx) error {
		if err := tx.Bucket([]byte("outbox")).Put([]byte("00000001"), []byte(`{"to":"a@b.example","subject":"reset","body":"`+link+`","at":"2026-11-01T10:00:00Z","sent":false}`)); err != nil {
			return err
		}
		return tx.DeleteBucket([]byte("meta")) // as the versions before schema versions left it
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	s = testenv.Store(t, dir, 0)
	box, err := s.Outbox()
	if err != nil {
		t.Fatal(err)
	}
	if len(box) != 1 || box[0].Body != "" || box[0].Withheld != directory.WithheldUpgraded {
		t.Fatalf("outbox after migration: %+v", box)
	}
	// bbolt may keep the old page among its free pages until it reuses
	// it; what the store holds, and what Outbox reads, no longer has it.
	var found bool
	if err := s.DB().View(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("outbox")).ForEach(func(_, v []byte) error {
			found = found || bytes.Contains(v, []byte(link))
			return nil
		})
	}); err != nil {
		t.Fatal(err)
	}
	if found {
		t.Error("the outbox still holds the plain-text link")
	}
}

// A store from before the index of waiting mail (schema 6) gets one made
// from its outbox: mail that waited then still counts, delivered mail
// does not.
func TestMigrationIndexesWaitingMail(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "verken.db")
	s := testenv.Store(t, dir, 0)
	if err := s.KeepMail(directory.Mail{To: "admin@example.org", Subject: "registration waiting", Body: "approve"}); err != nil {
		t.Fatal(err)
	}
	if err := s.KeepMail(directory.Mail{To: "done@example.org", Subject: "sent", Body: "gone", Sent: true}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket([]byte("outbox_waiting")); err != nil {
			return err
		}
		return tx.Bucket([]byte("meta")).Put([]byte("schema_version"), []byte("6"))
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	s = testenv.Store(t, dir, 0)
	defer s.Close()
	if s.MigratedFrom() != 6 {
		t.Fatalf("migrated from %d, want 6", s.MigratedFrom())
	}
	if waiting, err := s.Waiting("admin@example.org", "registration waiting"); err != nil || !waiting {
		t.Fatalf("the mail that waited before the migration: waiting %v, %v", waiting, err)
	}
	if waiting, _ := s.Waiting("done@example.org", "sent"); waiting {
		t.Fatal("delivered mail counts as waiting after the migration")
	}
}
