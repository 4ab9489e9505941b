// Package backup writes and restores a data directory's archive: the store
// file, copied in one consistent read, and the public-transport network.
// The search index is not in it: it is rebuilt from the store.
package backup

import (
	"archive/tar"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/transit"
)

// StoreFile is the store's file name in a data directory and in a backup.
const StoreFile = "verken.db"

// Write writes the archive of a data directory whose store is open.
func Write(w io.Writer, store *directory.Store, dataDir string) error {
	zw := gzip.NewWriter(w)
	tw := tar.NewWriter(zw)
	err := store.Backup(func(size int64) (io.Writer, error) {
		return tw, tw.WriteHeader(&tar.Header{Name: StoreFile, Mode: 0o600, Size: size, ModTime: time.Now()})
	})
	if err != nil {
		return fmt.Errorf("copy the store: %w", err)
	}
	if b, err := os.ReadFile(filepath.Join(dataDir, transit.FileName)); err == nil {
		if err := add(tw, transit.FileName, b); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return zw.Close()
}

func add(tw *tar.Writer, name string, b []byte) error {
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: int64(len(b)), ModTime: time.Now()}); err != nil {
		return err
	}
	_, err := tw.Write(b)
	return err
}

// ErrNotEmpty: a restore goes into an empty data directory only.
var ErrNotEmpty = errors.New("the data directory is not empty: restore into a new one")

// maxEntry bounds an archive entry, against archives that expand forever.
const maxEntry = 64 << 30

// Restore unpacks an archive into an empty (or new) data directory. The
// index is rebuilt when the directory is next opened.
func Restore(r io.Reader, dataDir string) error {
	if entries, err := os.ReadDir(dataDir); err == nil && len(entries) > 0 {
		return ErrNotEmpty
	}
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return err
	}
	zr, err := gzip.NewReader(r)
	if err != nil {
		return fmt.Errorf("not a Verken backup: %w", err)
	}
	tr := tar.NewReader(zr)
	found := false
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("read backup: %w", err)
		}
		if h.Name != StoreFile && h.Name != transit.FileName {
			return fmt.Errorf("unexpected file %q in the backup", h.Name)
		}
		found = found || h.Name == StoreFile
		if err := writeFile(filepath.Join(dataDir, h.Name), io.LimitReader(tr, maxEntry)); err != nil {
			return err
		}
	}
	if !found {
		return fmt.Errorf("the backup holds no %s", StoreFile)
	}
	return nil
}

func writeFile(path string, r io.Reader) error {
	tmp := path + ".part"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(f, r)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}
