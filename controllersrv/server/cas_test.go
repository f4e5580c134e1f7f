package server

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/jwtsign"
	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

const mgmt = "/edge/management/v1"

func TestCACreateReadUpdateDelete(t *testing.T) {
	s := testServer(t)
	c := newClient(t, s).admin()
	root := newExtRoot(t, "Ext Root")
	// Odd but valid PEM layout (leading text is not allowed, CRLF is):
	// it must come back byte-for-byte.
	certPEM := strings.ReplaceAll(root.pem(), "\n", "\r\n")
	id := c.createCA(caBody("ext", certPEM, map[string]any{
		"identityRoles": []string{"dev", "ext"}, "identityNameFormat": "ext-[commonName]",
		"tags":            map[string]any{"owner": "team", "b": true},
		"externalIdClaim": map[string]any{"location": "SAN_URI", "matcher": "SCHEME", "matcherCriteria": "spiffe", "parser": "NONE", "parserCriteria": "", "index": 0},
	}))
	d := c.mustStatus(c.do("GET", mgmt+"/cas/"+id, nil), 200).data(t)
	if d["certPem"] != certPEM {
		t.Fatalf("certPem not returned byte-for-byte:\n%q\nwant\n%q", d["certPem"], certPEM)
	}
	if d["fingerprint"] != pki.FingerprintSHA1(root.cert()) {
		t.Fatalf("fingerprint %v, want %s", d["fingerprint"], pki.FingerprintSHA1(root.cert()))
	}
	if d["isVerified"] != false || d["verificationToken"] == "" || d["verificationToken"] == nil {
		t.Fatalf("new CA: isVerified %v verificationToken %v", d["isVerified"], d["verificationToken"])
	}
	if jsonPath(d, "externalIdClaim", "matcherCriteria") != "spiffe" || d["identityNameFormat"] != "ext-[commonName]" || jsonPath(d, "tags", "owner") != "team" || jsonPath(d, "tags", "b") != true {
		t.Fatalf("fields: %s", tpJSON(d))
	}
	// List with a filter.
	r := c.mustStatus(c.do("GET", mgmt+`/cas?filter=name="ext"`, nil), 200)
	if jsonPath(r.json(t), "meta", "pagination", "totalCount") != float64(1) {
		t.Fatalf("list: %s", r.Body)
	}
	// Duplicate certificate: 409, even under another name.
	r = c.mustStatus(c.do("POST", mgmt+"/cas", caBody("ext2", root.pem(), nil)), 409)
	if r.errorCode(t) != "CERT_IN_USE" {
		t.Fatalf("duplicate cert: %s", r.Body)
	}
	// Duplicate name: 409.
	other := newExtRoot(t, "Other Root")
	r = c.mustStatus(c.do("POST", mgmt+"/cas", caBody("ext", other.pem(), nil)), 409)
	if r.errorCode(t) != "NAME_ALREADY_IN_USE" {
		t.Fatalf("duplicate name: %s", r.Body)
	}
	// A leaf is not a CA.
	leaf, _ := root.issue(leafOpts{CN: "leaf"})
	r = c.mustStatus(c.do("POST", mgmt+"/cas", caBody("leaf", string(pki.EncodeCertsPEM(leaf)), nil)), 400)
	if !strings.Contains(string(r.Body), "CA:TRUE") || jsonPath(r.json(t), "error", "cause", "field") != "certPem" {
		t.Fatalf("non-CA cert: %s", r.Body)
	}
	for name, bad := range map[string]map[string]any{
		"garbage pem":     caBody("g", "not a pem", nil),
		"bad location":    caBody("g", other.pem(), map[string]any{"externalIdClaim": map[string]any{"location": "SUBJECT"}}),
		"split no sep":    caBody("g", other.pem(), map[string]any{"externalIdClaim": map[string]any{"parser": "SPLIT"}}),
		"bad placeholder": caBody("g", other.pem(), map[string]any{"identityNameFormat": "[caName]-[serial]"}),
	} {
		r = c.do("POST", mgmt+"/cas", bad)
		if r.Status != 400 || r.errorCode(t) != "COULD_NOT_VALIDATE" {
			t.Fatalf("%s: %d %s", name, r.Status, r.Body)
		}
	}
	c.mustStatus(c.do("GET", mgmt+`/cas?filter=name="g"`, nil), 200)

	// PATCH one field; PUT replaces (certPem echoed back is ignored).
	c.mustStatus(c.do("PATCH", mgmt+"/cas/"+id, map[string]any{"isAutoCaEnrollmentEnabled": true, "externalIdClaim": map[string]any{"index": 2}}), 200)
	d = c.mustStatus(c.do("GET", mgmt+"/cas/"+id, nil), 200).data(t)
	if d["isAutoCaEnrollmentEnabled"] != true || d["isAuthEnabled"] != true || jsonPath(d, "externalIdClaim", "index") != float64(2) || jsonPath(d, "externalIdClaim", "matcherCriteria") != "spiffe" {
		t.Fatalf("after PATCH: %s", tpJSON(d))
	}
	c.mustStatus(c.do("PUT", mgmt+"/cas/"+id, map[string]any{"name": "ext-renamed", "certPem": other.pem(), "isAutoCaEnrollmentEnabled": false,
		"isOttCaEnrollmentEnabled": true, "isAuthEnabled": false, "identityRoles": []string{"x"}, "identityNameFormat": "", "externalIdClaim": nil}), 200)
	d = c.mustStatus(c.do("GET", mgmt+"/cas/"+id, nil), 200).data(t)
	if d["name"] != "ext-renamed" || d["certPem"] != certPEM || d["isOttCaEnrollmentEnabled"] != true || d["isAuthEnabled"] != false ||
		d["externalIdClaim"] != nil || d["identityNameFormat"] != "[caName]-[commonName]" {
		t.Fatalf("after PUT: %s", tpJSON(d))
	}
	c.mustStatus(c.do("PATCH", mgmt+"/cas/"+id, map[string]any{"tags": map[string]any{"owner": "team2"}}), 200)
	r = c.mustStatus(c.do("GET", mgmt+`/cas?filter=tags.owner="team2"`, nil), 200)
	if jsonPath(r.json(t), "meta", "pagination", "totalCount") != float64(1) {
		t.Fatalf("tag filter: %s", r.Body)
	}
	c.mustStatus(c.do("DELETE", mgmt+"/cas/"+id, nil), 200)
	c.mustStatus(c.do("GET", mgmt+"/cas/"+id, nil), 404)
	// The certificate and name are free again.
	c.createCA(caBody("ext", root.pem(), nil))
}

func TestCAVerification(t *testing.T) {
	s := testServer(t)
	c := newClient(t, s).admin()
	root := newExtRoot(t, "Ext Root")
	id := c.createCA(caBody("ext", root.pem(), nil))
	d := c.mustStatus(c.do("GET", mgmt+"/cas/"+id, nil), 200).data(t)
	tok := d["verificationToken"].(string)
	verify := func(cert *x509.Certificate) *response {
		return c.do("POST", mgmt+"/cas/"+id+"/verify", string(pki.EncodeCertsPEM(cert)), "Content-Type", "text/plain")
	}
	unchanged := func(what string) {
		t.Helper()
		d := c.mustStatus(c.do("GET", mgmt+"/cas/"+id, nil), 200).data(t)
		if d["isVerified"] != false || d["verificationToken"] != tok {
			t.Fatalf("%s changed the CA: %s", what, tpJSON(d))
		}
	}
	wrongCN, _ := root.issue(leafOpts{CN: "not-the-token"})
	r := c.mustStatus(verify(wrongCN), 400)
	if r.errorCode(t) != "INVALID_COMMON_NAME" {
		t.Fatalf("wrong CN: %s", r.Body)
	}
	unchanged("wrong CN")

	imposter := newExtRoot(t, "Ext Root") // same name, other key
	otherSigner, _ := imposter.issue(leafOpts{CN: tok})
	r = c.mustStatus(verify(otherSigner), 400)
	if r.errorCode(t) != "CERT_FAILED_VALIDATION" || !strings.Contains(string(r.Body), "not signed by the CA") {
		t.Fatalf("other signer: %s", r.Body)
	}
	unchanged("another signer")

	expired, _ := root.issue(leafOpts{CN: tok, Now: time.Now().Add(-3 * time.Hour), Valid: time.Hour})
	r = c.mustStatus(verify(expired), 400)
	if r.errorCode(t) != "CERT_FAILED_VALIDATION" || !strings.Contains(string(r.Body), "not valid now") {
		t.Fatalf("expired: %s", r.Body)
	}
	unchanged("an expired certificate")

	notYet, _ := root.issue(leafOpts{CN: tok, Now: time.Now().Add(3 * time.Hour), Valid: time.Hour})
	c.mustStatus(verify(notYet), 400)
	unchanged("a not yet valid certificate")

	for name, body := range map[string]string{"empty": "", "garbage": "hello", "key": "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
		"two certs": string(pki.EncodeCertsPEM(wrongCN, wrongCN))} {
		r = c.do("POST", mgmt+"/cas/"+id+"/verify", body, "Content-Type", "text/plain")
		if r.Status != 400 || r.errorCode(t) != "COULD_NOT_VALIDATE" {
			t.Fatalf("%s body: %d %s", name, r.Status, r.Body)
		}
		unchanged(name)
	}

	good, _ := root.issue(leafOpts{CN: tok})
	// Sent as a JSON string by some generated clients: accepted too.
	c.mustStatus(c.do("POST", mgmt+"/cas/"+id+"/verify", quoteJSON(string(pki.EncodeCertsPEM(good))), "Content-Type", "text/plain"), 200)
	d = c.mustStatus(c.do("GET", mgmt+"/cas/"+id, nil), 200).data(t)
	if d["isVerified"] != true || (d["verificationToken"] != nil && d["verificationToken"] != "") {
		t.Fatalf("after verification: %s", tpJSON(d))
	}
	r = c.mustStatus(verify(good), 409)
	if r.errorCode(t) != "CA_ALREADY_VERIFIED" {
		t.Fatalf("second verification: %s", r.Body)
	}
	c.mustStatus(c.do("POST", mgmt+"/cas/nope/verify", string(pki.EncodeCertsPEM(good)), "Content-Type", "text/plain"), 404)
}

// TestCAVerificationConcurrent: 100 concurrent verifications with valid
// certificates; exactly one wins.
func TestCAVerificationConcurrent(t *testing.T) {
	s := testServer(t)
	c := newClient(t, s).admin()
	root := newExtRoot(t, "Ext Root")
	id := c.createCA(caBody("ext", root.pem(), nil))
	tok := c.mustStatus(c.do("GET", mgmt+"/cas/"+id, nil), 200).data(t)["verificationToken"].(string)
	const n = 100
	bodies := make([]string, n)
	for i := range bodies {
		cert, _ := root.issue(leafOpts{CN: tok})
		bodies[i] = string(pki.EncodeCertsPEM(cert))
	}
	c.check = false // validated elsewhere; keep the race tight
	var wg sync.WaitGroup
	statuses := make([]int, n)
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			statuses[i] = c.do("POST", mgmt+"/cas/"+id+"/verify", bodies[i], "Content-Type", "text/plain").Status
		}(i)
	}
	close(start)
	wg.Wait()
	counts := map[int]int{}
	for _, st := range statuses {
		counts[st]++
	}
	if counts[200] != 1 || counts[409] != n-1 {
		t.Fatalf("statuses %v: want exactly one 200 and %d 409", counts, n-1)
	}
}

func TestCAJWT(t *testing.T) {
	s := testServer(t)
	c := newClient(t, s).admin()
	root := newExtRoot(t, "Ext Root")
	id := c.createCA(caBody("ext", root.pem(), nil))
	r := c.mustStatus(c.do("GET", mgmt+"/cas/"+id+"/jwt", nil), 200)
	if ct := r.Header.Get("Content-Type"); ct != "application/jwt" {
		t.Fatalf("content type %q", ct)
	}
	claims, err := jwtsign.Verify(string(r.Body), serverLeaf(t, s))
	if err != nil {
		t.Fatalf("CA JWT does not verify with the TLS leaf: %v", err)
	}
	if claims.Method != "ca" || claims.Issuer != s.URL()+"/" || claims.Subject != id || claims.ID != id ||
		len(claims.Audience) != 1 || claims.Audience[0] != "openziti-enroller" || claims.ExpiresAt != 0 {
		t.Fatalf("claims %+v", claims)
	}
	_, hdr, err := jwtsign.ParseUnverified(string(r.Body))
	if err != nil || hdr["kid"] != pki.FingerprintSHA1(serverLeaf(t, s)) || hdr["typ"] != "JWT" {
		t.Fatalf("header %v %v", hdr, err)
	}
	c.mustStatus(c.do("GET", mgmt+"/cas/nope/jwt", nil), 404)
}

// serverLeaf is the TLS leaf certificate the test server presents.
func serverLeaf(t testing.TB, s *Server) *x509.Certificate {
	t.Helper()
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(s.CAPEM())
	conn, err := tls.Dial("tcp", s.Addrs()[0].String(), &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	return conn.ConnectionState().PeerCertificates[0]
}

// TestOTTCAEnrollmentReferences: /enrollments accepts ottca for an
// existing CA only; deleting the CA drops its pending ottca enrollments.
func TestOTTCAEnrollmentReferences(t *testing.T) {
	s := testServer(t)
	c := newClient(t, s).admin()
	root := newExtRoot(t, "Ext Root")
	caID := c.createCA(caBody("ext", root.pem(), map[string]any{"isOttCaEnrollmentEnabled": true}))
	idn := c.createIdentity(map[string]any{"name": "dev", "type": "Device", "isAdmin": false})
	r := c.mustStatus(c.do("POST", mgmt+"/enrollments", map[string]any{"method": "ottca", "identityId": idn, "caId": "nope"}), 400)
	if r.errorCode(t) != "REFERENCED_ENTITY_NOT_FOUND" || jsonPath(r.json(t), "error", "cause", "field") != "caId" {
		t.Fatalf("unknown CA: %s", r.Body)
	}
	eid := c.mustStatus(c.do("POST", mgmt+"/enrollments", map[string]any{"method": "ottca", "identityId": idn, "caId": caID}), 201).data(t)["id"].(string)
	d := c.mustStatus(c.do("GET", mgmt+"/enrollments/"+eid, nil), 200).data(t)
	if d["caId"] != caID || d["method"] != "ottca" {
		t.Fatalf("enrollment: %s", tpJSON(d))
	}
	claims, err := jwtsign.Verify(d["jwt"].(string), serverLeaf(t, s))
	if err != nil || claims.Method != "ottca" || claims.Subject != idn || claims.ID != d["token"] {
		t.Fatalf("ottca JWT: %+v %v", claims, err)
	}
	// An unknown method names the registered ones.
	anon := newClient(t, s)
	r = anon.mustStatus(anon.do("POST", "/edge/client/v1/enroll?method=nope", "{}", "Content-Type", "application/json"), 400)
	if !strings.Contains(string(r.Body), "ca, erott, ott, ottca, updb") {
		t.Fatalf("unknown method: %s", r.Body)
	}
	c.mustStatus(c.do("DELETE", mgmt+"/cas/"+caID, nil), 200)
	c.mustStatus(c.do("GET", mgmt+"/enrollments/"+eid, nil), 404)
}

func quoteJSON(s string) string { return tpJSON(s) }

// TestCATrustsOnlyItsFirstCertificate: a CA's certPem holding two CA
// certificates is verified with the first; a client certificate issued
// by the second (never verified) neither authenticates nor is
// auto-enrolled, while one of the first is.
func TestCATrustsOnlyItsFirstCertificate(t *testing.T) {
	s := testServer(t)
	admin := newClient(t, s).admin()
	a, b := newExtRoot(t, "CA A"), newExtRoot(t, "CA B")
	id := admin.createCA(caBody("a-and-b", a.pem()+b.pem(), map[string]any{"isAutoCaEnrollmentEnabled": true}))
	admin.verifyCA(id, a)

	_, fromB := b.issue(leafOpts{CN: "from-b"})
	if _, r := certLogin(t, s, fromB); r.Status != 401 {
		t.Fatalf("a certificate of the second, unverified CA certificate: %d %s, want 401", r.Status, r.Body)
	}
	r := admin.mustStatus(admin.do("GET", mgmt+"/identities?filter="+url.QueryEscape(`name contains "from-b"`), nil), 200)
	if n := jsonPath(r.json(t), "meta", "pagination", "totalCount"); n != float64(0) {
		t.Fatalf("a certificate of the second CA certificate was auto-enrolled (%v identities with from-b in their name)", n)
	}
	_, fromA := a.issue(leafOpts{CN: "from-a"})
	if _, r := certLogin(t, s, fromA); r.Status != 200 {
		t.Fatalf("control: a certificate of the verified first CA certificate: %d %s, want 200", r.Status, r.Body)
	}
}

// TestCARefusesExpiredOrWeakCertificates: POST /cas refuses a CA
// certificate that expired or has an RSA key under 2048 bits, naming
// certPem, and creates nothing.
func TestCARefusesExpiredOrWeakCertificates(t *testing.T) {
	s := testServer(t)
	admin := newClient(t, s).admin()
	selfSigned := func(key crypto.Signer, notAfter time.Time) string {
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "bad ca"},
			NotBefore: notAfter.Add(-48 * time.Hour), NotAfter: notAfter,
			IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
		if err != nil {
			t.Fatal(err)
		}
		return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	}
	weak, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	for name, certPEM := range map[string]string{
		"expired": selfSigned(genKey(t), time.Now().Add(-time.Hour)),
		"rsa1024": selfSigned(weak, time.Now().Add(24*time.Hour)),
	} {
		r := admin.do("POST", mgmt+"/cas", caBody(name, certPEM, nil))
		admin.wantError(r, 400, "COULD_NOT_VALIDATE", "certPem")
	}
	r := admin.mustStatus(admin.do("GET", mgmt+"/cas", nil), 200)
	if n := jsonPath(r.json(t), "meta", "pagination", "totalCount"); n != float64(0) {
		t.Fatalf("a refused CA was created (%v CAs)", n)
	}
}
