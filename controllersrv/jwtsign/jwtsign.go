// Package jwtsign signs enrollment JWTs the way an OpenZiti controller does:
// with the private key of the web identity's TLS server certificate, so that
// clients can verify a token with the certificate the server at `iss`
// presents. The header `kid` is the lowercase hex SHA-1 of that leaf's DER.
package jwtsign

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// Audience values used by OpenZiti.
const (
	AudienceEnrollment = ""                  // identity and router tokens: aud = [""]
	AudienceCA         = "openziti-enroller" // CA JWTs
)

// Signer signs tokens with one TLS leaf key.
type Signer struct {
	method jwt.SigningMethod
	key    crypto.Signer
	kid    string
	leaf   *x509.Certificate
}

// New picks the algorithm from the leaf's key: ES256/384/512 by curve,
// RS256 for RSA.
func New(leaf *x509.Certificate, key crypto.Signer) (*Signer, error) {
	if !pki.SameKey(key, leaf.PublicKey) {
		return nil, fmt.Errorf("the web identity key does not belong to its server certificate %q", leaf.Subject.CommonName)
	}
	m, err := MethodFor(leaf.PublicKey)
	if err != nil {
		return nil, err
	}
	return &Signer{method: m, key: key, kid: pki.FingerprintSHA1(leaf), leaf: leaf}, nil
}

// MethodFor returns the JWT algorithm OpenZiti uses for a public key.
func MethodFor(pub crypto.PublicKey) (jwt.SigningMethod, error) {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		switch k.Curve {
		case elliptic.P256():
			return jwt.SigningMethodES256, nil
		case elliptic.P384():
			return jwt.SigningMethodES384, nil
		case elliptic.P521():
			return jwt.SigningMethodES512, nil
		}
		return nil, fmt.Errorf("unsupported curve %s for JWT signing", k.Curve.Params().Name)
	case *rsa.PublicKey:
		return jwt.SigningMethodRS256, nil
	}
	return nil, fmt.Errorf("unsupported key type %T for JWT signing", pub)
}

// KID is the key id in every header this signer writes.
func (s *Signer) KID() string { return s.kid }

// Leaf is the certificate whose key signs.
func (s *Signer) Leaf() *x509.Certificate { return s.leaf }

// EnrollmentClaims are the claims of an identity or router enrollment token.
// There is deliberately no iat or nbf: OpenZiti does not send them.
type EnrollmentClaims struct {
	Issuer    string   `json:"iss"`
	Subject   string   `json:"sub"`
	Audience  []string `json:"aud"`
	ExpiresAt int64    `json:"exp,omitempty"`
	ID        string   `json:"jti"`
	Method    string   `json:"em"`
	Ctrls     []string `json:"ctrls,omitempty"`
}

// GetExpirationTime implements jwt.Claims.
func (c EnrollmentClaims) GetExpirationTime() (*jwt.NumericDate, error) {
	if c.ExpiresAt == 0 {
		return nil, nil
	}
	return jwt.NewNumericDate(time.Unix(c.ExpiresAt, 0)), nil
}

// GetIssuedAt implements jwt.Claims.
func (c EnrollmentClaims) GetIssuedAt() (*jwt.NumericDate, error) { return nil, nil }

// GetNotBefore implements jwt.Claims.
func (c EnrollmentClaims) GetNotBefore() (*jwt.NumericDate, error) { return nil, nil }

// GetIssuer implements jwt.Claims.
func (c EnrollmentClaims) GetIssuer() (string, error) { return c.Issuer, nil }

// GetSubject implements jwt.Claims.
func (c EnrollmentClaims) GetSubject() (string, error) { return c.Subject, nil }

// GetAudience implements jwt.Claims.
func (c EnrollmentClaims) GetAudience() (jwt.ClaimStrings, error) { return c.Audience, nil }

// Sign returns the compact JWT.
func (s *Signer) Sign(c EnrollmentClaims) (string, error) {
	if c.Audience == nil {
		c.Audience = []string{AudienceEnrollment}
	}
	t := jwt.NewWithClaims(s.method, c)
	t.Header["kid"] = s.kid
	return t.SignedString(s.key)
}

// Enrollment builds and signs an identity/router enrollment token.
func (s *Signer) Enrollment(issuer, subject, token, method string, expires time.Time) (string, error) {
	return s.Sign(EnrollmentClaims{
		Issuer:    issuer,
		Subject:   subject,
		Audience:  []string{AudienceEnrollment},
		ExpiresAt: expires.Unix(),
		ID:        token,
		Method:    method,
	})
}
