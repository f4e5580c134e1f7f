package pki

import (
	"bytes"
	"crypto/sha1" //nolint:gosec // OpenZiti fingerprints are SHA-1 of the DER.
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

// EncodeCertsPEM encodes certificates as concatenated CERTIFICATE blocks.
func EncodeCertsPEM(certs ...*x509.Certificate) []byte {
	var buf bytes.Buffer
	for _, c := range certs {
		_ = pem.Encode(&buf, &pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
	}
	return buf.Bytes()
}

// ParseCertsPEM parses every CERTIFICATE block in data, in order. Other
// block types are an error, so a key pasted by mistake is not ignored.
func ParseCertsPEM(data []byte) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	rest := data
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			return nil, fmt.Errorf("unexpected PEM block %q: expect only \"-----BEGIN CERTIFICATE-----\" blocks", block.Type)
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("certificate %d: %w", len(certs)+1, err)
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return nil, errors.New("no PEM certificate found: expect \"-----BEGIN CERTIFICATE-----\"")
	}
	if len(bytes.TrimSpace(rest)) > 0 {
		return nil, errors.New("unexpected text after the last PEM certificate")
	}
	return certs, nil
}

// ParseCertPEM parses exactly one certificate.
func ParseCertPEM(data []byte) (*x509.Certificate, error) {
	certs, err := ParseCertsPEM(data)
	if err != nil {
		return nil, err
	}
	if len(certs) != 1 {
		return nil, fmt.Errorf("expected one certificate, found %d", len(certs))
	}
	return certs[0], nil
}

// ParseCSRPEM parses a PKCS #10 request and checks what a CA must check
// before signing it: the self-signature verifies and the key is strong.
func ParseCSRPEM(data []byte) (*x509.CertificateRequest, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("no PEM certificate request found: expect \"-----BEGIN CERTIFICATE REQUEST-----\"")
	}
	if block.Type != "CERTIFICATE REQUEST" && block.Type != "NEW CERTIFICATE REQUEST" {
		return nil, fmt.Errorf("unexpected PEM block %q: expect \"CERTIFICATE REQUEST\"", block.Type)
	}
	return ParseCSRDER(block.Bytes)
}

// ParseCSRDER is ParseCSRPEM for DER input.
func ParseCSRDER(der []byte) (*x509.CertificateRequest, error) {
	csr, err := x509.ParseCertificateRequest(der)
	if err != nil {
		return nil, fmt.Errorf("invalid certificate request: %w", err)
	}
	if err := csr.CheckSignature(); err != nil {
		return nil, fmt.Errorf("the certificate request's signature does not verify (was it altered, or signed with another key?): %w", err)
	}
	if _, err := AlgorithmOf(csr.PublicKey); err != nil {
		return nil, fmt.Errorf("certificate request key: %w", err)
	}
	return csr, nil
}

// FingerprintSHA1 is the lowercase hex SHA-1 of the DER, without colons:
// the form OpenZiti uses for CA fingerprints and JWT `kid`s.
func FingerprintSHA1(c *x509.Certificate) string {
	sum := sha1.Sum(c.Raw) //nolint:gosec // identifier, not a signature
	return hex.EncodeToString(sum[:])
}

// FingerprintSHA256 is the lowercase hex SHA-256 of the DER.
func FingerprintSHA256(c *x509.Certificate) string {
	sum := sha256.Sum256(c.Raw)
	return hex.EncodeToString(sum[:])
}

// SplitChain parses a leaf followed by intermediates, as TLS servers and
// `*.chain.pem` files carry them.
func SplitChain(data []byte) (leaf *x509.Certificate, intermediates []*x509.Certificate, err error) {
	certs, err := ParseCertsPEM(data)
	if err != nil {
		return nil, nil, err
	}
	return certs[0], certs[1:], nil
}

// SameCertsPEM reports whether a and b hold the same certificates (DER),
// in the same order, whatever their PEM formatting (line endings,
// indentation, surrounding whitespace). Anything unparsable is equal to
// nothing.
func SameCertsPEM(a, b string) bool {
	x, y := CertDERs(a), CertDERs(b)
	if x == nil || y == nil || len(x) != len(y) {
		return false
	}
	for i := range x {
		if !bytes.Equal(x[i], y[i]) {
			return false
		}
	}
	return true
}

// CertDERs returns the DER of every CERTIFICATE block, nil if there is none
// or if anything but whitespace surrounds the blocks.
func CertDERs(s string) [][]byte {
	// Normalise line endings and indentation (heredocs, Windows files)
	// before decoding: encoding/pem wants BEGIN at the start of a line.
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSpace(l)
	}
	rest := []byte(strings.Join(lines, "\n"))
	var out [][]byte
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			return nil
		}
		out = append(out, b.Bytes)
	}
	if len(bytes.TrimSpace(rest)) != 0 {
		return nil
	}
	return out
}
