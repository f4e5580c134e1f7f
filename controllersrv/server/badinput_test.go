package server

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"strings"
	"testing"
	"time"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
)

// snapshot is the whole persistent state, to prove refused requests
// change nothing.
func snapshot(t *testing.T, s *Server) string {
	t.Helper()
	var b strings.Builder
	err := s.db.View(func(tx *store.Tx) error {
		for _, bucket := range []string{store.BucketIdentities, store.BucketEnrollments, store.BucketAuthenticators} {
			if err := tx.Each(bucket, func(id string, data []byte) error {
				b.WriteString(bucket + "/" + id + "=" + string(data) + "\n")
				return nil
			}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func csrPEMFor(t *testing.T, key any) string {
	t.Helper()
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "x"}}, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}))
}

func TestBadInputs(t *testing.T) {
	s := testServer(t)
	admin := newClient(t, s).admin()
	adminID := admin.mustStatus(admin.do("GET", "/edge/management/v1/current-identity", nil), 200).data(t)["id"].(string)

	// A device with a pending ott token, and a user who can log in but is
	// not an admin.
	devID := admin.createIdentity(map[string]any{"name": "dev", "type": "Device", "isAdmin": false, "enrollment": map[string]any{"ott": true}})
	ottToken := jsonPath(admin.mustStatus(admin.do("GET", "/edge/management/v1/identities/"+devID, nil), 200).data(t), "enrollment", "ott", "token").(string)
	admin.createIdentity(map[string]any{"name": "has-ext", "type": "User", "isAdmin": false, "externalId": "ext-taken"})
	userID := admin.createIdentity(map[string]any{"name": "user", "type": "User", "isAdmin": false, "enrollment": map[string]any{"updb": "user1"}})
	updbToken := jsonPath(admin.mustStatus(admin.do("GET", "/edge/management/v1/identities/"+userID, nil), 200).data(t), "enrollment", "updb", "token").(string)
	anon := newClient(t, s)
	anon.mustStatus(anon.do("POST", "/edge/client/v1/enroll?method=updb&token="+updbToken, map[string]string{"username": "user1", "password": "user-pw-1"}), 200)
	user := newClient(t, s)
	user.login("/edge/management/v1", "user1", "user-pw-1")

	// An expired token, written directly to the store.
	expID := admin.createIdentity(map[string]any{"name": "late", "type": "Device", "isAdmin": false})
	past := time.Now().Add(-time.Hour).UTC()
	err := s.db.Update(func(tx *store.Tx) error {
		return tx.PutEnrollment(&store.Enrollment{ID: "expiredEnr", Method: "ott", IdentityID: expID, Token: "11111111-2222-4333-8444-555555555555",
			JWT: "x", ExpiresAt: past, CreatedAt: past, UpdatedAt: past})
	})
	if err != nil {
		t.Fatal(err)
	}

	_, goodCSR := newCSR(t)
	rsa1024, _ := rsa.GenerateKey(rand.Reader, 1024)
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	tampered := goodCSR
	blk, _ := pem.Decode(tampered)
	blk.Bytes[len(blk.Bytes)-5] ^= 0xff // flip a signature byte
	tamperedCSR := string(pem.EncodeToMemory(blk))
	big := `{"name":"` + strings.Repeat("a", 1<<20+10) + `"}`

	const (
		M   = "/edge/management/v1"
		C   = "/edge/client/v1"
		PEM = "application/x-pem-file"
	)
	type tc struct {
		name         string
		who          *client
		method, path string
		body         any
		ct           string
		status       int
		code         string
	}
	cases := []tc{
		{"create without body", admin, "POST", M + "/identities", nil, "", 400, "COULD_NOT_VALIDATE"},
		{"create with broken JSON", admin, "POST", M + "/identities", "{", "application/json", 400, "COULD_NOT_PARSE_BODY"},
		{"create with JSON array", admin, "POST", M + "/identities", "[]", "application/json", 400, "COULD_NOT_PARSE_BODY"},
		{"create with empty name", admin, "POST", M + "/identities", map[string]any{"name": "", "type": "User", "isAdmin": false}, "", 400, "COULD_NOT_VALIDATE"},
		{"create with numeric name", admin, "POST", M + "/identities", map[string]any{"name": 5, "type": "User", "isAdmin": false}, "", 400, "COULD_NOT_VALIDATE"},
		{"create with unknown type", admin, "POST", M + "/identities", map[string]any{"name": "x", "type": "Robot", "isAdmin": false}, "", 400, "COULD_NOT_VALIDATE"},
		{"create with a type in another case", admin, "POST", M + "/identities", map[string]any{"name": "x", "type": "device", "isAdmin": false}, "", 400, "COULD_NOT_VALIDATE"},
		{"create with duplicate name", admin, "POST", M + "/identities", map[string]any{"name": "dev", "type": "User", "isAdmin": false}, "", 409, "NAME_ALREADY_IN_USE"},
		{"create with duplicate externalId", admin, "POST", M + "/identities", map[string]any{"name": "x", "type": "User", "isAdmin": false, "externalId": "ext-taken"}, "", 409, "CONFLICT"},
		{"create with unknown auth policy", admin, "POST", M + "/identities", map[string]any{"name": "x", "type": "User", "isAdmin": false, "authPolicyId": "nope"}, "", 400, "REFERENCED_ENTITY_NOT_FOUND"},
		{"create with hosting cost out of range", admin, "POST", M + "/identities", map[string]any{"name": "x", "type": "User", "isAdmin": false, "defaultHostingCost": 70000}, "", 400, "COULD_NOT_VALIDATE"},
		{"create with bad precedence", admin, "POST", M + "/identities", map[string]any{"name": "x", "type": "User", "isAdmin": false, "defaultHostingPrecedence": "top"}, "", 400, "COULD_NOT_VALIDATE"},
		{"create with nested tag", admin, "POST", M + "/identities", map[string]any{"name": "x", "type": "User", "isAdmin": false, "tags": map[string]any{"a": map[string]any{"b": 1}}}, "", 400, "COULD_NOT_VALIDATE"},
		{"create with empty role attribute", admin, "POST", M + "/identities", map[string]any{"name": "x", "type": "User", "isAdmin": false, "roleAttributes": []string{""}}, "", 400, "COULD_NOT_VALIDATE"},
		{"create with ottca of unknown CA", admin, "POST", M + "/identities", map[string]any{"name": "x", "type": "User", "isAdmin": false, "enrollment": map[string]any{"ottca": "nope"}}, "", 400, "REFERENCED_ENTITY_NOT_FOUND"},
		{"create with taken updb username", admin, "POST", M + "/identities", map[string]any{"name": "x", "type": "User", "isAdmin": false, "enrollment": map[string]any{"updb": "admin"}}, "", 409, "CONFLICT"},
		{"create with body over 1 MiB", admin, "POST", M + "/identities", big, "application/json", 413, "REQUEST_TOO_LARGE"},
		{"get unknown identity", admin, "GET", M + "/identities/nope", nil, "", 404, "NOT_FOUND"},
		{"put unknown identity", admin, "PUT", M + "/identities/nope", map[string]any{"name": "x", "type": "User", "isAdmin": false}, "", 404, "NOT_FOUND"},
		{"patch with empty name", admin, "PATCH", M + "/identities/" + devID, map[string]any{"name": ""}, "", 400, "COULD_NOT_VALIDATE"},
		{"patch rename to taken name", admin, "PATCH", M + "/identities/" + devID, map[string]any{"name": "user"}, "", 409, "NAME_ALREADY_IN_USE"},
		{"put without name", admin, "PUT", M + "/identities/" + devID, map[string]any{"type": "User", "isAdmin": false}, "", 400, "COULD_NOT_VALIDATE"},
		{"put unknown CA", admin, "PUT", M + "/cas/nope", map[string]any{"name": "x"}, "", 404, "NOT_FOUND"},
		{"put CA without name", admin, "PUT", M + "/cas/nope", map[string]any{"isAuthEnabled": true}, "", 400, "COULD_NOT_VALIDATE"},
		{"patch unknown edge router", admin, "PATCH", M + "/edge-routers/nope", map[string]any{"cost": 1}, "", 404, "NOT_FOUND"},
		{"put edge router without name", admin, "PUT", M + "/edge-routers/nope", map[string]any{"cost": 1}, "", 400, "COULD_NOT_VALIDATE"},
		{"delete unknown identity", admin, "DELETE", M + "/identities/nope", nil, "", 404, "NOT_FOUND"},
		{"delete the default admin", admin, "DELETE", M + "/identities/" + adminID, nil, "", 409, "CONFLICT"},
		{"demote the default admin", admin, "PATCH", M + "/identities/" + adminID, map[string]any{"isAdmin": false}, "", 400, "COULD_NOT_VALIDATE"},
		{"filter syntax error", admin, "GET", M + `/identities?filter=name==`, nil, "", 400, "INVALID_FILTER"},
		{"filter unterminated string", admin, "GET", M + `/identities?filter=name="x`, nil, "", 400, "INVALID_FILTER"},
		{"filter unknown field", admin, "GET", M + `/identities?filter=color="red"`, nil, "", 400, "INVALID_FILTER"},
		{"non-numeric limit", admin, "GET", M + "/identities?limit=abc", nil, "", 400, "INVALID_PAGINATION"},
		{"negative offset", admin, "GET", M + "/identities?offset=-1", nil, "", 400, "INVALID_PAGINATION"},
		{"no session", anon, "GET", M + "/identities", nil, "", 401, "UNAUTHORIZED"},
		{"non-admin on management", user, "GET", M + "/identities", nil, "", 401, "UNAUTHORIZED"},
		{"non-admin creating", user, "POST", M + "/identities", map[string]any{"name": "x", "type": "User", "isAdmin": true}, "", 401, "UNAUTHORIZED"},
		{"wrong password", anon, "POST", M + "/authenticate?method=password", map[string]string{"username": "admin", "password": "wrong"}, "", 401, "INVALID_AUTH"},
		{"unknown user", anon, "POST", C + "/authenticate?method=password", map[string]string{"username": "ghost", "password": "whatever"}, "", 401, "INVALID_AUTH"},
		{"unknown auth method", anon, "POST", C + "/authenticate?method=magic", map[string]string{}, "", 400, "COULD_NOT_VALIDATE"},
		{"cert auth without a cert", anon, "POST", C + "/authenticate?method=cert", map[string]string{}, "", 401, "INVALID_AUTH"},
		{"enroll with unknown token", anon, "POST", C + "/enroll?method=ott&token=00000000-0000-4000-8000-000000000000", goodCSR, PEM, 400, "INVALID_ENROLLMENT_TOKEN"},
		{"enroll without token", anon, "POST", C + "/enroll?method=ott", goodCSR, PEM, 400, "COULD_NOT_VALIDATE"},
		{"enroll with unknown method", anon, "POST", C + "/enroll?method=magic&token=" + ottToken, goodCSR, PEM, 400, "INVALID_ENROLL_METHOD"},
		{"ott token used as updb", anon, "POST", C + "/enroll?method=updb&token=" + ottToken, map[string]string{"username": "u", "password": "secret"}, "", 400, "INVALID_ENROLL_METHOD"},
		{"enroll with expired token", anon, "POST", C + "/enroll?method=ott&token=11111111-2222-4333-8444-555555555555", goodCSR, PEM, 410, "ENROLLMENT_EXPIRED"},
		{"enroll with garbage CSR", anon, "POST", C + "/enroll?method=ott&token=" + ottToken, "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n", PEM, 400, "COULD_NOT_PROCESS_CSR"},
		{"enroll with tampered CSR", anon, "POST", C + "/enroll?method=ott&token=" + ottToken, tamperedCSR, PEM, 400, "COULD_NOT_PROCESS_CSR"},
		{"enroll with RSA-1024 CSR", anon, "POST", C + "/enroll?method=ott&token=" + ottToken, csrPEMFor(t, rsa1024), PEM, 400, "COULD_NOT_PROCESS_CSR"},
		{"enroll with Ed25519 CSR", anon, "POST", C + "/enroll?method=ott&token=" + ottToken, csrPEMFor(t, edKey), PEM, 400, "COULD_NOT_PROCESS_CSR"},
		{"enroll with empty body", anon, "POST", C + "/enroll?method=ott&token=" + ottToken, "", PEM, 400, "COULD_NOT_PROCESS_CSR"},
		{"enroll with a certificate instead of a CSR", anon, "POST", C + "/enroll?method=ott&token=" + ottToken, string(s.CAPEM()), PEM, 400, "COULD_NOT_PROCESS_CSR"},
		{"updb enroll with short password", anon, "POST", C + "/enroll?method=updb&token=" + ottToken, map[string]string{"password": "abc"}, "", 400, "INVALID_ENROLL_METHOD"},
		{"enrollment without method", admin, "POST", M + "/enrollments", map[string]any{"identityId": devID}, "", 400, "COULD_NOT_VALIDATE"},
		{"enrollment for unknown identity", admin, "POST", M + "/enrollments", map[string]any{"method": "ott", "identityId": "nope", "expiresAt": time.Now().Add(time.Hour)}, "", 400, "REFERENCED_ENTITY_NOT_FOUND"},
		{"enrollment expiring in the past", admin, "POST", M + "/enrollments", map[string]any{"method": "ott", "identityId": devID, "expiresAt": past}, "", 400, "COULD_NOT_VALIDATE"},
		{"enrollment expiring in year 9999", admin, "POST", M + "/enrollments", map[string]any{"method": "ott", "identityId": devID, "expiresAt": "9999-12-31T00:00:00Z"}, "", 400, "COULD_NOT_VALIDATE"},
		{"second ott enrollment", admin, "POST", M + "/enrollments", map[string]any{"method": "ott", "identityId": devID, "expiresAt": time.Now().Add(time.Hour)}, "", 409, "CONFLICT"},
		{"updb enrollment for identity with updb", admin, "POST", M + "/enrollments", map[string]any{"method": "updb", "identityId": userID, "username": "other", "expiresAt": time.Now().Add(time.Hour)}, "", 409, "CONFLICT"},
		{"refresh unknown enrollment", admin, "POST", M + "/enrollments/nope/refresh", map[string]any{"expiresAt": time.Now().Add(time.Hour)}, "", 404, "NOT_FOUND"},
		{"refresh into the past", admin, "POST", M + "/enrollments/expiredEnr/refresh", map[string]any{"expiresAt": past}, "", 400, "COULD_NOT_VALIDATE"},
		{"refresh to year 9999", admin, "POST", M + "/enrollments/expiredEnr/refresh", map[string]any{"expiresAt": "9999-12-31T00:00:00Z"}, "", 400, "COULD_NOT_VALIDATE"},
		{"wrong HTTP method", anon, "DELETE", "/version", nil, "", 405, "METHOD_NOT_ALLOWED"},
		{"unknown path", anon, "GET", M + "/no-such-thing", nil, "", 404, "NOT_FOUND"},
		{"unknown auth policy", admin, "GET", M + "/auth-policies/nope", nil, "", 404, "NOT_FOUND"},
	}
	if len(cases) < 30 {
		t.Fatalf("only %d cases", len(cases))
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := snapshot(t, s)
			var r *response
			if c.ct != "" {
				b := c.body
				if m, ok := c.body.(map[string]string); ok {
					j, _ := json.Marshal(m)
					b = j
				}
				r = c.who.do(c.method, c.path, b, "Content-Type", c.ct)
			} else {
				r = c.who.do(c.method, c.path, c.body)
			}
			if r.Status != c.status || r.errorCode(t) != c.code {
				t.Fatalf("got %d %s, want %d %s: %s", r.Status, r.errorCode(t), c.status, c.code, r.Body)
			}
			env := r.json(t)
			e := env["error"].(map[string]any)
			if msg, _ := e["message"].(string); msg == "" || strings.Contains(msg, "goroutine") || strings.Contains(msg, ".go:") {
				t.Fatalf("message %q", msg)
			}
			if _, ok := env["meta"].(map[string]any); !ok {
				t.Fatalf("no meta object: %s", r.Body)
			}
			if r.Header.Get("Content-Type") != "application/json" {
				t.Fatalf("content type %q", r.Header.Get("Content-Type"))
			}
			if after := snapshot(t, s); after != before {
				t.Fatalf("a refused request changed the stored state")
			}
		})
	}
}
