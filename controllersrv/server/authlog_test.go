package server

import (
	"net/url"
	"strings"
	"testing"
)

// TestLoginFailuresLogged: every refused login leaves a warn line at the
// default level with its method, username (or certificate) and remote
// address, and never the password.
func TestLoginFailuresLogged(t *testing.T) {
	s, logs := testServerWithLog(t)
	const secret = "Guessed-Secret-4711"
	for _, user := range []string{"admin", "no-such-user"} {
		if st := loginStatus(t, s, user, secret); st != 401 {
			t.Fatalf("wrong password for %s: %d, want 401", user, st)
		}
	}
	_, stranger := newExtRoot(t, "Stranger Root").issue(leafOpts{CN: "stranger-device"})
	if _, r := certLogin(t, s, stranger); r.Status != 401 {
		t.Fatalf("untrusted certificate: %d, want 401", r.Status)
	}
	out := logs.String()
	if strings.Contains(out, secret) {
		t.Fatal("the log holds the password")
	}
	want := map[string][]string{
		"admin":           {"level=WARN", "authentication failed", "method=password", "username=admin", "remoteAddress=127.0.0.1:", "code=INVALID_AUTH"},
		"no-such-user":    {"level=WARN", "authentication failed", "method=password", "username=no-such-user", "remoteAddress=127.0.0.1:"},
		"stranger-device": {"level=WARN", "authentication failed", "method=cert", "CN=stranger-device", "certificateFingerprint=", "remoteAddress=127.0.0.1:"},
	}
	for key, parts := range want {
		found := false
		for _, line := range strings.Split(out, "\n") {
			if !strings.Contains(line, "authentication failed") || !strings.Contains(line, key) {
				continue
			}
			found = true
			for _, p := range parts {
				if !strings.Contains(line, p) {
					t.Errorf("the failure line for %s lacks %q: %s", key, p, line)
				}
			}
		}
		if !found {
			t.Errorf("no failure line for %s in:\n%s", key, out)
		}
	}
}

// TestSessionTokenNotCached: responses carrying a session token forbid
// caching (Cache-Control: no-store), at login and when read back.
func TestSessionTokenNotCached(t *testing.T) {
	s := testServer(t)
	c := newClient(t, s)
	r := c.mustStatus(c.do("POST", "/edge/client/v1/authenticate?method=password", map[string]string{"username": "admin", "password": "admin-pw-123"}), 200)
	if got := r.Header.Get("Cache-Control"); got != "no-store" {
		t.Fatalf("login answer Cache-Control %q, want no-store", got)
	}
	c.session = r.Header.Get("zt-session")
	r = c.mustStatus(c.do("GET", "/edge/client/v1/current-api-session", nil), 200)
	if got := r.Header.Get("Cache-Control"); got != "no-store" {
		t.Fatalf("current-api-session Cache-Control %q, want no-store", got)
	}
}

// TestCurrentIdentityAuthenticatorsPaged: /current-identity/authenticators
// honours filter, limit and offset as /authenticators does.
func TestCurrentIdentityAuthenticatorsPaged(t *testing.T) {
	s := testServer(t)
	admin := newClient(t, s).admin()
	updbUser(admin, "paged", "default", "paged-pw-123")
	user := newClient(t, s)
	user.login("/edge/client/v1", "paged", "paged-pw-123")
	count := func(query string) (int, float64) {
		r := user.mustStatus(user.do("GET", "/edge/client/v1/current-identity/authenticators?"+query, nil), 200)
		m := r.json(t)
		items, _ := m["data"].([]any)
		total, _ := jsonPath(m, "meta", "pagination", "totalCount").(float64)
		return len(items), total
	}
	for query, want := range map[string][2]float64{
		"": {1, 1},
		"filter=" + url.QueryEscape(`method="updb"`): {1, 1},
		"filter=" + url.QueryEscape(`method="cert"`): {0, 0},
		"offset=1":         {0, 1},
		"limit=1&offset=0": {1, 1},
	} {
		if n, total := count(query); float64(n) != want[0] || total != want[1] {
			t.Errorf("?%s: %d items of %v, want %v of %v", query, n, total, want[0], want[1])
		}
	}
	r := user.do("GET", "/edge/client/v1/current-identity/authenticators?filter="+url.QueryEscape(`password="x"`), nil)
	user.wantError(r, 400, "INVALID_FILTER", "")
}
