package edgeapi

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zitiform/terraform-provider-ziti/internal/edgewire"
)

const (
	testUser     = "admin"
	testPassword = "pw-S3cr3t-never-logged"
)

// fakeController is a small Edge API on an httptest TLS server. It is not a
// mock of the client: it speaks the wire format (envelopes, sessions, error
// envelope) so the client's real HTTP, TLS and retry paths run.
type fakeController struct {
	t      *testing.T
	srv    *httptest.Server
	mu     sync.Mutex
	tokens map[string]bool
	logins atomic.Int32
	// failures answers the next n requests of a path with a status.
	failures map[string][]int
	hits     map[string]int
}

func newFakeController(t *testing.T) *fakeController {
	f := &fakeController{t: t, tokens: map[string]bool{}, failures: map[string][]int{}, hits: map[string]int{}}
	f.srv = httptest.NewTLSServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// dropConnection as a failNext status closes the connection after the
// request has been read, as a controller restart does.
const dropConnection = -1

// noLeader as a failNext status answers 503 CLUSTER_NO_LEADER, as an
// OpenZiti cluster member does while the cluster elects a leader.
const noLeader = -2

func (f *fakeController) failNext(path string, statuses ...int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failures[path] = append(f.failures[path], statuses...)
}

func (f *fakeController) expireSessions() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tokens = map[string]bool{}
}

func (f *fakeController) hitCount(key string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hits[key]
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeErr(w http.ResponseWriter, status int, code, msg string, cause any) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"code": code, "message": msg, "cause": cause, "requestId": "req-1"}, "meta": map[string]any{}})
}

func (f *fakeController) serve(w http.ResponseWriter, r *http.Request) {
	key := r.Method + " " + r.URL.Path
	f.mu.Lock()
	f.hits[key]++
	if fs := f.failures[r.URL.Path]; len(fs) > 0 {
		f.failures[r.URL.Path] = fs[1:]
		f.mu.Unlock()
		if fs[0] == dropConnection {
			conn, _, err := http.NewResponseController(w).Hijack()
			if err != nil {
				f.t.Errorf("hijack: %v", err)
				return
			}
			conn.Close() // the request arrived; no answer ever comes
			return
		}
		if fs[0] == noLeader {
			writeErr(w, http.StatusServiceUnavailable, clusterNoLeader, "Cluster has no leader, unable to make model updates.", nil)
			return
		}
		writeErr(w, fs[0], "INJECTED", "injected failure", "")
		return
	}
	f.mu.Unlock()
	switch r.URL.Path {
	case ManagementPath + "/authenticate":
		var body map[string]string
		_ = json.NewDecoder(r.Body).Decode(&body)
		if r.URL.Query().Get("method") != "password" || body["username"] != testUser || body["password"] != testPassword {
			writeErr(w, 401, "INVALID_AUTH", "The authentication request failed", "")
			return
		}
		tok := fmt.Sprintf("tok-%d-%d", f.logins.Add(1), time.Now().UnixNano())
		f.mu.Lock()
		f.tokens[tok] = true
		f.mu.Unlock()
		w.Header().Set(SessionHeader, tok)
		writeJSON(w, 200, map[string]any{"data": map[string]any{"token": tok, "identityId": "admin-id", "createdAt": time.Now().UTC(), "expiresAt": time.Now().Add(time.Hour)}, "meta": map[string]any{}})
		return
	case ManagementPath + "/version":
		writeJSON(w, 200, map[string]any{"data": map[string]any{"version": "v1.2.3"}, "meta": map[string]any{}})
		return
	}
	f.mu.Lock()
	ok := f.tokens[r.Header.Get(SessionHeader)]
	f.mu.Unlock()
	if !ok {
		writeErr(w, 401, "UNAUTHORIZED", "The request could not be completed. The session is not authorized", "")
		return
	}
	switch {
	case r.Method == http.MethodPost && r.URL.Path == ManagementPath+"/identities":
		var body IdentityCreate
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Name == "" {
			writeErr(w, 400, "COULD_NOT_VALIDATE", "The supplied request contains an invalid document",
				map[string]any{"field": "name", "reason": "must be provided", "value": "secret-echo"})
			return
		}
		writeJSON(w, 201, map[string]any{"data": map[string]any{"id": "id-" + body.Name}, "meta": map[string]any{}})
	case r.Method == http.MethodGet && r.URL.Path == ManagementPath+"/identities/id-one":
		writeJSON(w, 200, map[string]any{"data": map[string]any{"id": "id-one", "name": "one", "type": map[string]any{"id": "Device", "name": "Device"}, "roleAttributes": []string{"a"}}, "meta": map[string]any{}})
	case r.Method == http.MethodGet && r.URL.Path == ManagementPath+"/identities":
		// Three identities, served two per page regardless of limit, to
		// exercise paging.
		all := []map[string]any{{"id": "1", "name": "a"}, {"id": "2", "name": "b"}, {"id": "3", "name": "c"}}
		var off int
		fmt.Sscan(r.URL.Query().Get("offset"), &off)
		end := min(off+2, len(all))
		writeJSON(w, 200, map[string]any{"data": all[off:end], "meta": map[string]any{"pagination": map[string]any{"limit": 2, "offset": off, "totalCount": len(all)}}})
	case r.Method == http.MethodGet && r.URL.EscapedPath() == ManagementPath+"/identities/id%20one/enrollments":
		writeJSON(w, 200, map[string]any{"data": []map[string]any{
			{"id": "e1", "method": "ott", "identityId": "id one", "expiresAt": "2030-01-02T03:04:05Z", "createdAt": "2026-01-01T00:00:00.5Z"},
			{"id": "e2", "method": "updb", "identityId": "id one", "username": "u1", "expiresAt": "2030-01-02T03:04:05Z", "createdAt": "2026-01-01T00:00:01Z"},
		}, "meta": map[string]any{"pagination": map[string]any{"limit": 500, "offset": 0, "totalCount": 2}}})
	case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/verify"):
		b, _ := io.ReadAll(r.Body)
		if r.Header.Get("Content-Type") != "text/plain" || !strings.HasPrefix(string(b), "-----BEGIN CERTIFICATE-----") {
			writeErr(w, 400, "INVALID_CONTENT", "want a text/plain PEM", "")
			return
		}
		writeJSON(w, 200, map[string]any{"data": map[string]any{}, "meta": map[string]any{}})
	default:
		writeErr(w, 404, "NOT_FOUND", "The resource requested was not found or is no longer available", nil)
	}
}

func (f *fakeController) client(t *testing.T, mod func(*Config)) (*Client, *[]string) {
	pool := x509.NewCertPool()
	pool.AddCert(f.srv.Certificate())
	var lines []string
	var mu sync.Mutex
	cfg := Config{
		Endpoint: f.srv.URL, Username: testUser, Password: testPassword, RootCAs: pool,
		RetryWait: time.Millisecond, RetryMaxWait: 5 * time.Millisecond,
		Log: func(_ context.Context, msg string, fields map[string]any) {
			mu.Lock()
			defer mu.Unlock()
			lines = append(lines, fmt.Sprint(msg, fields))
		},
	}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c, &lines
}

func TestLazyLoginOnceAndReauthOn401(t *testing.T) {
	f := newFakeController(t)
	c, lines := f.client(t, nil)
	if f.logins.Load() != 0 {
		t.Fatal("New must not log in")
	}
	ctx := context.Background()
	if _, err := c.Version(ctx); err != nil {
		t.Fatal(err)
	}
	if f.logins.Load() != 0 {
		t.Fatal("version needs no session")
	}
	for range 3 {
		d, err := c.GetIdentity(ctx, "id-one")
		if err != nil {
			t.Fatal(err)
		}
		if d.Name != "one" || d.TypeName() != "Device" {
			t.Fatalf("decoded %+v", d)
		}
	}
	if n := f.logins.Load(); n != 1 {
		t.Fatalf("logged in %d times, want 1", n)
	}
	f.expireSessions()
	if _, err := c.GetIdentity(ctx, "id-one"); err != nil {
		t.Fatalf("after session expiry: %v", err)
	}
	if n := f.logins.Load(); n != 2 {
		t.Fatalf("logged in %d times after expiry, want 2", n)
	}
	for _, l := range *lines {
		if strings.Contains(l, testPassword) || strings.Contains(l, "tok-") {
			t.Fatalf("log line leaks a secret: %s", l)
		}
	}
}

func TestConcurrentRequestsLogInOnce(t *testing.T) {
	f := newFakeController(t)
	c, _ := f.client(t, nil)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.GetIdentity(context.Background(), "id-one")
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := f.logins.Load(); n != 1 {
		t.Fatalf("logged in %d times, want 1", n)
	}
}

func TestReauthOnlyOnce(t *testing.T) {
	f := newFakeController(t)
	c, _ := f.client(t, nil)
	ctx := context.Background()
	if _, err := c.GetIdentity(ctx, "id-one"); err != nil {
		t.Fatal(err)
	}
	// Every answer of this path is 401: the client must give up after one
	// re-login instead of looping.
	f.failNext(ManagementPath+"/identities/id-one", 401, 401, 401, 401)
	_, err := c.GetIdentity(ctx, "id-one")
	if !IsUnauthorized(err) {
		t.Fatalf("want a 401 error, got %v", err)
	}
	if n := f.logins.Load(); n != 2 {
		t.Fatalf("logged in %d times, want 2 (one re-auth)", n)
	}
}

func TestWrongPassword(t *testing.T) {
	f := newFakeController(t)
	c, _ := f.client(t, func(c *Config) { c.Password = "wrong-password-xyz" })
	_, err := c.GetIdentity(context.Background(), "id-one")
	if err == nil || !strings.Contains(err.Error(), "login") || strings.Contains(err.Error(), "wrong-password-xyz") {
		t.Fatalf("want a login error without the password, got %v", err)
	}
}

func TestRetriesIdempotentOn5xxAnd429(t *testing.T) {
	f := newFakeController(t)
	c, _ := f.client(t, nil)
	ctx := context.Background()
	path := ManagementPath + "/identities/id-one"
	f.failNext(path, 503, 502, 429)
	if _, err := c.GetIdentity(ctx, "id-one"); err != nil {
		t.Fatalf("GET should have been retried: %v", err)
	}
	if got := f.hitCount("GET " + path); got != 4 {
		t.Fatalf("GET hit %d times, want 4", got)
	}
	// Retries are bounded.
	f.failNext(path, 500, 500, 500, 500, 500, 500)
	_, err := c.GetIdentity(ctx, "id-one")
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != http.StatusInternalServerError {
		t.Fatalf("want the last 500, got %v", err)
	}
	if got := f.hitCount("GET " + path); got != 4+5 {
		t.Fatalf("GET hit %d times in total, want 9 (1 + 4 retries)", got)
	}
}

func TestPostNotRetriedOn5xxButOn429(t *testing.T) {
	f := newFakeController(t)
	c, _ := f.client(t, nil)
	ctx := context.Background()
	if _, err := c.GetIdentity(ctx, "id-one"); err != nil { // log in first
		t.Fatal(err)
	}
	path := ManagementPath + "/identities"
	f.failNext(path, 500)
	if _, err := c.CreateIdentity(ctx, &IdentityCreate{Name: "x", Type: "Device"}); err == nil {
		t.Fatal("a POST that failed with 500 may have been applied: it must not be retried")
	}
	if got := f.hitCount("POST " + path); got != 1 {
		t.Fatalf("POST hit %d times, want 1", got)
	}
	f.failNext(path, 429)
	id, err := c.CreateIdentity(ctx, &IdentityCreate{Name: "y", Type: "Device"})
	if err != nil || id != "id-y" {
		t.Fatalf("POST after 429 should be retried: %q %v", id, err)
	}
}

// FirstLoginAt is the controller's createdAt of the first session, and
// stays so across re-logins (the provider compares objects' createdAt with
// it to tell what this run created).
func TestFirstLoginAtIsTheFirstSessionsCreatedAt(t *testing.T) {
	f := newFakeController(t)
	c, _ := f.client(t, nil)
	if !c.FirstLoginAt().IsZero() {
		t.Fatal("FirstLoginAt is set before any login")
	}
	before := time.Now().UTC().Add(-time.Second)
	if _, err := c.GetIdentity(context.Background(), "id-one"); err != nil {
		t.Fatal(err)
	}
	first := c.FirstLoginAt()
	if first.Before(before) || first.After(time.Now().Add(time.Second)) {
		t.Fatalf("FirstLoginAt = %v, want about now", first)
	}
	f.expireSessions()
	time.Sleep(10 * time.Millisecond)
	if _, err := c.GetIdentity(context.Background(), "id-one"); err != nil {
		t.Fatal(err)
	}
	if c.Logins() != 2 {
		t.Fatalf("%d logins, want 2 (the expired session replaced)", c.Logins())
	}
	if !c.FirstLoginAt().Equal(first) {
		t.Fatalf("FirstLoginAt moved from %v to %v on the second login", first, c.FirstLoginAt())
	}
}

// A POST whose connection breaks after it was sent is not retried (it may
// have been applied) and the error says exactly that, not a bare "EOF".
func TestPostCutMidRequestSaysItMayHaveBeenApplied(t *testing.T) {
	f := newFakeController(t)
	c, _ := f.client(t, nil)
	ctx := context.Background()
	if _, err := c.GetIdentity(ctx, "id-one"); err != nil { // log in first
		t.Fatal(err)
	}
	path := ManagementPath + "/identities"
	f.failNext(path, dropConnection)
	_, err := c.CreateIdentity(ctx, &IdentityCreate{Name: "x", Type: "Device"})
	if err == nil || !strings.Contains(err.Error(), "may or may not have been applied") {
		t.Fatalf("err = %v, want the may-have-been-applied explanation", err)
	}
	if !errors.Is(err, ErrMaybeApplied) {
		t.Fatalf("err = %v does not match ErrMaybeApplied", err)
	}
	if got := f.hitCount("POST " + path); got != 1 {
		t.Fatalf("POST hit %d times, want 1 (no retry)", got)
	}
	// A GET cut the same way is retried and succeeds.
	f.failNext(ManagementPath+"/identities/id-one", dropConnection)
	if _, err := c.GetIdentity(ctx, "id-one"); err != nil {
		t.Fatalf("GET after a dropped connection should be retried: %v", err)
	}
}

func TestRetriesConnectionRefused(t *testing.T) {
	// A port that refuses connections at first, then serves: the dial
	// error is retried, even for the login POST.
	f := newFakeController(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c, _ := f.client(t, func(c *Config) {
		c.Endpoint = addr
		c.RetryWait, c.RetryMaxWait = 50*time.Millisecond, 200*time.Millisecond
		c.Retries = 8
	})
	go func() {
		time.Sleep(150 * time.Millisecond)
		ln2, err := net.Listen("tcp", addr)
		if err != nil {
			return
		}
		srv := &http.Server{Handler: f.srv.Config.Handler, TLSConfig: f.srv.TLS}
		t.Cleanup(func() { srv.Close() })
		_ = srv.ServeTLS(ln2, "", "")
	}()
	if _, err := c.GetIdentity(context.Background(), "id-one"); err != nil {
		t.Fatalf("want success after the port opens: %v", err)
	}
}

func TestTLSVerification(t *testing.T) {
	f := newFakeController(t)
	ctx := context.Background()
	c, _ := f.client(t, func(c *Config) { c.RootCAs = x509.NewCertPool() })
	_, err := c.Version(ctx)
	if err == nil || !strings.Contains(err.Error(), "not trusted") || !strings.Contains(err.Error(), "ca_pem") {
		t.Fatalf("want a TLS trust error naming ca_pem, got %v", err)
	}
	if got := f.hitCount("GET " + ManagementPath + "/version"); got != 0 {
		t.Fatalf("an untrusted server got %d requests", got)
	}
	c, _ = f.client(t, func(c *Config) { c.RootCAs = x509.NewCertPool(); c.InsecureSkipVerify = true })
	if v, err := c.Version(ctx); err != nil || v.Version != "v1.2.3" {
		t.Fatalf("insecure opt-in: %v %v", v, err)
	}
}

func TestErrorEnvelope(t *testing.T) {
	f := newFakeController(t)
	c, _ := f.client(t, nil)
	_, err := c.CreateIdentity(context.Background(), &IdentityCreate{Type: "Device"})
	var ae *APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want *APIError, got %T %v", err, err)
	}
	if ae.StatusCode != http.StatusBadRequest || ae.Code != "COULD_NOT_VALIDATE" || ae.Cause == nil || ae.Cause.Field != "name" || ae.RequestID != "req-1" {
		t.Fatalf("decoded %+v", ae)
	}
	msg := err.Error()
	for _, want := range []string{"COULD_NOT_VALIDATE", `field "name"`, "must be provided", "POST /edge/management/v1/identities"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
	if strings.Contains(msg, "secret-echo") {
		t.Errorf("error echoes the cause value: %q", msg)
	}
	_, err = c.GetIdentity(context.Background(), "missing")
	if !IsNotFound(err) {
		t.Fatalf("want not found, got %v", err)
	}
}

func TestListPaging(t *testing.T) {
	f := newFakeController(t)
	c, _ := f.client(t, nil)
	got, err := c.ListIdentities(context.Background(), ListOptions{Filter: `name contains "x"`})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[2].Name != "c" {
		t.Fatalf("paged list: %+v", got)
	}
}

// TestListIdentityEnrollments checks the path (the identity id escaped as
// one segment) and the decoding of an identity's enrollments, which the
// provider uses to resolve a lost create answer.
func TestListIdentityEnrollments(t *testing.T) {
	f := newFakeController(t)
	c, _ := f.client(t, nil)
	got, err := c.ListIdentityEnrollments(context.Background(), "id one")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != "e1" || got[0].Method != edgewire.MethodOTT || got[1].Username != "u1" ||
		!got[0].CreatedAt.Equal(time.Date(2026, 1, 1, 0, 0, 0, 5e8, time.UTC)) || !got[1].ExpiresAt.Equal(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)) {
		t.Fatalf("identity enrollments: %+v", got)
	}
	if _, err := c.ListIdentityEnrollments(context.Background(), "missing"); !IsNotFound(err) {
		t.Fatalf("enrollments of a missing identity: %v, want not found", err)
	}
}

func TestVerifyCASendsTextPlain(t *testing.T) {
	f := newFakeController(t)
	c, _ := f.client(t, nil)
	if err := c.VerifyCA(context.Background(), "ca1", []byte("-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n")); err != nil {
		t.Fatal(err)
	}
}

func TestNormalizeEndpoint(t *testing.T) {
	for in, want := range map[string]string{
		"ctrl.example.com:1280":                            "https://ctrl.example.com:1280",
		"https://ctrl.example.com:1280/":                   "https://ctrl.example.com:1280",
		"https://ctrl.example.com:1280/edge/management/v1": "https://ctrl.example.com:1280",
		"https://ctrl.example.com:1280/edge/client/v1/":    "https://ctrl.example.com:1280",
		"https://ctrl.example.com/ziti/edge/management/v1": "https://ctrl.example.com/ziti",
		"[::1]:1280":        "https://[::1]:1280",
		"  127.0.0.1:1280 ": "https://127.0.0.1:1280",
	} {
		got, err := NormalizeEndpoint(in)
		if err != nil || got != want {
			t.Errorf("NormalizeEndpoint(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "ftp://x:1", "http://ctrl.example.com:1280", "https://", "https://u:secretpw@h:1", "https://h:1/?token=abc"} {
		_, err := NormalizeEndpoint(bad)
		if err == nil {
			t.Errorf("NormalizeEndpoint(%q) should fail", bad)
		} else if strings.Contains(err.Error(), "secretpw") || strings.Contains(err.Error(), "abc") {
			t.Errorf("error leaks: %v", err)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Duration{
		"":                              0,
		"3":                             3 * time.Second,
		"0":                             0,
		"-1":                            0,
		"soon":                          0,
		"Tue, 01 Jan 2030 00:00:10 GMT": 10 * time.Second,
		"Mon, 31 Dec 2029 23:59:00 GMT": 0,
	} {
		if got := parseRetryAfter(in, now); got != want {
			t.Errorf("parseRetryAfter(%q) = %s, want %s", in, got, want)
		}
	}
}
