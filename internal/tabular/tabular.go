// Package tabular reads and writes the files people exchange: CSV (as
// Excel in Belgium writes it: ';' or ',', with or without a byte-order
// mark), XLSX, and the supplier import files in those or in JSON.
package tabular

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/verken/verken/directory"
)

// ReadImport reads supplier import rows from a JSON, JSON Lines, CSV or
// XLSX file, by the name's extension.
func ReadImport(name string, r io.Reader) ([]directory.ImportRow, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".json", ".jsonl", ".ndjson":
		return directory.ReadJSONRows(r)
	}
	table, err := Read(name, r)
	if err != nil {
		return nil, err
	}
	return directory.ReadTable(table)
}

// Read reads the first sheet of an XLSX file, or a CSV file, by the name's
// extension.
func Read(name string, r io.Reader) ([][]string, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xlsx":
		f, err := excelize.OpenReader(r)
		if err != nil {
			return nil, fmt.Errorf("not an XLSX workbook: %w", err)
		}
		defer f.Close()
		return f.GetRows(f.GetSheetName(0))
	case ".csv", ".txt":
		b, err := io.ReadAll(r)
		if err != nil {
			return nil, err
		}
		b = bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF"))
		cr := csv.NewReader(bytes.NewReader(b))
		cr.Comma = sniffComma(b)
		cr.FieldsPerRecord = -1
		return cr.ReadAll()
	}
	return nil, fmt.Errorf("%s: only .csv and .xlsx tables can be read", name)
}

// sniffComma takes ';' when the header has more of them than of ','.
func sniffComma(b []byte) rune {
	line, _, _ := bytes.Cut(b, []byte("\n"))
	if bytes.Count(line, []byte(";")) > bytes.Count(line, []byte(",")) {
		return ';'
	}
	return ','
}

// WriteCSV writes rows for Belgian Excel: a byte-order mark, ';', CRLF.
func WriteCSV(w io.Writer, rows [][]string) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.UseCRLF = true
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	return cw.Error()
}

// WriteXLSX writes rows into one sheet.
func WriteXLSX(w io.Writer, sheet string, rows [][]any) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, r); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}
