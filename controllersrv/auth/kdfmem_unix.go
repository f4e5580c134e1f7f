//go:build unix

package auth

import "syscall"

// mapMemory maps size bytes of anonymous memory outside the Go heap (nil
// if the system refuses: the derivation then grows its memory on the
// heap). unmap gives it back to the system at once.
func mapMemory(size int) (buf []byte, unmap func()) {
	b, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		return nil, func() {}
	}
	return b, func() { _ = syscall.Munmap(b) }
}
