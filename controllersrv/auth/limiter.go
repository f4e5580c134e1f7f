package auth

import (
	"context"
	"runtime"
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
type Limiter struct {
	cfg      LimiterConfig
	workers  chan struct{}
	failures *failures

	mu       sync.Mutex
	admitted int
	keys     map[string]int
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
	f := newFailures(cfg.SourceFailures, cfg.SourceFailureInterval)
	if cfg.Now != nil {
		f.now = cfg.Now
	}
	return &Limiter{cfg: cfg, workers: make(chan struct{}, cfg.Workers), keys: map[string]int{}, failures: f}
}

// Failed records a failed check from source (a wrong password or an
// unknown username alike): once a source has spent its budget, Acquire
// refuses its checks until time forgives one.
func (l *Limiter) Failed(source string) { l.failures.fail(source) }

// Config is the limiter's configuration with the defaults filled in.
func (l *Limiter) Config() LimiterConfig { return l.cfg }

// Acquire admits a check for username from source and waits for a
// worker. It reports false, without waiting, when a bound is reached or
// source has spent its budget of failures,
// and after waiting when no worker freed up in MaxWait or ctx ended;
// otherwise release must be called when the check is done.
func (l *Limiter) Acquire(ctx context.Context, source, username string) (release func(), ok bool) {
	src, user := "source\x00"+source, "username\x00"+username
	if !l.failures.allowed(source) || !l.admit(src, user) {
		return nil, false
	}
	t := time.NewTimer(l.cfg.MaxWait)
	defer t.Stop()
	select {
	case l.workers <- struct{}{}:
	case <-t.C:
		l.leave(src, user)
		return nil, false
	case <-ctx.Done():
		l.leave(src, user)
		return nil, false
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			<-l.workers
			l.leave(src, user)
		})
	}, true
}

func (l *Limiter) admit(src, user string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.admitted >= l.cfg.Workers+l.cfg.Queue || l.keys[src] >= l.cfg.PerSource || l.keys[user] >= l.cfg.PerUsername {
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
