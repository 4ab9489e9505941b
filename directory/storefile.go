package directory

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"runtime/debug"
)

// DamagedError says that the store file cannot be what bbolt wrote: cut
// short, or something else altogether. Opening it anyway is not safe:
// bbolt maps the file, and reading a page past its end kills the process
// with a fault no recover sees.
type DamagedError struct {
	Path   string
	Size   int64
	Reason string
}

func (e *DamagedError) Error() string {
	return fmt.Sprintf("store %s (%d bytes) is truncated or not a Verken store: %s; restore from a backup", e.Path, e.Size, e.Reason)
}

// The parts of bbolt's file format (version 2) the check reads: every page
// starts with a 16-byte header, pages 0 and 1 hold the meta, and the meta's
// fields are native-endian.
const (
	boltMagic      = 0xED0CDAED
	boltVersion    = 2
	boltPageHeader = 16
	boltMetaSize   = 64
	// Offsets inside the meta.
	metaPageSize = 8
	metaPgid     = 40 // the high-water mark: the number of pages in use
	metaTxid     = 48
	metaChecksum = 56
)

type boltMeta struct {
	pageSize, pgid, txid uint64
}

// readMeta decodes and checks the meta at off, as bbolt's Validate does.
func readMeta(f io.ReaderAt, off int64) (boltMeta, bool) {
	var b [boltMetaSize]byte
	if _, err := f.ReadAt(b[:], off+boltPageHeader); err != nil {
		return boltMeta{}, false
	}
	ne := binary.NativeEndian
	h := fnv.New64a()
	h.Write(b[:metaChecksum])
	if ne.Uint32(b[0:]) != boltMagic || ne.Uint32(b[4:]) != boltVersion || ne.Uint64(b[metaChecksum:]) != h.Sum64() {
		return boltMeta{}, false
	}
	return boltMeta{pageSize: uint64(ne.Uint32(b[metaPageSize:])), pgid: ne.Uint64(b[metaPgid:]), txid: ne.Uint64(b[metaTxid:])}, true
}

// checkFile refuses a store file whose pages in use, as its meta pages say,
// do not all lie inside the file. A missing file is fine: Open creates it.
// An empty one is not: bbolt would quietly make a new store of it, and a
// store that lost everything must not start as if it were new.
func checkFile(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	size := st.Size()
	damaged := func(format string, a ...any) error {
		return &DamagedError{Path: path, Size: size, Reason: fmt.Sprintf(format, a...)}
	}
	if size == 0 {
		return damaged("the file is empty")
	}
	// Page 0's meta tells the page size; when it is damaged bbolt falls back
	// on page 1's, which lies one page further, at a page size to be found.
	first, ok := readMeta(f, 0)
	if !ok {
		for ps := int64(1024); ps <= 64<<10 && !ok; ps *= 2 {
			if m, valid := readMeta(f, ps); valid && int64(m.pageSize) == ps {
				first, ok = m, true
			}
		}
	}
	if !ok {
		return damaged("no valid bbolt meta page")
	}
	ps := first.pageSize
	if ps < 512 || ps > 1<<20 || ps&(ps-1) != 0 {
		return damaged("page size %d", ps)
	}
	if size < int64(2*ps) {
		return damaged("shorter than its two meta pages of %d bytes", ps)
	}
	// bbolt uses the valid meta with the highest transaction id.
	var use boltMeta
	for _, off := range []int64{0, int64(ps)} {
		if m, valid := readMeta(f, off); valid && m.pageSize == ps && (use.pageSize == 0 || m.txid > use.txid) {
			use = m
		}
	}
	if use.pageSize == 0 {
		return damaged("no valid bbolt meta page")
	}
	if need := use.pgid * ps; need > uint64(size) || use.pgid < 2 {
		return damaged("its pages in use end at byte %d", need)
	}
	return nil
}

// guard turns a fault while reading the mapped file (a page that damage put
// out of place) and a panic of bbolt on a damaged page into an error, so
// that start-up reports the file rather than crashing. It covers the
// reads Open does; checkFile has already refused a file cut short.
func guard(path string, fn func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			size := int64(-1)
			if st, serr := os.Stat(path); serr == nil {
				size = st.Size()
			}
			err = &DamagedError{Path: path, Size: size, Reason: fmt.Sprintf("reading it failed: %v", r)}
		}
	}()
	return fn()
}
