package ui

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/valyala/fasthttp/fasthttpadaptor"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/search"
)

// Metrics are what /metrics reports, in the Prometheus format.
type Metrics struct {
	reg       *prometheus.Registry
	requests  *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	imports   *prometheus.CounterVec
	transit   *prometheus.CounterVec
	collected bool
}

// NewMetrics makes the metrics with the Go runtime's and the process's.
func NewMetrics() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "verken_http_requests_total",
		Help: "HTTP requests by route, method and status code."}, []string{"route", "method", "code"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "verken_http_request_duration_seconds",
		Help: "HTTP request latency by route.", Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}}, []string{"route"})
	m.imports = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "verken_import_rows_total",
		Help: "Supplier import rows by outcome (created, updated, unchanged, refused)."}, []string{"outcome"})
	m.transit = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "verken_transit_imports_total",
		Help: "Public-transport network loads by outcome (ok, failed)."}, []string{"outcome"})
	m.reg.MustRegister(m.requests, m.latency, m.imports, m.transit,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// TransitImport counts a network load.
func (m *Metrics) TransitImport(ok bool) {
	outcome := "ok"
	if !ok {
		outcome = "failed"
	}
	m.transit.WithLabelValues(outcome).Inc()
}

// ImportReport counts an import's rows.
func (m *Metrics) ImportReport(rep *directory.ImportReport) {
	if rep == nil || rep.DryRun {
		return
	}
	m.imports.WithLabelValues("created").Add(float64(len(rep.Created)))
	m.imports.WithLabelValues("updated").Add(float64(len(rep.Updated)))
	m.imports.WithLabelValues("unchanged").Add(float64(len(rep.Unchanged)))
	m.imports.WithLabelValues("refused").Add(float64(len(rep.Errors)))
}

// watchIndex reports the index's lag behind the store and its size.
func (m *Metrics) watchIndex(store *directory.Store, idx search.Engine) {
	if m.collected {
		return
	}
	m.collected = true
	m.reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "verken_index_lag_changes", Help: "Store changes the search index has not applied yet."},
			func() float64 {
				last, err := store.LastSeq()
				if err != nil {
					return -1
				}
				return float64(last) - float64(idx.Applied())
			}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "verken_index_documents", Help: "Suppliers in the search index."},
			func() float64 {
				n, err := idx.DocCount()
				if err != nil {
					return -1
				}
				return float64(n)
			}),
	)
}

// observe gives every request an id, logs it once with that id, and
// counts it. The log names the route pattern, never the path: a path can
// hold a one-time link's secret.
func (s *server) observe(c *fiber.Ctx) error {
	start := time.Now()
	id := c.Get("X-Request-Id")
	if !validRequestID(id) {
		var b [8]byte
		_, _ = rand.Read(b[:])
		id = hex.EncodeToString(b[:])
	}
	c.Set("X-Request-Id", id)
	log := s.Log.With("request_id", id)
	c.Locals("log", log)
	err := c.Next()
	if err != nil {
		if herr := c.App().ErrorHandler(c, err); herr != nil {
			_ = c.SendStatus(fiber.StatusInternalServerError)
		}
	}
	route := s.routeLabel(c)
	status := c.Response().StatusCode()
	took := time.Since(start)
	s.metrics.requests.WithLabelValues(route, c.Method(), strconv.Itoa(status)).Inc()
	s.metrics.latency.WithLabelValues(route).Observe(took.Seconds())
	log.Info("request", "method", c.Method(), "route", route, "status", status, "duration_ms", float64(took.Microseconds())/1000, "client", s.clientAddress(c))
	return nil
}

// routeLabel names a request in the log and the metrics: by the route
// pattern it matched, never by its path, which can hold a one-time link's
// secret. A request that no route matched (the catch-all, mounted at "/",
// answered it) is named by its first path segment when a route starts
// with that segment ("/leveranciers" for /leveranciers/a/b), else by
// "(other)": the label never holds what came after a known segment, nor a
// segment no route has, and the metrics keep a bounded set of labels.
func (s *server) routeLabel(c *fiber.Ctx) string {
	route := c.Route().Path
	path := c.Path()
	if route != "/" || path == "/" {
		return route
	}
	head, _, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	if head = strings.ToLower(head); s.routeHeads[head] {
		return "/" + head
	}
	return "(other)"
}

// routeHeads lists the literal first segments of the routes' paths.
func routeHeads(routes []fiber.Route) map[string]bool {
	heads := map[string]bool{}
	for _, r := range routes {
		head, _, _ := strings.Cut(strings.TrimPrefix(r.Path, "/"), "/")
		if head != "" && !strings.ContainsAny(head, ":*+?") {
			heads[strings.ToLower(head)] = true
		}
	}
	return heads
}

// validRequestID accepts a caller's id only when it is short and plain, so
// it cannot forge log lines.
func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// logger is the request's logger, with its id.
func (s *server) logger(c *fiber.Ctx) *slog.Logger {
	if l, ok := c.Locals("log").(*slog.Logger); ok {
		return l
	}
	return s.Log
}

// metricsHandler serves /metrics.
func (s *server) metricsHandler() fiber.Handler {
	h := fasthttpadaptor.NewFastHTTPHandler(promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{}))
	return func(c *fiber.Ctx) error {
		h(c.Context())
		return nil
	}
}

// readyz answers 200 when the store is open and the index has applied
// every change, 503 otherwise.
func (s *server) readyz(c *fiber.Ctx) error {
	last, err := s.Store.LastSeq()
	if err != nil {
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "store unavailable"})
	}
	if applied := s.Index.Applied(); applied < last {
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "index catching up", "lag": last - applied})
	}
	return c.JSON(fiber.Map{"status": "ready"})
}
