package edgewire

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"fmt"
	"math/big"
	"slices"
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

// sortedByDER orders certificates as a DER SET OF: by their encodings.
func sortedByDER(certs ...*x509.Certificate) []*x509.Certificate {
	return slices.SortedFunc(slices.Values(certs), func(a, b *x509.Certificate) int { return bytes.Compare(a.Raw, b.Raw) })
}

func TestCACertsRoundTrip(t *testing.T) {
	want := sortedByDER(testCert(t, 0, true), testCert(t, 1, true))
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

// TestCACertsDERSetOrder: the certificates SET OF is in DER order
// whatever order the bundle is given in.
func TestCACertsDERSetOrder(t *testing.T) {
	var certs []*x509.Certificate
	for i := range 6 {
		certs = append(certs, testCert(t, i, true))
	}
	want := sortedByDER(certs...)
	slices.Reverse(certs) // descending: the order a naive encoder would keep
	if certs[0].Equal(want[0]) {
		t.Fatal("test set-up: the reversed order is already sorted")
	}
	body, err := EncodeCACerts(certs)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseCACerts(body)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if !got[i].Equal(want[i]) {
			t.Fatalf("certificate %d of the SET OF is out of DER order", i)
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
