package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"runtime/pprof"
	"time"
)

func runReindex(args []string, stdout, stderr io.Writer) int {
	cfg := config{seed: true}
	fs := newFlags("reindex", "throw the search index away and rebuild it from the store (stop the server first)", stderr, &cfg)
	profile := profileFlag(fs)
	if err := fs.Parse(args); err != nil {
		return exitCode(err)
	}
	defer profile(stderr)()
	bulkGC()
	start := time.Now()
	sys, log, code, ok := openParsed(cfg, true, stderr)
	if !ok {
		return code
	}
	defer sys.Close()
	n, err := sys.index.DocCount()
	if err != nil {
		log.Error("reindex failed", "err", err)
		return 1
	}
	took := time.Since(start)
	fmt.Fprintf(stdout, "index rebuilt: %d suppliers in %s (%.0f/s)\n", n, took.Round(time.Millisecond), float64(n)/took.Seconds())
	return 0
}

// exitCode is 0 for --help and 2 for bad flags.
func exitCode(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	return 2
}

// profileFlag adds --cpuprofile to a bulk command, so that where its time
// goes can be measured on the real data (docs/performance.md, "Bulk
// loading"). The returned start begins profiling once the flags are
// parsed and gives the function that ends it.
func profileFlag(fs *flag.FlagSet) (start func(stderr io.Writer) (stop func())) {
	path := fs.String("cpuprofile", "", "write a CPU profile of the command to this file (go tool pprof reads it)")
	return func(stderr io.Writer) func() {
		if *path == "" {
			return func() {}
		}
		f, err := os.Create(*path)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintf(stderr, "verken: cpu profile: %v\n", err)
			if f != nil {
				f.Close()
			}
			return func() {}
		}
		return func() {
			pprof.StopCPUProfile()
			f.Close()
		}
	}
}

// bulkGC has a rebuild collect garbage half as often as Go's default: it
// runs alone, and most of what it allocates (documents and their tokens)
// is garbage within a batch. Measured on `verken reindex` of 100,000 on two
// cores: 9.3 s of CPU instead of 10.8 s, 5.1 s instead of 6.0 s, for a peak
// of 650 MB instead of 500 MB; at 1,000,000 4.1 GB instead of 2.9 GB
// (docs/performance.md). `verken import` keeps the default: it holds the
// file's rows while it stores them, and at 1,000,000 it peaked at 7.6 GB
// with it and 6.1 GB without, in no less time. GOGC in the environment has
// the last word.
func bulkGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
}
