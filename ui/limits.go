package ui

import (
	"net/url"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// Body limits. Imports and administration upload files; every other form
// and API call is small, so a large body there is refused before any
// handler parses it.
const (
	smallBodyLimit = 64 << 10
)

// largeBodyRoutes are the path prefixes that may send up to the server's
// body limit: imports, administration, a buyer's purchasing plan (which
// planLimits bounds again when it is read) and a consultation's PDF files,
// on the page and through the API (which consultFilePost and
// apiConsultFileUpload bound).
var largeBodyRoutes = []string{"/beheer/", "/api/v1/admin/", "/aankoopplan/upload/", consultUploadPrefix, consultAPIUploadPrefix}

// takesFiles reports whether a path may carry a large body. The path is
// read as the router will see it (unescaped, dot segments resolved), so
// that "/beheer/../inloggen" does not borrow the import's limit.
func takesFiles(rawURI string) bool {
	p, _, _ := strings.Cut(rawURI, "?")
	p, err := url.PathUnescape(p)
	if err != nil {
		return false
	}
	p = path.Clean("/" + p)
	for _, prefix := range largeBodyRoutes {
		if strings.HasPrefix(p+"/", prefix) {
			return true
		}
	}
	return false
}

// limitBodiesEarly tells the HTTP server, as soon as a request's header is
// in, how large a body it may read: a body over the small limit is refused
// before it is read at all, and an "Expect: 100-continue" is not answered
// with 100 Continue.
func limitBodiesEarly(srv *fasthttp.Server) {
	srv.HeaderReceived = func(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
		if takesFiles(string(h.RequestURI())) {
			return fasthttp.RequestConfig{}
		}
		return fasthttp.RequestConfig{MaxRequestBodySize: smallBodyLimit}
	}
	srv.ContinueHandler = func(h *fasthttp.RequestHeader) bool {
		return h.ContentLength() <= smallBodyLimit || takesFiles(string(h.RequestURI()))
	}
}

// limitBodies refuses a body over the small limit outside the routes
// that take files (what limitBodiesEarly let through, say a chunked body).
func (s *server) limitBodies(c *fiber.Ctx) error {
	n := c.Request().Header.ContentLength()
	if n <= smallBodyLimit && len(c.Request().Body()) <= smallBodyLimit {
		return c.Next()
	}
	if takesFiles(c.OriginalURL()) {
		return c.Next()
	}
	return fiber.NewError(fiber.StatusRequestEntityTooLarge, "body too large")
}

// limiter counts attempts per key in a sliding window: sign-ins per
// account and per address, registrations and reset requests per address.
// Keys expire with their last attempt, and the number of keys is bounded,
// so a flood of made-up keys cannot grow memory without end.
type limiter struct {
	mu        sync.Mutex
	max       int
	window    time.Duration
	now       func() time.Time
	hits      map[string][]time.Time
	maxKeys   int
	lastSweep time.Time
}

// limiterKeys bounds the keys one limiter remembers. Past it, expired keys
// go first, then arbitrary ones: an attacker who can fill it holds more
// addresses than the per-address limits could stop anyway.
const limiterKeys = 100_000

func newLimiter(max int, window time.Duration, now func() time.Time) *limiter {
	return &limiter{max: max, window: window, now: now, hits: map[string][]time.Time{}, maxKeys: limiterKeys}
}

// take counts an attempt for key before the attempt is made, and reports
// false when key has used up its attempts. Counting first means attempts
// sent in parallel cannot all pass the check before any of them fails.
func (l *limiter) take(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.recent(key)) >= l.max {
		return false
	}
	l.sweep()
	l.hits[key] = append(l.hits[key], l.now())
	return true
}

// give back returns the attempt take counted, when it turned out well (a
// right password is not a failure).
func (l *limiter) giveBack(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	h := l.recent(key)
	if len(h) > 0 {
		l.hits[key] = h[:len(h)-1]
	}
}

// recent drops key's attempts that fell out of the window.
func (l *limiter) recent(key string) []time.Time {
	cut := l.now().Add(-l.window)
	h := l.hits[key]
	i := 0
	for i < len(h) && h[i].Before(cut) {
		i++
	}
	if i == len(h) {
		delete(l.hits, key)
		return nil
	}
	l.hits[key] = h[i:]
	return h[i:]
}

// sweep forgets expired keys once a window, and arbitrary keys when there
// are still too many: down to nine tenths of the bound, so that a flood of
// new keys pays for a full sweep once per tenth of the bound, not on every
// attempt.
func (l *limiter) sweep() {
	now := l.now()
	if len(l.hits) < l.maxKeys && now.Sub(l.lastSweep) < l.window {
		return
	}
	l.lastSweep = now
	for k := range l.hits {
		l.recent(k)
	}
	for k := range l.hits {
		if len(l.hits) < l.maxKeys-l.maxKeys/10 {
			break
		}
		delete(l.hits, k)
	}
}

// size is the number of keys remembered (tests).
func (l *limiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.hits)
}

// signInLimits are the three counts a sign-in attempt must pass: the
// account from this address, the account from everywhere, and the address.
type signInLimits struct {
	pair, account, address *limiter
}

func newSignInLimits(now func() time.Time) signInLimits {
	return signInLimits{pair: newLimiter(accountFailureLimit, failureWindow, now),
		account: newLimiter(accountTotalFailureLimit, failureWindow, now),
		address: newLimiter(addressFailureLimit, failureWindow, now)}
}

// takenAttempt is an attempt counted against the limits, to give back
// when it succeeds.
type takenAttempt struct {
	limits []*limiter
	keys   []string
}

func (t takenAttempt) giveBack() {
	for i, l := range t.limits {
		l.giveBack(t.keys[i])
	}
}

// take counts an attempt on email from client against every limit, or
// none when one of them is used up.
func (s signInLimits) take(email, client string) (takenAttempt, bool) {
	var t takenAttempt
	for i, l := range []*limiter{s.pair, s.account, s.address} {
		key := [...]string{email + "\x00" + client, email, client}[i]
		if !l.take(key) {
			t.giveBack()
			return takenAttempt{}, false
		}
		t.limits, t.keys = append(t.limits, l), append(t.keys, key)
	}
	return t, true
}
