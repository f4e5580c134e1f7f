package edgeapi

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/zitiform/terraform-provider-ziti/internal/edgewire"
)

// Failover between the controllers of one network.
//
// The client sends every request to one endpoint, the current one, and
// moves to the next (in the configured order, round robin) when the
// current one fails at the connection level (refused, reset, timed out, a
// TLS handshake cut short) or answers 502, 503 or 504, the way a dead,
// restarting or partitioned cluster member does. The move is shared: every
// request after it goes to the new endpoint, and it stays there until that
// one fails in turn.
//
// What is sent again follows from what the controller may have done:
//   - GET, PUT, DELETE and logins (idempotent): again, on the next
//     endpoint or after a backoff on the same.
//   - POST and PATCH: only when they certainly did not reach a controller
//     (the connection could not be made) or were refused before anything
//     was applied (429; 503 CLUSTER_NO_LEADER, which an OpenZiti cluster
//     member answers while the cluster elects a leader). A POST that was sent
//     and then lost its connection, or was answered 500/502/503/504, is
//     reported as ErrMaybeApplied: the caller settles it (the provider looks
//     a create up by its unique name).
//
// API sessions: OpenZiti v1.7.2 keeps a (zt-session) API session in the
// bolt database of the controller that made it, outside the raft log, so
// another cluster member answers 401 to its token. The client therefore
// logs in again on the endpoint it moved to (session).

// MsgFailover is the Config.Log message of a move to the next endpoint
// (fields from, to, method, path, error or status): worth a warning in a
// log, unlike the per-request lines.
const MsgFailover = "edge API failover: the controller in use did not answer, moving to the next endpoint"

// clusterNoLeader is the error code of an OpenZiti cluster member asked to
// change the model while the cluster has no leader: nothing was applied.
const clusterNoLeader = "CLUSTER_NO_LEADER"

// endpoints are the controller roots and which one is in use.
type endpoints struct {
	roots []string
	mu    sync.Mutex
	cur   int
}

// newEndpoints normalizes the configured endpoints: first, then rest,
// without repeats.
func newEndpoints(first string, rest []string) (*endpoints, error) {
	eps := &endpoints{}
	all := rest
	if first != "" || len(rest) == 0 {
		all = append([]string{first}, rest...)
	}
	seen := map[string]bool{}
	for _, e := range all {
		root, err := NormalizeEndpoint(e)
		if err != nil {
			return nil, err
		}
		if seen[root] {
			return nil, fmt.Errorf("the controller endpoint %q is listed twice: list each controller once", root)
		}
		seen[root] = true
		eps.roots = append(eps.roots, root)
	}
	return eps, nil
}

func (e *endpoints) len() int { return len(e.roots) }

func (e *endpoints) root(i int) string { return e.roots[i] }

func (e *endpoints) current() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.cur
}

// advance moves from endpoint from to the next one, unless another request
// has moved already (then the current one is returned, moved false): one
// failure of a controller moves every request once, not once per request
// in flight.
func (e *endpoints) advance(from int) (next int, moved bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.cur == from {
		e.cur = (from + 1) % len(e.roots)
		return e.cur, true
	}
	return e.cur, false
}

// verdict is what to do after one attempt.
type verdict int

const (
	done     verdict = iota // an answer to return, or an error not to retry
	retry                   // again, on the same endpoint, after a backoff
	failover                // again, on the next endpoint
)

// judge decides what follows an attempt of r that got resp or err.
func judge(ctx context.Context, r request, resp *resty.Response, err error) verdict {
	safe := idempotent(r.method) || r.repeatable
	if err != nil {
		switch {
		case ctx.Err() != nil:
			return done // the caller gave up (an attempt's own timeout is not this)
		case isTLSVerifyError(err):
			return done // no endpoint can fix trust
		case isDialError(err), safe:
			return failover // never reached the controller, or safe to repeat
		}
		return done // sent, then cut: the caller settles ErrMaybeApplied
	}
	code := resp.StatusCode()
	switch {
	case code == http.StatusTooManyRequests:
		return retry
	case code == http.StatusServiceUnavailable && errorCode(resp) == clusterNoLeader:
		return failover
	case !safe:
		return done
	case code == http.StatusBadGateway, code == http.StatusServiceUnavailable, code == http.StatusGatewayTimeout:
		return failover
	case code >= 500 && code != http.StatusNotImplemented:
		return retry
	}
	return done
}

// maybeAppliedStatus reports whether an error answer to r leaves open
// whether the controller applied it: a POST or PATCH that a controller or a
// gateway in front of it answered 500, 502, 503 (other than
// CLUSTER_NO_LEADER) or 504.
func maybeAppliedStatus(r request, code int, ae *APIError) bool {
	if idempotent(r.method) || r.repeatable || r.noAuth {
		return false
	}
	switch code {
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
		return true
	case http.StatusServiceUnavailable:
		return ae.Code != clusterNoLeader
	}
	return false
}

// errorCode is the Edge API error code of an error answer, "" if none.
func errorCode(resp *resty.Response) string {
	return edgewire.DecodeError(resp.StatusCode(), "", "", resp.Header().Get("Content-Type"), resp.Body()).Code
}

// attempt sends r until it gets an answer to return or runs out of
// retries, moving between endpoints as described above. It returns the
// last response or transport error and the endpoint it came from. A
// request gets 1+Retries attempts, and at least one per endpoint; an
// endpoint not yet tried by this request is tried at once, the others
// after a backoff.
func (c *Client) attempt(ctx context.Context, r request) (*resty.Response, int, error) {
	maxAttempts := max(1+c.cfg.Retries, c.eps.len())
	tried := map[int]bool{}
	var stale string
	reauthed := false
	waits := 0
	for n := 1; ; n++ {
		at := c.eps.current()
		var token string
		if !r.noAuth {
			var err error
			if token, at, err = c.session(ctx, stale); err != nil {
				return nil, at, &loginError{err}
			}
		}
		tried[at] = true
		resp, err := c.send(ctx, at, r, token)
		if err == nil && resp.StatusCode() == http.StatusUnauthorized && !r.noAuth && !reauthed {
			// The session expired or was deleted: log in again, once.
			stale, reauthed = token, true
			n--
			continue
		}
		v := judge(ctx, r, resp, err)
		if v == done || n >= maxAttempts {
			return resp, at, err
		}
		next := at
		if v == failover && c.eps.len() > 1 {
			var moved bool
			next, moved = c.eps.advance(at)
			if c.cfg.Log != nil && moved {
				fields := map[string]any{"from": c.eps.root(at), "to": c.eps.root(next), "method": r.method, "path": r.path}
				if err != nil {
					fields["error"] = c.transportError(r, at, err).Error()
				} else {
					fields["status"] = resp.StatusCode()
				}
				c.cfg.Log(ctx, MsgFailover, fields)
			}
		}
		if tried[next] {
			waits++
			if werr := sleepCtx(ctx, c.backoff(waits, resp)); werr != nil {
				return resp, at, err
			}
		}
	}
}

// backoff is the wait before the n-th repeat on an endpoint already tried:
// a server's Retry-After (on 429 and 503) within RetryMaxWait, otherwise
// exponential from RetryWait with jitter, capped at RetryMaxWait.
func (c *Client) backoff(n int, resp *resty.Response) time.Duration {
	if resp != nil && resp.RawResponse != nil {
		if code := resp.StatusCode(); code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable {
			if d := parseRetryAfter(resp.Header().Get("Retry-After"), time.Now()); d > 0 {
				return min(d, c.cfg.RetryMaxWait)
			}
		}
	}
	d := c.cfg.RetryWait
	for i := 1; i < n && d < c.cfg.RetryMaxWait; i++ {
		d *= 2
	}
	d = min(d, c.cfg.RetryMaxWait)
	return d/2 + rand.N(d/2+1) //nolint:gosec // jitter, not a secret
}

// sleepCtx waits for d or until ctx ends (then its error).
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// loginError is a failed login of attempt: do returns it as it is (it
// names the endpoint and the cause) rather than as a transport error of
// the request that needed the session.
type loginError struct{ err error }

func (e *loginError) Error() string { return e.err.Error() }
func (e *loginError) Unwrap() error { return e.err }
