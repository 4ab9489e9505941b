// Package transit reads GTFS timetables and tells how well any place is
// served by public transport: the stops within walking distance, their
// departures on a reference day, the Swiss/German quality class
// (ÖV-Güteklasse) and the London PTAL band. It keeps the reference day's
// trips as a timetable for journeys (RAPTOR, raptor.go): how late one can
// leave every stop to arrive somewhere by a time, and the journey from a
// point. It also generates the synthetic network of the demo data. It
// imports only package data.
package transit

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// Source is one GTFS feed: a zip file or a folder of .txt files.
type Source struct {
	Name string // for messages and for keeping ids apart: the feed's id
	Path string
}

// maxFileBytes bounds one uncompressed GTFS file; a larger one is refused
// as a zip bomb rather than read. De Lijn's stop_times.txt is far below.
const maxFileBytes = 4 << 30

// maxRatio refuses zip entries that expand more than this many times;
// CSV compresses about 10 to 1.
const maxRatio = 200

// FeedError names the file and line of a problem in a feed.
type FeedError struct {
	Feed, File string
	Line       int // 0 when it is about the whole file
	Reason     string
}

func (e *FeedError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s: %s line %d: %s", e.Feed, e.File, e.Line, e.Reason)
	}
	return fmt.Sprintf("%s: %s: %s", e.Feed, e.File, e.Reason)
}

// feedFiles opens the files of a feed.
type feedFiles interface {
	open(name string) (io.ReadCloser, error) // os.ErrNotExist when absent
	close() error
}

type dirFiles string

func (d dirFiles) open(name string) (io.ReadCloser, error) {
	return os.Open(filepath.Join(string(d), name))
}
func (d dirFiles) close() error { return nil }

type zipFiles struct{ r *zip.ReadCloser }

func (z zipFiles) open(name string) (io.ReadCloser, error) {
	for _, f := range z.r.File {
		// Some publishers put the files in a folder inside the zip.
		if f.Name == name || strings.HasSuffix(f.Name, "/"+name) {
			if f.UncompressedSize64 > maxFileBytes || f.CompressedSize64 > 0 && f.UncompressedSize64/f.CompressedSize64 > maxRatio && f.UncompressedSize64 > 1<<20 {
				return nil, fmt.Errorf("expands to %d bytes from %d: refused as a zip bomb", f.UncompressedSize64, f.CompressedSize64)
			}
			rc, err := f.Open()
			if err != nil {
				return nil, err
			}
			// The declared size can lie; the reader cannot.
			return struct {
				io.Reader
				io.Closer
			}{&limitedReader{r: rc, left: maxFileBytes}, rc}, nil
		}
	}
	return nil, os.ErrNotExist
}
func (z zipFiles) close() error { return z.r.Close() }

type limitedReader struct {
	r    io.Reader
	left int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		return 0, fmt.Errorf("longer than %d bytes: refused as a zip bomb", int64(maxFileBytes))
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}

func openFeed(src Source) (feedFiles, error) {
	st, err := os.Stat(src.Path)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return dirFiles(src.Path), nil
	}
	r, err := zip.OpenReader(src.Path)
	if err != nil {
		return nil, &FeedError{Feed: src.Name, File: filepath.Base(src.Path), Reason: "not a zip file: " + err.Error()}
	}
	return zipFiles{r}, nil
}

// table streams the rows of one GTFS file by column name.
type table struct {
	feed, file string
	r          *csv.Reader
	cols       map[string]int
	line       int
	row        []string
}

// readTable opens a GTFS file; a missing required file is an error, a
// missing optional one gives nil.
func readTable(files feedFiles, feed, name string, required bool, fn func(t *table) error) error {
	rc, err := files.open(name)
	if errors.Is(err, os.ErrNotExist) {
		if required {
			return &FeedError{Feed: feed, File: name, Reason: "required file is missing"}
		}
		return nil
	}
	if err != nil {
		return &FeedError{Feed: feed, File: name, Reason: err.Error()}
	}
	defer rc.Close()
	t := &table{feed: feed, file: name, r: csv.NewReader(&bomSkipper{r: rc}), cols: map[string]int{}}
	t.r.FieldsPerRecord = -1
	t.r.ReuseRecord = true
	header, err := t.r.Read()
	if err == io.EOF {
		return &FeedError{Feed: feed, File: name, Line: 1, Reason: "empty file, no header"}
	}
	if err != nil {
		return t.fail(err)
	}
	t.line = 1
	for i, h := range header {
		t.cols[strings.TrimSpace(h)] = i
	}
	for {
		row, err := t.r.Read()
		if err == io.EOF {
			return nil
		}
		t.line++
		if err != nil {
			return t.fail(err)
		}
		for _, cell := range row {
			if !utf8.ValidString(cell) {
				return t.errorf("not UTF-8 text")
			}
		}
		t.row = row
		if err := fn(t); err != nil {
			return err
		}
	}
}

func (t *table) fail(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &FeedError{Feed: t.feed, File: t.file, Line: pe.Line, Reason: pe.Err.Error()}
	}
	return &FeedError{Feed: t.feed, File: t.file, Line: t.line + 1, Reason: err.Error()}
}

func (t *table) errorf(format string, args ...any) error {
	return &FeedError{Feed: t.feed, File: t.file, Line: t.line, Reason: fmt.Sprintf(format, args...)}
}

// get returns a cell, "" when the column or the cell is missing.
func (t *table) get(col string) string {
	i, ok := t.cols[col]
	if !ok || i >= len(t.row) {
		return ""
	}
	return strings.TrimSpace(t.row[i])
}

// need returns a cell that must be there.
func (t *table) need(col string) (string, error) {
	v := t.get(col)
	if v == "" {
		return "", t.errorf("%s is missing", col)
	}
	return v, nil
}

// bomSkipper drops a UTF-8 byte-order mark at the start of a file.
type bomSkipper struct {
	r       io.Reader
	checked bool
}

func (b *bomSkipper) Read(p []byte) (int, error) {
	if b.checked {
		return b.r.Read(p)
	}
	b.checked = true
	var head [3]byte
	n, err := io.ReadFull(b.r, head[:])
	rest := head[:n]
	if n == 3 && bytes.Equal(head[:], []byte("\xEF\xBB\xBF")) {
		rest = nil
	}
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return 0, err
	}
	b.r = io.MultiReader(bytes.NewReader(rest), b.r)
	return b.r.Read(p)
}

// parseTime reads H:MM:SS, hours past 24 allowed, as seconds.
func parseTime(s string) (int32, bool) {
	parts := strings.Split(s, ":")
	if len(parts) != 3 {
		return 0, false
	}
	var v [3]int
	for i, p := range parts {
		if p == "" || len(p) > 3 {
			return 0, false
		}
		for _, c := range p {
			if c < '0' || c > '9' {
				return 0, false
			}
			v[i] = v[i]*10 + int(c-'0')
		}
	}
	if v[1] > 59 || v[2] > 59 || v[0] > 72 {
		return 0, false
	}
	return int32(v[0]*3600 + v[1]*60 + v[2]), true
}
