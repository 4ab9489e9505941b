package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/tabular"
)

func runImport(args []string, stdout, stderr io.Writer) int {
	var cfg config
	fs := newFlags("import", "import suppliers from FILE (.csv or .xlsx in the import template's columns; .jsonl, one supplier per line as `verken export` writes them; or .json, an array), keyed on the KBO number: new numbers create, known numbers update; every refused row is reported with its row number, field and reason, and the good rows are kept. Exits 1 when a row was refused. Stop the server first", stderr, &cfg)
	dryRun := fs.Bool("dry-run", false, "check the file and say what would change, without writing")
	if err := fs.Parse(args); err != nil {
		return exitCode(err)
	}
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
	sys, log, code, ok := openParsed(cfg, false, stderr)
	if !ok {
		return code
	}
	defer sys.Close()
	rep, err := sys.store.Import(rows, *dryRun, directory.Actor{Name: "verken import " + filepath.Base(file)})
	if err != nil {
		log.Error("import failed", "err", err)
		return 1
	}
	if !*dryRun {
		if _, err := sys.index.CatchUp(); err != nil {
			log.Error("index catch-up", "err", err)
			return 1
		}
	}
	verb := "imported"
	if *dryRun {
		verb = "dry run, nothing written; would have"
	}
	fmt.Fprintf(stdout, "%s: %d created, %d updated, %d unchanged, %d rows refused\n", verb, len(rep.Created), len(rep.Updated), len(rep.Unchanged), len(rep.Errors))
	for _, e := range rep.Errors {
		fmt.Fprintln(stdout, e.String())
	}
	if len(rep.Errors) > 0 {
		return 1
	}
	return 0
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
