package directory

import (
	"github.com/verken/verken/data"
)

// FromDemo turns a generated demo supplier into a directory supplier, marked
// as demo.
func FromDemo(d data.DemoSupplier) Supplier {
	s := Supplier{
		ID: d.ID, Name: d.Name, Description: d.Description, Kind: Kind(d.Kind),
		EnterpriseNumber: d.EnterpriseNumber, TargetGroupShare: d.TargetGroupShare,
		TotalFTE: d.TotalFTE, TargetGroupFTE: d.TargetGroupFTE, TurnoverEUR: d.TurnoverEUR, TurnoverYear: d.TurnoverYear, TargetGroups: d.TargetGroups,
		Cooperation: d.Cooperation, Demo: true,
		Contact:   Contact{Person: d.Contact.Person, Email: d.Contact.Email, Phone: d.Contact.Phone, Website: d.Contact.Website},
		CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt, ConfirmedAt: d.ConfirmedAt,
	}
	if r := d.Recognition; r != nil {
		s.Recognitions = []Recognition{{Type: r.Type, Number: r.Number, Issuer: r.Issuer, ValidFrom: DateOf(r.ValidFrom), ValidTo: DateOf(r.ValidTo)}}
	}
	for _, x := range d.Sites {
		s.Sites = append(s.Sites, Site{ID: x.ID, Name: x.Name, Street: x.Street, Postcode: x.Postcode, Municipality: x.Municipality, Lat: x.Lat, Lon: x.Lon})
	}
	for _, o := range d.Offers {
		s.Offers = append(s.Offers, Offer{
			ID: o.ID, Task: o.Task, FreeFTE: o.FreeFTE, AvailableFrom: DateOf(o.AvailableFrom),
			Volume: o.Volume, VolumeUnit: o.VolumeUnit, MaxContractEUR: o.MaxContractEUR, LeadTimeWeeks: o.LeadTimeWeeks,
			AtOwnSite: o.AtOwnSite, SiteID: o.SiteID, AtClientSite: o.AtClientSite,
			ServiceArea: ServiceArea{Municipalities: o.AreaMunicipalities, Arrondissements: o.AreaArrondissements, Provinces: o.AreaProvinces, RadiusKm: o.AreaRadiusKm},
		})
	}
	for _, r := range d.References {
		s.References = append(s.References, Reference{Client: r.Client, Description: r.Description, Year: r.Year, ValueEUR: r.ValueEUR})
	}
	return s
}

// SeedDemo fills an empty store with demo suppliers in one transaction. It
// does nothing when the store already holds suppliers, so a restart never
// seeds twice.
func SeedDemo(s *Store, demo []data.DemoSupplier) (int, error) {
	n, err := s.Count()
	if err != nil || n > 0 {
		return 0, err
	}
	sups := make([]*Supplier, len(demo))
	for i, d := range demo {
		sup := FromDemo(d)
		sups[i] = &sup
	}
	return len(sups), s.CreateMany(sups)
}
