package ui

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// ParseTrustedProxies reads a comma- or space-separated list of addresses
// and CIDR ranges (e.g. "127.0.0.1, 10.0.0.0/8") of the reverse proxies
// whose X-Forwarded-* headers Verken believes.
func ParseTrustedProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' }) {
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q is neither an address nor a CIDR range", f)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

// proxyStrings is the list in the form Fiber's own proxy check takes, so
// that c.Protocol() believes X-Forwarded-Proto from these peers only.
func proxyStrings(ps []netip.Prefix) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}

// trusted reports whether addr is one of the configured proxies.
func (s *server) trusted(addr netip.Addr) bool {
	addr = addr.Unmap()
	for _, p := range s.TrustedProxies {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// clientAddress is the address of whoever sent the request: the peer, or,
// when the peer is a trusted proxy, the nearest address in X-Forwarded-For
// that is not one of our proxies. Reading the header from the right means a
// client cannot choose its address by sending an X-Forwarded-For of its
// own: the proxy appends the address it saw after whatever the client sent.
// Every rate limit and log line keys on it.
func (s *server) clientAddress(c *fiber.Ctx) string {
	if a, ok := c.Locals("client").(string); ok {
		return a
	}
	peer := c.Context().RemoteIP()
	addr, _ := netip.AddrFromSlice(peer)
	client := addr.Unmap()
	if s.trusted(client) {
		hops := strings.Split(c.Get(fiber.HeaderXForwardedFor), ",")
		for i := len(hops) - 1; i >= 0; i-- {
			hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
			if err != nil {
				break // a garbled hop: stop at the last address we could trust
			}
			client = hop.Unmap()
			if !s.trusted(client) {
				break
			}
		}
	}
	out := client.String()
	c.Locals("client", out)
	return out
}

// clientKey is what limits count a client by: its address, or for IPv6
// its /64 network, which one subscriber usually holds whole and can spend
// one address at a time.
func (s *server) clientKey(c *fiber.Ctx) string {
	client := s.clientAddress(c)
	a, err := netip.ParseAddr(client)
	if err != nil || a.Is4() {
		return client
	}
	p, _ := a.Prefix(64)
	return p.String()
}
