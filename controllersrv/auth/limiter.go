package auth

import (
	"context"
	"runtime"
	"slices"
	"sync"
	"time"
)

// LimiterConfig sizes a Limiter; zero fields take the defaults.
type LimiterConfig struct {
	// Workers is the number of checks that run at once (default: half
	// the CPU count, at least one, so that other requests keep a core).
	Workers int
	// Queue is the number of checks that may wait for a worker (default
	// 32 per worker); one more is refused.
	Queue int
	// PerSource and PerUsername bound the running and waiting checks of
	// one source address and of one username (default: half of
	// Workers+Queue, at least one).
	PerSource, PerUsername int
	// MaxWait is the longest a check waits for a worker before it is
	// refused (default 5s).
	MaxWait time.Duration
	// SourceFailures is the number of failed checks a source address
	// may run in a row (default 20); after that, one more per
	// SourceFailureInterval (default 3s), whatever the usernames.
	SourceFailures        int
	SourceFailureInterval time.Duration
	// RefusalDelay is how long a check refused at once (a bound
	// reached, the budget of failures spent) waits before it is
	// answered (default 1s).
	RefusalDelay time.Duration
	// FailureShare is the share of a worker's time that failed checks
	// may take (default 0.25): after a failed check the worker rests
	// before it runs the next check, three times as long as the check
	// took at the default. 1 turns resting off.
	FailureShare float64
	// Now is the clock that forgives failures (nil: time.Now; tests
	// move the controller's clock).
	Now func() time.Time
}

// Limiter bounds the credential checks (password key derivations) that
// run at once, and those waiting, in all and per source address and
// username. Each argon2id check takes tens of MiB and a core for tens of
// milliseconds: without a bound, parallel bad logins exhaust memory and
// starve every other request. A check over the bound is refused at once,
// before any key derivation, as the OpenZiti controller's auth rate
// limiter answers 429 RATE_LIMITED. Each source also has a budget of
// failed checks (see Failed), so that a guesser cannot go on at the
// workers' pace forever by naming usernames that do not exist, which no
// account's lockout counts; guessing one account's password slowly is
// the auth policy's lockout's job (Attempts).
//
// Failed checks take at most FailureShare of a worker's time: after one,
// the worker rests before it runs the next check, whatever its source
// (fresh addresses are cheap: an IPv6 attacker has millions of /64s). A
// flood from many addresses, each with its budget, would otherwise keep a
// worker deriving keys back to back, a core taken from every other
// request even at a lower priority (the login flood benchmark measured
// the other clients' GET p99 at 1.5x to 3.9x the quiet one with 1,000
// addresses; 1.3x to 1.8x in most runs with failed checks taking a
// quarter of the worker's time). Honest logins succeed and leave no rest;
// a clean source's check still gets the worker first once a rest ends.
// The guesses of a flood come four times slower.
//
// Checks from a clean source (one that has neither failed a check nor
// been refused one for SourceFailures*SourceFailureInterval, such as an
// administrator's address) have a lane of their own: Queue more may be
// admitted beyond the bound that a flood fills, and they get the next
// free worker before any check of a source that is not clean. During a
// flood from many addresses each attacking address fails or is refused
// again well within that time, so an honest login from elsewhere waits
// for the running check instead of being refused; fresh addresses fill
// the lane only once each. The lane depends only on the source's own
// past, never on the username, so its answers tell nothing about which
// usernames exist.
type Limiter struct {
	cfg      LimiterConfig
	failures *failures

	mu       sync.Mutex
	admitted int
	keys     map[string]int
	busy     int // workers running a check or resting
	// Checks waiting for a worker, first in first out, those of
	// clean sources before the others.
	waitClean, waitOther []chan struct{}
}

// NewLimiter returns a Limiter sized by cfg.
func NewLimiter(cfg LimiterConfig) *Limiter {
	if cfg.Workers <= 0 {
		cfg.Workers = max(1, runtime.NumCPU()/2)
	}
	if cfg.Queue <= 0 {
		cfg.Queue = 32 * cfg.Workers
	}
	half := max(1, (cfg.Workers+cfg.Queue)/2)
	if cfg.PerSource <= 0 {
		cfg.PerSource = half
	}
	if cfg.PerUsername <= 0 {
		cfg.PerUsername = half
	}
	if cfg.MaxWait <= 0 {
		cfg.MaxWait = 5 * time.Second
	}
	if cfg.SourceFailures <= 0 {
		cfg.SourceFailures = 20
	}
	if cfg.SourceFailureInterval <= 0 {
		cfg.SourceFailureInterval = 3 * time.Second
	}
	if cfg.RefusalDelay <= 0 {
		cfg.RefusalDelay = time.Second
	}
	if cfg.FailureShare <= 0 || cfg.FailureShare > 1 {
		cfg.FailureShare = 0.25
	}
	f := newFailures(cfg.SourceFailures, cfg.SourceFailureInterval)
	if cfg.Now != nil {
		f.now = cfg.Now
	}
	return &Limiter{cfg: cfg, keys: map[string]int{}, failures: f}
}

// Failed records a failed check from source (a wrong password or an
// unknown username alike): once a source has spent its budget, Acquire
// refuses its checks until time forgives one. The release function of
// Acquire calls it for the check it ends.
func (l *Limiter) Failed(source string) { l.failures.fail(source) }

// Config is the limiter's configuration with the defaults filled in.
func (l *Limiter) Config() LimiterConfig { return l.cfg }

// Acquire admits a check for username from source and waits for a
// worker. It reports false after RefusalDelay when a bound is reached or
// source has spent its budget of failures, and after waiting when no
// worker freed up in MaxWait; at once when ctx ends. Otherwise release
// must be called when the check is done, with whether it failed (a
// failure counts against the source's budget, see Failed, and rests the
// worker).
//
// The delay is what keeps a flood cheap: a client that sends its next
// login as soon as the last is answered would otherwise get thousands of
// instant refusals a second, each a request to parse and answer, and
// take the CPU from every other request (the login flood benchmark
// measured 4,600 refusals a second from 100 such clients, and the other
// clients' p99 at 7x). Held for a second, the same clients send 100. A
// waiting refusal holds only its request's goroutine.
func (l *Limiter) Acquire(ctx context.Context, source, username string) (release func(failed bool), ok bool) {
	src, user := "source\x00"+source, "username\x00"+username
	allowed, clean := l.failures.standing(source)
	if !allowed || !l.admit(src, user, clean) {
		l.failures.refused(source)
		t := time.NewTimer(l.cfg.RefusalDelay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
		}
		return nil, false
	}
	if !l.worker(ctx, clean) {
		l.failures.refused(source)
		l.leave(src, user)
		return nil, false
	}
	began := time.Now()
	var once sync.Once
	return func(failed bool) {
		once.Do(func() {
			var rest time.Duration
			if failed {
				l.Failed(source)
				took := time.Since(began)
				rest = time.Duration(float64(took) * (1/l.cfg.FailureShare - 1))
			}
			l.freeWorker(rest)
			l.leave(src, user)
		})
	}, true
}

func (l *Limiter) admit(src, user string, clean bool) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	bound := l.cfg.Workers + l.cfg.Queue
	if clean {
		bound += l.cfg.Queue
	}
	if l.admitted >= bound || l.keys[src] >= l.cfg.PerSource || l.keys[user] >= l.cfg.PerUsername {
		return false
	}
	l.admitted++
	l.keys[src]++
	l.keys[user]++
	return true
}

func (l *Limiter) leave(src, user string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.admitted--
	for _, k := range []string{src, user} {
		if l.keys[k]--; l.keys[k] <= 0 {
			delete(l.keys, k)
		}
	}
}

// worker waits (at most MaxWait, or until ctx ends) for a free worker
// and reports whether it got one. Clean checks are served before the
// others.
func (l *Limiter) worker(ctx context.Context, clean bool) bool {
	l.mu.Lock()
	if l.busy < l.cfg.Workers && len(l.waitClean) == 0 && (clean || len(l.waitOther) == 0) {
		l.busy++
		l.mu.Unlock()
		return true
	}
	ch := make(chan struct{})
	q := &l.waitOther
	if clean {
		q = &l.waitClean
	}
	*q = append(*q, ch)
	l.mu.Unlock()
	t := time.NewTimer(l.cfg.MaxWait)
	defer t.Stop()
	select {
	case <-ch:
		return true
	case <-t.C:
	case <-ctx.Done():
	}
	l.mu.Lock()
	i := slices.Index(*q, ch)
	if i >= 0 {
		*q = slices.Delete(*q, i, i+1)
	}
	l.mu.Unlock()
	if i < 0 { // handed a worker while giving up: pass it on
		l.freeWorker(0)
	}
	return false
}

// freeWorker hands a worker to the first waiting check, clean ones
// first, or marks it free; after rest, when that is not zero.
func (l *Limiter) freeWorker(rest time.Duration) {
	if rest > 0 {
		time.AfterFunc(rest, func() { l.freeWorker(0) })
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, q := range []*[]chan struct{}{&l.waitClean, &l.waitOther} {
		if len(*q) > 0 {
			close((*q)[0])
			*q = (*q)[1:]
			return
		}
	}
	l.busy--
}
