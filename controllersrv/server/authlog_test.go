package server

import (
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
