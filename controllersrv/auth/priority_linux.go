package auth

import "syscall"

// lowerThreadPriority sets the nice value of the calling thread (which
// must be locked to its goroutine), as far as the system allows: on Linux
// the priority is per thread. Raising it back needs a privilege, so the
// thread must serve only its goroutine from then on.
func lowerThreadPriority(nice int) {
	_ = syscall.Setpriority(syscall.PRIO_PROCESS, syscall.Gettid(), nice)
}
