package server

import (
	"crypto/tls"
	"crypto/x509"
	"strings"
	"testing"
)

// TestTLS12NoCBC: a TLS 1.2 client offering only CBC-SHA1 suites is
// refused, and one offering an AEAD suite connects.
func TestTLS12NoCBC(t *testing.T) {
	s := testServer(t)
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(s.CAPEM())
	addr := strings.TrimPrefix(s.URL(), "https://")
	dial := func(suites ...uint16) error {
		c, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: pool, MaxVersion: tls.VersionTLS12, CipherSuites: suites})
		if err == nil {
			c.Close()
		}
		return err
	}
	//nolint:gosec // the test offers the weak suites on purpose
	if err := dial(tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
		tls.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA, tls.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA); err == nil {
		t.Fatal("a TLS 1.2 handshake with only CBC-SHA1 suites succeeded")
	}
	if err := dial(tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256); err != nil {
		t.Fatalf("a TLS 1.2 handshake with AES-GCM failed: %v", err)
	}
}
