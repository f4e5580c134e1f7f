package auth

import (
	"context"
	"testing"
	"time"
)

func TestLimiterBounds(t *testing.T) {
	l := NewLimiter(LimiterConfig{Workers: 1, Queue: 3, PerSource: 2, PerUsername: 1, MaxWait: 50 * time.Millisecond})
	ctx := context.Background()
	rel, ok := l.Acquire(ctx, "10.0.0.1", "alice")
	if !ok {
		t.Fatal("first check refused")
	}
	if _, ok := l.Acquire(ctx, "10.0.0.2", "alice"); ok {
		t.Fatal("a second check of one username admitted (perUsername 1)")
	}
	// Admitted (bob from the same source) but no worker frees up in MaxWait.
	began := time.Now()
	if _, ok := l.Acquire(ctx, "10.0.0.1", "bob"); ok {
		t.Fatal("a check got a worker while the only one was busy")
	}
	if time.Since(began) < 50*time.Millisecond {
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
