package market_test

import "github.com/verken/verken/directory"

// today is the reference day of these tests.
var today = directory.NewDate(2026, 11, 24)

// supplier makes a valid supplier with one site at a postcode; n numbers
// its enterprise number.
func supplier(n int, name, postcode string, offers ...directory.Offer) *directory.Supplier {
	return &directory.Supplier{
		ID: name, Name: name, Kind: directory.KindMaatwerkbedrijf,
		EnterpriseNumber: directory.EnterpriseNumberWithCheck(2000000 + n),
		Sites:            []directory.Site{{ID: "s1", Postcode: postcode}},
		Offers:           offers,
		CreatedAt:        today.Time(), UpdatedAt: today.Time(), ConfirmedAt: today.Time(),
	}
}

func offer(task string, fte float64, area directory.ServiceArea) directory.Offer {
	return directory.Offer{Task: task, FreeFTE: fte, AtClientSite: true, ServiceArea: area}
}
