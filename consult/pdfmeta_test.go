package consult_test

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/verken/verken/consult"
	"github.com/verken/verken/internal/testenv"
)

// buildPDF writes a valid PDF of the objects (numbered from 1) with a
// cross-reference table of their true offsets and a trailer with extra
// entries.
func buildPDF(objects []string, trailer string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R %s >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, trailer, xref)
	return b.Bytes()
}

func stream(dict, body string) string {
	return fmt.Sprintf("<< %s /Length %d >>\nstream\n%s\nendstream", dict, len(body), body)
}

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
	infoPDF = buildPDF([]string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
		stream("", "BT /F1 12 Tf 72 720 Td (Bestek) Tj ET"),
		`<< /Author (Jan Peeters \(Stad Auditstad\) (dienst (aankoop)) \\) /Creator <4A616E205065657465727320537461642041756469747374616421> /Producer (Stad Auditstad) /Title (Offerte Jan Peeters) /Subject (Stad Auditstad) /Keywords (Jan Peeters) /CreationDate (D:20260101120000+01'00') >>`,
	}, "/Info 5 0 R")
	xmpPDF = buildPDF([]string{
		"<< /Type /Catalog /Pages 2 0 R /Metadata 4 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
		stream("/Type /Metadata /Subtype /XML", testXMP),
	}, "")
	compressedPDF = buildPDF([]string{
		"<< /Type /Catalog /Pages 2 0 R /Metadata 4 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
		stream("/Type /Metadata /Subtype /XML /Filter /FlateDecode", flate(testXMP)),
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

	objStm := buildPDF([]string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [] /Count 0 >>",
		stream("/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode", flate("4 0 << /Author (Jan Peeters) >>")),
	}, "/Info 4 0 R")
	encrypted := buildPDF([]string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [] /Count 0 >>",
		"<< /Filter /Standard /V 2 /R 3 /O <00> /U <00> /P -4 >>",
	}, "/Encrypt 3 0 R")
	byRef := buildPDF([]string{
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
	plain := buildPDF([]string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [] /Count 0 >>",
		stream("/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode", flate("5 0 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")),
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
	if _, err := s.AddFile(named.ID, "offerte Jan Peeters.pdf", infoPDF, now); err != nil {
		t.Fatal(err)
	}
	if a, content, _ := s.File(named.ID, 1); !bytes.Equal(content, infoPDF) || a.Name != "offerte Jan Peeters.pdf" {
		t.Fatal("a named consultation's file is changed")
	}
}
