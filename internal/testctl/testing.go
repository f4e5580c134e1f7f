package testctl

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"
)

// StartT starts a controller of kind for one test (or benchmark): a ziti
// kind without the binary fails under CI=true and skips loudly elsewhere;
// a start error fails the test. The controller stops in t.Cleanup; when
// the test failed, its directory is kept and the tail of its log printed.
func StartT(t testing.TB, kind Kind) *Controller {
	t.Helper()
	Require(t, kind)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	c, err := Start(ctx, kind, Options{})
	if err != nil {
		t.Fatalf("starting %s: %v", kind, err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("%s (kept in %s), last lines of %s:\n%s", c, c.Dir, c.LogFile, c.LogTail(40))
			_ = c.CloseKeep()
			return
		}
		_ = c.Close()
	})
	return c
}

// Shared is one controller per test binary, of the kind Selected returns,
// started on the first Get and stopped by Close (from TestMain). Tests that
// never call Get never start it.
type Shared struct {
	once sync.Once
	ctl  *Controller
	err  error
}

// Get returns the shared controller, starting it if needed. The ziti kind
// without the binary fails under CI=true and skips loudly elsewhere; a
// start error fails the test.
func (s *Shared) Get(t testing.TB) *Controller {
	t.Helper()
	kind := Selected()
	Require(t, kind)
	s.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		t0 := time.Now()
		s.ctl, s.err = Start(ctx, kind, Options{})
		if s.err == nil {
			fmt.Fprintf(os.Stderr, "testctl: %s ready in %v\n", s.ctl, time.Since(t0).Round(time.Millisecond))
		}
	})
	if s.err != nil {
		if errors.Is(s.err, ErrNoZiti) {
			RequireZiti(t)
		}
		t.Fatalf("starting the shared %s controller: %v", kind, s.err)
	}
	return s.ctl
}

// Started is the shared controller if Get started one, else nil.
func (s *Shared) Started() *Controller { return s.ctl }

// Close stops the shared controller. With failed (the tests' exit code was
// not 0) it keeps the controller's directory and prints its log tail.
func (s *Shared) Close(failed bool) {
	if s.ctl == nil {
		return
	}
	if failed {
		fmt.Fprintf(os.Stderr, "testctl: %s (kept in %s), last lines of %s:\n%s\n", s.ctl, s.ctl.Dir, s.ctl.LogFile, s.ctl.LogTail(40))
		_ = s.ctl.CloseKeep()
		return
	}
	_ = s.ctl.Close()
}
