package server

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// tlsDialFrom opens a TLS connection to s from the loopback address
// local and completes the handshake.
func tlsDialFrom(t *testing.T, s *Server, local string) (*tls.Conn, error) {
	t.Helper()
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(s.CAPEM())
	d := &tls.Dialer{
		NetDialer: &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: 10 * time.Second},
		Config:    &tls.Config{RootCAs: pool},
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := d.DialContext(ctx, "tcp", strings.TrimPrefix(s.URL(), "https://"))
	if err != nil {
		return nil, err
	}
	return c.(*tls.Conn), nil
}

// TestConnectionsPerSourceBounded: one address holds at most
// edge.connectionLimiter.perSource connections; one more is closed
// before its TLS handshake (after about a second: a flood that
// reconnects at once is slowed down), while another address still
// connects, and a connection closed gives its place back.
func TestConnectionsPerSourceBounded(t *testing.T) {
	s := testServerWith(t, func(o *Options) { o.ConnectionsPerSource = 2 })
	var held []*tls.Conn
	for i := range 2 {
		c, err := tlsDialFrom(t, s, "127.0.0.3")
		if err != nil {
			t.Fatalf("connection %d of 2 from one address: %v", i+1, err)
		}
		defer c.Close()
		held = append(held, c)
	}
	t0 := time.Now()
	if c, err := tlsDialFrom(t, s, "127.0.0.3"); err == nil {
		c.Close()
		t.Fatal("a third connection from an address allowed two completed its TLS handshake")
	}
	if d := time.Since(t0); d < 300*time.Millisecond || d > 5*time.Second {
		t.Errorf("the refused connection was closed after %v, want about a second", d)
	}
	other, err := tlsDialFrom(t, s, "127.0.0.4")
	if err != nil {
		t.Fatalf("another address while the first holds its bound: %v", err)
	}
	other.Close()
	// The server sees the close when its read fails: retry for a while.
	held[0].Close()
	deadline := time.Now().Add(10 * time.Second)
	var again *tls.Conn
	for again == nil {
		if again, err = tlsDialFrom(t, s, "127.0.0.3"); err != nil && time.Now().After(deadline) {
			t.Fatalf("a connection closed did not give its place back: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	defer again.Close()
	// A connection within the bound is served as any other.
	if _, err := again.Write([]byte("GET /version HTTP/1.1\r\nHost: ctrl\r\nConnection: close\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(again), nil)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /version within the bound: %v %v", resp, err)
	}
	resp.Body.Close()
}

// refusedLoginFrom opens two TLS connections from local and sends a bad
// password login on each at once: with one check allowed per address,
// one of them is answered 429 RATE_LIMITED. It returns that connection
// (still open unless the server closed it) and whether the answer said
// Connection: close.
func refusedLoginFrom(t *testing.T, s *Server, local string) (*tls.Conn, bool) {
	t.Helper()
	var conns [2]*tls.Conn
	for i := range conns {
		c, err := tlsDialFrom(t, s, local)
		if err != nil {
			t.Fatalf("connecting from %s: %v", local, err)
		}
		t.Cleanup(func() { c.Close() })
		conns[i] = c
	}
	body := `{"username":"nobody","password":"guess"}`
	req := "POST /edge/client/v1/authenticate?method=password HTTP/1.1\r\nHost: ctrl\r\nContent-Type: application/json\r\n" +
		"Content-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body
	for _, c := range conns {
		if _, err := c.Write([]byte(req)); err != nil {
			t.Fatal(err)
		}
	}
	var refused *tls.Conn
	closing := false
	for _, c := range conns {
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatalf("login from %s: %v", local, err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusTooManyRequests {
			refused, closing = c, resp.Close
		}
	}
	if refused == nil {
		t.Fatalf("two parallel logins from %s with one check allowed per address: neither was refused", local)
	}
	return refused, closing
}

// TestRefusedConnectionsBounded: connections answered 429 share
// edge.connectionLimiter.refusedConnections; over it a refusal closes
// its connection, and an address that was refused cannot open another
// while refused clients hold the bound, while a clean address can; once
// the refused connections close, it can again.
func TestRefusedConnectionsBounded(t *testing.T) {
	s := testServerWith(t, func(o *Options) {
		o.AuthWorkers, o.AuthQueue = 1, 1 // one check per address at a time
		o.RefusedConnections = 1
	})
	a, closing := refusedLoginFrom(t, s, "127.0.0.5")
	if closing {
		t.Fatal("the first refused connection was closed: the bound is one")
	}
	if _, closing := refusedLoginFrom(t, s, "127.0.0.6"); !closing {
		t.Fatal("a refusal over the bound of refused connections did not close its connection")
	}
	if c, err := tlsDialFrom(t, s, "127.0.0.6"); err == nil {
		c.Close()
		t.Fatal("a refused address opened a new connection while refused connections held their bound")
	}
	c, err := tlsDialFrom(t, s, "127.0.0.7")
	if err != nil {
		t.Fatalf("a clean address while refused connections hold their bound: %v", err)
	}
	c.Close()
	a.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := tlsDialFrom(t, s, "127.0.0.6")
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the refused connection closed, and the refused address still cannot connect: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestRefusedConnectionsCountedFromAccept: a connection from an address
// that is not clean counts against the refused bound from its accept,
// before it is answered 429: while it is open, the address's next
// connection is closed before its TLS handshake. (Counted only at its
// 429, every connection accepted meanwhile got in, each a TLS handshake.)
func TestRefusedConnectionsCountedFromAccept(t *testing.T) {
	s := testServerWith(t, func(o *Options) { o.RefusedConnections = 1 })
	c := newClientFrom(t, s, "127.0.0.8")
	c.check = false
	body, _ := json.Marshal(map[string]string{"username": "nobody", "password": "guess"})
	req, _ := newJSONRequest(s.URL()+"/edge/client/v1/authenticate?method=password", body, "")
	resp, err := c.http.Do(req)
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a bad login: %v %v", resp, err)
	}
	resp.Body.Close()
	c.http.CloseIdleConnections() // 127.0.0.8 failed a login: not clean
	first, err := tlsDialFrom(t, s, "127.0.0.8")
	if err != nil {
		t.Fatalf("the first connection of an address that is not clean, none held: %v", err)
	}
	defer first.Close()
	if second, err := tlsDialFrom(t, s, "127.0.0.8"); err == nil {
		second.Close()
		t.Fatal("a second connection of an address that is not clean got in, over the refused bound of one")
	}
}

// TestConnectionsPerSourceIdleClosedFirst: when an address holds its
// bound and one of its connections has been idle (keep-alive) for a
// while, a new connection closes that one instead of being refused, so honest
// clients behind one address (a NAT, a TCP proxy, HTTP clients that
// leave idle connections open) are never refused for connections they
// do not use.
func TestConnectionsPerSourceIdleClosedFirst(t *testing.T) {
	s := testServerWith(t, func(o *Options) { o.ConnectionsPerSource = 2 })
	get := func(c *tls.Conn, closeAfter bool) {
		t.Helper()
		req := "GET /version HTTP/1.1\r\nHost: ctrl\r\n\r\n"
		if closeAfter {
			req = "GET /version HTTP/1.1\r\nHost: ctrl\r\nConnection: close\r\n\r\n"
		}
		if _, err := c.Write([]byte(req)); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /version: %v %v", resp, err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	idle, err := tlsDialFrom(t, s, "127.0.0.5")
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	get(idle, false) // answered, kept alive: idle
	busy, err := tlsDialFrom(t, s, "127.0.0.5")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	time.Sleep(staleIdle + 100*time.Millisecond) // idle long enough to give way
	third, err := tlsDialFrom(t, s, "127.0.0.5")
	if err != nil {
		t.Fatalf("a third connection while one of two is idle: %v", err)
	}
	defer third.Close()
	get(third, true)
	_ = idle.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := idle.Read(make([]byte, 1)); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("the idle connection was not closed for the new one: read gave %v", err)
	}
}
