package ui

import (
	"errors"
	"fmt"
	"slices"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/verken/verken/consult"
	"github.com/verken/verken/directory"
)

// A consultation's attachments through the API: the owning buyer (its
// token, or its session with X-CSRF-Token) adds PDF files to a draft under
// the page's bounds, and reads them; a recipient supplier's user or token
// reads them while the consultation is open, as on its page. An anonymous
// consultation's files are kept with their document properties blanked and
// under a neutral name (consult.AddFile), or refused (422 "metadata").

// consultAPIUploadPrefix is where the API takes a file
// (/api/v1/consultation-attachments/{id}): like consultUploadPrefix, one
// of limits.go's largeBodyRoutes; the handler bounds what it takes.
const consultAPIUploadPrefix = "/api/v1/consultation-attachments/"

// apiAttachmentUpload is the upload's body as the document states it.
var apiAttachmentUpload = map[string]any{
	"type":     "object",
	"required": []string{"file"},
	"properties": map[string]any{
		"file": map[string]any{"type": "string", "format": "binary", "contentMediaType": "application/pdf",
			"description": fmt.Sprintf("A PDF file of at most %d bytes; a consultation holds at most %d files of %d bytes together.",
				consult.MaxFileBytes, consult.MaxFiles, consult.MaxAllFiles)},
	},
}

func (s *server) consultFileAPIRoutes() []apiRoute {
	return []apiRoute{
		{Method: "POST", Path: consultAPIUploadPrefix + ":id", Summary: "The owning buyer and administrators: add a PDF file to a draft consultation (multipart/form-data, field file), under the page's bounds; it is sent with the consultation.",
			PathParams: []string{"id"}, Request: apiAttachmentUpload, RequestType: "multipart/form-data", Bearer: true, Body: consult.Attachment{},
			Errors: []int{400, 401, 403, 404, 413, 422}, handler: s.apiConsultFileUpload},
		{Method: "GET", Path: consultAPIUploadPrefix + ":id/:n", Summary: "A consultation's attachment n: its owning buyer and administrators at any time, a recipient supplier's user or token until the deadline.",
			PathParams: []string{"id", "n"}, Bearer: true, ContentType: "application/pdf", Errors: []int{401, 403, 404, 410}, handler: s.apiConsultFileGet},
	}
}

// apiOwnConsultation is the route's consultation for its owner or an
// administrator acting as buyer; ok is false when it answered 404.
func (s *server) apiOwnConsultation(c *fiber.Ctx, v viewer) (*consult.Store, consult.Consultation, bool, error) {
	cs, err := s.consults()
	if err != nil {
		return nil, consult.Consultation{}, false, err
	}
	co, err := cs.Get(c.Params("id"))
	if errors.Is(err, consult.ErrNotFound) || err == nil && co.AccountID != v.Account.ID && !v.Admin() {
		return cs, co, false, c.Status(fiber.StatusNotFound).JSON(apiError{Error: "not_found", Param: "id", Value: c.Params("id"), Reason: "you have no consultation with this id"})
	}
	return cs, co, err == nil, err
}

func (s *server) apiConsultFileUpload(c *fiber.Ctx) error {
	v, ok, err := s.apiBuyer(c)
	if !ok {
		return err
	}
	cs, co, ok, err := s.apiOwnConsultation(c, v)
	if !ok {
		return err
	}
	fh, err := c.FormFile("file")
	if err != nil {
		return c.Status(fiber.StatusBadRequest).JSON(apiError{Error: "invalid_body", Param: "file", Reason: "send the PDF file as multipart/form-data, in the field file"})
	}
	tooLarge := func() error {
		return c.Status(fiber.StatusRequestEntityTooLarge).JSON(apiError{Error: "too_large", Param: "file", Reason: fmt.Sprintf("a file may hold at most %d bytes", consult.MaxFileBytes)})
	}
	if fh.Size > consult.MaxFileBytes {
		return tooLarge()
	}
	content, err := readAttachment(fh)
	if err != nil {
		return err
	}
	a, err := cs.AddFile(co.ID, fh.Filename, content, s.Now())
	var fe *consult.FileError
	switch {
	case errors.As(err, &fe) && fe.Limit == "size":
		return tooLarge()
	case errors.As(err, &fe) && fe.Limit == "metadata":
		return c.Status(fiber.StatusUnprocessableEntity).JSON(apiError{Error: "metadata", Param: "file", Reason: s.fileLimitMessage(s.lang(c), fe)})
	case errors.As(err, &fe) && fe.Limit == "type":
		return c.Status(fiber.StatusUnprocessableEntity).JSON(apiError{Error: "not_pdf", Param: "file", Reason: "the file is not a PDF"})
	case errors.As(err, &fe):
		return c.Status(fiber.StatusUnprocessableEntity).JSON(apiError{Error: "limit", Param: "file", Value: fe.Limit, Reason: err.Error()})
	case errors.Is(err, consult.ErrSent):
		return c.Status(fiber.StatusUnprocessableEntity).JSON(apiError{Error: "sent", Param: "id", Value: co.ID, Reason: "the consultation is sent: the files it was sent with are the record"})
	case err != nil:
		return err
	}
	return c.JSON(a)
}

// apiConsultFileGet gives an attachment to the consultation's owner (or an
// administrator), or to a recipient supplier's user or token while the
// consultation is open; to anyone else it does not exist.
func (s *server) apiConsultFileGet(c *fiber.Ctx) error {
	v := s.viewer(c)
	if v.Account == nil {
		return errSignIn
	}
	notFound := func() error {
		return c.Status(fiber.StatusNotFound).JSON(apiError{Error: "not_found", Reason: "no attachment of a consultation of yours has this id and number"})
	}
	n, err := strconv.Atoi(c.Params("n"))
	if err != nil || v.Account.Status != directory.StatusActive {
		return notFound()
	}
	cs, err := s.consults()
	if err != nil {
		return err
	}
	id := c.Params("id")
	var a consult.Attachment
	var content []byte
	switch v.Account.Role {
	case directory.RoleBuyer, directory.RoleAdmin:
		co, err := cs.Get(id)
		if errors.Is(err, consult.ErrNotFound) || err == nil && co.AccountID != v.Account.ID && !v.Admin() {
			return notFound()
		} else if err != nil {
			return err
		}
		a, content, err = cs.File(id, n)
		if errors.Is(err, consult.ErrNotFound) {
			return notFound()
		} else if err != nil {
			return err
		}
	case directory.RoleSupplier:
		sids := v.Account.SupplierIDs
		if v.Token != nil && v.Token.SupplierID != "" {
			sids = []string{v.Token.SupplierID}
		}
		found := false
		for _, sid := range slices.Compact(slices.Sorted(slices.Values(sids))) {
			if !v.MaySupply(sid) {
				continue
			}
			a, content, err = cs.FileAs(id, sid, n, s.Now())
			switch {
			case errors.Is(err, consult.ErrNotFound):
				continue
			case errors.Is(err, consult.ErrClosed):
				return c.Status(fiber.StatusGone).JSON(apiError{Error: "closed", Reason: "the answer period is over"})
			case err != nil:
				return err
			}
			found = true
			break
		}
		if !found {
			return notFound()
		}
	default:
		return c.Status(fiber.StatusForbidden).JSON(apiError{Error: "forbidden", Reason: "only the consultation's buyer or a recipient supplier's user may read its attachments"})
	}
	return sendPDF(c, a, content)
}
