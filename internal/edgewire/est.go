package edgewire

import (
	"bytes"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/smallstep/pkcs7"
)

// CACertsPath is the EST CA store (RFC 7030 section 4.1).
const CACertsPath = "/.well-known/est/cacerts"

// CACertsContentType is the media type of the EST CA store.
const CACertsContentType = "application/pkcs7-mime"

// EncodeCACerts encodes the EST CA store: a certs-only PKCS#7 SignedData,
// base64 with 64-character lines and no trailing newline (RFC 7030 section
// 4.1.3).
func EncodeCACerts(certs []*x509.Certificate) ([]byte, error) {
	// certificates is a SET OF: DER orders its elements by their
	// encodings, and strict parsers fall back to BER (with a warning)
	// when they are not.
	sorted := slices.SortedFunc(slices.Values(certs), func(a, b *x509.Certificate) int { return bytes.Compare(a.Raw, b.Raw) })
	var der []byte
	for _, c := range sorted {
		der = append(der, c.Raw...)
	}
	p7, err := pkcs7.DegenerateCertificate(der)
	if err != nil {
		return nil, err
	}
	s := base64.StdEncoding.EncodeToString(p7)
	var b strings.Builder
	for len(s) > 64 {
		b.WriteString(s[:64])
		b.WriteByte('\n')
		s = s[64:]
	}
	b.WriteString(s)
	return []byte(b.String()), nil
}

// ParseCACerts decodes an EST CA store body: base64 (line breaks and spaces
// allowed) of a certs-only PKCS#7 SignedData; raw DER is accepted too. It
// refuses a bundle holding anything but CA certificates: the bundle becomes
// a client's trust store, where a leaf has no business.
func ParseCACerts(body []byte) ([]*x509.Certificate, error) {
	der := body
	if b, err := base64.StdEncoding.DecodeString(string(bytes.Join(bytes.Fields(body), nil))); err == nil {
		der = b
	}
	p7, err := pkcs7.Parse(der)
	if err != nil {
		return nil, fmt.Errorf("not a base64 PKCS#7 certs-only message: %w", err)
	}
	if len(p7.Certificates) == 0 {
		return nil, errors.New("the PKCS#7 message holds no certificates")
	}
	for _, c := range p7.Certificates {
		if !c.IsCA {
			return nil, fmt.Errorf("the CA bundle contains %q, which is not a CA certificate", c.Subject.String())
		}
	}
	return p7.Certificates, nil
}
