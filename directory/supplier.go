package directory

import (
	"slices"
	"time"
)

// Kind is the one kind a supplier is (DESIGN.md §2).
type Kind string

const (
	KindMaatwerkbedrijf    Kind = "maatwerkbedrijf"
	KindMaatwerkafdeling   Kind = "maatwerkafdeling"
	KindLDE                Kind = "lde"
	KindArbeidszorg        Kind = "arbeidszorg"
	KindSocialeOnderneming Kind = "sociale-onderneming"
	KindRegulier           Kind = "regulier"
)

// Kinds lists every supplier kind, social economy first.
var Kinds = []Kind{KindMaatwerkbedrijf, KindMaatwerkafdeling, KindLDE, KindArbeidszorg, KindSocialeOnderneming, KindRegulier}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// SocialEconomy reports whether the kind belongs to the social economy (all
// but regular companies).
func (k Kind) SocialEconomy() bool { return k != KindRegulier }

// Target groups a supplier can serve.
var TargetGroups = []string{"arbeidshandicap", "psychosociaal", "kwetsbaar", "langdurig-werkzoekend", "nieuwkomers", "jongeren", "ouderen"}

// Cooperation modes a supplier is open to.
var CooperationModes = []string{"onderaanneming", "tijdelijke-vereniging", "enclave", "opleidingsplaatsen", "samenwerking-sociale-economie"}

// Supplier is one enterprise in the directory.
type Supplier struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	Kind        Kind   `json:"kind"`
	// EnterpriseNumber is the KBO/BCE number as ten digits, no dots.
	EnterpriseNumber string        `json:"enterprise_number"`
	Recognitions     []Recognition `json:"recognitions,omitempty"`
	// TargetGroupShare is the percentage (0–100) of workers from target groups.
	TargetGroupShare float64 `json:"target_group_share"`
	// ShareVerified is set by an administrator who checked the share.
	ShareVerified *Verification `json:"share_verified,omitempty"`
	TotalFTE      float64       `json:"total_fte"`
	// TurnoverEUR is the yearly turnover of TurnoverYear, if given: the
	// market check weighs a contract against it.
	TurnoverEUR    float64     `json:"turnover_eur,omitempty"`
	TurnoverYear   int         `json:"turnover_year,omitempty"`
	TargetGroupFTE float64     `json:"target_group_fte"`
	TargetGroups   []string    `json:"target_groups,omitempty"`
	Sites          []Site      `json:"sites"`
	Offers         []Offer     `json:"offers"`
	Cooperation    []string    `json:"cooperation,omitempty"`
	Contact        Contact     `json:"contact"`
	References     []Reference `json:"references,omitempty"`
	// Demo marks generated demonstration records.
	Demo bool `json:"demo,omitempty"`
	// Delisted takes the supplier out of search; the record and its
	// history stay.
	Delisted *Delisting `json:"delisted,omitempty"`
	// Unclaimed marks a profile made from an authority's register that no
	// supplier keeps yet: no capacity, out of search (provenance.go).
	Unclaimed bool `json:"unclaimed,omitempty"`
	// Provenance says per fact which source vouches for it; Registry holds
	// what the register states (provenance.go).
	Provenance map[string]Provenance `json:"provenance,omitempty"`
	Registry   *Registry             `json:"registry,omitempty"`
	// Remark is the supplier's word on the facts an authority states,
	// which it cannot change itself ("our name changed in March; the KBO
	// will follow"): shown beside them.
	Remark      string    `json:"remark,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	ConfirmedAt time.Time `json:"confirmed_at"`
	// Version counts the writes of this supplier; an update must name the
	// version it was based on.
	Version uint64 `json:"version"`
}

// Recognition is a government recognition (maatwerkbedrijf, LDE, ...).
type Recognition struct {
	Type      string `json:"type"`
	Number    string `json:"number"`
	Issuer    string `json:"issuer,omitempty"`
	ValidFrom Date   `json:"valid_from"`
	ValidTo   Date   `json:"valid_to,omitempty"`
	// Verified is set by an administrator who checked the recognition;
	// a supplier's edit of it clears it.
	Verified *Verification `json:"verified,omitempty"`
	// Register names the authority's register the recognition comes from
	// (its issuer, as the register's import names it): a fact that
	// authority vouches for, which the supplier cannot change. Empty: the
	// supplier declared it.
	Register string `json:"register,omitempty"`
	// RegisterDate is the date of the register's extract that last stated
	// it; Lapsed, the date of the first extract that no longer did, on
	// which it ended.
	RegisterDate Date `json:"register_date,omitzero"`
	Lapsed       Date `json:"lapsed,omitzero"`
	// SiteID is the site the recognition is for, when the register
	// recognises one establishment rather than the enterprise.
	SiteID string `json:"site_id,omitempty"`
}

// FromRegister reports whether an authority's register vouches for the
// recognition.
func (r Recognition) FromRegister() bool { return r.Register != "" }

// Verification records that an administrator checked a fact.
type Verification struct {
	At   time.Time `json:"at"`
	By   string    `json:"by"`
	Note string    `json:"note,omitempty"`
}

// PublicVerifier is who a verification names to anyone but administrators.
const PublicVerifier = "Verken"

// Public returns the supplier as anyone but an administrator may see it.
// A verification is the directory's word, so it shows its date and "Verken";
// the administrator who made it (name and e-mail) and the internal note
// stay with the administrators, as does who delisted the supplier.
func (s Supplier) Public() Supplier {
	anon := func(v *Verification) *Verification {
		if v == nil {
			return nil
		}
		return &Verification{At: v.At, By: PublicVerifier}
	}
	s.ShareVerified = anon(s.ShareVerified)
	s.Recognitions = slices.Clone(s.Recognitions)
	for i := range s.Recognitions {
		s.Recognitions[i].Verified = anon(s.Recognitions[i].Verified)
	}
	if s.Delisted != nil {
		d := *s.Delisted
		d.By = PublicVerifier
		s.Delisted = &d
	}
	return s
}

// Delisting records that an administrator took a supplier out of search.
type Delisting struct {
	At     time.Time `json:"at"`
	By     string    `json:"by"`
	Reason string    `json:"reason,omitempty"`
}

// ValidOn reports whether the recognition holds on day d.
func (r Recognition) ValidOn(d Date) bool { return r.Period().Contains(d) }

// Period is when the recognition holds.
func (r Recognition) Period() Period { return Period{From: r.ValidFrom, To: r.ValidTo} }

// RecognisedOn reports whether one of the supplier's recognitions holds on d.
func (s *Supplier) RecognisedOn(d Date) bool {
	for _, r := range s.Recognitions {
		if r.ValidOn(d) {
			return true
		}
	}
	return false
}

// Site is a place where the supplier works.
type Site struct {
	ID     string `json:"id"`
	Name   string `json:"name,omitempty"`
	Street string `json:"street,omitempty"`
	// Postcode and Municipality (NIS code) place the site; the coordinates
	// default to the postcode's point when not given.
	Postcode     string  `json:"postcode"`
	Municipality string  `json:"municipality"`
	Lat          float64 `json:"lat"`
	Lon          float64 `json:"lon"`
}

// Offer is one task type a supplier performs, with its free capacity. Search
// filters on task, capacity and area must hold for the same offer.
type Offer struct {
	ID   string `json:"id"`
	Task string `json:"task"`
	// FreeFTE is free capacity now (1 FTE = 38 h/week).
	FreeFTE       float64 `json:"free_fte"`
	AvailableFrom Date    `json:"available_from,omitempty"`
	Volume        float64 `json:"volume,omitempty"`
	VolumeUnit    string  `json:"volume_unit,omitempty"`
	// MaxContractEUR is the largest yearly contract value it can take on.
	MaxContractEUR float64     `json:"max_contract_eur,omitempty"`
	LeadTimeWeeks  int         `json:"lead_time_weeks"`
	AtOwnSite      bool        `json:"at_own_site"`
	SiteID         string      `json:"site_id,omitempty"`
	AtClientSite   bool        `json:"at_client_site"`
	ServiceArea    ServiceArea `json:"service_area"`
}

// ServiceArea is where an offer's work can be done. An empty area with no
// radius means "wherever the client is".
type ServiceArea struct {
	Municipalities  []string `json:"municipalities,omitempty"`  // NIS codes
	Arrondissements []string `json:"arrondissements,omitempty"` // NIS2 codes
	Provinces       []string `json:"provinces,omitempty"`       // province codes
	Regions         []string `json:"regions,omitempty"`         // region codes
	RadiusKm        float64  `json:"radius_km,omitempty"`       // around the offer's site
}

// Empty reports whether no area was given.
func (a ServiceArea) Empty() bool {
	return len(a.Municipalities)+len(a.Arrondissements)+len(a.Provinces)+len(a.Regions) == 0 && a.RadiusKm == 0
}

// Contact is how a buyer reaches the supplier.
type Contact struct {
	Person  string `json:"person,omitempty"`
	Email   string `json:"email,omitempty"`
	Phone   string `json:"phone,omitempty"`
	Website string `json:"website,omitempty"`
}

// Reference is a past contract.
type Reference struct {
	Client      string  `json:"client"`
	Description string  `json:"description,omitempty"`
	Year        int     `json:"year,omitempty"`
	ValueEUR    float64 `json:"value_eur,omitempty"`
}

// FreeFTE is the free capacity over all offers.
func (s *Supplier) FreeFTE() float64 {
	var t float64
	for _, o := range s.Offers {
		t += o.FreeFTE
	}
	return t
}

// Site returns the site with the given id.
func (s *Supplier) Site(id string) (Site, bool) {
	for _, x := range s.Sites {
		if x.ID == id {
			return x, true
		}
	}
	return Site{}, false
}

// MainSite is the first site, where the supplier is "located".
func (s *Supplier) MainSite() (Site, bool) {
	if len(s.Sites) == 0 {
		return Site{}, false
	}
	return s.Sites[0], true
}
