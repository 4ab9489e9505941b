package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"net/netip"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/transit"
	"github.com/verken/verken/ui"
)

func runServe(args []string, stdout, stderr io.Writer) int {
	cfg := config{seed: true}
	fs := newFlags("serve", "run the web server; an empty data directory is seeded with the demo data set", stderr, &cfg)
	addr := fs.String("addr", envOr("VERKEN_ADDR", ":8080"), "address to listen on (env VERKEN_ADDR)")
	tiles := fs.String("tile-url", envOr("VERKEN_TILE_URL", ui.DefaultTileURL), "map tile URL template with {z}/{x}/{y} (env VERKEN_TILE_URL)")
	apiRate := fs.Int("api-rate", envInt("VERKEN_API_RATE", 1200), "API requests per minute per client address; 0 turns the limit off (env VERKEN_API_RATE)")
	var mail ui.SMTP
	fs.StringVar(&mail.Host, "smtp-host", envOr("VERKEN_SMTP_HOST", ""), "SMTP server for mail; without it, mail waits in the administrators' outbox (env VERKEN_SMTP_HOST)")
	fs.IntVar(&mail.Port, "smtp-port", envInt("VERKEN_SMTP_PORT", 587), "SMTP port (env VERKEN_SMTP_PORT)")
	fs.StringVar(&mail.User, "smtp-user", envOr("VERKEN_SMTP_USER", ""), "SMTP user (env VERKEN_SMTP_USER)")
	fs.StringVar(&mail.From, "smtp-from", envOr("VERKEN_SMTP_FROM", "verken@localhost"), "sender address (env VERKEN_SMTP_FROM)")
	mail.Password = os.Getenv("VERKEN_SMTP_PASSWORD") // only from the environment: flags show in process lists
	tileCredit := fs.String("tile-attribution", envOr("VERKEN_TILE_ATTRIBUTION", ui.DefaultTileAttribution), "credit line the tile provider asks for (env VERKEN_TILE_ATTRIBUTION)")
	memoryLimit := fs.String("memory-limit", envOr("VERKEN_MEMORY_LIMIT", "auto"), "Go's soft memory limit: auto (2.5 times the heap after start-up), off, or a size such as 512MiB; GOMEMLIMIT wins (env VERKEN_MEMORY_LIMIT)")
	publicURL := fs.String("public-url", envOr("VERKEN_PUBLIC_URL", ""), "where people reach Verken, e.g. https://verken.example.org; every link in mail is built from it (env VERKEN_PUBLIC_URL; default http://localhost:<port>)")
	proxies := fs.String("trusted-proxies", envOr("VERKEN_TRUSTED_PROXIES", ""), "addresses or CIDR ranges of the reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed, comma-separated (env VERKEN_TRUSTED_PROXIES; default none)")
	fs.BoolVar(&cfg.noResultCache, "no-result-cache", envBool("VERKEN_NO_RESULT_CACHE"), "turn the caches of recent search results off, so that a benchmark measures every search's own work (env VERKEN_NO_RESULT_CACHE)")
	pprofAddr := fs.String("pprof-addr", envOr("VERKEN_PPROF_ADDR", ""), "serve Go's profiler (net/http/pprof) on this address, e.g. 127.0.0.1:6060; keep it off public interfaces (env VERKEN_PPROF_ADDR)")
	sys, log, code, ok := parseAndOpen(fs, args, &cfg, false, stderr)
	if !ok {
		return code
	}
	defer sys.Close()
	if err := sys.index.Warm(directory.DateOf(time.Now())); err != nil {
		log.Error("first search failed", "err", err)
	}
	if err := setMemoryLimit(*memoryLimit, log); err != nil {
		log.Error("cannot set the memory limit", "err", err)
		return 2
	}
	if *pprofAddr != "" {
		go serveProfiler(*pprofAddr, log)
	}
	trusted, err := ui.ParseTrustedProxies(*proxies)
	if err != nil {
		log.Error("bad --trusted-proxies", "err", err)
		return 2
	}
	public, err := publicURLFor(*publicURL, *addr, log)
	if err != nil {
		log.Error("bad --public-url", "err", err)
		return 2
	}
	metrics := ui.NewMetrics()
	app, err := ui.New(ui.Deps{Metrics: metrics, APIRatePerMinute: *apiRate, DataDir: cfg.dataDir, Store: sys.store, Index: sys.index, Places: sys.places, Tasks: sys.tasks, Log: log,
		TileURL: *tiles, TileAttribution: *tileCredit, SMTP: mail, Transit: sys.transit, PublicURL: public, TrustedProxies: trusted})
	if err != nil {
		log.Error("cannot build the web app", "err", err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	following := make(chan struct{})
	go func() {
		sys.index.Follow(ctx)
		close(following)
	}()
	go watchTransit(ctx, cfg.dataDir, sys, log, metrics)
	consultJob, err := ui.ConsultJob(ui.Deps{Store: sys.store, Log: log, SMTP: mail, PublicURL: public})
	if err != nil {
		log.Error("cannot build the consultations' maintenance", "err", err)
		return 1
	}
	defer maintain(ctx, sys, log, consultJob, ui.AlertJob(ui.Deps{Store: sys.store, Index: sys.index, Log: log, SMTP: mail, PublicURL: public}))() // waits for a purge under way before the store closes
	listenErr := make(chan error, 1)
	go func() { listenErr <- app.Listen(*addr) }()
	log.Info("verken is listening", "addr", *addr, "data", cfg.dataDir, "public_url", public)
	select {
	case err := <-listenErr:
		log.Error("server stopped", "err", err)
		stop()
		<-following
		return 1
	case <-ctx.Done():
	}
	log.Info("shutting down")
	if err := app.ShutdownWithTimeout(10 * time.Second); err != nil {
		log.Error("shutdown", "err", err)
	}
	<-following
	if _, err := sys.index.CatchUp(); err != nil {
		log.Error("final index catch-up", "err", err)
	}
	return 0
}

// publicURLFor checks the configured public URL, or makes the local one
// from the listen address. Without one, a server that listens beyond
// loopback would mail links to localhost: say so at start.
func publicURLFor(configured, addr string, log *slog.Logger) (string, error) {
	if configured != "" {
		u, err := url.Parse(configured)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return "", fmt.Errorf("%q is not an http(s) URL such as https://verken.example.org", configured)
		}
		return strings.TrimRight(u.String(), "/"), nil
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("listen address %q: %w", addr, err)
	}
	if ip, err := netip.ParseAddr(host); host != "localhost" && (err != nil || !ip.IsLoopback()) {
		log.Warn("listening beyond loopback without --public-url: links in mail point to localhost; set --public-url (VERKEN_PUBLIC_URL) to the address people use", "addr", addr)
	}
	return "http://localhost:" + port, nil
}

// serveProfiler serves the profiler on its own listener, so that it is
// never reachable through the public address.
func serveProfiler(addr string, log *slog.Logger) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	log.Info("profiler is listening", "addr", addr)
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	if err := srv.ListenAndServe(); err != nil {
		log.Error("profiler stopped", "err", err)
	}
}

// watchTransit swaps in a network that "verken transit import" wrote while
// the server runs, and recomputes every site's class with it.
func watchTransit(ctx context.Context, dir string, sys *system, log *slog.Logger, metrics *ui.Metrics) {
	path := filepath.Join(dir, transit.FileName)
	stamp := func() time.Time {
		st, err := os.Stat(path)
		if err != nil {
			return time.Time{}
		}
		return st.ModTime()
	}
	seen := stamp()
	tick := time.NewTicker(5 * time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		now := stamp()
		if now.Equal(seen) {
			continue
		}
		seen = now
		network, err := transit.Load(dir)
		metrics.TransitImport(err == nil)
		if err != nil {
			log.Error("new public-transport network unreadable; keeping the old one", "err", err)
			continue
		}
		sys.transit.Set(network)
		if err := sys.index.SetTransit(sys.transit.ClassAt); err != nil {
			log.Error("recompute transit classes", "err", err)
			continue
		}
		if err := sys.store.ReleasePages(); err != nil {
			log.Warn("cannot release the store's pages", "err", err)
		}
		log.Info("public-transport network replaced; transit classes recomputed", "reference_day", network.Snapshot().ReferenceDay)
	}
}
