package auth

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"
)

func TestLimiterBounds(t *testing.T) {
	l := NewLimiter(LimiterConfig{Workers: 1, Queue: 3, PerSource: 2, PerUsername: 1, MaxWait: 300 * time.Millisecond, RefusalDelay: 20 * time.Millisecond})
	ctx := context.Background()
	rel, ok := l.Acquire(ctx, "10.0.0.1", "alice")
	if !ok {
		t.Fatal("first check refused")
	}
	t0 := time.Now()
	if _, ok := l.Acquire(ctx, "10.0.0.2", "alice"); ok {
		t.Fatal("a second check of one username admitted (perUsername 1)")
	}
	if time.Since(t0) < 20*time.Millisecond {
		t.Fatal("a refusal was answered before RefusalDelay")
	}
	// A client that goes away is not kept waiting.
	slow := NewLimiter(LimiterConfig{Workers: 1, PerUsername: 1, RefusalDelay: time.Minute})
	if _, ok := slow.Acquire(ctx, "10.0.0.1", "alice"); !ok {
		t.Fatal("first check refused")
	}
	gone, cancel := context.WithCancel(ctx)
	cancel()
	t0 = time.Now()
	if _, ok := slow.Acquire(gone, "10.0.0.2", "alice"); ok || time.Since(t0) > 10*time.Second {
		t.Fatal("a refusal for a cancelled request waited its RefusalDelay or was admitted")
	}
	// Admitted (bob from the same source) but no worker frees up in MaxWait.
	began := time.Now()
	if _, ok := l.Acquire(ctx, "10.0.0.1", "bob"); ok {
		t.Fatal("a check got a worker while the only one was busy")
	}
	if time.Since(began) < 300*time.Millisecond {
		t.Fatal("refused before MaxWait")
	}
	// Source 10.0.0.1 holds one check; a second waits; a third is over perSource.
	done := make(chan func(bool), 1)
	go func() {
		r, ok := l.Acquire(ctx, "10.0.0.1", "carol")
		if !ok {
			r = nil
		}
		done <- r
	}()
	time.Sleep(10 * time.Millisecond)
	if _, ok := l.Acquire(ctx, "10.0.0.1", "dave"); ok {
		t.Fatal("a third check of one source admitted (perSource 2)")
	}
	rel(false)
	rel(false) // a second release does nothing
	r := <-done
	if r == nil {
		t.Fatal("the waiting check got no worker after the release")
	}
	r(false)
	if l.admitted != 0 || len(l.keys) != 0 {
		t.Fatalf("after every release: admitted %d, keys %v", l.admitted, l.keys)
	}
}

// TestLimiterSourceFailures: a source may fail SourceFailures checks in a
// row, then one more per SourceFailureInterval; other sources keep their
// own budget; the addresses of one IPv6 /64 share one.
func TestLimiterSourceFailures(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	l := NewLimiter(LimiterConfig{Workers: 1, SourceFailures: 3, SourceFailureInterval: time.Minute, RefusalDelay: time.Millisecond, Now: func() time.Time { return now }})
	check := func(source string) bool {
		rel, ok := l.Acquire(context.Background(), source, "whoever")
		if ok {
			rel(false)
		}
		return ok
	}
	for i := range 3 {
		if !check("10.0.0.1") {
			t.Fatalf("check %d of a source with %d failures refused", i+1, i)
		}
		l.Failed("10.0.0.1")
	}
	if check("10.0.0.1") {
		t.Fatal("a source that failed 3 checks in a row (budget 3) was admitted")
	}
	if !check("10.0.0.2") {
		t.Fatal("another source was refused")
	}
	now = now.Add(time.Minute)
	if !check("10.0.0.1") {
		t.Fatal("a failure was not forgiven after the interval")
	}
	l.Failed("10.0.0.1")
	if check("10.0.0.1") {
		t.Fatal("one forgiven failure allowed more than one check")
	}
	now = now.Add(3 * time.Minute)
	for range 3 {
		l.Failed("2001:db8:1:2::1")
	}
	if check("2001:db8:1:2:ffff::9") {
		t.Fatal("another address of the same IPv6 /64 was admitted")
	}
	if !check("2001:db8:1:3::1") || !check("10.0.0.1") {
		t.Fatal("another /64, or a source whose failures were forgiven, was refused")
	}
}

// TestLimiterSourceFailuresBounded: the table of sources never grows past
// maxFailureSources; forgiven sources make room.
func TestLimiterSourceFailuresBounded(t *testing.T) {
	f := newFailures(2, time.Second)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f.now = func() time.Time { return now }
	for i := range maxFailureSources + 10 {
		f.fail(fmt.Sprintf("10.%d.%d.%d", i>>16, i>>8&255, i&255))
	}
	if len(f.until) != maxFailureSources {
		t.Fatalf("%d sources tracked, want the bound %d", len(f.until), maxFailureSources)
	}
	now = now.Add(2 * time.Second)
	f.fail("192.0.2.1")
	if len(f.until) != 1 {
		t.Fatalf("%d sources tracked after every other was forgiven, want 1", len(f.until))
	}
}

// TestLimiterCleanSourceFirst: while sources that failed lately fill the
// queue, a check from a source that owes no failure is still admitted
// and gets the next free worker before them.
func TestLimiterCleanSourceFirst(t *testing.T) {
	l := NewLimiter(LimiterConfig{Workers: 1, Queue: 2, PerSource: 10, PerUsername: 10, MaxWait: 10 * time.Second, RefusalDelay: time.Millisecond})
	ctx := context.Background()
	for _, src := range []string{"10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"} {
		l.Failed(src)
	}
	rel, ok := l.Acquire(ctx, "10.0.0.1", "nobody-1")
	if !ok {
		t.Fatal("first check refused")
	}
	order := make(chan string, 3)
	var wg sync.WaitGroup
	wait := func(src, user string) {
		r, ok := l.Acquire(ctx, src, user)
		if !ok {
			order <- "refused " + user
			return
		}
		order <- user // before the release: the order the worker was handed in
		r(false)
	}
	wg.Add(3) // the waiters
	go func() { defer wg.Done(); wait("10.0.0.2", "nobody-2") }()
	waitFor(t, func() bool { l.mu.Lock(); defer l.mu.Unlock(); return len(l.waitOther) == 1 })
	go func() { defer wg.Done(); wait("10.0.0.3", "nobody-3") }()
	waitFor(t, func() bool { l.mu.Lock(); defer l.mu.Unlock(); return len(l.waitOther) == 2 })
	if _, ok := l.Acquire(ctx, "10.0.0.4", "nobody-4"); ok {
		t.Fatal("a check of a source that failed lately was admitted beyond Workers+Queue")
	}
	go func() { defer wg.Done(); wait("192.0.2.1", "admin") }()
	waitFor(t, func() bool { l.mu.Lock(); defer l.mu.Unlock(); return len(l.waitClean) == 1 })
	rel(false)
	for i, want := range []string{"admin", "nobody-2", "nobody-3"} {
		if got := <-order; got != want {
			t.Fatalf("worker %d went to %q, want %q (clean sources first, then in order)", i+2, got, want)
		}
	}
	wg.Wait()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.admitted != 0 || l.busy != 0 || len(l.keys) != 0 {
		t.Fatalf("after every release: admitted %d, busy %d, keys %v", l.admitted, l.busy, l.keys)
	}
}

// TestLimiterWaiterGivesUp: a check that stops waiting leaves no trace in
// the queue, and the worker still goes to the next.
func TestLimiterWaiterGivesUp(t *testing.T) {
	l := NewLimiter(LimiterConfig{Workers: 1, MaxWait: 10 * time.Second})
	rel, ok := l.Acquire(context.Background(), "10.0.0.1", "a")
	if !ok {
		t.Fatal("first check refused")
	}
	gone, cancel := context.WithCancel(context.Background())
	done := make(chan bool)
	go func() { _, ok := l.Acquire(gone, "10.0.0.2", "b"); done <- ok }()
	waitFor(t, func() bool { l.mu.Lock(); defer l.mu.Unlock(); return len(l.waitClean) == 1 })
	cancel()
	if <-done {
		t.Fatal("a cancelled check got a worker")
	}
	rel(false)
	r, ok := l.Acquire(context.Background(), "10.0.0.3", "c")
	if !ok {
		t.Fatal("the worker was lost to a check that gave up")
	}
	r(false)
	if l.admitted != 0 || l.busy != 0 || len(l.waitClean)+len(l.waitOther) != 0 {
		t.Fatalf("after every release: admitted %d, busy %d, waiting %d", l.admitted, l.busy, len(l.waitClean)+len(l.waitOther))
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
	}
}

// TestFailuresClean: a source is clean until it fails or is refused, and
// again only once it has not for a whole budget's time, even when its
// failures were forgiven long before (a flood's address served slowly).
func TestFailuresClean(t *testing.T) {
	f := newFailures(20, 3*time.Second)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f.now = func() time.Time { return now }
	if allowed, clean := f.standing("10.0.0.1"); !allowed || !clean {
		t.Fatal("a source that never failed is not clean")
	}
	f.fail("10.0.0.1")
	now = now.Add(10 * time.Second) // the one failure forgiven after 3 s
	if allowed, clean := f.standing("10.0.0.1"); !allowed || clean {
		t.Fatalf("10 s after a failure: allowed %v clean %v, want allowed, not clean", allowed, clean)
	}
	now = now.Add(50 * time.Second)
	if _, clean := f.standing("10.0.0.1"); !clean {
		t.Fatal("60 s (20 x 3 s) after its last failure a source is not clean")
	}
	f.refused("10.0.0.2")
	if allowed, clean := f.standing("10.0.0.2"); !allowed || clean {
		t.Fatalf("after a refusal: allowed %v clean %v, want allowed (no debt), not clean", allowed, clean)
	}
}

// TestLimiterRestsAfterFailure: after a failed check the worker rests
// three times as long as the check took (FailureShare 0.25) before it
// runs the next check, whatever its source (a clean one is served first
// once the rest ends); a check that succeeded leaves no rest.
func TestLimiterRestsAfterFailure(t *testing.T) {
	const took = 100 * time.Millisecond
	const rest = 3 * took * 9 / 10 // a tenth off for the clocks' steps
	l := NewLimiter(LimiterConfig{Workers: 1, MaxWait: 10 * time.Second, RefusalDelay: time.Millisecond})
	ctx := context.Background()
	l.Failed("10.0.0.1") // not clean
	l.Failed("10.0.0.2")
	// check runs a check of source that takes took, and returns when it
	// got the worker and when it gave it back.
	check := func(source string, failed bool) (got, released time.Time) {
		r, ok := l.Acquire(ctx, source, "someone-"+source)
		if !ok {
			t.Errorf("a check of %s refused", source)
			return
		}
		got = time.Now()
		time.Sleep(took)
		released = time.Now()
		r(failed)
		return got, released
	}
	_, failedAt := check("10.0.0.1", true)
	if got, _ := check("10.0.0.1", false); got.Sub(failedAt) < rest {
		t.Fatalf("the next check got the worker %v after a failed check of %v: no rest", got.Sub(failedAt), took)
	}
	okAt := time.Now()
	got, failedAt := check("10.0.0.1", true)
	if got.Sub(okAt) > took {
		t.Fatalf("the worker rested %v after a check that succeeded", got.Sub(okAt))
	}
	// Resting after that failure: a check of a source that is not clean
	// and then one of a clean source wait; the clean one goes first.
	order := make(chan string, 2)
	var wg sync.WaitGroup
	for _, src := range []string{"10.0.0.2", "192.0.2.1"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if got, _ := check(src, false); got.Sub(failedAt) < rest {
				t.Errorf("a check of %s got a resting worker %v after the failure", src, got.Sub(failedAt))
			}
			order <- src
		}()
		time.Sleep(10 * time.Millisecond)
	}
	wg.Wait()
	if first := <-order; first != "192.0.2.1" {
		t.Fatalf("after the rest the worker went to %s before the clean source", first)
	}
	off := NewLimiter(LimiterConfig{Workers: 1, FailureShare: 1})
	off.Failed("10.0.0.1")
	r, _ := off.Acquire(ctx, "10.0.0.1", "a")
	r(true)
	t0 := time.Now()
	if r, ok := off.Acquire(ctx, "10.0.0.1", "a"); !ok || time.Since(t0) > took {
		t.Fatal("FailureShare 1 still rests the worker")
	} else {
		r(false)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.busy != 0 || l.admitted != 0 {
		t.Fatalf("after every release: busy %d, admitted %d", l.busy, l.admitted)
	}
}
