package server

import (
	"context"
	"crypto/tls"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"runtime"
	"sync"
	"time"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/auth"
)

// Each open TLS connection costs the controller about 22 KiB of heap
// (net/http's read and write buffers, crypto/tls record and cipher
// state) and two goroutine stacks (12 KiB) whatever it sends, plus
// garbage collector headroom: a thousand connections of a login flood,
// from one address or from a thousand, tripled the memory of an idle
// controller.
const (
	// connectionsPerSourcePerCPU sizes the default per-source bound:
	// honest clients keep a hundred requests in flight from one address
	// (the tests do: a hundred concurrent CA verifications).
	connectionsPerSourcePerCPU = 64
	// refusedConnectionsPerCPU sizes the default bound of refused
	// clients' connections.
	refusedConnectionsPerCPU = 32
	// refusedHold is about how long a connection over its source's
	// bound is held, unread, before it is closed (between half and one
	// and a half times it, so that a flood's refusals do not all end, and
	// come back, at once): a client that reconnects at once (as flooding
	// clients do) then costs an accept a second instead of thousands, as
	// a refused login is answered after a second. An open socket and a
	// timer: no goroutine, no TLS.
	refusedHold = time.Second
	// staleIdle is how long a keep-alive connection must have been idle
	// before a new connection of its source, at the bound, closes it:
	// clients that send requests back to back (a client's pool, a flood)
	// keep their connections; those left open by clients that are done
	// give way.
	staleIdle = time.Second
	// maxHeld bounds the refused connections held at once (each holds a
	// file descriptor); over it they are closed at once.
	maxHeld = 4096
)

// connLimiter bounds the connections one source (an IPv4 address, the
// /64 of an IPv6 one) holds open on all of a server's listeners together,
// as nginx's limit_conn: a connection over the bound is closed as soon
// as it is accepted, before its TLS handshake, so a flood from one
// address costs at most perSource connections' memory. When the source
// has a keep-alive connection idle for staleIdle or longer, the one idle
// longest is closed instead and the new one admitted, as nginx reuses
// idle connections when it runs out: honest clients behind one address
// (a NAT, a TCP proxy, many short-lived HTTP clients that leave their
// idle connections open) do not lose requests to connections nobody
// uses, while those in use, between requests sent back to back, are
// kept.
//
// Connections from addresses that are not clean (see auth.Limiter), from
// their accept on, and connections answered 429 RATE_LIMITED (a refused
// login) share a second bound, refusedConns: over it, a refused login is
// answered with Connection: close, and a new connection from an address
// that is not clean is closed before its TLS handshake as above. A flood
// from many addresses then holds at most refusedConns connections, each
// kept alive (no TLS handshake per refusal), while the other attackers
// are refused at accept, which costs a socket for a second; clean
// addresses, and connections that were never refused, are not affected.
type connLimiter struct {
	perSource    int
	refusedConns int
	refusedHold  time.Duration
	clean        func(source string) bool // nil: every source is clean
	logger       *slog.Logger             // nil: no log

	// What refuse logs at most once per refusalLogEvery.
	lastLog      time.Time
	refusedSince int

	mu       sync.Mutex
	held     int // refused connections not closed yet
	refused  int // open connections of unclean addresses or answered 429
	bySource map[string]map[*limitedConn]struct{}
}

// newConnLimiter bounds the connections of one source to perSource and
// those of refused clients to refusedConns (0: connectionsPerSourcePerCPU
// and refusedConnectionsPerCPU per CPU).
func newConnLimiter(perSource, refusedConns int, clean func(string) bool) *connLimiter {
	if perSource <= 0 {
		perSource = connectionsPerSourcePerCPU * runtime.NumCPU()
	}
	if refusedConns <= 0 {
		refusedConns = refusedConnectionsPerCPU * runtime.NumCPU()
	}
	return &connLimiter{perSource: perSource, refusedConns: refusedConns, clean: clean, refusedHold: refusedHold, bySource: map[string]map[*limitedConn]struct{}{}}
}

// listener wraps ln so that its connections count against the bound.
func (l *connLimiter) listener(ln net.Listener) net.Listener {
	return &limitedListener{Listener: ln, l: l}
}

// admit counts c, a connection from host (source key c.source), or
// reports that the source holds its bound already with no idle
// connection to close, or that the host is not clean while refused
// clients hold their bound.
func (l *connLimiter) admit(host string, c *limitedConn) bool {
	dirty := l.clean != nil && !l.clean(host)
	l.mu.Lock()
	if dirty && l.refused >= l.refusedConns {
		l.mu.Unlock()
		return false
	}
	conns := l.bySource[c.source]
	var evict *limitedConn
	now := time.Now()
	if len(conns) >= l.perSource {
		for o := range conns {
			if !o.idleSince.IsZero() && now.Sub(o.idleSince) >= staleIdle && (evict == nil || o.idleSince.Before(evict.idleSince)) {
				evict = o
			}
		}
		if evict == nil {
			l.mu.Unlock()
			return false
		}
		evict.idleSince = time.Time{} // closing: not picked twice
	}
	if dirty {
		// Counted from its accept, not from its first 429: counted
		// only once answered, every connection accepted meanwhile
		// would get in too, its 429 would close it (the bound
		// overshot), and each close would let in another, each a TLS
		// handshake (the login flood benchmark saw three times the
		// 429s, and the other clients' p99 at 3x, in such runs).
		l.countRefused(c)
	}
	if conns == nil {
		conns = map[*limitedConn]struct{}{}
		l.bySource[c.source] = conns
	}
	conns[c] = struct{}{}
	l.mu.Unlock()
	if evict != nil {
		evict.Close()
	}
	return true
}

func (l *connLimiter) release(c *limitedConn) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if conns := l.bySource[c.source]; conns != nil {
		delete(conns, c)
		if len(conns) == 0 {
			delete(l.bySource, c.source)
		}
	}
	if c.refused {
		l.refused--
	}
}

// connState is the http.Server ConnState hook: it records when a
// connection went idle between requests (keep-alive), and that it is no
// longer idle once a request comes.
func (l *connLimiter) connState(c net.Conn, st http.ConnState) {
	lc, ok := limitedConnOf(c)
	if !ok {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if st == http.StateIdle {
		lc.idleSince = time.Now()
	} else {
		lc.idleSince = time.Time{}
	}
}

// refusedLogin counts c among the refused clients' connections and
// reports whether they are over their bound (c is to be closed after
// its answer).
func (l *connLimiter) refusedLogin(c *limitedConn) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.countRefused(c)
	return l.refused > l.refusedConns
}

// countRefused counts c against refusedConns once; release gives it back
// (under l.mu).
func (l *connLimiter) countRefused(c *limitedConn) {
	if !c.refused {
		c.refused = true
		l.refused++
	}
}

// refusalLogEvery spaces the warnings about refused connections: a
// flood refuses thousands a second.
const refusalLogEvery = 10 * time.Second

// refuse closes a refused connection after refusedHold; at once when
// maxHeld of them are held already. A client sees the close before its
// TLS handshake as a reset connection, so the refusals are logged (at
// most once per refusalLogEvery, with how many since the last line) for
// an operator to tell a bound from a network fault.
func (l *connLimiter) refuse(c net.Conn, source string) {
	l.mu.Lock()
	hold := l.held < maxHeld
	if hold {
		l.held++
	}
	l.refusedSince++
	var logN int
	if now := time.Now(); now.Sub(l.lastLog) >= refusalLogEvery {
		logN, l.refusedSince, l.lastLog = l.refusedSince, 0, now
	}
	l.mu.Unlock()
	if logN > 0 && l.logger != nil {
		l.logger.Warn("connections closed before their TLS handshake: over edge.connectionLimiter.perSource (their address holds that many with requests in flight) or refusedConnections (clients refused a login hold that many, and the address is not clean)",
			"closed", logN, "lastSource", source, "perSource", l.perSource, "refusedConnections", l.refusedConns)
	}
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
		host, key := sourceOf(c.RemoteAddr())
		lc := &limitedConn{Conn: c, l: ln.l, source: key}
		if !ln.l.admit(host, lc) {
			ln.l.refuse(c, host)
			continue
		}
		return lc, nil
	}
}

// sourceOf is the address of a connection's peer and the source it
// counts against.
func sourceOf(a net.Addr) (host, key string) {
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String(), a.String()
	}
	return host, auth.SourceKey(host)
}

// limitedConn gives its counts back once, when closed.
type limitedConn struct {
	net.Conn
	l       *connLimiter
	source  string
	refused bool // counted in refused: of an unclean address, or answered 429 (under l.mu)
	// idleSince is when the connection went idle after an answer,
	// zero while a request is read or served (under l.mu).
	idleSince time.Time
	once      sync.Once
}

// Close closes the connection and gives its counts back.
func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.l.release(c) })
	return err
}

type connKey struct{}

// connContext is the http.Server ConnContext hook: requests carry their
// connection.
func connContext(ctx context.Context, c net.Conn) context.Context {
	if lc, ok := limitedConnOf(c); ok {
		ctx = context.WithValue(ctx, connKey{}, lc)
	}
	return ctx
}

// limitedConnOf is the limitedConn under the connection http.Server
// hands its hooks (a *tls.Conn over it).
func limitedConnOf(c net.Conn) (*limitedConn, bool) {
	if tc, ok := c.(*tls.Conn); ok {
		c = tc.NetConn()
	}
	lc, ok := c.(*limitedConn)
	return lc, ok
}

// closeRefused wraps h: a 429 answer counts its connection among the
// refused clients', and closes it when they are over their bound.
func closeRefused(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if lc, ok := r.Context().Value(connKey{}).(*limitedConn); ok {
			w = &refusalWriter{ResponseWriter: w, conn: lc}
		}
		h.ServeHTTP(w, r)
	})
}

type refusalWriter struct {
	http.ResponseWriter
	conn *limitedConn
}

func (w *refusalWriter) WriteHeader(code int) {
	if code == http.StatusTooManyRequests && w.conn.l.refusedLogin(w.conn) {
		w.Header().Set("Connection", "close")
	}
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *refusalWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
