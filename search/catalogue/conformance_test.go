package catalogue_test

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/testenv"
	"github.com/verken/verken/search"
	"github.com/verken/verken/search/catalogue"
	"github.com/verken/verken/search/searchtest"
)

// The catalogue passes the conformance suite with its default offer slots
// and with two, where a third of the generated suppliers have more offers
// than the slots hold and are visited offer by offer.
func TestConformance(t *testing.T) {
	for _, slots := range []int{0, 2} {
		t.Run(fmt.Sprintf("slots=%d", slots), func(t *testing.T) {
			searchtest.Run(t, func(t *testing.T, store *directory.Store) search.Engine {
				return openForSuite(t, store, slots)
			})
		})
	}
}

func openForSuite(t *testing.T, store *directory.Store, slots int) *catalogue.Index {
	t.Helper()
	g, tx := testenv.Tables(t)
	x, err := catalogue.Open(filepath.Join(t.TempDir(), "index"), store,
		catalogue.Options{Places: g, Tasks: tx, Transit: searchtest.Transit, Reach: searchtest.Reach, OfferSlots: slots})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	return x
}
