package server

import (
	"bytes"
	"context"
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zitiform/terraform-provider-ziti/internal/enroll"
	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// lockedBuffer is a log sink safe for concurrent handlers.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testServerWithLog is testServer with the controller log captured.
func testServerWithLog(t testing.TB) (*Server, *lockedBuffer) {
	t.Helper()
	logs := &lockedBuffer{}
	s, err := Start(context.Background(), Options{Home: t.TempDir(), Bind: "127.0.0.1:0", AdminPassword: "admin-pw-123",
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, logs
}

func identityOf(t testing.TB, s *Server, tc tls.Certificate) string {
	t.Helper()
	cc, r := certLogin(t, s, tc)
	if r.Status != 200 {
		t.Fatalf("cert login: %d %s", r.Status, r.Body)
	}
	return cc.mustStatus(cc.do("GET", "/edge/client/v1/current-identity", nil), 200).data(t)["id"].(string)
}

// TestThirdPartyCertAuthPartialChain: root -> ica1 -> ica2 -> leaf; only
// ica1 is registered, the client sends leaf + ica2. Validation stops at
// ica1 as the trust anchor; the root is never seen.
func TestThirdPartyCertAuthPartialChain(t *testing.T) {
	s, logs := testServerWithLog(t)
	c := newClient(t, s).admin()
	root := newExtRoot(t, "Ext Root")
	ica1 := root.intermediate("Ext ICA 1")
	ica2 := ica1.intermediate("Ext ICA 2")
	caID := c.createCA(caBody("ica1", ica1.pem(), map[string]any{"isOttCaEnrollmentEnabled": true}))
	idn := c.createIdentity(map[string]any{"name": "alice", "type": "User", "isAdmin": false, "enrollment": map[string]any{"ottca": caID}})
	d := c.mustStatus(c.do("GET", mgmt+"/identities/"+idn, nil), 200).data(t)
	tok, _ := jsonPath(d, "enrollment", "ottca", "token").(string)
	if tok == "" || jsonPath(d, "enrollment", "ottca", "caId") != caID || jsonPath(d, "enrollment", "ottca", "ca", "name") != "ica1" {
		t.Fatalf("ottca enrollment: %s", tpJSON(d["enrollment"]))
	}
	leaf, tc := ica2.issue(leafOpts{CN: "alice-laptop"})
	tc.Certificate = tc.Certificate[:2] // leaf + ica2: ica1 is known, the root never is
	if len(tc.Certificate) != 2 {
		t.Fatalf("client chain has %d certificates, want leaf + ica2", len(tc.Certificate))
	}
	ottca := func(tc tls.Certificate, token string) *response {
		cc := newClient(t, s, tc)
		return cc.do("POST", "/edge/client/v1/enroll?method=ottca&token="+token, "{}", "Content-Type", "application/json")
	}
	// An unverified CA: as OpenZiti v1.7.2 does, the ottca enrollment
	// succeeds (the device holds a certificate), but that certificate logs
	// in only once the CA is verified.
	early := c.createIdentity(map[string]any{"name": "early", "type": "Device", "isAdmin": false, "enrollment": map[string]any{"ottca": caID}})
	earlyTok, _ := jsonPath(c.mustStatus(c.do("GET", mgmt+"/identities/"+early, nil), 200).data(t), "enrollment", "ottca", "token").(string)
	_, earlyTC := ica2.issue(leafOpts{CN: "early-laptop"})
	earlyTC.Certificate = earlyTC.Certificate[:2]
	if r := ottca(earlyTC, earlyTok); r.Status != 200 {
		t.Fatalf("ottca with an unverified CA: %d %s", r.Status, r.Body)
	}
	if _, r := certLogin(t, s, earlyTC); r.Status != 401 {
		t.Fatalf("login with a certificate of an unverified CA: %d %s", r.Status, r.Body)
	}
	c.verifyCA(caID, ica1)
	if got := identityOf(t, s, earlyTC); got != early {
		t.Fatalf("after the CA's verification, cert auth resolved %s, want %s", got, early)
	}

	// A certificate of another PKI cannot use the token.
	_, stranger := newExtRoot(t, "Stranger").issue(leafOpts{CN: "mallory"})
	r := ottca(stranger, tok)
	if r.Status != 400 || r.errorCode(t) != "CERT_FAILED_VALIDATION" {
		t.Fatalf("ottca with a foreign cert: %d %s", r.Status, r.Body)
	}
	// The /enroll/ottca form, token in a JSON body.
	newClient(t, s).mustStatus(newClient(t, s, tc).do("POST", "/edge/client/v1/enroll/ottca", map[string]any{"token": tok}), 200)
	if r = ottca(tc, tok); r.Status != 400 || r.errorCode(t) != "INVALID_ENROLLMENT_TOKEN" {
		t.Fatalf("ottca token reuse: %d %s", r.Status, r.Body)
	}
	d = c.mustStatus(c.do("GET", mgmt+"/identities/"+idn, nil), 200).data(t)
	if jsonPath(d, "authenticators", "cert", "fingerprint") != pki.FingerprintSHA1(leaf) {
		t.Fatalf("authenticator after ottca: %s", tpJSON(d["authenticators"]))
	}
	if got := identityOf(t, s, tc); got != idn {
		t.Fatalf("cert auth resolved %s, want %s", got, idn)
	}
	// Without ica2 the chain does not reach the anchor.
	short := tls.Certificate{Certificate: tc.Certificate[:1], PrivateKey: tc.PrivateKey}
	if _, r := certLogin(t, s, short); r.Status != 401 {
		t.Fatalf("leaf without its intermediate: %d %s", r.Status, r.Body)
	}

	// Refusals: 401 with the reason in the log only.
	_, expiredTC := ica2.issue(leafOpts{CN: "old", Now: time.Now().Add(-3 * time.Hour), Valid: time.Hour})
	_, futureTC := ica2.issue(leafOpts{CN: "future", Now: time.Now().Add(3 * time.Hour)})
	_, serverTC := ica2.issue(leafOpts{CN: "server", Kind: pki.KindServer})
	_, unknownTC := newExtRoot(t, "Unknown").issue(leafOpts{CN: "unknown"})
	for name, tc := range map[string]struct {
		cert tls.Certificate
		log  string
	}{
		"expired":        {expiredTC, "expired"},
		"not yet valid":  {futureTC, "not yet valid"},
		"wrong EKU":      {serverTC, "key usage"},
		"unknown issuer": {unknownTC, "unknown authority"},
	} {
		_, r := certLogin(t, s, tc.cert)
		if r.Status != 401 || r.errorCode(t) != "INVALID_AUTH" {
			t.Fatalf("%s: %d %s", name, r.Status, r.Body)
		}
		if strings.Contains(string(r.Body), tc.log) {
			t.Fatalf("%s: the response reveals the reason: %s", name, r.Body)
		}
		rid, _ := jsonPath(r.json(t), "error", "requestId").(string)
		var line string
		for _, l := range strings.Split(logs.String(), "\n") {
			if strings.Contains(l, "requestId="+rid) {
				line = l
			}
		}
		if !strings.Contains(line, tc.log) {
			t.Fatalf("%s: the log line of request %s does not say %q: %q", name, rid, tc.log, line)
		}
	}
	// isAuthEnabled false: the CA no longer authenticates.
	c.mustStatus(c.do("PATCH", mgmt+"/cas/"+caID, map[string]any{"isAuthEnabled": false}), 200)
	if _, r := certLogin(t, s, tc); r.Status != 401 {
		t.Fatalf("auth through a CA with isAuthEnabled=false: %d %s", r.Status, r.Body)
	}
}

// TestThirdPartyExternalID maps certificates to identities by externalId.
func TestThirdPartyExternalID(t *testing.T) {
	s := testServer(t)
	c := newClient(t, s).admin()
	mkCA := func(name string, claim map[string]any) *extCA {
		ca := newExtRoot(t, name)
		id := c.createCA(caBody(name, ca.pem(), map[string]any{"externalIdClaim": claim}))
		c.verifyCA(id, ca)
		return ca
	}
	spiffe := mkCA("spiffe", map[string]any{"location": "SAN_URI", "matcher": "SCHEME", "matcherCriteria": "spiffe", "parser": "NONE", "parserCriteria": "", "index": 0})
	prefix := mkCA("prefix", map[string]any{"location": "COMMON_NAME", "matcher": "PREFIX", "matcherCriteria": "user-", "parser": "NONE", "parserCriteria": "", "index": 0})
	split := mkCA("split", map[string]any{"location": "COMMON_NAME", "matcher": "ALL", "matcherCriteria": "", "parser": "SPLIT", "parserCriteria": ".", "index": 1})
	far := mkCA("far", map[string]any{"location": "SAN_EMAIL", "matcher": "ALL", "matcherCriteria": "", "parser": "NONE", "parserCriteria": "", "index": 3})

	web := c.createIdentity(map[string]any{"name": "web", "type": "Service", "isAdmin": false, "externalId": "spiffe://corp.example/ns/prod/sa/web"})
	bob := c.createIdentity(map[string]any{"name": "bob", "type": "User", "isAdmin": false, "externalId": "user-bob"})
	carol := c.createIdentity(map[string]any{"name": "carol", "type": "User", "isAdmin": false, "externalId": "carol"})

	_, webTC := spiffe.issue(leafOpts{CN: "web", URIs: []string{"https://corp.example/web", "spiffe://corp.example/ns/prod/sa/web"}})
	if got := identityOf(t, s, webTC); got != web {
		t.Fatalf("SAN_URI SCHEME spiffe resolved %s, want %s", got, web)
	}
	_, bobTC := prefix.issue(leafOpts{CN: "user-bob"})
	if got := identityOf(t, s, bobTC); got != bob {
		t.Fatalf("COMMON_NAME PREFIX resolved %s, want %s", got, bob)
	}
	_, carolTC := split.issue(leafOpts{CN: "team.carol"})
	if got := identityOf(t, s, carolTC); got != carol {
		t.Fatalf("COMMON_NAME SPLIT resolved %s, want %s", got, carol)
	}
	for name, tc := range map[string]tls.Certificate{
		"no spiffe URI":        second(spiffe.issue(leafOpts{CN: "web", URIs: []string{"https://corp.example/web"}})),
		"unknown spiffe id":    second(spiffe.issue(leafOpts{CN: "web", URIs: []string{"spiffe://corp.example/ns/prod/sa/db"}})),
		"prefix mismatch":      second(prefix.issue(leafOpts{CN: "admin-bob"})),
		"split out of range":   second(split.issue(leafOpts{CN: "carol"})),
		"index out of range":   second(far.issue(leafOpts{CN: "x", Emails: []string{"a@b.example"}})),
		"bob's CN, wrong CA":   second(split.issue(leafOpts{CN: "user-bob"})),
		"spiffe id, wrong CA":  second(prefix.issue(leafOpts{CN: "x", URIs: []string{"spiffe://corp.example/ns/prod/sa/web"}})),
		"carol's CN, other CA": second(spiffe.issue(leafOpts{CN: "team.carol"})),
	} {
		if _, r := certLogin(t, s, tc); r.Status != 401 {
			t.Fatalf("%s: %d %s", name, r.Status, r.Body)
		}
	}
}

func second[A, B any](_ A, b B) B { return b }

// TestAutoCAEnrollment: method=ca and first authentication create
// identities named by identityNameFormat, collisions get a suffix.
func TestAutoCAEnrollment(t *testing.T) {
	s := testServer(t)
	c := newClient(t, s).admin()
	ext := newExtRoot(t, "Ext Root")
	caID := c.createCA(caBody("auto", ext.pem(), map[string]any{"isAutoCaEnrollmentEnabled": true, "identityRoles": []string{"auto", "fleet"}}))
	_, dev1 := ext.issue(leafOpts{CN: "dev1"})
	enrollCA := func(tc tls.Certificate, body any) *response {
		return newClient(t, s, tc).do("POST", "/edge/client/v1/enroll?method=ca", body)
	}
	// Unverified: refused, by method=ca and by a first authentication.
	if r := enrollCA(dev1, map[string]any{}); r.Status != 400 {
		t.Fatalf("auto enrollment with an unverified CA: %d %s", r.Status, r.Body)
	}
	if _, r := certLogin(t, s, dev1); r.Status != 401 {
		t.Fatalf("first authentication with an unverified CA: %d %s", r.Status, r.Body)
	}
	r := c.mustStatus(c.do("GET", mgmt+"/identities", nil), 200)
	if n := jsonPath(r.json(t), "meta", "pagination", "totalCount"); n != float64(1) {
		t.Fatalf("an unverified CA created identities: %v", n)
	}
	c.verifyCA(caID, ext)
	// Take the name the first enrollment would get.
	c.createIdentity(map[string]any{"name": "auto-dev1", "type": "User", "isAdmin": false})
	newClient(t, s).mustStatus(enrollCA(dev1, map[string]any{}), 200)
	r = enrollCA(dev1, map[string]any{})
	if r.Status != 409 || r.errorCode(t) != "CERT_IN_USE" {
		t.Fatalf("second auto enrollment of one cert: %d %s", r.Status, r.Body)
	}
	_, dev1b := ext.issue(leafOpts{CN: "dev1"}) // same CN, new key
	// The /enroll/ca form of the same.
	newClient(t, s).mustStatus(newClient(t, s, dev1b).do("POST", "/edge/client/v1/enroll/ca", nil), 200)
	named := func(name string) map[string]any {
		t.Helper()
		r := c.mustStatus(c.do("GET", mgmt+`/identities?filter=name="`+name+`"`, nil), 200)
		list, _ := r.json(t)["data"].([]any)
		if len(list) != 1 {
			t.Fatalf("identities named %q: %s", name, r.Body)
		}
		return list[0].(map[string]any)
	}
	first := named("auto-dev1000001")
	named("auto-dev1000002")
	if tpJSON(first["roleAttributes"]) != `["auto","fleet"]` {
		t.Fatalf("roles %v", first["roleAttributes"])
	}
	if got := identityOf(t, s, dev1); got != first["id"] {
		t.Fatalf("auth after auto enrollment: %s, want %s", got, first["id"])
	}
	// First authentication of an unknown certificate enrolls it too.
	_, dev2 := ext.issue(leafOpts{CN: "dev2"})
	if got := identityOf(t, s, dev2); got != named("auto-dev2")["id"] {
		t.Fatal("first authentication did not create auto-dev2")
	}
	// Placeholders.
	for format, want := range map[string]func(id string) string{
		"[requestedName]@[caId]": func(string) string { return "laptop@" + caID },
		"[caName]/[identityId]":  func(id string) string { return "auto/" + id },
	} {
		c.mustStatus(c.do("PATCH", mgmt+"/cas/"+caID, map[string]any{"identityNameFormat": format}), 200)
		_, tc := ext.issue(leafOpts{CN: "dev3"})
		newClient(t, s).mustStatus(enrollCA(tc, map[string]any{"name": "laptop"}), 200)
		id := identityOf(t, s, tc)
		d := c.mustStatus(c.do("GET", mgmt+"/identities/"+id, nil), 200).data(t)
		if d["name"] != want(id) {
			t.Fatalf("format %s: name %v, want %s", format, d["name"], want(id))
		}
	}
	// 20 concurrent first authentications of one certificate: one identity.
	c.mustStatus(c.do("PATCH", mgmt+"/cas/"+caID, map[string]any{"identityNameFormat": "race-[commonName]"}), 200)
	_, race := ext.issue(leafOpts{CN: "r"})
	var wg sync.WaitGroup
	ids := make([]string, 20)
	for i := range ids {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			cc := newClient(t, s, race)
			cc.check = false
			r := cc.do("POST", "/edge/client/v1/authenticate?method=cert", map[string]any{})
			if r.Status == 200 {
				ids[i] = jsonPath(r.json(t), "data", "identityId").(string)
			}
		}(i)
	}
	wg.Wait()
	for _, id := range ids {
		if id == "" || id != ids[0] {
			t.Fatalf("concurrent first authentications: %v", ids)
		}
	}
	r = c.mustStatus(c.do("GET", mgmt+`/identities?filter=name%20contains%20"race-"`, nil), 200)
	if n := jsonPath(r.json(t), "meta", "pagination", "totalCount"); n != float64(1) {
		t.Fatalf("%v identities after concurrent first use", n)
	}
	// A CA without auto enrollment refuses method=ca.
	other := newExtRoot(t, "Other")
	oid := c.createCA(caBody("noauto", other.pem(), nil))
	c.verifyCA(oid, other)
	_, o1 := other.issue(leafOpts{CN: "o1"})
	if r := enrollCA(o1, nil); r.Status != 400 || r.errorCode(t) != "CERT_FAILED_VALIDATION" {
		t.Fatalf("method=ca with a CA without auto enrollment: %d %s", r.Status, r.Body)
	}
	if _, r := certLogin(t, s, o1); r.Status != 401 {
		t.Fatalf("unknown cert of a CA without auto enrollment: %d %s", r.Status, r.Body)
	}
}

// TestOTTCAWithEnrollClient runs an ottca enrollment with the project's
// enrollment client: the third-party certificate and key on the TLS
// connection, the token verified against the controller's TLS leaf.
func TestOTTCAWithEnrollClient(t *testing.T) {
	s := testServer(t)
	c := newClient(t, s).admin()
	ext := newExtRoot(t, "Ext Root")
	ica := ext.intermediate("Ext ICA")
	caID := c.createCA(caBody("ext", ica.pem(), map[string]any{"isOttCaEnrollmentEnabled": true}))
	c.verifyCA(caID, ica)
	idn := c.createIdentity(map[string]any{"name": "dev", "type": "Device", "isAdmin": false, "enrollment": map[string]any{"ottca": caID}})
	jwt := jsonPath(c.mustStatus(c.do("GET", mgmt+"/identities/"+idn, nil), 200).data(t), "enrollment", "ottca", "jwt").(string)
	tok, err := enroll.ParseToken(jwt)
	if err != nil {
		t.Fatal(err)
	}
	leaf, tc := ica.issue(leafOpts{CN: "dev"})
	chain := []*x509.Certificate{leaf, ica.cert()}
	res, err := enroll.Enroll(context.Background(), enroll.Request{Token: tok, ThirdParty: &enroll.Key{Signer: tc.PrivateKey.(crypto.Signer)}, ThirdPartyChain: chain})
	if err != nil {
		t.Fatalf("enroll client (ottca): %v", err)
	}
	if res.Identity == nil || identityOf(t, s, tc) != idn {
		t.Fatal("the ottca identity does not authenticate")
	}
}
