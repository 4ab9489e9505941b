package directory

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"runtime"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// ImportRow is one supplier read from an import file, or why it could not
// be read. Row counts from 1 as people count lines and spreadsheet rows.
type ImportRow struct {
	Row      int
	Supplier *Supplier
	Err      *FieldError
	table    bool // read from a table: errors name its columns
}

// RowError is one refused row: which row, which field, and why.
type RowError struct {
	Row              int    `json:"row"`
	EnterpriseNumber string `json:"enterprise_number,omitempty"`
	FieldError
}

func (e RowError) String() string {
	return fmt.Sprintf("row %d: %s: %s (%s)", e.Row, e.Field, e.Reason, e.Code)
}

// ImportReport says what an import did, or would do on a dry run.
type ImportReport struct {
	DryRun    bool       `json:"dry_run"`
	Created   []int      `json:"created"`   // rows
	Updated   []int      `json:"updated"`   // rows
	Unchanged []int      `json:"unchanged"` // rows
	Errors    []RowError `json:"errors"`
}

// importBatch bounds how many suppliers one transaction writes: each batch
// is all or nothing, so an interrupted import leaves no supplier half
// written. Every commit costs two fsyncs and bbolt's rebalancing of the
// pages it touched; 5,000 suppliers (about 15 MB with their history and
// change entries) make those a few percent of an import, where 500 made
// them most of it, and still keep one transaction's dirty pages small.
const importBatch = 5000

// bucketBulkLoad marks a store that an import into an empty store is
// filling. Its first transaction creates it and the last one removes it,
// so a store that still has it was left half loaded by an import that
// died; Open refuses such a store (ErrIncompleteLoad) rather than serve
// part of a file as if it were the directory.
var bucketBulkLoad = []byte("bulk_load")

// ErrIncompleteLoad: an import into an empty data directory stopped before
// it ended; the store holds only part of the file.
var ErrIncompleteLoad = errors.New("an import into this new data directory stopped before it ended, so the store holds only part of the file: remove the data directory and run the import again")

// checkComplete refuses a store left half loaded by an interrupted import
// into an empty store.
func checkComplete(tx *bolt.Tx) error {
	b := tx.Bucket(bucketBulkLoad)
	if b == nil {
		return nil
	}
	if by := b.Get([]byte("by")); by != nil {
		return fmt.Errorf("%w (%s)", ErrIncompleteLoad, by)
	}
	return ErrIncompleteLoad
}

// Import creates the suppliers whose enterprise number is new and updates
// those it knows, keyed on the KBO number. Every row is either imported
// whole or reported with its row number, field and reason; bad rows never
// stop good ones. A dry run checks and compares everything and writes
// nothing. Rows that carry an id, a version and timestamps (an export of
// another directory) keep them, so an export imported into an empty
// directory gives back the same directory.
//
// The rows are written in transactions of importBatch. An import into a
// store with suppliers that dies midway leaves the batches it committed,
// which importing the same file again completes (the rows written are then
// unchanged). An import into an empty store is one load: the store is
// marked (bucketBulkLoad) until its last batch commits, and Open refuses a
// store that is still marked.
func (s *Store) Import(rows []ImportRow, dryRun bool, by Actor) (*ImportReport, error) {
	rep := &ImportReport{DryRun: dryRun, Created: []int{}, Updated: []int{}, Unchanged: []int{}, Errors: []RowError{}}
	seen := map[string]int{}
	var good []ImportRow
	for _, r := range rows {
		if r.Err != nil {
			rep.Errors = append(rep.Errors, RowError{Row: r.Row, FieldError: *r.Err})
			continue
		}
		if err := s.validator.Normalize(r.Supplier); err != nil {
			var ve *ValidationError
			if !errors.As(err, &ve) {
				return nil, err
			}
			for _, fe := range ve.Fields {
				if r.table {
					fe.Field = TableField(fe.Field)
				}
				rep.Errors = append(rep.Errors, RowError{Row: r.Row, EnterpriseNumber: r.Supplier.EnterpriseNumber, FieldError: fe})
			}
			continue
		}
		kbo := r.Supplier.EnterpriseNumber
		if first, dup := seen[kbo]; dup {
			rep.Errors = append(rep.Errors, RowError{Row: r.Row, EnterpriseNumber: kbo, FieldError: FieldError{
				Field: "enterprise_number", Code: "duplicate_in_file", Reason: fmt.Sprintf("row %d has the same enterprise number", first)}})
			continue
		}
		seen[kbo] = r.Row
		good = append(good, r)
	}
	now := s.now().UTC()
	bulk := false
	if !dryRun && len(good) > importBatch {
		empty, err := s.empty()
		if err != nil {
			return nil, err
		}
		bulk = empty
	}
	for start := 0; start < len(good); start += importBatch {
		batch := good[start:min(len(good), start+importBatch)]
		first, final := start == 0, start+importBatch >= len(good)
		apply := func(tx *bolt.Tx) error {
			if bulk && first {
				b, err := tx.CreateBucketIfNotExists(bucketBulkLoad)
				if err != nil {
					return err
				}
				if err := b.Put([]byte("by"), []byte(by.Name+", started "+now.Format(time.RFC3339))); err != nil {
					return err
				}
			}
			for _, r := range batch {
				if err := s.importOne(tx, r, now, !dryRun, by, rep); err != nil {
					return err
				}
			}
			if bulk && final {
				return tx.DeleteBucket(bucketBulkLoad)
			}
			return nil
		}
		var err error
		if dryRun {
			err = s.db.View(apply)
		} else {
			err = s.db.Update(apply)
		}
		if err != nil {
			return nil, err
		}
	}
	if !dryRun && len(rep.Created)+len(rep.Updated) > 0 {
		s.notify()
	}
	return rep, nil
}

// empty reports whether the store has never held a supplier: no supplier
// and no change.
func (s *Store) empty() (bool, error) {
	var empty bool
	err := s.db.View(func(tx *bolt.Tx) error {
		empty = tx.Bucket(bucketChanges).Sequence() == 0 && tx.Bucket(bucketSuppliers).Stats().KeyN == 0
		return nil
	})
	return empty, err
}

// importOne decides what a valid row does and, when write is set, does it.
func (s *Store) importOne(tx *bolt.Tx, r ImportRow, at time.Time, write bool, by Actor, rep *ImportReport) error {
	sup := r.Supplier
	id := tx.Bucket(bucketByKBO).Get([]byte(sup.EnterpriseNumber))
	if id == nil {
		if sup.ID == "" {
			sup.ID = newID()
		} else if tx.Bucket(bucketSuppliers).Get([]byte(sup.ID)) != nil {
			rep.Errors = append(rep.Errors, RowError{Row: r.Row, EnterpriseNumber: sup.EnterpriseNumber, FieldError: FieldError{
				Field: "id", Code: "id_taken", Reason: fmt.Sprintf("%q is the id of a supplier with another enterprise number", sup.ID)}})
			return nil
		}
		stampNew(sup, at)
		rep.Created = append(rep.Created, r.Row)
		if !write {
			return nil
		}
		if err := put(tx, sup, ""); err != nil {
			return err
		}
		if err := appendHistory(tx, HistoryEntry{SupplierID: sup.ID, Version: sup.Version, At: at, Actor: by, Action: ActionImport}); err != nil {
			return err
		}
		return appendChange(tx, sup.ID, OpPut, sup.Version, at)
	}
	cur, err := get(tx, string(id))
	if err != nil {
		return err
	}
	// The file describes the supplier; the directory keeps who it is and
	// how it got here.
	sup.ID, sup.CreatedAt, sup.Version = cur.ID, cur.CreatedAt, cur.Version
	keepVerifications(&cur, sup)
	if sup.UpdatedAt.IsZero() {
		sup.UpdatedAt = cur.UpdatedAt
	}
	if sup.ConfirmedAt.IsZero() {
		sup.ConfirmedAt = cur.ConfirmedAt
	}
	if reflect.DeepEqual(normalJSON(*sup), normalJSON(cur)) {
		rep.Unchanged = append(rep.Unchanged, r.Row)
		return nil
	}
	sup.UpdatedAt, sup.Version = at, cur.Version+1
	rep.Updated = append(rep.Updated, r.Row)
	if !write {
		return nil
	}
	if err := put(tx, sup, cur.EnterpriseNumber); err != nil {
		return err
	}
	if err := appendHistory(tx, HistoryEntry{SupplierID: sup.ID, Version: sup.Version, At: at, Actor: by, Action: ActionImport, Changes: Diff(&cur, sup)}); err != nil {
		return err
	}
	return appendChange(tx, sup.ID, OpPut, sup.Version, at)
}

// normalJSON is a supplier as JSON values, so that nil and empty lists
// compare equal.
func normalJSON(s Supplier) any {
	b, _ := json.Marshal(s)
	var v any
	_ = json.Unmarshal(b, &v)
	return v
}

// ReadJSONRows reads suppliers as JSON Lines (one object per line, as
// Export writes them) or as one JSON array. A line or element that is not
// a supplier is a row error, not the end of the import.
func ReadJSONRows(r io.Reader) ([]ImportRow, error) {
	br := bufio.NewReader(r)
	first, err := firstByte(br)
	if err == io.EOF {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var rows []ImportRow
	if first == '[' {
		var raw []json.RawMessage
		if err := json.NewDecoder(br).Decode(&raw); err != nil {
			return nil, fmt.Errorf("the file is not a JSON array: %w", err)
		}
		for i, m := range raw {
			rows = append(rows, decodeRow(i+1, m))
		}
		return rows, nil
	}
	sc := bufio.NewScanner(br)
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	var lines [][]byte
	for line := 1; sc.Scan(); line++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		rows = append(rows, ImportRow{Row: line})
		lines = append(lines, append([]byte(nil), sc.Bytes()...))
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	decodeRows(rows, lines)
	return rows, nil
}

// decodeRows decodes every line into its row. Lines are independent and
// decoding is most of reading a large file, so the cores share it, each
// taking a contiguous run of lines.
func decodeRows(rows []ImportRow, lines [][]byte) {
	workers := min(runtime.GOMAXPROCS(0), len(lines)/1000+1)
	var wg sync.WaitGroup
	per := (len(lines) + workers - 1) / workers
	for from := 0; from < len(lines); from += per {
		wg.Go(func() {
			for i := from; i < min(from+per, len(lines)); i++ {
				rows[i] = decodeRow(rows[i].Row, lines[i])
				lines[i] = nil
			}
		})
	}
	wg.Wait()
}

// firstByte skips a byte-order mark and white space and returns the first
// byte after them, unread.
func firstByte(br *bufio.Reader) (byte, error) {
	if bom, err := br.Peek(3); err == nil && string(bom) == "\xEF\xBB\xBF" {
		_, _ = br.Discard(3)
	}
	for {
		b, err := br.ReadByte()
		if err != nil {
			return 0, err
		}
		if b != ' ' && b != '\n' && b != '\r' && b != '\t' {
			return b, br.UnreadByte()
		}
	}
}

func decodeRow(row int, m []byte) ImportRow {
	var s Supplier
	dec := json.NewDecoder(bytes.NewReader(m))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return ImportRow{Row: row, Err: &FieldError{Field: "row", Code: "invalid_json", Reason: err.Error()}}
	}
	return ImportRow{Row: row, Supplier: &s}
}

// Export writes every supplier as one JSON object per line, from one
// consistent view of the store.
func (s *Store) Export(w io.Writer) (int, error) {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	n := 0
	_, err := s.Snapshot(func(sup Supplier) error {
		n++
		return enc.Encode(sup)
	})
	if err != nil {
		return n, err
	}
	return n, bw.Flush()
}
