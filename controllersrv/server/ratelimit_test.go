package server

import (
	"fmt"
	"net"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"
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

// TestLoginGuessesLimitedPerSource: wrong passwords for an existing
// username and guesses at usernames that do not exist spend one budget
// per source address. While it lasts both are 401 INVALID_AUTH in the
// same time (both run the key derivation); once it is spent both, and
// every other password login from that address, are 429 RATE_LIMITED with
// the same message, while another address still logs in.
func TestLoginGuessesLimitedPerSource(t *testing.T) {
	// The controller's clock stands still: no failure is forgiven while
	// the refusals are held for a second each.
	clock := &testClock{t: time.Now()}
	s := testServerWith(t, func(o *Options) { o.Now = clock.Now })
	admin := newClient(t, s).admin()
	updbUser(admin, "alice", "default", "alice-pw-123")
	attacker := newClient(t, s)
	guess := func(user string) (*response, time.Duration) {
		t0 := time.Now()
		r := attacker.do("POST", "/edge/client/v1/authenticate?method=password", map[string]string{"username": user, "password": "guess"})
		return r, time.Since(t0)
	}
	const budget = 20 // the default of edge.authRateLimiter.perSourceFailures
	var known, unknown []time.Duration
	for i := range budget {
		user := "alice"
		if i%2 == 1 {
			user = fmt.Sprintf("nobody-%d", i)
		}
		r, d := guess(user)
		if r.Status != http.StatusUnauthorized || r.errorCode(t) != "INVALID_AUTH" {
			t.Fatalf("guess %d (%s): %d %s, want 401 INVALID_AUTH", i+1, user, r.Status, r.Body)
		}
		if user == "alice" {
			known = append(known, d)
		} else {
			unknown = append(unknown, d)
		}
	}
	// The fastest of each kind: a skipped key derivation would make the
	// unknown-username 401 about a hundred times faster, while other work
	// on the machine only ever adds time, so the minimum keeps the signal
	// and a wide band keeps load noise out.
	mk, mu := slices.Min(known), slices.Min(unknown)
	if ratio := float64(mu) / float64(mk); ratio < 0.25 || ratio > 4 {
		t.Errorf("fastest 401: unknown username %v, wrong password %v: the time tells whether a username exists", mu, mk)
	}
	var messages []string
	for _, user := range []string{"alice", "nobody-else"} {
		r, _ := guess(user)
		if r.Status != http.StatusTooManyRequests || r.errorCode(t) != "RATE_LIMITED" {
			t.Fatalf("guess at %s after %d failures from one address: %d %s, want 429 RATE_LIMITED", user, budget, r.Status, r.Body)
		}
		messages = append(messages, jsonPath(r.json(t), "error", "message").(string))
	}
	if messages[0] != messages[1] {
		t.Errorf("the 429 for an existing and an unknown username differ: %q, %q", messages[0], messages[1])
	}
	if st := loginStatus(t, s, "alice", "alice-pw-123"); st != http.StatusTooManyRequests {
		t.Errorf("the right password from the guessing address: %d, want 429 (the address spent its budget)", st)
	}
	other := newClientFrom(t, s, "127.0.0.2")
	other.login("/edge/client/v1", "alice", "alice-pw-123")
}

// newClientFrom is newClient whose connections come from a given
// loopback address (any of 127.0.0.0/8 on Linux): another source.
func newClientFrom(t testing.TB, s *Server, local string) *client {
	c := newClient(t, s)
	tr := c.http.Transport.(*http.Transport)
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}}
	tr.DialContext = d.DialContext
	return c
}
