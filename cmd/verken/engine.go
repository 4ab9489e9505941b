package main

import (
	"log/slog"

	"github.com/verken/verken/data"
	"github.com/verken/verken/directory"
	"github.com/verken/verken/search"
	"github.com/verken/verken/search/catalogue"
)

// openEngine opens the search engine of a data directory: the one place
// that names the engine behind the search.Engine seam. rebuild throws the
// index away and builds it again from the store.
func openEngine(dataDir string, store *directory.Store, places *data.Gazetteer, tasks *data.Taxonomy, classAt search.TransitClass, log *slog.Logger, rebuild bool) (search.Engine, error) {
	return catalogue.Open(catalogue.IndexDir(dataDir), store, catalogue.Options{Places: places, Tasks: tasks, Log: log, Rebuild: rebuild, Transit: classAt})
}
