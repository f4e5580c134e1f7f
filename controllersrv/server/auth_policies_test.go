package server

import (
	"context"
	"net/url"
	"sync"
	"testing"
	"time"
)

// testClock is a controller clock that tests move.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *testClock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// testServerWith starts a quickstart controller with options set by edit.
func testServerWith(t testing.TB, edit func(*Options)) *Server {
	t.Helper()
	opts := Options{Home: t.TempDir(), Bind: "127.0.0.1:0", AdminPassword: "admin-pw-123"}
	edit(&opts)
	s, err := Start(context.Background(), opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// policyBody is a complete auth policy (create and PUT need every field)
// with the updb rules changed by edit.
func policyBody(name string, edit func(updb map[string]any)) map[string]any {
	updb := map[string]any{"allowed": true, "maxAttempts": 0, "lockoutDurationMinutes": 0, "minPasswordLength": 5,
		"requireMixedCase": false, "requireNumberChar": false, "requireSpecialChar": false}
	if edit != nil {
		edit(updb)
	}
	return map[string]any{"name": name, "primary": map[string]any{
		"cert":   map[string]any{"allowed": true, "allowExpiredCerts": false},
		"extJwt": map[string]any{"allowed": true, "allowedSigners": []string{}},
		"updb":   updb,
	}, "secondary": map[string]any{"requireTotp": false}}
}

// createdID posts body to path and returns the new entity's id.
func (c *client) createdID(path string, body any) string {
	c.t.Helper()
	id, _ := c.mustStatus(c.do("POST", mgmt+path, body), 201).data(c.t)["id"].(string)
	if id == "" {
		c.t.Fatalf("POST %s returned no id", path)
	}
	return id
}

// wantError checks a refusal's status, code and the field its cause names.
func (c *client) wantError(r *response, status int, code, field string) {
	c.t.Helper()
	c.mustStatus(r, status)
	if got := r.errorCode(c.t); got != code {
		c.t.Fatalf("error code %s, want %s: %s", got, code, r.Body)
	}
	if field != "" {
		if got, _ := jsonPath(r.json(c.t), "error", "cause", "field").(string); got != field {
			c.t.Fatalf("cause field %q, want %q: %s", got, field, r.Body)
		}
	}
}

// updbUser creates an identity with the auth policy policyID and an updb
// enrollment, enrolls it with password and returns its id.
func updbUser(admin *client, name, policyID, password string) string {
	admin.t.Helper()
	id := admin.createIdentity(map[string]any{"name": name, "type": "User", "isAdmin": false, "authPolicyId": policyID, "enrollment": map[string]any{"updb": name}})
	token := jsonPath(admin.mustStatus(admin.do("GET", mgmt+"/identities/"+id, nil), 200).data(admin.t), "enrollment", "updb", "token").(string)
	anon := newClient(admin.t, admin.s)
	anon.mustStatus(anon.do("POST", "/edge/client/v1/enroll/updb?token="+token, map[string]string{"username": name, "password": password}), 200)
	return id
}

func loginStatus(t testing.TB, s *Server, user, pass string) int {
	return newClient(t, s).do("POST", "/edge/client/v1/authenticate?method=password", map[string]string{"username": user, "password": pass}).Status
}

func TestAuthPolicyCRUD(t *testing.T) {
	skipWithoutSpec(t)
	s := testServer(t)
	admin := newClient(t, s).admin()

	// The built-in policy is stored, listed and editable (PATCH changes
	// only the nested field sent), but cannot be deleted.
	d := admin.mustStatus(admin.do("GET", mgmt+"/auth-policies/default", nil), 200).data(t)
	if d["name"] != "Default" || jsonPath(d, "primary", "updb", "maxAttempts") != 0.0 || jsonPath(d, "primary", "updb", "minPasswordLength") != 5.0 {
		t.Fatalf("default policy: %v", d)
	}
	admin.mustStatus(admin.do("PATCH", mgmt+"/auth-policies/default", map[string]any{"primary": map[string]any{"updb": map[string]any{"maxAttempts": 7}}}), 200)
	d = admin.mustStatus(admin.do("GET", mgmt+"/auth-policies/default", nil), 200).data(t)
	if jsonPath(d, "primary", "updb", "maxAttempts") != 7.0 || jsonPath(d, "primary", "updb", "minPasswordLength") != 5.0 || jsonPath(d, "primary", "cert", "allowed") != true {
		t.Fatalf("PATCH changed more or less than maxAttempts: %v", d)
	}
	admin.wantError(admin.do("DELETE", mgmt+"/auth-policies/default", nil), 409, "CAN_NOT_DELETE_REFERENCED_ENTITY", "")
	list := admin.mustStatus(admin.do("GET", mgmt+"/auth-policies?filter="+url.QueryEscape(`name="Default"`), nil), 200).json(t)
	if n := len(list["data"].([]any)); n != 1 {
		t.Fatalf("filter by name found %d policies", n)
	}

	// Create and PUT need every field, named when missing.
	admin.wantError(admin.do("POST", mgmt+"/auth-policies", map[string]any{"name": "p"}), 400, "COULD_NOT_VALIDATE", "primary")
	b := policyBody("p", func(u map[string]any) { delete(u, "lockoutDurationMinutes") })
	admin.wantError(admin.do("POST", mgmt+"/auth-policies", b), 400, "COULD_NOT_VALIDATE", "primary.updb.lockoutDurationMinutes")
	admin.wantError(admin.do("POST", mgmt+"/auth-policies", policyBody("p", func(u map[string]any) { u["maxAttempts"] = -1 })), 400, "COULD_NOT_VALIDATE", "primary.updb.maxAttempts")
	admin.wantError(admin.do("POST", mgmt+"/auth-policies", policyBody("p", func(u map[string]any) { u["lockoutDurationMinutes"] = -1 })), 400, "COULD_NOT_VALIDATE", "primary.updb.lockoutDurationMinutes")
	b = policyBody("p", nil)
	b["primary"].(map[string]any)["extJwt"].(map[string]any)["allowedSigners"] = []string{"nope"}
	admin.wantError(admin.do("POST", mgmt+"/auth-policies", b), 400, "REFERENCED_ENTITY_NOT_FOUND", "primary.extJwt.allowedSigners[0]")
	b = policyBody("p", nil)
	b["secondary"].(map[string]any)["requireExtJwtSigner"] = "nope"
	admin.wantError(admin.do("POST", mgmt+"/auth-policies", b), 400, "REFERENCED_ENTITY_NOT_FOUND", "secondary.requireExtJwtSigner")

	id := admin.createdID("/auth-policies", policyBody("p", func(u map[string]any) { u["maxAttempts"] = 3 }))
	admin.wantError(admin.do("POST", mgmt+"/auth-policies", policyBody("p", nil)), 409, "NAME_ALREADY_IN_USE", "name")
	admin.mustStatus(admin.do("PUT", mgmt+"/auth-policies/"+id, policyBody("p2", func(u map[string]any) { u["requireNumberChar"] = true })), 200)
	d = admin.mustStatus(admin.do("GET", mgmt+"/auth-policies/"+id, nil), 200).data(t)
	if d["name"] != "p2" || jsonPath(d, "primary", "updb", "maxAttempts") != 0.0 || jsonPath(d, "primary", "updb", "requireNumberChar") != true {
		t.Fatalf("PUT did not replace the policy: %v", d)
	}

	// Identities name existing policies only; one in use cannot be deleted.
	admin.wantError(admin.do("POST", mgmt+"/identities", map[string]any{"name": "x", "type": "User", "isAdmin": false, "authPolicyId": "nope"}), 400, "REFERENCED_ENTITY_NOT_FOUND", "authPolicyId")
	uid := admin.createIdentity(map[string]any{"name": "u", "type": "User", "isAdmin": false, "authPolicyId": id})
	if got := jsonPath(admin.mustStatus(admin.do("GET", mgmt+"/identities/"+uid, nil), 200).data(t), "authPolicy", "name"); got != "p2" {
		t.Fatalf("identity's authPolicy name %v, want p2", got)
	}
	admin.wantError(admin.do("DELETE", mgmt+"/auth-policies/"+id, nil), 409, "CAN_NOT_DELETE_REFERENCED_ENTITY", "authPolicyId")
	admin.mustStatus(admin.do("PATCH", mgmt+"/identities/"+uid, map[string]any{"authPolicyId": "default"}), 200)
	admin.mustStatus(admin.do("DELETE", mgmt+"/auth-policies/"+id, nil), 200)
	admin.mustStatus(admin.do("GET", mgmt+"/auth-policies/"+id, nil), 404)
}

func TestAuthPolicyAllowedMethods(t *testing.T) {
	s := testServer(t)
	admin := newClient(t, s).admin()
	id := admin.createdID("/auth-policies", policyBody("no-updb", nil))
	updbUser(admin, "user1", id, "user-pw-1")
	if st := loginStatus(t, s, "user1", "user-pw-1"); st != 200 {
		t.Fatalf("login allowed by the policy: %d", st)
	}
	admin.mustStatus(admin.do("PATCH", mgmt+"/auth-policies/"+id, map[string]any{"primary": map[string]any{"updb": map[string]any{"allowed": false}}}), 200)
	r := newClient(t, s).do("POST", "/edge/client/v1/authenticate?method=password", map[string]string{"username": "user1", "password": "user-pw-1"})
	newClient(t, s).wantError(r, 401, "INVALID_AUTH", "")

	// cert: an identity of a third-party CA, found by its externalId.
	ca := newExtRoot(t, "corp")
	admin.verifyCA(admin.createCA(caBody("corp", ca.pem(), map[string]any{"externalIdClaim": map[string]any{
		"location": "COMMON_NAME", "matcher": "ALL", "matcherCriteria": "", "parser": "NONE", "parserCriteria": "", "index": 0}})), ca)
	admin.createIdentity(map[string]any{"name": "dev", "type": "Device", "isAdmin": false, "externalId": "dev-1", "authPolicyId": id})
	_, tc := ca.issue(leafOpts{CN: "dev-1"})
	if _, r := certLogin(t, s, tc); r.Status != 200 {
		t.Fatalf("certificate login allowed by the policy: %d %s", r.Status, r.Body)
	}
	admin.mustStatus(admin.do("PATCH", mgmt+"/auth-policies/"+id, map[string]any{"primary": map[string]any{"cert": map[string]any{"allowed": false}}}), 200)
	if _, r := certLogin(t, s, tc); r.Status != 401 {
		t.Fatalf("certificate login refused by the policy: %d", r.Status)
	}
}

func TestAuthPolicyLockout(t *testing.T) {
	clock := &testClock{t: time.Now()}
	s := testServerWith(t, func(o *Options) { o.Now = clock.Now })
	admin := newClient(t, s).admin()
	id := admin.createdID("/auth-policies", policyBody("lock", func(u map[string]any) { u["maxAttempts"] = 3; u["lockoutDurationMinutes"] = 10 }))
	uid := updbUser(admin, "user1", id, "user-pw-1")
	status := func(pw string) int { return loginStatus(t, s, "user1", pw) }

	// Failures are consecutive: a success starts the count again.
	for range 2 {
		status("wrong")
	}
	if st := status("user-pw-1"); st != 200 {
		t.Fatalf("login after 2 of 3 failures: %d", st)
	}
	for range 2 {
		status("wrong")
	}
	if st := status("user-pw-1"); st != 200 {
		t.Fatalf("the failures before a success were counted: %d", st)
	}

	// The third failure in a row locks the identity for 10 minutes, right
	// password or not, and its sessions stop working.
	sess := newClient(t, s)
	sess.login("/edge/client/v1", "user1", "user-pw-1")
	for range 3 {
		if st := status("wrong"); st != 401 {
			t.Fatalf("wrong password: %d", st)
		}
	}
	if st := status("user-pw-1"); st != 401 {
		t.Fatalf("a locked identity logged in: %d", st)
	}
	sess.mustStatus(sess.do("GET", "/edge/client/v1/current-identity", nil), 401)
	d := admin.mustStatus(admin.do("GET", mgmt+"/identities/"+uid, nil), 200).data(t)
	until, _ := time.Parse(time.RFC3339, d["disabledUntil"].(string))
	if d["disabled"] != true || d["disabledAt"] == nil || until.Sub(clock.Now()) < 9*time.Minute || until.Sub(clock.Now()) > 10*time.Minute {
		t.Fatalf("locked identity: disabled %v, disabledAt %v, disabledUntil %v (now %v)", d["disabled"], d["disabledAt"], d["disabledUntil"], clock.Now())
	}
	clock.Add(9 * time.Minute)
	if st := status("user-pw-1"); st != 401 {
		t.Fatalf("logged in 9 minutes into a 10 minute lockout: %d", st)
	}
	clock.Add(2 * time.Minute)
	if st := status("user-pw-1"); st != 200 {
		t.Fatalf("still locked after the lockout: %d", st)
	}

	// lockoutDurationMinutes 0 locks until an admin enables the identity.
	admin.mustStatus(admin.do("PATCH", mgmt+"/auth-policies/"+id, map[string]any{"primary": map[string]any{"updb": map[string]any{"lockoutDurationMinutes": 0}}}), 200)
	for range 3 {
		status("wrong")
	}
	clock.Add(1000 * time.Hour)
	if st := status("user-pw-1"); st != 401 {
		t.Fatalf("an indefinite lockout ended by itself: %d", st)
	}
	if d := admin.mustStatus(admin.do("GET", mgmt+"/identities/"+uid, nil), 200).data(t); d["disabledUntil"] != nil || d["disabled"] != true {
		t.Fatalf("indefinite lockout: %v %v", d["disabled"], d["disabledUntil"])
	}
	admin.mustStatus(admin.do("POST", mgmt+"/identities/"+uid+"/enable", nil), 200)
	if st := status("user-pw-1"); st != 200 {
		t.Fatalf("enabled identity: %d", st)
	}

	// maxAttempts 0 never locks.
	admin.mustStatus(admin.do("PATCH", mgmt+"/auth-policies/"+id, map[string]any{"primary": map[string]any{"updb": map[string]any{"maxAttempts": 0}}}), 200)
	for range 6 {
		status("wrong")
	}
	if st := status("user-pw-1"); st != 200 {
		t.Fatalf("maxAttempts 0 locked the identity: %d", st)
	}

	// An admin's disable works the same way, for a time or until enabled.
	admin.wantError(admin.do("POST", mgmt+"/identities/"+uid+"/disable", map[string]any{}), 400, "COULD_NOT_VALIDATE", "durationMinutes")
	admin.mustStatus(admin.do("POST", mgmt+"/identities/"+uid+"/disable", map[string]any{"durationMinutes": 5}), 200)
	if st := status("user-pw-1"); st != 401 {
		t.Fatalf("disabled identity logged in: %d", st)
	}
	clock.Add(6 * time.Minute)
	if st := status("user-pw-1"); st != 200 {
		t.Fatalf("disable did not end: %d", st)
	}
}

func TestAuthPolicyPasswordRules(t *testing.T) {
	s := testServer(t)
	admin := newClient(t, s).admin()
	id := admin.createdID("/auth-policies", policyBody("strict", func(u map[string]any) {
		u["minPasswordLength"] = 10
		u["requireMixedCase"], u["requireNumberChar"], u["requireSpecialChar"] = true, true, true
	}))
	uid := admin.createIdentity(map[string]any{"name": "user1", "type": "User", "isAdmin": false, "authPolicyId": id, "enrollment": map[string]any{"updb": "user1"}})
	token := jsonPath(admin.mustStatus(admin.do("GET", mgmt+"/identities/"+uid, nil), 200).data(t), "enrollment", "updb", "token").(string)
	anon := newClient(t, s)
	for _, pw := range []string{"Sh0rt!", "alllowercase1!", "ALLUPPERCASE1!", "NoDigitsHere!", "NoSpecial123x"} {
		r := anon.do("POST", "/edge/client/v1/enroll/updb?token="+token, map[string]string{"username": "user1", "password": pw})
		anon.wantError(r, 400, "COULD_NOT_VALIDATE", "password")
	}
	anon.mustStatus(anon.do("POST", "/edge/client/v1/enroll/updb?token="+token, map[string]string{"username": "user1", "password": "Go0d-Passw0rd"}), 200)
	if st := loginStatus(t, s, "user1", "Go0d-Passw0rd"); st != 200 {
		t.Fatalf("login with the enrolled password: %d", st)
	}
}

// TestAuthPolicyExpiredCerts: an expired certificate logs in only if the
// identity's auth policy has allowExpiredCerts.
func TestAuthPolicyExpiredCerts(t *testing.T) {
	clock := &testClock{t: time.Now()}
	s := testServerWith(t, func(o *Options) { o.Now = clock.Now })
	admin := newClient(t, s).admin()
	ca := newExtRoot(t, "corp")
	admin.verifyCA(admin.createCA(caBody("corp", ca.pem(), map[string]any{"externalIdClaim": map[string]any{
		"location": "COMMON_NAME", "matcher": "ALL", "matcherCriteria": "", "parser": "NONE", "parserCriteria": "", "index": 0}})), ca)
	id := admin.createdID("/auth-policies", policyBody("certs", nil))
	admin.createIdentity(map[string]any{"name": "dev", "type": "Device", "isAdmin": false, "externalId": "dev-1", "authPolicyId": id})
	_, tc := ca.issue(leafOpts{CN: "dev-1", Valid: time.Hour})
	if _, r := certLogin(t, s, tc); r.Status != 200 {
		t.Fatalf("a valid certificate: %d %s", r.Status, r.Body)
	}
	clock.Add(2 * time.Hour)
	if _, r := certLogin(t, s, tc); r.Status != 401 {
		t.Fatalf("an expired certificate without allowExpiredCerts: %d", r.Status)
	}
	admin.mustStatus(admin.do("PATCH", mgmt+"/auth-policies/"+id, map[string]any{"primary": map[string]any{"cert": map[string]any{"allowExpiredCerts": true}}}), 200)
	if _, r := certLogin(t, s, tc); r.Status != 200 {
		t.Fatalf("an expired certificate with allowExpiredCerts: %d %s", r.Status, r.Body)
	}
	// Expired is all it may be: a certificate of an unknown CA stays refused.
	_, stranger := newExtRoot(t, "stranger").issue(leafOpts{CN: "dev-1", Valid: time.Hour})
	if _, r := certLogin(t, s, stranger); r.Status != 401 {
		t.Fatalf("a certificate of an unknown CA: %d", r.Status)
	}
}
