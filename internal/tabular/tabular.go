// Package tabular reads and writes the files people exchange: CSV (as
// Excel in Belgium writes it: ';' or ',', with or without a byte-order
// mark), XLSX, and the supplier import files in those or in JSON.
package tabular

import (
	"archive/zip"
	"bufio"
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
// XLSX file, by the name's extension, within UploadLimits.
func ReadImport(name string, r io.Reader) ([]directory.ImportRow, error) {
	return ReadImportLimited(name, r, UploadLimits)
}

// ReadImportLimited is ReadImport within lim; a file over a limit gives a
// *LimitError.
func ReadImportLimited(name string, r io.Reader, lim Limits) ([]directory.ImportRow, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".json", ".jsonl", ".ndjson":
		rows, err := directory.ReadJSONRows(limitReader(r, lim.MaxBytes))
		if err != nil {
			return nil, asLimit(err)
		}
		if err := checkJSONRows(rows, lim); err != nil {
			return nil, err
		}
		return rows, nil
	}
	table, err := ReadLimited(name, r, lim)
	if err != nil {
		return nil, err
	}
	return directory.ReadTable(table)
}

// Read reads the first sheet of an XLSX file, or a CSV file, by the name's
// extension, within UploadLimits.
func Read(name string, r io.Reader) ([][]string, error) {
	return ReadLimited(name, r, UploadLimits)
}

// ReadLimited is Read within lim. Rows are read and checked one at a time,
// so a file over a limit is refused before it is held in memory.
func ReadLimited(name string, r io.Reader, lim Limits) ([][]string, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".xlsx":
		return readXLSX(r, lim)
	case ".csv", ".txt":
		return readCSV(r, lim)
	}
	return nil, fmt.Errorf("%s: only .csv and .xlsx tables can be read", name)
}

func readCSV(r io.Reader, lim Limits) ([][]string, error) {
	br := bufio.NewReaderSize(limitReader(r, lim.MaxBytes), 64<<10)
	if bom, err := br.Peek(3); err == nil && string(bom) == "\xEF\xBB\xBF" {
		_, _ = br.Discard(3)
	}
	head, err := br.Peek(br.Size())
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, asLimit(err)
	}
	comma := sniffComma(head)
	cr := csv.NewReader(newCSVColumns(br, comma, lim.MaxColumns))
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	check := rowChecker{lim: lim}
	var table [][]string
	for n := 1; ; n++ {
		rec, err := cr.Read()
		if err == io.EOF {
			return table, nil
		}
		if err != nil {
			return nil, asLimit(err)
		}
		if rec, err = check.check(n, rec); err != nil {
			return nil, err
		}
		table = append(table, rec)
	}
}

// xlsxInMemory is the largest worksheet or shared-string table excelize
// keeps in memory; larger ones it unzips to a temporary file and streams.
const xlsxInMemory = 4 << 20

func readXLSX(r io.Reader, lim Limits) ([][]string, error) {
	// A zip cannot be much larger than what it unzips to, so without a
	// limit on the file the unzipped limit bounds it too (with room for
	// the zip's own headers).
	bound := lim.MaxBytes
	if bound <= 0 && lim.MaxUnzippedBytes > 0 {
		bound = lim.MaxUnzippedBytes + 1<<20
	}
	b, err := io.ReadAll(limitReader(r, bound))
	if err != nil {
		return nil, asLimit(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, fmt.Errorf("not an XLSX workbook: %w", err)
	}
	if err := checkZip(zr, lim); err != nil {
		return nil, err
	}
	if err := checkSheetColumns(zr, lim.MaxColumns); err != nil {
		return nil, err
	}
	opts := excelize.Options{UnzipXMLSizeLimit: xlsxInMemory}
	if lim.MaxUnzippedBytes > 0 {
		opts.UnzipSizeLimit = max(lim.MaxUnzippedBytes, xlsxInMemory)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b), opts)
	if err != nil {
		return nil, fmt.Errorf("not an XLSX workbook: %w", err)
	}
	defer f.Close()
	rows, err := f.Rows(f.GetSheetName(0))
	if err != nil {
		return nil, fmt.Errorf("not an XLSX workbook: %w", err)
	}
	defer rows.Close()
	// A sheet cannot hold more rows than Excel's 1,048,576, but excelize
	// counts rows written without a number without end: 300 MB of "<row/>"
	// would be 50 million empty rows, each kept.
	if lim.MaxRows <= 0 || lim.MaxRows >= excelize.TotalRows {
		lim.MaxRows = excelize.TotalRows - 1
	}
	check := rowChecker{lim: lim}
	var table [][]string
	empty := 0 // empty rows not yet kept: only a later row with cells needs them, for its number
	for n := 1; rows.Next(); n++ {
		cells, err := rows.Columns()
		if err != nil {
			return nil, err
		}
		if cells, err = check.check(n, cells); err != nil {
			return nil, err
		}
		if len(cells) == 0 {
			empty++
			continue
		}
		for ; empty > 0; empty-- {
			table = append(table, nil)
		}
		table = append(table, cells)
	}
	if err := rows.Error(); err != nil {
		return nil, err
	}
	return table, nil
}

// checkZip refuses a workbook whose parts, as the zip's directory states
// their sizes, unzip to more than the limits allow. The stated sizes can
// be trusted: archive/zip fails a part that unzips to more than its stated
// size. Worksheets and the shared strings are streamed from a temporary
// file when large, and pictures are not parsed; every other part excelize
// parses whole into memory, so each of those is bounded on its own too.
func checkZip(zr *zip.Reader, lim Limits) error {
	var total uint64
	for _, f := range zr.File {
		size := f.UncompressedSize64
		total += size
		if lim.MaxUnzippedBytes > 0 && (size > uint64(lim.MaxUnzippedBytes) || total > uint64(lim.MaxUnzippedBytes)) {
			return &LimitError{Limit: "unzipped_bytes", Max: lim.MaxUnzippedBytes}
		}
		name := strings.ToLower(strings.ReplaceAll(f.Name, "\\", "/"))
		streamed := strings.HasPrefix(name, "xl/worksheets/sheet") || name == "xl/sharedstrings.xml" || strings.HasPrefix(name, "xl/media/")
		if !streamed && lim.MaxPartBytes > 0 && size > uint64(lim.MaxPartBytes) {
			return &LimitError{Limit: "part_bytes", Max: lim.MaxPartBytes, Field: f.Name}
		}
	}
	return nil
}

// sniffComma takes ';' when the header has more of them than of ','.
func sniffComma(b []byte) rune {
	line, _, _ := bytes.Cut(b, []byte("\n"))
	if bytes.Count(line, []byte(";")) > bytes.Count(line, []byte(",")) {
		return ';'
	}
	return ','
}

// WriteCSV writes rows for Belgian Excel: a byte-order mark, ';', CRLF,
// and every cell through SafeCell so that no cell opens as a formula.
func WriteCSV(w io.Writer, rows [][]string) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.UseCRLF = true
	var safe []string
	for _, row := range rows {
		safe = safe[:0]
		for _, cell := range row {
			safe = append(safe, SafeCell(cell))
		}
		if err := cw.Write(safe); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteXLSX writes rows into one sheet. Texts are written as text cells,
// which a spreadsheet shows as they are and never evaluates, whatever they
// begin with; numbers and booleans as such.
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
		if err := sw.SetRow(cell, xlsxValues(r)); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}

// xlsxValues keeps numbers and booleans and turns everything else into
// text: an excelize.Cell with a Formula, or a type excelize would read
// some other way, cannot reach a sheet through WriteXLSX.
func xlsxValues(r []any) []any {
	out := make([]any, len(r))
	for i, v := range r {
		switch v.(type) {
		case string, bool, nil, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64:
			out[i] = v
		default:
			out[i] = fmt.Sprint(v)
		}
	}
	return out
}
