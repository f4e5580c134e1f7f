package edgeapi

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// cluster is n fake controllers on their own loopback ports, each with its
// own API sessions (as OpenZiti cluster members have), and a client that
// lists them all in order.
func cluster(t *testing.T, n int, mod func(*Config)) ([]*fakeController, *Client, *[]string) {
	t.Helper()
	fs := make([]*fakeController, n)
	for i := range fs {
		fs[i] = newFakeController(t)
	}
	c, lines := fs[0].client(t, func(cfg *Config) {
		for _, f := range fs[1:] {
			cfg.Endpoints = append(cfg.Endpoints, f.srv.URL)
		}
		if mod != nil {
			mod(cfg)
		}
	})
	return fs, c, lines
}

func TestFailoverWhenTheControllerIsGone(t *testing.T) {
	fs, c, lines := cluster(t, 3, nil)
	ctx := context.Background()
	if _, err := c.GetIdentity(ctx, "id-one"); err != nil {
		t.Fatal(err)
	}
	if c.RootURL() != fs[0].srv.URL || fs[0].logins.Load() != 1 {
		t.Fatalf("the first endpoint is used first: %s, %d logins", c.RootURL(), fs[0].logins.Load())
	}
	fs[0].srv.Close() // the controller in use dies: connections are refused
	t0 := time.Now()
	if _, err := c.GetIdentity(ctx, "id-one"); err != nil {
		t.Fatalf("GET after the first controller died: %v", err)
	}
	took := time.Since(t0)
	if c.RootURL() != fs[1].srv.URL {
		t.Fatalf("the client uses %s, want the second endpoint %s", c.RootURL(), fs[1].srv.URL)
	}
	// The first controller's session means nothing to the second: it
	// logged in there, once, without a 401 first.
	if fs[1].logins.Load() != 1 || fs[1].hitCount("GET "+ManagementPath+"/identities/id-one") != 1 {
		t.Fatalf("second controller: %d logins, %d GETs; want 1 and 1", fs[1].logins.Load(), fs[1].hitCount("GET "+ManagementPath+"/identities/id-one"))
	}
	// A refused connection moves on at once, without a backoff.
	if took > time.Second {
		t.Fatalf("failover took %v", took)
	}
	t.Logf("failover after a refused connection took %v", took)
	// It stays there: no request goes back to the dead one first.
	for range 3 {
		if _, err := c.GetIdentity(ctx, "id-one"); err != nil {
			t.Fatal(err)
		}
	}
	if got := fs[1].hitCount("GET " + ManagementPath + "/identities/id-one"); got != 4 {
		t.Fatalf("second controller served %d GETs, want 4", got)
	}
	if !logHas(*lines, MsgFailover) {
		t.Fatalf("no failover log line in %q", *lines)
	}
	// The second dies too: the third takes over, and after it the first
	// again (round robin) once it is back.
	fs[1].srv.Close()
	// Its pooled connection, closed under the client: a POST on it would
	// be sent and cut (ErrMaybeApplied, tested below), not refused. The
	// transport drops such a connection as soon as it sees the close.
	c.http.GetClient().CloseIdleConnections()
	if _, err := c.CreateIdentity(ctx, &IdentityCreate{Name: "x", Type: "Device"}); err != nil {
		t.Fatalf("a POST that got no connection goes to the next controller: %v", err)
	}
	if c.RootURL() != fs[2].srv.URL || fs[2].hitCount("POST "+ManagementPath+"/identities") != 1 {
		t.Fatalf("the POST went to %s (%d on the third)", c.RootURL(), fs[2].hitCount("POST "+ManagementPath+"/identities"))
	}
}

func TestFailoverOnGatewayErrors(t *testing.T) {
	fs, c, _ := cluster(t, 2, nil)
	ctx := context.Background()
	path := ManagementPath + "/identities/id-one"
	for _, code := range []int{http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout} {
		cur := 0
		if c.RootURL() == fs[1].srv.URL {
			cur = 1
		}
		fs[cur].failNext(path, code)
		if _, err := c.GetIdentity(ctx, "id-one"); err != nil {
			t.Fatalf("GET after %d: %v", code, err)
		}
		if c.RootURL() != fs[1-cur].srv.URL {
			t.Fatalf("a %d did not move the client to the other endpoint", code)
		}
	}
	// A 500 is retried where it came from: the controller is up.
	cur := 0
	if c.RootURL() == fs[1].srv.URL {
		cur = 1
	}
	fs[cur].failNext(path, http.StatusInternalServerError)
	if _, err := c.GetIdentity(ctx, "id-one"); err != nil {
		t.Fatal(err)
	}
	if c.RootURL() != fs[cur].srv.URL {
		t.Fatal("a 500 moved the client")
	}
}

// POSTs move only when they certainly were not applied.
func TestFailoverOfPosts(t *testing.T) {
	fs, c, _ := cluster(t, 2, nil)
	ctx := context.Background()
	if _, err := c.GetIdentity(ctx, "id-one"); err != nil { // log in first
		t.Fatal(err)
	}
	path := ManagementPath + "/identities"

	// Cut after it was sent: may have been applied, the caller settles it.
	fs[0].failNext(path, dropConnection)
	_, err := c.CreateIdentity(ctx, &IdentityCreate{Name: "cut", Type: "Device"})
	if !errors.Is(err, ErrMaybeApplied) {
		t.Fatalf("want ErrMaybeApplied, got %v", err)
	}
	if fs[1].hitCount("POST "+path) != 0 {
		t.Fatal("a POST that may have been applied was sent to another controller")
	}

	// 502/503/504/500 answers: the same, and still an API error.
	for _, code := range []int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout} {
		fs[0].failNext(path, code)
		_, err := c.CreateIdentity(ctx, &IdentityCreate{Name: "gw", Type: "Device"})
		var ae *APIError
		if !errors.Is(err, ErrMaybeApplied) || !errors.As(err, &ae) || ae.StatusCode != code {
			t.Fatalf("%d: want ErrMaybeApplied and the API error, got %v", code, err)
		}
		if !strings.Contains(err.Error(), "may or may not have been applied") {
			t.Fatalf("%d: the error does not say it may have been applied: %v", code, err)
		}
	}
	if fs[1].hitCount("POST "+path) != 0 || c.RootURL() != fs[0].srv.URL {
		t.Fatal("a POST answered 5xx moved to another controller")
	}

	// CLUSTER_NO_LEADER: refused before anything was applied, so sent
	// again (on the next member: it may see a leader).
	fs[0].failNext(path, noLeader)
	if id, err := c.CreateIdentity(ctx, &IdentityCreate{Name: "nl", Type: "Device"}); err != nil || id != "id-nl" {
		t.Fatalf("POST after CLUSTER_NO_LEADER: %q %v", id, err)
	}
	if fs[1].hitCount("POST "+path) != 1 {
		t.Fatalf("the POST refused with CLUSTER_NO_LEADER went %d times to the other member, want 1", fs[1].hitCount("POST "+path))
	}
	// Every member without a leader, for longer than the retries last: the
	// plain API error, not "may have been applied".
	fs[0].failNext(path, noLeader, noLeader, noLeader, noLeader, noLeader)
	fs[1].failNext(path, noLeader, noLeader, noLeader, noLeader, noLeader)
	_, err = c.CreateIdentity(ctx, &IdentityCreate{Name: "nl2", Type: "Device"})
	var ae *APIError
	if !errors.As(err, &ae) || ae.Code != clusterNoLeader || errors.Is(err, ErrMaybeApplied) {
		t.Fatalf("want CLUSTER_NO_LEADER, got %v", err)
	}
}

// A controller that accepts connections and never answers (hung, or its
// host gone without a reset) is given up after the attempt timeout.
func TestFailoverFromAHungController(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { conn.Close() }) // accept, read nothing, answer nothing
		}
	}()
	f := newFakeController(t)
	c, _ := f.client(t, func(cfg *Config) {
		cfg.Endpoint = ln.Addr().String()
		cfg.Endpoints = []string{f.srv.URL}
		cfg.Timeout = 300 * time.Millisecond
	})
	t0 := time.Now()
	if _, err := c.GetIdentity(context.Background(), "id-one"); err != nil {
		t.Fatalf("GET with the first controller hung: %v", err)
	}
	took := time.Since(t0)
	if took < 300*time.Millisecond || took > 3*time.Second {
		t.Fatalf("failover from a hung controller took %v, want about the 300ms timeout", took)
	}
	t.Logf("failover from a hung controller took %v (timeout 300ms)", took)
}

// Bounded: with every controller gone, a request gives up after its
// retries with the transport error of the last.
func TestFailoverGivesUp(t *testing.T) {
	fs, c, _ := cluster(t, 3, func(cfg *Config) { cfg.Retries = 5 })
	for _, f := range fs {
		f.srv.Close()
	}
	t0 := time.Now()
	_, err := c.GetIdentity(context.Background(), "id-one")
	if err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("want connection refused, got %v", err)
	}
	if took := time.Since(t0); took > 2*time.Second {
		t.Fatalf("giving up took %v", took)
	}
}

func TestEndpointsAreChecked(t *testing.T) {
	for _, tc := range []struct {
		first string
		rest  []string
		want  string
	}{
		{"https://127.0.0.1:1", []string{"http://127.0.0.1:2"}, "must use https"},
		{"127.0.0.1:1", []string{"https://127.0.0.1:1/edge/management/v1"}, "listed twice"},
		{"", []string{"https://a:1", ""}, "empty"},
	} {
		_, err := New(Config{Endpoint: tc.first, Endpoints: tc.rest})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q %q: got %v, want %q", tc.first, tc.rest, err, tc.want)
		}
	}
	c, err := New(Config{Endpoints: []string{"https://a:1", "b:2"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(c.RootURLs(), " "); got != "https://a:1 https://b:2" || c.RootURL() != "https://a:1" {
		t.Fatalf("roots %q, current %q", got, c.RootURL())
	}
}

func logHas(lines []string, s string) bool {
	for _, l := range lines {
		if strings.Contains(l, s) {
			return true
		}
	}
	return false
}
