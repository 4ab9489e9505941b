package main

import (
	"log/slog"

	"github.com/verken/verken/data"
	"github.com/verken/verken/directory"
	"github.com/verken/verken/market"
	"github.com/verken/verken/search"
	"github.com/verken/verken/search/catalogue"
	"github.com/verken/verken/transit"
)

// openEngine opens the search engine of a data directory: the one place
// that names the engine behind the search.Engine seam.
//
// The engine is the catalogue (Bleve for free text, an in-memory catalogue
// for the rest). A Bleve-native engine, offers as nested documents, passed
// the same conformance suite but was 10–25 times slower than a PostgreSQL
// peer and about 200 times slower than the catalogue at 100,000 suppliers;
// docs/performance.md has the figures and where its code lies in history.
//
// The engine asks the network in network, whichever is imported when it
// asks, for public-transport classes and journeys.
func openEngine(dataDir string, store *directory.Store, places *data.Gazetteer, tasks *data.Taxonomy, network *transit.Holder, log *slog.Logger, opt engineOptions) (search.Engine, error) {
	return catalogue.Open(catalogue.IndexDir(dataDir), store, catalogue.Options{Places: places, Tasks: tasks, Log: log,
		Rebuild: opt.rebuild, NoResultCache: opt.noResultCache, IndexOnly: opt.indexOnly, Transit: network.ClassAt, Reach: market.ReachFinder(network)})
}

// engineOptions say how to open the engine: rebuild throws the index away
// and builds it again from the store; noResultCache turns the caches of
// recent results off; indexOnly keeps the index without the catalogue (a
// command that imports and never searches).
type engineOptions struct {
	rebuild, noResultCache, indexOnly bool
}
