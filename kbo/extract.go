package kbo

import (
	"archive/zip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/verken/verken/directory"
)

// Meta is meta.csv: which extract this is.
type Meta struct {
	SnapshotDate  directory.Date
	ExtractNumber int
	ExtractType   string // "full" or "update"
	Version       string
}

// Extract is an open KBO Open Data zip.
type Extract struct {
	zr    *zip.ReadCloser
	files map[string]*zip.File // lower-case base name without .csv
	Meta  Meta
}

// Update reports whether this is an update extract.
func (x *Extract) Update() bool { return x.Meta.ExtractType == "update" }

// Open opens an extract and reads its meta.csv. The type comes from meta's
// ExtractType, or else from the files it holds (enterprise_insert.csv).
func Open(name string) (*Extract, error) {
	zr, err := zip.OpenReader(name)
	if err != nil {
		return nil, err
	}
	x := &Extract{zr: zr, files: map[string]*zip.File{}}
	for _, f := range zr.File {
		base := strings.ToLower(path.Base(f.Name))
		if strings.HasSuffix(base, ".csv") {
			x.files[strings.TrimSuffix(base, ".csv")] = f
		}
	}
	if err := x.readMeta(); err != nil {
		zr.Close()
		return nil, err
	}
	return x, nil
}

// Close closes the zip.
func (x *Extract) Close() error { return x.zr.Close() }

func (x *Extract) readMeta() error {
	kv := map[string]string{}
	if _, ok := x.files["meta"]; ok {
		err := x.each("meta", []string{"Variable", "Value"}, func(r []string) error {
			kv[strings.ToLower(r[0])] = r[1]
			return nil
		})
		if err != nil {
			return err
		}
	}
	m := &x.Meta
	m.ExtractType = strings.ToLower(strings.TrimSpace(kv["extracttype"]))
	if m.ExtractType == "" {
		if _, ok := x.files["enterprise_insert"]; ok {
			m.ExtractType = "update"
		} else {
			m.ExtractType = "full"
		}
	}
	if m.ExtractType != "full" && m.ExtractType != "update" {
		return fmt.Errorf("meta.csv: ExtractType %q is neither full nor update", m.ExtractType)
	}
	m.Version = kv["version"]
	if s := kv["extractnumber"]; s != "" {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf("meta.csv: ExtractNumber %q: %w", s, err)
		}
		m.ExtractNumber = n
	}
	if s := kv["snapshotdate"]; s != "" {
		d, err := parseDate(s)
		if err != nil {
			return fmt.Errorf("meta.csv: SnapshotDate: %w", err)
		}
		m.SnapshotDate = d
	}
	return nil
}

// has reports whether the extract holds the named file.
func (x *Extract) has(name string) bool { _, ok := x.files[name]; return ok }

// each calls fn for every data line of the named file with the wanted
// columns, in the order asked, whatever their order in the file. The slice
// is reused between calls. A missing file is an error; so is a missing
// column.
func (x *Extract) each(name string, cols []string, fn func([]string) error) error {
	f, ok := x.files[name]
	if !ok {
		return fmt.Errorf("the extract has no %s.csv", name)
	}
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	cr := csv.NewReader(rc)
	cr.ReuseRecord = true
	cr.LazyQuotes = true
	head, err := cr.Read()
	if err == io.EOF {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s.csv: %w", name, err)
	}
	at := make([]int, len(cols))
	for i, c := range cols {
		at[i] = -1
		for j, h := range head {
			if strings.EqualFold(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")), c) {
				at[i] = j
			}
		}
		if at[i] < 0 {
			return fmt.Errorf("%s.csv: no column %s (columns: %s)", name, c, strings.Join(head, ", "))
		}
	}
	out := make([]string, len(cols))
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s.csv: %w", name, err)
		}
		for i, j := range at {
			out[i] = rec[j]
		}
		if err := fn(out); err != nil {
			var le *lineError
			if errors.As(err, &le) {
				return fmt.Errorf("%s.csv line %d: %s", name, line, le.msg)
			}
			return err
		}
	}
}

type lineError struct{ msg string }

func (e *lineError) Error() string { return e.msg }

// number reads an enterprise (9999.999.999), establishment
// (9.999.999.999) or branch number as a number.
func number(s string) (uint64, bool) {
	var n uint64
	d := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			n = n*10 + uint64(c-'0')
			d++
		case c == '.':
		default:
			return 0, false
		}
	}
	return n, d == 10
}

// numberText is a number's ten digits.
func numberText(n uint64) string { return fmt.Sprintf("%010d", n) }

// parseDate reads dd-mm-yyyy.
func parseDate(s string) (directory.Date, error) {
	t, err := time.Parse("02-01-2006", strings.TrimSpace(s))
	if err != nil {
		return directory.Date{}, fmt.Errorf("%q is not a date dd-mm-yyyy", s)
	}
	return directory.DateOf(t), nil
}
