package server

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/jwtsign"
)

// idpJWT signs claims with key under kid: ES256 for an EC key, RS256 for
// an RSA key.
func idpJWT(t *testing.T, key crypto.Signer, kid string, claims jwt.MapClaims) string {
	t.Helper()
	m := jwt.SigningMethod(jwt.SigningMethodES256)
	if _, ok := key.(*rsa.PrivateKey); ok {
		m = jwt.SigningMethodRS256
	}
	return signJWT(t, m, key, kid, claims)
}

// extJWTLogin posts method=ext-jwt with token as the bearer and returns
// the status.
func extJWTLogin(t testing.TB, s *Server, token string) int {
	t.Helper()
	return newClient(t, s).do("POST", "/edge/client/v1/authenticate?method=ext-jwt", map[string]any{}, "Authorization", "Bearer "+token).Status
}

func signerBody(name, issuer, audience string, extra map[string]any) map[string]any {
	b := map[string]any{"name": name, "enabled": true, "issuer": issuer, "audience": audience}
	for k, v := range extra {
		b[k] = v
	}
	return b
}

func TestExternalJWTSignerCertificate(t *testing.T) {
	skipWithoutSpec(t)
	clock := &testClock{t: time.Now()}
	s := testServerWith(t, func(o *Options) { o.Now = clock.Now })
	admin := newClient(t, s).admin()
	ca := newExtRoot(t, "jwt signer")
	key := ca.issuer.Key

	// Exactly one of certPem and jwksEndpoint; certPem holds one certificate.
	admin.wantError(admin.do("POST", mgmt+"/external-jwt-signers", signerBody("s", "iss", "aud", nil)), 400, "COULD_NOT_VALIDATE", "certPem")
	admin.wantError(admin.do("POST", mgmt+"/external-jwt-signers", signerBody("s", "iss", "aud", map[string]any{"certPem": ca.pem(), "jwksEndpoint": "https://127.0.0.1:1/jwks"})), 400, "COULD_NOT_VALIDATE", "jwksEndpoint")
	admin.wantError(admin.do("POST", mgmt+"/external-jwt-signers", signerBody("s", "iss", "aud", map[string]any{"certPem": "garbage"})), 400, "INVALID_CERT_PEM", "certPem")
	admin.wantError(admin.do("POST", mgmt+"/external-jwt-signers", signerBody("s", "iss", "aud", map[string]any{"certPem": ca.pem() + ca.pem()})), 400, "INVALID_CERT_PEM", "certPem")
	admin.wantError(admin.do("POST", mgmt+"/external-jwt-signers", signerBody("s", "", "aud", map[string]any{"certPem": ca.pem()})), 400, "COULD_NOT_VALIDATE", "issuer")
	admin.wantError(admin.do("POST", mgmt+"/external-jwt-signers", signerBody("s", "iss", "aud", map[string]any{"certPem": ca.pem(), "targetToken": "REFRESH"})), 400, "COULD_NOT_VALIDATE", "targetToken")

	sid := admin.createdID("/external-jwt-signers", signerBody("idp", "https://idp.example", "ziti", map[string]any{"certPem": ca.pem(), "kid": "k1"}))
	d := admin.mustStatus(admin.do("GET", mgmt+"/external-jwt-signers/"+sid, nil), 200).data(t)
	if d["commonName"] != "jwt signer" || d["fingerprint"] == nil || d["claimsProperty"] != "sub" || d["targetToken"] != "ACCESS" || d["jwksEndpoint"] != nil {
		t.Fatalf("signer detail: %v", d)
	}
	admin.wantError(admin.do("POST", mgmt+"/external-jwt-signers", signerBody("idp2", "https://idp.example", "ziti", map[string]any{"certPem": newExtRoot(t, "other").pem()})), 409, "CONFLICT", "issuer")

	uid := admin.createIdentity(map[string]any{"name": "alice", "type": "User", "isAdmin": false, "externalId": "alice@example.com"})
	good := func() jwt.MapClaims {
		return jwt.MapClaims{"iss": "https://idp.example", "aud": []string{"other", "ziti"}, "sub": uid, "email": "alice@example.com", "exp": clock.Now().Add(time.Hour).Unix()}
	}
	with := func(k string, v any) jwt.MapClaims { c := good(); c[k] = v; return c }
	if st := extJWTLogin(t, s, idpJWT(t, key, "k1", good())); st != 200 {
		t.Fatalf("a good token: %d", st)
	}
	other := genKey(t)
	for name, tok := range map[string]string{
		"wrong key":        idpJWT(t, other, "k1", good()),
		"wrong kid":        idpJWT(t, key, "k2", good()),
		"wrong issuer":     idpJWT(t, key, "k1", with("iss", "https://evil.example")),
		"wrong audience":   idpJWT(t, key, "k1", with("aud", "someone-else")),
		"expired":          idpJWT(t, key, "k1", with("exp", clock.Now().Add(-time.Hour).Unix())),
		"no exp":           idpJWT(t, key, "k1", func() jwt.MapClaims { c := good(); delete(c, "exp"); return c }()),
		"unknown identity": idpJWT(t, key, "k1", with("sub", "nobody")),
		"sub not a string": idpJWT(t, key, "k1", with("sub", 42)),
		"not a jwt":        "not-a-jwt",
		"unsigned (none)": func() string {
			s, _ := jwt.NewWithClaims(jwt.SigningMethodNone, good()).SignedString(jwt.UnsafeAllowNoneSignatureType)
			return s
		}(),
	} {
		if st := extJWTLogin(t, s, tok); st != 401 {
			t.Errorf("%s: status %d, want 401", name, st)
		}
	}
	if st := newClient(t, s).do("POST", "/edge/client/v1/authenticate?method=ext-jwt", map[string]any{}).Status; st != 401 {
		t.Errorf("no bearer token: %d", st)
	}

	// The clock decides expiry.
	tok := idpJWT(t, key, "k1", good())
	clock.Add(2 * time.Hour)
	if st := extJWTLogin(t, s, tok); st != 401 {
		t.Errorf("a token expired by the controller's clock: %d", st)
	}

	// claimsProperty + useExternalId map another claim to externalId.
	admin.mustStatus(admin.do("PATCH", mgmt+"/external-jwt-signers/"+sid, map[string]any{"claimsProperty": "email", "useExternalId": true}), 200)
	if st := extJWTLogin(t, s, idpJWT(t, key, "k1", with("sub", "ignored"))); st != 200 {
		t.Fatalf("email claim to externalId: %d", st)
	}
	if st := extJWTLogin(t, s, idpJWT(t, key, "k1", with("email", "bob@example.com"))); st != 401 {
		t.Fatalf("an email no identity has: %d", st)
	}

	// Without a kid on the signer, the certificate's fingerprint is the kid.
	admin.mustStatus(admin.do("PATCH", mgmt+"/external-jwt-signers/"+sid, map[string]any{"kid": nil}), 200)
	fp := d["fingerprint"].(string)
	if st := extJWTLogin(t, s, idpJWT(t, key, fp, good())); st != 200 {
		t.Fatalf("the fingerprint as kid: %d", st)
	}

	// A disabled signer authenticates nobody.
	admin.mustStatus(admin.do("PATCH", mgmt+"/external-jwt-signers/"+sid, map[string]any{"enabled": false}), 200)
	if st := extJWTLogin(t, s, idpJWT(t, key, fp, good())); st != 401 {
		t.Fatalf("disabled signer: %d", st)
	}
	admin.mustStatus(admin.do("PATCH", mgmt+"/external-jwt-signers/"+sid, map[string]any{"enabled": true}), 200)

	// The identity's auth policy: ext-jwt allowed, and only from its signers.
	pid := admin.createdID("/auth-policies", policyBody("jwt-only-other", nil))
	admin.mustStatus(admin.do("PATCH", mgmt+"/identities/"+uid, map[string]any{"authPolicyId": pid}), 200)
	if st := extJWTLogin(t, s, idpJWT(t, key, fp, good())); st != 200 {
		t.Fatalf("allowed by a policy with no signer list: %d", st)
	}
	otherSigner := admin.createdID("/external-jwt-signers", signerBody("other", "https://other.example", "ziti", map[string]any{"jwksEndpoint": "https://127.0.0.1:1/jwks"}))
	admin.mustStatus(admin.do("PATCH", mgmt+"/auth-policies/"+pid, map[string]any{"primary": map[string]any{"extJwt": map[string]any{"allowedSigners": []string{otherSigner}}}}), 200)
	if st := extJWTLogin(t, s, idpJWT(t, key, fp, good())); st != 401 {
		t.Fatalf("a signer the policy does not list: %d", st)
	}
	admin.mustStatus(admin.do("PATCH", mgmt+"/auth-policies/"+pid, map[string]any{"primary": map[string]any{"extJwt": map[string]any{"allowed": false, "allowedSigners": []string{sid}}}}), 200)
	if st := extJWTLogin(t, s, idpJWT(t, key, fp, good())); st != 401 {
		t.Fatalf("ext-jwt not allowed by the policy: %d", st)
	}
	// A signer a policy names cannot be deleted.
	admin.wantError(admin.do("DELETE", mgmt+"/external-jwt-signers/"+sid, nil), 409, "CAN_NOT_DELETE_REFERENCED_ENTITY", "primary.extJwt.allowedSigners")
	admin.mustStatus(admin.do("PATCH", mgmt+"/auth-policies/"+pid, map[string]any{"primary": map[string]any{"extJwt": map[string]any{"allowedSigners": []string{}}}}), 200)
	admin.mustStatus(admin.do("DELETE", mgmt+"/external-jwt-signers/"+sid, nil), 200)
}

func TestExternalJWTSignerJWKS(t *testing.T) {
	rk, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ec := genKey(t)
	var fetches atomic.Int32
	var serveEC atomic.Bool
	jwks := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fetches.Add(1)
		k1, _ := jwtsign.JWK(rk.Public(), "rsa-1", nil)
		keys := []any{k1}
		if serveEC.Load() {
			k2, _ := jwtsign.JWK(ec.Public(), "ec-2", nil)
			keys = append(keys, k2)
		}
		if serveEC.Load() {
			w.Header().Set("Content-Type", "application/jwk-set+json")
		} else {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"keys": keys})
	}))
	defer jwks.Close()
	s := testServerWith(t, func(o *Options) { o.JWKSClient = jwks.Client() })
	admin := newClient(t, s).admin()
	admin.wantError(admin.do("POST", mgmt+"/external-jwt-signers", signerBody("s", "iss", "aud", map[string]any{"jwksEndpoint": "ftp://x"})), 400, "COULD_NOT_VALIDATE", "jwksEndpoint")
	admin.createdID("/external-jwt-signers", signerBody("idp", "https://idp.example", "ziti", map[string]any{"jwksEndpoint": jwks.URL + "/keys"}))
	uid := admin.createIdentity(map[string]any{"name": "alice", "type": "User", "isAdmin": false})
	claims := jwt.MapClaims{"iss": "https://idp.example", "aud": "ziti", "sub": uid, "exp": time.Now().Add(time.Hour).Unix()}

	if st := extJWTLogin(t, s, idpJWT(t, rk, "rsa-1", claims)); st != 200 {
		t.Fatalf("RSA key from the JWKS: %d", st)
	}
	if st := extJWTLogin(t, s, idpJWT(t, rk, "rsa-1", claims)); st != 200 || fetches.Load() != 1 {
		t.Fatalf("second login: %d after %d fetches (want the cached keys)", st, fetches.Load())
	}
	if st := extJWTLogin(t, s, idpJWT(t, genKey(t), "rsa-1", claims)); st != 401 {
		t.Fatalf("a token of another key under a known kid: %d", st)
	}
	// A key the endpoint gains later is found by fetching it again (at
	// most once a second).
	serveEC.Store(true)
	time.Sleep(1100 * time.Millisecond)
	if st := extJWTLogin(t, s, idpJWT(t, ec, "ec-2", claims)); st != 200 {
		t.Fatalf("a new key of the JWKS: %d", st)
	}
	// Unknown kids do not make it fetch on every token.
	before := fetches.Load()
	for range 5 {
		if st := extJWTLogin(t, s, idpJWT(t, ec, "made-up", claims)); st != 401 {
			t.Fatalf("unknown kid: %d", st)
		}
	}
	if n := fetches.Load() - before; n > 1 {
		t.Fatalf("5 tokens with an unknown kid made %d fetches", n)
	}
}

// TestAuthPolicySecondary: a required external JWT signer needs its JWT
// for the same identity beside the password; a required TOTP (which
// controllersrv does not implement) refuses the login.
func TestAuthPolicySecondary(t *testing.T) {
	s := testServer(t)
	admin := newClient(t, s).admin()
	ca := newExtRoot(t, "second factor")
	sid := admin.createdID("/external-jwt-signers", signerBody("idp", "https://idp.example", "ziti", map[string]any{"certPem": ca.pem(), "kid": "k1"}))
	b := policyBody("2fa", nil)
	b["secondary"] = map[string]any{"requireTotp": false, "requireExtJwtSigner": sid}
	pid := admin.createdID("/auth-policies", b)
	uid := updbUser(admin, "user1", pid, "user-pw-1")
	other := updbUser(admin, "user2", "default", "user-pw-2")
	jwtFor := func(sub string) string {
		return idpJWT(t, ca.issuer.Key, "k1", jwt.MapClaims{"iss": "https://idp.example", "aud": "ziti", "sub": sub, "exp": time.Now().Add(time.Hour).Unix()})
	}
	login := func(bearer string) int {
		h := []string{}
		if bearer != "" {
			h = []string{"Authorization", "Bearer " + bearer}
		}
		return newClient(t, s).do("POST", "/edge/client/v1/authenticate?method=password", map[string]string{"username": "user1", "password": "user-pw-1"}, h...).Status
	}
	if st := login(""); st != 401 {
		t.Fatalf("password without the required JWT: %d", st)
	}
	if st := login(jwtFor(other)); st != 401 {
		t.Fatalf("password with another identity's JWT: %d", st)
	}
	if st := login(jwtFor(uid)); st != 200 {
		t.Fatalf("password and the identity's JWT: %d", st)
	}
	admin.mustStatus(admin.do("PATCH", mgmt+"/auth-policies/"+pid, map[string]any{"secondary": map[string]any{"requireExtJwtSigner": nil}}), 200)
	if st := login(""); st != 200 {
		t.Fatalf("PATCH with null did not clear the required signer: %d", st)
	}
	admin.mustStatus(admin.do("PATCH", mgmt+"/auth-policies/"+pid, map[string]any{"secondary": map[string]any{"requireTotp": true}}), 200)
	if st := login(jwtFor(uid)); st != 401 {
		t.Fatalf("a policy requiring TOTP let the identity in: %d", st)
	}
}
