package ui

import (
	"bufio"
	"bytes"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/backup"
	"github.com/verken/verken/internal/tabular"
)

// apiBackup sends an administrator a consistent archive of the data
// directory while the server keeps serving and writing.
func (s *server) apiBackup(c *fiber.Ctx) error {
	if !s.viewer(c).Admin() {
		return c.Status(fiber.StatusForbidden).JSON(apiError{Error: "forbidden", Reason: "administrators only"})
	}
	c.Set(fiber.HeaderContentType, "application/gzip")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="verken-backup-%s.tar.gz"`, time.Now().UTC().Format("20060102-150405")))
	log := s.logger(c)
	// Streamed: a large store is never held in memory. An error midway
	// cuts the archive short, which gzip's and tar's checks reveal.
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		if err := backup.Write(w, s.Store, s.DataDir); err != nil {
			log.Error("backup failed midway", "err", err)
		}
		w.Flush()
	})
	return nil
}

// apiImport imports a file sent as the body: ?format=csv|xlsx|json|jsonl,
// ?dry_run=true to only report.
func (s *server) apiImport(c *fiber.Ctx) error {
	v := s.viewer(c)
	if !v.Admin() {
		return c.Status(fiber.StatusForbidden).JSON(apiError{Error: "forbidden", Reason: "administrators only"})
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
