//go:build !linux

package directory

// releaseMapped does nothing where the kernel has no madvise to ask.
func releaseMapped(uintptr, int64) error { return nil }
