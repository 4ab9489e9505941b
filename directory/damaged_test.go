package directory_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/testenv"
)

// A store whose meta pages are intact but whose other pages are garbage
// (a disk that returned zeros, a bad copy) is reported, not a crash: bbolt
// panics or faults on such pages while Open reads them.
func TestDamagedPagesAreReported(t *testing.T) {
	dir := t.TempDir()
	s := testenv.Store(t, dir, 50)
	s.Close()
	path := filepath.Join(dir, "verken.db")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := 2 * 4096; i < len(b); i++ {
		b[i] = byte(i*7919>>3) | 0x80
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	g, tx := testenv.Tables(t)
	st, err := directory.Open(path, directory.Validator{Places: g, Tasks: tx})
	var damaged *directory.DamagedError
	if !errors.As(err, &damaged) {
		if st != nil {
			st.Close()
		}
		t.Fatalf("opening a store with garbage pages: %v, want a DamagedError", err)
	}
	t.Log(err)
}
