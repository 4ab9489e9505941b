package ui_test

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/testenv"
)

const anonXMP = `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
<dc:creator><rdf:Seq><rdf:li>Jan Peeters</rdf:li></rdf:Seq></dc:creator>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">Bestek Stad Auditstad</rdf:li></rdf:Alt></dc:title>
<xmp:CreatorTool>Stad Auditstad sjablonen</xmp:CreatorTool>
<pdf:Producer>Jan Peeters' pdf</pdf:Producer>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>`

// The three files of the audit: an information dictionary that names the
// author with escaped and nested parentheses (and a hex string), an
// uncompressed XMP packet, and a compressed metadata stream.
func anonymousTestPDFs() (info, xmp, compressed string) {
	page := []string{"<< /Type /Catalog /Pages 2 0 R /Metadata 4 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"}
	info = string(testenv.PDF(append(page[:3:3],
		testenv.PDFStream("", "BT /F1 12 Tf 72 720 Td (Bestek groenonderhoud) Tj ET"),
		`<< /Author (Jan Peeters, Stad Auditstad \(aankoop (dienst)\)) /Creator <4A616E205065657465727320537461642041756469747374616421> /Producer (Stad Auditstad) /Title (Jan Peeters) /CreationDate (D:20260101120000+01'00') >>`),
		"/Info 5 0 R"))
	xmp = string(testenv.PDF(append(page[:3:3], testenv.PDFStream("/Type /Metadata /Subtype /XML", anonXMP)), ""))
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	w.Write([]byte(anonXMP))
	w.Close()
	compressed = string(testenv.PDF(append(page[:3:3], testenv.PDFStream("/Type /Metadata /Subtype /XML /Filter /FlateDecode", z.String())), ""))
	return info, xmp, compressed
}

// An anonymous consultation's attachments reach its suppliers without the
// document properties that name the buyer (blanked in place: the same
// length, the same offsets) and under a neutral name; a file whose
// properties cannot be blanked safely is refused with 422 in the buyer's
// language, on the page and through the API; the form says so before.
func TestAnonymousConsultationAttachments(t *testing.T) {
	box := startMailbox(t)
	clock := &testClock{t: time.Now()}
	s := startServer(t, 0, withSMTP(box), withClock(clock))
	ids, emails := seedConsultable(t, s)
	owner := account(t, s, "koper@stad.example", directory.RoleBuyer)
	account(t, s, "eigen@poets.example", directory.RoleSupplier, ids[1])
	buyer := newVisitor(t, s)
	buyer.signIn("koper@stad.example", testPassword)
	path := startConsultation(t, buyer, clock.now().Add(7*24*time.Hour).In(brusselsT).Format(time.DateOnly), url.Values{"anonymous": {"on"}})
	id := strings.TrimPrefix(path, "/raadplegingen/")
	upload := "/raadplegingen/bijlagen/" + id
	_, page := buyer.get(path)
	if !strings.Contains(page, `id="attach-anonymous"`) || !strings.Contains(page, "Verwijder vóór het opladen de documenteigenschappen van de PDF (auteur, organisatie)") ||
		!strings.Contains(page, "bijlage-1.pdf") {
		t.Fatalf("the form does not say what becomes of an anonymous consultation's files:\n%s", page)
	}

	info, xmp, compressed := anonymousTestPDFs()
	for _, f := range []struct{ name, content string }{{"Offerte Jan Peeters.pdf", info}, {"Stad Auditstad bestek.pdf", xmp}} {
		if code, loc, body := buyer.upload(upload, f.name, f.content, false); code != 303 || !strings.Contains(loc, "notice=attached") {
			t.Fatalf("upload %s: %d %s\n%s", f.name, code, loc, body)
		}
	}
	code, _, body := buyer.upload(upload, "metadata.pdf", compressed, false)
	if code != 422 || !strings.Contains(body, "Verwijder de documenteigenschappen (auteur, organisatie)") {
		t.Fatalf("a compressed metadata stream: %d\n%s", code, body)
	}
	buyer.get(path + "?lang=fr")
	if code, _, body := buyer.upload(upload, "metadata.pdf", compressed, false); code != 422 || !strings.Contains(body, "Supprimez les propriétés du document (auteur, organisation)") {
		t.Fatalf("in French: %d\n%s", code, body)
	}
	buyer.get(path + "?lang=nl")
	secret, _, err := s.Store.NewToken(owner.ID, "", "erp")
	if err != nil {
		t.Fatal(err)
	}
	api := newVisitor(t, s)
	api.bearer = secret
	if code, _, body := api.upload("/api/v1/consultation-attachments/"+id, "metadata.pdf", compressed, false); code != 422 || !strings.Contains(body, `"metadata"`) ||
		!strings.Contains(body, "documenteigenschappen (auteur, organisatie)") {
		t.Fatalf("through the API: %d\n%s", code, body)
	}

	if code, _, body := buyer.post(path+"/versturen", url.Values{"recipient": ids[:2]}); code != 303 {
		t.Fatalf("send: %d\n%s", code, body)
	}
	mails := mailsFrom(t, box, 1, 2)
	identifying := []string{"Jan Peeters", "Stad Auditstad", "Peeters", "Auditstad", "4A616E2050"}
	link := linkOf(t, mails[emails[0]])
	supplier := newVisitor(t, s)
	_, linkPage := supplier.get(link)
	own := newVisitor(t, s)
	own.signIn("eigen@poets.example", testPassword)
	mine := "/mijn/raadplegingen/" + id + "/" + ids[1]
	for n, original := range []string{info, xmp} {
		for _, get := range []struct {
			who  *browserless
			path string
		}{{supplier, fmt.Sprintf("%s/bijlagen/%d", link, n+1)}, {own, fmt.Sprintf("%s/bijlagen/%d", mine, n+1)}} {
			code, h, got := download(get.who, get.path)
			if code != 200 || !strings.HasPrefix(got, "%PDF-1.7") || len(got) != len(original) || !strings.Contains(h.Get("Content-Disposition"), fmt.Sprintf(`filename="bijlage-%d.pdf"`, n+1)) {
				t.Fatalf("%s: %d, %d bytes of %d, %v", get.path, code, len(got), len(original), h)
			}
			// The offsets hold: every object begins where the table says.
			if !strings.Contains(got, "startxref") || strings.Index(got, "xref\n0 ") != strings.Index(original, "xref\n0 ") {
				t.Fatalf("%s: the cross-reference table moved", get.path)
			}
			for _, w := range identifying {
				if strings.Contains(got, w) || strings.Contains(fmt.Sprint(h), w) {
					t.Errorf("%s holds %q:\n%s", get.path, w, got)
				}
			}
		}
	}
	for _, w := range identifying {
		if strings.Contains(linkPage, w) || strings.Contains(mails[emails[0]], w) {
			t.Errorf("the link's page or mail names %q", w)
		}
	}
	if !strings.Contains(linkPage, "bijlage-1.pdf") {
		t.Fatalf("the link page does not offer the attachment under its neutral name:\n%s", linkPage)
	}
	// The page text of the information dictionary is the same.
	_, _, got := download(supplier, link+"/bijlagen/1")
	if !strings.Contains(got, "(Bestek groenonderhoud) Tj") || !strings.Contains(got, "/CreationDate (D:20260101120000+01'00')") {
		t.Fatalf("more than the properties went:\n%s", got)
	}
}
