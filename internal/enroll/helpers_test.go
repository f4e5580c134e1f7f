package enroll

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// testPKI is the seed's shape in small: root -> edge ICA (web identity) and
// signing ICA (enrolled certs).
type testPKI struct {
	root, edge, signing *pki.Issuer
	bundle              []*x509.Certificate // edge, signing, root
}

func newTestPKI(t testing.TB, alg pki.KeyAlgorithm) *testPKI {
	t.Helper()
	rootKey := mustKey(t, alg)
	root, err := pki.Issue(pki.Request{Kind: pki.KindRootCA, Subject: pkix.Name{CommonName: "test-root"}, Validity: 24 * time.Hour, MaxPathLen: -1}, rootKey.Public(), rootKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	ri := &pki.Issuer{Cert: root.Cert, Key: rootKey}
	mk := func(name string) *pki.Issuer {
		k := mustKey(t, alg)
		is, err := pki.Issue(pki.Request{Kind: pki.KindIntermediateCA, Subject: pkix.Name{CommonName: name}, Validity: 24 * time.Hour, MaxPathLen: 0}, k.Public(), nil, ri)
		if err != nil {
			t.Fatal(err)
		}
		return &pki.Issuer{Cert: is.Cert, Key: k, Bundle: is.Bundle}
	}
	p := &testPKI{root: ri, edge: mk("edge-ica"), signing: mk("signing-ica")}
	p.bundle = []*x509.Certificate{p.edge.Cert, p.signing.Cert, root.Cert}
	return p
}

func mustKey(t testing.TB, alg pki.KeyAlgorithm) crypto.Signer {
	t.Helper()
	k, err := pki.GenerateKey(alg)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// serverCert issues a web-identity server certificate with the given SANs.
func (p *testPKI) serverCert(t testing.TB, alg pki.KeyAlgorithm, dns []string, ips []net.IP) (tls.Certificate, *x509.Certificate) {
	t.Helper()
	k := mustKey(t, alg)
	is, err := pki.Issue(pki.Request{Kind: pki.KindServer, Subject: pkix.Name{CommonName: "edge-server"}, Validity: time.Hour, DNSNames: dns, IPAddresses: ips}, k.Public(), nil, p.edge)
	if err != nil {
		t.Fatal(err)
	}
	var tc tls.Certificate
	for _, c := range is.Chain {
		tc.Certificate = append(tc.Certificate, c.Raw)
	}
	tc.PrivateKey = k
	tc.Leaf = is.Cert
	return tc, is.Cert
}

// signToken makes a JWT the way the controller does: kid = SHA-1 of the
// leaf, signature with the leaf's key.
func signToken(t testing.TB, cert tls.Certificate, claims map[string]any) string {
	t.Helper()
	key := cert.PrivateKey.(crypto.Signer)
	alg := "RS256"
	if k, ok := key.(*ecdsa.PrivateKey); ok {
		alg = curveAlg(k.Curve)
	}
	return signTokenWith(t, key, alg, sha1Hex(cert.Certificate[0]), claims)
}

func signTokenWith(t testing.TB, key crypto.Signer, alg, kid string, claims map[string]any) string {
	t.Helper()
	hdr, _ := json.Marshal(map[string]string{"alg": alg, "typ": "JWT", "kid": kid})
	body, _ := json.Marshal(claims)
	in := base64.RawURLEncoding.EncodeToString(hdr) + "." + base64.RawURLEncoding.EncodeToString(body)
	var digest []byte
	h := crypto.SHA256
	switch alg[2:] {
	case "384":
		s := sha512.Sum384([]byte(in))
		digest, h = s[:], crypto.SHA384
	case "512":
		s := sha512.Sum512([]byte(in))
		digest, h = s[:], crypto.SHA512
	default:
		s := sha256.Sum256([]byte(in))
		digest = s[:]
	}
	var sig []byte
	switch k := key.(type) {
	case *ecdsa.PrivateKey:
		der, err := k.Sign(rand.Reader, digest, h)
		if err != nil {
			t.Fatal(err)
		}
		var rs struct{ R, S *big.Int }
		if _, err := asn1.Unmarshal(der, &rs); err != nil {
			t.Fatal(err)
		}
		size := (k.Curve.Params().BitSize + 7) / 8
		sig = make([]byte, 2*size)
		rs.R.FillBytes(sig[:size])
		rs.S.FillBytes(sig[size:])
	case *rsa.PrivateKey:
		var err error
		if sig, err = rsa.SignPKCS1v15(rand.Reader, k, h, digest); err != nil {
			t.Fatal(err)
		}
	}
	return in + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// startTLS serves handler over TLS on 127.0.0.1 with cert, requesting (not
// requiring) client certificates like the controller does.
func startTLS(t testing.TB, cert tls.Certificate, handler http.Handler) *httptest.Server {
	t.Helper()
	return startTLSConns(t, cert, handler, nil)
}

// startTLSConns is startTLS with a connection-state hook.
func startTLSConns(t testing.TB, cert tls.Certificate, handler http.Handler, conns func(net.Conn, http.ConnState)) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(handler)
	srv.Config.ConnState = conns
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, ClientAuth: tls.RequestClientCert, MinVersion: tls.VersionTLS12}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

func claimsFor(iss, em string, exp time.Time) map[string]any {
	return map[string]any{"iss": iss, "sub": "id-123", "jti": "tok-" + em, "em": em, "aud": []string{""}, "exp": exp.Unix()}
}

var loopback = []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1")}
