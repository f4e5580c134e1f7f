package auth

import (
	"net/netip"
	"sync"
	"time"
)

// maxFailureSources bounds the sources failures tracks (about 100 bytes
// each). Sources whose failures were all forgiven are dropped first; when
// every one still owes, a new source is not tracked: the table never
// grows past the bound, and the concurrency bound of the Limiter still
// holds for the untracked.
const maxFailureSources = 1 << 16

// failures is the per-source budget of failed credential checks: a source
// may fail burst checks in a row, then one more per every (the generic
// cell rate algorithm: one timestamp per source, the time at which all its
// failures are forgiven). It counts every failure alike, whether the
// username exists or not, so that guessing against unknown usernames is
// limited as much as guessing passwords, and the answer (429 once the
// budget is spent, for any username) tells nothing about which exist.
type failures struct {
	burst int
	every time.Duration

	mu    sync.Mutex
	now   func() time.Time
	until map[string]debt
}

// debt is what a source owes: the time at which all its failures are
// forgiven, and when it last failed or was refused.
type debt struct{ until, last time.Time }

func newFailures(burst int, every time.Duration) *failures {
	return &failures{burst: burst, every: every, now: time.Now, until: map[string]debt{}}
}

// standing reports whether source may run another check, and whether it
// is clean: it has not failed a check nor been refused one for as long
// as a full budget takes to be forgiven (burst*every). A flood's
// addresses fail or are refused again long before that, however slowly
// each is served.
func (f *failures) standing(source string) (allowed, clean bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	d, ok := f.until[SourceKey(source)]
	if !ok {
		return true, true
	}
	now := f.now()
	return d.until.Sub(now) <= time.Duration(f.burst-1)*f.every, now.Sub(d.last) >= time.Duration(f.burst)*f.every
}

// fail records a failed check of source.
func (f *failures) fail(source string) { f.record(source, f.every) }

// refused records a check of source refused before it ran: no debt, but
// the source is not clean for a while.
func (f *failures) refused(source string) { f.record(source, 0) }

// record adds owed to source's debt and marks it not clean.
func (f *failures) record(source string, owed time.Duration) {
	key := SourceKey(source)
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.now()
	d, ok := f.until[key]
	if !ok && len(f.until) >= maxFailureSources {
		for k, v := range f.until {
			if !v.until.After(now) {
				delete(f.until, k)
			}
		}
		if len(f.until) >= maxFailureSources {
			return
		}
	}
	if d.until.Before(now) {
		d.until = now
	}
	f.until[key] = debt{until: d.until.Add(owed), last: now}
}

// SourceKey is the unit a budget belongs to: an IPv4 address, or the /64
// of an IPv6 one (what one host usually gets, and can change its address
// within at will). The server's per-source connection bound counts by it
// too.
func SourceKey(source string) string {
	a, err := netip.ParseAddr(source)
	if err != nil {
		return source
	}
	a = a.Unmap()
	if a.Is4() {
		return a.String()
	}
	p, _ := a.Prefix(64)
	return p.String()
}

// Clean reports whether source is clean (see Limiter): it has neither
// failed a password check nor been refused one for as long as a full
// budget of failures takes to be forgiven. The server's connection
// bound for refused clients spares clean addresses.
func (l *Limiter) Clean(source string) bool {
	_, clean := l.failures.standing(source)
	return clean
}
