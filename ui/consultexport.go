package ui

import (
	"fmt"
	"slices"

	"github.com/gofiber/fiber/v2"

	"github.com/verken/verken/consult"
)

// The export of a consultation's answers, one row per recipient, in the
// columns the buyer chose (all when none are named), as CSV or XLSX. Both
// go through internal/tabular: a CSV cell that a spreadsheet would read as
// a formula is prefixed, an XLSX cell holding text is a text cell.

// answerColumn is one column of the export: its id (the "col" parameter),
// its heading, and its cell for a recipient.
type answerColumn struct {
	ID   string
	Head string
	Cell func(r consult.Recipient) any
}

// answerColumns are the export's columns in the buyer's language: the
// fixed ones, then one per question (q1, q2, …).
func (s *server) answerColumns(lang string, co consult.Consultation) []answerColumn {
	t := func(key string) string { return s.catalog.T(lang, key) }
	resp := func(f func(p *consult.Response) any) func(r consult.Recipient) any {
		return func(r consult.Recipient) any {
			if r.Response == nil {
				return ""
			}
			return f(r.Response)
		}
	}
	cols := []answerColumn{
		{"name", t("export.name"), func(r consult.Recipient) any { return r.Name }},
		{"kind", t("export.kind"), func(r consult.Recipient) any { return t("kind." + r.Kind) }},
		{"eligible", t("check.col_eligible"), func(r consult.Recipient) any { return yesNo(s, lang, r.Eligible) }},
		{"free_fte", t("check.col_fte"), func(r consult.Recipient) any { return r.FreeFTE }},
		{"target_group_share", t("consult.tg_share"), func(r consult.Recipient) any { return r.TargetGroupShare }},
		{"invited", t("consult.col_invited"), func(r consult.Recipient) any {
			if r.Joined {
				return t("consult.joined") + " " + s.stamp(lang, r.InvitedAt)
			}
			return s.stamp(lang, r.InvitedAt)
		}},
		{"opened", t("consult.col_opened"), func(r consult.Recipient) any { return s.stamp(lang, r.OpenedAt) }},
		{"viewed", t("consult.col_viewed"), func(r consult.Recipient) any { return s.stamp(lang, r.Seen()) }},
		{"answer", t("consult.col_answer"), func(r consult.Recipient) any { return s.answerWord(lang, r.Response) }},
		{"answered", t("consult.col_answered"), resp(func(p *consult.Response) any { return s.stamp(lang, p.At) })},
		{"fte", t("consult.col_fte"), resp(func(p *consult.Response) any { return p.FTE })},
		{"from", t("consult.col_from"), resp(func(p *consult.Response) any {
			if p.From.IsZero() {
				return ""
			}
			return p.From.String()
		})},
		{"bids", t("consult.col_bids"), resp(func(p *consult.Response) any { return s.bidWords(lang, p.Bids) })},
		{"reason", t("consult.col_reason"), resp(func(p *consult.Response) any { return p.Reason })},
	}
	for i, q := range co.Questions {
		if q == "" {
			q = s.catalog.T(lang, "consult.question_removed", i+1)
		}
		cols = append(cols, answerColumn{fmt.Sprintf("q%d", i+1), q, resp(func(p *consult.Response) any {
			if i < len(p.Answers) {
				return p.Answers[i]
			}
			return ""
		})})
	}
	return cols
}

// chosenColumns keeps the columns named by the request's "col"
// parameters, in the export's order; all of them when it names none it
// knows.
func chosenColumns(c *fiber.Ctx, cols []answerColumn) []answerColumn {
	var want []string
	for _, v := range c.Context().QueryArgs().PeekMulti("col") {
		if len(want) == len(cols) {
			break
		}
		want = append(want, string(v))
	}
	out := slices.DeleteFunc(slices.Clone(cols), func(col answerColumn) bool { return !slices.Contains(want, col.ID) })
	if len(out) == 0 {
		return cols
	}
	return out
}

// answerTable is the export's table: the headings, then one row per
// recipient.
func (s *server) answerTable(c *fiber.Ctx) ([][]any, error) {
	cs, co, err := s.ownConsultation(c)
	if err != nil {
		return nil, err
	}
	rs, err := cs.Recipients(co.ID)
	if err != nil {
		return nil, err
	}
	cols := chosenColumns(c, s.answerColumns(s.lang(c), co))
	head := make([]any, len(cols))
	for i, col := range cols {
		head[i] = col.Head
	}
	table := [][]any{head}
	for _, r := range rs {
		row := make([]any, len(cols))
		for i, col := range cols {
			row[i] = col.Cell(r)
		}
		table = append(table, row)
	}
	return table, nil
}

// consultCSV exports the answers as CSV, numbers written as the reader
// writes them.
func (s *server) consultCSV(c *fiber.Ctx) error {
	table, err := s.answerTable(c)
	if err != nil {
		return err
	}
	lang := s.lang(c)
	out := make([][]string, len(table))
	for i, row := range table {
		out[i] = make([]string, len(row))
		for j, v := range row {
			switch x := v.(type) {
			case float64:
				out[i][j] = formatNumber(lang, x)
			default:
				out[i][j] = fmt.Sprint(x)
			}
		}
	}
	return sendCSV(c, "verken-raadpleging.csv", out)
}

// consultXLSX exports the answers as a workbook: numbers as numbers,
// everything else as text cells.
func (s *server) consultXLSX(c *fiber.Ctx) error {
	table, err := s.answerTable(c)
	if err != nil {
		return err
	}
	return sendXLSX(c, "verken-raadpleging.xlsx", s.catalog.T(s.lang(c), "consult.sheet"), table)
}

// exportChoice is a column the buyer may choose on the page.
type exportChoice struct{ ID, Head string }

// exportChoices are the export's columns, for the page's form.
func (s *server) exportChoices(lang string, co consult.Consultation) []exportChoice {
	var out []exportChoice
	for _, col := range s.answerColumns(lang, co) {
		out = append(out, exportChoice{col.ID, col.Head})
	}
	return out
}
