package consult

import (
	"bytes"
	"compress/zlib"
	"errors"
	"io"
	"slices"
	"strconv"
)

// The document properties of a PDF an anonymous consultation sends: its
// author, the program that made it, its title and the like may name the
// buyer (docs/consultations.md says which facts of the format this relies
// on). ScrubPDF blanks them in place, byte for byte, so that every offset
// the cross-reference sections hold stays valid; what it cannot blank
// safely, it refuses.

// errPDFMetadata: the PDF holds metadata ScrubPDF cannot blank safely (a
// compressed or encrypted metadata stream, an object stream that may hold
// the document's properties, an encrypted file, a file it cannot read).
var errPDFMetadata = errors.New("the PDF holds document properties that cannot be removed safely")

// maxObjStm bounds what one object stream may decode to.
const maxObjStm = 32 << 20

// Token kinds of the PDF lexer (ISO 32000-1, 7.2 and 7.3).
const (
	tokEOF = iota
	tokLiteral
	tokHex
	tokDictOpen
	tokDictClose
	tokArrayOpen
	tokArrayClose
	tokName
	tokWord
	tokOther
)

type pdfToken struct {
	kind       int
	start, end int // the token's bytes: data[start:end]
}

func pdfSpace(c byte) bool {
	return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' '
}

func pdfDelim(c byte) bool {
	return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{' || c == '}' || c == '/' || c == '%'
}

// pdfLex reads the token at or after i, past white space and comments.
func pdfLex(data []byte, i int) pdfToken {
	for i < len(data) {
		if pdfSpace(data[i]) {
			i++
			continue
		}
		if data[i] == '%' {
			for i < len(data) && data[i] != '\n' && data[i] != '\r' {
				i++
			}
			continue
		}
		break
	}
	if i >= len(data) {
		return pdfToken{kind: tokEOF, start: len(data), end: len(data)}
	}
	switch c := data[i]; c {
	case '(':
		depth, j := 1, i+1
		for j < len(data) && depth > 0 {
			switch data[j] {
			case '\\':
				j++
			case '(':
				depth++
			case ')':
				depth--
			}
			j++
		}
		return pdfToken{tokLiteral, i, min(j, len(data))}
	case '<':
		if i+1 < len(data) && data[i+1] == '<' {
			return pdfToken{tokDictOpen, i, i + 2}
		}
		j := bytes.IndexByte(data[i:], '>')
		if j < 0 {
			return pdfToken{tokHex, i, len(data)}
		}
		return pdfToken{tokHex, i, i + j + 1}
	case '>':
		if i+1 < len(data) && data[i+1] == '>' {
			return pdfToken{tokDictClose, i, i + 2}
		}
		return pdfToken{tokOther, i, i + 1}
	case '[':
		return pdfToken{tokArrayOpen, i, i + 1}
	case ']':
		return pdfToken{tokArrayClose, i, i + 1}
	case '/':
		j := i + 1
		for j < len(data) && !pdfSpace(data[j]) && !pdfDelim(data[j]) {
			j++
		}
		return pdfToken{tokName, i, j}
	default:
		if pdfDelim(c) {
			return pdfToken{tokOther, i, i + 1}
		}
		j := i
		for j < len(data) && !pdfSpace(data[j]) && !pdfDelim(data[j]) {
			j++
		}
		return pdfToken{tokWord, i, j}
	}
}

// pdfName is a name token's name, its #xx escapes decoded (7.3.5).
func pdfName(data []byte, t pdfToken) string {
	raw := data[t.start+1 : t.end]
	if bytes.IndexByte(raw, '#') < 0 {
		return string(raw)
	}
	var b []byte
	for i := 0; i < len(raw); i++ {
		if raw[i] == '#' && i+2 < len(raw) {
			if v, err := strconv.ParseUint(string(raw[i+1:i+3]), 16, 8); err == nil {
				b = append(b, byte(v))
				i += 2
				continue
			}
		}
		b = append(b, raw[i])
	}
	return string(b)
}

func pdfInt(data []byte, t pdfToken) (int, bool) {
	if t.kind != tokWord {
		return 0, false
	}
	n, err := strconv.Atoi(string(data[t.start:t.end]))
	return n, err == nil && n >= 0
}

// pdfValue is one value of a dictionary: its first token, where it ends,
// and for an indirect reference ("12 0 R") the object number.
type pdfValue struct {
	first pdfToken
	end   int
	ref   int // -1 unless a reference
}

// pdfReadValue reads the value that starts at i.
func pdfReadValue(data []byte, i int) pdfValue {
	t := pdfLex(data, i)
	v := pdfValue{first: t, end: t.end, ref: -1}
	switch t.kind {
	case tokDictOpen, tokArrayOpen:
		depth := 1
		for depth > 0 {
			u := pdfLex(data, v.end)
			if u.kind == tokEOF {
				break
			}
			switch u.kind {
			case tokDictOpen, tokArrayOpen:
				depth++
			case tokDictClose, tokArrayClose:
				depth--
			}
			v.end = u.end
		}
	case tokWord:
		if n, ok := pdfInt(data, t); ok {
			g := pdfLex(data, t.end)
			if _, ok := pdfInt(data, g); ok {
				if r := pdfLex(data, g.end); r.kind == tokWord && string(data[r.start:r.end]) == "R" {
					v.end, v.ref = r.end, n
				}
			}
		}
	}
	return v
}

type pdfEntry struct {
	key   string
	value pdfValue
}

// pdfDict reads the entries of the dictionary whose "<<" is at start.
func pdfDict(data []byte, start int) []pdfEntry {
	var out []pdfEntry
	i := start + 2
	for {
		t := pdfLex(data, i)
		if t.kind != tokName {
			return out
		}
		v := pdfReadValue(data, t.end)
		if v.first.kind == tokEOF {
			return out
		}
		out = append(out, pdfEntry{pdfName(data, t), v})
		i = v.end
	}
}

func pdfLookup(es []pdfEntry, key string) (pdfValue, bool) {
	for _, e := range es {
		if e.key == key {
			return e.value, true
		}
	}
	return pdfValue{}, false
}

// pdfIsName reports whether a dictionary's key holds a given name, alone
// or in an array.
func pdfIsName(data []byte, es []pdfEntry, key, name string) bool {
	v, ok := pdfLookup(es, key)
	if !ok {
		return false
	}
	for i := v.first.start; i < v.end; {
		t := pdfLex(data, i)
		if t.kind == tokEOF || t.start >= v.end {
			break
		}
		if t.kind == tokName && pdfName(data, t) == name {
			return true
		}
		i = t.end
	}
	return false
}

type pdfDictAt struct {
	start, end int
	obj        int // the object it is the value of; -2 a trailer; -1 none
}

type pdfStream struct {
	dict                 pdfDictAt
	dataStart, dataEnd   int
	filtered, encodeParm bool
}

// pdfScan is what one pass over a file's bytes finds outside streams: the
// dictionaries that are the value of an object or a trailer, and the
// streams with their dictionaries.
type pdfScan struct {
	dicts   []pdfDictAt
	streams []pdfStream
}

func scanPDF(data []byte) (pdfScan, error) {
	var sc pdfScan
	cur, depth, dictStart := -1, 0, 0
	last := pdfDictAt{start: -1}
	var prev [2]pdfToken
	for i := 0; ; {
		t := pdfLex(data, i)
		if t.kind == tokEOF {
			return sc, nil
		}
		i = t.end
		switch t.kind {
		case tokDictOpen:
			if depth == 0 {
				dictStart = t.start
			}
			depth++
		case tokDictClose:
			if depth > 0 {
				depth--
				if depth == 0 {
					last = pdfDictAt{dictStart, t.end, cur}
					sc.dicts = append(sc.dicts, last)
				}
			}
		case tokWord:
			switch string(data[t.start:t.end]) {
			case "obj":
				if n, ok := pdfInt(data, prev[0]); ok {
					if _, ok := pdfInt(data, prev[1]); ok {
						cur = n
					}
				}
			case "endobj":
				cur = -1
			case "trailer":
				cur = -2
			case "startxref":
				cur = -1
			case "stream":
				if last.start < 0 || depth != 0 {
					return sc, errPDFMetadata
				}
				s := pdfStream{dict: last, dataStart: t.end}
				if s.dataStart < len(data) && data[s.dataStart] == '\r' {
					s.dataStart++
				}
				if s.dataStart < len(data) && data[s.dataStart] == '\n' {
					s.dataStart++
				}
				es := pdfDict(data, last.start)
				_, s.filtered = pdfLookup(es, "Filter")
				_, s.encodeParm = pdfLookup(es, "DecodeParms")
				s.dataEnd = -1
				if lv, ok := pdfLookup(es, "Length"); ok && lv.ref < 0 {
					if n, ok := pdfInt(data, lv.first); ok && s.dataStart+n <= len(data) {
						if u := pdfLex(data, s.dataStart+n); u.kind == tokWord && bytes.HasPrefix(data[u.start:], []byte("endstream")) {
							s.dataEnd = s.dataStart + n
						}
					}
				}
				if s.dataEnd < 0 {
					k := bytes.Index(data[s.dataStart:], []byte("endstream"))
					if k < 0 {
						return sc, errPDFMetadata
					}
					s.dataEnd = s.dataStart + k
				}
				sc.streams = append(sc.streams, s)
				i = s.dataEnd + bytes.Index(data[s.dataEnd:], []byte("endstream")) + len("endstream")
				last = pdfDictAt{start: -1}
			}
		}
		prev[0], prev[1] = prev[1], t
	}
}

// infoKeys are keys only a document information dictionary holds (14.3.3,
// Table 317): a dictionary without a Type that has one of them is taken
// for one, referred to or not (an older revision's, say).
var infoKeys = []string{"Author", "Creator", "Producer", "Keywords"}

// infoKept are the entries of an information dictionary that stay: dates.
var infoKept = []string{"CreationDate", "ModDate"}

// ScrubPDF returns a copy of a PDF file with its document properties
// blanked in place: every string value of its document information
// dictionaries (Author, Creator, Producer, Title, Subject, Keywords and
// any other but the dates) is overwritten with spaces inside its
// delimiters, and every uncompressed XMP packet's element contents and
// property values likewise; the file keeps its length and every byte
// offset. It refuses (errPDFMetadata) an encrypted file, a metadata stream
// that is compressed (or not XMP it can read), an object stream that may
// hold the information dictionary, and a value given by reference.
func ScrubPDF(data []byte) ([]byte, error) {
	sc, err := scanPDF(data)
	if err != nil {
		return nil, err
	}
	out := slices.Clone(data)
	info := map[int]bool{}
	var inline []int // information dictionaries given directly in a trailer
	for _, d := range sc.dicts {
		es := pdfDict(data, d.start)
		if _, ok := pdfLookup(es, "Encrypt"); ok && (d.obj == -2 || pdfIsName(data, es, "Type", "XRef")) {
			return nil, errPDFMetadata
		}
		if v, ok := pdfLookup(es, "Info"); ok && (d.obj == -2 || pdfIsName(data, es, "Type", "XRef")) {
			switch {
			case v.ref >= 0:
				info[v.ref] = true
			case v.first.kind == tokDictOpen:
				inline = append(inline, v.first.start)
			}
		}
		if _, typed := pdfLookup(es, "Type"); !typed && d.obj >= 0 && slices.ContainsFunc(infoKeys, func(k string) bool { _, ok := pdfLookup(es, k); return ok }) {
			info[d.obj] = true
		}
	}
	// Every revision of every information dictionary, in the file's
	// bytes; one only in an object stream cannot be blanked.
	found := map[int]bool{}
	for _, d := range sc.dicts {
		if d.obj >= 0 && info[d.obj] {
			found[d.obj] = true
			inline = append(inline, d.start)
		}
	}
	for n := range info {
		if !found[n] {
			return nil, errPDFMetadata
		}
	}
	for _, start := range inline {
		for _, e := range pdfDict(data, start) {
			if slices.Contains(infoKept, e.key) {
				continue
			}
			switch v := e.value; {
			case v.ref >= 0:
				return nil, errPDFMetadata
			case v.first.kind == tokLiteral || v.first.kind == tokHex:
				blank(out, v.first.start+1, v.first.end-1)
			}
		}
	}
	for _, s := range sc.streams {
		es := pdfDict(data, s.dict.start)
		switch {
		case pdfIsName(data, es, "Type", "Metadata") || pdfIsName(data, es, "Subtype", "XML"):
			body := data[s.dataStart:s.dataEnd]
			if s.filtered || !bytes.Contains(body, []byte("<rdf:RDF")) && !bytes.Contains(body, []byte("<x:xmpmeta")) {
				return nil, errPDFMetadata
			}
		case pdfIsName(data, es, "Type", "ObjStm"):
			if err := checkObjStm(data[s.dataStart:s.dataEnd], data, es, s, info); err != nil {
				return nil, err
			}
		}
	}
	for _, tag := range []string{"x:xmpmeta", "rdf:RDF"} {
		if err := blankXMP(out, "<"+tag, "</"+tag+">"); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// checkObjStm refuses an object stream that holds an information
// dictionary, or keys only one holds, or that it cannot decode.
func checkObjStm(body, data []byte, es []pdfEntry, s pdfStream, info map[int]bool) error {
	if s.encodeParm {
		return errPDFMetadata
	}
	if s.filtered {
		if !pdfIsName(data, es, "Filter", "FlateDecode") {
			return errPDFMetadata
		}
		if f, _ := pdfLookup(es, "Filter"); f.first.kind == tokArrayOpen && bytes.Count(data[f.first.start:f.end], []byte("/")) != 1 {
			return errPDFMetadata
		}
		r, err := zlib.NewReader(bytes.NewReader(body))
		if err != nil {
			return errPDFMetadata
		}
		dec, err := io.ReadAll(io.LimitReader(r, maxObjStm+1))
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) || len(dec) > maxObjStm {
			return errPDFMetadata
		}
		body = dec
	}
	first := len(body)
	if v, ok := pdfLookup(es, "First"); ok {
		if n, ok := pdfInt(data, v.first); ok && n <= len(body) {
			first = n
		}
	}
	for i, k := 0, 0; ; k++ {
		t := pdfLex(body[:first], i)
		if t.kind == tokEOF {
			break
		}
		if n, ok := pdfInt(body, t); ok && k%2 == 0 && info[n] {
			return errPDFMetadata
		}
		i = t.end
	}
	for _, k := range infoKeys {
		if bytes.Contains(body, []byte("/"+k)) {
			return errPDFMetadata
		}
	}
	return nil
}

// blank overwrites b[from:to] with spaces.
func blank(b []byte, from, to int) {
	for i := from; i < to; i++ {
		b[i] = ' '
	}
}

// blankXMP blanks, in every element from open to close, the text of
// elements, comments and the values of attributes but the namespaces'
// (xmlns), xml:lang and rdf:parseType: the XML stays well-formed and of
// its length. An element without its end is refused.
func blankXMP(b []byte, open, close string) error {
	for at := 0; ; {
		i := bytes.Index(b[at:], []byte(open))
		if i < 0 {
			return nil
		}
		i += at
		j := bytes.Index(b[i:], []byte(close))
		if j < 0 {
			return errPDFMetadata
		}
		end := i + j
		blankXML(b[i:end])
		at = end + len(close)
	}
}

func blankXML(b []byte) {
	for i := 0; i < len(b); {
		switch {
		case bytes.HasPrefix(b[i:], []byte("<!--")):
			j := bytes.Index(b[i+4:], []byte("-->"))
			if j < 0 {
				j = len(b) - i - 4
			}
			blank(b, i+4, i+4+j)
			i += 4 + j + 3
		case b[i] == '<':
			j := bytes.IndexByte(b[i:], '>')
			if j < 0 {
				j = len(b) - i
			}
			blankAttrs(b[i : i+j])
			i += j + 1
		default:
			if !pdfSpace(b[i]) {
				b[i] = ' '
			}
			i++
		}
	}
}

// blankAttrs blanks the attribute values of a tag but xmlns and rdf's.
func blankAttrs(tag []byte) {
	for i := 0; i < len(tag); i++ {
		if tag[i] != '=' {
			continue
		}
		k := i
		for k > 0 && pdfSpace(tag[k-1]) {
			k--
		}
		n := k
		for n > 0 && !pdfSpace(tag[n-1]) && tag[n-1] != '<' {
			n--
		}
		name := string(tag[n:k])
		q := i + 1
		for q < len(tag) && pdfSpace(tag[q]) {
			q++
		}
		if q >= len(tag) || tag[q] != '"' && tag[q] != '\'' {
			continue
		}
		e := bytes.IndexByte(tag[q+1:], tag[q])
		if e < 0 {
			e = len(tag) - q - 1
		}
		if name != "xmlns" && !bytes.HasPrefix([]byte(name), []byte("xmlns:")) && name != "rdf:parseType" && name != "xml:lang" {
			blank(tag, q+1, q+1+e)
		}
		i = q + e
	}
}
