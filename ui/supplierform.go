package ui

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/number"
)

// The supplier form names its fields by their JSON paths
// ("offers[2].free_fte"), so that the store's validation errors land next
// to the field they are about. Lists show their rows plus one empty row to
// add; a row's "remove" box drops it.

// maxFormRows bounds the rows of one list in a form.
const maxFormRows = 50

// formReader reads typed values from a posted form and collects what it
// cannot read.
type formReader struct {
	v      url.Values
	errors map[string]formError // field → what is wrong
}

// formError is a field's fault: a message key, and for "form.range" the
// bound the value left.
type formError struct {
	Key    string
	Bound  number.Bound
	Reason string // in English, for the API
}

func newFormReader(v url.Values) *formReader {
	return &formReader{v: v, errors: map[string]formError{}}
}

func (r *formReader) str(name string) string { return strings.TrimSpace(r.v.Get(name)) }

// fail records a number's fault against its field.
func (r *formReader) fail(name string, err error) {
	var ne *number.Error
	if errors.As(err, &ne) {
		r.errors[name] = formError{Key: "form." + ne.Code, Bound: ne.Bound, Reason: ne.Reason}
	}
}

// float reads a number within the field's bound (internal/number); an
// empty field is 0.
func (r *formReader) float(name string) float64 {
	s := r.str(name)
	if s == "" {
		return 0
	}
	f, err := number.Parse(name, s)
	r.fail(name, err)
	return f
}

// int reads a whole number within the field's bound; an empty field is 0.
func (r *formReader) int(name string) int {
	s := r.str(name)
	if s == "" {
		return 0
	}
	n, err := number.ParseInt(name, s)
	r.fail(name, err)
	return n
}

func (r *formReader) date(name string) directory.Date {
	s := r.str(name)
	if s == "" {
		return directory.Date{}
	}
	d, err := directory.ParseDate(s)
	if err != nil {
		r.errors[name] = formError{Key: "form.not_a_date", Reason: "is not a date (YYYY-MM-DD)"}
	}
	return d
}

func (r *formReader) bool(name string) bool {
	switch r.str(name) {
	case "on", "true", "1", "yes":
		return true
	}
	return false
}

// list returns the values of a multi-value field, without empty ones.
func (r *formReader) list(name string) []string {
	var out []string
	for _, s := range r.v[name] {
		for _, part := range strings.FieldsFunc(s, func(c rune) bool { return c == ',' || c == ';' || c == '\n' }) {
			if p := strings.TrimSpace(part); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// rows calls fn for every row of a list in the form that is filled in and
// not marked for removal; key is the field that makes a row non-empty.
func (r *formReader) rows(list string, keys []string, fn func(prefix string)) {
	for i := range maxFormRows {
		prefix := fmt.Sprintf("%s[%d].", list, i)
		filled := false
		for _, k := range keys {
			filled = filled || r.str(prefix+k) != ""
		}
		if filled && !r.bool(prefix+"remove") {
			fn(prefix)
		}
	}
}

// bindSupplier reads the whole supplier form over base (its id, version,
// history and verifications stay with the store).
func bindSupplier(v url.Values, base directory.Supplier) (directory.Supplier, map[string]formError) {
	r := newFormReader(v)
	s := base
	s.Version = uint64(r.int("version"))
	s.Name = r.str("name")
	s.Description = r.str("description")
	s.Remark = r.str("remark")
	s.Kind = directory.Kind(r.str("kind"))
	s.EnterpriseNumber = r.str("enterprise_number")
	s.TargetGroupShare = r.float("target_group_share")
	s.TotalFTE = r.float("total_fte")
	s.TargetGroupFTE = r.float("target_group_fte")
	s.TurnoverEUR = r.float("turnover_eur")
	s.TurnoverYear = r.int("turnover_year")
	s.TargetGroups = r.list("target_groups")
	s.Cooperation = r.list("cooperation")
	s.Contact = directory.Contact{Person: r.str("contact.person"), Email: r.str("contact.email"), Phone: r.str("contact.phone"), Website: r.str("contact.website")}

	s.Recognitions = nil
	r.rows("recognitions", []string{"type", "number"}, func(p string) {
		s.Recognitions = append(s.Recognitions, directory.Recognition{Type: r.str(p + "type"), Number: r.str(p + "number"),
			Issuer: r.str(p + "issuer"), ValidFrom: r.date(p + "valid_from"), ValidTo: r.date(p + "valid_to")})
	})
	s.Sites = nil
	r.rows("sites", []string{"postcode", "street"}, func(p string) {
		site := directory.Site{ID: r.str(p + "id"), Name: r.str(p + "name"), Street: r.str(p + "street"), Postcode: r.str(p + "postcode")}
		// A changed postcode moves the site to that postcode's point.
		for _, old := range base.Sites {
			if old.ID == site.ID && old.Postcode == site.Postcode {
				site.Municipality, site.Lat, site.Lon = old.Municipality, old.Lat, old.Lon
			}
		}
		s.Sites = append(s.Sites, site)
	})
	s.Offers = nil
	r.rows("offers", []string{"task"}, func(p string) {
		o := directory.Offer{ID: r.str(p + "id"), Task: r.str(p + "task"), FreeFTE: r.float(p + "free_fte"),
			AvailableFrom: r.date(p + "available_from"), Volume: r.float(p + "volume"), VolumeUnit: r.str(p + "volume_unit"),
			MaxContractEUR: r.float(p + "max_contract_eur"), LeadTimeWeeks: r.int(p + "lead_time_weeks"),
			AtOwnSite: r.bool(p + "at_own_site"), SiteID: r.str(p + "site_id"), AtClientSite: r.bool(p + "at_client_site")}
		o.ServiceArea = directory.ServiceArea{Municipalities: r.list(p + "area.municipalities"),
			Arrondissements: r.list(p + "area.arrondissements"), Provinces: r.list(p + "area.provinces"),
			Regions: r.list(p + "area.regions"), RadiusKm: r.float(p + "area.radius_km")}
		s.Offers = append(s.Offers, o)
	})
	s.References = nil
	r.rows("references", []string{"client"}, func(p string) {
		s.References = append(s.References, directory.Reference{Client: r.str(p + "client"), Description: r.str(p + "description"),
			Year: r.int(p + "year"), ValueEUR: r.float(p + "value_eur")})
	})
	return s, r.errors
}

// fieldOf maps a validation error's field to the form field it is about:
// the service area's fields have "area" in the form, and an element of a
// list field is the list's field.
func fieldOf(field string) string {
	field = strings.Replace(field, ".service_area.", ".area.", 1)
	if strings.HasSuffix(field, "]") {
		if i := strings.LastIndex(field, "["); i > 0 && !strings.Contains(field[i:], ".") {
			field = field[:i]
		}
	}
	return field
}
