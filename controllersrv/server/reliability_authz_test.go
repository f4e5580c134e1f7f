package server

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/api"
)

// TestAuthZMatrix walks the controller's whole routing table: every
// endpoint that needs a session answers 401 UNAUTHORIZED with no session,
// with an expired session and with a forged token, and every admin-only
// endpoint (all of the management API except the /current-* self-service
// routes) answers 401 UNAUTHORIZED to a valid non-admin session, as
// OpenZiti does. Nothing in
// the store changes. TestBadInputs checks the same for one endpoint each.
func TestAuthZMatrix(t *testing.T) {
	s := testServer(t)
	admin := newClient(t, s).admin()
	admin.check = false
	userID := admin.createIdentity(map[string]any{"name": "user", "type": "User", "isAdmin": false, "enrollment": map[string]any{"updb": "user1"}})
	tok := jsonPath(admin.mustStatus(admin.do("GET", mgmt+"/identities/"+userID, nil), 200).data(t), "enrollment", "updb", "token").(string)
	anon := newClient(t, s)
	anon.check = false
	anon.mustStatus(anon.do("POST", "/edge/client/v1/enroll?method=updb&token="+tok, map[string]string{"username": "user1", "password": "user-pw-1"}), 200)
	user := newClient(t, s)
	user.check = false
	user.login(mgmt, "user1", "user-pw-1")
	// An admin session that expired: made with the session clock one idle
	// period in the past.
	expired := newClient(t, s)
	expired.check = false
	s.sessions.SetClock(func() time.Time { return time.Now().Add(-s.sessions.Idle - time.Minute) })
	expired.admin()
	s.sessions.SetClock(time.Now)
	forged := newClient(t, s)
	forged.check = false
	forged.session = "00000000-0000-4000-8000-000000000000"

	param := regexp.MustCompile(`\{[^}]+\}`)
	before := fullSnapshot(t, s)
	var checked, adminOnly, public int
	for _, rt := range api.Routes() {
		for _, b := range rt.Bases() {
			path := b + param.ReplaceAllString(strings.TrimSuffix(rt.Path, "{$}"), "x0")
			if rt.Access == api.Public {
				public++
				continue
			}
			name := rt.Method + " " + path
			var body any
			if rt.Method == http.MethodPost || rt.Method == http.MethodPut || rt.Method == http.MethodPatch {
				body = map[string]any{"name": "authz-probe", "type": "User", "isAdmin": true}
			}
			for who, c := range map[string]*client{"no session": anon, "expired session": expired, "forged session": forged} {
				r := c.do(rt.Method, path, body)
				if r.Status != 401 || r.errorCode(t) != "UNAUTHORIZED" {
					t.Errorf("%s with %s: %d %.200s, want 401 UNAUTHORIZED", name, who, r.Status, r.Body)
				}
			}
			checked++
			if rt.Access == api.Admin || (b == api.ManagementPath && !strings.HasPrefix(rt.Path, "/current-")) {
				adminOnly++
				r := user.do(rt.Method, path, body)
				if r.Status != 401 || r.errorCode(t) != "UNAUTHORIZED" {
					t.Errorf("%s with a non-admin session: %d %.200s, want 401 UNAUTHORIZED", name, r.Status, r.Body)
				}
			}
		}
	}
	if checked < 20 || adminOnly < 15 {
		t.Fatalf("only %d protected endpoints (%d admin-only) found in the routing table", checked, adminOnly)
	}
	if after := fullSnapshot(t, s); after != before {
		t.Fatal("refused requests changed the stored state")
	}
	// The non-admin session is still good (the matrix did not end it).
	user.mustStatus(user.do("GET", "/edge/client/v1/current-identity", nil), 200)
	t.Logf("%d protected endpoints checked (%d admin-only), %d public ones skipped", checked, adminOnly, public)
}
