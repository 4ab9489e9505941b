package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"path/filepath"
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
	metrics := ui.NewMetrics()
	app, err := ui.New(ui.Deps{Metrics: metrics, APIRatePerMinute: *apiRate, DataDir: cfg.dataDir, Store: sys.store, Index: sys.index, Places: sys.places, Tasks: sys.tasks, Log: log,
		TileURL: *tiles, TileAttribution: *tileCredit, SMTP: mail, Transit: sys.transit})
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
	defer maintain(ctx, sys, log)() // waits for a purge under way before the store closes
	listenErr := make(chan error, 1)
	go func() { listenErr <- app.Listen(*addr) }()
	log.Info("verken is listening", "addr", *addr, "data", cfg.dataDir)
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
