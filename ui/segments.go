package ui

import (
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"math"

	"github.com/gofiber/fiber/v2"

	"github.com/verken/verken/market"
	"github.com/verken/verken/search"
)

// segmentsView is the segments overview.
type segmentsView struct {
	Table    *market.SegmentTable
	Areas    []string // labels
	Rows     []segmentRow
	Totals   []market.Segment
	Province string
	MapData  template.JS // JSON for the map, in a data block (not a script)
	TileURL  string
	TileAttr string
	CSV      string
}

type segmentRow struct {
	Group string
	Cells []segmentCell
}

type segmentCell struct {
	market.Segment
	Shade int    // 0–5: how much of the largest cell
	Drill string // a link to the arrondissements, at province level
}

func (s *server) segmentsPage(c *fiber.Ctx) error {
	lang := s.lang(c)
	province := c.Query("province")
	t, err := s.checker().Segments(province, s.today())
	var pe *search.ParamError
	if errors.As(err, &pe) {
		return fiber.NewError(fiber.StatusBadRequest, pe.Reason)
	}
	if err != nil {
		return err
	}
	v := segmentsView{Table: t, Totals: t.Totals, Province: t.Parent, TileURL: s.TileURL, TileAttr: s.TileAttribution,
		CSV: "/segmenten.csv?province=" + t.Parent}
	labels := s.areaLabels(lang, t)
	v.Areas = labels
	type marker struct {
		Label     string  `json:"label"`
		Lat       float64 `json:"lat"`
		Lon       float64 `json:"lon"`
		FTE       float64 `json:"fte"`
		Suppliers int     `json:"suppliers"`
	}
	var markers []marker
	for i, a := range t.Areas {
		markers = append(markers, marker{labels[i], a.Lat, a.Lon, t.Totals[i].FreeFTE, t.Totals[i].Suppliers})
	}
	b, _ := json.Marshal(markers)
	v.MapData = template.JS(b)
	for gi, g := range t.Groups {
		grp, _ := s.Tasks.Group(g)
		row := segmentRow{Group: grp.Name.In(lang)}
		for ai, cell := range t.Cells[gi] {
			sc := segmentCell{Segment: cell}
			if t.MaxFTE > 0 {
				sc.Shade = int(math.Ceil(cell.FreeFTE / t.MaxFTE * 5))
			}
			if t.Level == "province" {
				sc.Drill = "/segmenten?province=" + t.Areas[ai].Code
			}
			row.Cells = append(row.Cells, sc)
		}
		v.Rows = append(v.Rows, row)
	}
	return s.page(c, fiber.StatusOK, "segments", "segments.title", v)
}

func (s *server) areaLabels(lang string, t *market.SegmentTable) []string {
	var out []string
	for _, a := range t.Areas {
		label := a.Code
		if t.Level == "province" {
			if p, ok := s.Places.Province(a.Code); ok {
				label = p.Name.In(lang)
			}
		} else if ar, ok := s.Places.Arrondissement(a.Code); ok {
			label = ar.Name.In(lang)
		}
		out = append(out, label)
	}
	return out
}

// segmentsCSV writes the overview as one row per group and area.
func (s *server) segmentsCSV(c *fiber.Ctx) error {
	lang := s.lang(c)
	t, err := s.checker().Segments(c.Query("province"), s.today())
	if err != nil {
		return fiber.NewError(fiber.StatusBadRequest, err.Error())
	}
	labels := s.areaLabels(lang, t)
	rows := [][]string{{s.catalog.T(lang, "segments.col_group"), s.catalog.T(lang, "segments.col_area"), s.catalog.T(lang, "segments.col_code"),
		s.catalog.T(lang, "segments.col_suppliers"), s.catalog.T(lang, "segments.col_fte")}}
	for gi, g := range t.Groups {
		grp, _ := s.Tasks.Group(g)
		for ai, cell := range t.Cells[gi] {
			rows = append(rows, []string{grp.Name.In(lang), labels[ai], t.Areas[ai].Code, fmt.Sprint(cell.Suppliers), formatNumber(lang, cell.FreeFTE)})
		}
	}
	return sendCSV(c, "verken-segmenten.csv", rows)
}
