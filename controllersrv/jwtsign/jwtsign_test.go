package jwtsign

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"strings"
	"testing"
	"time"

	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

func leafFor(t testing.TB, alg pki.KeyAlgorithm) (*x509.Certificate, *Signer) {
	t.Helper()
	caKey, _ := pki.GenerateKey(pki.ECP256)
	ca, err := pki.Issue(pki.Request{Kind: pki.KindRootCA, Subject: pkix.Name{CommonName: "ca"}, Validity: time.Hour, MaxPathLen: -1}, caKey.Public(), caKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	key, _ := pki.GenerateKey(alg)
	leaf, err := pki.Issue(pki.Request{Kind: pki.KindServer, Subject: pkix.Name{CommonName: "srv"}, Validity: time.Hour, DNSNames: []string{"localhost"}},
		key.Public(), nil, &pki.Issuer{Cert: ca.Cert, Key: caKey})
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(leaf.Cert, key)
	if err != nil {
		t.Fatal(err)
	}
	return leaf.Cert, s
}

func TestSignVerifyEveryAlgorithm(t *testing.T) {
	for alg, want := range map[pki.KeyAlgorithm]string{pki.ECP256: "ES256", pki.ECP384: "ES384", pki.ECP521: "ES512", pki.RSA2048: "RS256"} {
		leaf, s := leafFor(t, alg)
		tok, err := s.Enrollment("https://ctrl:1280", "id1", "tok-1", "ott", time.Now().Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		c, h, err := ParseUnverified(tok)
		if err != nil {
			t.Fatal(err)
		}
		if h["alg"] != want || h["kid"] != pki.FingerprintSHA1(leaf) || h["typ"] != "JWT" {
			t.Errorf("%s: header %v", alg, h)
		}
		if c.Issuer != "https://ctrl:1280" || c.Subject != "id1" || c.ID != "tok-1" || c.Method != "ott" || len(c.Audience) != 1 || c.Audience[0] != "" {
			t.Errorf("%s: claims %+v", alg, c)
		}
		if strings.Contains(tok, "iat") {
			t.Errorf("unexpected")
		}
		if _, err := Verify(tok, leaf); err != nil {
			t.Errorf("%s: Verify: %v", alg, err)
		}
		// Another certificate (what a TLS-terminating proxy presents) fails.
		other, _ := leafFor(t, alg)
		if _, err := Verify(tok, other); err == nil || !strings.Contains(err.Error(), "signature is invalid") {
			t.Errorf("%s: verification with another cert: %v", alg, err)
		}
	}
}

func TestVerifyRefusesExpiredAndNone(t *testing.T) {
	leaf, s := leafFor(t, pki.ECP256)
	tok, _ := s.Enrollment("https://x", "id", "t", "ott", time.Now().Add(-time.Minute))
	if _, err := Verify(tok, leaf); err == nil {
		t.Fatal("expired token verified")
	}
	none := "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJpc3MiOiJodHRwczovL3giLCJqdGkiOiJ0In0."
	if _, err := Verify(none, leaf); err == nil {
		t.Fatal("alg none verified")
	}
}

// FuzzParse: hostile tokens never panic either parser.
func FuzzParse(f *testing.F) {
	leaf, s := leafFor(f, pki.ECP256)
	tok, _ := s.Enrollment("https://x", "id", "t", "ott", time.Now().Add(time.Hour))
	f.Add(tok)
	f.Add("a.b.c")
	f.Add("eyJhbGciOiJub25lIn0.e30.")
	f.Fuzz(func(t *testing.T, in string) {
		_, _, _ = ParseUnverified(in)
		if c, err := Verify(in, leaf); err == nil && c == nil {
			t.Fatal("nil claims without error")
		}
	})
}
