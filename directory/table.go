package directory

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// The table format imports suppliers from a spreadsheet: one row per
// supplier, its main site and recognition, and up to TableOffers offers in
// numbered columns. Lists within a cell are separated by commas.

// TableOffers is how many offers a table row holds.
const TableOffers = 3

var offerColumns = []string{"task", "free_fte", "available_from", "lead_time_weeks", "max_contract_eur",
	"at_own_site", "at_client_site", "municipalities", "arrondissements", "provinces", "regions", "radius_km"}

// TableColumns are the columns of the table format, in order.
func TableColumns() []string {
	cols := []string{"enterprise_number", "name", "kind", "description", "target_group_share", "total_fte", "target_group_fte",
		"turnover_eur", "turnover_year",
		"target_groups", "cooperation", "contact_person", "contact_email", "contact_phone", "contact_website",
		"recognition_type", "recognition_number", "recognition_issuer", "recognition_valid_from", "recognition_valid_to",
		"site_name", "site_street", "site_postcode"}
	for n := 1; n <= TableOffers; n++ {
		for _, c := range offerColumns {
			cols = append(cols, fmt.Sprintf("offer%d_%s", n, c))
		}
	}
	return cols
}

// TableRow renders a supplier as a row of the table format (for templates
// and examples).
func TableRow(s Supplier) []string {
	v := map[string]string{
		"enterprise_number": FormatEnterpriseNumber(s.EnterpriseNumber), "name": s.Name, "kind": string(s.Kind),
		"description": s.Description, "target_group_share": num(s.TargetGroupShare), "total_fte": num(s.TotalFTE),
		"target_group_fte": num(s.TargetGroupFTE), "target_groups": strings.Join(s.TargetGroups, ", "),
		"turnover_eur": num(s.TurnoverEUR), "turnover_year": year(s.TurnoverYear),
		"cooperation": strings.Join(s.Cooperation, ", "), "contact_person": s.Contact.Person, "contact_email": s.Contact.Email,
		"contact_phone": s.Contact.Phone, "contact_website": s.Contact.Website,
	}
	if len(s.Recognitions) > 0 {
		r := s.Recognitions[0]
		v["recognition_type"], v["recognition_number"], v["recognition_issuer"] = r.Type, r.Number, r.Issuer
		v["recognition_valid_from"], v["recognition_valid_to"] = r.ValidFrom.String(), r.ValidTo.String()
	}
	if len(s.Sites) > 0 {
		v["site_name"], v["site_street"], v["site_postcode"] = s.Sites[0].Name, s.Sites[0].Street, s.Sites[0].Postcode
	}
	for i, o := range s.Offers {
		if i == TableOffers {
			break
		}
		p := fmt.Sprintf("offer%d_", i+1)
		a := o.ServiceArea
		for k, x := range map[string]string{"task": o.Task, "free_fte": num(o.FreeFTE), "available_from": o.AvailableFrom.String(),
			"lead_time_weeks": strconv.Itoa(o.LeadTimeWeeks), "max_contract_eur": num(o.MaxContractEUR),
			"at_own_site": yes(o.AtOwnSite), "at_client_site": yes(o.AtClientSite),
			"municipalities": strings.Join(a.Municipalities, ", "), "arrondissements": strings.Join(a.Arrondissements, ", "),
			"provinces": strings.Join(a.Provinces, ", "), "regions": strings.Join(a.Regions, ", "), "radius_km": num(a.RadiusKm)} {
			v[p+k] = x
		}
	}
	cols := TableColumns()
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = v[c]
	}
	return out
}

func num(f float64) string {
	if f == 0 {
		return ""
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

func year(y int) string {
	if y == 0 {
		return ""
	}
	return strconv.Itoa(y)
}

func yes(b bool) string {
	if b {
		return "ja"
	}
	return ""
}

// ReadTable turns a table (the header row first) into import rows. Rows
// count as a spreadsheet shows them: the header is row 1. An unknown or
// missing required column fails the whole table, before any row.
func ReadTable(table [][]string) ([]ImportRow, error) {
	if len(table) == 0 {
		return nil, nil
	}
	known := map[string]bool{}
	for _, c := range TableColumns() {
		known[c] = true
	}
	index := map[string]int{}
	for i, h := range table[0] {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF")))
		if h == "" {
			continue
		}
		if !known[h] {
			return nil, fmt.Errorf("column %d: %q is not a column of the import template", i+1, h)
		}
		index[h] = i
	}
	for _, c := range []string{"enterprise_number", "name", "kind", "site_postcode"} {
		if _, ok := index[c]; !ok {
			return nil, fmt.Errorf("the column %q is missing", c)
		}
	}
	var rows []ImportRow
	for n, cells := range table[1:] {
		get := func(col string) string {
			if i, ok := index[col]; ok && i < len(cells) {
				return strings.TrimSpace(cells[i])
			}
			return ""
		}
		empty := true
		for _, c := range cells {
			empty = empty && strings.TrimSpace(c) == ""
		}
		if empty {
			continue
		}
		rows = append(rows, tableRow(n+2, get))
	}
	return rows, nil
}

// tableRow reads one row; the first cell it cannot read is the row's error.
func tableRow(row int, get func(string) string) ImportRow {
	var bad *FieldError
	number := func(col string) float64 {
		s := strings.Replace(get(col), ",", ".", 1)
		if s == "" {
			return 0
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil && bad == nil {
			bad = &FieldError{Field: col, Code: "not_a_number", Reason: fmt.Sprintf("%q is not a number", get(col))}
		}
		return f
	}
	date := func(col string) Date {
		if get(col) == "" {
			return Date{}
		}
		d, err := ParseDate(get(col))
		if err != nil && bad == nil {
			bad = &FieldError{Field: col, Code: "not_a_date", Reason: fmt.Sprintf("%q is not a date (YYYY-MM-DD)", get(col))}
		}
		return d
	}
	list := func(col string) []string {
		var out []string
		for _, p := range strings.FieldsFunc(get(col), func(r rune) bool { return r == ',' || r == ';' }) {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
		return out
	}
	flag := func(col string) bool {
		switch strings.ToLower(get(col)) {
		case "ja", "yes", "oui", "true", "1", "x":
			return true
		}
		return false
	}
	s := &Supplier{
		EnterpriseNumber: get("enterprise_number"), Name: get("name"), Kind: Kind(get("kind")), Description: get("description"),
		TargetGroupShare: number("target_group_share"), TotalFTE: number("total_fte"), TargetGroupFTE: number("target_group_fte"),
		TurnoverEUR: number("turnover_eur"), TurnoverYear: int(number("turnover_year")),
		TargetGroups: list("target_groups"), Cooperation: list("cooperation"),
		Contact: Contact{Person: get("contact_person"), Email: get("contact_email"), Phone: get("contact_phone"), Website: get("contact_website")},
		Sites:   []Site{{Name: get("site_name"), Street: get("site_street"), Postcode: get("site_postcode")}},
	}
	if get("recognition_type")+get("recognition_number") != "" {
		s.Recognitions = []Recognition{{Type: get("recognition_type"), Number: get("recognition_number"), Issuer: get("recognition_issuer"),
			ValidFrom: date("recognition_valid_from"), ValidTo: date("recognition_valid_to")}}
	}
	for n := 1; n <= TableOffers; n++ {
		p := fmt.Sprintf("offer%d_", n)
		if get(p+"task") == "" {
			continue
		}
		lead := number(p + "lead_time_weeks")
		if lead != float64(int(lead)) && bad == nil {
			bad = &FieldError{Field: p + "lead_time_weeks", Code: "not_a_whole_number", Reason: "is not a whole number of weeks"}
		}
		s.Offers = append(s.Offers, Offer{Task: get(p + "task"), FreeFTE: number(p + "free_fte"), AvailableFrom: date(p + "available_from"),
			LeadTimeWeeks: int(lead), MaxContractEUR: number(p + "max_contract_eur"), AtOwnSite: flag(p + "at_own_site"),
			AtClientSite: flag(p + "at_client_site"),
			ServiceArea: ServiceArea{Municipalities: list(p + "municipalities"), Arrondissements: list(p + "arrondissements"),
				Provinces: list(p + "provinces"), Regions: list(p + "regions"), RadiusKm: number(p + "radius_km")}})
	}
	if bad != nil {
		return ImportRow{Row: row, Err: bad}
	}
	return ImportRow{Row: row, Supplier: s, table: true}
}

var listField = regexp.MustCompile(`^(offers|sites|recognitions)\[(\d+)\]\.(.*)$`)

// TableField names the column a validation error of a table row is about:
// "offers[1].service_area.provinces[0]" is offer2_provinces.
func TableField(field string) string {
	m := listField.FindStringSubmatch(field)
	if m == nil {
		return strings.Replace(field, ".", "_", 1)
	}
	rest := m[3]
	if i := strings.IndexByte(rest, '['); i >= 0 {
		rest = rest[:i]
	}
	rest = strings.TrimPrefix(rest, "service_area.")
	switch m[1] {
	case "offers":
		n, _ := strconv.Atoi(m[2])
		return fmt.Sprintf("offer%d_%s", n+1, rest)
	case "sites":
		return "site_" + rest
	}
	return "recognition_" + rest
}
