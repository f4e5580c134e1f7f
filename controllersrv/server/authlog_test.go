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
