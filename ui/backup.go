package ui

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/backup"
	"github.com/verken/verken/internal/tabular"
)

// apiBackup sends an administrator a consistent archive of the data
// directory while the server keeps serving and writing.
func (s *server) apiBackup(c *fiber.Ctx) error {
	if err := apiAdmin(s.viewer(c)); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/gzip")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="verken-backup-%s.tar.gz"`, time.Now().UTC().Format("20060102-150405")))
	log := s.logger(c)
	// The server's write timeout bounds a whole answer; a backup to a slow
	// client takes longer than that, so each chunk that gets through moves
	// the deadline on instead: only a client that stops reading is cut.
	ctx := c.Context()
	out := deadlineWriter{deadline: ctx.SetWriteDeadline, every: s.WriteTimeout}
	// Set by the handler, the deadline is the handler's to manage: the
	// server then leaves it alone.
	_ = ctx.SetWriteDeadline(time.Now().Add(s.WriteTimeout))
	// Streamed: a large store is never held in memory. An error midway
	// cuts the archive short, which gzip's and tar's checks reveal.
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		out.w = w
		if err := backup.Write(out, s.Store, s.DataDir); err != nil {
			log.Error("backup failed midway", "err", err)
		}
		w.Flush()
	})
	return nil
}

// deadlineWriter moves the connection's write deadline on before every
// write.
type deadlineWriter struct {
	w        io.Writer
	deadline func(time.Time) error
	every    time.Duration
}

func (d deadlineWriter) Write(p []byte) (int, error) {
	_ = d.deadline(time.Now().Add(d.every))
	return d.w.Write(p)
}

// apiAdmin refuses an API call that is not an administrator's: 401
// without a credential, 403 with someone else's.
func apiAdmin(v viewer) error {
	switch {
	case v.Account == nil:
		return errSignIn
	case !v.Admin():
		return errForbidden
	}
	return nil
}

// apiImport imports a file sent as the body: ?format=csv|xlsx|json|jsonl,
// ?dry_run=true to only report.
func (s *server) apiImport(c *fiber.Ctx) error {
	v := s.viewer(c)
	if err := apiAdmin(v); err != nil {
		return err
	}
	format := c.Query("format", "json")
	rows, err := tabular.ReadImport("import."+format, bytes.NewReader(c.Body()))
	if err != nil {
		return importReadErrorJSON(c, err)
	}
	rep, err := s.Store.Import(rows, c.QueryBool("dry_run"), directory.Actor{AccountID: v.Account.ID, Name: v.Account.Actor().Name + " (API import)"})
	if err != nil {
		return err
	}
	s.metrics.ImportReport(rep)
	return c.JSON(rep)
}
