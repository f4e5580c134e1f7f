package auth

import (
	"context"
	"fmt"
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
	done := make(chan func(), 1)
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
	rel()
	rel() // a second release does nothing
	r := <-done
	if r == nil {
		t.Fatal("the waiting check got no worker after the release")
	}
	r()
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
			rel()
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
