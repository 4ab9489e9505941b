package tabular

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
)

// Cells are counted before excelize reads a row: excelize decodes every
// <c> of a row, empty or not, before it hands the row over, so a row of 15
// million empty cells (60 MB of XML, 60 KB zipped) cost seconds of CPU and
// hundreds of MB. countCells goes through a worksheet's XML byte by byte,
// in constant memory, and stops at the first row with more cells than the
// column limit allows.

// errSheetXML is a worksheet that is not the plain UTF-8 XML every
// spreadsheet program writes; it is refused rather than counted wrong.
var errSheetXML = errors.New("not an XLSX workbook: the worksheet is not plain UTF-8 XML")

// checkSheetColumns counts the cells of every row of the workbook's first
// worksheet, as excelize will find it, empty cells included. When the
// first worksheet cannot be found from the workbook's parts, every part
// that is not a picture is counted.
func checkSheetColumns(zr *zip.Reader, max int) error {
	if max <= 0 {
		return nil
	}
	names, ok := firstSheetParts(zr)
	for _, f := range zr.File {
		name := strings.ReplaceAll(f.Name, "\\", "/")
		if ok && !names[strings.ToLower(name)] || !ok && strings.HasPrefix(strings.ToLower(name), "xl/media/") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return fmt.Errorf("not an XLSX workbook: %w", err)
		}
		err = countCells(rc, max)
		rc.Close()
		if err != nil {
			var le *LimitError
			if errors.As(err, &le) || err == errSheetXML {
				return err
			}
			return fmt.Errorf("not an XLSX workbook: %w", err)
		}
	}
	return nil
}

const (
	relOfficeDocument       = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
	strictRelOfficeDocument = "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"
)

// firstSheetParts names (in lower case) the parts excelize may read as
// the first worksheet: it finds the workbook as excelize does, and every
// sheet named as the first one (excelize compares names without case).
func firstSheetParts(zr *zip.Reader) (map[string]bool, bool) {
	var rels struct {
		Rel []struct {
			ID     string `xml:"Id,attr"`
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if !decodePart(zr, "_rels/.rels", &rels) {
		return nil, false
	}
	book := ""
	for _, r := range rels.Rel {
		if r.Type == relOfficeDocument || r.Type == strictRelOfficeDocument {
			book = strings.TrimPrefix(r.Target, "/")
			break
		}
	}
	if book == "" {
		return nil, false
	}
	var wb struct {
		Sheets []struct {
			Name  string     `xml:"name,attr"`
			Attrs []xml.Attr `xml:",any,attr"`
		} `xml:"sheets>sheet"`
	}
	if !decodePart(zr, book, &wb) || len(wb.Sheets) == 0 {
		return nil, false
	}
	dir := path.Dir(book)
	relsPath := strings.TrimPrefix(dir+"/_rels/"+path.Base(book)+".rels", "/")
	if dir == "." {
		relsPath = "_rels/" + path.Base(book) + ".rels"
	}
	rels.Rel = nil
	if !decodePart(zr, relsPath, &rels) {
		return nil, false
	}
	names := map[string]bool{}
	for _, s := range wb.Sheets {
		if !strings.EqualFold(s.Name, wb.Sheets[0].Name) {
			continue
		}
		for _, a := range s.Attrs {
			if a.Name.Local != "id" {
				continue
			}
			for _, r := range rels.Rel {
				if r.ID != a.Value {
					continue
				}
				p := strings.TrimPrefix(strings.ReplaceAll(path.Clean(dir+"/"+r.Target), "\\", "/"), "/")
				if strings.HasPrefix(r.Target, "/") {
					p = strings.TrimPrefix(strings.ReplaceAll(path.Clean(r.Target), "\\", "/"), "/")
				}
				names[strings.ToLower(p)] = true
			}
		}
	}
	return names, len(names) > 0
}

// decodePart decodes the part called name (checkZip has bounded its size).
func decodePart(zr *zip.Reader, name string, v any) bool {
	found := false
	for _, f := range zr.File {
		if !strings.EqualFold(strings.ReplaceAll(f.Name, "\\", "/"), name) {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return false
		}
		err = xml.NewDecoder(rc).Decode(v)
		rc.Close()
		if err != nil {
			return false
		}
		found = true
	}
	return found
}

// countCells counts the <c> elements after each <row> start tag (as
// excelize does: every cell up to the next row is the row's) and the
// column a cell's r attribute puts it in, and fails with a columns limit
// past max. Comments, CDATA and processing instructions are skipped as an
// XML parser skips them; a document type or an encoding other than UTF-8
// is refused, as a parser could then read elements this count would not.
func countCells(r io.Reader, max int) error {
	br := bufio.NewReaderSize(r, 64<<10)
	row, cells, col, inRow := 0, 0, 0, false
	for {
		if err := skipPast(br, '<'); err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
		b, err := br.ReadByte()
		if err != nil {
			return nil
		}
		switch b {
		case '!':
			if err := skipDeclaration(br); err != nil {
				return err
			}
			continue
		case '?':
			if err := checkProcInst(br); err != nil {
				return err
			}
			continue
		case '/':
			continue
		}
		_ = br.UnreadByte()
		local, err := readLocalName(br)
		if err != nil {
			return nil
		}
		attrs, err := readAttrs(br, local == "row" || local == "c")
		if err != nil {
			return nil
		}
		switch local {
		case "row":
			inRow, cells, col = true, 0, 0
			if n, err := strconv.Atoi(attrs); err == nil && n > 0 {
				row = n
			} else {
				row++
			}
		case "c":
			if !inRow {
				continue
			}
			cells++
			col++
			if c := columnOf(attrs); c > 0 {
				col = c
			}
			if cells > max || col > max {
				return &LimitError{Limit: "columns", Max: int64(max), Row: row}
			}
		}
	}
}

// skipPast reads up to and including the next b.
func skipPast(br *bufio.Reader, b byte) error {
	for {
		_, err := br.ReadSlice(b)
		if err != bufio.ErrBufferFull {
			return err
		}
	}
}

// skipUntil reads up to and including end (two or three bytes).
func skipUntil(br *bufio.Reader, end string) error {
	var last [3]byte
	n := len(end)
	for {
		b, err := br.ReadByte()
		if err != nil {
			return err
		}
		copy(last[:], last[1:])
		last[2] = b
		if string(last[3-n:]) == end {
			return nil
		}
	}
}

// skipDeclaration skips a comment or a CDATA section after "<!"; anything
// else (a document type) is refused.
func skipDeclaration(br *bufio.Reader) error {
	if p, _ := br.Peek(2); string(p) == "--" {
		_, _ = br.Discard(2)
		if err := skipUntil(br, "-->"); err != nil && err != io.EOF {
			return err
		}
		return nil
	}
	if p, _ := br.Peek(7); string(p) == "[CDATA[" {
		_, _ = br.Discard(7)
		if err := skipUntil(br, "]]>"); err != nil && err != io.EOF {
			return err
		}
		return nil
	}
	return errSheetXML
}

// checkProcInst skips a processing instruction after "<?" and refuses an
// XML declaration that names an encoding other than UTF-8.
func checkProcInst(br *bufio.Reader) error {
	var pi []byte
	var last byte
	for {
		b, err := br.ReadByte()
		if err != nil {
			return nil
		}
		if last == '?' && b == '>' {
			break
		}
		last = b
		if len(pi) < 512 {
			pi = append(pi, b)
		}
	}
	target, rest := pi, []byte(nil)
	if i := bytes.IndexAny(pi, " \t\r\n"); i >= 0 {
		target, rest = pi[:i], pi[i:]
	}
	if string(target) != "xml" {
		return nil
	}
	if _, enc, ok := bytes.Cut(rest, []byte("encoding")); ok {
		enc = bytes.TrimLeft(enc, " \t\r\n=")
		if len(enc) > 0 && (enc[0] == '"' || enc[0] == '\'') {
			if v, _, ok := bytes.Cut(enc[1:], enc[:1]); ok && !strings.EqualFold(string(v), "utf-8") {
				return errSheetXML
			}
		}
	}
	return nil
}

// readLocalName reads an element's name and returns its local part (after
// any prefix), cut to a few bytes: only "row" and "c" matter.
func readLocalName(br *bufio.Reader) (string, error) {
	var name [4]byte
	n := 0
	for {
		b, err := br.ReadByte()
		if err != nil {
			return "", err
		}
		switch b {
		case ' ', '\t', '\r', '\n', '/', '>':
			_ = br.UnreadByte()
			if n > len(name) {
				return "", nil
			}
			return string(name[:n]), nil
		case ':':
			n = 0
		default:
			if n < len(name) {
				name[n] = b
			}
			n++
		}
	}
}

// readAttrs reads a start tag's attributes up to its '>', and returns the
// value of the attribute r (any prefix) when keep is set.
func readAttrs(br *bufio.Reader, keep bool) (string, error) {
	var r []byte
	var name [2]byte
	n := 0
	for {
		b, err := br.ReadByte()
		if err != nil {
			return "", err
		}
		switch b {
		case '>':
			return string(r), nil
		case '"', '\'':
			isR := keep && n == 1 && name[0] == 'r'
			for {
				c, err := br.ReadByte()
				if err != nil {
					return "", err
				}
				if c == b {
					break
				}
				if isR && len(r) < 16 {
					r = append(r, c)
				}
			}
			n = 0
		case ' ', '\t', '\r', '\n', '/':
			// between attributes
		case '=':
			// the name is complete: n and name hold its local part
		case ':':
			n = 0
		default:
			if n < len(name) {
				name[n] = b
			}
			n++
		}
	}
}

// columnOf is the column (from 1) of a cell reference such as "AB12", or 0.
func columnOf(ref string) int {
	col := 0
	for i := 0; i < len(ref); i++ {
		c := ref[i] | 0x20
		if c < 'a' || c > 'z' {
			if i == 0 {
				return 0
			}
			break
		}
		col = col*26 + int(c-'a'+1)
		if col > 1<<20 {
			return col
		}
	}
	return col
}

// csvColumns fails with a columns limit as soon as a record of a CSV file
// has more than max fields, empty ones included, before encoding/csv
// holds the record: a 19 MB line of semicolons would otherwise become 19
// million strings. It follows quotes as RFC 4180 writes them (a doubled
// quote inside a quoted field turns quoting off and on again), so a comma
// inside quotes is not counted; a quote in the middle of a field, which
// encoding/csv refuses, can only make it count fewer separators on a line
// that is then refused anyway.
type csvColumns struct {
	r      io.Reader
	comma  byte
	max    int
	fields int  // fields of the current record so far
	quoted bool // inside a quoted field
	empty  bool // the current line has nothing yet (encoding/csv skips empty lines)
	row    int  // records begun, as encoding/csv counts them
}

func newCSVColumns(r io.Reader, comma rune, max int) io.Reader {
	if max <= 0 || comma >= 0x80 {
		return r
	}
	return &csvColumns{r: r, comma: byte(comma), max: max, fields: 1, empty: true}
}

func (c *csvColumns) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i := 0; i < n; i++ {
		b := p[i]
		if c.empty && b != '\n' && b != '\r' {
			c.empty = false
			c.row++
		}
		switch {
		case b == '"':
			c.quoted = !c.quoted
		case c.quoted:
		case b == '\n':
			c.fields, c.empty = 1, true
		case b == c.comma:
			c.fields++
			if c.fields > c.max {
				return i, &LimitError{Limit: "columns", Max: int64(c.max), Row: c.row}
			}
		}
	}
	return n, err
}
