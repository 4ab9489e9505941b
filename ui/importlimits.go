package ui

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/verken/verken/internal/tabular"
)

// importReadError is the administration page's text for a file that could
// not be read: the limit it went over, in the user's language, or why it
// is not a table.
func (s *server) importReadError(lang string, err error) string {
	var le *tabular.LimitError
	if errors.As(err, &le) {
		return s.catalog.T(lang, "import.limit_"+le.Limit, le.MaxText(), le.Row, le.Field)
	}
	return s.catalog.T(lang, "import.unreadable", err.Error())
}

// importReadErrorJSON answers the API's import with a 422 that names the
// limit the body went over, or says why it is not a table.
func importReadErrorJSON(c *fiber.Ctx, err error) error {
	var le *tabular.LimitError
	if errors.As(err, &le) {
		return c.Status(fiber.StatusUnprocessableEntity).JSON(apiError{Error: "limit_exceeded", Param: "body", Value: le.Limit, Reason: le.Error()})
	}
	return c.Status(fiber.StatusUnprocessableEntity).JSON(apiError{Error: "unreadable", Param: "body", Reason: err.Error()})
}
