package tabular

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/verken/verken/directory"
)

// Limits bound what reading one import file may cost. An XLSX is a zip: a
// few hundred KB can unzip to gigabytes, so its unzipped size is checked
// from the zip's directory before anything is unzipped, and its rows are
// read one at a time. A zero limit is no limit.
type Limits struct {
	MaxBytes         int64 // the file as sent (CSV and JSON; an XLSX is bounded by MaxUnzippedBytes)
	MaxUnzippedBytes int64 // every part of an XLSX together, unzipped
	MaxPartBytes     int64 // one part of an XLSX that is parsed whole (styles, workbook, …), unzipped
	MaxTextBytes     int64 // the cells of an XLSX together: shared strings let one long text fill every cell
	MaxRows          int   // data rows, below the header; JSON objects
	MaxColumns       int   // cells in a row, empty ones included, counted as the row is read
	MaxCellChars     int   // characters in one cell or one JSON string
}

// UploadLimits hold for a file sent to the server (the administration page
// and the API). Excel itself holds at most 32,767 characters in a cell, and
// the longest text of a supplier is 5,000; the import template has about
// 50 columns. The row limit is far above any real directory's one import
// (Flanders and Brussels have a few thousand social-economy enterprises);
// larger loads go through several files or `verken import`.
var UploadLimits = Limits{
	MaxBytes:         20 << 20,
	MaxUnzippedBytes: 64 << 20,
	MaxPartBytes:     8 << 20,
	MaxTextBytes:     64 << 20,
	MaxRows:          50000,
	MaxColumns:       256,
	MaxCellChars:     32767,
}

// FileLimits hold for `verken import`, run by the operator on a file of
// their own: a whole directory moves through it (an export of a million
// suppliers is a few GB of JSON Lines), so rows and bytes are not bounded;
// an XLSX still is, as a file from elsewhere can be a zip bomb.
var FileLimits = Limits{
	MaxUnzippedBytes: 1 << 30,
	MaxPartBytes:     8 << 20,
	MaxTextBytes:     256 << 20,
	MaxColumns:       256,
	MaxCellChars:     32767,
}

// LimitError says which limit a file went over, and where.
type LimitError struct {
	Limit string // bytes, unzipped_bytes, part_bytes, text_bytes, rows, columns, cell_chars
	Max   int64
	Row   int    // the row (as a spreadsheet numbers them, header 1; for JSON the object), or 0
	Field string // the column (its header, or its number from 1), the JSON field, or the zip part
}

// MaxText is the limit for people: sizes in MiB.
func (e *LimitError) MaxText() string {
	if strings.HasSuffix(e.Limit, "bytes") {
		return fmt.Sprintf("%d MiB", e.Max>>20)
	}
	return fmt.Sprint(e.Max)
}

func (e *LimitError) Error() string {
	switch e.Limit {
	case "bytes":
		return fmt.Sprintf("limit bytes exceeded: the file is larger than %s", e.MaxText())
	case "unzipped_bytes":
		return fmt.Sprintf("limit unzipped_bytes exceeded: the workbook unzips to more than %s", e.MaxText())
	case "part_bytes":
		return fmt.Sprintf("limit part_bytes exceeded: the workbook's part %s unzips to more than %s", e.Field, e.MaxText())
	case "text_bytes":
		return fmt.Sprintf("limit text_bytes exceeded: the cells hold more than %s of text (by row %d)", e.MaxText(), e.Row)
	case "rows":
		return fmt.Sprintf("limit rows exceeded: the file has more than %s rows", e.MaxText())
	case "columns":
		return fmt.Sprintf("limit columns exceeded: row %d has more than %s columns", e.Row, e.MaxText())
	case "cell_chars":
		return fmt.Sprintf("limit cell_chars exceeded: row %d, column %s holds more than %s characters", e.Row, e.Field, e.MaxText())
	}
	return "limit " + e.Limit + " exceeded"
}

// limitedReader fails with a LimitError past max bytes, where
// io.LimitReader would end the file early and let a cut file pass for a
// whole one.
type limitedReader struct {
	r    io.Reader
	left int64
	max  int64
}

func limitReader(r io.Reader, max int64) io.Reader {
	if max <= 0 {
		return r
	}
	return &limitedReader{r: r, left: max + 1, max: max}
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		return 0, &LimitError{Limit: "bytes", Max: l.max}
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	if l.left <= 0 {
		return n, &LimitError{Limit: "bytes", Max: l.max}
	}
	return n, err
}

// rowChecker applies the row, column, cell and text limits to a table as it
// is read, one row at a time.
type rowChecker struct {
	lim    Limits
	header []string
	rows   int
	text   int64
}

// check returns row n (1-based, the header included) without its trailing
// empty cells, or the limit it goes over. Every cell counts towards the
// column limit, empty ones too: a line of separators is a row that wide.
func (c *rowChecker) check(n int, cells []string) ([]string, error) {
	if n == 1 {
		c.header = cells
	} else {
		c.rows++
		if c.lim.MaxRows > 0 && c.rows > c.lim.MaxRows {
			return nil, &LimitError{Limit: "rows", Max: int64(c.lim.MaxRows), Row: n}
		}
	}
	if c.lim.MaxColumns > 0 && len(cells) > c.lim.MaxColumns {
		return nil, &LimitError{Limit: "columns", Max: int64(c.lim.MaxColumns), Row: n}
	}
	last := len(cells)
	for last > 0 && cells[last-1] == "" {
		last--
	}
	cells = cells[:last]
	for i, cell := range cells {
		c.text += int64(len(cell))
		if c.lim.MaxCellChars > 0 && len(cell) > c.lim.MaxCellChars && utf8.RuneCountInString(cell) > c.lim.MaxCellChars {
			return nil, &LimitError{Limit: "cell_chars", Max: int64(c.lim.MaxCellChars), Row: n, Field: c.columnName(i)}
		}
	}
	if c.lim.MaxTextBytes > 0 && c.text > c.lim.MaxTextBytes {
		return nil, &LimitError{Limit: "text_bytes", Max: c.lim.MaxTextBytes, Row: n}
	}
	return cells, nil
}

// columnName names column i (from 0) by its header when the header has
// one that is not itself too long to repeat, or else by its number.
func (c *rowChecker) columnName(i int) string {
	if i < len(c.header) {
		if h := strings.TrimSpace(c.header[i]); h != "" && len(h) <= 64 {
			return h
		}
	}
	return fmt.Sprint(i + 1)
}

// checkJSONRows applies the row and cell limits to rows read from JSON.
func checkJSONRows(rows []directory.ImportRow, lim Limits) error {
	if lim.MaxRows > 0 && len(rows) > lim.MaxRows {
		return &LimitError{Limit: "rows", Max: int64(lim.MaxRows), Row: rows[lim.MaxRows].Row}
	}
	if lim.MaxCellChars <= 0 {
		return nil
	}
	for _, r := range rows {
		if r.Supplier == nil {
			continue
		}
		if field := longString(reflect.ValueOf(r.Supplier).Elem(), "", lim.MaxCellChars); field != "" {
			return &LimitError{Limit: "cell_chars", Max: int64(lim.MaxCellChars), Row: r.Row, Field: field}
		}
	}
	return nil
}

// longString returns the JSON path of the first string in v longer than
// max characters, or "".
func longString(v reflect.Value, path string, max int) string {
	switch v.Kind() {
	case reflect.String:
		if s := v.String(); len(s) > max && utf8.RuneCountInString(s) > max {
			return path
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			return longString(v.Elem(), path, max)
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			if p := longString(v.Index(i), fmt.Sprintf("%s[%d]", path, i), max); p != "" {
				return p
			}
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			if p := longString(it.Key(), path, max); p != "" {
				return p
			}
			if p := longString(it.Value(), path+"."+fmt.Sprint(it.Key()), max); p != "" {
				return p
			}
		}
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < v.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if path != "" && !f.Anonymous {
				name = path + "." + name
			} else if f.Anonymous {
				name = path
			}
			if p := longString(v.Field(i), name, max); p != "" {
				return p
			}
		}
	}
	return ""
}

// asLimit returns err's LimitError when it has one, so that a limit met
// deep in a reader is reported as the limit and not as a broken file.
func asLimit(err error) error {
	var le *LimitError
	if errors.As(err, &le) {
		return le
	}
	return err
}
