package enroll

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zitiform/terraform-provider-ziti/internal/edgewire"
	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// miniController implements just the Edge API enrollment endpoints so
// the client's decisions can be tested in isolation, including answers the
// real controller never gives (clock offsets, foreign certificates). The
// end-to-end tests run against controllersrv itself.
type miniController struct {
	t       testing.TB
	pki     *testPKI
	cert    tls.Certificate
	addr    string
	clock   time.Time // zero: real time
	mu      sync.Mutex
	tokens  map[string]time.Time // jti -> expiry
	badCert bool                 // return a certificate for another key
	// Certificate extension state: authenticators by fingerprint, and the
	// extended certificate waiting for extend-verify.
	certs      map[string]bool
	pending    *x509.Certificate
	failVerify bool
	open       atomic.Int64 // open client connections
}

func newMiniController(t testing.TB) *miniController {
	p := newTestPKI(t, pki.ECP256)
	cert, _ := p.serverCert(t, pki.ECP256, []string{"localhost"}, loopback)
	m := &miniController{t: t, pki: p, cert: cert, tokens: map[string]time.Time{}, certs: map[string]bool{}}
	s := startTLSConns(t, cert, http.HandlerFunc(m.serve), func(_ net.Conn, st http.ConnState) {
		switch st {
		case http.StateNew:
			m.open.Add(1)
		case http.StateClosed, http.StateHijacked:
			m.open.Add(-1)
		}
	})
	m.addr = s.Listener.Addr().String()
	return m
}

func (m *miniController) now() time.Time {
	if m.clock.IsZero() {
		return time.Now()
	}
	return m.clock
}

func (m *miniController) token(t testing.TB, em string, exp time.Time) string {
	c := claimsFor("https://"+m.addr, em, exp)
	m.mu.Lock()
	m.tokens[c["jti"].(string)] = exp
	m.mu.Unlock()
	return signToken(t, m.cert, c)
}

func (m *miniController) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Date", m.now().UTC().Format(http.TimeFormat))
	fail := func(status int, code, msg string) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"code": code, "message": msg}, "meta": map[string]any{}})
	}
	switch r.URL.Path {
	case edgewire.CACertsPath:
		b, err := edgewire.EncodeCACerts(m.pki.bundle)
		if err != nil {
			m.t.Error(err)
		}
		w.Header().Set("Content-Type", "application/pkcs7-mime")
		_, _ = w.Write(b)
	case "/edge/client/v1/enroll":
		tok := r.URL.Query().Get("token")
		m.mu.Lock()
		exp, ok := m.tokens[tok]
		if ok && m.now().Before(exp) {
			delete(m.tokens, tok)
		}
		m.mu.Unlock()
		switch {
		case !ok:
			fail(400, "INVALID_ENROLLMENT_TOKEN", "the enrollment token is unknown or has already been used")
			return
		case !m.now().Before(exp):
			fail(410, "ENROLLMENT_EXPIRED", "expired")
			return
		}
		body, _ := io.ReadAll(r.Body)
		csr, err := pki.ParseCSRPEM(body)
		if err != nil {
			fail(400, "COULD_NOT_PROCESS_CSR", err.Error())
			return
		}
		pub := csr.PublicKey
		if m.badCert {
			pub = mustKey(m.t, pki.ECP256).Public()
		}
		is, err := pki.Issue(pki.Request{Kind: pki.KindClient, Subject: pkix.Name{CommonName: "id-123"}, Validity: time.Hour, Now: m.now()}, pub, nil, m.pki.signing)
		if err != nil {
			fail(400, "COULD_NOT_PROCESS_CSR", err.Error())
			return
		}
		m.mu.Lock()
		m.certs[pki.FingerprintSHA1(is.Cert)] = true
		m.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{"cert": string(pki.EncodeCertsPEM(is.Chain...)), "ca": ""}})
	case "/edge/client/v1/authenticate", "/edge/client/v1/current-identity/authenticators",
		"/edge/client/v1/current-identity/authenticators/au-1/extend", "/edge/client/v1/current-identity/authenticators/au-1/extend-verify":
		m.serveExtend(w, r, fail)
	default:
		fail(404, "NOT_FOUND", r.URL.Path)
	}
}

func TestEnrollOTT(t *testing.T) {
	m := newMiniController(t)
	tok, err := ParseToken(m.token(t, "ott", time.Now().Add(time.Hour)))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Enroll(context.Background(), Request{Token: tok, KeyAlgorithm: pki.ECP384})
	if err != nil {
		t.Fatal(err)
	}
	if res.Identity.ZtAPI != "https://"+m.addr || !strings.Contains(res.Identity.ID.Key, "EC PRIVATE KEY") {
		t.Fatalf("identity %+v", res.Identity.ZtAPI)
	}
	path := filepath.Join(t.TempDir(), "id.json")
	if err := WriteIdentity(path, res.Identity); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", st.Mode())
	}
	id, err := ReadIdentity(path)
	if err != nil {
		t.Fatal(err)
	}
	creds, err := id.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	if alg, _ := pki.AlgorithmOf(creds.Key.Public()); alg != pki.ECP384 || len(creds.CAs) != 3 {
		t.Fatalf("alg %s cas %d", alg, len(creds.CAs))
	}
	// The enrolled identity trusts the controller through id.ca alone.
	conn, err := tls.Dial("tcp", m.addr, &tls.Config{RootCAs: creds.Pool(), ServerName: "127.0.0.1", Certificates: []tls.Certificate{*creds.TLSCertificate()}})
	if err != nil {
		t.Fatalf("identity cannot connect with its CA bundle: %v", err)
	}
	conn.Close()

	// The token is single use.
	_, err = Enroll(context.Background(), Request{Token: tok})
	if !errors.Is(err, ErrTokenConsumed) || !strings.Contains(err.Error(), "already used") {
		t.Fatalf("second use: %v", err)
	}
}

func TestEnrollExpiryAndClock(t *testing.T) {
	m := newMiniController(t)
	ctx := context.Background()
	exp := time.Now().Add(10 * time.Minute)

	tok, _ := ParseToken(m.token(t, "ott", time.Now().Add(-time.Minute)))
	if _, err := Enroll(ctx, Request{Token: tok}); !errors.Is(err, ErrTokenExpired) || !strings.Contains(err.Error(), "expired at") {
		t.Fatalf("expired: %v", err)
	}

	// Our clock is an hour fast: by it the token expired, by the
	// controller's it has not.
	tok, _ = ParseToken(m.token(t, "ott", exp))
	_, err := Enroll(ctx, Request{Token: tok, Now: func() time.Time { return time.Now().Add(time.Hour) }})
	if !errors.Is(err, ErrClockSkew) || !strings.Contains(err.Error(), "ahead of the controller's") {
		t.Fatalf("fast clock: %v", err)
	}

	// The controller's clock is an hour ahead of ours.
	m.clock = time.Now().Add(time.Hour)
	_, err = Enroll(ctx, Request{Token: tok})
	if !errors.Is(err, ErrClockSkew) || !strings.Contains(err.Error(), "behind the controller's") {
		t.Fatalf("slow clock: %v", err)
	}
	m.clock = time.Time{}

	// Still usable after the refused attempts.
	if _, err := Enroll(ctx, Request{Token: tok}); err != nil {
		t.Fatal(err)
	}
}

func TestEnrollRejectsForeignCertificate(t *testing.T) {
	m := newMiniController(t)
	m.badCert = true
	tok, _ := ParseToken(m.token(t, "ott", time.Now().Add(time.Hour)))
	if _, err := Enroll(context.Background(), Request{Token: tok}); err == nil || !strings.Contains(err.Error(), "not for our key") {
		t.Fatalf("got %v", err)
	}
}

func TestEnrollCAMismatch(t *testing.T) {
	// The controller publishes a bundle that does not contain its own issuer.
	m := newMiniController(t)
	m.pki.bundle = []*x509.Certificate{m.pki.signing.Cert}
	tok, _ := ParseToken(m.token(t, "ott", time.Now().Add(time.Hour)))
	if _, err := Enroll(context.Background(), Request{Token: tok}); !errors.Is(err, ErrCAMismatch) {
		t.Fatalf("got %v", err)
	}
}

func TestPinnedClientRefusesOtherLeaf(t *testing.T) {
	m := newMiniController(t)
	other, _ := m.pki.serverCert(t, pki.ECP256, []string{"localhost"}, loopback)
	c := PinnedClient(other.Leaf, "127.0.0.1", nil)
	_, _, err := FetchCACerts(context.Background(), c, "https://"+m.addr)
	if err == nil || !strings.Contains(err.Error(), "different certificate") {
		t.Fatalf("got %v", err)
	}
}

func (m *miniController) serveExtend(w http.ResponseWriter, r *http.Request, fail func(int, string, string)) {
	m.mu.Lock()
	defer m.mu.Unlock()
	ok := func(data any) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"data": data, "meta": map[string]any{}})
	}
	var fp string
	if len(r.TLS.PeerCertificates) > 0 {
		fp = pki.FingerprintSHA1(r.TLS.PeerCertificates[0])
	}
	if r.URL.Path == "/edge/client/v1/authenticate" {
		if r.URL.Query().Get("method") != "cert" || !m.certs[fp] {
			fail(401, "UNAUTHORIZED", "no valid client certificate")
			return
		}
		ok(map[string]any{"token": "session-" + fp, "identityId": "id-123"})
		return
	}
	sess := strings.TrimPrefix(r.Header.Get("zt-session"), "session-")
	if !m.certs[sess] {
		fail(401, "UNAUTHORIZED", "no session")
		return
	}
	switch {
	case strings.HasSuffix(r.URL.Path, "/authenticators"):
		ok([]map[string]any{{"id": "au-1", "method": "cert", "fingerprint": sess, "isIssuedByNetwork": true}})
	case strings.HasSuffix(r.URL.Path, "/extend"):
		var in struct{ ClientCertCsr string }
		_ = json.NewDecoder(r.Body).Decode(&in)
		csr, err := pki.ParseCSRPEM([]byte(in.ClientCertCsr))
		if err != nil {
			fail(400, "COULD_NOT_PROCESS_CSR", err.Error())
			return
		}
		is, err := pki.Issue(pki.Request{Kind: pki.KindClient, Subject: pkix.Name{CommonName: "id-123"}, Validity: 48 * time.Hour}, csr.PublicKey, nil, m.pki.signing)
		if err != nil {
			fail(400, "COULD_NOT_PROCESS_CSR", err.Error())
			return
		}
		m.pending = is.Cert
		ok(map[string]any{"clientCert": string(pki.EncodeCertsPEM(is.Chain...)), "ca": string(pki.EncodeCertsPEM(m.pki.bundle...))})
	case strings.HasSuffix(r.URL.Path, "/extend-verify"):
		var in struct{ ClientCert string }
		_ = json.NewDecoder(r.Body).Decode(&in)
		c, err := pki.ParseCertPEM([]byte(in.ClientCert))
		if m.failVerify || err != nil || m.pending == nil || !c.Equal(m.pending) {
			fail(400, "INVALID_CERT", "not the pending certificate")
			return
		}
		delete(m.certs, sess)
		m.certs[pki.FingerprintSHA1(c)] = true
		m.pending = nil
		ok(map[string]any{})
	}
}

// TestEnrollClosesConnections: every enrollment used to leave its
// keep-alive connections open, which exhausted a proxy's connection limit
// after a few dozen enrollments.
func TestEnrollClosesConnections(t *testing.T) {
	m := newMiniController(t)
	for i := 0; i < 3; i++ {
		tok, _ := ParseToken(m.token(t, "ott", time.Now().Add(time.Hour)))
		if _, err := Enroll(context.Background(), Request{Token: tok}); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for m.open.Load() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d connections still open after the enrollments returned", m.open.Load())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
