package testenv

import "github.com/verken/verken/directory"

// Supplier makes a valid maatwerkbedrijf with one site at a postcode and
// the given offers, dated the reference day; n numbers its enterprise
// number, name is also its id.
func Supplier(n int, name, postcode string, offers ...directory.Offer) *directory.Supplier {
	day := Reference
	return &directory.Supplier{
		ID: name, Name: name, Kind: directory.KindMaatwerkbedrijf,
		EnterpriseNumber: directory.EnterpriseNumberWithCheck(2000000 + n),
		Sites:            []directory.Site{{ID: "s1", Postcode: postcode}},
		Offers:           offers,
		CreatedAt:        day, UpdatedAt: day, ConfirmedAt: day,
	}
}

// Offer is an offer of a task with free capacity, at the client's site,
// in a service area.
func Offer(task string, fte float64, area directory.ServiceArea) directory.Offer {
	return directory.Offer{Task: task, FreeFTE: fte, AtClientSite: true, ServiceArea: area}
}
