package api

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"testing"
)

func testCSR(t testing.TB) []byte {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "x"}}, key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func TestParseCSRBodyForms(t *testing.T) {
	der := testCSR(t)
	pemCSR := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der})
	js, _ := json.Marshal(map[string]string{"clientCsr": string(pemCSR)})
	for name, tc := range map[string]struct {
		body []byte
		ct   string
	}{
		"pem":        {pemCSR, "application/x-pem-file"},
		"text":       {pemCSR, "text/plain; charset=utf-8"},
		"pkcs7 b64":  {[]byte(base64.StdEncoding.EncodeToString(der)), "application/pkcs7"},
		"json":       {js, "application/json"},
		"no type":    {pemCSR, ""},
		"new header": {pem.EncodeToMemory(&pem.Block{Type: "NEW CERTIFICATE REQUEST", Bytes: der}), "text/plain"},
	} {
		if _, err := ParseCSRBody(tc.body, tc.ct); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// FuzzParseCSRBody: arbitrary bodies never panic, and every failure is an
// API error (a 4xx with a code), never an internal one.
func FuzzParseCSRBody(f *testing.F) {
	der := testCSR(f)
	f.Add(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}), "application/x-pem-file")
	f.Add([]byte(base64.StdEncoding.EncodeToString(der)), "application/pkcs7")
	f.Add([]byte(`{"clientCsr":"x"}`), "application/json")
	f.Add([]byte("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----"), "text/plain")
	f.Fuzz(func(t *testing.T, body []byte, ct string) {
		csr, err := ParseCSRBody(body, ct)
		if err == nil {
			if csr.CheckSignature() != nil {
				t.Fatal("accepted a CSR whose signature does not verify")
			}
			return
		}
		var ae *Error
		if !errors.As(err, &ae) || ae.Status != 400 || ae.Code == "" {
			t.Fatalf("error %v is not a 400 API error", err)
		}
	})
}
