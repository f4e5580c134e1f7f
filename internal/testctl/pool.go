package testctl

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"
)

// Both runs f as one subtest per kind, named after it, whatever
// ZITI_TEST_CONTROLLER says: for the proofs that must hold on controllersrv
// and on the real controller in every run. The real controller's subtest
// fails under CI=true and skips loudly elsewhere when ziti is missing.
func Both(t *testing.T, f func(t *testing.T, kind Kind)) {
	t.Helper()
	for _, kind := range []Kind{Controllersrv, Ziti} {
		t.Run(string(kind), func(t *testing.T) {
			Require(t, kind)
			f(t, kind)
		})
	}
}

// Pool shares controllers among a package's tests: one per kind and
// Options, started on first use (the real controller takes seconds to
// start). Close it from TestMain:
//
//	var pool testctl.Pool
//	func TestMain(m *testing.M) { code := m.Run(); pool.Close(code != 0); os.Exit(code) }
type Pool struct {
	mu   sync.Mutex
	ctls map[string]*Controller
}

// Get returns the pool's controller of kind for opts, starting it if
// needed; a start error fails the test (see Require for a missing ziti).
func (p *Pool) Get(t testing.TB, kind Kind, opts Options) *Controller {
	t.Helper()
	Require(t, kind)
	key := fmt.Sprintf("%s %+v", kind, opts)
	p.mu.Lock()
	defer p.mu.Unlock()
	if c := p.ctls[key]; c != nil {
		return c
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	c, err := Start(ctx, kind, opts)
	if err != nil {
		t.Fatalf("starting %s: %v", kind, err)
	}
	if p.ctls == nil {
		p.ctls = map[string]*Controller{}
	}
	p.ctls[key] = c
	return c
}

// Close stops every controller of the pool. With failed it keeps their
// directories and prints the tail of each log.
func (p *Pool) Close(failed bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.ctls {
		if failed {
			fmt.Fprintf(os.Stderr, "testctl: %s (kept in %s), last lines of %s:\n%s\n", c, c.Dir, c.LogFile, c.LogTail(40))
			_ = c.CloseKeep()
			continue
		}
		_ = c.Close()
	}
	p.ctls = nil
}
