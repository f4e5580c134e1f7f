package server

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/auth"
)

// TestAPISessionsSurviveRestart: API sessions are kept in the store, as
// the OpenZiti controller keeps them: after a restart on the same home a
// token still works, with the idle expiry counted from its last use before
// the restart; a logged-out session and the session of a deleted identity
// stay refused; the database file holds no token.
func TestAPISessionsSurviveRestart(t *testing.T) {
	home := t.TempDir()
	start := func() *Server {
		t.Helper()
		s, err := Start(context.Background(), Options{Home: home, Bind: "127.0.0.1:0", AdminPassword: "admin-pw-123"})
		if err != nil {
			t.Fatalf("Start: %v", err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	t0 := time.Now()
	at := func(s *Server, d time.Duration) { s.sessions.SetClock(func() time.Time { return t0.Add(d) }) }

	s := start()
	at(s, 0)
	admin := newClient(t, s).admin()
	updbUser(admin, "alice", "default", "alice-pw-123")
	bobID := updbUser(admin, "bob", "default", "bob-pw-123")
	user := func(name, pw string) *client {
		c := newClient(t, s)
		c.login("/edge/client/v1", name, pw)
		return c
	}
	used, idle, loggedOut, bob := user("alice", "alice-pw-123"), user("alice", "alice-pw-123"), user("alice", "alice-pw-123"), user("bob", "bob-pw-123")
	loggedOut.mustStatus(loggedOut.do("DELETE", "/edge/client/v1/current-api-session", nil), 200)
	admin.mustStatus(admin.do("DELETE", mgmt+"/identities/"+bobID, nil), 200)
	at(s, 20*time.Minute)
	used.mustStatus(used.do("GET", "/edge/client/v1/current-identity", nil), 200)
	tokens := map[string]*client{"used": used, "idle": idle, "logged out": loggedOut, "deleted identity": bob, "admin": admin}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = start()
	for _, c := range tokens {
		c.s = s
	}
	at(s, 20*time.Minute)
	for name, want := range map[string]int{"used": 200, "admin": 200, "logged out": 401, "deleted identity": 401} {
		c := tokens[name]
		if r := c.do("GET", "/edge/client/v1/current-api-session", nil); r.Status != want {
			t.Errorf("after the restart, the %s session: GET current-api-session %d, want %d: %s", name, r.Status, want, r.Body)
		}
	}
	// Idle for 35 minutes (timeout 30): refused; the one used at 20
	// minutes, before the restart, has 15 minutes left. Had the restart
	// lost that use, both would be refused.
	at(s, 35*time.Minute)
	used.mustStatus(used.do("GET", "/edge/client/v1/current-identity", nil), 200)
	if r := idle.do("GET", "/edge/client/v1/current-identity", nil); r.Status != 401 {
		t.Errorf("a session idle for longer than the timeout across a restart: %d, want 401", r.Status)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	db, err := os.ReadFile(filepath.Join(home, "db", "ctrl.db"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(db, []byte(auth.TokenHash(used.session))) {
		t.Fatal("the database file does not hold the live session's token hash: sessions are not stored where this test looks")
	}
	for name, c := range tokens {
		if bytes.Contains(db, []byte(c.session)) {
			t.Errorf("the database file holds the token of the %s session", name)
		}
	}
}
