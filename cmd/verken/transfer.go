package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/tabular"
)

func runImport(args []string, stdout, stderr io.Writer) int {
	var cfg config
	fs := newFlags("import", "import suppliers from FILE (.csv or .xlsx in the import template's columns; .jsonl, one supplier per line as `verken export` writes them; or .json, an array), keyed on the KBO number: new numbers create, known numbers update; every refused row is reported with its row number, field and reason, and the good rows are kept. Exits 1 when a row was refused. Stop the server first", stderr, &cfg)
	dryRun := fs.Bool("dry-run", false, "check the file and say what would change, without writing")
	profile := profileFlag(fs)
	if err := fs.Parse(args); err != nil {
		return exitCode(err)
	}
	defer profile(stderr)()
	start := time.Now()
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "verken import: name one file")
		fs.Usage()
		return 2
	}
	file := fs.Arg(0)
	f, err := os.Open(file)
	if err != nil {
		fmt.Fprintf(stderr, "verken import: %v\n", err)
		return 1
	}
	defer f.Close()
	rows, err := tabular.ReadImportLimited(file, f, tabular.FileLimits)
	if err != nil {
		fmt.Fprintf(stderr, "verken import: %s: %v\n", file, err)
		return 1
	}
	read := time.Since(start)
	cfg.indexOnly = true // it writes the store and never searches
	sys, log, code, ok := openParsed(cfg, false, stderr)
	if !ok {
		return code
	}
	defer sys.Close()
	storeStart := time.Now()
	rep, err := sys.store.Import(rows, *dryRun, directory.Actor{Name: "verken import " + filepath.Base(file)})
	if err != nil {
		log.Error("import failed", "err", err)
		return 1
	}
	stored := time.Since(storeStart)
	if !*dryRun {
		if err := indexImport(cfg, sys, log, len(rep.Created)+len(rep.Updated)); err != nil {
			log.Error("index the import", "err", err)
			return 1
		}
	}
	verb := "imported"
	if *dryRun {
		verb = "dry run, nothing written; would have"
	}
	took := time.Since(start)
	fmt.Fprintf(stdout, "%s: %d created, %d updated, %d unchanged, %d rows refused\n", verb, len(rep.Created), len(rep.Updated), len(rep.Unchanged), len(rep.Errors))
	ms := func(d time.Duration) time.Duration { return d.Round(time.Millisecond) }
	fmt.Fprintf(stderr, "verken import: %d rows in %s (%.0f/s): read and checked in %s, stored in %s, indexed in %s\n",
		len(rows), ms(took), float64(len(rows))/took.Seconds(), ms(read), ms(stored), ms(took-read-stored))
	for _, e := range rep.Errors {
		fmt.Fprintln(stdout, e.String())
	}
	if len(rep.Errors) > 0 {
		return 1
	}
	return 0
}

// indexImport brings the index up to the store after an import that wrote
// written suppliers. Following the change feed costs about what building
// the index from the store costs, per supplier, so when the import wrote
// at least half of the directory (an import into an empty directory wrote
// all of it) the index is built once from the store instead: in large
// batches, several at once, with no per-change bookkeeping.
func indexImport(cfg config, sys *system, log *slog.Logger, written int) error {
	count, err := sys.store.Count()
	if err != nil {
		return err
	}
	if written == 0 || 2*written < count {
		_, err := sys.index.CatchUp()
		return err
	}
	if err := sys.index.Close(); err != nil {
		return err
	}
	idx, err := openEngine(cfg.dataDir, sys.store, sys.places, sys.tasks, sys.transit, log, engineOptions{rebuild: true})
	if err != nil {
		return err
	}
	sys.index = idx
	return nil
}

func runExport(args []string, stdout, stderr io.Writer) int {
	var cfg config
	fs := newFlags("export", "write every supplier, with full fidelity, to FILE as JSON Lines; `verken import FILE` into an empty data directory gives back the same directory. Stop the server first", stderr, &cfg)
	if err := fs.Parse(args); err != nil {
		return exitCode(err)
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "verken export: name one file")
		fs.Usage()
		return 2
	}
	sys, log, code, ok := openParsed(cfg, false, stderr)
	if !ok {
		return code
	}
	defer sys.Close()
	file := fs.Arg(0)
	var n int
	err := writeFile(file, func(w io.Writer) (err error) {
		n, err = sys.store.Export(w)
		return err
	})
	if err != nil {
		log.Error("export failed", "err", err)
		return 1
	}
	fmt.Fprintf(stdout, "exported %d suppliers to %s\n", n, file)
	return 0
}
