package directory

import "syscall"

// releaseMapped advises the kernel that the mapped bytes from addr are not
// needed; a shared file map is filled again from the file when read.
func releaseMapped(addr uintptr, size int64) error {
	if size <= 0 {
		return nil
	}
	if _, _, errno := syscall.Syscall(syscall.SYS_MADVISE, addr, uintptr(size), syscall.MADV_DONTNEED); errno != 0 {
		return errno
	}
	return nil
}
