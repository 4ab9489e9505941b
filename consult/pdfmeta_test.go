package consult_test

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	lpdf "github.com/ledongthuc/pdf"

	"github.com/verken/verken/consult"
	"github.com/verken/verken/internal/testenv"
)

func flate(s string) string {
	var b bytes.Buffer
	w := zlib.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.String()
}

const testXMP = `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="Stad Auditstad XMP">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/" pdf:Producer="Stad Auditstad Producer">
<dc:creator><rdf:Seq><rdf:li>Jan Peeters</rdf:li></rdf:Seq></dc:creator>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">Bestek van Jan Peeters &amp; co</rdf:li></rdf:Alt></dc:title>
<xmp:CreatorTool>Stad Auditstad Writer</xmp:CreatorTool>
<!-- Jan Peeters -->
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>`

// Test PDFs: an information dictionary with escaped and nested parentheses
// and a hex string; an uncompressed XMP packet; a compressed one.
var (
	infoPDF = testenv.PDF([]string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
		testenv.PDFStream("", "BT /F1 12 Tf 72 720 Td (Bestek) Tj ET"),
		`<< /Author (Jan Peeters \(Stad Auditstad\) (dienst (aankoop)) \\) /Creator <4A616E205065657465727320537461642041756469747374616421> /Producer (Stad Auditstad) /Title (Offerte Jan Peeters) /Subject (Stad Auditstad) /Keywords (Jan Peeters) /CreationDate (D:20260101120000+01'00') >>`,
	}, "/Info 5 0 R")
	xmpPDF = testenv.PDF([]string{
		"<< /Type /Catalog /Pages 2 0 R /Metadata 4 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
		testenv.PDFStream("/Type /Metadata /Subtype /XML", testXMP),
	}, "")
	compressedPDF = testenv.PDF([]string{
		"<< /Type /Catalog /Pages 2 0 R /Metadata 4 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
		testenv.PDFStream("/Type /Metadata /Subtype /XML /Filter /FlateDecode", flate(testXMP)),
	}, "")
)

var identifying = []string{"Jan", "Peeters", "Auditstad", "4A616E"}

// xrefValid reports whether every offset of the cross-reference table
// still points at its object's "n 0 obj".
func xrefValid(t *testing.T, b []byte) {
	t.Helper()
	m := regexp.MustCompile(`startxref\s+(\d+)`).FindSubmatch(b)
	xref, _ := strconv.Atoi(string(m[1]))
	if !bytes.HasPrefix(b[xref:], []byte("xref")) {
		t.Fatal("startxref points elsewhere")
	}
	rows := regexp.MustCompile(`(\d{10}) 00000 n`).FindAllSubmatch(b[xref:], -1)
	for i, r := range rows {
		off, _ := strconv.Atoi(string(r[1]))
		if !bytes.HasPrefix(b[off:], fmt.Appendf(nil, "%d 0 obj", i+1)) {
			t.Fatalf("object %d is not at %d", i+1, off)
		}
	}
}

// ScrubPDF blanks the information dictionary's strings and the XMP
// packet's values in place, keeps the dates, the page's text and every
// offset, and refuses a compressed metadata stream, an encrypted file and
// an object stream that holds the information dictionary.
func TestScrubPDF(t *testing.T) {
	for name, in := range map[string][]byte{"info": infoPDF, "xmp": xmpPDF} {
		out, err := consult.ScrubPDF(in)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(out) != len(in) || !bytes.HasPrefix(out, []byte("%PDF-1.7")) {
			t.Fatalf("%s: %d bytes of %d", name, len(out), len(in))
		}
		for _, w := range identifying {
			if bytes.Contains(out, []byte(w)) {
				t.Errorf("%s: %q is left:\n%s", name, w, out)
			}
		}
		xrefValid(t, out)
	}
	out, _ := consult.ScrubPDF(infoPDF)
	if !bytes.Contains(out, []byte("(Bestek) Tj")) || !bytes.Contains(out, []byte("/CreationDate (D:20260101120000+01'00')")) ||
		!regexp.MustCompile(`/Author \( +\) /Creator < +> /Producer \( +\)`).Match(out) {
		t.Fatalf("more or less than the properties is blanked:\n%s", out)
	}
	out, _ = consult.ScrubPDF(xmpPDF)
	if !bytes.Contains(out, []byte(`xmlns:dc="http://purl.org/dc/elements/1.1/"`)) || !bytes.Contains(out, []byte("<dc:creator><rdf:Seq><rdf:li>")) ||
		!bytes.Contains(out, []byte(`<?xpacket end="w"?>`)) {
		t.Fatalf("the XMP is not kept well-formed:\n%s", out)
	}

	objStm := testenv.PDF([]string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [] /Count 0 >>",
		testenv.PDFStream("/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode", flate("4 0 << /Author (Jan Peeters) >>")),
	}, "/Info 4 0 R")
	encrypted := testenv.PDF([]string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [] /Count 0 >>",
		"<< /Filter /Standard /V 2 /R 3 /O <00> /U <00> /P -4 >>",
	}, "/Encrypt 3 0 R")
	byRef := testenv.PDF([]string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [] /Count 0 >>",
		"<< /Author 4 0 R >>",
		"(Jan Peeters)",
	}, "/Info 3 0 R")
	for name, in := range map[string][]byte{"compressed XMP": compressedPDF, "object stream": objStm, "encrypted": encrypted, "by reference": byRef} {
		if _, err := consult.ScrubPDF(in); err == nil {
			t.Errorf("%s: taken", name)
		}
	}
	// An object stream without the properties is taken.
	plain := testenv.PDF([]string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [] /Count 0 >>",
		testenv.PDFStream("/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode", flate("5 0 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")),
	}, "")
	if _, err := consult.ScrubPDF(plain); err != nil {
		t.Errorf("an object stream of fonts: %v", err)
	}
}

// An anonymous consultation keeps its attachments blanked and under a
// neutral name, and refuses one whose properties it cannot blank; one
// that names its buyer keeps them as they came.
func TestAnonymousAttachments(t *testing.T) {
	s, err := consult.New(testenv.Store(t, "", 0))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2030, 1, 7, 9, 0, 0, 0, time.UTC)
	anon, named := draft("acc", now.Add(72*time.Hour)), draft("acc", now.Add(72*time.Hour))
	anon.Anonymous = true
	for _, c := range []*consult.Consultation{anon, named} {
		if err := s.Create(c, now); err != nil {
			t.Fatal(err)
		}
	}
	a, err := s.AddFile(anon.ID, "offerte Jan Peeters.pdf", infoPDF, now)
	if err != nil || a.Name != "bijlage-1.pdf" || a.Size != int64(len(infoPDF)) {
		t.Fatalf("%v %+v", err, a)
	}
	_, content, _ := s.File(anon.ID, 1)
	if bytes.Contains(content, []byte("Peeters")) || strings.Contains(a.Name, "Peeters") {
		t.Fatal("the anonymous consultation keeps the author")
	}
	var fe *consult.FileError
	if _, err := s.AddFile(anon.ID, "x.pdf", compressedPDF, now); !errors.As(err, &fe) || fe.Limit != "metadata" {
		t.Fatalf("a compressed metadata stream: %v", err)
	}
	// The bypasses an outside review found, through the upload: refused.
	for _, in := range [][]byte{desyncPDF("BT ET %endstream (\n", ""), objStmPDF()} {
		if _, err := s.AddFile(anon.ID, "x.pdf", in, now); !errors.As(err, &fe) || fe.Limit != "metadata" || fe.Reason != "properties" {
			t.Fatalf("a bypass: %v", err)
		}
	}
	named2 := classicPDF([]pobj{pdfBase[0], pdfBase[1], pdfBase[2], {4, testenv.PDFStream("", "BT (Bestek van de Stad Auditstad) Tj ET")}}, "/Root 1 0 R")
	anon2 := draft("acc", now.Add(72*time.Hour))
	anon2.Anonymous, anon2.Buyer = true, "Stad Auditstad"
	if err := s.Create(anon2, now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddFile(anon2.ID, "x.pdf", named2, now); !errors.As(err, &fe) || fe.Reason != "buyer" || !slices.Equal(fe.Words, []string{"Stad Auditstad", "Auditstad"}) ||
		err.Error() != "the file still names the buyer (Stad Auditstad, Auditstad)" {
		t.Fatalf("a file that names the buyer: %v", err)
	}
	if _, err := s.AddFile(named.ID, "offerte Jan Peeters.pdf", infoPDF, now); err != nil {
		t.Fatal(err)
	}
	if a, content, _ := s.File(named.ID, 1); !bytes.Equal(content, infoPDF) || a.Name != "offerte Jan Peeters.pdf" {
		t.Fatal("a named consultation's file is changed")
	}
}

// pobj is one indirect object as written in the file.
type pobj struct {
	num  int
	body string
}

// classicPDF lays the objects out with a classic cross-reference table of
// their true offsets.
func classicPDF(objs []pobj, trailer string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	off := map[int]int{}
	top := 0
	for _, o := range objs {
		off[o.num] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", o.num, o.body)
		top = max(top, o.num)
	}
	x := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", top+1)
	for n := 1; n <= top; n++ {
		if o, ok := off[n]; ok {
			fmt.Fprintf(&b, "%010d 00000 n \n", o)
		} else {
			b.WriteString("0000000000 65535 f \n")
		}
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d %s >>\nstartxref\n%d\n%%%%EOF\n", top+1, trailer, x)
	return b.Bytes()
}

var pdfBase = []pobj{
	{1, "<< /Type /Catalog /Pages 2 0 R >>"},
	{2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"},
	{3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"},
}

func withMetadata(dict, xmp string) []byte {
	return classicPDF([]pobj{{1, "<< /Type /Catalog /Pages 2 0 R /Metadata 7 0 R >>"}, pdfBase[1], pdfBase[2], {7, testenv.PDFStream(dict, xmp)}}, "/Root 1 0 R")
}

func withInfo(info string) []byte {
	return classicPDF(append(slices.Clone(pdfBase), pobj{5, info}), "/Root 1 0 R /Info 5 0 R")
}

// objStmPDF: /Info names an object of an object stream whose /Type is
// given by reference, and a plain object of the same number, not in the
// cross-reference stream, is a decoy.
func objStmPDF() []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	off := map[int]int{}
	w := func(n int, body string) {
		off[n] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", n, body)
	}
	for _, o := range pdfBase {
		w(o.num, o.body)
	}
	b.WriteString("5 0 obj\n<< /Title () >>\nendobj\n")
	hdr := "5 0 "
	body := flate(hdr + "<< /Author (Jan Peeters) /Producer (Stad Auditstad) >>")
	w(6, fmt.Sprintf("<< /Type 8 0 R /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream", len(hdr), len(body), body))
	w(8, "/ObjStm")
	off[9] = b.Len()
	var rows bytes.Buffer
	row := func(typ byte, f2 uint32, f3 uint16) {
		rows.WriteByte(typ)
		binary.Write(&rows, binary.BigEndian, f2)
		binary.Write(&rows, binary.BigEndian, f3)
	}
	row(0, 0, 65535)
	for n := 1; n <= 9; n++ {
		switch {
		case n == 5:
			row(2, 6, 0)
		case n == 4 || n == 7:
			row(0, 0, 0)
		default:
			row(1, uint32(off[n]), 0)
		}
	}
	fmt.Fprintf(&b, "9 0 obj\n<< /Type /XRef /Size 10 /W [1 4 2] /Root 1 0 R /Info 5 0 R /Length %d >>\nstream\n%s\nendstream\nendobj\n", rows.Len(), rows.String())
	fmt.Fprintf(&b, "startxref\n%d\n%%%%EOF\n", off[9])
	return b.Bytes()
}

// desyncPDF: a stream's /Length is a reference, and its data holds
// "endstream (" that would make a scanner that looks for the keyword read
// the rest of the file as a string.
func desyncPDF(data string, length string) []byte {
	if length == "" {
		length = fmt.Sprint(len(data))
	}
	return classicPDF([]pobj{
		pdfBase[0], pdfBase[1],
		{3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>"},
		{4, "<< /Length 6 0 R >>\nstream\n" + data + "endstream"},
		{5, "<< /Author (Jan Peeters) /Producer (Stad Auditstad) /Title (Offerte Jan Peeters) >>"},
		{6, length},
	}, "/Root 1 0 R /Info 5 0 R")
}

func utf16BE(s string) string {
	var b bytes.Buffer
	b.Write([]byte{0xfe, 0xff})
	for _, r := range s {
		b.WriteByte(byte(r >> 8))
		b.WriteByte(byte(r))
	}
	return b.String()
}

// lpdfText is what an independent reader makes of a value: strings,
// names, and those inside arrays and dictionaries.
func lpdfText(v lpdf.Value) string {
	switch v.Kind() {
	case lpdf.String:
		return v.Text()
	case lpdf.Name:
		return v.Name()
	case lpdf.Array:
		var s []string
		for i := 0; i < v.Len(); i++ {
			s = append(s, lpdfText(v.Index(i)))
		}
		return strings.Join(s, " ")
	case lpdf.Dict:
		var s []string
		for _, k := range v.Keys() {
			s = append(s, k, lpdfText(v.Key(k)))
		}
		return strings.Join(s, " ")
	}
	return ""
}

// xmpTexts parses an XMP packet namespace-aware and returns its element
// texts and attribute values, as an XMP reader would.
func xmpTexts(packet string) string {
	d := xml.NewDecoder(strings.NewReader(packet))
	var out []string
	for {
		tok, err := d.Token()
		if err != nil {
			return strings.Join(out, " ")
		}
		switch e := tok.(type) {
		case xml.StartElement:
			out = append(out, e.Name.Space, e.Name.Local)
			for _, a := range e.Attr {
				out = append(out, a.Value)
			}
		case xml.CharData:
			out = append(out, strings.TrimSpace(string(e)))
		case xml.Comment:
			out = append(out, string(e))
		}
	}
}

// checkScrubbed: the file is refused (its reason matched against
// refusal), or taken, and then keeps its length, its cross-reference
// offsets, and an independent reader finds no identifying text in the
// information dictionary nor in the XMP packet, nor in its bytes.
func checkScrubbed(t *testing.T, name string, in []byte, refusal string, buyer ...string) {
	t.Helper()
	out, err := consult.ScrubPDF(bytes.Clone(in), buyer...)
	if refusal != "" {
		if err == nil || !strings.Contains(err.Error(), refusal) {
			t.Errorf("%s: %v, want a refusal %q", name, err, refusal)
		}
		return
	}
	if err != nil {
		t.Errorf("%s: refused: %v", name, err)
		return
	}
	if len(out) != len(in) {
		t.Errorf("%s: %d bytes of %d", name, len(out), len(in))
	}
	if m := regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF\s*$`).FindSubmatch(out); m != nil && bytes.HasPrefix(out[atoi(m[1]):], []byte("xref\n0 ")) {
		for n, r := range regexp.MustCompile(`(\d{10}) \d{5} ([nf])`).FindAllSubmatch(out[atoi(m[1]):], -1) {
			if string(r[2]) == "n" && !bytes.HasPrefix(out[atoi(r[1]):], fmt.Appendf(nil, "%d 0 obj", n)) {
				t.Errorf("%s: object %d is not at %s", name, n, r[1])
			}
		}
	}
	r, err := lpdf.NewReader(bytes.NewReader(out), int64(len(out)))
	if err != nil {
		t.Errorf("%s: the reader: %v", name, err)
		return
	}
	seen := lpdfText(r.Trailer().Key("Info"))
	if md := r.Trailer().Key("Root").Key("Metadata"); md.Kind() == lpdf.Stream {
		rc := md.Reader()
		x, _ := io.ReadAll(rc)
		rc.Close()
		seen += " " + xmpTexts(string(x))
	}
	for _, w := range identifying[:3] {
		if strings.Contains(seen, w) || bytes.Contains(out, []byte(w)) {
			t.Errorf("%s: %q is left: %q", name, w, seen)
		}
	}
}

func atoi(b []byte) int {
	n, _ := strconv.Atoi(string(b))
	return n
}

// The cases an outside review found ScrubPDF let through, each refused
// or blanked now.
func TestScrubPDFBypasses(t *testing.T) {
	cdata := strings.Replace(testXMP, "<rdf:li>Jan Peeters</rdf:li>", "<rdf:li><![CDATA[Jan Peeters]]></rdf:li>", 1)
	prefixed := `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<!-- <x:xmpmeta></x:xmpmeta> -->
<m:xmpmeta xmlns:m="adobe:ns:meta/"><r:RDF xmlns:r="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<r:Description r:about="" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator><r:Seq><r:li>Jan Peeters</r:li></r:Seq></dc:creator></r:Description>
</r:RDF></m:xmpmeta>
<?xpacket end="w"?>`
	unwrapped := `<m:xmpmeta xmlns:m="adobe:ns:meta/"><m:xmpmeta><r:RDF xmlns:r="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><r:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>Jan Peeters</dc:creator></r:Description></r:RDF></m:xmpmeta><dc:title>Stad Auditstad</dc:title></m:xmpmeta>`
	ns := strings.Replace(testXMP, `xmlns:dc="http://purl.org/dc/elements/1.1/"`, `xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:jp="urn:Jan Peeters, Stad Auditstad"`, 1)
	entity := strings.Replace(testXMP, `<x:xmpmeta`, `<!DOCTYPE x [<!ENTITY who "Jan Peeters">]><x:xmpmeta`, 1)
	inc := withInfo("<< /Author (Old) >>")
	prev := regexp.MustCompile(`startxref\s+(\d+)`).FindSubmatch(inc)[1]
	o := len(inc)
	inc = append(inc, "6 0 obj\n<< /Author (Jan Peeters) /Producer (Stad Auditstad) >>\nendobj\n"...)
	inc = append(inc, fmt.Appendf(nil, "xref\n6 1\n%010d 00000 n \ntrailer\n<< /Size 7 /Root 1 0 R /Info 6 0 R /Prev %s >>\nstartxref\n%d\n%%%%EOF\n", o, prev, len(inc))...)
	png := func(s string) string { // rows of 8 bytes, PNG filter None
		var b bytes.Buffer
		for i := 0; i < len(s); i += 8 {
			b.WriteByte(0)
			b.WriteString(s[i:min(i+8, len(s))])
		}
		return b.String()
	}
	js := classicPDF([]pobj{{1, "<< /Type /Catalog /Pages 2 0 R /Names << /JavaScript << /Names [(a) 9 0 R] >> >> /OpenAction 9 0 R >>"}, pdfBase[1], pdfBase[2],
		{9, "<< /S /JavaScript /JS (app.alert\\('Opgesteld door Jan Peeters'\\)) >>"}}, "/Root 1 0 R")
	embedded := classicPDF([]pobj{{1, "<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [(b) 10 0 R] >> >> >>"}, pdfBase[1], pdfBase[2],
		{10, "<< /Type /Filespec /F (Offerte Jan Peeters.docx) /UF (Offerte Jan Peeters.docx) /EF << /F 11 0 R >> >>"},
		{11, testenv.PDFStream("/Type /EmbeddedFile", "Jan Peeters, Stad Auditstad")}}, "/Root 1 0 R")
	openURI := classicPDF([]pobj{{1, "<< /Type /Catalog /Pages 2 0 R /OpenAction 9 0 R >>"}, pdfBase[1], pdfBase[2],
		{9, "<< /S /URI /URI (https://tracker.example/seen) >>"}}, "/Root 1 0 R")
	openDest := classicPDF([]pobj{{1, "<< /Type /Catalog /Pages 2 0 R /OpenAction [3 0 R /Fit] >>"}, pdfBase[1], pdfBase[2]}, "/Root 1 0 R")
	indirectOK := classicPDF([]pobj{
		pdfBase[0], pdfBase[1],
		{3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>"},
		{4, "<< /Length 6 0 R >>\nstream\nBT (Bestek) Tj ET\nendstream"},
		{5, "<< /Author (Jan Peeters) /Producer (Stad Auditstad) >>"},
		{6, "18"},
	}, "/Root 1 0 R /Info 5 0 R")
	for _, c := range []struct {
		name    string
		in      []byte
		refusal string
	}{
		// F1: the stream's end.
		{"indirect /Length, endstream in the data", desyncPDF("BT ET %endstream (\n", ""), "cannot be removed"},
		{"indirect /Length that does not fit", desyncPDF("BT ET (\n", "3"), "cannot be removed"},
		{"indirect /Length not defined", bytes.Replace(desyncPDF("BT ET (\n", ""), []byte("6 0 obj"), []byte("7 0 obj"), 1), "cannot be removed"},
		{"direct /Length that does not fit", classicPDF(append(slices.Clone(pdfBase), pobj{4, "<< /Length 3 >>\nstream\nBT ET (\nendstream"}, pobj{5, "<< /Author (Jan Peeters) >>"}), "/Root 1 0 R /Info 5 0 R"), "cannot be removed"},
		{"indirect /Length that fits", indirectOK, ""},
		// F2: an object stream by a /Type by reference.
		{"/Info in an object stream, /Type 8 0 R", objStmPDF(), "cannot be removed"},
		{"/Info in an object stream, no /Type", bytes.Replace(objStmPDF(), []byte("/Type 8 0 R"), []byte("           "), 1), "cannot be removed"},
		// F3: compressed XMP whatever its dictionary says.
		{"flate XMP, /Type 10 0 R /Subtype 11 0 R", withMetadata("/Type 10 0 R /Subtype 11 0 R /Filter /FlateDecode", flate(testXMP)), "cannot be removed"},
		{"flate XMP, no /Type", withMetadata("/Filter /FlateDecode", flate(testXMP)), "cannot be removed"},
		{"flate XMP in an array of filters", withMetadata("/Filter [/FlateDecode]", flate(testXMP)), "cannot be removed"},
		{"ASCIIHex + flate XMP", withMetadata("/Filter [/AHx /Fl]", fmt.Sprintf("%X>", flate(testXMP))), "cannot be removed"},
		{"flate XMP behind a PNG predictor", withMetadata("/Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 8 >>", flate(png(testXMP))), "cannot be removed"},
		{"LZW", withMetadata("/Filter /LZWDecode", "xxxx"), "cannot be removed"},
		{"UTF-16 XMP, typed", withMetadata("/Type /Metadata /Subtype /XML", utf16BE(testXMP)), "cannot be removed"},
		{"UTF-16 XMP, untyped", withMetadata("", utf16BE(testXMP)), "cannot be removed"},
		// F4: the XMP packet's text, whatever its prefixes.
		{"XMP CDATA", withMetadata("/Type /Metadata /Subtype /XML", cdata), ""},
		{"XMP other prefixes", withMetadata("/Type /Metadata /Subtype /XML", prefixed), ""},
		{"XMP without xpacket, nested", withMetadata("", unwrapped), ""},
		{"XMP namespace of a name", withMetadata("/Type /Metadata /Subtype /XML", ns), ""},
		{"XMP entity", withMetadata("/Type /Metadata /Subtype /XML", entity), ""},
		{"XMP without its end", withMetadata("/Type /Metadata /Subtype /XML", strings.Split(testXMP, "</rdf:RDF>")[0]), "cannot be removed"},
		{"XMP in a string", withInfo("<< /Foo (<?xpacket begin) >>"), ""},
		// F5: the information dictionary's values of every kind.
		{"Info /CreationDate (Jan Peeters)", withInfo("<< /CreationDate (Jan Peeters) >>"), ""},
		{"Info /Author /Jan#20Peeters", withInfo("<< /Author /Jan#20Peeters >>"), ""},
		{"Info /Company [(Jan Peeters)]", withInfo("<< /Company [(Jan Peeters) /Stad#20Auditstad] >>"), ""},
		{"Info /Company << >>", withInfo("<< /Company << /Name (Jan Peeters) >> >>"), ""},
		{"Info /Auth#6Fr", withInfo("<< /Auth#6Fr (Jan Peeters) >>"), ""},
		{"Info hex odd digits", withInfo("<< /Author <4A616E205065657465727> >>"), ""},
		{"Info in an incremental update", inc, ""},
		{"Info array with a reference", withInfo("<< /Company [(x) 3 0 R] >>"), "cannot be removed"},
		// F6: what runs by itself or carries files.
		{"document JavaScript", js, "scripts"},
		{"embedded file", embedded, "scripts"},
		{"OpenAction URI", openURI, "scripts"},
		{"OpenAction destination", openDest, ""},
		{"Launch", withInfo("<< /S /Launch /F (calc.exe) >>"), "scripts"},
		{"JavaScript name escaped", withInfo("<< /S /Java#53cript >>"), "scripts"},
		{"/S by reference", withInfo("<< /S 3 0 R >>"), "cannot be removed"},
	} {
		checkScrubbed(t, c.name, c.in, c.refusal)
	}
	out, _ := consult.ScrubPDF(withInfo("<< /CreationDate (D:20260101120000+01'00') /ModDate (D:2026) >>"))
	if !bytes.Contains(out, []byte("(D:20260101120000+01'00') /ModDate (D:2026)")) {
		t.Errorf("a date is blanked:\n%s", out)
	}
	out, _ = consult.ScrubPDF(withMetadata("/Type /Metadata /Subtype /XML", ns))
	if !bytes.Contains(out, []byte(`xmlns:jp="xxxxxxx xxxxxxxx xxxx xxxxxxxxx"`)) || !bytes.Contains(out, []byte(`xmlns:dc="http://purl.org/dc/elements/1.1/"`)) {
		t.Errorf("namespaces:\n%s", out)
	}
}

// The safety net: a file that still holds a word of the buyer's names or
// address, however written, is refused, and one that does not is taken.
func TestScrubPDFNamesBuyer(t *testing.T) {
	buyer := []string{"Stad Auditstad", "Jan Peeters", "jan.peeters@auditstad.example"}
	page := func(text string) []byte {
		return classicPDF([]pobj{pdfBase[0], pdfBase[1],
			{3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>"},
			{4, testenv.PDFStream("", "BT /F1 12 Tf 72 720 Td "+text+" Tj ET")}}, "/Root 1 0 R")
	}
	for _, c := range []struct {
		name, text string
		named      bool
	}{
		{"plain", "(Offerte voor de stad AUDITSTAD)", true},
		{"escaped", `(Offerte van Jan Pee\
ters)`, true},
		{"octal", `(Offerte van \112an \120eeters)`, true},
		{"hex", "<4A616E2050 65 65746572 73>", true},
		{"hex lower case letters", "<6a616e207065657465727300>", true},
		{"UTF-16", "(" + utf16BE("Auditstad") + ")", true},
		{"the e-mail address's domain", "(auditstad.example)", true},
		{"a common word", "(Offerte voor de stad)", false},
		{"other text", "(Bestek schoonmaak)", false},
	} {
		_, err := consult.ScrubPDF(page(c.text), buyer...)
		var be *consult.BuyerNamedError
		if got := errors.As(err, &be); got != c.named || err != nil && !got {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	in := classicPDF([]pobj{pdfBase[0], pdfBase[1], pdfBase[2], {4, testenv.PDFStream("/Filter /FlateDecode", flate("BT (Jan Peeters) Tj ET"))}}, "/Root 1 0 R")
	if _, err := consult.ScrubPDF(in, buyer...); err == nil || !strings.Contains(err.Error(), "still names the buyer (Jan Peeters") {
		t.Errorf("a compressed page: %v", err)
	}
	// The properties blanked, the words are gone.
	if _, err := consult.ScrubPDF(infoPDF, buyer...); err != nil {
		t.Errorf("the information dictionary: %v", err)
	}
}

// A file made of one unit repeated over 5 MB is read (refused or not) in
// well under a second.
func TestScrubPDFPathological(t *testing.T) {
	for _, unit := range []string{"(", "<<", "[", "stream\n", "<< /Length 1 0 R >>stream\n", "1 0 obj 5 endobj ", "<< /OpenAction << ",
		"/Type << ", "<a>adobe:ns:meta</a>", "<?xpacket begin?>", "1 0 obj", "\\", "#", "<4a ", "<</Length 0>>stream\nendstream\n"} {
		in := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte(unit), consult.MaxFileBytes/len(unit))...)
		start := time.Now()
		consult.ScrubPDF(in, "Stad Auditstad", "Jan Peeters", "jan.peeters@auditstad.example")
		if d := time.Since(start); d > time.Second {
			t.Errorf("%q over 5 MB: %v", unit, d)
		}
	}
}
