package directory

import (
	"fmt"
	"net/mail"
	"slices"
	"strings"

	"github.com/verken/verken/data"
)

// FieldError says what is wrong with one field. Code is stable and is the key
// of the message a page shows; Reason is the English explanation the API gives.
type FieldError struct {
	Field  string `json:"field"`
	Code   string `json:"code"`
	Reason string `json:"reason"`
}

// ValidationError lists every field that is wrong.
type ValidationError struct {
	Fields []FieldError `json:"errors"`
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + ": " + f.Reason
	}
	return "invalid supplier: " + strings.Join(parts, "; ")
}

func (e *ValidationError) add(field, code, reason string) {
	e.Fields = append(e.Fields, FieldError{Field: field, Code: code, Reason: reason})
}

// Validator checks suppliers against the reference tables.
type Validator struct {
	Places *data.Gazetteer
	Tasks  *data.Taxonomy
}

// Normalize fills what can be derived (the enterprise number's canonical
// form, a site's municipality and coordinates from its postcode, missing ids)
// and then validates. It returns a *ValidationError listing every problem.
func (v Validator) Normalize(s *Supplier) error {
	errs := &ValidationError{}
	s.Name = strings.TrimSpace(s.Name)
	if s.Name == "" {
		errs.add("name", "required", "is required")
	} else if len(s.Name) > 200 {
		errs.add("name", "too_long", "is longer than 200 characters")
	}
	if !s.Kind.Valid() {
		errs.add("kind", "unknown", fmt.Sprintf("%q is not a supplier kind", s.Kind))
	}
	if n, err := NormalizeEnterpriseNumber(s.EnterpriseNumber); err != nil {
		code := map[error]string{ErrKBOFormat: "kbo_format", ErrKBOStart: "kbo_start", ErrKBOCheck: "kbo_check"}[err]
		errs.add("enterprise_number", code, err.Error())
	} else {
		s.EnterpriseNumber = n
	}
	for i, r := range s.Recognitions {
		f := fmt.Sprintf("recognitions[%d]", i)
		if strings.TrimSpace(r.Type) == "" {
			errs.add(f+".type", "required", "is required")
		}
		if strings.TrimSpace(r.Number) == "" {
			errs.add(f+".number", "required", "is required")
		}
		if !r.ValidTo.IsZero() && r.ValidTo.Before(r.ValidFrom) {
			errs.add(f+".valid_to", "before_start", "lies before valid_from")
		}
	}
	if s.TargetGroupShare < 0 || s.TargetGroupShare > 100 {
		errs.add("target_group_share", "percent", "must lie between 0 and 100")
	}
	if s.TurnoverEUR < 0 {
		errs.add("turnover_eur", "negative", "must not be negative")
	}
	if s.TurnoverYear != 0 && (s.TurnoverYear < 1990 || s.TurnoverYear > 2100) {
		errs.add("turnover_year", "range", "must be a year between 1990 and 2100")
	}
	if s.TurnoverEUR > 0 && s.TurnoverYear == 0 {
		errs.add("turnover_year", "required", "is required with a turnover")
	}
	if s.TotalFTE < 0 {
		errs.add("total_fte", "negative", "must not be negative")
	}
	if s.TargetGroupFTE < 0 || s.TargetGroupFTE > s.TotalFTE && s.TotalFTE > 0 {
		errs.add("target_group_fte", "range", "must lie between 0 and total_fte")
	}
	for i, g := range s.TargetGroups {
		if !slices.Contains(TargetGroups, g) {
			errs.add(fmt.Sprintf("target_groups[%d]", i), "unknown", fmt.Sprintf("%q is not a target group", g))
		}
	}
	for i, c := range s.Cooperation {
		if !slices.Contains(CooperationModes, c) {
			errs.add(fmt.Sprintf("cooperation[%d]", i), "unknown", fmt.Sprintf("%q is not a cooperation mode", c))
		}
	}
	if s.Contact.Email != "" {
		if _, err := mail.ParseAddress(s.Contact.Email); err != nil {
			errs.add("contact.email", "email", "is not an e-mail address")
		}
	}
	if len(s.Sites) == 0 {
		errs.add("sites", "required", "at least one site is required")
	}
	siteIDs := map[string]bool{}
	for i := range s.Sites {
		v.normalizeSite(&s.Sites[i], fmt.Sprintf("sites[%d]", i), i, errs)
		if siteIDs[s.Sites[i].ID] {
			errs.add(fmt.Sprintf("sites[%d].id", i), "duplicate", "is used twice")
		}
		siteIDs[s.Sites[i].ID] = true
	}
	offerIDs := map[string]bool{}
	for i := range s.Offers {
		o := &s.Offers[i]
		f := fmt.Sprintf("offers[%d]", i)
		if o.ID == "" {
			o.ID = fmt.Sprintf("o%d", i+1)
		}
		if offerIDs[o.ID] {
			errs.add(f+".id", "duplicate", "is used twice")
		}
		offerIDs[o.ID] = true
		v.validateOffer(o, f, siteIDs, errs)
	}
	if len(errs.Fields) > 0 {
		return errs
	}
	return nil
}

func (v Validator) normalizeSite(st *Site, f string, i int, errs *ValidationError) {
	if st.ID == "" {
		st.ID = fmt.Sprintf("s%d", i+1)
	}
	st.Postcode = strings.TrimSpace(st.Postcode)
	pc, ok := v.Places.Postcode(st.Postcode)
	if !ok {
		errs.add(f+".postcode", "unknown_postcode", fmt.Sprintf("%q is not a Flemish or Brussels postcode", st.Postcode))
		return
	}
	if st.Municipality == "" {
		st.Municipality = pc.NIS
	} else if m, ok := v.Places.ResolveMunicipality(st.Municipality); ok {
		st.Municipality = m.NIS
	} else {
		errs.add(f+".municipality", "unknown_municipality", fmt.Sprintf("%q is not a municipality", st.Municipality))
	}
	if st.Lat == 0 && st.Lon == 0 {
		st.Lat, st.Lon = pc.Lat, pc.Lon
	} else if st.Lat < 49.4 || st.Lat > 51.6 || st.Lon < 2.4 || st.Lon > 6.5 {
		errs.add(f+".lat", "outside_belgium", "the coordinates lie outside Belgium")
	}
}

func (v Validator) validateOffer(o *Offer, f string, siteIDs map[string]bool, errs *ValidationError) {
	if _, ok := v.Tasks.Task(o.Task); !ok {
		errs.add(f+".task", "unknown_task", fmt.Sprintf("%q is not a task type", o.Task))
	}
	if o.FreeFTE < 0 || o.FreeFTE > 10000 {
		errs.add(f+".free_fte", "range", "must lie between 0 and 10000")
	}
	if o.Volume < 0 {
		errs.add(f+".volume", "negative", "must not be negative")
	}
	if o.MaxContractEUR < 0 {
		errs.add(f+".max_contract_eur", "negative", "must not be negative")
	}
	if o.LeadTimeWeeks < 0 || o.LeadTimeWeeks > 520 {
		errs.add(f+".lead_time_weeks", "range", "must lie between 0 and 520")
	}
	if !o.AtOwnSite && !o.AtClientSite {
		errs.add(f+".at_client_site", "where_required", "say whether the work happens at the supplier's site, the client's site, or both")
	}
	if o.AtOwnSite && o.SiteID != "" && !siteIDs[o.SiteID] {
		errs.add(f+".site_id", "unknown_site", fmt.Sprintf("%q is not one of the supplier's sites", o.SiteID))
	}
	a := &o.ServiceArea
	for i, code := range a.Municipalities {
		if m, ok := v.Places.ResolveMunicipality(code); ok {
			a.Municipalities[i] = m.NIS
		} else {
			errs.add(fmt.Sprintf("%s.service_area.municipalities[%d]", f, i), "unknown_municipality", fmt.Sprintf("%q is not a municipality", code))
		}
	}
	for i, code := range a.Arrondissements {
		if x, ok := v.Places.ResolveArrondissement(code); ok {
			a.Arrondissements[i] = x.Code
		} else {
			errs.add(fmt.Sprintf("%s.service_area.arrondissements[%d]", f, i), "unknown_arrondissement", fmt.Sprintf("%q is not an arrondissement", code))
		}
	}
	for i, code := range a.Provinces {
		if x, ok := v.Places.ResolveProvince(code); ok {
			a.Provinces[i] = x.Code
		} else {
			errs.add(fmt.Sprintf("%s.service_area.provinces[%d]", f, i), "unknown_province", fmt.Sprintf("%q is not a province", code))
		}
	}
	for i, code := range a.Regions {
		if code != data.RegionFlanders && code != data.RegionBrussels && code != data.RegionWallonia {
			errs.add(fmt.Sprintf("%s.service_area.regions[%d]", f, i), "unknown_region", fmt.Sprintf("%q is not a region (VLG, BRU, WAL)", code))
		}
	}
	if a.RadiusKm < 0 || a.RadiusKm > 300 {
		errs.add(f+".service_area.radius_km", "range", "must lie between 0 and 300")
	}
}
