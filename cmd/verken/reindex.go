package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

func runReindex(args []string, stdout, stderr io.Writer) int {
	cfg := config{seed: true}
	fs := newFlags("reindex", "throw the search index away and rebuild it from the store (stop the server first)", stderr, &cfg)
	sys, log, code, ok := parseAndOpen(fs, args, &cfg, true, stderr)
	if !ok {
		return code
	}
	defer sys.Close()
	n, err := sys.index.DocCount()
	if err != nil {
		log.Error("reindex failed", "err", err)
		return 1
	}
	fmt.Fprintf(stdout, "index rebuilt: %d suppliers\n", n)
	return 0
}

// exitCode is 0 for --help and 2 for bad flags.
func exitCode(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	return 2
}
