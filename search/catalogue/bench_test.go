package catalogue_test

import (
	"path/filepath"
	"testing"

	"github.com/verken/verken/data"
	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/testenv"
	"github.com/verken/verken/search"
	"github.com/verken/verken/search/catalogue"
)

// BenchmarkSearch runs typical buyer searches over the default demo set.
// go test -run - -bench Search ./search
func BenchmarkSearch(b *testing.B) {
	dir := b.TempDir()
	s := testenv.Store(b, dir, data.DefaultDemoSuppliers)
	g, tx := testenv.Tables(b)
	x, err := catalogue.Open(filepath.Join(dir, "index"), s, catalogue.Options{Places: g, Tasks: tx})
	if err != nil {
		b.Fatal(err)
	}
	defer x.Close()
	queries := []search.Query{
		{Text: "schoonmaak"},
		{Text: "groenonderhoud gent"},
		{Tasks: []string{"packaging"}, Provinces: []string{"ANT"}},
		{Kinds: []string{"maatwerkbedrijf", "lde"}, Municipalities: []string{"9000"}},
		{},
	}
	for i := range queries {
		queries[i].Today = directory.DateOf(testenv.Reference)
	}
	for i := 0; b.Loop(); i++ {
		if _, err := x.Search(queries[i%len(queries)]); err != nil {
			b.Fatal(err)
		}
	}
}
