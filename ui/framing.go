package ui

import (
	"bytes"

	"github.com/gofiber/fiber/v2"
)

// refuseAmbiguousFraming answers 400 to a request that carried both
// Transfer-Encoding and Content-Length. fasthttp itself refuses two
// Content-Length headers, and for this pair it frames the body by
// Transfer-Encoding and closes the connection afterwards, as RFC 9112 §6.3
// allows; so nothing is smuggled past Verken's own parser. But a proxy in
// front may have framed the same bytes by Content-Length, so what reaches a
// handler need not be the request the proxy checked and logged: RFC 9112
// says such a message "ought to be handled as an error", and nginx refuses
// it with 400 too.
func refuseAmbiguousFraming(c *fiber.Ctx) error {
	h := &c.Request().Header
	// fasthttp marks every such request to close its connection, so the
	// common kept-alive request costs one flag test and no header scan.
	if !h.ConnectionClose() {
		return c.Next()
	}
	var te, cl bool
	for line := range bytes.SplitSeq(h.RawHeaders(), []byte("\n")) {
		name, _, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			continue
		}
		name = bytes.TrimSpace(name)
		te = te || bytes.EqualFold(name, []byte(fiber.HeaderTransferEncoding))
		cl = cl || bytes.EqualFold(name, []byte(fiber.HeaderContentLength))
	}
	if !te || !cl {
		return c.Next()
	}
	c.Set(fiber.HeaderConnection, "close")
	return c.Status(fiber.StatusBadRequest).SendString("Bad Request: both Transfer-Encoding and Content-Length")
}
