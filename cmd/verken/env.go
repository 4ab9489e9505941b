package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
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
	// seed fills an empty store with the demo data set (the server does;
	// import and export must see an empty directory as empty).
	seed bool
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

// newFlags makes a command's flag set with the shared --data flag.
func newFlags(name, summary string, stderr io.Writer, cfg *config) *flag.FlagSet {
	fs := flag.NewFlagSet("verken "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.dataDir, "data", envOr("VERKEN_DATA", "./verken-data"), "data directory: the store file and the search index (env VERKEN_DATA)")
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
	index   *search.Index
	places  *data.Gazetteer
	tasks   *data.Taxonomy
	transit *transit.Holder
}

// openSystem opens the data directory, seeds an empty store with the demo
// data set, and opens the index, rebuilding it when it is unusable or when
// rebuild is asked for.
func openSystem(cfg config, log *slog.Logger, rebuild bool) (*system, error) {
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
	store, err := directory.Open(filepath.Join(cfg.dataDir, "verken.db"), directory.Validator{Places: places, Tasks: tasks})
	if err != nil {
		return nil, err
	}
	if cfg.seed {
		n, err := directory.SeedDemo(store, data.GenerateDemo(1, data.DefaultDemoSuppliers, time.Now(), places, tasks))
		if err != nil {
			store.Close()
			return nil, fmt.Errorf("seed demo data: %w", err)
		}
		if n > 0 {
			log.Info("empty store seeded with demo suppliers", "suppliers", n)
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
	index, err := search.Open(search.IndexDir(cfg.dataDir), store, search.Options{Places: places, Tasks: tasks, Log: log, Rebuild: rebuild, Transit: holder.ClassAt})
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
