package server

import (
	"testing"
	"time"
)

// TestAuthenticatorUpdatesAndReEnroll: the refusals of PUT and PATCH
// /authenticators/{id}, of the self-service change and of re-enroll name
// the field and change nothing; a re-enroll turns a password back into an
// updb enrollment for the same username, and a certificate of the
// controller's own CA into an ott enrollment.
func TestAuthenticatorUpdatesAndReEnroll(t *testing.T) {
	s := testServer(t)
	admin := newClient(t, s).admin()
	id := admin.createIdentity(map[string]any{"name": "u1", "type": "User", "isAdmin": false, "enrollment": map[string]any{"updb": "u1"}})
	tok := jsonPath(admin.mustStatus(admin.do("GET", mgmt+"/identities/"+id, nil), 200).data(t), "enrollment", "updb", "token").(string)
	anon := newClient(t, s)
	anon.mustStatus(anon.do("POST", "/edge/client/v1/enroll?method=updb&token="+tok, map[string]string{"username": "u1", "password": "first-pw-1"}), 200)
	user := newClient(t, s)
	user.login("/edge/client/v1", "u1", "first-pw-1")
	updbID := jsonPath(admin.mustStatus(admin.do("GET", mgmt+"/identities/"+id+"/authenticators", nil), 200).json(t), "data").([]any)[0].(map[string]any)["id"].(string)
	au := mgmt + "/authenticators/" + updbID
	self := "/edge/client/v1/current-identity/authenticators/" + updbID

	refused := func(c *client, method, path string, body any, status int, code string) {
		t.Helper()
		r := c.do(method, path, body)
		if r.Status != status || r.errorCode(t) != code {
			t.Errorf("%s %s %v: %d %s, want %d %s", method, path, body, r.Status, r.Body, status, code)
		}
	}
	refused(admin, "PUT", au, map[string]any{"username": "u1"}, 400, "COULD_NOT_VALIDATE")
	refused(admin, "PATCH", au, map[string]any{"password": ""}, 400, "COULD_NOT_VALIDATE")
	refused(admin, "PUT", mgmt+"/authenticators/nope", map[string]any{"username": "u1", "password": "x-pw-12345"}, 404, "NOT_FOUND")
	refused(user, "PUT", self, map[string]any{"username": "u1", "password": "second-pw-2"}, 400, "COULD_NOT_VALIDATE")
	refused(user, "PUT", self, map[string]any{"currentPassword": "wrong", "username": "u1", "password": "second-pw-2"}, 401, "UNAUTHORIZED")
	adminAuth := jsonPath(admin.mustStatus(admin.do("GET", mgmt+"/authenticators?filter="+`method="updb"`+"&limit=100", nil), 200).json(t), "data").([]any)
	for _, a := range adminAuth {
		if a := a.(map[string]any); a["identityId"] != id {
			refused(user, "PATCH", "/edge/client/v1/current-identity/authenticators/"+a["id"].(string), map[string]any{"currentPassword": "first-pw-1", "password": "second-pw-2"}, 404, "NOT_FOUND")
		}
	}
	user.login("/edge/client/v1", "u1", "first-pw-1") // nothing changed

	// Tags and a new password through PATCH.
	admin.mustStatus(admin.do("PATCH", au, map[string]any{"tags": map[string]any{"k": "v"}, "password": "second-pw-2"}), 200)
	if tags := jsonPath(admin.mustStatus(admin.do("GET", au, nil), 200).data(t), "tags"); jsonPath(map[string]any{"t": tags}, "t", "k") != "v" {
		t.Errorf("tags after PATCH: %v", tags)
	}
	user.login("/edge/client/v1", "u1", "second-pw-2")

	// A certificate cannot take a password.
	ott := admin.createIdentity(map[string]any{"name": "d1", "type": "Device", "isAdmin": false, "enrollment": map[string]any{"ott": true}})
	ottTok := jsonPath(admin.mustStatus(admin.do("GET", mgmt+"/identities/"+ott, nil), 200).data(t), "enrollment", "ott", "token").(string)
	enrollOTTCert(t, s, ottTok)
	certID := jsonPath(admin.mustStatus(admin.do("GET", mgmt+"/identities/"+ott+"/authenticators", nil), 200).json(t), "data").([]any)[0].(map[string]any)["id"].(string)
	refused(admin, "PUT", mgmt+"/authenticators/"+certID, map[string]any{"username": "d1", "password": "x-pw-12345"}, 409, "CAN_NOT_UPDATE_AUTHENTICATOR")

	// Re-enroll: expiresAt is required; then each becomes its enrollment.
	refused(admin, "POST", au+"/re-enroll", map[string]any{}, 400, "COULD_NOT_VALIDATE")
	exp := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	for _, c := range []struct{ authenticator, method, username string }{{updbID, "updb", "u1"}, {certID, "ott", ""}} {
		r := admin.mustStatus(admin.do("POST", mgmt+"/authenticators/"+c.authenticator+"/re-enroll", map[string]any{"expiresAt": exp}), 201)
		eid, _ := r.data(t)["id"].(string)
		e := admin.mustStatus(admin.do("GET", mgmt+"/enrollments/"+eid, nil), 200).data(t)
		if e["method"] != c.method || (c.username != "" && e["username"] != c.username) {
			t.Errorf("re-enroll of %s: enrollment %v, want method %s username %q", c.authenticator, e, c.method, c.username)
		}
		admin.mustStatus(admin.do("GET", mgmt+"/authenticators/"+c.authenticator, nil), 404)
	}
}
