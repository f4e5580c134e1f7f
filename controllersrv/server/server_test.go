package server

import (
	"crypto/tls"
	"encoding/pem"
	"strings"
	"testing"
	"time"

	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

func TestQuickstartBasics(t *testing.T) {
	s := testServer(t)
	c := newClient(t, s)
	r := c.mustStatus(c.do("GET", "/version", nil), 200)
	if jsonPath(r.json(t), "data", "apiVersions", "edge-management", "v1", "path") != "/edge/management/v1" {
		t.Fatalf("version: %s", r.Body)
	}
	c.mustStatus(c.do("GET", "/edge/client/v1/version", nil), 200)
	c.mustStatus(c.do("GET", "/health-checks", nil), 200)
	r = c.mustStatus(c.do("GET", "/.well-known/est/cacerts", nil), 200)
	if r.Header.Get("Content-Type") != "application/pkcs7-mime" {
		t.Fatalf("EST content type %q", r.Header.Get("Content-Type"))
	}
	// The same bundle under both API base paths, where the specifications
	// put it and where OpenZiti's SDK enroller looks for it.
	for _, base := range []string{"/edge/client/v1", "/edge/management/v1"} {
		b := c.mustStatus(c.do("GET", base+"/.well-known/est/cacerts", nil), 200)
		if string(b.Body) != string(r.Body) || b.Header.Get("Content-Type") != "application/pkcs7-mime" {
			t.Fatalf("%s/.well-known/est/cacerts differs from the root one (%q)", base, b.Header.Get("Content-Type"))
		}
	}
	if !strings.HasPrefix(s.URL(), "https://127.0.0.1:") || s.ManagementURL() != s.URL()+"/edge/management/v1" || s.ClientURL() != s.URL()+"/edge/client/v1" {
		t.Fatalf("URLs: %s %s %s", s.URL(), s.ManagementURL(), s.ClientURL())
	}
	if u, p := s.AdminCredentials(); u != "admin" || p != "admin-pw-123" {
		t.Fatalf("admin credentials %q", u)
	}
}

func TestIdentityEnrollAndCertAuth(t *testing.T) {
	s := testServer(t)
	c := newClient(t, s).admin()
	id := c.createIdentity(map[string]any{"name": "dev1", "type": "Device", "isAdmin": false, "enrollment": map[string]any{"ott": true}})
	d := c.mustStatus(c.do("GET", "/edge/management/v1/identities/"+id, nil), 200).data(t)
	token, _ := jsonPath(d, "enrollment", "ott", "token").(string)
	if token == "" || jsonPath(d, "enrollment", "ott", "jwt") == nil {
		t.Fatalf("no ott enrollment right after create: %v", d["enrollment"])
	}
	// Device is accepted and stored as Default, as OpenZiti v1.7.2 does.
	if jsonPath(d, "type", "name") != "Default" || d["typeId"] != "Default" {
		t.Fatalf("type: %v, typeId %v; want Default (Device is stored as Default)", d["type"], d["typeId"])
	}
	tc, csrPEM := enrollOTTCert(t, s, token)
	// The token is gone.
	anon := newClient(t, s)
	r := anon.mustStatus(anon.do("POST", "/edge/client/v1/enroll?method=ott&token="+token, csrPEM, "Content-Type", "application/x-pem-file"), 400)
	if r.errorCode(t) != "INVALID_ENROLLMENT_TOKEN" {
		t.Fatalf("reuse: %s", r.Body)
	}
	cc := newClient(t, s, tc)
	r = cc.mustStatus(cc.do("POST", "/edge/client/v1/authenticate?method=cert", map[string]any{}), 200)
	cc.session = r.Header.Get("zt-session")
	me := cc.mustStatus(cc.do("GET", "/edge/client/v1/current-identity", nil), 200).data(t)
	if me["id"] != id {
		t.Fatalf("current identity %v, want %s", me["id"], id)
	}
	// A non-admin gets 401 on the management API, as from OpenZiti.
	r = cc.mustStatus(cc.do("GET", "/edge/management/v1/identities", nil), 401)
	if r.errorCode(t) != "UNAUTHORIZED" {
		t.Fatalf("non-admin: %s", r.Body)
	}
	d = c.mustStatus(c.do("GET", "/edge/management/v1/identities/"+id, nil), 200).data(t)
	if jsonPath(d, "authenticators", "cert", "fingerprint") == nil || len(d["enrollment"].(map[string]any)) != 0 {
		t.Fatalf("after enrollment: authenticators %v enrollment %v", d["authenticators"], d["enrollment"])
	}
}

// An enrolled identity can get a second ott enrollment, as on OpenZiti:
// enrolling adds a second certificate authenticator, and both
// certificates log in until one's authenticator is deleted.
func TestSecondCertEnrollment(t *testing.T) {
	s := testServer(t)
	c := newClient(t, s).admin()
	id := c.createIdentity(map[string]any{"name": "twice", "type": "Default", "isAdmin": false})
	enrollOTT := func() tls.Certificate {
		t.Helper()
		c.mustStatus(c.do("POST", "/edge/management/v1/enrollments", map[string]any{"method": "ott", "identityId": id, "expiresAt": time.Now().Add(time.Hour).UTC().Format(time.RFC3339)}), 201)
		d := c.mustStatus(c.do("GET", "/edge/management/v1/identities/"+id, nil), 200).data(t)
		token, _ := jsonPath(d, "enrollment", "ott", "token").(string)
		tc, _ := enrollOTTCert(t, s, token)
		return tc
	}
	login := func(tc tls.Certificate, want int) {
		t.Helper()
		cc := newClient(t, s, tc)
		cc.mustStatus(cc.do("POST", "/edge/client/v1/authenticate?method=cert", map[string]any{}), want)
	}
	first := enrollOTT()
	second := enrollOTT()
	login(first, 200)
	login(second, 200)
	auths := c.mustStatus(c.do("GET", "/edge/management/v1/identities/"+id+"/authenticators", nil), 200).json(t)["data"].([]any)
	if len(auths) != 2 {
		t.Fatalf("%d authenticators after two enrollments, want 2", len(auths))
	}
	firstFP := pki.FingerprintSHA1(first.Leaf)
	for _, a := range auths {
		if m := a.(map[string]any); m["fingerprint"] == firstFP {
			c.mustStatus(c.do("DELETE", "/edge/management/v1/authenticators/"+m["id"].(string), nil), 200)
		}
	}
	login(first, 401)
	login(second, 200)
}

// enrollOTTCert enrolls with an ott token and a fresh key, and returns the
// client certificate with its key, and the CSR it sent.
func enrollOTTCert(t *testing.T, s *Server, token string) (tls.Certificate, []byte) {
	t.Helper()
	key, csrPEM := newCSR(t)
	anon := newClient(t, s)
	r := anon.mustStatus(anon.do("POST", "/edge/client/v1/enroll?method=ott&token="+token, csrPEM, "Content-Type", "application/x-pem-file"), 200)
	certPEM, _ := r.data(t)["cert"].(string)
	keyDER, _ := marshalECKey(key)
	tc, err := tls.X509KeyPair([]byte(certPEM), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}))
	if err != nil {
		t.Fatal(err)
	}
	return tc, csrPEM
}
