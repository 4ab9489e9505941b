package consult

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"encoding/ascii85"
	"errors"
	"io"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
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
	dict               pdfDictAt
	dataStart, dataEnd int
}

// pdfScan is what one pass over a file's bytes finds outside streams: the
// dictionaries that are the value of an object or a trailer, and the
// streams with their dictionaries.
type pdfScan struct {
	dicts       []pdfDictAt
	streams     []pdfStream
	openActions []int // the objects OpenActions refer to
}

// refNames are keys whose value legitimate writers give as a name (or an
// array of names): given by reference, a scanner that reads the file's
// bytes cannot tell what the object is (an object stream, a metadata
// stream, an action), so the file is refused.
var refNames = []string{"Type", "Subtype", "Filter", "DecodeParms", "S"}

// activeNames are names only a file with scripts, actions that launch a
// program, submit or import data or open another file, or attached files
// holds (ISO 32000-1, 12.6.4 and 7.11.4): refused.
var activeNames = []string{"JavaScript", "JS", "Launch", "SubmitForm", "ImportData", "GoToR", "GoToE",
	"EmbeddedFile", "EmbeddedFiles", "FileAttachment", "RichMedia", "XFA", "AA"}

// pdfObjects indexes every "n g obj" of the file, stream data included,
// by object number: where its value starts. It reads the bytes, not the
// cross-reference sections, so that an object defined after a stream that
// refers to it (its length) is found.
func pdfObjects(data []byte) map[int][]int {
	objs := map[int][]int{}
	for at := 0; ; {
		k := bytes.Index(data[at:], []byte("obj"))
		if k < 0 {
			return objs
		}
		k += at
		at = k + 3
		if at < len(data) && !pdfSpace(data[at]) && !pdfDelim(data[at]) {
			continue
		}
		j := k
		digits := func() (int, bool) {
			e := j
			for j > 0 && data[j-1] >= '0' && data[j-1] <= '9' {
				j--
			}
			if j == e || e-j > 10 {
				return 0, false
			}
			n, err := strconv.Atoi(string(data[j:e]))
			return n, err == nil
		}
		spaces := func() bool {
			e := j
			for j > 0 && pdfSpace(data[j-1]) {
				j--
			}
			return j < e
		}
		if !spaces() {
			continue
		}
		if _, ok := digits(); !ok || !spaces() {
			continue
		}
		n, ok := digits()
		if !ok || j > 0 && !pdfSpace(data[j-1]) && !pdfDelim(data[j-1]) {
			continue
		}
		objs[n] = append(objs[n], at)
	}
}

// streamEnd is where a stream's data of n bytes from start ends, if the
// keyword endstream follows it (after white space at most), or -1.
func streamEnd(data []byte, start, n int) int {
	if n < 0 || start+n > len(data) {
		return -1
	}
	j := start + n
	for j < len(data) && pdfSpace(data[j]) {
		j++
	}
	if !bytes.HasPrefix(data[j:], []byte("endstream")) {
		return -1
	}
	return start + n
}

// streamLength is the length of the stream whose data starts at start:
// its /Length, direct or the integer object it refers to. The data must
// end right before "endstream" and hold no other "endstream", so that a
// reader that follows /Length and one that looks for the keyword agree;
// a length that cannot be resolved, or more than one that fits, is -1.
func streamLength(data []byte, es []pdfEntry, start int, objs map[int][]int, lengths map[int][]int) int {
	lv, ok := pdfLookup(es, "Length")
	if !ok {
		return -1
	}
	var cands []int
	if lv.ref < 0 {
		n, ok := pdfInt(data, lv.first)
		if !ok {
			return -1
		}
		cands = append(cands, n)
	} else if c, ok := lengths[lv.ref]; ok {
		cands = c
	} else {
		for _, at := range objs[lv.ref] {
			t := pdfLex(data, at)
			n, ok := pdfInt(data, t)
			if e := pdfLex(data, t.end); ok && e.kind == tokWord && string(data[e.start:e.end]) == "endobj" && !slices.Contains(cands, n) {
				cands = append(cands, n)
			}
		}
		lengths[lv.ref] = cands
	}
	end := -1
	for _, n := range cands {
		if e := streamEnd(data, start, n); e >= 0 {
			if end >= 0 && e != end {
				return -1
			}
			end = e
		}
	}
	if end < 0 || bytes.Contains(data[start:end], []byte("endstream")) {
		return -1
	}
	return end
}

// nameCheck refuses, token by token, a key of refNames given by
// reference and a name of activeNames; an /OpenAction given directly that
// is not a destination (an array) or a go-to action is refused too (one
// by reference: openActions), and more than maxOpenActions of them.
type nameCheck struct {
	openActions int
	refs        []int // the objects OpenActions refer to
}

const maxOpenActions = 16

func (nc *nameCheck) check(b []byte, t pdfToken) error {
	if t.kind != tokName {
		return nil
	}
	name := pdfName(b, t)
	if slices.Contains(activeNames, name) {
		return errPDFActive
	}
	if slices.Contains(refNames, name) && pdfIsRef(b, t.end) {
		return errPDFMetadata
	}
	if name == "OpenAction" {
		if nc.openActions++; nc.openActions > maxOpenActions {
			return errPDFActive
		}
		if v := pdfLex(b, t.end); v.kind == tokDictOpen && !pdfIsName(b, pdfDict(b, v.start), "S", "GoTo") {
			return errPDFActive
		}
		if pdfIsRef(b, t.end) {
			nc.refs = append(nc.refs, pdfReadValue(b, t.end).ref)
		}
	}
	return nil
}

// pdfIsRef reports whether the value at i is an indirect reference.
func pdfIsRef(b []byte, i int) bool {
	t := pdfLex(b, i)
	if _, ok := pdfInt(b, t); !ok {
		return false
	}
	g := pdfLex(b, t.end)
	if _, ok := pdfInt(b, g); !ok {
		return false
	}
	r := pdfLex(b, g.end)
	return r.kind == tokWord && string(b[r.start:r.end]) == "R"
}

func scanPDF(data []byte, objs map[int][]int) (pdfScan, error) {
	var sc pdfScan
	var nc nameCheck
	lengths := map[int][]int{}
	cur, depth, dictStart := -1, 0, 0
	last := pdfDictAt{start: -1}
	var prev [2]pdfToken
	for i := 0; ; {
		t := pdfLex(data, i)
		if t.kind == tokEOF {
			sc.openActions = nc.refs
			return sc, nil
		}
		i = t.end
		if err := nc.check(data, t); err != nil {
			return sc, err
		}
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
				s.dataEnd = streamLength(data, pdfDict(data, last.start), s.dataStart, objs, lengths)
				if s.dataEnd < 0 {
					return sc, errPDFMetadata
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

// infoKept are the entries of an information dictionary that stay, when
// they are dates (7.9.4): a literal string "D:YYYY…" of digits, an offset
// and apostrophes only.
var infoKept = []string{"CreationDate", "ModDate"}

var pdfDate = regexp.MustCompile(`^D:[0-9]{4}([0-9]{2}){0,5}([+\-Z]([0-9]{2}('([0-9]{2}'?)?)?)?)?$`)

// xmpMarkers are what every XMP packet holds whatever its prefixes: the
// packet's wrapper and the namespaces of x:xmpmeta and rdf:RDF (XMP
// Specification, pp. 31 and 34).
var xmpMarkers = []string{"<?xpacket", "adobe:ns:meta", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"}

// Limits of what ScrubPDF decodes: every stream of the file is decoded,
// at most maxDecoded bytes in all.
const maxDecoded = 32 << 20

// PDF refusals. errPDFMetadata: document properties ScrubPDF cannot
// blank safely (compressed or encrypted metadata, a structure it cannot
// follow). errPDFActive: scripts, actions or attached files.
var errPDFActive = errors.New("the PDF holds scripts, actions that run by themselves, launch or submit, or attached files")

// BuyerNamedError: after blanking, the file still holds one of the words
// that name the buyer.
type BuyerNamedError struct{ Words []string }

func (e *BuyerNamedError) Error() string {
	return "the file still names the buyer (" + strings.Join(e.Words, ", ") + ")"
}

// ScrubPDF returns a copy of a PDF file with its document properties
// blanked in place: every value of its document information dictionaries
// (Author, Creator, Producer, Title, Subject, Keywords and any other but
// dates) — strings, names, and the strings and names inside arrays and
// dictionaries — is overwritten with spaces inside its delimiters, and
// every uncompressed XMP packet's element contents, CDATA and property
// values likewise; the file keeps its length and every byte offset.
//
// It refuses (errPDFMetadata) an encrypted file, a stream whose length
// does not agree with its data, a stream (any, once decoded) that holds
// an XMP packet it cannot blank, an object stream that may hold the
// information dictionary, a key of refNames or a property given by
// reference; (errPDFActive) scripts, launches, submits and attached
// files; and (*BuyerNamedError) a file that, once blanked, still holds
// one of the words of buyer (names, an e-mail address: see buyerWords).
func ScrubPDF(data []byte, buyer ...string) ([]byte, error) {
	objs := pdfObjects(data)
	sc, err := scanPDF(data, objs)
	if err != nil {
		return nil, err
	}
	if err := openActions(data, sc, objs); err != nil {
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
			default:
				return nil, errPDFMetadata
			}
		}
		if _, typed := pdfLookup(es, "Type"); !typed && d.obj >= 0 && slices.ContainsFunc(infoKeys, func(k string) bool { _, ok := pdfLookup(es, k); return ok }) {
			info[d.obj] = true
		}
	}
	// Every revision of every information dictionary, in the file's
	// bytes; one in an object stream (checked below) cannot be blanked.
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
			v := e.value
			if v.ref >= 0 {
				return nil, errPDFMetadata
			}
			if slices.Contains(infoKept, e.key) && v.first.kind == tokLiteral && pdfDate.Match(data[v.first.start+1:v.first.end-1]) {
				continue
			}
			if err := blankValue(out, data, v); err != nil {
				return nil, err
			}
		}
	}
	dec := newDecoder()
	var xmpAt [][2]int // the XMP packets blanked: where they are in out
	var seen pdfSeen
	for _, s := range sc.streams {
		es := pdfDict(data, s.dict.start)
		_, filtered := pdfLookup(es, "Filter")
		body := data[s.dataStart:s.dataEnd]
		if (pdfIsName(data, es, "Type", "Metadata") || pdfIsName(data, es, "Subtype", "XML")) && (filtered || !hasXMP(body)) {
			return nil, errPDFMetadata
		}
		decoded, full, err := dec.decode(data, es, body)
		if err != nil {
			return nil, err
		}
		if decoded != nil && hasXMP(decoded) {
			return nil, errPDFMetadata
		}
		text := body
		if decoded != nil {
			text = decoded
		}
		if _, n := pdfLookup(es, "N"); pdfIsName(data, es, "Type", "ObjStm") || n && hasKey(es, "First") {
			if filtered && !full {
				return nil, errPDFMetadata
			}
			if err := checkObjStm(text, data, es, info, objs); err != nil {
				return nil, err
			}
		} else if hasInfoKeys(text) {
			return nil, errPDFMetadata
		}
		if !filtered || decoded == nil {
			// Unfiltered, or an image's own codec (a JPEG's XMP).
			at, err := blankXMP(out[s.dataStart:s.dataEnd])
			if err != nil {
				return nil, err
			}
			for _, r := range at {
				xmpAt = append(xmpAt, [2]int{s.dataStart + r[0], s.dataStart + r[1]})
			}
		}
		binary := pdfIsName(data, es, "Subtype", "Image") || hasKey(es, "Length1") || hasKey(es, "Length2") || pdfIsName(data, es, "Subtype", "Type1C") ||
			pdfIsName(data, es, "Subtype", "CIDFontType0C") || pdfIsName(data, es, "Subtype", "OpenType")
		switch {
		case decoded != nil:
			seen.skip = append(seen.skip, [2]int{s.dataStart, s.dataEnd})
			if binary {
				seen.binary = append(seen.binary, decoded)
			} else {
				seen.texts = append(seen.texts, decoded)
			}
		case filtered || binary:
			seen.skip = append(seen.skip, [2]int{s.dataStart, s.dataEnd})
		}
	}
	slices.SortFunc(xmpAt, func(a, b [2]int) int { return a[0] - b[0] })
	// An XMP packet anywhere else (in a string, a comment, outside
	// streams, in UTF-16) is refused.
	for _, m := range xmpMarkers {
		for _, form := range [][]byte{[]byte(m), utf16(m, true), utf16(m, false)} {
			for at := 0; ; {
				k := bytes.Index(out[at:], form)
				if k < 0 {
					break
				}
				k += at
				if r := sort.Search(len(xmpAt), func(j int) bool { return xmpAt[j][0] > k }) - 1; r < 0 || k >= xmpAt[r][1] {
					return nil, errPDFMetadata
				}
				at = k + 1
			}
		}
	}
	if words := namesBuyer(out, seen, buyerWords(buyer)); len(words) > 0 {
		return nil, &BuyerNamedError{Words: words}
	}
	return out, nil
}

// resolveAction refuses the action at b[at:] (an OpenAction's value, read
// from where its object starts) unless it is a destination or a go-to.
func resolveAction(b []byte, at int) error {
	switch t := pdfLex(b, at); t.kind {
	case tokArrayOpen:
		return nil
	case tokDictOpen:
		if pdfIsName(b, pdfDict(b, t.start), "S", "GoTo") {
			return nil
		}
	}
	return errPDFActive
}

// openActions refuses an /OpenAction given by reference that is not a
// destination or a go-to action, in every definition of its object, or
// that is not defined in the file's bytes.
func openActions(data []byte, sc pdfScan, objs map[int][]int) error {
	for _, n := range sc.openActions {
		if len(objs[n]) == 0 {
			return errPDFActive
		}
		for _, o := range objs[n] {
			if err := resolveAction(data, o); err != nil {
				return err
			}
		}
	}
	return nil
}

func hasKey(es []pdfEntry, key string) bool {
	_, ok := pdfLookup(es, key)
	return ok
}

// hasInfoKeys: a stream's data holds keys only an information dictionary
// holds, as a reader would read them (an object hidden in a stream that a
// cross-reference section points into).
func hasInfoKeys(b []byte) bool {
	for _, k := range infoKeys {
		if bytes.Contains(b, []byte("/"+k)) {
			return true
		}
	}
	return false
}

func utf16(s string, bigEndian bool) []byte {
	var b []byte
	for _, r := range s {
		if r > 0xffff {
			r = 0xfffd
		}
		if bigEndian {
			b = append(b, byte(r>>8), byte(r))
		} else {
			b = append(b, byte(r), byte(r>>8))
		}
	}
	return b
}

// hasXMP reports whether b holds a marker of an XMP packet, in UTF-8 or
// UTF-16.
func hasXMP(b []byte) bool {
	for _, m := range xmpMarkers {
		if bytes.Contains(b, []byte(m)) || bytes.Contains(b, utf16(m, true)) || bytes.Contains(b, utf16(m, false)) {
			return true
		}
	}
	return false
}

// blankValue blanks a value of an information dictionary in out: a
// string's contents, a name's characters, and those inside an array or a
// dictionary; numbers, booleans and null stay. A reference inside, or a
// string without its end, is refused.
func blankValue(out, data []byte, v pdfValue) error {
	for i := v.first.start; i < v.end; {
		t := pdfLex(data, i)
		if t.kind == tokEOF || t.start >= v.end {
			break
		}
		switch t.kind {
		case tokLiteral, tokHex:
			if t.end == len(data) || t.end-t.start < 2 {
				return errPDFMetadata
			}
			blank(out, t.start+1, t.end-1)
		case tokName:
			blank(out, t.start+1, t.end)
		case tokWord:
			if string(data[t.start:t.end]) == "R" {
				return errPDFMetadata
			}
		}
		i = t.end
	}
	return nil
}

// checkObjStm refuses an object stream (its decoded body) that holds an
// information dictionary, or keys only one holds, a name of activeNames,
// a key of refNames by reference, or an /OpenAction that is not a
// destination or a go-to.
func checkObjStm(body, data []byte, es []pdfEntry, info map[int]bool, objs map[int][]int) error {
	first := len(body)
	if v, ok := pdfLookup(es, "First"); ok {
		if n, ok := pdfInt(data, v.first); ok && n <= len(body) {
			first = n
		}
	}
	here := map[int]int{}
	var n int
	for i, k := 0, 0; ; k++ {
		t := pdfLex(body[:first], i)
		if t.kind == tokEOF {
			break
		}
		v, ok := pdfInt(body, t)
		if k%2 == 0 {
			if ok && info[v] {
				return errPDFMetadata
			}
			n = v
		} else if ok {
			here[n] = first + v
		}
		i = t.end
	}
	if hasInfoKeys(body) {
		return errPDFMetadata
	}
	var nc nameCheck
	for i := first; ; {
		t := pdfLex(body, i)
		if t.kind == tokEOF {
			break
		}
		if err := nc.check(body, t); err != nil {
			return err
		}
		i = t.end
	}
	for _, n := range nc.refs {
		switch at, ok := here[n]; {
		case ok && at < len(body):
			if err := resolveAction(body, at); err != nil {
				return err
			}
		case len(objs[n]) > 0:
			for _, o := range objs[n] {
				if err := resolveAction(data, o); err != nil {
					return err
				}
			}
		default:
			return errPDFActive
		}
	}
	return nil
}

// decoder decodes streams within one budget for the whole file.
type decoder struct {
	left int
	zr   io.ReadCloser
	fr   io.ReadCloser
}

// emptyZlib is a zlib stream of nothing, to make a reader to reset.
var emptyZlib = []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01}

func newDecoder() *decoder {
	zr, _ := zlib.NewReader(bytes.NewReader(emptyZlib))
	return &decoder{left: maxDecoded, zr: zr, fr: flate.NewReader(bytes.NewReader(nil))}
}

// decode is a stream's data through its filters: nil without a filter,
// or when the first is an image's codec; full is false when the chain
// stops at an image codec. A filter it cannot decode (LZW, Crypt, one it
// does not know), decode parameters it cannot apply and more than the
// budget are refused.
func (d *decoder) decode(data []byte, es []pdfEntry, body []byte) (out []byte, full bool, err error) {
	fv, ok := pdfLookup(es, "Filter")
	if !ok {
		return nil, true, nil
	}
	var filters []string
	var parms []int // the start of each filter's parameters dictionary, or -1
	for i := fv.first.start; i < fv.end; {
		t := pdfLex(data, i)
		if t.kind == tokEOF || t.start >= fv.end {
			break
		}
		switch t.kind {
		case tokName:
			filters = append(filters, pdfName(data, t))
		case tokArrayOpen, tokArrayClose:
		default:
			return nil, false, errPDFMetadata
		}
		i = t.end
	}
	if pv, ok := pdfLookup(es, "DecodeParms"); ok {
		switch pv.first.kind {
		case tokDictOpen:
			parms = append(parms, pv.first.start)
		case tokArrayOpen:
			for i := pv.first.end; i < pv.end; {
				v := pdfReadValue(data, i)
				switch {
				case v.first.kind == tokEOF || v.first.start >= pv.end || v.first.kind == tokArrayClose:
					i = pv.end
					continue
				case v.first.kind == tokDictOpen:
					parms = append(parms, v.first.start)
				case v.first.kind == tokWord && string(data[v.first.start:v.first.end]) == "null":
					parms = append(parms, -1)
				default:
					return nil, false, errPDFMetadata
				}
				i = v.end
			}
		case tokWord:
			if string(data[pv.first.start:pv.first.end]) != "null" {
				return nil, false, errPDFMetadata
			}
		default:
			return nil, false, errPDFMetadata
		}
	}
	cur := body
	for k, f := range filters {
		parm := -1
		if k < len(parms) {
			parm = parms[k]
		}
		switch f {
		case "FlateDecode", "Fl":
			if cur, err = d.inflate(cur); err != nil {
				return nil, false, err
			}
			if cur, err = unpredict(data, parm, cur); err != nil {
				return nil, false, err
			}
		case "ASCIIHexDecode", "AHx":
			cur = asciiHex(cur)
		case "ASCII85Decode", "A85":
			cur = ascii85Decode(cur)
		case "RunLengthDecode", "RL":
			if cur = runLength(cur, d.left); len(cur) > d.left {
				return nil, false, errPDFMetadata
			}
		case "DCTDecode", "DCT", "JPXDecode", "CCITTFaxDecode", "CCF", "JBIG2Decode":
			if k == 0 {
				return nil, false, nil
			}
			return cur, false, nil
		default:
			return nil, false, errPDFMetadata
		}
		if len(cur) > d.left {
			return nil, false, errPDFMetadata
		}
		d.left -= len(cur)
	}
	return cur, true, nil
}

// inflate decodes zlib data (raw deflate if the header is not zlib's), as
// much of it as decodes: a reader shows what it can read.
func (d *decoder) inflate(b []byte) ([]byte, error) {
	var r io.Reader = d.zr
	if err := d.zr.(zlib.Resetter).Reset(bytes.NewReader(b), nil); err != nil {
		d.fr.(flate.Resetter).Reset(bytes.NewReader(b), nil)
		r = d.fr
	}
	out, _ := io.ReadAll(io.LimitReader(r, int64(d.left)+1))
	if len(out) > d.left {
		return nil, errPDFMetadata
	}
	return out, nil
}

// unpredict undoes a PNG or TIFF predictor (7.4.4.4, Table 8) as a reader
// would, so that what is searched is what the reader gets.
func unpredict(data []byte, parm int, b []byte) ([]byte, error) {
	if parm < 0 {
		return b, nil
	}
	es := pdfDict(data, parm)
	get := func(key string, def int) (int, error) {
		v, ok := pdfLookup(es, key)
		if !ok {
			return def, nil
		}
		n, ok := pdfInt(data, v.first)
		if !ok || v.ref >= 0 {
			return 0, errPDFMetadata
		}
		return n, nil
	}
	pred, err := get("Predictor", 1)
	if err != nil || pred <= 1 {
		return b, err
	}
	colors, err1 := get("Colors", 1)
	bpc, err2 := get("BitsPerComponent", 8)
	cols, err3 := get("Columns", 1)
	if err1 != nil || err2 != nil || err3 != nil || colors < 1 || colors > 32 || cols < 1 || cols > 1<<20 || !slices.Contains([]int{1, 2, 4, 8, 16}, bpc) {
		return nil, errPDFMetadata
	}
	bpp := max(1, colors*bpc/8)
	row := (colors*bpc*cols + 7) / 8
	if pred == 2 {
		if bpc != 8 {
			return nil, errPDFMetadata
		}
		out := slices.Clone(b)
		for r := 0; r < len(out); r += row {
			for i := r + colors; i < min(r+row, len(out)); i++ {
				out[i] += out[i-colors]
			}
		}
		return out, nil
	}
	if pred < 10 {
		return nil, errPDFMetadata
	}
	out := make([]byte, 0, len(b))
	prev := make([]byte, row)
	for r := 0; r < len(b); r += row + 1 {
		ft := b[r]
		line := slices.Clone(b[r+1 : min(r+1+row, len(b))])
		for i := range line {
			var a, c byte
			if i >= bpp {
				a, c = line[i-bpp], prev[i-bpp]
			}
			up := prev[i]
			switch ft {
			case 1:
				line[i] += a
			case 2:
				line[i] += up
			case 3:
				line[i] += byte((int(a) + int(up)) / 2)
			case 4:
				p := int(a) + int(up) - int(c)
				pa, pb, pc := abs(p-int(a)), abs(p-int(up)), abs(p-int(c))
				switch {
				case pa <= pb && pa <= pc:
					line[i] += a
				case pb <= pc:
					line[i] += up
				default:
					line[i] += c
				}
			}
		}
		out = append(out, line...)
		copy(prev, line)
	}
	return out, nil
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func hexVal(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func asciiHex(b []byte) []byte {
	var out []byte
	var hi byte
	odd := false
	for _, c := range b {
		if c == '>' {
			break
		}
		v, ok := hexVal(c)
		if !ok {
			continue
		}
		if odd {
			out = append(out, hi<<4|v)
		} else {
			hi = v
		}
		odd = !odd
	}
	if odd {
		out = append(out, hi<<4)
	}
	return out
}

func ascii85Decode(b []byte) []byte {
	b = bytes.TrimSpace(b)
	b = bytes.TrimPrefix(b, []byte("<~"))
	if k := bytes.Index(b, []byte("~>")); k >= 0 {
		b = b[:k]
	}
	out := make([]byte, 4*len(b)/5+8)
	n, _, _ := ascii85.Decode(out, b, true)
	return out[:n]
}

func runLength(b []byte, limit int) []byte {
	var out []byte
	for i := 0; i < len(b) && len(out) <= limit; {
		n := int(b[i])
		switch {
		case n == 128:
			return out
		case n < 128:
			out = append(out, b[i+1:min(i+2+n, len(b))]...)
			i += n + 2
		default:
			if i+1 < len(b) {
				out = append(out, bytes.Repeat(b[i+1:i+2], 257-n)...)
			}
			i += 2
		}
	}
	return out
}

// blank overwrites b[from:to] with spaces.
func blank(b []byte, from, to int) {
	for i := from; i < to; i++ {
		b[i] = ' '
	}
}

// maxPackets bounds the XMP packets of one stream (a file has one, and
// one per image that has its own).
const maxPackets = 16

// blankXMP blanks, in a stream's data, every XMP packet: from the end of
// "<?xpacket begin …?>" to "<?xpacket end", and, where a packet's
// namespaces are not inside one, the element that declares them. It
// returns where it blanked; a packet or an element without its end is
// refused.
func blankXMP(b []byte) ([][2]int, error) {
	var done [][2]int
	for at := 0; ; {
		k := bytes.Index(b[at:], []byte("<?xpacket begin"))
		if k < 0 {
			break
		}
		k += at
		e := bytes.Index(b[k:], []byte("?>"))
		if e < 0 {
			return nil, errPDFMetadata
		}
		start := k + e + 2
		end := bytes.Index(b[start:], []byte("<?xpacket end"))
		if end < 0 {
			return nil, errPDFMetadata
		}
		end += start
		blankXML(b[start:end])
		ee := bytes.Index(b[end:], []byte("?>"))
		if ee < 0 {
			return nil, errPDFMetadata
		}
		done = append(done, [2]int{k, end + ee + 2})
		at = end + ee + 2
		if len(done) > maxPackets {
			return nil, errPDFMetadata
		}
	}
	inside := func(k int) bool {
		return slices.ContainsFunc(done, func(r [2]int) bool { return r[0] <= k && k < r[1] })
	}
	for _, m := range xmpMarkers[1:] {
		for at := 0; ; {
			k := bytes.Index(b[at:], []byte(m))
			if k < 0 {
				break
			}
			k += at
			at = k + 1
			if inside(k) {
				continue
			}
			lt := bytes.LastIndexByte(b[:k], '<')
			if lt < 0 {
				return nil, errPDFMetadata
			}
			name := xmlName(b[lt+1:])
			if name == "" {
				return nil, errPDFMetadata
			}
			end := elementEnd(b, lt, name)
			if end < 0 || end <= k {
				return nil, errPDFMetadata
			}
			blankXML(b[lt:end])
			done = append(done, [2]int{lt, end})
			if len(done) > maxPackets {
				return nil, errPDFMetadata
			}
		}
	}
	return done, nil
}

// xmlName is the name of the tag whose text follows "<"; "" for an end
// tag, a comment, a declaration or an instruction.
func xmlName(b []byte) string {
	i := 0
	for i < len(b) && !pdfSpace(b[i]) && b[i] != '>' && b[i] != '/' && b[i] != '<' {
		i++
	}
	if i == 0 || b[0] == '!' || b[0] == '?' {
		return ""
	}
	return string(b[:i])
}

// elementEnd is the end of the element named name whose start tag is at
// b[lt], its nested elements of the same name counted; -1 without one.
func elementEnd(b []byte, lt int, name string) int {
	depth := 0
	for i := lt; i < len(b); {
		j := bytes.IndexByte(b[i:], '<')
		if j < 0 {
			return -1
		}
		i += j
		for _, s := range [][2]string{{"<!--", "-->"}, {"<![CDATA[", "]]>"}, {"<?", "?>"}} {
			if bytes.HasPrefix(b[i:], []byte(s[0])) {
				e := bytes.Index(b[i:], []byte(s[1]))
				if e < 0 {
					return -1
				}
				i += e
			}
		}
		e := bytes.IndexByte(b[i:], '>')
		if e < 0 {
			return -1
		}
		tag := b[i+1 : i+e]
		switch {
		case len(tag) > 0 && tag[0] == '/' && xmlName(tag[1:]) == name:
			depth--
		case xmlName(tag) == name && !bytes.HasSuffix(tag, []byte("/")):
			depth++
		}
		i += e + 1
		if depth <= 0 {
			return i
		}
	}
	return -1
}

// blankXML blanks XML text in place: the text of elements, CDATA
// sections, comments, the quoted values of declarations and the values of
// attributes (see blankAttrs); the XML stays well-formed and of its
// length.
func blankXML(b []byte) {
	for i := 0; i < len(b); {
		switch {
		case bytes.HasPrefix(b[i:], []byte("<!--")):
			i = blankUntil(b, i+4, "-->")
		case bytes.HasPrefix(b[i:], []byte("<![CDATA[")):
			i = blankUntil(b, i+9, "]]>")
		case bytes.HasPrefix(b[i:], []byte("<!")):
			j := bytes.IndexByte(b[i:], '>')
			if j < 0 {
				j = len(b) - i
			}
			blankQuoted(b[i : i+j])
			i += j + 1
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

// blankUntil blanks b from i to the end marker (or b's end) and returns
// the index after it.
func blankUntil(b []byte, i int, end string) int {
	j := bytes.Index(b[i:], []byte(end))
	if j < 0 {
		j = len(b) - i
	}
	blank(b, i, i+j)
	return i + j + len(end)
}

// blankQuoted blanks every quoted text of a declaration.
func blankQuoted(b []byte) {
	for i := 0; i < len(b); i++ {
		if b[i] != '"' && b[i] != '\'' {
			continue
		}
		e := bytes.IndexByte(b[i+1:], b[i])
		if e < 0 {
			e = len(b) - i - 1
		}
		blank(b, i+1, i+1+e)
		i += e + 1
	}
}

// xmpNamespaces are the namespaces of XMP's standard schemas: an xmlns
// attribute keeps one of them; any other namespace's name, which a writer
// makes up and may make of the buyer's name, becomes x's.
var xmpNamespaces = []string{"adobe:ns:meta/", "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://purl.org/dc/elements/1.1/",
	"http://ns.adobe.com/xap/1.0/", "http://ns.adobe.com/pdf/1.3/", "http://ns.adobe.com/xap/1.0/mm/", "http://ns.adobe.com/xap/1.0/rights/",
	"http://ns.adobe.com/xap/1.0/sType/ResourceEvent#", "http://ns.adobe.com/xap/1.0/sType/ResourceRef#", "http://ns.adobe.com/xap/1.0/t/pg/",
	"http://ns.adobe.com/photoshop/1.0/", "http://ns.adobe.com/pdfx/1.3/", "http://ns.adobe.com/exif/1.0/", "http://ns.adobe.com/tiff/1.0/",
	"http://www.aiim.org/pdfa/ns/id/", "http://www.aiim.org/pdfa/ns/extension/", "http://www.aiim.org/pdfa/ns/schema#",
	"http://www.aiim.org/pdfa/ns/property#", "http://www.aiim.org/pdfua/ns/id/", "http://www.w3.org/XML/1998/namespace"}

// blankAttrs blanks the attribute values of a tag but xmlns (a standard
// namespace stays, another becomes x's), xml:lang and rdf:parseType.
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
		value := tag[q+1 : q+1+e]
		switch {
		case name == "xmlns" || strings.HasPrefix(name, "xmlns:"):
			if !slices.Contains(xmpNamespaces, string(value)) {
				for j, c := range value {
					if !pdfSpace(c) {
						value[j] = 'x'
					}
				}
			}
		case name == "rdf:parseType" || name == "xml:lang":
		default:
			blank(tag, q+1, q+1+e)
		}
		i = q + e
	}
}

// minWord is the fewest letters a word that names the buyer has to be
// looked for; shortWord the fewest it has to be looked for in data that
// is not text (compressed streams, images, fonts), where a short word
// turns up by chance.
const (
	minWord   = 4
	shortWord = 6
)

// commonWords are words of organisations' names and mail addresses that
// do not name one buyer (and that a document says for other reasons).
var commonWords = []string{"stad", "gemeente", "ocmw", "provincie", "ville", "commune", "city", "town", "council", "province",
	"dienst", "service", "services", "vzw", "asbl", "school", "regio", "region", "zone", "politiezone", "brandweer", "hulpverleningszone",
	"vlaamse", "vlaanderen", "overheid", "federale", "ministerie", "agentschap", "departement", "bestuur", "lokaal", "lokale", "centrum",
	"centre", "public", "publiek", "openbaar", "intercommunale", "autonoom", "gemeentebedrijf", "bedrijf", "group", "groep", "belgium",
	"belgie", "belgique", "wallonie", "bruxelles", "brussel", "info", "mail", "admin", "contact", "aankoop", "aankoopdienst", "achats",
	"marches", "gmail", "hotmail", "outlook", "yahoo", "telenet", "skynet", "proximus", "icloud", "live", "online", "mailbox"}

type buyerWord struct {
	word  string // as the caller gave it
	lower string
	long  bool // looked for in non-text data too
}

// buyerWords are the words to look for: each of buyer (a name, an e-mail
// address) whole, and every word of it of minWord letters or more (of an
// e-mail address, the local part's and the domain's but its last label),
// but commonWords.
func buyerWords(buyer []string) []buyerWord {
	var out []buyerWord
	add := func(w string, long bool) {
		letters := 0
		for _, r := range w {
			if unicode.IsLetter(r) {
				letters++
			}
		}
		l := strings.ToLower(w)
		if letters < minWord || slices.Contains(commonWords, l) || slices.ContainsFunc(out, func(b buyerWord) bool { return b.lower == l }) {
			return
		}
		out = append(out, buyerWord{w, l, long || utf8.RuneCountInString(w) >= shortWord})
	}
	for _, b := range buyer {
		b = strings.TrimSpace(b)
		split := func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }
		parts := strings.FieldsFunc(b, split)
		if local, domain, ok := strings.Cut(b, "@"); ok {
			labels := strings.Split(domain, ".")
			parts = append(strings.FieldsFunc(local, split), strings.FieldsFunc(strings.Join(labels[:len(labels)-1], " "), split)...)
		}
		if len(parts) > 1 {
			add(b, true)
		}
		for _, p := range parts {
			add(p, false)
		}
	}
	return out
}

// pdfSeen is what the safety net reads besides the file's bytes: where
// the data of streams that are not text lie (a short word is not looked
// for there), and the decoded streams, text or not.
type pdfSeen struct {
	skip   [][2]int
	texts  [][]byte
	binary [][]byte
}

func asciiLower(b []byte) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		out[i] = c
	}
	return out
}

// unescape reads escapes as a reader would: a string's \ddd, \n … and
// line continuations, a name's #xx.
func unescape(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case c == '\\' && i+1 < len(b):
			i++
			switch d := b[i]; {
			case '0' <= d && d <= '7':
				v, n := 0, 0
				for n < 3 && i < len(b) && '0' <= b[i] && b[i] <= '7' {
					v, n, i = v*8+int(b[i]-'0'), n+1, i+1
				}
				i--
				out = append(out, byte(v))
			case d == '\r':
				if i+1 < len(b) && b[i+1] == '\n' {
					i++
				}
			case d == '\n':
			default:
				if k := strings.IndexByte("nrtbf", d); k >= 0 {
					d = "\n\r\t\b\f"[k]
				}
				out = append(out, d)
			}
		case c == '#' && i+2 < len(b):
			h, ok1 := hexVal(b[i+1])
			l, ok2 := hexVal(b[i+2])
			if ok1 && ok2 {
				out = append(out, h<<4|l)
				i += 2
				continue
			}
			out = append(out, c)
		default:
			out = append(out, c)
		}
	}
	return out
}

// hexRuns decodes every run of eight hexadecimal digits or more (white
// space inside allowed, as in a hexadecimal string), at both alignments.
func hexRuns(b []byte) []byte {
	var out []byte
	for i := 0; i < len(b); {
		if _, ok := hexVal(b[i]); !ok {
			i++
			continue
		}
		j, n := i, 0
		for j < len(b) {
			if _, ok := hexVal(b[j]); ok {
				n++
			} else if !pdfSpace(b[j]) {
				break
			}
			j++
		}
		if n >= 8 {
			run := b[i:j]
			out = append(out, asciiHex(run)...)
			out = append(out, 0)
			if k := bytes.IndexFunc(run[1:], func(r rune) bool { _, ok := hexVal(byte(r)); return ok && r < 128 }); k >= 0 {
				out = append(out, asciiHex(run[1+k:])...)
				out = append(out, 0)
			}
		}
		i = j
	}
	return out
}

// wordForms are the encodings a word may take in a PDF: UTF-8, Latin-1
// (PDFDocEncoding's letters), UTF-16 both ways.
func wordForms(w string) [][]byte {
	forms := [][]byte{[]byte(w), utf16(w, true), utf16(w, false)}
	latin := make([]byte, 0, len(w))
	for _, r := range w {
		if r > 0xff {
			return forms
		}
		latin = append(latin, byte(r))
	}
	if string(latin) != w {
		forms = append(forms, latin)
	}
	return forms
}

// namesBuyer is the safety net, whatever the parser made of the file:
// the words of the buyer still in the output (case-insensitive, in every
// form of wordForms, escaped or in hexadecimal), in its bytes and in its
// decoded streams.
func namesBuyer(out []byte, seen pdfSeen, words []buyerWord) []string {
	if len(words) == 0 {
		return nil
	}
	low := asciiLower(out)
	masked := slices.Clone(low)
	for _, r := range seen.skip {
		clear(masked[r[0]:r[1]])
	}
	var all, text [][]byte
	for _, v := range [][]byte{low, masked} {
		views := [][]byte{v, asciiLower(unescape(v)), asciiLower(hexRuns(v))}
		if len(all) == 0 {
			all = views
		} else {
			text = views
		}
	}
	for _, b := range seen.texts {
		b = asciiLower(b)
		all, text = append(all, b), append(text, b)
	}
	for _, b := range seen.binary {
		all = append(all, asciiLower(b))
	}
	var found []string
	for _, w := range words {
		views := text
		if w.long {
			views = all
		}
	search:
		for _, v := range views {
			for _, f := range wordForms(w.lower) {
				if bytes.Contains(v, f) {
					found = append(found, w.word)
					break search
				}
			}
		}
	}
	return found
}
