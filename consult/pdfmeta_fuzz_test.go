package consult_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/verken/verken/consult"
)

// ScrubPDF reads files from outside: whatever the bytes, it returns
// within a bounded time, never panics, and what it returns has the input's
// length (the offsets hold) or it refuses.
func FuzzScrubPDF(f *testing.F) {
	f.Add(infoPDF)
	f.Add(xmpPDF)
	f.Add([]byte("%PDF-1.7\n1 0 obj << /Author (a\\) (b) c) >> endobj trailer << /Info 1 0 R >>"))
	f.Add([]byte("%PDF-1.4\n<< /Type /ObjStm /Filter /FlateDecode /Length 5 >>\nstream\nxxxxx\nendstream"))
	f.Add(desyncPDF("BT ET %endstream (\n", ""))
	f.Add(objStmPDF())
	f.Add(withMetadata("/Type 10 0 R /Filter /FlateDecode", flate(testXMP)))
	f.Add(withMetadata("/Filter [/AHx /Fl] /DecodeParms [null << /Predictor 12 /Columns 8 >>]", fmt.Sprintf("%X>", flate(testXMP))))
	f.Add(withMetadata("", utf16BE(testXMP)))
	f.Add(withMetadata("/Type /Metadata /Subtype /XML", strings.Replace(testXMP, "x:", "m:", -1)))
	f.Add(withMetadata("/Type /Metadata /Subtype /XML", `<!DOCTYPE x [<!ENTITY a "b">]><a xmlns:x="adobe:ns:meta/"><a/><![CDATA[Jan]]></a>`))
	f.Add(withInfo("<< /Author /Jan#20Peeters /Company [(Jan) << /A (B) >>] /CreationDate (D:2026) /ModDate (Jan) >>"))
	f.Add(classicPDF([]pobj{{1, "<< /Type /Catalog /OpenAction 9 0 R >>"}, {9, "<< /S /GoTo /D [1 0 R /Fit] >>"}}, "/Root 1 0 R"))
	f.Fuzz(func(t *testing.T, in []byte) {
		done := make(chan struct{})
		var out []byte
		var err error
		go func() {
			defer close(done)
			out, err = consult.ScrubPDF(bytes.Clone(in), "Stad Auditstad", "jan.peeters@auditstad.example")
		}()
		select {
		case <-done:
		case <-time.After(2 * time.Second):
			t.Fatalf("ScrubPDF ran over 2 s on %d bytes", len(in))
		}
		if err == nil && len(out) != len(in) {
			t.Fatalf("%d bytes out of %d", len(out), len(in))
		}
	})
}
