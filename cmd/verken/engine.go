package main

import (
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/verken/verken/data"
	"github.com/verken/verken/directory"
	"github.com/verken/verken/search"
	"github.com/verken/verken/search/blevenative"
	"github.com/verken/verken/search/catalogue"
)

// Engines behind the search.Engine seam: the catalogue (Bleve for free
// text, an in-memory catalogue for the rest) and Bleve-native (offers as
// nested documents, everything in Bleve).
const (
	engineCatalogue = "catalogue"
	engineBleve     = "bleve"
)

// engineName is the engine openEngine opens: serve's --engine, else env
// VERKEN_ENGINE, else the catalogue.
var engineName = envOr("VERKEN_ENGINE", engineCatalogue)

// engineUsage describes the engine flag.
const engineUsage = "search engine: catalogue or bleve (Bleve-native, offers as nested documents; its index lives in index-bleve) (env VERKEN_ENGINE)"

// openEngine opens the search engine of a data directory: the one place
// that names the engine behind the search.Engine seam. rebuild throws the
// index away and builds it again from the store.
func openEngine(dataDir string, store *directory.Store, places *data.Gazetteer, tasks *data.Taxonomy, classAt search.TransitClass, log *slog.Logger, rebuild bool) (search.Engine, error) {
	switch engineName {
	case engineCatalogue, "":
		return catalogue.Open(catalogue.IndexDir(dataDir), store, catalogue.Options{Places: places, Tasks: tasks, Log: log, Rebuild: rebuild, Transit: classAt})
	case engineBleve:
		return blevenative.Open(filepath.Join(dataDir, "index-bleve"), store, blevenative.Options{Places: places, Tasks: tasks, Log: log, Rebuild: rebuild, Transit: classAt})
	}
	return nil, fmt.Errorf("unknown search engine %q: catalogue or bleve", engineName)
}
