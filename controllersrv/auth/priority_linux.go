package auth

import "syscall"

// lowerThreadPriority sets the nice value of the calling thread (which
// must be locked to its goroutine): on Linux the priority is per thread.
// Raising it back needs a privilege, so the thread must end with its
// goroutine.
func lowerThreadPriority(nice int) bool {
	return syscall.Setpriority(syscall.PRIO_PROCESS, syscall.Gettid(), nice) == nil
}
