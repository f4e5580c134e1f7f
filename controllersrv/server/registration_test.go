package server

import (
	"crypto/ecdsa"
	"crypto/sha1" //nolint:gosec // the JWT kid is a SHA-1 fingerprint by definition
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/smallstep/pkcs7"
)

// TestRegistrationFlow walks the ten steps of the OpenZiti endpoint
// registration flow (one-time-token enrollment) with a client written from the spec, not
// from controllersrv's own code: it decodes and verifies the JWT by hand.
func TestRegistrationFlow(t *testing.T) {
	s := testServer(t)
	admin := newClient(t, s).admin()

	// 1-2. The admin creates an identity; the controller returns the JWT.
	id := admin.createIdentity(map[string]any{"name": "laptop", "type": "User", "isAdmin": false, "enrollment": map[string]any{"ott": true}})
	d := admin.mustStatus(admin.do("GET", "/edge/management/v1/identities/"+id, nil), 200).data(t)
	jwt, _ := jsonPath(d, "enrollment", "ott", "jwt").(string)

	// 3. Delivered out of band. 4. Parse and inspect.
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		t.Fatalf("JWT has %d parts", len(parts))
	}
	var header map[string]any
	var claims map[string]any
	decodeSeg(t, parts[0], &header)
	decodeSeg(t, parts[1], &claims)
	if header["typ"] != "JWT" || header["alg"] != "ES256" {
		t.Fatalf("header %v", header)
	}
	for _, k := range []string{"iat", "nbf"} {
		if _, ok := claims[k]; ok {
			t.Fatalf("claim %s must not be present: %v", k, claims)
		}
	}
	if claims["iss"] != s.URL() || claims["sub"] != id || claims["em"] != "ott" || claims["jti"] != jsonPath(d, "enrollment", "ott", "token") {
		t.Fatalf("claims %v", claims)
	}
	if aud, _ := claims["aud"].([]any); len(aud) != 1 || aud[0] != "" {
		t.Fatalf(`aud %v, want [""]`, claims["aud"])
	}
	exp, _ := claims["exp"].(float64)
	if d := time.Until(time.Unix(int64(exp), 0)); d < 179*time.Minute || d > 181*time.Minute {
		t.Fatalf("exp is %v away, want the default 180 minutes", d)
	}

	// 5. Retrieve the server certificate from iss, trusting nothing yet.
	iss, err := url.Parse(claims["iss"].(string))
	if err != nil {
		t.Fatal(err)
	}
	conn, err := tls.Dial("tcp", iss.Host, &tls.Config{InsecureSkipVerify: true}) //nolint:gosec // step 5 fetches the cert to verify the JWT with it
	if err != nil {
		t.Fatal(err)
	}
	leaf := conn.ConnectionState().PeerCertificates[0]
	conn.Close()
	sum := sha1.Sum(leaf.Raw) //nolint:gosec
	if header["kid"] != hex.EncodeToString(sum[:]) {
		t.Fatalf("kid %v is not the SHA-1 of the presented TLS leaf", header["kid"])
	}

	// 6. Verify the signature with that certificate's public key.
	pub, ok := leaf.PublicKey.(*ecdsa.PublicKey)
	if !ok {
		t.Fatalf("leaf key %T", leaf.PublicKey)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || len(sig) != 64 {
		t.Fatalf("ES256 signature must be 64 raw bytes: %v", err)
	}
	h := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if !ecdsa.Verify(pub, h[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
		t.Fatal("the JWT signature does not verify with the presented TLS certificate")
	}

	// 7. Retrieve and trust the EST CA store, pinning the verified leaf.
	pinned := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{
		InsecureSkipVerify: true, //nolint:gosec // replaced by the pin below
		VerifyPeerCertificate: func(raw [][]byte, _ [][]*x509.Certificate) error {
			if len(raw) == 0 || string(raw[0]) != string(leaf.Raw) {
				return errors.New("not the pinned certificate")
			}
			return nil
		},
	}}}
	resp, err := pinned.Get(iss.String() + "/.well-known/est/cacerts")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.Header.Get("Content-Type") != "application/pkcs7-mime" || resp.Header.Get("Content-Transfer-Encoding") != "base64" {
		t.Fatalf("EST headers %v", resp.Header)
	}
	if strings.HasSuffix(string(body), "\n") {
		t.Fatal("EST body must not end with a newline")
	}
	for _, line := range strings.Split(string(body), "\n") {
		if len(line) > 64 {
			t.Fatalf("EST line longer than 64 characters: %d", len(line))
		}
	}
	der, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(string(body), "\n", ""))
	if err != nil {
		t.Fatal(err)
	}
	p7, err := pkcs7.Parse(der)
	if err != nil {
		t.Fatal(err)
	}
	cas := x509.NewCertPool()
	for _, c := range p7.Certificates {
		cas.AddCert(c)
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: cas, DNSName: iss.Hostname(), Intermediates: cas}); err != nil {
		t.Fatalf("the EST CA store does not verify the controller's TLS certificate: %v", err)
	}

	// 8-9. CSR and enrollment; the controller validates and signs.
	key, csrPEM := newCSR(t)
	trusted := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: cas}}}
	req, _ := http.NewRequest(http.MethodPost, iss.String()+"/edge/client/v1/enroll?method=ott&token="+claims["jti"].(string), strings.NewReader(string(csrPEM)))
	req.Header.Set("Content-Type", "application/x-pem-file")
	resp, err = trusted.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("enroll: %d %s", resp.StatusCode, body)
	}
	var env struct {
		Data struct{ Cert, CA string } `json:"data"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode([]byte(env.Data.Cert))
	cert, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if cert.Subject.CommonName != id {
		t.Fatalf("issued CN %q, want the identity id %q", cert.Subject.CommonName, id)
	}
	if _, err := cert.Verify(x509.VerifyOptions{Roots: cas, Intermediates: cas, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		t.Fatalf("issued certificate does not chain to the EST store with clientAuth: %v", err)
	}

	// 10. Store the certificate and use it.
	keyDER, _ := x509.MarshalECPrivateKey(key)
	tc, err := tls.X509KeyPair([]byte(env.Data.Cert), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}))
	if err != nil {
		t.Fatal(err)
	}
	cc := newClient(t, s, tc)
	r := cc.mustStatus(cc.do("POST", "/edge/client/v1/authenticate?method=cert", "{}", "Content-Type", "application/json"), 200)
	if jsonPath(r.json(t), "data", "identityId") != id {
		t.Fatalf("authenticated as %v", jsonPath(r.json(t), "data", "identityId"))
	}
}

func decodeSeg(t *testing.T, seg string, v any) {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatal(err)
	}
}

func TestJWKSPublishesTheSigningKey(t *testing.T) {
	s := testServer(t)
	c := newClient(t, s)
	r := c.mustStatus(c.do("GET", "/edge/client/v1/enroll/jwks", nil), 200)
	var set struct {
		Keys []map[string]any `json:"keys"`
	}
	if err := json.Unmarshal(r.Body, &set); err != nil || len(set.Keys) != 1 {
		t.Fatalf("jwks %s", r.Body)
	}
	k := set.Keys[0]
	conn, err := tls.Dial("tcp", s.URL()[len("https://"):], &tls.Config{InsecureSkipVerify: true}) //nolint:gosec // fetching the leaf to compare
	if err != nil {
		t.Fatal(err)
	}
	leaf := conn.ConnectionState().PeerCertificates[0]
	conn.Close()
	sum := sha1.Sum(leaf.Raw) //nolint:gosec
	pub := leaf.PublicKey.(*ecdsa.PublicKey)
	raw, err := pub.Bytes() // 0x04 || X || Y
	if err != nil {
		t.Fatal(err)
	}
	x := base64.RawURLEncoding.EncodeToString(raw[1:33])
	if k["kid"] != hex.EncodeToString(sum[:]) || k["kty"] != "EC" || k["crv"] != "P-256" || k["x"] != x || k["alg"] != "ES256" {
		t.Fatalf("jwk %v does not describe the TLS leaf", k)
	}
}

// TestEnrollContentTypes: the CSR arrives as PEM, text, base64 DER
// (application/pkcs7) or JSON, on /enroll (method defaulting to ott) and on
// /enroll/ott.
func TestEnrollContentTypes(t *testing.T) {
	s := testServer(t)
	admin := newClient(t, s).admin()
	anon := newClient(t, s)
	token := func(name string) string {
		id := admin.createIdentity(map[string]any{"name": name, "type": "Device", "isAdmin": false, "enrollment": map[string]any{"ott": true}})
		return jsonPath(admin.mustStatus(admin.do("GET", "/edge/management/v1/identities/"+id, nil), 200).data(t), "enrollment", "ott", "token").(string)
	}
	_, csrPEM := newCSR(t)
	blk, _ := pem.Decode(csrPEM)
	js, _ := json.Marshal(map[string]string{"clientCsr": string(csrPEM)})
	for name, tc := range map[string]struct{ path, ct, body string }{
		"pem, no method": {"/edge/client/v1/enroll?token=%s", "application/x-pem-file", string(csrPEM)},
		"text":           {"/edge/client/v1/enroll?method=ott&token=%s", "text/plain", string(csrPEM)},
		"pkcs7":          {"/edge/client/v1/enroll?method=ott&token=%s", "application/pkcs7", base64.StdEncoding.EncodeToString(blk.Bytes)},
		"json":           {"/edge/client/v1/enroll?method=ott&token=%s", "application/json", string(js)},
	} {
		r := anon.do("POST", fmt.Sprintf(tc.path, token(name)), tc.body, "Content-Type", tc.ct)
		if r.Status != 200 || r.data(t)["cert"] == "" {
			t.Errorf("%s: %d %s", name, r.Status, r.Body)
		}
	}
	body, _ := json.Marshal(map[string]string{"token": token("ott-json"), "clientCsr": string(csrPEM)})
	anon.mustStatus(anon.do("POST", "/edge/client/v1/enroll/ott", body, "Content-Type", "application/json"), 200)
}
