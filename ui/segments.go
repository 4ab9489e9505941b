package ui

import (
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"math"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/verken/verken/market"
	"github.com/verken/verken/search"
)

// segmentsView is the segments overview.
type segmentsView struct {
	Table    *market.SegmentTable
	Areas    []segmentArea
	Rows     []segmentRow
	Totals   []segmentCell
	Province string
	MaxFTE   float64     // the largest cell's free capacity, for the legend
	MapData  template.JS // JSON for the map, in a data block (not a script)
	TileURL  string
	Basemap  string // the provinces' outlines, drawn without tiles
	TileAttr string
	CSV      string
}

type segmentRow struct {
	Group string
	Cells []segmentCell
}

// segmentArea is a column: the area's name, and at province level a link
// to its arrondissements.
type segmentArea struct {
	Label string
	Drill string
}

type segmentCell struct {
	market.Segment
	Shade  int    // 0–5: how much of the largest cell
	Search string // the search that finds the cell's suppliers
	FTE    string // "77 VTE"
	Words  string // what a screen reader says for the cell
}

// segmentCell is a cell of the table with its link and words.
func (s *server) segmentCell(lang string, seg market.Segment, search string) segmentCell {
	c := segmentCell{Segment: seg, Search: search, FTE: formatNumber(lang, seg.FreeFTE) + " " + s.catalog.T(lang, "segments.fte")}
	c.Words = s.catalog.T(lang, "segments.cell_words", seg.Suppliers, formatNumber(lang, seg.FreeFTE))
	return c
}

// segmentSearch is the search page's URL for the social-economy suppliers
// of a task group (all groups when "") with a site in an area: the cell's
// own count.
func segmentSearch(level, area, group string) string {
	q := url.Values{"sector": {"social"}, level: {area}}
	if group != "" {
		q.Set("task_group", group)
	}
	return "/?" + q.Encode()
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
	v := segmentsView{Table: t, Province: t.Parent, MaxFTE: t.MaxFTE, TileURL: s.TileURL, TileAttr: s.TileAttribution, Basemap: basemapURL,
		CSV: "/segmenten.csv?province=" + t.Parent}
	labels := s.areaLabels(lang, t)
	for i, a := range t.Areas {
		area := segmentArea{Label: labels[i]}
		if t.Level == "province" {
			area.Drill = "/segmenten?province=" + url.QueryEscape(a.Code)
		}
		v.Areas = append(v.Areas, area)
		v.Totals = append(v.Totals, s.segmentCell(lang, t.Totals[i], segmentSearch(t.Level, a.Code, "")))
	}
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
			sc := s.segmentCell(lang, cell, segmentSearch(t.Level, t.Areas[ai].Code, g))
			if t.MaxFTE > 0 {
				sc.Shade = int(math.Ceil(cell.FreeFTE / t.MaxFTE * 5))
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
