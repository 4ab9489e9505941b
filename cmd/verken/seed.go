package main

import (
	"fmt"
	"io"
	"time"

	"github.com/verken/verken/data"
	"github.com/verken/verken/directory"
)

// seedChunk is how many generated suppliers are written per transaction.
const seedChunk = 5000

// runSeed fills an empty data directory with N generated demo suppliers
// and builds the index, printing how long each part took.
func runSeed(args []string, stdout, stderr io.Writer) int {
	var cfg config
	fs := newFlags("seed", "fill an empty data directory with N generated (fictional, marked demo) suppliers and build the index", stderr, &cfg)
	n := fs.Int("n", data.DefaultDemoSuppliers, "how many suppliers")
	if err := fs.Parse(args); err != nil {
		return exitCode(err)
	}
	sys, log, code, ok := openParsed(cfg, false, stderr)
	if !ok {
		return code
	}
	defer sys.Close()
	if count, _ := sys.store.Count(); count > 0 {
		fmt.Fprintf(stderr, "verken seed: %s holds %d suppliers already; seed an empty data directory\n", cfg.dataDir, count)
		return 1
	}
	start := time.Now()
	now := time.Now()
	for first := 0; first < *n; first += seedChunk {
		demo := data.GenerateDemoFrom(1, first, min(seedChunk, *n-first), now, sys.places, sys.tasks)
		sups := make([]*directory.Supplier, len(demo))
		for i := range demo {
			s := directory.FromDemo(demo[i])
			sups[i] = &s
		}
		if err := sys.store.CreateMany(sups); err != nil {
			log.Error("seed", "err", err)
			return 1
		}
	}
	stored := time.Since(start)
	sys.index.Close()
	indexStart := time.Now()
	idx, err := openEngine(cfg.dataDir, sys.store, sys.places, sys.tasks, sys.transit, log, engineOptions{rebuild: true})
	if err != nil {
		log.Error("index", "err", err)
		return 1
	}
	sys.index = idx
	indexed := time.Since(indexStart)
	fmt.Fprintf(stdout, "seeded %d suppliers: generated and stored in %s (%.0f/s), indexed in %s (%.0f/s), %s in all\n",
		*n, stored.Round(time.Millisecond), float64(*n)/stored.Seconds(), indexed.Round(time.Millisecond), float64(*n)/indexed.Seconds(),
		time.Since(start).Round(time.Millisecond))
	return 0
}
