package server

import (
	"fmt"
	"net/http"
	"sync"
	"testing"
)

// TestLoginFloodRateLimited: parallel bad logins beyond the auth
// limiter's bound are answered 429 RATE_LIMITED (the Edge API error
// envelope, validated against the specification) instead of each
// running a key derivation, and the right password works afterwards.
func TestLoginFloodRateLimited(t *testing.T) {
	s := testServerWith(t, func(o *Options) { o.AuthWorkers, o.AuthQueue = 1, 1 })
	const n = 24
	var wg sync.WaitGroup
	statuses := make([]int, n)
	codes := make([]string, n)
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := newClient(t, s)
			<-start
			r := c.do("POST", "/edge/client/v1/authenticate?method=password", map[string]string{"username": fmt.Sprintf("nobody-%d", i), "password": "wrong"})
			statuses[i] = r.Status
			if r.Status == http.StatusTooManyRequests {
				codes[i] = r.errorCode(t)
			}
		}()
	}
	close(start)
	wg.Wait()
	limited := 0
	for i, st := range statuses {
		switch st {
		case http.StatusTooManyRequests:
			limited++
			if codes[i] != "RATE_LIMITED" {
				t.Errorf("429 with code %q, want RATE_LIMITED", codes[i])
			}
		case http.StatusUnauthorized:
		default:
			t.Errorf("bad login answered %d, want 401 or 429", st)
		}
	}
	if limited == 0 {
		t.Fatalf("%d parallel bad logins with one worker and one queue slot: none was refused with 429 (%v)", n, statuses)
	}
	if st := loginStatus(t, s, "admin", "admin-pw-123"); st != http.StatusOK {
		t.Fatalf("admin login after the flood: %d, want 200", st)
	}
}
