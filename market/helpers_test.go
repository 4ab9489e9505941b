package market_test

import (
	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/testenv"
)

// today is the reference day of these tests.
var today = directory.DateOf(testenv.Reference)

// The builders of test suppliers.
var (
	supplier = testenv.Supplier
	offer    = testenv.Offer
)
