package consult_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/verken/verken/consult"
	"github.com/verken/verken/internal/testenv"
)

// pdf is a file of n bytes that begins as a PDF does.
func pdf(n int, fill byte) []byte {
	b := bytes.Repeat([]byte{fill}, n)
	copy(b, "%PDF-1.7\n")
	return b
}

// Attachments are PDF files by their content, within the bounds of a
// file, a consultation and an account; only a draft takes or loses them;
// the link reads them until the deadline; the purge removes their content.
func TestAttachments(t *testing.T) {
	s, err := consult.New(testenv.Store(t, "", 0))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2030, 1, 7, 9, 0, 0, 0, time.UTC)
	c := draft("acc", now.Add(72*time.Hour))
	if err := s.Create(c, now); err != nil {
		t.Fatal(err)
	}
	limit := func(err error) string {
		t.Helper()
		var fe *consult.FileError
		if !errors.As(err, &fe) {
			t.Fatalf("not a file error: %v", err)
		}
		return fe.Limit
	}
	if _, err := s.AddFile(c.ID, "bestek.pdf", []byte("<html>not a pdf</html>"), now); limit(err) != "type" {
		t.Fatal("a file named .pdf that is not one is taken")
	}
	if _, err := s.AddFile(c.ID, "groot.pdf", pdf(consult.MaxFileBytes+1, 'x'), now); limit(err) != "size" {
		t.Fatal("a file over 5 MB is taken")
	}
	a, err := s.AddFile(c.ID, `..\..\map/"bestek"; deel 1.PDF`, pdf(4<<20, 'a'), now)
	if err != nil || a.N != 1 || a.Name != "bestek__ deel 1.pdf" || len(a.SHA256) != 64 {
		t.Fatalf("add: %v %+v", err, a)
	}
	if _, err := s.AddFile(c.ID, "b.pdf", pdf(4<<20, 'b'), now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddFile(c.ID, "c.pdf", pdf(3<<20, 'c'), now); limit(err) != "total" {
		t.Fatal("more than 10 MB together is taken")
	}
	for _, n := range []string{"c", "d", "e"} {
		if _, err := s.AddFile(c.ID, n+".pdf", pdf(1000, n[0]), now); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.AddFile(c.ID, "f.pdf", pdf(1000, 'f'), now); limit(err) != "count" {
		t.Fatal("a sixth file is taken")
	}
	// Taking one off makes room; its number is not given again.
	if err := s.RemoveFile(c.ID, 3); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.File(c.ID, 3); !errors.Is(err, consult.ErrNotFound) {
		t.Fatalf("a removed file is read: %v", err)
	}
	f, err := s.AddFile(c.ID, "f.pdf", pdf(1000, 'f'), now)
	if err != nil || f.N != 6 {
		t.Fatalf("after a removal: %v %+v", err, f)
	}
	got, content, err := s.File(c.ID, 1)
	if err != nil || got.Name != a.Name || !bytes.Equal(content, pdf(4<<20, 'a')) {
		t.Fatalf("read: %v %+v", err, got)
	}

	// The account's bound, over its consultations.
	defer consult.SetAccountFilesLimit(9 << 20)()
	other := draft("acc", now.Add(72*time.Hour))
	if err := s.Create(other, now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddFile(other.ID, "x.pdf", pdf(1<<20, 'x'), now); limit(err) != "account" {
		t.Fatal("the account's bound does not hold")
	}
	stranger := draft("someone-else", now.Add(72*time.Hour))
	if err := s.Create(stranger, now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddFile(stranger.ID, "x.pdf", pdf(1<<20, 'x'), now); err != nil {
		t.Fatalf("another account's files count: %v", err)
	}

	// Sent, they are the record.
	inv, err := s.Send(c.ID, []string{"a"}, map[string]string{"a": "a@x.example"}, "tekst", "nl", now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddFile(c.ID, "g.pdf", pdf(100, 'g'), now); !errors.Is(err, consult.ErrSent) {
		t.Fatalf("a file added to a sent consultation: %v", err)
	}
	if err := s.RemoveFile(c.ID, 1); !errors.Is(err, consult.ErrSent) {
		t.Fatalf("a file removed from a sent consultation: %v", err)
	}
	if _, content, err := s.FileByLink(inv[0].Secret, 6, now); err != nil || !bytes.Equal(content, pdf(1000, 'f')) {
		t.Fatalf("through the link: %v", err)
	}
	if _, _, err := s.FileByLink(inv[0].Secret, 6, c.Deadline.Add(time.Second)); !errors.Is(err, consult.ErrLink) {
		t.Fatalf("through the link after the deadline: %v", err)
	}
	if _, _, err := s.FileByLink("bestaat-niet", 1, now); !errors.Is(err, consult.ErrLink) {
		t.Fatalf("an unknown link: %v", err)
	}

	// The purge removes the files and their names, and keeps their sizes.
	if _, err := s.Purge(c.Deadline.AddDate(0, 12, 1)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.File(c.ID, 1); !errors.Is(err, consult.ErrNotFound) {
		t.Fatalf("a purged file is read: %v", err)
	}
	kept, _ := s.Get(c.ID)
	if len(kept.Attachments) != 5 || kept.Attachments[0].Name != "" || kept.Attachments[0].Size != 4<<20 {
		t.Fatalf("after the purge: %+v", kept.Attachments)
	}
}

func TestSafeFileName(t *testing.T) {
	for in, want := range map[string]string{
		"bestek.pdf":                      "bestek.pdf",
		"C:\\Users\\jan\\Bestek 2030.pdf": "Bestek 2030.pdf",
		"../../etc/passwd":                "passwd.pdf",
		"a\r\nX-Evil: 1.pdf":              "a__X-Evil_ 1.pdf",
		"Lastenboek été \"final\".pdf":    "Lastenboek été _final.pdf",
		"":                                "bijlage.pdf",
		"...":                             "bijlage.pdf",
		strings.Repeat("é", 300) + ".pdf": strings.Repeat("é", 96) + ".pdf",
	} {
		if got := consult.SafeFileName(in); got != want {
			t.Errorf("SafeFileName(%q) = %q, want %q", in, got, want)
		}
	}
}
