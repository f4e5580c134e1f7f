package jwtsign

import (
	"crypto/x509"
	"errors"
	"fmt"

	"github.com/golang-jwt/jwt/v5"
)

// Verify parses an enrollment JWT and checks its signature with the public
// key of cert (the leaf presented by the server at `iss`), as enrolling
// clients do. Only the algorithm matching that key is accepted, so "none"
// and HMAC tokens are refused. Expiry is checked; a token without `exp` (a
// CA JWT) is accepted.
func Verify(token string, cert *x509.Certificate) (*EnrollmentClaims, error) {
	want, err := MethodFor(cert.PublicKey)
	if err != nil {
		return nil, err
	}
	var claims EnrollmentClaims
	p := jwt.NewParser(jwt.WithValidMethods([]string{want.Alg()}))
	_, err = p.ParseWithClaims(token, &claims, func(*jwt.Token) (any, error) { return cert.PublicKey, nil })
	if err != nil {
		if errors.Is(err, jwt.ErrTokenSignatureInvalid) {
			return nil, fmt.Errorf("token signature is invalid: the certificate presented by the server is not the one that signed this token: %w", err)
		}
		return nil, err
	}
	return &claims, nil
}

// ParseUnverified decodes the claims without checking the signature: the
// first step of enrollment, to learn `iss` before fetching its certificate.
func ParseUnverified(token string) (*EnrollmentClaims, map[string]any, error) {
	var claims EnrollmentClaims
	t, _, err := jwt.NewParser().ParseUnverified(token, &claims)
	if err != nil {
		return nil, nil, err
	}
	return &claims, t.Header, nil
}
