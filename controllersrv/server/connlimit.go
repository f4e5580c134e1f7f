package server

import (
	"math/rand/v2"
	"net"
	"runtime"
	"sync"
	"time"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/auth"
)

// Each open TLS connection costs the controller about 22 KiB of heap
// (net/http's read and write buffers, crypto/tls record and cipher
// state) and two goroutine stacks (12 KiB) whatever it sends, plus
// garbage collector headroom: a thousand connections from one flooding
// address tripled the memory of an idle controller.
const (
	// connectionsPerSourcePerCPU sizes the default per-source bound.
	connectionsPerSourcePerCPU = 32
	// refusedHold is about how long a connection over its source's
	// bound is held, unread, before it is closed (between half and one
	// and a half times it, so that a flood's refusals do not all end, and
	// come back, at once): a client that reconnects at once (as flooding
	// clients do) then costs an accept a second instead of thousands, as
	// a refused login is answered after a second. An open socket and a
	// timer: no goroutine, no TLS.
	refusedHold = time.Second
	// maxHeld bounds the refused connections held at once (each holds a
	// file descriptor); over it they are closed at once.
	maxHeld = 4096
)

// connLimiter bounds the connections one source (an IPv4 address, the
// /64 of an IPv6 one) holds open on all of a server's listeners together,
// as nginx's limit_conn: a connection over the bound is closed as soon
// as it is accepted, before its TLS handshake, so a flood from one
// address costs at most perSource connections' memory.
type connLimiter struct {
	perSource   int
	refusedHold time.Duration

	mu       sync.Mutex
	held     int // refused connections not closed yet
	bySource map[string]int
}

// newConnLimiter bounds the connections of one source to perSource (0:
// connectionsPerSourcePerCPU per CPU).
func newConnLimiter(perSource int) *connLimiter {
	if perSource <= 0 {
		perSource = connectionsPerSourcePerCPU * runtime.NumCPU()
	}
	return &connLimiter{perSource: perSource, refusedHold: refusedHold, bySource: map[string]int{}}
}

// listener wraps ln so that its connections count against the bound.
func (l *connLimiter) listener(ln net.Listener) net.Listener {
	return &limitedListener{Listener: ln, l: l}
}

// admit counts a connection from key, or reports that the source holds
// its bound already.
func (l *connLimiter) admit(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.bySource[key] >= l.perSource {
		return false
	}
	l.bySource[key]++
	return true
}

func (l *connLimiter) release(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.bySource[key]--; l.bySource[key] <= 0 {
		delete(l.bySource, key)
	}
}

// refuse closes a refused connection after refusedHold; at once when
// maxHeld of them are held already.
func (l *connLimiter) refuse(c net.Conn) {
	l.mu.Lock()
	hold := l.held < maxHeld
	if hold {
		l.held++
	}
	l.mu.Unlock()
	if !hold {
		c.Close()
		return
	}
	time.AfterFunc(l.refusedHold/2+rand.N(l.refusedHold), func() {
		c.Close()
		l.mu.Lock()
		l.held--
		l.mu.Unlock()
	})
}

type limitedListener struct {
	net.Listener
	l *connLimiter
}

// Accept returns the next connection whose source is within its bound,
// refusing the others.
func (ln *limitedListener) Accept() (net.Conn, error) {
	for {
		c, err := ln.Listener.Accept()
		if err != nil {
			return nil, err
		}
		key := sourceOf(c.RemoteAddr())
		if !ln.l.admit(key) {
			ln.l.refuse(c)
			continue
		}
		return &limitedConn{Conn: c, l: ln.l, source: key}, nil
	}
}

// sourceOf is the source a connection counts against.
func sourceOf(a net.Addr) string {
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return auth.SourceKey(host)
}

// limitedConn gives its source's count back once, when closed.
type limitedConn struct {
	net.Conn
	l      *connLimiter
	source string
	once   sync.Once
}

// Close closes the connection and gives its count back.
func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.l.release(c.source) })
	return err
}
