package edgewire

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"fmt"
	"math/big"
	"strings"
	"testing"
	"time"
)

// testCert makes a self-signed certificate, a CA or not.
func testCert(t *testing.T, n int, isCA bool) *x509.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(int64(n + 1)), Subject: pkix.Name{CommonName: fmt.Sprint("cert", n)},
		NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour), IsCA: isCA, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCACertsRoundTrip(t *testing.T) {
	want := []*x509.Certificate{testCert(t, 0, true), testCert(t, 1, true)}
	body, err := EncodeCACerts(want)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(body), "\n") {
		if len(line) > 64 {
			t.Fatalf("line of %d characters, want at most 64", len(line))
		}
	}
	if strings.HasSuffix(string(body), "\n") {
		t.Fatal("trailing newline")
	}
	// Clients must accept other wrappings (CRLF, none) and raw DER.
	der, _ := base64.StdEncoding.DecodeString(strings.ReplaceAll(string(body), "\n", ""))
	for name, b := range map[string][]byte{
		"as encoded": body,
		"CRLF":       []byte(strings.ReplaceAll(string(body), "\n", "\r\n") + "\r\n"),
		"one line":   []byte(strings.ReplaceAll(string(body), "\n", "")),
		"DER":        der,
	} {
		got, err := ParseCACerts(b)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(got) != 2 || !got[0].Equal(want[0]) || !got[1].Equal(want[1]) {
			t.Fatalf("%s: got %d certificates", name, len(got))
		}
	}
}

func TestParseCACertsRefuses(t *testing.T) {
	leaf, err := EncodeCACerts([]*x509.Certificate{testCert(t, 0, true), testCert(t, 1, false)})
	if err != nil {
		t.Fatal(err)
	}
	empty, err := EncodeCACerts(nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, tt := range map[string]struct {
		body []byte
		want string
	}{
		"leaf":    {leaf, `contains "CN=cert1", which is not a CA certificate`},
		"empty":   {empty, "holds no certificates"},
		"garbage": {[]byte("not pkcs7"), "not a base64 PKCS#7"},
	} {
		if _, err := ParseCACerts(tt.body); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want %q", name, err, tt.want)
		}
	}
}
