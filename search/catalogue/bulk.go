package catalogue

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/document"
	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/verken/verken/directory"
)

// rebuildBatch is how many suppliers go into one Bleve batch when the
// index is built from scratch, and maxBuilders how many batches are built
// at once. Measured at 100,000 suppliers on two cores, the CPU time hardly
// depends on either (1,000 to 5,000 per batch, one or two at once: 20–23 s),
// but the peak memory does: a batch's preAnalysed documents take about 100 KB
// each until its segment is written, so 5,000 × 2 peaked at 1.4 GB and
// 1,000 × 2 at 770 MB (docs/performance.md, "Bulk loading").
const (
	rebuildBatch = 1000
	maxBuilders  = 4
)

// textDocs turns a supplier's searchable text into a Bleve document
// without going through the mapping's reflective walk, and analyses what
// suppliers share (words, place names, labels) once rather than once per
// supplier.
//
// The mapping is still the one truth about fields: every field's analyzer
// and options are read from it, and the tokens are the mapping's own
// analyzers' (TestBulkDocumentsMatchMapping compares the two paths). The
// difference is the shape: a field that holds a list becomes one field
// whose value is the list's items preAnalysed one by one and put end to end,
// instead of one field per item that scorch merges again. Frequencies and
// field lengths are the same; positions would not be, and so the mapping
// must not keep term vectors (newTextDocs refuses one that does).
//
// The text fields' analyzers fold and split alike and differ only in
// filters that work word by word (words.go): a document's text is split
// once for all of them, and each word's form in each is remembered, which
// halves the analysis. Other fields (the labels) go through their own
// analyzer.
type textDocs struct {
	fields map[string]textField
	split  textSplitter
}

type textField struct {
	options index.FieldIndexingOptions
	// words are the analyzer's filters for a text field; nil for another
	// field, which analyzer analyses.
	words    *wordFilters
	analyzer *memoAnalyzer
}

func newTextDocs(m *mapping.IndexMappingImpl) (*textDocs, error) {
	split, err := newTextSplitter(m)
	if err != nil {
		return nil, err
	}
	d := &textDocs{fields: map[string]textField{}, split: split}
	memos := map[string]*memoAnalyzer{} // fields with one analyzer share its memo
	words := map[string]*wordFilters{}
	for name, dm := range m.DefaultMapping.Properties {
		if len(dm.Fields) != 1 || dm.Fields[0].Type != "text" {
			return nil, fmt.Errorf("field %q: bulk documents know one text field per property", name)
		}
		fm := dm.Fields[0]
		opts := fm.Options()
		if opts.IncludeTermVectors() || opts.IsStored() || opts.IncludeDocValues() {
			return nil, fmt.Errorf("field %q keeps term vectors, stored values or doc values: bulk documents do not write them", name)
		}
		a := m.AnalyzerNamed(fm.Analyzer)
		if a == nil {
			return nil, fmt.Errorf("field %q: no analyzer %q", name, fm.Analyzer)
		}
		f := textField{options: opts}
		if _, ok := splitsLikeText(a); ok {
			if words[fm.Analyzer] == nil {
				if words[fm.Analyzer], err = newWordFilters(m, fm.Analyzer); err != nil {
					return nil, err
				}
			}
			f.words = words[fm.Analyzer]
		} else {
			if memos[fm.Analyzer] == nil {
				memos[fm.Analyzer] = newMemo(a)
			}
			f.analyzer = memos[fm.Analyzer]
		}
		d.fields[name] = f
	}
	return d, nil
}

// document makes the Bleve document of a supplier from the documenter's
// field values (a string or a list of strings per field).
func (d *textDocs) document(id string, values map[string]interface{}) (*document.Document, error) {
	doc := document.NewDocument(id)
	split := map[string]analysis.TokenStream{} // each part of this document's text, split once
	for name, v := range values {
		f, ok := d.fields[name]
		if !ok {
			return nil, fmt.Errorf("document field %q is not in the mapping", name)
		}
		var parts []string
		switch v := v.(type) {
		case string:
			parts = []string{v}
		case []string:
			parts = v
		default:
			return nil, fmt.Errorf("document field %q: %T", name, v)
		}
		value := []byte(strings.Join(parts, partSep))
		if f.words == nil {
			doc.AddField(document.NewTextFieldCustom(name, nil, value, f.options, f.analyzer))
			continue
		}
		n := 0
		for _, p := range parts {
			words, ok := split[p]
			if !ok {
				words = d.split.split([]byte(p))
				split[p] = words
			}
			n += len(words)
		}
		// The field's tokens live in one array: a token each on the heap
		// was a fifth of a rebuild's allocations.
		slab := make([]analysis.Token, 0, n)
		tokens := make(analysis.TokenStream, 0, n)
		for _, p := range parts {
			for _, w := range split[p] {
				if form, kept := f.words.of(w.Term); kept {
					slab = append(slab, *w)
					t := &slab[len(slab)-1]
					t.Term = form
					tokens = append(tokens, t)
				}
			}
		}
		doc.AddField(document.NewTextFieldCustom(name, nil, value, f.options, preAnalysed(tokens)))
	}
	return doc, nil
}

// preAnalysed is a field's analysis done beforehand: Bleve asks for it when
// it indexes the document.
type preAnalysed analysis.TokenStream

func (a preAnalysed) Analyze([]byte) analysis.TokenStream { return analysis.TokenStream(a) }

// partSep separates the items of a list in a field's value. It is a
// character the tokenizer never puts inside a token, so splitting on it
// gives back the items; the analyzer below does, to memoise each.
const partSep = "\x1f"

// memoAnalyzer analyses each part of a value with the mapping's analyzer,
// remembering the tokens of short parts that recur: the labels and place
// names that thousands of suppliers share. Cached token streams are shared
// between documents and never written: Bleve only reads the tokens (their
// term and, for term vectors that these fields do not keep, their
// positions).
type memoAnalyzer struct {
	inner analysis.Analyzer
	mu    sync.RWMutex
	seen  map[string]analysis.TokenStream
	// once holds parts met once since it was last emptied: a part is kept
	// in seen when it comes back, so that names and descriptions, nearly
	// all unique, do not fill the memo before the labels come.
	once map[string]struct{}
}

// Bounds of a memo: only short parts are kept (long ones are descriptions,
// which do not recur), and only so many, so that text more varied than
// labels and place names costs a few megabytes at most.
const (
	memoMaxPart    = 160
	memoMaxEntries = 1 << 14
)

func newMemo(inner analysis.Analyzer) *memoAnalyzer {
	return &memoAnalyzer{inner: inner, seen: map[string]analysis.TokenStream{}, once: map[string]struct{}{}}
}

func (m *memoAnalyzer) Analyze(text []byte) analysis.TokenStream {
	var out analysis.TokenStream
	for len(text) > 0 {
		part := text
		if i := bytes.IndexByte(text, partSep[0]); i >= 0 {
			part, text = text[:i], text[i+1:]
		} else {
			text = nil
		}
		out = append(out, m.part(part)...)
	}
	return out
}

func (m *memoAnalyzer) part(p []byte) analysis.TokenStream {
	if len(p) > memoMaxPart {
		return m.inner.Analyze(p)
	}
	m.mu.RLock()
	ts, ok := m.seen[string(p)]
	m.mu.RUnlock()
	if ok {
		return ts
	}
	// The analyzer may keep slices of its input in the tokens: give it a
	// copy of its own, which the memo may keep.
	key := string(p)
	ts = m.inner.Analyze([]byte(key))
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, again := m.once[key]; again && len(m.seen) < memoMaxEntries {
		m.seen[key] = ts
		delete(m.once, key)
		return ts
	}
	if len(m.once) >= memoMaxEntries {
		clear(m.once)
	}
	m.once[key] = struct{}{}
	return ts
}

// buildAll indexes every searchable supplier of a store snapshot into a new,
// empty index and fills cat, and returns how many it indexed and the last
// change the snapshot includes.
//
// The work is split where it can run side by side. One goroutine reads
// the snapshot and makes the catalogue entries (the catalogue and its
// interned sets are not safe for concurrent use). Builders, one per core,
// take whole batches of suppliers, make their documents and hand each batch
// to Bleve, which analyses it and builds a segment from it: scorch accepts
// batches from several goroutines at once and builds their segments
// concurrently, introducing them one at a time. The batches are of
// distinct suppliers, so the order they land in does not matter; the last
// applied change is written after all of them, so an index that has it is
// complete.
func (x *Index) buildAll(idx bleve.Index, tds *textDocs, cat *catalogue) (n int, last uint64, err error) {
	chunks := make(chan []directory.Supplier, 1)
	builders := min(maxBuilders, max(1, runtime.GOMAXPROCS(0)))
	errs := make(chan error, builders)
	var failed atomic.Bool
	for range builders {
		go func() {
			var err error
			for sups := range chunks {
				if err == nil {
					if err = x.indexChunk(idx, tds, sups); err != nil {
						failed.Store(true)
					}
				}
				// after an error, go on draining so that the reader ends
			}
			errs <- err
		}()
	}
	cur := make([]directory.Supplier, 0, rebuildBatch)
	last, err = x.store.Snapshot(func(s directory.Supplier) error {
		if !searchable(&s) {
			return nil
		}
		if failed.Load() {
			return errors.New("a batch failed")
		}
		cat.put(x.facts.entry(&s))
		cur = append(cur, s)
		n++
		if len(cur) == rebuildBatch {
			chunks <- cur
			cur = make([]directory.Supplier, 0, rebuildBatch)
		}
		return nil
	})
	if len(cur) > 0 && err == nil {
		chunks <- cur
	}
	close(chunks)
	for range builders {
		// A builder's own error says more than the reader's "a batch failed".
		if berr := <-errs; berr != nil {
			err = berr
		}
	}
	if err != nil {
		return n, last, err
	}
	b := idx.NewBatch()
	b.SetInternal(keyMappingVersion, []byte(MappingVersion))
	b.SetInternal(keyLastSeq, []byte(strconv.FormatUint(last, 10)))
	return n, last, idx.Batch(b)
}

// indexChunk makes the documents of a batch of suppliers and indexes them
// in one Bleve batch.
func (x *Index) indexChunk(idx bleve.Index, tds *textDocs, sups []directory.Supplier) error {
	b := idx.NewBatch()
	for i := range sups {
		d, err := tds.document(sups[i].ID, x.docs.document(&sups[i]))
		if err != nil {
			return err
		}
		if err := b.IndexAdvanced(d); err != nil {
			return err
		}
	}
	return idx.Batch(b)
}
