package consult_test

import (
	"bytes"
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
	f.Fuzz(func(t *testing.T, in []byte) {
		done := make(chan struct{})
		var out []byte
		var err error
		go func() {
			defer close(done)
			out, err = consult.ScrubPDF(bytes.Clone(in))
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
