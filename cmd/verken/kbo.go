package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/verken/verken/data"
	"github.com/verken/verken/directory"
	"github.com/verken/verken/kbo"
)

// runKBO is `verken kbo import FILE.zip` and `verken kbo generate`.
func runKBO(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "import" && args[0] != "generate") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
			fmt.Fprintln(stderr, "verken kbo generate --enterprises N [--seed S] [--update] FILE.zip writes a synthetic extract; import:")
			args = []string{"import", "--help"}
		} else {
			fmt.Fprintln(stderr, "usage: verken kbo import [flags] FILE.zip | verken kbo generate --enterprises N [--update] FILE.zip")
			return 2
		}
	}
	if args[0] == "generate" {
		return runKBOGenerate(args[1:], stdout, stderr)
	}
	var cfg config
	fs := newFlags("kbo import", "import a KBO Open Data extract (full or update zip, as the FOD Economie publishes it): active enterprises with an address in Flanders or Brussels and a NACE-BEL code that maps to a task become unclaimed profiles (out of search, no capacity); updates apply changes; an enterprise that stops is delisted, never deleted. Prints kept, skipped (with reasons) and mapped counts. Stop the server first", stderr, &cfg)
	profile := profileFlag(fs)
	if err := fs.Parse(args[1:]); err != nil {
		return exitCode(err)
	}
	defer profile(stderr)()
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "verken kbo import: name one zip file")
		return 2
	}
	start := time.Now()
	x, err := kbo.Open(fs.Arg(0))
	if err != nil {
		fmt.Fprintf(stderr, "verken kbo import: %v\n", err)
		return 1
	}
	defer x.Close()
	cfg.indexOnly = true // it writes the store and never searches
	sys, log, code, ok := openParsed(cfg, false, stderr)
	if !ok {
		return code
	}
	defer sys.Close()
	nace, err := data.LoadNACE(sys.tasks)
	if err != nil {
		log.Error("NACE table", "err", err)
		return 1
	}
	b := &kbo.Builder{Places: sys.places, Tasks: sys.tasks, NACE: nace}
	rep, err := b.Import(sys.store, x, directory.Actor{Name: "verken kbo import " + filepath.Base(fs.Arg(0))})
	if err != nil {
		log.Error("kbo import failed", "err", err)
		return 1
	}
	stored := time.Since(start)
	if err := indexImport(cfg, sys, log, rep.Created+rep.Updated); err != nil {
		log.Error("index the import", "err", err)
		return 1
	}
	fmt.Fprint(stdout, rep.String())
	fmt.Fprintf(stderr, "verken kbo import: read and stored in %s, indexed in %s\n", stored.Round(time.Millisecond), (time.Since(start) - stored).Round(time.Millisecond))
	return 0
}

func runKBOGenerate(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("kbo generate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("enterprises", 10000, "how many enterprises")
	seed := fs.Uint64("seed", 1, "random seed: the same seed and count give the same files")
	update := fs.Bool("update", false, "write the update extract that follows the full one of the same seed and count")
	if err := fs.Parse(args); err != nil {
		return exitCode(err)
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "verken kbo generate: name one output zip")
		return 2
	}
	places, err := data.LoadGazetteer()
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	f, err := os.Create(fs.Arg(0))
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	if err := kbo.Generate(bw, places, *seed, *n, *update); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	if err := bw.Flush(); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	if err := f.Close(); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	fmt.Fprintf(stdout, "wrote %s\n", fs.Arg(0))
	return 0
}
