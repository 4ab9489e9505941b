package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/tabular"
	"github.com/verken/verken/register"
)

// runRecognitions is `verken recognitions import FILE`.
func runRecognitions(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "import" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
			args = []string{"import", "--help"}
		} else {
			fmt.Fprintln(stderr, "usage: verken recognitions import [flags] FILE.csv|FILE.xlsx")
			return 2
		}
	}
	var cfg config
	fs := newFlags("recognitions import", "import an authority's register of recognitions (CSV or XLSX; columns number, type, recognition_number, valid_from, valid_until, issuer, register_date): each row a recognition the issuer vouches for, kept on the enterprise or on the establishment it names; a recognition of the same issuer missing from the file ends on its register_date. Every refused row is reported with its line, column and reason, the good rows are kept; exits 1 when a row was refused. Stop the server first", stderr, &cfg)
	if err := fs.Parse(args[1:]); err != nil {
		return exitCode(err)
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "verken recognitions import: name one file")
		return 2
	}
	file := fs.Arg(0)
	f, err := os.Open(file)
	if err != nil {
		fmt.Fprintf(stderr, "verken recognitions import: %v\n", err)
		return 1
	}
	table, err := tabular.ReadLimited(file, f, tabular.FileLimits)
	f.Close()
	if err != nil {
		fmt.Fprintf(stderr, "verken recognitions import: %v\n", err)
		return 1
	}
	rows, refused, err := register.Parse(table)
	if err != nil {
		fmt.Fprintf(stderr, "verken recognitions import: %s: %v\n", file, err)
		return 1
	}
	cfg.indexOnly = true // it writes the store and never searches
	sys, log, code, ok := openParsed(cfg, false, stderr)
	if !ok {
		return code
	}
	defer sys.Close()
	rep, err := register.Apply(sys.store, rows, directory.Actor{Name: "verken recognitions import " + filepath.Base(file)})
	if err != nil {
		log.Error("recognitions import failed", "err", err)
		return 1
	}
	rep.Refused = append(refused, rep.Refused...)
	if err := indexImport(cfg, sys, log, rep.Suppliers); err != nil {
		log.Error("index the import", "err", err)
		return 1
	}
	fmt.Fprintf(stdout, "registers: %v\nrows: %d, recognitions added %d, changed %d, unchanged %d, ended %d; suppliers written %d; rows refused %d\n",
		rep.Registers, rep.Rows+len(refused), rep.Added, rep.Changed, rep.Unchanged, rep.Ended, rep.Suppliers, len(rep.Refused))
	for _, e := range rep.Refused {
		fmt.Fprintf(stdout, "  refused: %v\n", e)
	}
	if len(rep.Refused) > 0 {
		return 1
	}
	return 0
}
