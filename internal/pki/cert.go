package pki

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // SHA-1 is what OpenZiti uses for fingerprints and key ids, not for signatures.
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/url"
	"time"
)

// Kind selects the certificate profile.
type Kind int

// Certificate profiles. Servers get serverAuth, clients clientAuth; CAs get
// only keyCertSign and cRLSign, as RFC 5280 recommends for CA keys.
const (
	KindRootCA Kind = iota
	KindIntermediateCA
	KindServer
	KindClient
)

func (k Kind) String() string {
	return [...]string{"root CA", "intermediate CA", "server certificate", "client certificate"}[k]
}

// IsCA reports whether the profile is a CA.
func (k Kind) IsCA() bool { return k == KindRootCA || k == KindIntermediateCA }

// ClockSkew is how far NotBefore is set in the past, so that a certificate
// made now is already valid on hosts whose clock is a little behind.
const ClockSkew = 5 * time.Minute

// Request describes a certificate to issue.
type Request struct {
	Kind    Kind
	Subject pkix.Name
	// Validity is the lifetime counted from Now. A certificate never
	// outlives its issuer: NotAfter is clipped to the issuer's NotAfter.
	Validity time.Duration
	// Now is the issuing time; zero means time.Now(). Tests pass a fixed clock.
	Now time.Time
	// MaxPathLen constrains CAs: -1 means no constraint, 0 means the CA may
	// only issue leaves.
	MaxPathLen int
	// SANs. Leaves need at least one DNS name or IP address if they are servers.
	DNSNames       []string
	IPAddresses    []net.IP
	URIs           []*url.URL
	EmailAddresses []string
}

// Issuer is a CA that signs certificates.
type Issuer struct {
	Cert *x509.Certificate
	Key  crypto.Signer
	// Bundle is the issuer's CA bundle: Cert first, then every CA above it up
	// to and including the root. Nil means Cert is itself the root.
	Bundle []*x509.Certificate
}

// Issued is a signed certificate with the chains a TLS server or a trust
// store needs.
type Issued struct {
	Cert *x509.Certificate
	// Chain is Cert followed by the intermediates above it, without the root:
	// what a TLS server sends (the `*.chain.pem` of `ziti pki`).
	Chain []*x509.Certificate
	// Bundle is the CA bundle to trust (the `cas.pem`): for a CA, itself and
	// every CA up to the root; for a leaf, its issuer's bundle.
	Bundle []*x509.Certificate
}

// Issue signs a certificate for pub. For a root CA, issuer must be nil and
// key signs its own certificate; otherwise key is ignored and issuer signs.
func Issue(req Request, pub crypto.PublicKey, key crypto.Signer, issuer *Issuer) (*Issued, error) {
	if _, err := AlgorithmOf(pub); err != nil {
		return nil, err
	}
	if err := req.check(); err != nil {
		return nil, err
	}
	now := req.Now
	if now.IsZero() {
		now = time.Now()
	}
	serial, err := randomSerial()
	if err != nil {
		return nil, err
	}
	ski, err := subjectKeyID(pub)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               req.Subject,
		NotBefore:             now.Add(-ClockSkew).UTC().Truncate(time.Second),
		NotAfter:              now.Add(req.Validity).UTC().Truncate(time.Second),
		SubjectKeyId:          ski,
		BasicConstraintsValid: true,
		DNSNames:              req.DNSNames,
		IPAddresses:           req.IPAddresses,
		URIs:                  req.URIs,
		EmailAddresses:        req.EmailAddresses,
	}
	switch req.Kind {
	case KindRootCA, KindIntermediateCA:
		tmpl.IsCA = true
		tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
		if req.MaxPathLen < 0 {
			tmpl.MaxPathLen = -1
		} else {
			tmpl.MaxPathLen = req.MaxPathLen
			tmpl.MaxPathLenZero = req.MaxPathLen == 0
		}
	case KindServer, KindClient:
		tmpl.KeyUsage = x509.KeyUsageDigitalSignature
		if _, ok := pub.(*rsa.PublicKey); ok {
			tmpl.KeyUsage |= x509.KeyUsageKeyEncipherment
		}
		if req.Kind == KindServer {
			tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
		} else {
			tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
		}
	}

	parent, signer := tmpl, key
	var above []*x509.Certificate // the issuer's bundle, issuer first
	if req.Kind == KindRootCA {
		if issuer != nil {
			return nil, errors.New("a root CA is self-signed: it takes no issuer")
		}
		if key == nil || !SameKey(key, pub) {
			return nil, errors.New("a root CA must be signed by its own private key")
		}
	} else {
		if err := issuer.check(req); err != nil {
			return nil, err
		}
		parent, signer = issuer.Cert, issuer.Key
		above = issuer.bundle()
		if tmpl.NotAfter.After(parent.NotAfter) {
			tmpl.NotAfter = parent.NotAfter
		}
	}
	if !tmpl.NotAfter.After(tmpl.NotBefore) {
		return nil, fmt.Errorf("the %s would not be valid at any time: its issuer expires %s", req.Kind, parent.NotAfter.Format(time.RFC3339))
	}

	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, signer)
	if err != nil {
		return nil, fmt.Errorf("signing the %s: %w", req.Kind, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	out := &Issued{Cert: cert, Chain: append([]*x509.Certificate{cert}, withoutRoot(above)...)}
	if req.Kind.IsCA() {
		out.Bundle = append([]*x509.Certificate{cert}, above...)
	} else {
		out.Bundle = above
	}
	return out, nil
}

func (r Request) check() error {
	if r.Validity <= 0 {
		return errors.New("validity must be positive")
	}
	if r.Subject.CommonName == "" && len(r.Subject.Organization) == 0 {
		return errors.New("the subject needs a common name")
	}
	if r.Kind == KindServer && len(r.DNSNames) == 0 && len(r.IPAddresses) == 0 {
		return errors.New("a server certificate needs at least one DNS name or IP address: clients check the name they connect to against its SANs")
	}
	for _, ip := range r.IPAddresses {
		if ip == nil {
			return errors.New("invalid IP address in SANs")
		}
	}
	return nil
}

func (is *Issuer) check(req Request) error {
	if is == nil || is.Cert == nil || is.Key == nil {
		return fmt.Errorf("a %s needs an issuer certificate and private key", req.Kind)
	}
	c := is.Cert
	if !c.BasicConstraintsValid || !c.IsCA {
		return fmt.Errorf("the issuer %q is not a CA (basicConstraints CA:TRUE missing): sign with a ziti_pki_ca or ziti_pki_intermediate", c.Subject.CommonName)
	}
	if c.KeyUsage != 0 && c.KeyUsage&x509.KeyUsageCertSign == 0 {
		return fmt.Errorf("the issuer %q may not sign certificates (keyUsage lacks keyCertSign)", c.Subject.CommonName)
	}
	if !SameKey(is.Key, c.PublicKey) {
		return fmt.Errorf("the issuer private key does not belong to the issuer certificate %q", c.Subject.CommonName)
	}
	if req.Kind == KindIntermediateCA && c.MaxPathLen == 0 && c.MaxPathLenZero {
		return fmt.Errorf("the issuer %q has path length 0: it may only issue leaf certificates, not intermediate CAs", c.Subject.CommonName)
	}
	if req.Kind == KindIntermediateCA && c.MaxPathLen > 0 && req.MaxPathLen >= c.MaxPathLen {
		return fmt.Errorf("max path length %d is not below the issuer's path length %d", req.MaxPathLen, c.MaxPathLen)
	}
	if req.Kind == KindIntermediateCA && c.MaxPathLen > 0 && req.MaxPathLen < 0 {
		return fmt.Errorf("the issuer %q has path length %d: set max_path_length to at most %d", c.Subject.CommonName, c.MaxPathLen, c.MaxPathLen-1)
	}
	now := req.Now
	if now.IsZero() {
		now = time.Now()
	}
	if now.After(c.NotAfter) {
		return fmt.Errorf("the issuer %q expired at %s", c.Subject.CommonName, c.NotAfter.Format(time.RFC3339))
	}
	for i, b := range is.Bundle {
		if i == 0 && !b.Equal(c) {
			return errors.New("the issuer CA bundle must start with the issuer certificate")
		}
		if i > 0 {
			if err := is.Bundle[i-1].CheckSignatureFrom(b); err != nil {
				return fmt.Errorf("the issuer CA bundle is not a chain: certificate %d (%q) is not signed by certificate %d (%q)", i-1, is.Bundle[i-1].Subject.CommonName, i, b.Subject.CommonName)
			}
		}
	}
	return nil
}

// bundle is the issuer's bundle, defaulting to the issuer alone (a root).
func (is *Issuer) bundle() []*x509.Certificate {
	if len(is.Bundle) == 0 {
		return []*x509.Certificate{is.Cert}
	}
	return is.Bundle
}

// withoutRoot drops self-signed certificates: a TLS server never sends the
// root, which clients must already trust.
func withoutRoot(certs []*x509.Certificate) []*x509.Certificate {
	out := make([]*x509.Certificate, 0, len(certs))
	for _, c := range certs {
		if IsSelfSigned(c) {
			continue
		}
		out = append(out, c)
	}
	return out
}

// IsSelfSigned reports whether a certificate is a self-signed root.
func IsSelfSigned(c *x509.Certificate) bool {
	return c.CheckSignatureFrom(c) == nil && c.Subject.String() == c.Issuer.String()
}

// randomSerial returns a positive 128-bit serial, as CA/B rules want at
// least 64 bits of entropy.
func randomSerial() (*big.Int, error) {
	limit := new(big.Int).Lsh(big.NewInt(1), 128)
	for {
		n, err := rand.Int(rand.Reader, limit)
		if err != nil {
			return nil, err
		}
		if n.Sign() > 0 {
			return n, nil
		}
	}
}

// subjectKeyID is RFC 5280 method 1: SHA-1 of the subjectPublicKey bits.
func subjectKeyID(pub crypto.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, err
	}
	var spki struct {
		Algorithm pkix.AlgorithmIdentifier
		PublicKey asn1.BitString
	}
	if _, err := asn1.Unmarshal(der, &spki); err != nil {
		return nil, err
	}
	sum := sha1.Sum(spki.PublicKey.Bytes) //nolint:gosec // key identifier, not a signature
	return sum[:], nil
}
