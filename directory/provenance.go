package directory

import "slices"

// Provenance, unclaimed profiles and the facts an authority's register
// states (issue 16, first slice).
//
// The shape: a profile made from a register is Unclaimed until a supplier
// claims it; Provenance says per fact (a top-level field's JSON name:
// "name", "sites", "offers", "contact", "registry") which source vouches for
// it and since when; Registry keeps what the register states that the
// profile has no field for (legal form, start date, NACE codes), and the
// register's own record of the enterprise, so that the register's update
// files can be applied to it. Facts a supplier declares carry no
// provenance entry: no entry means "declared by the supplier".

// SourceKBO is the Crossroads Bank for Enterprises (KBO/BCE), through its
// open-data extracts.
const SourceKBO = "KBO"

// Provenance says where one fact comes from.
type Provenance struct {
	Source string `json:"source"`
	// Since is the snapshot date of the first extract that stated the
	// fact as it is now.
	Since Date `json:"since,omitzero"`
}

// Registry is what an authority's register states about the enterprise.
type Registry struct {
	Source string `json:"source"`
	Status string `json:"status,omitempty"` // "AC": active
	// TypeOfEnterprise, JuridicalSituation and LegalForm are the
	// register's codes (its code table names them in each language).
	TypeOfEnterprise   string                  `json:"type_of_enterprise,omitempty"`
	JuridicalSituation string                  `json:"juridical_situation,omitempty"`
	LegalForm          string                  `json:"legal_form,omitempty"`
	StartDate          Date                    `json:"start_date,omitzero"`
	Names              []RegistryName          `json:"names,omitempty"`
	Address            *RegistryAddress        `json:"address,omitempty"` // registered office
	Activities         []RegistryActivity      `json:"activities,omitempty"`
	Contacts           []RegistryContact       `json:"contacts,omitempty"`
	Establishments     []RegistryEstablishment `json:"establishments,omitempty"`
}

// RegistryName is one name: its language and type are the register's codes.
type RegistryName struct {
	Language string `json:"language"`
	Type     string `json:"type"`
	Name     string `json:"name"`
}

// RegistryAddress is an address as the register states it.
type RegistryAddress struct {
	Postcode       string `json:"postcode,omitempty"`
	MunicipalityNL string `json:"municipality_nl,omitempty"`
	MunicipalityFR string `json:"municipality_fr,omitempty"`
	StreetNL       string `json:"street_nl,omitempty"`
	StreetFR       string `json:"street_fr,omitempty"`
	HouseNumber    string `json:"house_number,omitempty"`
	Box            string `json:"box,omitempty"`
	Country        string `json:"country,omitempty"` // empty in Belgium
}

// RegistryActivity is one NACE-BEL code kept from the register (only codes
// that map to a task type are kept).
type RegistryActivity struct {
	Version        string `json:"version"` // "2008", "2025"
	Code           string `json:"code"`
	Classification string `json:"classification,omitempty"` // MAIN, SECO, ANCI
}

// RegistryContact is a public contact detail (EMAIL, WEB, TEL).
type RegistryContact struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

// RegistryEstablishment is an establishment unit of the enterprise.
type RegistryEstablishment struct {
	Number     string             `json:"number"` // ten digits
	StartDate  Date               `json:"start_date,omitzero"`
	Names      []RegistryName     `json:"names,omitempty"`
	Address    *RegistryAddress   `json:"address,omitempty"`
	Activities []RegistryActivity `json:"activities,omitempty"`
}

// InSearch reports whether search may show the supplier: not delisted,
// and not an unclaimed profile (those stay out of search until claimed).
func (s *Supplier) InSearch() bool { return s.Delisted == nil && !s.Unclaimed }

// KeepRegisterRecognitions returns the recognitions of an edit: the
// register's recognitions of cur as the register states them, then the
// declared ones of next (a form shows the register's read-only and does
// not post them back; one posted anyway, or a declared copy of one, is
// left out).
func KeepRegisterRecognitions(cur, next []Recognition) []Recognition {
	var out []Recognition
	for _, r := range cur {
		if r.FromRegister() {
			out = append(out, r)
		}
	}
	for _, r := range next {
		if r.FromRegister() || slices.ContainsFunc(out, func(x Recognition) bool { return x.Type == r.Type && x.Number == r.Number }) {
			continue
		}
		out = append(out, r)
	}
	return out
}

// AuthorityEdits lists what an edit from cur to next changes of the facts
// an authority vouches for that a supplier may not overwrite: the name
// and the sites the KBO states (sites it adds are its own). An
// administrator may change them; a supplier asks one.
func AuthorityEdits(cur, next *Supplier) []FieldError {
	var out []FieldError
	if p, ok := cur.Provenance["name"]; ok && p.Source != "" && next.Name != cur.Name {
		out = append(out, FieldError{Field: "name", Code: "authority_fact", Reason: "the name is the one the " + p.Source + " states; an administrator may change it"})
	}
	if p, ok := cur.Provenance["sites"]; ok && p.Source != "" {
		for _, old := range cur.Sites {
			i := slices.IndexFunc(next.Sites, func(s Site) bool { return s.ID == old.ID })
			if i < 0 || next.Sites[i].Postcode != old.Postcode || next.Sites[i].Street != old.Street {
				out = append(out, FieldError{Field: "sites", Code: "authority_fact", Reason: "the site " + old.ID + " is one the " + p.Source + " states; an administrator may change it"})
				break
			}
		}
	}
	return out
}

// ClaimIfDeclared makes an unclaimed profile its supplier's own once
// capacity is declared on it: until then it stays out of a plain search
// (registering and being approved is not enough, the rule). It
// reports whether the profile was claimed now.
func (s *Supplier) ClaimIfDeclared() bool {
	if !s.Unclaimed || !(s.FreeFTE() > 0) {
		return false
	}
	s.Unclaimed = false
	return true
}
