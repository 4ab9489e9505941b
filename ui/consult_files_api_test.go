package ui_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/verken/verken/consult"
	"github.com/verken/verken/directory"
)

// The attachments' API: a buyer's token uploads PDF files to its draft
// under the page's bounds (multipart, files of megabytes) and reads them;
// once sent, a recipient's token reads them until the deadline and a
// supplier not consulted does not; another buyer never. As the generated
// document says.
func TestConsultationAttachmentsAPI(t *testing.T) {
	box := startMailbox(t)
	clock := &testClock{t: time.Now()}
	s := startServer(t, 0, withSMTP(box), withClock(clock))
	ids, _ := seedConsultable(t, s)
	owner := account(t, s, "koper@stad.example", directory.RoleBuyer)
	other := account(t, s, "ander@gemeente.example", directory.RoleBuyer)
	recipient := account(t, s, "eigen@poets.example", directory.RoleSupplier, ids[0])
	stranger := account(t, s, "vreemd@poets.example", directory.RoleSupplier, ids[4])
	bearer := func(a directory.Account, supplier string) *browserless {
		secret, _, err := s.Store.NewToken(a.ID, supplier, "erp")
		if err != nil {
			t.Fatal(err)
		}
		b := newVisitor(t, s)
		b.bearer = secret
		return b
	}
	buyer, otherBuyer := bearer(owner, ""), bearer(other, "")
	doc := loadOpenAPI(t, s)
	op := doc.Paths.Find("/api/v1/consultation-attachments/{id}").GetOperation("POST")
	if op == nil || op.RequestBody == nil || op.RequestBody.Value.Content.Get("multipart/form-data") == nil {
		t.Fatal("the upload is not in the document as multipart/form-data")
	}
	if get := doc.Paths.Find("/api/v1/consultation-attachments/{id}/{n}").GetOperation("GET"); get == nil || get.Responses.Value("200").Value.Content.Get("application/pdf") == nil {
		t.Fatal("the download is not in the document as a PDF")
	}

	deadline := clock.now().Add(5 * 24 * time.Hour).UTC().Format(time.RFC3339)
	code, body := jsonCall(buyer, "POST", "/api/v1/consultations", `{"title":"Schoonmaak","description":"Kantoren.","deadline":"`+deadline+`",`+
		`"check":{"tasks":["office-cleaning"],"place":"9000","volume_fte":2,"start":"2030-01-07"}}`)
	var created struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal([]byte(body), &created); code != 200 || err != nil {
		t.Fatalf("create: %d %s", code, body)
	}
	upload := "/api/v1/consultation-attachments/" + created.ID
	// Three megabytes go through: larger than any form, the route takes
	// files.
	big := pdfOf(3<<20, 'a')
	code, _, body = buyer.upload(upload, "../Bestek <1>.pdf", big, false)
	if code != 200 {
		t.Fatalf("upload: %d\n%.300s", code, body)
	}
	var v any
	_ = json.Unmarshal([]byte(body), &v)
	if err := doc.ValidateSchemaJSON(op.Responses.Value("200").Value.Content.Get("application/json").Schema.Value, v); err != nil {
		t.Fatalf("the upload's answer does not match the document: %v\n%s", err, body)
	}
	var a consult.Attachment
	_ = json.Unmarshal([]byte(body), &a)
	sum := sha256.Sum256([]byte(big))
	if a.N != 1 || a.Size != 3<<20 || a.SHA256 != hex.EncodeToString(sum[:]) || a.Name != "Bestek _1.pdf" {
		t.Fatalf("the attachment: %+v", a)
	}
	// The page's bounds: a PDF by its content, 5 MB a file, 10 MB
	// together, five files.
	for _, c := range []struct {
		name, content string
		code          int
		want          string
	}{
		{"not a PDF", "MZ\x90\x00 geen pdf", 422, `"not_pdf"`},
		{"over 5 MB", pdfOf(consult.MaxFileBytes+1, 'b'), 413, `"too_large"`},
		{"4 MB", pdfOf(4<<20, 'c'), 200, `"n":2`},
		{"10 MB together", pdfOf(4<<20, 'd'), 422, `"total"`},
		{"third", pdfOf(1000, 'e'), 200, `"n":3`},
		{"fourth", pdfOf(1000, 'f'), 200, `"n":4`},
		{"fifth", pdfOf(1000, 'g'), 200, `"n":5`},
		{"sixth", pdfOf(1000, 'h'), 422, `"count"`},
	} {
		if code, _, body := buyer.upload(upload, c.name+".pdf", c.content, false); code != c.code || !strings.Contains(body, c.want) {
			t.Errorf("%s: %d, want %d with %s\n%.300s", c.name, code, c.code, c.want, body)
		}
	}
	if code, _, body := buyer.do("POST", upload, strings.NewReader(`{"file":"x"}`), "application/json"); code != 400 {
		t.Errorf("no multipart: %d %s", code, body)
	}
	// Another buyer neither adds nor reads; nor does a supplier's token.
	if code, _, _ := otherBuyer.upload(upload, "x.pdf", pdfOf(1000, 'x'), false); code != 404 {
		t.Errorf("another buyer uploads: %d", code)
	}
	if code, _, _ := bearer(recipient, ids[0]).upload(upload, "x.pdf", pdfOf(1000, 'x'), false); code != 403 {
		t.Errorf("a supplier's token uploads: %d", code)
	}
	file := upload + "/1"
	code, header, got := download(buyer, file)
	if code != 200 || got != big || header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(header.Get("Content-Disposition"), "attachment;") {
		t.Fatalf("the buyer's download: %d %v", code, header)
	}
	if code, _, _ := download(otherBuyer, file); code != 404 {
		t.Errorf("another buyer downloads: %d", code)
	}
	if code, _, _ := download(buyer, upload+"/9"); code != 404 {
		t.Errorf("no file 9: %d", code)
	}

	// A buyer's session uploads too, with the form's token; without it,
	// not.
	page := newVisitor(t, s)
	page.signIn(owner.Email, testPassword)
	if code, _, body := page.upload(upload, "sessie.pdf", pdfOf(1000, 's'), false); code != 422 || !strings.Contains(body, `"count"`) {
		t.Errorf("a session's upload: %d %s", code, body)
	}
	page.csrf = ""
	if code, _, _ := page.upload(upload, "sessie.pdf", pdfOf(1000, 's'), false); code != 403 {
		t.Errorf("a session's upload without the token: %d", code)
	}

	// Sent to four: the files are the record; a recipient reads them, a
	// supplier not consulted does not, until the deadline.
	path := "/raadplegingen/" + created.ID
	page.get(path)
	if code, _, body := page.post(path+"/versturen", url.Values{"recipient": ids[:4]}); code != 303 {
		t.Fatalf("send: %d\n%s", code, body)
	}
	if code, _, body := buyer.upload(upload, "laat.pdf", pdfOf(1000, 'l'), false); code != 422 || !strings.Contains(body, `"sent"`) {
		t.Errorf("an upload once sent: %d %s", code, body)
	}
	if code, _, got := download(bearer(recipient, ids[0]), file); code != 200 || got != big {
		t.Errorf("the recipient's token: %d", code)
	}
	recipientUser := newVisitor(t, s)
	recipientUser.signIn(recipient.Email, testPassword)
	if code, _, _ := download(recipientUser, upload+"/2"); code != 200 {
		t.Errorf("the recipient's user: %d", code)
	}
	if code, _, _ := download(bearer(stranger, ids[4]), file); code != 404 {
		t.Errorf("a supplier not consulted: %d", code)
	}
	clock.add(6 * 24 * time.Hour)
	if code, _, _ := download(bearer(recipient, ids[0]), file); code != 410 {
		t.Errorf("the recipient after the deadline: %d", code)
	}
	if code, _, got := download(buyer, file); code != 200 || got != big {
		t.Errorf("the buyer after the deadline: %d", code)
	}
	if code, _, _ := download(newVisitor(t, s), file); code != 401 {
		t.Errorf("without a token: %d", code)
	}
}
