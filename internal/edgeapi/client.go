// Package edgeapi is a typed client for the OpenZiti Edge management and
// client APIs, as served by an OpenZiti controller or by controllersrv.
//
// It logs in lazily (once, on the first request that needs a session),
// re-authenticates once when the controller answers 401 to a session that
// has expired, and retries idempotent requests on connection errors, 5xx and
// 429 with exponential backoff. Given several endpoints of one network (the
// controllers of an HA cluster) it moves to the next one when the one in use
// stops answering (see failover.go). TLS is verified against the configured
// CA bundle; skipping verification needs an explicit opt-in. Tokens,
// passwords, JWTs and keys are never logged and never appear in errors.
package edgeapi

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/zitiform/terraform-provider-ziti/internal/edgewire"
)

// API base paths.
const (
	ManagementPath = "/edge/management/v1"
	ClientPath     = "/edge/client/v1"
)

// SessionHeader carries the API session token.
const SessionHeader = "zt-session"

// Config configures a Client.
type Config struct {
	// Endpoint is the controller address: a URL (https://host:port, with or
	// without /edge/management/v1) or host:port.
	Endpoint string
	// Endpoints are further controllers of the same network (the members
	// of an HA cluster), in the same forms. The client uses the first of
	// Endpoint and Endpoints and moves to the next when it stops answering.
	Endpoints []string
	// Username and Password select password authentication.
	Username, Password string
	// Certificate selects certificate authentication (method=cert) and is
	// presented on every TLS connection.
	Certificate *tls.Certificate
	// RootCAs verifies the controller's TLS certificate. Nil means the
	// system pool.
	RootCAs *x509.CertPool
	// RootCAsFrom names where RootCAs came from (e.g. `ca_file "/x/cas.pem"`),
	// so that an untrusted controller certificate is reported against the
	// bundle that was given rather than as if none was.
	RootCAsFrom string
	// InsecureSkipVerify disables TLS verification: only for labs.
	InsecureSkipVerify bool
	// UserAgent is sent on every request.
	UserAgent string
	// Timeout bounds one HTTP attempt (default 30s): a controller that
	// accepts connections but does not answer is given up after it.
	Timeout time.Duration
	// Retries is the number of retries of a request (default 4; negative
	// disables), on this endpoint or the next; with several endpoints each
	// is tried at least once. RetryWait and RetryMaxWait bound the backoff
	// (defaults 250ms and 5s).
	Retries                 int
	RetryWait, RetryMaxWait time.Duration
	// Log receives one line per HTTP attempt (method, path, status, attempt,
	// duration) and per login. It never receives secrets. Nil discards.
	Log func(ctx context.Context, msg string, fields map[string]any)
}

// Client talks to the controllers of one network. It is safe for
// concurrent use.
type Client struct {
	eps    *endpoints
	cfg    Config
	http   *resty.Client
	authMu sync.Mutex
	token  string
	// tokenAt is the endpoint whose controller issued token: an API
	// session of one controller is unknown to the others (see failover.go).
	tokenAt int
	// logins counts successful logins, for tests and diagnostics.
	logins int
	// firstLogin is the controller's createdAt of the first API session.
	firstLogin time.Time
}

// NormalizeEndpoint turns a URL or host:port into the controller's root URL
// (scheme://host:port plus any path prefix in front of the API paths).
func NormalizeEndpoint(endpoint string) (string, error) {
	s := strings.TrimSpace(endpoint)
	if s == "" {
		return "", errors.New("the controller endpoint is empty: set endpoint (or ZITI_API_HOST) to https://host:port or host:port")
	}
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", fmt.Errorf("the controller endpoint %q is not a URL or host:port: %w", endpoint, err)
	}
	if u.Scheme != "https" {
		// Plain http would send the password and session token in the
		// clear, and the Edge API is served only over TLS anyway.
		return "", fmt.Errorf("the controller endpoint %q must use https: write https://%s (the Edge API is served only over TLS)", redactURL(u), u.Host)
	}
	if u.Host == "" || u.Hostname() == "" {
		return "", fmt.Errorf("the controller endpoint %q has no host: use https://host:port or host:port", endpoint)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("the controller endpoint %q must not carry credentials, a query or a fragment", redactURL(u))
	}
	p := strings.TrimRight(u.Path, "/")
	for _, suffix := range []string{ManagementPath, ClientPath} {
		p = strings.TrimSuffix(p, suffix)
	}
	u.Path = p
	u.RawPath = ""
	return u.String(), nil
}

func redactURL(u *url.URL) string {
	c := *u
	if c.User != nil {
		c.User = url.User("REDACTED")
	}
	c.RawQuery = ""
	return c.String()
}

// checkCredentials reports missing credentials before any login attempt.
// Clients without credentials are fine for the unauthenticated calls
// (version, EST CA certs, enrollment).
func (cfg *Config) checkCredentials() error {
	if cfg.Certificate == nil && cfg.Username == "" {
		return errors.New("no credentials: set username and password, or a client certificate (identity_file or cert_pem/key_pem)")
	}
	if cfg.Certificate == nil && cfg.Password == "" {
		return errors.New("username is set but password is empty: set password (or ZITI_PASSWORD)")
	}
	return nil
}

// New makes a client. It does not contact the controller.
func New(cfg Config) (*Client, error) {
	eps, err := newEndpoints(cfg.Endpoint, cfg.Endpoints)
	if err != nil {
		return nil, err
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.Retries == 0 {
		cfg.Retries = 4
	}
	if cfg.Retries < 0 {
		cfg.Retries = 0
	}
	if cfg.RetryWait == 0 {
		cfg.RetryWait = 250 * time.Millisecond
	}
	if cfg.RetryMaxWait == 0 {
		cfg.RetryMaxWait = 5 * time.Second
	}
	tlsCfg := &tls.Config{
		MinVersion:         tls.VersionTLS12,
		RootCAs:            cfg.RootCAs,
		InsecureSkipVerify: cfg.InsecureSkipVerify, //nolint:gosec // explicit, documented opt-in with a warning diagnostic
	}
	if cfg.Certificate != nil {
		tlsCfg.Certificates = []tls.Certificate{*cfg.Certificate}
	}
	// A dead controller's address is given up after at most 10s (less
	// with a shorter Timeout), so the next endpoint gets its turn.
	connectTimeout := min(10*time.Second, cfg.Timeout)
	transport := &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		DialContext:         (&net.Dialer{Timeout: connectTimeout, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:     tlsCfg,
		TLSHandshakeTimeout: connectTimeout,
		// Keep as many connections as Terraform runs operations at once
		// (-parallelism, default 10): controllersrv speaks HTTP/1.1 only, and
		// with 4 idle slots every burst closed 6 connections whose
		// replacements each paid a full TLS handshake with chain
		// verification (25% of provider CPU in .ci/bench-provider.sh).
		MaxIdleConnsPerHost: 32,
		IdleConnTimeout:     90 * time.Second,
		ForceAttemptHTTP2:   true,
	}
	// Retries are the client's own (do): each may go to another endpoint.
	hc := resty.New().
		SetTransport(transport).
		SetTimeout(cfg.Timeout).
		SetLogger(discardLogger{}).
		SetDebug(false).
		SetRetryCount(0).
		SetRedirectPolicy(resty.NoRedirectPolicy())
	if cfg.UserAgent != "" {
		hc.SetHeader("User-Agent", cfg.UserAgent)
	}
	hc.SetHeader("Accept", "application/json")
	return &Client{eps: eps, cfg: cfg, http: hc}, nil
}

// RootURL is the controller root this client talks to now (the first
// endpoint until it fails over).
func (c *Client) RootURL() string { return c.eps.root(c.eps.current()) }

// RootURLs are the roots of every endpoint, in the order they are tried.
func (c *Client) RootURLs() []string { return append([]string(nil), c.eps.roots...) }

// Logins reports how many times the client has logged in.
func (c *Client) Logins() int {
	c.authMu.Lock()
	defer c.authMu.Unlock()
	return c.logins
}

// discardLogger silences resty: its own messages can include request URLs
// (enrollment tokens travel in a query parameter) and we log per attempt
// ourselves.
type discardLogger struct{}

func (discardLogger) Errorf(string, ...any) {}
func (discardLogger) Warnf(string, ...any)  {}
func (discardLogger) Debugf(string, ...any) {}

// idempotent methods may be repeated without changing the outcome.
func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

// parseRetryAfter reads a Retry-After value; 0 when absent or invalid.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil {
		if secs <= 0 {
			return 0
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// isDialError reports whether err is of a request that never reached a
// controller: the connection could not be made (refused, unreachable, a TLS
// handshake that failed or timed out).
func isDialError(err error) bool {
	var op *net.OpError
	var ns *notSentError
	return errors.As(err, &ns) || errors.As(err, &op) && op.Op == "dial"
}

// notSentError is the error of a request that got no connection.
type notSentError struct{ err error }

func (e *notSentError) Error() string { return e.err.Error() }
func (e *notSentError) Unwrap() error { return e.err }

func isTLSVerifyError(err error) bool {
	var unk x509.UnknownAuthorityError
	var host x509.HostnameError
	var inv x509.CertificateInvalidError
	var verr *tls.CertificateVerificationError
	return errors.As(err, &unk) || errors.As(err, &host) || errors.As(err, &inv) || errors.As(err, &verr)
}

// request is one logical API call.
type request struct {
	method      string
	path        string // full path below root, e.g. /edge/management/v1/identities
	query       url.Values
	body        any
	contentType string
	out         any  // decoded from the envelope's data
	raw         bool // out is *[]byte: the raw body, no envelope
	noAuth      bool
	// repeatable marks a POST that may be sent again whatever became of an
	// earlier send (a login: a second API session harms nothing).
	repeatable bool
}

// do runs a request: session, retries and failover (see attempt), one
// re-authentication on 401, envelope decoding.
func (c *Client) do(ctx context.Context, r request) (*resty.Response, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	resp, at, err := c.attempt(ctx, r)
	var le *loginError
	if errors.As(err, &le) {
		return nil, le.err
	}
	if err != nil {
		if isDialError(err) && !isTLSVerifyError(err) {
			return nil, &unavailableError{c.transportError(r, at, err)}
		}
		return nil, c.transportError(r, at, err)
	}
	code := resp.StatusCode()
	if code < 200 || code > 299 {
		apiErr := edgewire.DecodeError(code, r.method, r.path, resp.Header().Get("Content-Type"), resp.Body())
		if maybeAppliedStatus(r, code, apiErr) {
			return resp, &maybeAppliedError{fmt.Errorf("%w; the request may or may not have been applied (%s answered %d after it was sent)", apiErr, c.eps.root(at), code)}
		}
		if code == http.StatusServiceUnavailable && apiErr.Code == clusterNoLeader {
			return resp, &unavailableError{apiErr}
		}
		return resp, apiErr
	}
	if r.out == nil {
		return resp, nil
	}
	if r.raw {
		*(r.out.(*[]byte)) = resp.Body()
		return resp, nil
	}
	if err := decodeData(resp.Body(), r.out); err != nil {
		return resp, fmt.Errorf("%s %s: decoding the response: %w", r.method, r.path, err)
	}
	return resp, nil
}

// send makes one HTTP attempt of r on endpoint at.
func (c *Client) send(ctx context.Context, at int, r request, token string) (*resty.Response, error) {
	req := c.http.R().SetContext(ctx)
	if token != "" {
		req.SetHeader(SessionHeader, token)
	}
	if r.query != nil {
		req.SetQueryParamsFromValues(r.query)
	}
	if r.body != nil {
		ct := r.contentType
		if ct == "" {
			ct = "application/json"
		}
		req.SetHeader("Content-Type", ct).SetBody(r.body)
	}
	// A request that got no connection (refused, the TLS handshake cut
	// short) never reached a controller: safe to send anywhere again.
	var gotConn atomic.Bool
	req.SetContext(httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{GotConn: func(httptrace.GotConnInfo) { gotConn.Store(true) }}))
	start := time.Now()
	resp, err := req.Execute(r.method, c.eps.root(at)+r.path)
	if err != nil && !gotConn.Load() {
		err = &notSentError{err}
	}
	if c.cfg.Log != nil {
		fields := map[string]any{"method": r.method, "path": r.path, "duration_ms": time.Since(start).Milliseconds()}
		if c.eps.len() > 1 {
			fields["endpoint"] = c.eps.root(at)
		}
		if resp != nil && resp.RawResponse != nil {
			fields["status"] = resp.StatusCode()
		}
		if err != nil {
			fields["error"] = c.transportError(r, at, err).Error()
		}
		c.cfg.Log(ctx, "edge API request", fields)
	}
	return resp, err
}

// transportError explains connection failures without echoing the URL's
// query (which may carry an enrollment token).
func (c *Client) transportError(r request, at int, err error) error {
	root := c.eps.root(at)
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if isTLSVerifyError(err) {
		if c.cfg.RootCAs != nil && c.cfg.RootCAsFrom != "" {
			return fmt.Errorf("%s %s%s: the controller's TLS certificate is not signed by a CA in %s (%w): point it at the controller's CA bundle (cas.pem / ca_bundle_pem)", r.method, root, r.path, c.cfg.RootCAsFrom, err)
		}
		return fmt.Errorf("%s %s%s: the controller's TLS certificate is not trusted (%w): set ca_pem or ca_file to the controller's CA bundle", r.method, root, r.path, err)
	}
	if !idempotent(r.method) && !r.repeatable && !isDialError(err) && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		// The request was sent and the connection broke before an answer
		// (a controller restart, a proxy timeout). It is not retried, since
		// it may have been applied; say so rather than show a bare "EOF".
		return &maybeAppliedError{fmt.Errorf("%s %s%s: the connection closed before the controller answered (%w); the request may or may not have been applied: run the apply again, and if it then reports a conflict with an existing object, import that object", r.method, root, r.path, err)}
	}
	return fmt.Errorf("%s %s%s: %w", r.method, root, r.path, err)
}

// ErrMaybeApplied matches (errors.Is) the error of a POST or PATCH whose
// connection broke after the request was sent and before an answer came, or
// that a controller or proxy answered with 500, 502, 503 or 504 (a cluster
// member whose leader died, a gateway that lost the controller): the
// controller may or may not have applied it. Such an error of an answer is
// also an *APIError. Callers that can find out
// (a create of an object with a unique name: look it up) should.
var ErrMaybeApplied = errors.New("the request may or may not have been applied")

// ErrUnavailable matches (errors.Is) the error of a request that no
// controller applied because none could take it, even after the retries:
// every endpoint refused the connection, or the cluster had no leader
// (503 CLUSTER_NO_LEADER). Sending it again later is safe.
var ErrUnavailable = errors.New("no controller could take the request")

type unavailableError struct{ err error }

func (e *unavailableError) Error() string        { return e.err.Error() }
func (e *unavailableError) Unwrap() error        { return e.err }
func (e *unavailableError) Is(target error) bool { return target == ErrUnavailable }

type maybeAppliedError struct{ err error }

func (e *maybeAppliedError) Error() string        { return e.err.Error() }
func (e *maybeAppliedError) Unwrap() error        { return e.err }
func (e *maybeAppliedError) Is(target error) bool { return target == ErrMaybeApplied }

// FirstLoginAt is when this client first logged in, by the controller's
// clock (the API session's createdAt), or zero before a login or when the
// controller sent no createdAt. Every object this client created was
// created after it; an object created before it was not created by this
// client. The controller's clock is used so that clock skew between the
// client's host and the controller does not matter.
func (c *Client) FirstLoginAt() time.Time {
	c.authMu.Lock()
	defer c.authMu.Unlock()
	return c.firstLogin
}

// session returns a valid token and the endpoint it belongs to, logging
// in when there is none, when the client has moved to another endpoint
// since (an API session is local to the controller that made it), or when
// the caller's token (stale) was rejected and nobody has replaced it yet.
func (c *Client) session(ctx context.Context, stale string) (string, int, error) {
	c.authMu.Lock()
	defer c.authMu.Unlock()
	if c.token != "" && c.token != stale && c.tokenAt == c.eps.current() {
		return c.token, c.tokenAt, nil
	}
	c.token = ""
	if err := c.cfg.checkCredentials(); err != nil {
		return "", 0, err
	}
	s, at, err := c.login(ctx)
	if err != nil {
		return "", 0, err
	}
	c.token, c.tokenAt = s.Token, at
	if c.logins == 0 {
		c.firstLogin = s.CreatedAt
	}
	c.logins++
	return c.token, c.tokenAt, nil
}

// login logs in on the endpoint in use (or the next ones, when it does not
// answer) and returns the API session and the endpoint that made it.
func (c *Client) login(ctx context.Context) (*APISession, int, error) {
	var s APISession
	r := request{method: http.MethodPost, path: ManagementPath + "/authenticate", noAuth: true, repeatable: true, out: &s}
	if c.cfg.Certificate != nil {
		r.query = url.Values{"method": {"cert"}}
		r.body = map[string]any{}
	} else {
		r.query = url.Values{"method": {"password"}}
		r.body = map[string]string{"username": c.cfg.Username, "password": c.cfg.Password}
	}
	resp, at, err := c.attempt(ctx, r)
	var ae *APIError
	if err == nil {
		if code := resp.StatusCode(); code < 200 || code > 299 {
			ae = edgewire.DecodeError(code, r.method, r.path, resp.Header().Get("Content-Type"), resp.Body())
			err = ae
		} else if err = decodeData(resp.Body(), &s); err != nil {
			err = fmt.Errorf("%s %s: decoding the response: %w", r.method, r.path, err)
		}
	} else {
		err = c.transportError(r, at, err)
	}
	root := c.eps.root(at)
	if err != nil {
		if ae != nil && ae.StatusCode == http.StatusUnauthorized {
			return nil, at, fmt.Errorf("login to %s failed (%s): check username/password or the client certificate", root, ae.Message)
		}
		return nil, at, fmt.Errorf("login to %s failed: %w", root, err)
	}
	if s.Token == "" {
		s.Token = resp.Header().Get(SessionHeader)
	}
	if s.Token == "" {
		return nil, at, fmt.Errorf("login to %s returned no session token", root)
	}
	if c.cfg.Log != nil {
		fields := map[string]any{"identity_id": s.IdentityID, "expires_at": s.ExpiresAt.Format(time.RFC3339)}
		if c.eps.len() > 1 {
			fields["endpoint"] = root
		}
		c.cfg.Log(ctx, "edge API login", fields)
	}
	return &s, at, nil
}

// Logout deletes the current API session, if any.
func (c *Client) Logout(ctx context.Context) error {
	c.authMu.Lock()
	token, at := c.token, c.tokenAt
	c.token = ""
	c.authMu.Unlock()
	if token == "" {
		return nil
	}
	r := request{method: http.MethodDelete, path: ManagementPath + "/current-api-session", noAuth: true}
	resp, err := c.send(ctx, at, r, token)
	if err != nil {
		return c.transportError(r, at, err)
	}
	if code := resp.StatusCode(); code >= 300 && code != http.StatusUnauthorized {
		return edgewire.DecodeError(code, r.method, r.path, resp.Header().Get("Content-Type"), resp.Body())
	}
	return nil
}
