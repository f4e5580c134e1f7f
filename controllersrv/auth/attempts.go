package auth

import "sync"

// Attempts counts consecutive failed credential checks per key (an
// authenticator id; a username or a source address for throttling). A
// success resets its key. The counts live in memory, as the OpenZiti
// controller keeps its own: a restart forgets them, never a lockout,
// which is stored with the identity.
type Attempts struct {
	mu sync.Mutex
	n  map[string]int64
}

// NewAttempts returns an empty counter.
func NewAttempts() *Attempts { return &Attempts{n: map[string]int64{}} }

// Fail records a failure of key and returns its consecutive failures.
func (a *Attempts) Fail(key string) int64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.n[key]++
	return a.n[key]
}

// Count is the number of consecutive failures of key.
func (a *Attempts) Count(key string) int64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.n[key]
}

// Reset forgets the failures of key (after a success or a lockout).
func (a *Attempts) Reset(key string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	delete(a.n, key)
}
