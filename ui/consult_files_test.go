package ui_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/verken/verken/directory"
)

// pdfOf is a file of n bytes that begins as a PDF does.
func pdfOf(n int, fill byte) string {
	b := bytes.Repeat([]byte{fill}, n)
	copy(b, "%PDF-1.7\n")
	return string(b)
}

// download fetches a file with the visitor's cookies and headers.
func download(b *browserless, path string) (int, http.Header, string) {
	b.t.Helper()
	resp, err := b.client.Do(b.request("GET", path, nil, ""))
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(raw)
}

// A buyer attaches PDF files to a draft within their bounds (checked by
// content; refusals name the bound in the buyer's language); the files go
// with the consultation to every recipient, who downloads them through its
// link or signed in; the report lists them with their digests.
func TestConsultationAttachments(t *testing.T) {
	box := startMailbox(t)
	clock := &testClock{t: time.Now()}
	s := startServer(t, 0, withSMTP(box), withClock(clock))
	ids, emails := seedConsultable(t, s)
	account(t, s, "koper@stad.example", directory.RoleBuyer)
	account(t, s, "ander@gemeente.example", directory.RoleBuyer)
	account(t, s, "eigen@poets.example", directory.RoleSupplier, ids[1])
	buyer := newVisitor(t, s)
	buyer.signIn("koper@stad.example", testPassword)
	path := startConsultation(t, buyer, clock.now().Add(7*24*time.Hour).In(brusselsT).Format(time.DateOnly), nil)
	id := strings.TrimPrefix(path, "/raadplegingen/")
	upload := "/raadplegingen/bijlagen/" + id
	_, page := buyer.get(path)
	if !strings.Contains(page, `action="`+upload+`"`) || !strings.Contains(page, `enctype="multipart/form-data"`) {
		t.Fatalf("the draft offers no upload:\n%s", page)
	}
	bestek := pdfOf(2000, 'a')
	if code, loc, body := buyer.upload(upload, "Bestek.pdf", bestek, false); code != 303 || !strings.Contains(loc, "notice=attached") {
		t.Fatalf("upload: %d %s\n%s", code, loc, body)
	}
	refused := func(name, content, want string) {
		t.Helper()
		code, _, body := buyer.upload(upload, name, content, false)
		if code != 422 || !strings.Contains(body, want) {
			t.Fatalf("%s: %d, want 422 saying %q\n%s", name, code, want, body)
		}
	}
	// By content, not by name.
	refused("nep.pdf", "<html><body>geen pdf</body></html>", "Dit bestand is geen PDF")
	refused("groot.pdf", pdfOf(5<<20+1, 'x'), "Een bijlage is hoogstens 5 MB groot.")
	buyer.get(path + "?lang=fr")
	refused("groot.pdf", pdfOf(5<<20+1, 'x'), "Une annexe fait au plus 5 MB.")
	buyer.get(path + "?lang=nl")
	for _, name := range []string{"b.pdf", "c.pdf"} {
		if code, _, body := buyer.upload(upload, name, pdfOf(4<<20, name[0]), false); code != 303 {
			t.Fatalf("upload %s: %d\n%s", name, code, body)
		}
	}
	refused("d.pdf", pdfOf(3<<20, 'd'), "samen hoogstens 10 MB groot")
	for _, name := range []string{"d.pdf", "e.pdf"} {
		if code, _, body := buyer.upload(upload, name, pdfOf(1000, name[0]), false); code != 303 {
			t.Fatalf("upload %s: %d\n%s", name, code, body)
		}
	}
	refused("f.pdf", pdfOf(1000, 'f'), "hoogstens 5 bijlagen")
	// One taken off makes room, for a name that tries to be a path and to
	// break out of the header.
	if code, _, body := buyer.post(path+"/bijlagen/5/verwijderen", nil); code != 303 {
		t.Fatalf("remove: %d\n%s", code, body)
	}
	if code, _, body := buyer.upload(upload, `..\..\"rapport"; été.pdf`, pdfOf(1500, 'r'), false); code != 303 {
		t.Fatalf("upload with a hostile name: %d\n%s", code, body)
	}
	_, page = buyer.get(path)
	if strings.Contains(page, "e.pdf") || !strings.Contains(page, "rapport__ été.pdf") {
		t.Fatalf("the draft's attachments:\n%s", page)
	}
	code, h, body := download(buyer, path+"/bijlagen/1")
	if code != 200 || body != bestek || h.Get("Content-Type") != "application/pdf" ||
		h.Get("Content-Disposition") != `attachment; filename="Bestek.pdf"; filename*=UTF-8''Bestek.pdf` {
		t.Fatalf("the buyer's download: %d %v", code, h)
	}
	code, h, _ = download(buyer, path+"/bijlagen/6")
	if cd := h.Get("Content-Disposition"); code != 200 || cd != `attachment; filename="rapport__ _t_.pdf"; filename*=UTF-8''rapport__%20%C3%A9t%C3%A9.pdf` {
		t.Fatalf("the hostile name's download: %d %q", code, cd)
	}
	if code, _, _ := download(buyer, path+"/bijlagen/5"); code != 404 {
		t.Fatalf("a removed attachment: %d", code)
	}

	// Sent, they go to every recipient.
	if code, _, body := buyer.post(path+"/versturen", url.Values{"recipient": ids[:2]}); code != 303 {
		t.Fatalf("send: %d\n%s", code, body)
	}
	mails := mailsFrom(t, box, 1, 2)
	for _, e := range emails[:2] {
		if !strings.Contains(mails[e], "Bestek.pdf (2 kB)") || !strings.Contains(mails[e], "b.pdf (4 MB)") {
			t.Fatalf("the mail to %s does not list the attachments:\n%s", e, mails[e])
		}
	}
	if code, _, _ := buyer.upload(upload, "laat.pdf", pdfOf(1000, 'l'), false); code != 422 {
		t.Fatalf("an upload to a sent consultation: %d", code)
	}
	if code, _, _ := buyer.post(path+"/bijlagen/1/verwijderen", nil); code != 422 {
		t.Fatalf("a removal from a sent consultation: %d", code)
	}
	link := linkOf(t, mails[emails[0]])
	visitor := newVisitor(t, s)
	_, page = visitor.get(link)
	if !strings.Contains(page, `href="`+link+`/bijlagen/1"`) {
		t.Fatalf("the link page does not offer the attachment:\n%s", page)
	}
	code, h, body = download(visitor, link+"/bijlagen/1")
	if code != 200 || body != bestek || !strings.HasPrefix(h.Get("Content-Disposition"), "attachment;") || h.Get("Referrer-Policy") != "no-referrer" {
		t.Fatalf("the download through the link: %d %v", code, h)
	}
	if code, _, _ := download(visitor, link+"/bijlagen/9"); code != 404 {
		t.Fatalf("an attachment that is none: %d", code)
	}
	if code, _, _ := download(visitor, "/raadpleging/bestaat-niet/bijlagen/1"); code != 410 {
		t.Fatalf("an unknown link's attachment: %d", code)
	}
	own := newVisitor(t, s)
	own.signIn("eigen@poets.example", testPassword)
	mine := "/mijn/raadplegingen/" + id + "/" + ids[1]
	_, page = own.get(mine)
	if !strings.Contains(page, `href="`+mine+`/bijlagen/2"`) {
		t.Fatalf("the signed-in page does not offer the attachment:\n%s", page)
	}
	if code, _, body := download(own, mine+"/bijlagen/2"); code != 200 || body != pdfOf(4<<20, 'b') {
		t.Fatalf("the signed-in download: %d", code)
	}
	other := newVisitor(t, s)
	other.signIn("ander@gemeente.example", testPassword)
	if code, _, body := download(other, path+"/bijlagen/1"); code != 404 || body == bestek {
		t.Fatalf("another buyer's download: %d", code)
	}

	// The report lists them with their digests; after the deadline the
	// link no longer gives them.
	clock.add(8 * 24 * time.Hour)
	if code, _, _ := download(visitor, link+"/bijlagen/1"); code != 410 {
		t.Fatalf("a download through the link after the deadline: %d", code)
	}
	code, page = buyer.get(path + "/verslag")
	sum := sha256.Sum256([]byte(bestek))
	if code != 200 || !strings.Contains(page, `id="r-attachments"`) || !strings.Contains(page, hex.EncodeToString(sum[:])) || !strings.Contains(page, "rapport__ été.pdf") {
		t.Fatalf("the report's attachments: %d\n%s", code, page)
	}
}
