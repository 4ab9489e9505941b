// Package register applies the authorities' registers of recognitions to
// the directory: the Flemish register of maatwerkbedrijven, LDE and
// arbeidszorg initiatives, the Brussels approvals for social insertion,
// and the like. Each row is a recognition the register's authority vouches
// for; the supplier cannot change it. A register is known by its issuer:
// a recognition of that issuer missing from its next import ends on that
// import's date, and stays in the profile's history.
package register

import (
	"fmt"
	"slices"
	"strings"

	"github.com/verken/verken/directory"
)

// Row is one recognition of a register's file.
type Row struct {
	Line int // in the file, header is line 1
	// Enterprise is the enterprise's KBO number; Establishment, when the
	// register recognises one establishment unit, its number.
	Enterprise, Establishment string
	Type, Number, Issuer      string
	ValidFrom, ValidTo        directory.Date
	// RegisterDate is the date of the register's extract.
	RegisterDate directory.Date
}

// RowError says why a row was refused, naming its column.
type RowError struct {
	Line  int    `json:"line"`
	Field string `json:"field"`
	Value string `json:"value,omitempty"`
	// Code is stable, for message catalogues; Reason is English.
	Code   string `json:"code"`
	Reason string `json:"reason"`
}

func (e RowError) Error() string {
	return fmt.Sprintf("line %d, %s: %s", e.Line, e.Field, e.Reason)
}

// Columns of a register file; the first name of each is the one the
// documentation gives, the others are accepted too.
var columns = map[string][]string{
	"number":        {"number", "kbo", "enterprise_number", "ondernemingsnummer", "numero_entreprise", "establishment_number", "vestigingsnummer"},
	"type":          {"type", "soort", "recognition_type", "erkenning"},
	"recognition":   {"recognition_number", "erkenningsnummer", "numero_agrement"},
	"valid_from":    {"valid_from", "geldig_vanaf", "valable_du"},
	"valid_until":   {"valid_until", "valid_to", "geldig_tot", "valable_au"},
	"issuer":        {"issuer", "uitgever", "emetteur"},
	"register_date": {"register_date", "datum_register", "date_registre"},
}

// Parse reads a register's table (its first row the header) into rows,
// and the rows it refuses with why. It refuses the whole table, with an
// error, only when a column is missing.
func Parse(table [][]string) ([]Row, []RowError, error) {
	if len(table) == 0 {
		return nil, nil, fmt.Errorf("the file is empty")
	}
	at := map[string]int{}
	for i, h := range table[0] {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		for col, names := range columns {
			if slices.Contains(names, h) {
				at[col] = i
			}
		}
	}
	var missing []string
	for _, col := range []string{"number", "type", "recognition", "valid_from", "issuer", "register_date"} {
		if _, ok := at[col]; !ok {
			missing = append(missing, columns[col][0])
		}
	}
	if len(missing) > 0 {
		return nil, nil, fmt.Errorf("the file lacks the column(s) %s", strings.Join(missing, ", "))
	}
	var rows []Row
	var refused []RowError
	for n, cells := range table[1:] {
		line := n + 2
		get := func(col string) string {
			if i, ok := at[col]; ok && i < len(cells) {
				return strings.TrimSpace(cells[i])
			}
			return ""
		}
		if strings.Join(cells, "") == "" {
			continue
		}
		r, err := parseRow(line, get)
		if err != nil {
			refused = append(refused, *err)
			continue
		}
		rows = append(rows, r)
	}
	return rows, refused, nil
}

func parseRow(line int, get func(string) string) (Row, *RowError) {
	r := Row{Line: line, Type: get("type"), Number: get("recognition"), Issuer: get("issuer")}
	fail := func(field, value, code, reason string) (Row, *RowError) {
		return Row{}, &RowError{Line: line, Field: field, Value: value, Code: code, Reason: reason}
	}
	raw := get("number")
	// Establishment units are numbered from 2 to 8 (9.999.999.999),
	// enterprises from 0 and 1 with a check on their last two digits.
	digits := strings.Map(func(c rune) rune {
		if c == '.' || c == ' ' {
			return -1
		}
		return c
	}, raw)
	if len(digits) == 10 && digits[0] >= '2' && digits[0] <= '8' && strings.Trim(digits, "0123456789") == "" {
		r.Establishment = digits
	} else if num, err := directory.NormalizeEnterpriseNumber(raw); err == nil {
		r.Enterprise = num
	} else {
		return fail("number", raw, "not_a_number", "is neither an enterprise number (ten digits from 0 or 1, with a valid check) nor an establishment unit number (ten digits from 2 to 8)")
	}
	for _, f := range []struct{ field, value string }{{"type", r.Type}, {"recognition_number", r.Number}, {"issuer", r.Issuer}} {
		if f.value == "" {
			return fail(f.field, "", "empty", "is empty")
		}
		if len(f.value) > 200 || strings.ContainsFunc(f.value, func(c rune) bool { return c < 0x20 || c == 0x7f }) {
			return fail(f.field, "", "too_long", "is longer than 200 characters or holds control characters")
		}
	}
	date := func(col string, required bool) (directory.Date, *RowError) {
		s := get(col)
		if s == "" && !required {
			return directory.Date{}, nil
		}
		d, err := directory.ParseDate(s)
		if err != nil {
			return d, &RowError{Line: line, Field: col, Value: s, Code: "not_a_date", Reason: "is not a date (YYYY-MM-DD)"}
		}
		return d, nil
	}
	var e *RowError
	if r.ValidFrom, e = date("valid_from", true); e != nil {
		return Row{}, e
	}
	if r.ValidTo, e = date("valid_until", false); e != nil {
		return Row{}, e
	}
	if r.RegisterDate, e = date("register_date", true); e != nil {
		return Row{}, e
	}
	if !r.ValidTo.IsZero() && r.ValidTo.Before(r.ValidFrom) {
		return fail("valid_until", r.ValidTo.String(), "before_start", "lies before valid_from")
	}
	return r, nil
}

// Report says what an import did.
type Report struct {
	Rows      int        `json:"rows"`
	Added     int        `json:"added"`
	Changed   int        `json:"changed"`
	Unchanged int        `json:"unchanged"`
	Ended     int        `json:"ended"` // missing from the register now: ended on its date
	Suppliers int        `json:"suppliers_written"`
	Refused   []RowError `json:"refused,omitempty"`
	Registers []string   `json:"registers"`
}

// Apply writes the rows into the suppliers they name and ends, for every
// register (issuer) in the rows, the recognitions of that register the
// rows no longer hold. Rows naming no supplier are refused; the others
// are kept. Applying the same rows again changes nothing.
func Apply(store *directory.Store, rows []Row, by directory.Actor) (Report, error) {
	rep := Report{Rows: len(rows)}
	dates := map[string]directory.Date{} // per register, its extract's date
	for _, r := range rows {
		if d, ok := dates[r.Issuer]; !ok || d.Before(r.RegisterDate) {
			dates[r.Issuer] = r.RegisterDate
		}
	}
	for reg := range dates {
		rep.Registers = append(rep.Registers, reg)
	}
	slices.Sort(rep.Registers)

	// One pass over the store: the establishments' owners, and the
	// suppliers holding a recognition of a register being imported.
	owner := map[string][2]string{} // establishment → supplier id, site id
	touched := map[string]bool{}
	err := store.List(func(s directory.Supplier) error {
		if s.Registry != nil {
			for _, e := range s.Registry.Establishments {
				owner[e.Number] = [2]string{s.ID, ""}
			}
		}
		for _, site := range s.Sites {
			if num, ok := strings.CutPrefix(site.ID, "kbo-"); ok && num != "seat" {
				owner[num] = [2]string{s.ID, site.ID}
			}
		}
		for _, r := range s.Recognitions {
			if _, ok := dates[r.Register]; ok && r.FromRegister() {
				touched[s.ID] = true
			}
		}
		return nil
	})
	if err != nil {
		return rep, err
	}
	bySupplier := map[string][]Row{}
	sites := map[int]string{} // row line → site id
	for _, r := range rows {
		id := ""
		if r.Enterprise != "" {
			s, err := store.GetByEnterpriseNumber(r.Enterprise)
			if err != nil {
				rep.Refused = append(rep.Refused, RowError{Line: r.Line, Field: "number", Value: r.Enterprise, Code: "unknown_enterprise", Reason: "no supplier in Verken has this enterprise number"})
				continue
			}
			id = s.ID
		} else {
			o, ok := owner[r.Establishment]
			if !ok {
				rep.Refused = append(rep.Refused, RowError{Line: r.Line, Field: "number", Value: r.Establishment, Code: "unknown_establishment", Reason: "no supplier in Verken has this establishment unit"})
				continue
			}
			id, sites[r.Line] = o[0], o[1]
		}
		bySupplier[id] = append(bySupplier[id], r)
		touched[id] = true
	}
	ids := make([]string, 0, len(touched))
	for id := range touched {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		sup, err := store.Get(id)
		if err != nil {
			return rep, err
		}
		next, counts := merge(sup.Recognitions, bySupplier[id], sites, dates)
		rep.Added += counts.added
		rep.Changed += counts.changed
		rep.Unchanged += counts.unchanged
		rep.Ended += counts.ended
		if counts.added+counts.changed+counts.ended == 0 {
			continue
		}
		sup.Recognitions = next
		if err := store.Update(&sup, by); err != nil {
			return rep, fmt.Errorf("supplier %s: %w", id, err)
		}
		rep.Suppliers++
	}
	return rep, nil
}

type counts struct{ added, changed, unchanged, ended int }

// merge applies a supplier's rows to its recognitions: a row updates the
// register's recognition of the same number or adds one; a recognition of
// a register being imported that no row holds ends on the register's date.
// Declared recognitions stay as they are.
func merge(cur []directory.Recognition, rows []Row, sites map[int]string, dates map[string]directory.Date) ([]directory.Recognition, counts) {
	var c counts
	out := slices.Clone(cur)
	seen := map[[2]string]bool{}
	for _, r := range rows {
		seen[[2]string{r.Issuer, r.Number}] = true
		rec := directory.Recognition{Type: r.Type, Number: r.Number, Issuer: r.Issuer, ValidFrom: r.ValidFrom, ValidTo: r.ValidTo,
			Register: r.Issuer, RegisterDate: r.RegisterDate, SiteID: sites[r.Line]}
		i := slices.IndexFunc(out, func(x directory.Recognition) bool { return x.Register == r.Issuer && x.Number == r.Number })
		switch {
		case i < 0:
			out = append(out, rec)
			c.added++
		case sameRecognition(out[i], rec):
			c.unchanged++
		default:
			rec.Verified = out[i].Verified
			out[i] = rec
			c.changed++
		}
	}
	for i := range out {
		r := &out[i]
		date, imported := dates[r.Register]
		if !r.FromRegister() || !imported || seen[[2]string{r.Register, r.Number}] || !r.Lapsed.IsZero() {
			continue
		}
		// Missing from the register now: it ended on the register's date,
		// unless it ended before that anyway.
		r.Lapsed = date
		if r.ValidTo.IsZero() || date.Before(r.ValidTo) {
			r.ValidTo = date
		}
		c.ended++
	}
	return out, c
}

// sameRecognition compares what a register states and the date it said
// so: the same extract again changes nothing, a later one moves the date.
func sameRecognition(a, b directory.Recognition) bool {
	return a.Type == b.Type && a.Number == b.Number && a.Issuer == b.Issuer && a.ValidFrom == b.ValidFrom &&
		a.ValidTo == b.ValidTo && a.SiteID == b.SiteID && a.RegisterDate == b.RegisterDate && a.Lapsed.IsZero()
}
