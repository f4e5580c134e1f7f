package e2e

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/jwtsign"
	"github.com/zitiform/terraform-provider-ziti/internal/testctl"
)

// rawAPI sends JSON to a controller's Edge APIs as an admin.
type rawAPI struct {
	t     *testing.T
	ctl   *testctl.Controller
	http  *http.Client
	token string
}

func newRawAPI(t *testing.T, ctl *testctl.Controller) *rawAPI {
	a := &rawAPI{t: t, ctl: ctl, http: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: ctl.CertPool()}}}}
	st, body := a.call("POST", ctl.ClientURL()+"/authenticate?method=password", map[string]string{"username": ctl.Username, "password": ctl.Password})
	if st != 200 {
		t.Fatalf("admin login: %d %s", st, body)
	}
	a.token, _ = jsonAt(body, "data", "token").(string)
	return a
}

// call sends body as JSON with the session and extra headers (in pairs)
// and returns the status and the decoded answer.
func (a *rawAPI) call(method, url string, body any, headers ...string) (int, map[string]any) {
	a.t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(tj(body)))
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header = http.Header{"Content-Type": {"application/json"}}
	for kv := append([]string{"zt-session", a.token}, headers...); len(kv) >= 2; kv = kv[2:] {
		if kv[1] != "" {
			req.Header.Set(kv[0], kv[1])
		}
	}
	resp, err := a.http.Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}

// mgmt calls the management API and requires the status want.
func (a *rawAPI) mgmt(method, path string, body any, want int) map[string]any {
	a.t.Helper()
	st, m := a.call(method, a.ctl.ManagementURL()+path, body)
	if st != want {
		a.t.Fatalf("%s %s: status %d, want %d: %v", method, path, st, want, m)
	}
	return m
}

// login tries a client API login of method and returns the status.
func (a *rawAPI) login(method string, body any, headers ...string) int {
	a.t.Helper()
	anon := &rawAPI{t: a.t, ctl: a.ctl, http: a.http}
	st, _ := anon.call("POST", a.ctl.ClientURL()+"/authenticate?method="+method, body, headers...)
	return st
}

// loginOnceSignerKnown logs in with an ext-jwt bearer token, polling for up
// to 20 s: OpenZiti v1.7.2 loads a new external JWT signer from an
// asynchronous store event, so a login right after the create can find no
// signer yet (seen as a 401 on a loaded machine). It returns the last status.
func (a *rawAPI) loginOnceSignerKnown(token string) int {
	a.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		st := a.login("ext-jwt", map[string]any{}, "Authorization", "Bearer "+token)
		if st == 200 || time.Now().After(deadline) {
			return st
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func jsonAt(m map[string]any, path ...string) any {
	var cur any = m
	for _, p := range path {
		mm, _ := cur.(map[string]any)
		cur = mm[p]
	}
	return cur
}

func policy(name string, maxAttempts int, updbAllowed bool) map[string]any {
	return map[string]any{"name": name, "primary": map[string]any{
		"cert":   map[string]any{"allowed": true, "allowExpiredCerts": false},
		"extJwt": map[string]any{"allowed": true, "allowedSigners": []string{}},
		"updb": map[string]any{"allowed": updbAllowed, "maxAttempts": maxAttempts, "lockoutDurationMinutes": 0, "minPasswordLength": 5,
			"requireMixedCase": false, "requireNumberChar": false, "requireSpecialChar": false},
	}, "secondary": map[string]any{"requireTotp": false}}
}

// TestAuthPoliciesOnBothControllers: the same auth policies, posture
// checks and external JWT signer, made through the API on each controller,
// read back the same and decide logins the same.
func TestAuthPoliciesOnBothControllers(t *testing.T) {
	testctl.Both(t, authPoliciesOn)
}

func authPoliciesOn(t *testing.T, kind testctl.Kind) {
	a := newRawAPI(t, pool.Get(t, kind, testctl.Options{}))
	suffix := time.Now().Format("150405.000")

	// A policy reads back as it was written, and PATCH changes one field.
	pid := jsonAt(a.mgmt("POST", "/auth-policies", policy("ap-"+suffix, 2, true), 201), "data", "id").(string)
	d := a.mgmt("GET", "/auth-policies/"+pid, nil, 200)["data"].(map[string]any)
	want := policy("ap-"+suffix, 2, true)
	if tj(d["primary"]) != tj(want["primary"]) || jsonAt(d, "secondary", "requireTotp") != false {
		t.Fatalf("policy read back as %s, want %s", tj(d["primary"]), tj(want["primary"]))
	}
	a.mgmt("PATCH", "/auth-policies/"+pid, map[string]any{"primary": map[string]any{"updb": map[string]any{"maxAttempts": 1}}}, 200)
	d = a.mgmt("GET", "/auth-policies/"+pid, nil, 200)["data"].(map[string]any)
	if jsonAt(d, "primary", "updb", "maxAttempts") != 1.0 || jsonAt(d, "primary", "updb", "allowed") != true || jsonAt(d, "primary", "cert", "allowed") != true {
		t.Fatalf("after PATCH: %s", tj(d["primary"]))
	}
	st, _ := a.call("POST", a.ctl.ManagementURL()+"/auth-policies", map[string]any{"name": "incomplete-" + suffix})
	if st != 400 {
		t.Fatalf("a policy without primary and secondary: %d", st)
	}

	// A user under it: wrong passwords lock it (lockoutDurationMinutes 0:
	// until enabled), and then the right one is refused too.
	user := "user-" + suffix
	uid := jsonAt(a.mgmt("POST", "/identities", map[string]any{"name": user, "type": "User", "isAdmin": false, "authPolicyId": pid,
		"enrollment": map[string]any{"updb": user}}, 201), "data", "id").(string)
	token := jsonAt(a.mgmt("GET", "/identities/"+uid, nil, 200), "data", "enrollment", "updb", "token").(string)
	if st, m := a.call("POST", a.ctl.ClientURL()+"/enroll/updb?token="+token, map[string]string{"username": user, "password": "right-pw-1"}); st != 200 {
		t.Fatalf("updb enrollment: %d %v", st, m)
	}
	creds := func(pw string) map[string]string { return map[string]string{"username": user, "password": pw} }
	for range 3 {
		if st := a.login("password", creds("wrong")); st != 401 {
			t.Fatalf("wrong password: %d", st)
		}
	}
	if st := a.login("password", creds("right-pw-1")); st != 401 {
		t.Fatalf("a locked identity logged in: %d", st)
	}
	d = a.mgmt("GET", "/identities/"+uid, nil, 200)["data"].(map[string]any)
	if d["disabled"] != true || d["disabledAt"] == nil || d["disabledUntil"] != nil {
		t.Fatalf("locked identity: disabled %v, disabledAt %v, disabledUntil %v", d["disabled"], d["disabledAt"], d["disabledUntil"])
	}
	// In use, the policy cannot be deleted; the default never can.
	if st, m := a.call("DELETE", a.ctl.ManagementURL()+"/auth-policies/"+pid, nil); st != 409 || jsonAt(m, "error", "code") != "CAN_NOT_DELETE_REFERENCED_ENTITY" {
		t.Fatalf("deleting a policy in use: %d %v", st, m)
	}
	if st, _ := a.call("DELETE", a.ctl.ManagementURL()+"/auth-policies/default", nil); st != 409 {
		t.Fatalf("deleting the default policy: %d", st)
	}

	// A policy without updb refuses the right password.
	noUpdb := jsonAt(a.mgmt("POST", "/auth-policies", policy("no-updb-"+suffix, 0, false), 201), "data", "id").(string)
	a.mgmt("PATCH", "/identities/"+uid, map[string]any{"authPolicyId": noUpdb}, 200)
	a.mgmt("POST", "/identities/"+uid+"/enable", nil, 200)
	if st := a.login("password", creds("right-pw-1")); st != 401 {
		t.Fatalf("password login under a policy without updb: %d", st)
	}

	extJWTOn(t, a, uid, suffix)
	postureChecksOn(t, a, suffix)
}

// extJWTOn: a signer with a certificate and one with a JWKS endpoint (on
// loopback, plain HTTP as both controllers accept) authenticate the
// identity uid by its id; a wrong audience does not.
func extJWTOn(t *testing.T, a *rawAPI, uid, suffix string) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "idp"}, NotBefore: time.Now().Add(-time.Minute), NotAfter: time.Now().Add(time.Hour)}
	der, _ := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	certPEM := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	a.mgmt("PATCH", "/identities/"+uid, map[string]any{"authPolicyId": "default"}, 200)

	iss := "https://idp-" + suffix + ".example"
	sid := jsonAt(a.mgmt("POST", "/external-jwt-signers", map[string]any{"name": "idp-" + suffix, "enabled": true, "issuer": iss, "audience": "ziti", "certPem": certPEM, "kid": "k1"}, 201), "data", "id").(string)
	d := a.mgmt("GET", "/external-jwt-signers/"+sid, nil, 200)["data"].(map[string]any)
	if d["commonName"] != "idp" || d["claimsProperty"] != "sub" || d["targetToken"] != "ACCESS" || d["useExternalId"] != false {
		t.Fatalf("signer read back as %s", tj(d))
	}
	sign := func(k *ecdsa.PrivateKey, kid, iss, aud string) string {
		tok := jwt.NewWithClaims(jwt.SigningMethodES256, jwt.MapClaims{"iss": iss, "aud": aud, "sub": uid, "exp": time.Now().Add(time.Hour).Unix()})
		tok.Header["kid"] = kid
		s, err := tok.SignedString(k)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if st := a.loginOnceSignerKnown(sign(key, "k1", iss, "ziti")); st != 200 {
		t.Fatalf("ext-jwt with the certificate signer: %d", st)
	}
	if st := a.login("ext-jwt", map[string]any{}, "Authorization", "Bearer "+sign(key, "k1", iss, "other")); st != 401 {
		t.Fatalf("ext-jwt with the wrong audience: %d", st)
	}

	jk, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &httptest.Server{Listener: ln, Config: &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		k, _ := jwtsign.JWK(jk.Public(), "j1", nil)
		w.Header().Set("Content-Type", "application/json") // OpenZiti requires it
		_ = json.NewEncoder(w).Encode(map[string]any{"keys": []any{k}})
	})}}
	srv.Start()
	defer srv.Close()
	jiss := "https://jwks-" + suffix + ".example"
	a.mgmt("POST", "/external-jwt-signers", map[string]any{"name": "jwks-" + suffix, "enabled": true, "issuer": jiss, "audience": "ziti", "jwksEndpoint": srv.URL + "/keys"}, 201)
	if st := a.loginOnceSignerKnown(sign(jk, "j1", jiss, "ziti")); st != 200 {
		t.Fatalf("ext-jwt with the JWKS signer: %d", st)
	}
	if st := a.login("ext-jwt", map[string]any{}, "Authorization", "Bearer "+sign(key, "j1", jiss, "ziti")); st != 401 {
		t.Fatalf("ext-jwt signed by another key: %d", st)
	}
}

// postureChecksOn: each type reads back with the same fields.
func postureChecksOn(t *testing.T, a *rawAPI, suffix string) {
	for _, c := range []struct {
		body  map[string]any
		field string
		want  string
	}{
		{map[string]any{"typeId": "DOMAIN", "domains": []string{"corp.example"}}, "domains", `["corp.example"]`},
		{map[string]any{"typeId": "MAC", "macAddresses": []string{"AA:bb:cc:dd:ee:ff"}}, "macAddresses", `["aabbccddeeff"]`},
		{map[string]any{"typeId": "MFA", "timeoutSeconds": 0}, "timeoutSeconds", `-1`},
		{map[string]any{"typeId": "OS", "operatingSystems": []any{map[string]any{"type": "Linux", "versions": []string{">=4.14.0"}}}}, "operatingSystems", `[{"type":"Linux","versions":[">=4.14.0"]}]`},
		{map[string]any{"typeId": "PROCESS", "process": map[string]any{"osType": "Linux", "path": "/usr/bin/agent", "hashes": []string{"ab"}}}, "process", `{"hashes":["ab"],"osType":"Linux","path":"/usr/bin/agent"}`},
		{map[string]any{"typeId": "PROCESS_MULTI", "semantic": "AnyOf", "processes": []any{map[string]any{"osType": "Linux", "path": "/a"}}}, "processes", `[{"hashes":[],"osType":"Linux","path":"/a","signerFingerprints":[]}]`},
	} {
		c.body["name"] = "pc-" + c.field + "-" + suffix
		c.body["roleAttributes"] = []string{"r1"}
		id := jsonAt(a.mgmt("POST", "/posture-checks", c.body, 201), "data", "id").(string)
		d := a.mgmt("GET", "/posture-checks/"+id, nil, 200)["data"].(map[string]any)
		if tj(d[c.field]) != c.want || tj(d["roleAttributes"]) != `["r1"]` || d["version"] != 1.0 {
			t.Errorf("%s: %s = %s, want %s (%s)", c.body["typeId"], c.field, tj(d[c.field]), c.want, tj(d))
		}
	}
}

// tj renders v as compact JSON, without HTML escapes.
func tj(v any) string {
	var b bytes.Buffer
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(false)
	_ = e.Encode(v)
	return strings.TrimSpace(b.String())
}
