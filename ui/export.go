package ui

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/verken/verken/directory"
	"github.com/verken/verken/internal/tabular"
)

// maxExportRows bounds one export; a buyer who needs more narrows the search.
const maxExportRows = 100000

// exportColumns are the columns of an export, by message key.
var exportColumns = []string{
	"export.name", "export.enterprise_number", "export.kind", "export.sector", "export.municipality",
	"export.postcode", "export.province", "export.tasks", "export.matching_fte", "export.free_fte",
	"export.target_group_share", "export.reserved", "export.reserved_basis", "export.source", "export.distance_km", "export.confirmed",
	"export.to_confirm", "export.email", "export.phone", "export.website", "export.url",
}

// exportRow is one supplier of an export. Numbers stay numbers so that the
// XLSX holds numeric cells; the CSV writes them with a decimal comma.
type exportRow []any

// exportRows runs the search without paging and joins each hit with the
// supplier's contact details from the store.
func (s *server) exportRows(c *fiber.Ctx, lang string) ([]exportRow, error) {
	q, err := bindSearch(queryValues(c), s.today())
	if err != nil {
		return nil, err
	}
	hits, _, err := s.Index.All(q, maxExportRows)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	sups, err := s.Store.GetMany(ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*directory.Supplier, len(sups))
	for i := range sups {
		byID[sups[i].ID] = &sups[i]
	}
	yesNo := func(b bool) string {
		if b {
			return s.catalog.T(lang, "export.yes")
		}
		return s.catalog.T(lang, "export.no")
	}
	base := s.PublicURL // never the request's Host: anyone can forge it
	rows := make([]exportRow, 0, len(hits))
	for _, h := range hits {
		sup := byID[h.ID]
		if sup == nil { // deleted since the search
			continue
		}
		tasks := make([]string, len(h.Tasks))
		for i, t := range h.Tasks {
			if tt, ok := s.Tasks.Task(t); ok {
				tasks[i] = tt.Name.In(lang)
			}
		}
		var distance any = ""
		if h.DistanceKm != nil {
			distance = *h.DistanceKm
		}
		province := h.Province
		if p, ok := s.Places.Province(h.Province); ok {
			province = p.Name.In(lang)
		}
		municipality := h.Municipality
		if m, ok := s.Places.Municipality(h.MunicipalityNIS); ok {
			municipality = m.Name.In(lang)
		}
		rows = append(rows, exportRow{
			h.Name, directory.FormatEnterpriseNumber(sup.EnterpriseNumber), s.catalog.T(lang, "kind."+h.Kind),
			s.catalog.T(lang, "sector."+h.Sector), municipality, h.Postcode, province, strings.Join(tasks, ", "),
			h.MatchingFTE, h.FreeFTE, h.TargetGroupShare, yesNo(h.Reserved), s.reservedBasis(lang, sup), s.profileSource(lang, sup), distance,
			h.ConfirmedAt.Format("2006-01-02"), yesNo(h.Stale), sup.Contact.Email, sup.Contact.Phone,
			sup.Contact.Website, base + "/leveranciers/" + h.ID,
		})
	}
	return rows, nil
}

// reservedBasis says on what a supplier is eligible for a reserved
// contract today, for the procurement file: whose recognition, and whether
// the target-group share was verified; empty when it is not eligible.
func (s *server) reservedBasis(lang string, sup *directory.Supplier) string {
	b := sup.EligibilityOn(s.today())
	if !b.Eligible || b.Recognition == nil {
		return ""
	}
	rec := s.catalog.T(lang, "export.basis_declared", b.Recognition.Type)
	if r := b.Recognition; r.FromRegister() {
		rec = s.catalog.T(lang, "export.basis_register", r.Type, r.Register, formatDate(lang, r.RegisterDate.Time()))
	}
	share := s.catalog.T(lang, "export.share_declared", formatNumber(lang, b.Share))
	if b.ShareVerified {
		share = s.catalog.T(lang, "export.share_verified", formatNumber(lang, b.Share), formatDate(lang, b.ShareVerifiedOn.Time()))
	}
	return rec + "; " + share
}

// profileSource says where a row's facts come from: a profile its
// supplier keeps, or the KBO's data alone.
func (s *server) profileSource(lang string, sup *directory.Supplier) string {
	if sup.Unclaimed {
		return s.catalog.T(lang, "export.source_kbo")
	}
	return s.catalog.T(lang, "export.source_profile")
}

func (s *server) header(lang string) []string {
	out := make([]string, len(exportColumns))
	for i, k := range exportColumns {
		out[i] = s.catalog.T(lang, k)
	}
	return out
}

// exportCSV writes the result set as CSV that Excel opens correctly in
// Belgium: UTF-8 with a byte-order mark, ';' between fields, decimal commas.
func (s *server) exportCSV(c *fiber.Ctx) error {
	lang := s.lang(c)
	rows, err := s.exportRows(c, lang)
	if handled, err := paramErrorJSON(c, err); handled || err != nil {
		return err
	}
	table := [][]string{s.header(lang)}
	for _, r := range rows {
		record := make([]string, len(r))
		for i, v := range r {
			switch x := v.(type) {
			case float64:
				record[i] = strings.Replace(fmtPlain(x), ".", ",", 1)
			default:
				record[i] = fmt.Sprint(x)
			}
		}
		table = append(table, record)
	}
	return sendCSV(c, "verken-leveranciers.csv", table)
}

// exportXLSX writes the result set as an Excel workbook.
func (s *server) exportXLSX(c *fiber.Ctx) error {
	lang := s.lang(c)
	rows, err := s.exportRows(c, lang)
	if handled, err := paramErrorJSON(c, err); handled || err != nil {
		return err
	}
	table := [][]any{toAny(s.header(lang))}
	for _, r := range rows {
		table = append(table, []any(r))
	}
	return sendXLSX(c, "verken-leveranciers.xlsx", s.catalog.T(lang, "export.sheet"), table)
}

// sendCSV answers with table as a CSV download named filename.
func sendCSV(c *fiber.Ctx, filename string, table [][]string) error {
	var buf bytes.Buffer
	if err := tabular.WriteCSV(&buf, table); err != nil {
		return err
	}
	return sendAttachment(c, "text/csv; charset=utf-8", filename, buf.Bytes())
}

// sendXLSX answers with table as a one-sheet workbook download named filename.
func sendXLSX(c *fiber.Ctx, filename, sheet string, table [][]any) error {
	var buf bytes.Buffer
	if err := tabular.WriteXLSX(&buf, sheet, table); err != nil {
		return err
	}
	return sendAttachment(c, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", filename, buf.Bytes())
}

func sendAttachment(c *fiber.Ctx, contentType, filename string, body []byte) error {
	c.Set(fiber.HeaderContentType, contentType)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+filename+`"`)
	return c.Send(body)
}

// fmtPlain writes a number without exponent or trailing zeros.
func fmtPlain(v float64) string {
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.4f", v), "0"), ".")
}
