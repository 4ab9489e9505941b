package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/mattn/go-isatty"

	"github.com/verken/verken/data"
	"github.com/verken/verken/directory"
	"github.com/verken/verken/search"
	"github.com/verken/verken/transit"
)

// config is what every command needs to find its data.
type config struct {
	dataDir string
	// seed fills a brand-new data directory with the demo data set (the
	// server does; import and export must see an empty directory as empty).
	seed bool
	// noDemo starts a brand-new directory empty even where seed is set.
	noDemo bool
	// noResultCache turns the engine's caches of recent results off, for
	// measuring every search's own work (benchmarks side by side).
	noResultCache bool
	// indexOnly opens the engine to keep its index up to date without
	// the in-memory catalogue: for commands that write and never search.
	indexOnly bool
}

// envOr returns the environment variable, or def when it is unset.
func envOr(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}

// envInt returns the environment variable as a number, or def.
func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return n
	}
	return def
}

// envBool reads a yes/no environment variable: 1, true, yes or on.
func envBool(name string) bool {
	b, err := strconv.ParseBool(os.Getenv(name))
	if err != nil {
		v := strings.ToLower(os.Getenv(name))
		return v == "yes" || v == "on"
	}
	return b
}

// newFlags makes a command's flag set with the shared --data flag.
func newFlags(name, summary string, stderr io.Writer, cfg *config) *flag.FlagSet {
	fs := flag.NewFlagSet("verken "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.dataDir, "data", envOr("VERKEN_DATA", "./verken-data"), "data directory: the store file and the search index (env VERKEN_DATA)")
	if cfg.seed {
		fs.BoolVar(&cfg.noDemo, "no-demo", envBool("VERKEN_NO_DEMO"), "start a new, empty data directory without the demo data set (env VERKEN_NO_DEMO)")
	}
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "verken %s: %s\n\nFlags:\n", name, summary)
		fs.PrintDefaults()
	}
	return fs
}

// system is an open data directory: the store, the reference tables and
// the search index.
type system struct {
	store   *directory.Store
	index   search.Engine
	places  *data.Gazetteer
	tasks   *data.Taxonomy
	transit *transit.Holder
}

// openSystem opens the data directory, seeds a brand-new one with the demo
// data set (unless told not to), and opens the index, rebuilding it when it
// is unusable or when rebuild is asked for. A directory that lost its
// store but kept other files is refused: neither demo data nor an empty
// store may take the place of a store that is gone.
func openSystem(cfg config, log *slog.Logger, rebuild bool) (*system, error) {
	storePath := filepath.Join(cfg.dataDir, storeFile)
	fresh, alone, err := inspectDataDir(cfg.dataDir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.dataDir, 0o750); err != nil {
		return nil, err
	}
	places, err := data.LoadGazetteer()
	if err != nil {
		return nil, err
	}
	tasks, err := data.LoadTaxonomy()
	if err != nil {
		return nil, err
	}
	store, err := directory.Open(storePath, directory.Validator{Places: places, Tasks: tasks})
	if err != nil {
		return nil, err
	}
	if from, to := store.MigratedFrom(), directory.SchemaVersion(); from != to {
		log.Info("store schema migrated", "from_version", from, "to_version", to)
	}
	if alone {
		// A first start that stopped before it seeded left a store with
		// nothing in it, and nothing beside it: still new.
		if fresh, err = untouched(store); err != nil {
			store.Close()
			return nil, err
		}
	}
	if cfg.seed && fresh && !cfg.noDemo {
		n, err := directory.SeedDemo(store, data.GenerateDemo(1, data.DefaultDemoSuppliers, time.Now(), places, tasks))
		if err != nil {
			store.Close()
			return nil, fmt.Errorf("seed demo data: %w", err)
		}
		if n > 0 {
			log.Info("new data directory seeded with demo suppliers", "suppliers", n)
			if err := importDemoNetwork(cfg.dataDir, places, log); err != nil {
				store.Close()
				return nil, err
			}
		}
	}
	holder := &transit.Holder{}
	network, err := transit.Load(cfg.dataDir)
	if err != nil {
		// A damaged network file costs the transit classes, not the service.
		log.Error("public-transport network unreadable; import it again", "err", err)
	}
	holder.Set(network)
	index, err := openEngine(cfg.dataDir, store, places, tasks, holder, log, engineOptions{rebuild: rebuild, noResultCache: cfg.noResultCache, indexOnly: cfg.indexOnly})
	if err != nil {
		store.Close()
		return nil, err
	}
	// Building the catalogue read every page of the store once.
	if err := store.ReleasePages(); err != nil {
		log.Warn("cannot release the store's pages", "err", err)
	}
	return &system{store: store, index: index, places: places, tasks: tasks, transit: holder}, nil
}

// storeFile is the store's name in the data directory.
const storeFile = "verken.db"

// inspectDataDir tells whether the data directory is brand new (missing,
// or empty but for a file system's lost+found) and whether it holds the
// store and nothing else. It refuses a directory that
// holds other things but no store: its store was lost or moved, and the
// index, network or keys beside it belong to that store.
func inspectDataDir(dir string) (fresh, alone bool, err error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return true, false, nil
	}
	if err != nil {
		return false, false, err
	}
	var others []string
	found := false
	for _, e := range entries {
		switch e.Name() {
		case storeFile:
			found = true
		case "lost+found":
		default:
			others = append(others, e.Name())
		}
	}
	switch {
	case found:
		return false, len(others) == 0, nil
	case len(others) == 0:
		return true, false, nil
	}
	return false, false, fmt.Errorf("the data directory %s has no store (%s) but holds %s: the store is missing. Restore it from a backup (verken restore into a new directory), or point --data at the right directory; to start anew, use an empty directory. Verken does not start a demo or empty store in its place",
		dir, storeFile, strings.Join(others, ", "))
}

// untouched reports whether a store was never used: no supplier, no
// change, no account.
func untouched(store *directory.Store) (bool, error) {
	if seq, err := store.LastSeq(); err != nil || seq > 0 {
		return false, err
	}
	if n, err := store.Count(); err != nil || n > 0 {
		return false, err
	}
	accounts, err := store.Accounts()
	return len(accounts) == 0, err
}

// importDemoNetwork gives a newly seeded demo directory the synthetic
// public-transport network, unless it has a network already.
func importDemoNetwork(dir string, places *data.Gazetteer, log *slog.Logger) error {
	if _, err := os.Stat(filepath.Join(dir, transit.FileName)); err == nil {
		return nil
	}
	feed, err := transit.SyntheticFeed(places, time.Now())
	if err != nil {
		return err
	}
	path := filepath.Join(dir, "synthetic-gtfs.zip")
	if err := os.WriteFile(path, feed, 0o640); err != nil {
		return err
	}
	snap, err := transit.Import([]transit.Source{{Name: transit.SyntheticFeedName, Path: path}},
		transit.Options{Synthetic: map[string]bool{transit.SyntheticFeedName: true}})
	if err != nil {
		return fmt.Errorf("synthetic network: %w", err)
	}
	log.Info("demo public-transport network imported (synthetic)", "stops", len(snap.Stops), "reference_day", snap.ReferenceDay)
	return snap.Save(dir)
}

// Close closes the index first, then the store it follows.
func (s *system) Close() error {
	ierr := s.index.Close()
	serr := s.store.Close()
	if ierr != nil {
		return ierr
	}
	return serr
}

// parseAndOpen parses a command's flags and opens its data directory. ok is
// false when the command should end with exit code; the caller must Close
// the system otherwise.
func parseAndOpen(fs *flag.FlagSet, args []string, cfg *config, rebuild bool, stderr io.Writer) (sys *system, log *slog.Logger, code int, ok bool) {
	if err := fs.Parse(args); err != nil {
		return nil, nil, exitCode(err), false
	}
	return openParsed(*cfg, rebuild, stderr)
}

// openParsed opens the data directory of a command whose flags are parsed.
func openParsed(cfg config, rebuild bool, stderr io.Writer) (sys *system, log *slog.Logger, code int, ok bool) {
	log = newLogger(stderr)
	sys, err := openSystem(cfg, log, rebuild)
	if err != nil {
		log.Error("cannot open data directory", "dir", cfg.dataDir, "err", err)
		return nil, nil, 1, false
	}
	return sys, log, 0, true
}

// newLogger writes text to a terminal and JSON lines anywhere else, where
// a log collector reads them.
func newLogger(w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: slog.LevelInfo}
	if f, ok := w.(*os.File); ok && isatty.IsTerminal(f.Fd()) {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// writeFile writes a file beside its final name and renames it into place,
// so that a failed write leaves no half file under the name asked for.
func writeFile(file string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(file), ".verken-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	err = write(tmp)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp.Name(), file)
}
