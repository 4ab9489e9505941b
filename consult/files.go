package consult

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"
)

// Attachments: a buyer may add PDF files to a draft. They are part of the
// information every recipient receives, fixed when the consultation is
// sent, and kept in a bucket of their own (bucketFiles), apart from the
// records that are read often.
const (
	MaxFiles     = 5        // attachments of one consultation
	MaxFileBytes = 5 << 20  // one attachment
	MaxAllFiles  = 10 << 20 // the attachments of one consultation together
	// MaxAccountFiles bounds the attachments an account keeps over all
	// its consultations, until they are purged.
	MaxAccountFiles = 100 << 20
	// maxFileName bounds a file name, in characters.
	maxFileName = 100
)

// accountFilesLimit is MaxAccountFiles, smaller in tests.
var accountFilesLimit int64 = MaxAccountFiles

// pdfMagic is how every PDF file begins (ISO 32000-1, 7.5.2: the header
// line "%PDF-1.n").
var pdfMagic = []byte("%PDF-")

// Attachment is a file added to a consultation: what the record says of
// it. The content is kept apart, under the consultation's id and N.
type Attachment struct {
	N       int       `json:"n"`
	Name    string    `json:"name"`
	Size    int64     `json:"size"`
	SHA256  string    `json:"sha256"`
	AddedAt time.Time `json:"added_at"`
}

// FileError says which bound an attachment broke: Limit is "type" (not
// a PDF), "size" (one file over MaxFileBytes), "count" (MaxFiles), "total"
// (MaxAllFiles together), "account" (MaxAccountFiles) or, for an anonymous
// consultation, "metadata" (ScrubPDF refused it); Max is the bound. For
// "metadata", Reason says why: "properties" (document properties it cannot
// remove safely), "active" (scripts, actions, attached files) or "buyer"
// (once blanked, the file still names the buyer: Words).
type FileError struct {
	Limit  string
	Max    int64
	Reason string
	Words  []string
}

func (e *FileError) Error() string {
	switch e.Limit {
	case "type":
		return "the file is not a PDF"
	case "metadata":
		switch e.Reason {
		case "active":
			return errPDFActive.Error()
		case "buyer":
			return (&BuyerNamedError{Words: e.Words}).Error()
		}
		return errPDFMetadata.Error()
	}
	return fmt.Sprintf("the attachment goes over the %s limit of %d", e.Limit, e.Max)
}

// SafeFileName is a name to keep and to offer in a download: the last
// part of what the browser sent (no folders), letters, digits and a few
// signs only, at most maxFileName characters, ending in ".pdf".
func SafeFileName(name string) string {
	name = strings.ReplaceAll(name, `\`, "/")
	name = path.Base("/" + name)
	var b strings.Builder
	for _, r := range name {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(" ._-()", r):
			b.WriteRune(r)
		default:
			b.WriteRune('_')
		}
	}
	out := strings.Join(strings.Fields(b.String()), " ")
	const ext = ".pdf"
	if strings.HasSuffix(strings.ToLower(out), ext) {
		out = out[:len(out)-len(ext)]
	}
	out = strings.Trim(out, " ._")
	if utf8.RuneCountInString(out) > maxFileName-len(ext) {
		out = string([]rune(out)[:maxFileName-len(ext)])
	}
	if out == "" {
		out = "bijlage"
	}
	return out + ext
}

func fileKey(id string, n int) []byte { return fmt.Appendf(nil, "%s/%03d", id, n) }

// AnonymousFileName is the name an anonymous consultation's attachment n
// is kept and shown under: the name the buyer gave it may name the buyer.
func AnonymousFileName(n int) string { return fmt.Sprintf("bijlage-%d.pdf", n) }

// AddFile adds a PDF file to a draft: checked by its content, not its
// name, and within the bounds of one file, of the consultation and of the
// account. An anonymous consultation keeps the file with its document
// properties blanked (ScrubPDF; a file whose properties cannot be blanked
// is refused with the limit "metadata"; so is one that, once blanked,
// still holds a word of the buyer's names or address: buyerOf), under a
// neutral name (AnonymousFileName), so that what every recipient gets, and
// what the record's digest is of, never names the buyer. It returns the
// attachment as recorded.
func (s *Store) AddFile(id, name string, content []byte, now time.Time) (Attachment, error) {
	var a Attachment
	if !bytes.HasPrefix(content, pdfMagic) {
		return a, &FileError{Limit: "type"}
	}
	if len(content) > MaxFileBytes {
		return a, &FileError{Limit: "size", Max: MaxFileBytes}
	}
	// The file is blanked before the write transaction, not to hold it
	// while reading 5 MB; a consultation's anonymity never changes.
	var scrubbed []byte
	var scrubErr error
	var c0 Consultation
	if err := s.db.View(func(tx *bolt.Tx) error { return get(tx, bucketConsultations, id, &c0, ErrNotFound) }); err != nil {
		return a, err
	}
	if c0.Anonymous {
		scrubbed, scrubErr = ScrubPDF(content, s.buyerOf(c0)...)
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		var c Consultation
		if err := get(tx, bucketConsultations, id, &c, ErrNotFound); err != nil {
			return err
		}
		if !c.Draft() {
			return ErrSent
		}
		if len(c.Attachments) >= MaxFiles {
			return &FileError{Limit: "count", Max: MaxFiles}
		}
		if filesSize(c.Attachments)+int64(len(content)) > MaxAllFiles {
			return &FileError{Limit: "total", Max: MaxAllFiles}
		}
		used, err := s.accountFiles(tx, c.AccountID)
		if err != nil {
			return err
		}
		if used+int64(len(content)) > accountFilesLimit {
			return &FileError{Limit: "account", Max: accountFilesLimit}
		}
		name := SafeFileName(name)
		if c.Anonymous {
			if scrubErr != nil || scrubbed == nil {
				return scrubError(scrubErr)
			}
			content, name = scrubbed, AnonymousFileName(c.NextFile+1)
		}
		sum := sha256.Sum256(content)
		c.NextFile++
		a = Attachment{N: c.NextFile, Name: name, Size: int64(len(content)), SHA256: hex.EncodeToString(sum[:]), AddedAt: now.UTC()}
		c.Attachments = append(c.Attachments, a)
		if err := tx.Bucket(bucketFiles).Put(fileKey(id, a.N), content); err != nil {
			return err
		}
		return put(tx, bucketConsultations, id, c)
	})
	return a, err
}

// scrubError is the FileError of a file ScrubPDF refused.
func scrubError(err error) *FileError {
	var be *BuyerNamedError
	switch {
	case errors.As(err, &be):
		return &FileError{Limit: "metadata", Reason: "buyer", Words: be.Words}
	case errors.Is(err, errPDFActive):
		return &FileError{Limit: "metadata", Reason: "active"}
	}
	return &FileError{Limit: "metadata", Reason: "properties"}
}

// buyerOf are the words that name a consultation's buyer, for ScrubPDF's
// safety net: the organisation's name, and the name and e-mail address of
// the account that owns it.
func (s *Store) buyerOf(c Consultation) []string {
	words := []string{c.Buyer}
	if s.dir != nil {
		if acc, err := s.dir.Account(c.AccountID); err == nil {
			words = append(words, acc.Name, acc.Email)
		}
	}
	return words
}

func filesSize(as []Attachment) int64 {
	var n int64
	for _, a := range as {
		n += a.Size
	}
	return n
}

// accountFiles is the size of the attachments an account keeps.
func (s *Store) accountFiles(tx *bolt.Tx, accountID string) (int64, error) {
	var n int64
	c := tx.Bucket(bucketByAccount).Cursor()
	prefix := accountID + "/"
	for k, _ := c.Seek([]byte(prefix)); k != nil && strings.HasPrefix(string(k), prefix); k, _ = c.Next() {
		var x Consultation
		if err := get(tx, bucketConsultations, strings.TrimPrefix(string(k), prefix), &x, ErrNotFound); err != nil {
			return 0, err
		}
		n += filesSize(x.Attachments)
	}
	return n, nil
}

// RemoveFile takes attachment n off a draft.
func (s *Store) RemoveFile(id string, n int) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		var c Consultation
		if err := get(tx, bucketConsultations, id, &c, ErrNotFound); err != nil {
			return err
		}
		if !c.Draft() {
			return ErrSent
		}
		i := slices.IndexFunc(c.Attachments, func(a Attachment) bool { return a.N == n })
		if i < 0 {
			return ErrNotFound
		}
		c.Attachments = slices.Delete(c.Attachments, i, i+1)
		if err := tx.Bucket(bucketFiles).Delete(fileKey(id, n)); err != nil {
			return err
		}
		return put(tx, bucketConsultations, id, c)
	})
}

// File returns attachment n of a consultation with its content;
// ErrNotFound when there is none (or it was purged).
func (s *Store) File(id string, n int) (Attachment, []byte, error) {
	var a Attachment
	var content []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		var c Consultation
		if err := get(tx, bucketConsultations, id, &c, ErrNotFound); err != nil {
			return err
		}
		return fileTx(tx, c, n, &a, &content)
	})
	return a, content, err
}

func fileTx(tx *bolt.Tx, c Consultation, n int, a *Attachment, content *[]byte) error {
	i := slices.IndexFunc(c.Attachments, func(a Attachment) bool { return a.N == n })
	if i < 0 {
		return ErrNotFound
	}
	v := tx.Bucket(bucketFiles).Get(fileKey(c.ID, n))
	if v == nil {
		return ErrNotFound
	}
	*a, *content = c.Attachments[i], slices.Clone(v)
	return nil
}

// FileByLink returns attachment n of the consultation a recipient's link
// stands for, while the link is valid (ErrLink otherwise).
func (s *Store) FileByLink(secret string, n int, now time.Time) (Attachment, []byte, error) {
	var a Attachment
	var content []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		c, _, err := s.resolve(tx, secret, now)
		if err != nil {
			return err
		}
		return fileTx(tx, c, n, &a, &content)
	})
	return a, content, err
}

// purgeFiles removes the content of a consultation's attachments, inside
// tx; the record keeps their names, sizes and digests.
func purgeFiles(tx *bolt.Tx, c Consultation) error {
	for _, a := range c.Attachments {
		if err := tx.Bucket(bucketFiles).Delete(fileKey(c.ID, a.N)); err != nil {
			return err
		}
	}
	return nil
}

// FileAs returns attachment n to a signed-in recipient supplier's user:
// ErrNotFound when the supplier is not a recipient, ErrClosed after the
// deadline, as its answers.
func (s *Store) FileAs(id, supplierID string, n int, now time.Time) (Attachment, []byte, error) {
	var a Attachment
	var content []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		c, _, err := recipientOf(tx, id, supplierID, now)
		if err != nil {
			return err
		}
		return fileTx(tx, c, n, &a, &content)
	})
	return a, content, err
}
