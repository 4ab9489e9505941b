package ui

import (
	"errors"
	"fmt"
	"io"
	"math"
	"mime/multipart"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/verken/verken/consult"
)

// A consultation's attachments: PDF files the buyer adds to a draft, sent
// with it as part of the information every recipient receives, read by the
// buyer and by every recipient (through its link or signed in).

// consultUploadPrefix is where a buyer uploads a file to a draft
// (/raadplegingen/bijlagen/{id}): a route that starts with it may carry a
// body over the small limit (it is one of limits.go's largeBodyRoutes);
// the handler bounds what it takes.
const consultUploadPrefix = "/raadplegingen/bijlagen/"

// consultFilePost adds an uploaded PDF to a draft.
func (s *server) consultFilePost(c *fiber.Ctx) error {
	cs, co, err := s.ownConsultation(c)
	if err != nil {
		return err
	}
	lang := s.lang(c)
	fh, err := c.FormFile("file")
	if err != nil {
		return s.consultError(c, cs, co, s.catalog.T(lang, "consult.err.no_file"))
	}
	if fh.Size > consult.MaxFileBytes {
		return s.consultError(c, cs, co, s.fileLimitMessage(lang, &consult.FileError{Limit: "size", Max: consult.MaxFileBytes}))
	}
	content, err := readAttachment(fh)
	if err != nil {
		return err
	}
	_, err = cs.AddFile(co.ID, fh.Filename, content, s.Now())
	var fe *consult.FileError
	switch {
	case errors.As(err, &fe):
		return s.consultError(c, cs, co, s.fileLimitMessage(lang, fe))
	case errors.Is(err, consult.ErrSent):
		return s.consultError(c, cs, co, s.catalog.T(lang, "consult.err.files_sent"))
	case err != nil:
		return err
	}
	return c.Redirect("/raadplegingen/"+co.ID+"?notice=attached", fiber.StatusSeeOther)
}

// fileLimitMessage names the bound an upload broke, in the user's language.
func (s *server) fileLimitMessage(lang string, fe *consult.FileError) string {
	switch fe.Limit {
	case "type":
		return s.catalog.T(lang, "consult.err.file_type")
	case "metadata":
		switch fe.Reason {
		case "active":
			return s.catalog.T(lang, "consult.err.file_metadata_active")
		case "buyer":
			return s.catalog.T(lang, "consult.err.file_metadata_buyer", strings.Join(fe.Words, ", "))
		}
		return s.catalog.T(lang, "consult.err.file_metadata")
	case "count":
		return s.catalog.T(lang, "consult.err.file_count", fe.Max)
	}
	return s.catalog.T(lang, "consult.err.file_"+fe.Limit, fileSize(lang, fe.Max))
}

// consultFileRemovePost takes an attachment off a draft.
func (s *server) consultFileRemovePost(c *fiber.Ctx) error {
	cs, co, err := s.ownConsultation(c)
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(c.Params("n"))
	if err != nil {
		return fiber.ErrNotFound
	}
	err = cs.RemoveFile(co.ID, n)
	switch {
	case errors.Is(err, consult.ErrNotFound):
		return fiber.ErrNotFound
	case errors.Is(err, consult.ErrSent):
		return s.consultError(c, cs, co, s.catalog.T(s.lang(c), "consult.err.files_sent"))
	case err != nil:
		return err
	}
	return c.Redirect("/raadplegingen/"+co.ID+"?notice=detached", fiber.StatusSeeOther)
}

// consultFileGet gives the buyer (or an administrator) an attachment.
func (s *server) consultFileGet(c *fiber.Ctx) error {
	cs, co, err := s.ownConsultation(c)
	if err != nil {
		return err
	}
	return s.sendAttachment(c, func(n int) (consult.Attachment, []byte, error) { return cs.File(co.ID, n) })
}

// linkFileGet gives a recipient an attachment through its link.
func (s *server) linkFileGet(c *fiber.Ctx) error {
	cs, err := s.consults()
	if err != nil {
		return err
	}
	return s.sendAttachment(c, func(n int) (consult.Attachment, []byte, error) {
		return cs.FileByLink(c.Params("secret"), n, s.Now())
	})
}

// mineFileGet gives a signed-in recipient supplier's user an attachment.
func (s *server) mineFileGet(c *fiber.Ctx) error {
	if _, err := s.consultSupplier(c); err != nil {
		return err
	}
	cs, err := s.consults()
	if err != nil {
		return err
	}
	return s.sendAttachment(c, func(n int) (consult.Attachment, []byte, error) {
		return cs.FileAs(c.Params("id"), c.Params("sid"), n, s.Now())
	})
}

// sendAttachment sends the route's attachment number n as fetch finds it:
// a link or a consultation past its deadline says the answer period is
// over, a file not there is 404.
func (s *server) sendAttachment(c *fiber.Ctx, fetch func(n int) (consult.Attachment, []byte, error)) error {
	n, err := strconv.Atoi(c.Params("n"))
	if err != nil {
		return fiber.ErrNotFound
	}
	a, content, err := fetch(n)
	switch {
	case errors.Is(err, consult.ErrLink), errors.Is(err, consult.ErrClosed):
		return s.consultLinkGone(c)
	case errors.Is(err, consult.ErrNotFound):
		return fiber.ErrNotFound
	case err != nil:
		return err
	}
	return sendPDF(c, a, content)
}

// sendPDF answers with an attachment as a download: never shown inline,
// under its safe name (an ASCII one for old clients, the name itself
// encoded as RFC 6266 and RFC 8187 say), not cached, and its address (it
// may hold a link's secret) not sent on as a referrer.
func sendPDF(c *fiber.Ctx, a consult.Attachment, content []byte) error {
	name := consult.SafeFileName(a.Name)
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+asciiName(name)+`"; filename*=UTF-8''`+encodeRFC8187(name))
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	c.Set("Referrer-Policy", "no-referrer")
	return c.Send(content)
}

// asciiName replaces what is not printable ASCII, and the quote and
// backslash a quoted string would read, by "_".
func asciiName(name string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, name)
}

// encodeRFC8187 percent-encodes a value but for RFC 8187's attr-char.
func encodeRFC8187(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if 'a' <= ch && ch <= 'z' || 'A' <= ch && ch <= 'Z' || '0' <= ch && ch <= '9' || strings.IndexByte("!#$&+-.^_`|~", ch) >= 0 {
			b.WriteByte(ch)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", ch)
	}
	return b.String()
}

// fileSize is a size as people read it: "340 kB", "1,2 MB".
func fileSize(lang string, n int64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%d kB", int64(math.Ceil(float64(n)/1024)))
	}
	return formatNumber(lang, math.Round(float64(n)/(1<<20)*10)/10) + " MB"
}

// readAttachment reads an uploaded file, one byte past the bound at most,
// so that consult.AddFile tells a file too large.
func readAttachment(fh *multipart.FileHeader) ([]byte, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, consult.MaxFileBytes+1))
}
