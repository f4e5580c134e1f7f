package server

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
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
