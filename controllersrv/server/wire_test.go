package server

import (
	"fmt"
	"testing"
	"time"
)

// TestWireContract drives every implemented endpoint; the client validates
// each response against the official spec (see spec_test.go).
func TestWireContract(t *testing.T) {
	s := testServer(t)
	c := newClient(t, s).admin()
	const M = "/edge/management/v1"

	for i := 0; i < 25; i++ {
		c.createIdentity(map[string]any{"name": fmt.Sprintf("bulk-%02d", i), "type": "Device", "isAdmin": false,
			"roleAttributes": []string{"bulk"}, "externalId": fmt.Sprintf("ext-%d", i)})
	}
	r := c.mustStatus(c.do("GET", M+"/identities?limit=10&offset=20", nil), 200).json(t)
	if n := len(r["data"].([]any)); n != 6 || jsonPath(r, "meta", "pagination", "totalCount") != 26.0 || jsonPath(r, "meta", "pagination", "limit") != 10.0 {
		t.Fatalf("page: %d items, meta %v", n, r["meta"])
	}
	for f, want := range map[string]int{
		`name="bulk-03"`:                                     1, // quotes unencoded, as real clients send them
		`name%20contains%20%22bulk-1%22`:                     10,
		`id%20in%20%5B%22nope%22%5D`:                         0,
		`externalId%20%3D%20%22ext-7%22`:                     1,
		`name%20%3D%20%22bulk-01%22%20or%20name%3D"bulk-02"`: 2,
	} {
		r := c.mustStatus(c.do("GET", M+"/identities?limit=500&filter="+f, nil), 200).json(t)
		if n := len(r["data"].([]any)); n != want {
			t.Errorf("filter %s: %d results, want %d", f, n, want)
		}
	}

	// Tolerance: JSON content type on GET/DELETE with an empty body, null
	// arrays and tags, authPolicyId "default", externalId "" = unset.
	c.mustStatus(c.do("GET", M+"/identities", nil, "Content-Type", "application/json"), 200)
	id := c.createIdentity(map[string]any{"name": "tolerant", "type": "User", "isAdmin": false, "roleAttributes": nil, "tags": nil,
		"authPolicyId": "default", "externalId": "", "appData": nil})
	d := c.mustStatus(c.do("GET", M+"/identities/"+id, nil), 200).data(t)
	if d["externalId"] != nil || d["authPolicyId"] != "default" || len(d["roleAttributes"].([]any)) != 0 {
		t.Fatalf("tolerance: %v %v %v", d["externalId"], d["authPolicyId"], d["roleAttributes"])
	}
	for _, k := range []string{"createdAt", "updatedAt", "_links", "tags"} {
		if d[k] == nil {
			t.Errorf("identity detail lacks %s", k)
		}
	}

	// Full-replace PUT: absent fields reset; PATCH touches only what it names.
	c.mustStatus(c.do("PATCH", M+"/identities/"+id, map[string]any{"tags": map[string]any{"team": "a"}, "roleAttributes": []string{"x"}}), 200)
	d = c.mustStatus(c.do("GET", M+"/identities/"+id, nil), 200).data(t)
	if jsonPath(d, "tags", "team") != "a" || d["name"] != "tolerant" {
		t.Fatalf("patch: %v", d)
	}
	c.mustStatus(c.do("PUT", M+"/identities/"+id, map[string]any{"name": "tolerant2", "type": "Router", "isAdmin": false, "externalId": "e1"}), 200)
	d = c.mustStatus(c.do("GET", M+"/identities/"+id, nil), 200).data(t)
	if d["name"] != "tolerant2" || len(d["tags"].(map[string]any)) != 0 || len(d["roleAttributes"].([]any)) != 0 || d["externalId"] != "e1" || jsonPath(d, "type", "name") != "Router" {
		t.Fatalf("put did not replace: %v", d)
	}
	c.mustStatus(c.do("PATCH", M+"/identities/"+id, map[string]any{"externalId": ""}), 200)
	if d = c.mustStatus(c.do("GET", M+"/identities/"+id, nil), 200).data(t); d["externalId"] != nil {
		t.Fatalf("externalId \"\" did not unset: %v", d["externalId"])
	}

	// Enrollments: create, list, detail, refresh, delete, consumption.
	r = c.mustStatus(c.do("POST", M+"/enrollments", map[string]any{"method": "ott", "identityId": id, "expiresAt": time.Now().Add(time.Hour).UTC()}), 201).json(t)
	eid := jsonPath(r, "data", "id").(string)
	e := c.mustStatus(c.do("GET", M+"/enrollments/"+eid, nil), 200).data(t)
	oldTok, oldJWT := e["token"], e["jwt"]
	c.mustStatus(c.do("GET", M+"/enrollments?filter=identityId=\""+id+"\"", nil), 200)
	c.mustStatus(c.do("GET", M+"/identities/"+id+"/enrollments", nil), 200)
	c.mustStatus(c.do("POST", M+"/enrollments/"+eid+"/refresh", map[string]any{"expiresAt": time.Now().Add(2 * time.Hour).UTC()}), 200)
	e = c.mustStatus(c.do("GET", M+"/enrollments/"+eid, nil), 200).data(t)
	if e["token"] == oldTok || e["jwt"] == oldJWT {
		t.Fatal("refresh did not issue a new token and JWT")
	}
	anon := newClient(t, s)
	_, csr := newCSR(t)
	r2 := anon.do("POST", "/edge/client/v1/enroll?token="+oldTok.(string), csr, "Content-Type", "application/x-pem-file")
	if r2.Status != 400 {
		t.Fatalf("the pre-refresh token still works: %d", r2.Status)
	}
	c.mustStatus(c.do("DELETE", M+"/enrollments/"+eid, nil, "Content-Type", "application/json"), 200)
	c.mustStatus(c.do("GET", M+"/enrollments/"+eid, nil), 404)

	// updb through /enrollments, then log in with it on the client API.
	r = c.mustStatus(c.do("POST", M+"/enrollments", map[string]any{"method": "updb", "identityId": id, "username": "tol-user", "expiresAt": time.Now().Add(time.Hour).UTC()}), 201).json(t)
	e = c.mustStatus(c.do("GET", M+"/enrollments/"+jsonPath(r, "data", "id").(string), nil), 200).data(t)
	anon.mustStatus(anon.do("POST", "/edge/client/v1/enroll/updb?token="+e["token"].(string), map[string]string{"username": "tol-user", "password": "pw-12345"}), 200)
	c.mustStatus(c.do("GET", M+"/enrollments/"+e["id"].(string), nil), 404) // consumed: gone
	u := newClient(t, s)
	u.login("/edge/client/v1", "tol-user", "pw-12345")
	sess := u.mustStatus(u.do("GET", "/edge/client/v1/current-api-session", nil), 200).data(t)
	if sess["identityId"] != id || sess["expirationSeconds"] != 1800.0 {
		t.Fatalf("session %v", sess)
	}
	auths := u.mustStatus(u.do("GET", "/edge/client/v1/current-identity/authenticators", nil), 200).json(t)["data"].([]any)
	aid := auths[0].(map[string]any)["id"].(string)
	u.mustStatus(u.do("GET", "/edge/client/v1/current-identity/authenticators/"+aid, nil), 200)
	c.mustStatus(c.do("GET", M+"/authenticators", nil), 200)
	c.mustStatus(c.do("GET", M+"/authenticators/"+aid, nil), 200)
	c.mustStatus(c.do("GET", M+"/identities/"+id+"/authenticators", nil), 200)
	u.mustStatus(u.do("DELETE", "/edge/client/v1/current-api-session", nil), 200)
	u.mustStatus(u.do("GET", "/edge/client/v1/current-api-session", nil), 401)

	// Idle sessions expire (default 30 minutes), activity extends them.
	idle := newClient(t, s)
	idle.login(M, "tol-user", "pw-12345")
	s.sessions.SetClock(func() time.Time { return time.Now().Add(29 * time.Minute) })
	idle.mustStatus(idle.do("GET", M+"/current-api-session", nil), 200)
	s.sessions.SetClock(func() time.Time { return time.Now().Add(29*time.Minute + 31*time.Minute) })
	idle.mustStatus(idle.do("GET", M+"/current-api-session", nil), 401)
	s.sessions.SetClock(time.Now)

	// Built-in auth policy.
	p := c.mustStatus(c.do("GET", M+"/auth-policies", nil), 200).json(t)
	if len(p["data"].([]any)) != 1 {
		t.Fatalf("auth policies %v", p)
	}
	c.mustStatus(c.do("GET", M+"/auth-policies/default", nil), 200)
	c.mustStatus(c.do("GET", M+"/current-identity", nil), 200)
	c.mustStatus(c.do("GET", M+"/current-api-session", nil), 200)

	// Deleting an identity removes its sessions, authenticators, enrollments.
	c.mustStatus(c.do("DELETE", M+"/identities/"+id, nil), 200)
	c.mustStatus(c.do("GET", M+"/authenticators/"+aid, nil), 404)
	u.mustStatus(u.do("POST", "/edge/client/v1/authenticate?method=password", map[string]string{"username": "tol-user", "password": "pw-12345"}), 401)
}
