package directory

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/verken/verken/data"
	"github.com/verken/verken/internal/number"
)

// FieldError says what is wrong with one field. Code is stable and is the key
// of the message a page shows; Reason is the English explanation the API gives.
type FieldError struct {
	Field  string `json:"field"`
	Code   string `json:"code"`
	Reason string `json:"reason"`
	// Limit is the longest a text or list may be, for too_long and too_many.
	Limit int `json:"limit,omitempty"`
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
// Every text and list is bounded (limits.go) and every number too
// (internal/number): JSON cannot carry NaN, but it carries 1e308, and a
// store that takes it cannot write it out again.
func (v Validator) Normalize(s *Supplier) error {
	errs := &ValidationError{}
	s.Name = strings.TrimSpace(s.Name)
	if s.Name == "" {
		errs.add("name", "required", "is required")
	}
	errs.checkText("name", "name", s.Name)
	errs.checkText("description", "description", s.Description)
	errs.checkText("remark", "remark", s.Remark)
	if !s.Kind.Valid() {
		errs.add("kind", "unknown", fmt.Sprintf("%q is not a supplier kind", clip(string(s.Kind))))
	}
	if n, err := NormalizeEnterpriseNumber(s.EnterpriseNumber); err != nil {
		code := map[error]string{ErrKBOFormat: "kbo_format", ErrKBOStart: "kbo_start", ErrKBOCheck: "kbo_check"}[err]
		errs.add("enterprise_number", code, err.Error())
	} else {
		s.EnterpriseNumber = n
	}
	if errs.checkList("recognitions", len(s.Recognitions)) {
		for i, r := range s.Recognitions {
			f := fmt.Sprintf("recognitions[%d]", i)
			if strings.TrimSpace(r.Type) == "" {
				errs.add(f+".type", "required", "is required")
			}
			if strings.TrimSpace(r.Number) == "" {
				errs.add(f+".number", "required", "is required")
			}
			errs.checkText(f+".type", "type", r.Type)
			errs.checkText(f+".number", "number", r.Number)
			errs.checkText(f+".issuer", "issuer", r.Issuer)
			if r.Verified != nil {
				errs.checkText(f+".verified.note", "note", r.Verified.Note)
			}
			if !r.ValidTo.IsZero() && r.ValidTo.Before(r.ValidFrom) {
				errs.add(f+".valid_to", "before_start", "lies before valid_from")
			}
		}
	}
	if s.ShareVerified != nil {
		errs.checkText("share_verified.note", "note", s.ShareVerified.Note)
	}
	if s.Delisted != nil {
		errs.checkText("delisted.reason", "reason", s.Delisted.Reason)
	}
	errs.number("target_group_share", s.TargetGroupShare)
	errs.number("turnover_eur", s.TurnoverEUR)
	if s.TurnoverYear != 0 {
		errs.whole("turnover_year", s.TurnoverYear)
	}
	if s.TurnoverEUR > 0 && s.TurnoverYear == 0 {
		errs.add("turnover_year", "required", "is required with a turnover")
	}
	errs.number("total_fte", s.TotalFTE)
	if errs.number("target_group_fte", s.TargetGroupFTE) && s.TargetGroupFTE > s.TotalFTE && s.TotalFTE > 0 {
		errs.add("target_group_fte", "range", "must lie between 0 and total_fte")
	}
	if errs.checkList("target_groups", len(s.TargetGroups)) {
		for i, g := range s.TargetGroups {
			if !slices.Contains(TargetGroups, g) {
				errs.add(fmt.Sprintf("target_groups[%d]", i), "unknown", fmt.Sprintf("%q is not a target group", clip(g)))
			}
		}
	}
	if errs.checkList("cooperation", len(s.Cooperation)) {
		for i, c := range s.Cooperation {
			if !slices.Contains(CooperationModes, c) {
				errs.add(fmt.Sprintf("cooperation[%d]", i), "unknown", fmt.Sprintf("%q is not a cooperation mode", clip(c)))
			}
		}
	}
	errs.checkText("contact.person", "person", s.Contact.Person)
	errs.checkText("contact.phone", "phone", s.Contact.Phone)
	errs.checkText("contact.website", "website", s.Contact.Website)
	errs.checkText("contact.email", "email", s.Contact.Email)
	if s.Contact.Email != "" {
		if err := CheckEmail(s.Contact.Email); err != nil {
			errs.add("contact.email", "email", "is not an e-mail address"+strings.TrimPrefix(err.Error(), ErrInvalidEmail.Error()))
		}
	}
	if len(s.Sites) == 0 {
		errs.add("sites", "required", "at least one site is required")
	}
	siteIDs := map[string]bool{}
	if errs.checkList("sites", len(s.Sites)) {
		for i := range s.Sites {
			v.normalizeSite(&s.Sites[i], fmt.Sprintf("sites[%d]", i), i, errs)
			if siteIDs[s.Sites[i].ID] {
				errs.add(fmt.Sprintf("sites[%d].id", i), "duplicate", "is used twice")
			}
			siteIDs[s.Sites[i].ID] = true
		}
	}
	offerIDs := map[string]bool{}
	if errs.checkList("offers", len(s.Offers)) {
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
	}
	if errs.checkList("references", len(s.References)) {
		for i, r := range s.References {
			f := fmt.Sprintf("references[%d]", i)
			errs.checkText(f+".client", "client", r.Client)
			errs.checkText(f+".description", "reference_text", r.Description)
			if r.Year != 0 {
				errs.whole(f+".year", r.Year)
			}
			errs.number(f+".value_eur", r.ValueEUR)
		}
	}
	if len(errs.Fields) > 0 {
		return errs
	}
	return nil
}

// number refuses a value that is not finite or lies outside the field's
// bound in internal/number, and reports whether it was fine.
func (e *ValidationError) number(field string, x float64) bool {
	return e.numberError(number.Check(field, x))
}

// whole is number for whole numbers.
func (e *ValidationError) whole(field string, n int) bool {
	return e.numberError(number.CheckInt(field, n))
}

func (e *ValidationError) numberError(err error) bool {
	var ne *number.Error
	if errors.As(err, &ne) {
		e.add(ne.Field, ne.Code, ne.Reason)
		return false
	}
	return true
}

// clip shortens a value quoted in a reason: a reason repeats what was sent,
// and must not repeat a megabyte of it.
func clip(s string) string {
	const max = 60
	if len(s) <= max {
		return s
	}
	return strings.ToValidUTF8(s[:max], "") + "…"
}

func (v Validator) normalizeSite(st *Site, f string, i int, errs *ValidationError) {
	if st.ID == "" {
		st.ID = fmt.Sprintf("s%d", i+1)
	}
	errs.checkText(f+".id", "id", st.ID)
	errs.checkText(f+".name", "name", st.Name)
	errs.checkText(f+".street", "street", st.Street)
	errs.checkText(f+".municipality", "municipality", st.Municipality)
	st.Postcode = strings.TrimSpace(st.Postcode)
	pc, ok := v.Places.Postcode(st.Postcode)
	if !ok {
		errs.add(f+".postcode", "unknown_postcode", fmt.Sprintf("%q is not a Flemish or Brussels postcode", clip(st.Postcode)))
		return
	}
	if st.Municipality == "" {
		st.Municipality = pc.NIS
	} else if m, ok := v.Places.ResolveMunicipality(st.Municipality); ok {
		st.Municipality = m.NIS
	} else {
		errs.add(f+".municipality", "unknown_municipality", fmt.Sprintf("%q is not a municipality", clip(st.Municipality)))
	}
	if st.Lat == 0 && st.Lon == 0 {
		st.Lat, st.Lon = pc.Lat, pc.Lon
	} else if !errs.number(f+".lat", st.Lat) || !errs.number(f+".lon", st.Lon) {
		return
	} else if st.Lat < 49.4 || st.Lat > 51.6 || st.Lon < 2.4 || st.Lon > 6.5 {
		errs.add(f+".lat", "outside_belgium", "the coordinates lie outside Belgium")
	}
}

func (v Validator) validateOffer(o *Offer, f string, siteIDs map[string]bool, errs *ValidationError) {
	errs.checkText(f+".id", "id", o.ID)
	errs.checkText(f+".volume_unit", "volume_unit", o.VolumeUnit)
	errs.checkText(f+".site_id", "site_id", o.SiteID)
	if _, ok := v.Tasks.Task(o.Task); !ok {
		errs.add(f+".task", "unknown_task", fmt.Sprintf("%q is not a task type", clip(o.Task)))
	}
	errs.number(f+".free_fte", o.FreeFTE)
	errs.number(f+".volume", o.Volume)
	errs.number(f+".max_contract_eur", o.MaxContractEUR)
	errs.whole(f+".lead_time_weeks", o.LeadTimeWeeks)
	if !o.AtOwnSite && !o.AtClientSite {
		errs.add(f+".at_client_site", "where_required", "say whether the work happens at the supplier's site, the client's site, or both")
	}
	if o.AtOwnSite && o.SiteID != "" && !siteIDs[o.SiteID] {
		errs.add(f+".site_id", "unknown_site", fmt.Sprintf("%q is not one of the supplier's sites", clip(o.SiteID)))
	}
	a := &o.ServiceArea
	area := f + ".service_area."
	codes := func(list []string, name, code, what string, resolve func(string) (string, bool)) {
		if !errs.checkList(area+name, len(list)) {
			return
		}
		for i, c := range list {
			if n, ok := resolve(c); ok {
				list[i] = n
			} else {
				errs.add(fmt.Sprintf("%s%s[%d]", area, name, i), code, fmt.Sprintf("%q is not %s", clip(c), what))
			}
		}
	}
	codes(a.Municipalities, "municipalities", "unknown_municipality", "a municipality", func(c string) (string, bool) {
		m, ok := v.Places.ResolveMunicipality(c)
		return m.NIS, ok
	})
	codes(a.Arrondissements, "arrondissements", "unknown_arrondissement", "an arrondissement", func(c string) (string, bool) {
		x, ok := v.Places.ResolveArrondissement(c)
		return x.Code, ok
	})
	codes(a.Provinces, "provinces", "unknown_province", "a province", func(c string) (string, bool) {
		x, ok := v.Places.ResolveProvince(c)
		return x.Code, ok
	})
	codes(a.Regions, "regions", "unknown_region", "a region (VLG, BRU, WAL)", func(c string) (string, bool) {
		return c, c == data.RegionFlanders || c == data.RegionBrussels || c == data.RegionWallonia
	})
	errs.number(area+"radius_km", a.RadiusKm)
}
