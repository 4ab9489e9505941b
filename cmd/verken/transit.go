package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/verken/verken/transit"
)

// runTransit handles "verken transit import FEED.zip ...".
func runTransit(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "import" {
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h" || args[0] == "-help") {
			args = []string{"import", "--help"}
		} else {
			fmt.Fprintln(stderr, "usage: verken transit import [--date YYYY-MM-DD] FEED.zip [FEED2.zip ...]")
			return 2
		}
	}
	var cfg config
	fs := newFlags("transit import", "import GTFS feeds (zip files or folders): the departures of a reference day at every stop, kept in the data directory. Importing again replaces the network at once; a running server picks it up and recomputes every site's class", stderr, &cfg)
	date := fs.String("date", "", "reference day YYYY-MM-DD (default: the next Tuesday inside the feeds' validity that no feed removes)")
	if err := fs.Parse(args[1:]); err != nil {
		return exitCode(err)
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "verken transit import: name at least one feed")
		return 2
	}
	opt := transit.Options{}
	if *date != "" {
		d, err := time.Parse(time.DateOnly, *date)
		if err != nil {
			fmt.Fprintf(stderr, "verken transit import: --date %q is not YYYY-MM-DD\n", *date)
			return 2
		}
		opt.Day = d
	}
	var sources []transit.Source
	for _, path := range fs.Args() {
		name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
		sources = append(sources, transit.Source{Name: name, Path: path})
	}
	start := time.Now()
	snap, err := transit.Import(sources, opt)
	if err != nil {
		// The network in use stays as it was.
		fmt.Fprintf(stderr, "verken transit import: %v\n", err)
		return 1
	}
	if err := os.MkdirAll(cfg.dataDir, 0o750); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	if err := snap.Save(cfg.dataDir); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	departures := 0
	for _, st := range snap.Stops {
		departures += len(st.Departures)
	}
	fmt.Fprintf(stdout, "imported %d feeds in %s: %d stops, %d routes, %d departures on %s\n",
		len(snap.Feeds), time.Since(start).Round(time.Millisecond), len(snap.Stops), len(snap.Routes), departures, snap.ReferenceDay)
	return 0
}
