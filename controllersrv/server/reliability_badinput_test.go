package server

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/jwtsign"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
	"github.com/zitiform/terraform-provider-ziti/internal/enroll"
	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// corpusCase is one HTTP case of testdata/reliability/badinput.json.
type corpusCase struct {
	Name        string          `json:"name"`
	As          string          `json:"as"`
	Method      string          `json:"method"`
	Path        string          `json:"path"`
	Body        json.RawMessage `json:"body"`
	Raw         *string         `json:"raw"`
	Gen         string          `json:"gen"`
	ContentType string          `json:"contentType"`
	Status      int             `json:"status"`
	Code        string          `json:"code"`
}

// clientCase is one enrollment-client case of the corpus.
type clientCase struct {
	Name  string `json:"name"`
	JWT   string `json:"jwt"`
	Error string `json:"error"`
}

// fullSnapshot is every bucket of the store, indexes included, so that a
// refused request provably changed nothing at all.
func fullSnapshot(t *testing.T, s *Server) string {
	t.Helper()
	var b strings.Builder
	buckets := []string{store.BucketIdentities, store.BucketEnrollments, store.BucketAuthenticators, store.BucketMeta,
		store.BucketCAs, store.BucketEdgeRouters, store.BucketCertExtensions,
		store.BucketServices, store.BucketConfigTypes, store.BucketConfigs,
		store.BucketServicePolicies, store.BucketEdgeRouterPolicies, store.BucketServiceEdgeRouterPolicies,
		"idx.identities.name", "idx.identities.externalId", "idx.enrollments.token", "idx.authenticators.fingerprint",
		"idx.authenticators.username", "idx.authenticators.identity", "idx.enrollments.identity"}
	err := s.db.View(func(tx *store.Tx) error {
		for _, bucket := range buckets {
			_ = tx.Each(bucket, func(id string, data []byte) error { // a bucket that does not exist is empty
				b.WriteString(bucket + "/" + id + "=" + string(data) + "\n")
				return nil
			})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// signJWT signs claims with key under alg, with kid in the header.
func signJWT(t *testing.T, m jwt.SigningMethod, key crypto.PrivateKey, kid string, claims jwt.MapClaims) string {
	t.Helper()
	tok := jwt.NewWithClaims(m, claims)
	tok.Header["kid"] = kid
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestBadInputCorpus runs the table-data corpus: every HTTP case answers
// its 4xx status and code, no 5xx, and leaves the store unchanged; every
// forged enrollment JWT is refused by the enrollment client before the
// real token it names is used.
func TestBadInputCorpus(t *testing.T) {
	raw, err := os.ReadFile("testdata/reliability/badinput.json")
	if err != nil {
		t.Fatal(err)
	}
	var corpus struct {
		HTTP    []corpusCase `json:"http"`
		Filters []struct {
			Name, Path, Filter string
		} `json:"filters"`
		Client []clientCase `json:"client"`
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(raw, &top); err != nil {
		t.Fatalf("corpus: %v", err)
	}
	if err := json.Unmarshal(top["http"], &corpus.HTTP); err != nil {
		t.Fatalf("corpus http: %v", err)
	}
	if err := json.Unmarshal(top["filters"], &corpus.Filters); err != nil {
		t.Fatalf("corpus filters: %v", err)
	}
	if err := json.Unmarshal(top["client"], &corpus.Client); err != nil {
		t.Fatalf("corpus client: %v", err)
	}
	if n := len(corpus.HTTP) + len(corpus.Filters) + len(corpus.Client); n < 40 {
		t.Fatalf("the corpus has %d cases, want at least 40", n)
	}

	s := testServer(t)
	admin := newClient(t, s).admin()
	admin.check = false // the corpus is about refusals; spec validation is TestWireContract's job
	fx := map[string]string{}

	// Fixtures: a device with a pending ott token, a non-admin user, an
	// expired token, a router with an erott token, an unverified CA (with an
	// ottca token) and a verified CA that authenticates.
	fx["dev"] = admin.createIdentity(map[string]any{"name": "dev", "type": "Device", "isAdmin": false, "enrollment": map[string]any{"ott": true}})
	fx["ott"] = jsonPath(admin.mustStatus(admin.do("GET", mgmt+"/identities/"+fx["dev"], nil), 200).data(t), "enrollment", "ott", "token").(string)
	userID := admin.createIdentity(map[string]any{"name": "user", "type": "User", "isAdmin": false, "enrollment": map[string]any{"updb": "user1"}})
	updbTok := jsonPath(admin.mustStatus(admin.do("GET", mgmt+"/identities/"+userID, nil), 200).data(t), "enrollment", "updb", "token").(string)
	anon := newClient(t, s)
	anon.check = false
	anon.mustStatus(anon.do("POST", "/edge/client/v1/enroll?method=updb&token="+updbTok, map[string]string{"username": "user1", "password": "user-pw-1"}), 200)
	user := newClient(t, s)
	user.check = false
	user.login(mgmt, "user1", "user-pw-1")
	expID := admin.createIdentity(map[string]any{"name": "late", "type": "Device", "isAdmin": false})
	past := time.Now().Add(-time.Hour).UTC()
	fx["expiredTok"] = "11111111-2222-4333-8444-555555555555"
	if err := s.db.Update(func(tx *store.Tx) error {
		return tx.PutEnrollment(&store.Enrollment{ID: "expiredEnr", Method: "ott", IdentityID: expID, Token: fx["expiredTok"], JWT: "x", ExpiresAt: past, CreatedAt: past, UpdatedAt: past})
	}); err != nil {
		t.Fatal(err)
	}
	router := admin.mustStatus(admin.do("POST", mgmt+"/edge-routers", map[string]any{"name": "r1", "isTunnelerEnabled": false, "roleAttributes": []string{}}), 201).data(t)["id"].(string)
	fx["erott"], _ = admin.mustStatus(admin.do("GET", mgmt+"/edge-routers/"+router, nil), 200).data(t)["enrollmentToken"].(string)
	extRoot := newExtRoot(t, "Ext Root")
	fx["ca"] = admin.createCA(caBody("unverified", extRoot.pem(), map[string]any{"isOttCaEnrollmentEnabled": true}))
	caTok := admin.mustStatus(admin.do("GET", mgmt+"/cas/"+fx["ca"], nil), 200).data(t)["verificationToken"].(string)
	ottcaID := admin.createIdentity(map[string]any{"name": "ottca-dev", "type": "Device", "isAdmin": false, "enrollment": map[string]any{"ottca": fx["ca"]}})
	fx["ottcaTok"] = jsonPath(admin.mustStatus(admin.do("GET", mgmt+"/identities/"+ottcaID, nil), 200).data(t), "enrollment", "ottca", "token").(string)
	vRoot := newExtRoot(t, "Verified Root")
	fx["vca"] = admin.createCA(caBody("verified", vRoot.pem(), map[string]any{"isAutoCaEnrollmentEnabled": true}))
	admin.verifyCA(fx["vca"], vRoot)

	// Expired admin session: made with the session clock an idle period in
	// the past, then the clock is real again.
	expired := newClient(t, s)
	expired.check = false
	s.sessions.SetClock(func() time.Time { return time.Now().Add(-s.sessions.Idle - time.Minute) })
	expired.admin()
	s.sessions.SetClock(time.Now)

	// Bodies.
	_, goodCSR := newCSR(t)
	blk, _ := pem.Decode(goodCSR)
	blk.Bytes[len(blk.Bytes)-5] ^= 0xff
	tamperedCSR := string(pem.EncodeToMemory(blk))
	rsa1024, _ := rsa.GenerateKey(rand.Reader, 1024)
	p224, _ := ecdsa.GenerateKey(elliptic.P224(), rand.Reader)
	der, _ := x509.MarshalPKCS8PrivateKey(p224)
	keyPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	leaf, _ := extRoot.issue(leafOpts{CN: "leaf"})
	fx["keyPEM"], fx["tamperedCSR"], fx["rsa1024CSR"], fx["leafPEM"] = keyPEM, tamperedCSR, csrPEMFor(t, rsa1024), string(pki.EncodeCertsPEM(leaf))
	certPEM := func(c *x509.Certificate) string { return string(pki.EncodeCertsPEM(c)) }
	wrongCN, _ := extRoot.issue(leafOpts{CN: "not-the-token"})
	otherSigner, _ := newExtRoot(t, "Ext Root").issue(leafOpts{CN: caTok})
	expiredV, _ := extRoot.issue(leafOpts{CN: caTok, Now: time.Now().Add(-3 * time.Hour), Valid: time.Hour})
	notYetV, _ := extRoot.issue(leafOpts{CN: caTok, Now: time.Now().Add(3 * time.Hour), Valid: time.Hour})
	bigPEM := "-----BEGIN CERTIFICATE REQUEST-----\n" + strings.Repeat(strings.Repeat("A", 64)+"\n", (1<<20)/65+10) + "-----END CERTIFICATE REQUEST-----\n"
	gens := map[string]string{
		"body.badutf8":       "{\"name\":\"x\",\xff\xfe:1}",
		"body.badutf8name":   "{\"name\":\"bad-\xff-name\",\"type\":\"Device\"}",
		"body.badutf8tag":    "{\"tags\":{\"owner\":\"\xc3\x28\"}}",
		"body.deep":          strings.Repeat("[", 100000) + strings.Repeat("]", 100000),
		"big.json":           `{"name":"` + strings.Repeat("a", 1<<20+10) + `"}`,
		"big.pem":            bigPEM,
		"big.tags":           `{"tags":{"` + strings.Repeat("k", 2<<20) + `":"v"}}`,
		"csr.noend":          strings.SplitAfter(string(goodCSR), "\n")[0] + strings.SplitAfter(string(goodCSR), "\n")[1],
		"pem.key":            keyPEM,
		"csr.tampered":       tamperedCSR,
		"csr.rsa1024":        csrPEMFor(t, rsa1024),
		"csr.p224":           csrPEMFor(t, p224),
		"csr.good":           string(goodCSR),
		"verify.wrongCN":     certPEM(wrongCN),
		"verify.wrongSigner": certPEM(otherSigner),
		"verify.caItself":    extRoot.pem(),
		"verify.expired":     certPEM(expiredV),
		"verify.notYet":      certPEM(notYetV),
	}

	// Forged JWTs that name the real pending ott token. The controller's
	// JWT signing key is the key of its web identity.
	web, err := loadWebIdentity("web[0].identity", s.cfg.Web[0].Identity)
	if err != nil {
		t.Fatal(err)
	}
	kid := pki.FingerprintSHA1(web.leaf)
	method, err := jwtsign.MethodFor(web.leaf.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	claims := func(extra map[string]any) jwt.MapClaims {
		c := jwt.MapClaims{"iss": s.URL(), "sub": fx["dev"], "jti": fx["ott"], "em": "ott", "aud": []string{"openziti-enroller"}, "exp": time.Now().Add(time.Hour).Unix()}
		for k, v := range extra {
			c[k] = v
		}
		return c
	}
	b64 := func(v any) string { j, _ := json.Marshal(v); return base64.RawURLEncoding.EncodeToString(j) }
	none := b64(map[string]string{"alg": "none", "typ": "JWT"}) + "." + b64(claims(nil)) + "."
	pubDER, _ := x509.MarshalPKIXPublicKey(web.leaf.PublicKey)
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})
	hsInput := b64(map[string]string{"alg": "HS256", "typ": "JWT", "kid": kid}) + "." + b64(claims(nil))
	mac := hmac.New(sha256.New, pubPEM)
	mac.Write([]byte(hsInput))
	hs256pub := hsInput + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
	otherKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	other := httptest.NewTLSServer(http.NotFoundHandler())
	defer other.Close()
	jwts := map[string]string{
		"jwt.none":     none,
		"jwt.hs256pub": hs256pub,
		"jwt.wrongkid": signJWT(t, jwt.SigningMethodES256, otherKey, strings.Repeat("00", 20), claims(nil)),
		"jwt.wrongiss": signJWT(t, method, web.key, kid, claims(map[string]any{"iss": other.URL})),
		"jwt.expired":  signJWT(t, method, web.key, kid, claims(map[string]any{"exp": time.Now().Add(-time.Hour).Unix()})),
		"jwt.notyet":   signJWT(t, method, web.key, kid, claims(map[string]any{"nbf": time.Now().Add(time.Hour).Unix()})),
	}
	for k, v := range jwts {
		fx[k] = v
	}
	for k, v := range map[string]string{
		"f.sql":   `name="x"; DROP TABLE identities; --`,
		"f.paren": `((name="x")`, "f.deep": strings.Repeat("(", 5000) + `name="x"` + strings.Repeat(")", 5000),
		"f.func": `lower(name)="x"`, "f.secret": `authenticators.updb.password="x"`, "f.sort": `name="x" sort by name; limit 1`,
	} {
		fx[k] = url.QueryEscape(v)
	}

	// Callers.
	certOf := func(tc tls.Certificate) *client { c := newClient(t, s, tc); c.check = false; return c }
	_, expiredTC := vRoot.issue(leafOpts{CN: "old", Now: time.Now().Add(-3 * time.Hour), Valid: time.Hour})
	_, notYetTC := vRoot.issue(leafOpts{CN: "future", Now: time.Now().Add(3 * time.Hour)})
	_, serverTC := vRoot.issue(leafOpts{CN: "server", Kind: pki.KindServer})
	_, unknownTC := newExtRoot(t, "Unknown").issue(leafOpts{CN: "unknown"})
	_, unverifiedTC := extRoot.issue(leafOpts{CN: "unverified"})
	who := map[string]*client{"admin": admin, "anon": anon, "user": user, "expired": expired,
		"cert.expired": certOf(expiredTC), "cert.notyet": certOf(notYetTC), "cert.servereku": certOf(serverTC),
		"cert.unknown": certOf(unknownTC), "cert.unverified": certOf(unverifiedTC)}
	for k, v := range jwts {
		c := newClient(t, s)
		c.check = false
		c.session = v
		who[k] = c
	}

	subst := func(s string, jsonEscape bool) string {
		keys := make([]string, 0, len(fx))
		for k := range fx {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool { return len(keys[i]) > len(keys[j]) })
		for _, k := range keys {
			v := fx[k]
			if jsonEscape {
				j, _ := json.Marshal(v)
				v = string(j[1 : len(j)-1])
			}
			s = strings.ReplaceAll(s, "${"+k+"}", v)
		}
		if i := strings.Index(s, "${"); i >= 0 {
			t.Fatalf("unknown fixture in %q", s[i:])
		}
		return s
	}

	for _, c := range corpus.HTTP {
		t.Run(c.Name, func(t *testing.T) {
			caller, ok := who[c.As]
			if !ok {
				t.Fatalf("unknown caller %q", c.As)
			}
			if c.Status < 400 || c.Status > 499 {
				t.Fatalf("the corpus expects %d: every case must be a 4xx", c.Status)
			}
			var body any
			ct := c.ContentType
			switch {
			case c.Gen != "":
				g, ok := gens[c.Gen]
				if !ok {
					t.Fatalf("unknown generator %q", c.Gen)
				}
				body = g
			case c.Raw != nil:
				body = subst(*c.Raw, false)
			case len(c.Body) > 0:
				body = []byte(subst(string(c.Body), true))
				if ct == "" {
					ct = "application/json"
				}
			}
			before := fullSnapshot(t, s)
			var r *response
			if ct != "" {
				r = caller.do(c.Method, subst(c.Path, false), body, "Content-Type", ct)
			} else {
				r = caller.do(c.Method, subst(c.Path, false), body)
			}
			if r.Status >= 500 {
				t.Fatalf("server error %d: %s", r.Status, r.Body)
			}
			if r.Status != c.Status || r.errorCode(t) != c.Code {
				t.Fatalf("got %d %s, want %d %s: %.300s", r.Status, r.errorCode(t), c.Status, c.Code, r.Body)
			}
			if after := fullSnapshot(t, s); after != before {
				t.Fatalf("a refused request changed the stored state")
			}
		})
	}

	for _, f := range corpus.Filters {
		t.Run("filter: "+f.Name, func(t *testing.T) {
			before := fullSnapshot(t, s)
			r := admin.do("GET", f.Path+"?filter="+url.QueryEscape(f.Filter), nil)
			if r.Status >= 500 {
				t.Fatalf("server error %d: %s", r.Status, r.Body)
			}
			if r.Status == 200 {
				if n := jsonPath(r.json(t), "meta", "pagination", "totalCount"); n != float64(0) {
					t.Fatalf("the literal broke out of its quotes: %v matches for %q", n, f.Filter)
				}
			} else if r.Status != 400 || r.errorCode(t) != "INVALID_FILTER" {
				t.Fatalf("got %d: %s", r.Status, r.Body)
			}
			if after := fullSnapshot(t, s); after != before {
				t.Fatalf("a filter changed the stored state")
			}
		})
	}

	// Control: a valid certificate of the verified CA does authenticate
	// (auto CA enrollment), so the cert.* refusals above are about the
	// certificate, not about the CA.
	_, goodTC := vRoot.issue(leafOpts{CN: "good-device"})
	if _, r := certLogin(t, s, goodTC); r.Status != 200 {
		t.Fatalf("control: a valid certificate of the verified CA was refused: %d %s", r.Status, r.Body)
	}

	for _, c := range corpus.Client {
		t.Run(c.Name, func(t *testing.T) {
			raw, ok := jwts[c.JWT]
			if !ok {
				t.Fatalf("unknown JWT %q", c.JWT)
			}
			before := fullSnapshot(t, s)
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			tok, err := enroll.ParseToken(raw)
			if err == nil {
				_, err = enroll.Enroll(ctx, enroll.Request{Token: tok})
			}
			if err == nil || !strings.Contains(err.Error(), c.Error) {
				t.Fatalf("the enrollment client answered %v, want an error containing %q", err, c.Error)
			}
			if after := fullSnapshot(t, s); after != before {
				t.Fatalf("a refused enrollment changed the stored state")
			}
		})
	}
	// The real token is still usable: the forged ones used nothing.
	anon.mustStatus(anon.do("POST", "/edge/client/v1/enroll?method=ott&token="+fx["ott"], goodCSR, "Content-Type", "application/x-pem-file"), 200)
}
