package enroll

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/zitiform/terraform-provider-ziti/internal/edgewire"
)

// MaxTokenSize bounds the enrollment JWT we accept. Real tokens are well
// under 2 KiB; the bound keeps a wrong file (a log, a binary) from being
// decoded at length.
const MaxTokenSize = 64 << 10

// Header is the JOSE header of an enrollment JWT.
type Header struct {
	Alg string `json:"alg"`
	Typ string `json:"typ,omitempty"`
	// Kid is the lowercase hex SHA-1 of the DER of the controller's TLS
	// leaf that signed the token.
	Kid string `json:"kid,omitempty"`
}

// Claims are the claims of an OpenZiti enrollment JWT.
type Claims struct {
	Issuer      string   `json:"iss"`
	Subject     string   `json:"sub"`
	ID          string   `json:"jti"`
	Method      string   `json:"em"`
	Audience    Audience `json:"aud,omitempty"`
	Controllers []string `json:"ctrls,omitempty"`
	// ExpiresAt is nil when the token carries no `exp` (CA tokens).
	ExpiresAt *time.Time `json:"-"`
	NotBefore *time.Time `json:"-"`
}

// Audience accepts both a single string and an array, as RFC 7519 allows.
type Audience []string

// UnmarshalJSON implements json.Unmarshaler.
func (a *Audience) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*a = Audience{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return errors.New("claim \"aud\" must be a string or an array of strings")
	}
	*a = many
	return nil
}

// Token is a parsed but not yet verified enrollment JWT. Nothing in it may
// be trusted until VerifySignature succeeded with a key obtained from the
// issuer itself.
type Token struct {
	Header Header
	Claims Claims
	// Addr is host:port dialled for Claims.Issuer (port 443 when absent).
	Addr string
	// Host is the host part of Addr, without brackets for IPv6.
	Host string

	raw          string
	signingInput []byte
	signature    []byte
}

// Raw returns the token text. It is a secret: never log it.
func (t *Token) Raw() string { return t.raw }

// ParseToken decodes an enrollment JWT without trusting it: it checks the
// structure, the algorithm and the claims that steer the enrollment (iss,
// jti, em), but not the signature. Errors never contain the token.
func ParseToken(s string) (*Token, error) {
	t, claimsJSON, err := parseSigned(s)
	if err != nil {
		return nil, err
	}
	if err := parseClaims(claimsJSON, &t.Claims); err != nil {
		return nil, err
	}
	if t.Addr, t.Host, err = IssuerAddr(t.Claims.Issuer); err != nil {
		return nil, err
	}
	return t, nil
}

// parseSigned splits a JWT into the parts its signature check needs (header,
// signing input, signature) and returns its claims undecoded, so that a
// token that is not an enrollment token (the controller's network JWT) can
// still be checked against a certificate.
func parseSigned(s string) (*Token, []byte, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil, errors.New("the enrollment token is empty: pass the JWT file the controller issued (ziti_enrollment.jwt or ziti_edge_router.enrollment_jwt)")
	}
	if len(s) > MaxTokenSize {
		return nil, nil, fmt.Errorf("the enrollment token is %d bytes, more than the %d a JWT can be: is this the right file?", len(s), MaxTokenSize)
	}
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return nil, nil, fmt.Errorf("the enrollment token is not a JWT: expected 3 dot-separated parts, found %d", len(parts))
	}
	hdrJSON, err := b64(parts[0])
	if err != nil {
		return nil, nil, fmt.Errorf("the enrollment token header is not base64url: %w", err)
	}
	claimsJSON, err := b64(parts[1])
	if err != nil {
		return nil, nil, fmt.Errorf("the enrollment token claims are not base64url: %w", err)
	}
	sig, err := b64(parts[2])
	if err != nil {
		return nil, nil, fmt.Errorf("the enrollment token signature is not base64url: %w", err)
	}
	t := &Token{raw: s, signingInput: []byte(parts[0] + "." + parts[1]), signature: sig}
	if err := strictUnmarshal(hdrJSON, &t.Header); err != nil {
		return nil, nil, fmt.Errorf("the enrollment token header is not a JSON object: %w", err)
	}
	if _, err := hashFor(t.Header.Alg); err != nil {
		return nil, nil, err
	}
	if t.Header.Typ != "" && !strings.EqualFold(t.Header.Typ, "JWT") {
		return nil, nil, fmt.Errorf("the enrollment token has typ %q, expected \"JWT\"", t.Header.Typ)
	}
	return t, claimsJSON, nil
}

func b64(s string) ([]byte, error) {
	// JWS uses unpadded base64url; tolerate padding that some tools add.
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}

func strictUnmarshal(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	if err := d.Decode(v); err != nil {
		return err
	}
	if d.More() {
		return errors.New("trailing data after the JSON object")
	}
	return nil
}

func parseClaims(b []byte, c *Claims) error {
	// Numeric dates are decoded separately: RFC 7519 allows fractions, and
	// float64 would silently round large values.
	var raw struct {
		Claims
		Exp json.RawMessage `json:"exp"`
		Nbf json.RawMessage `json:"nbf"`
	}
	if err := strictUnmarshal(b, &raw); err != nil {
		return fmt.Errorf("the enrollment token claims are not a valid JSON object: %w", err)
	}
	*c = raw.Claims
	var err error
	if c.ExpiresAt, err = numericDate("exp", raw.Exp); err != nil {
		return err
	}
	if c.NotBefore, err = numericDate("nbf", raw.Nbf); err != nil {
		return err
	}
	switch c.Method {
	case edgewire.MethodOTT, edgewire.MethodOTTCA, edgewire.MethodUPDB, edgewire.MethodEROTT:
		if c.ID == "" {
			return fmt.Errorf("the enrollment token has no \"jti\" (the one-time token) although its method is %q", c.Method)
		}
	case edgewire.MethodCA:
	case "":
		return errors.New("the enrollment token has no \"em\" claim (enrollment method): it is not an OpenZiti enrollment token")
	default:
		return fmt.Errorf("the enrollment token has unknown enrollment method em=%q: expected ott, ottca, updb, erott or ca", c.Method)
	}
	if c.Issuer == "" {
		return errors.New("the enrollment token has no \"iss\" claim: the controller address is missing")
	}
	return nil
}

func numericDate(name string, raw json.RawMessage) (*time.Time, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > 1e11 {
		return nil, fmt.Errorf("the enrollment token claim %q must be a NumericDate (seconds since 1970)", name)
	}
	sec, frac := math.Modf(f)
	t := time.Unix(int64(sec), int64(frac*1e9)).UTC()
	return &t, nil
}

// IssuerAddr turns an `iss` claim (https://host[:port][/]) into the host:port
// to dial and the host to match against the certificate's SANs.
func IssuerAddr(iss string) (addr, host string, err error) {
	u, err := url.Parse(strings.TrimSpace(iss))
	if err != nil || u.Host == "" {
		return "", "", fmt.Errorf("the enrollment token's issuer %q is not an https:// URL of the controller", iss)
	}
	if u.Scheme != "https" {
		return "", "", fmt.Errorf("the enrollment token's issuer %q must use https", iss)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" || (u.Path != "" && u.Path != "/") {
		return "", "", fmt.Errorf("the enrollment token's issuer %q must be https://host:port with nothing after it", iss)
	}
	if addr, host, err = dialAddr(u); err != nil {
		return "", "", fmt.Errorf("the enrollment token's issuer %q %w", iss, err)
	}
	return addr, host, nil
}

// Issuer returns the controller URL without a trailing slash; it becomes the
// identity's ztAPI.
func (t *Token) Issuer() string { return strings.TrimRight(t.Claims.Issuer, "/") }

// Expired reports whether the token is past its `exp` at now.
func (t *Token) Expired(now time.Time) bool {
	return t.Claims.ExpiresAt != nil && !now.Before(*t.Claims.ExpiresAt)
}

func hashFor(alg string) (crypto.Hash, error) {
	switch alg {
	case "ES256", "RS256", "PS256":
		return crypto.SHA256, nil
	case "ES384", "RS384", "PS384":
		return crypto.SHA384, nil
	case "ES512", "RS512", "PS512":
		return crypto.SHA512, nil
	case "none", "":
		return 0, errors.New("the enrollment token is unsigned (alg none): refusing it")
	}
	return 0, fmt.Errorf("the enrollment token uses unsupported signature algorithm %q: expected ES256/ES384/ES512 or RS256/RS384/RS512", alg)
}

// ErrBadSignature is returned by VerifySignature when the signature does not
// verify with the given key.
var ErrBadSignature = errors.New("token signature is invalid")

// VerifySignature checks the token's signature with pub. The algorithm must
// fit the key type (an RSA key never verifies an ES256 token), which closes
// the classic JWT algorithm-confusion holes.
func (t *Token) VerifySignature(pub crypto.PublicKey) error {
	h, err := hashFor(t.Header.Alg)
	if err != nil {
		return err
	}
	digest := digestOf(h, t.signingInput)
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		if !strings.HasPrefix(t.Header.Alg, "ES") {
			return fmt.Errorf("%w: the token uses %s but the certificate has an EC key", ErrBadSignature, t.Header.Alg)
		}
		if want := curveAlg(k.Curve); want != t.Header.Alg {
			return fmt.Errorf("%w: the token uses %s but the certificate's key needs %s", ErrBadSignature, t.Header.Alg, want)
		}
		size := (k.Curve.Params().BitSize + 7) / 8
		if len(t.signature) != 2*size {
			return fmt.Errorf("%w: ECDSA signature has %d bytes, expected %d", ErrBadSignature, len(t.signature), 2*size)
		}
		r := new(big.Int).SetBytes(t.signature[:size])
		s := new(big.Int).SetBytes(t.signature[size:])
		if !ecdsa.Verify(k, digest, r, s) {
			return ErrBadSignature
		}
		return nil
	case *rsa.PublicKey:
		switch {
		case strings.HasPrefix(t.Header.Alg, "RS"):
			if rsa.VerifyPKCS1v15(k, h, digest, t.signature) != nil {
				return ErrBadSignature
			}
			return nil
		case strings.HasPrefix(t.Header.Alg, "PS"):
			if rsa.VerifyPSS(k, h, digest, t.signature, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash}) != nil {
				return ErrBadSignature
			}
			return nil
		}
		return fmt.Errorf("%w: the token uses %s but the certificate has an RSA key", ErrBadSignature, t.Header.Alg)
	}
	return fmt.Errorf("%w: unsupported public key type %T", ErrBadSignature, pub)
}

func curveAlg(c elliptic.Curve) string {
	switch c {
	case elliptic.P256():
		return "ES256"
	case elliptic.P384():
		return "ES384"
	case elliptic.P521():
		return "ES512"
	}
	return "unsupported curve"
}

func digestOf(h crypto.Hash, b []byte) []byte {
	switch h {
	case crypto.SHA384:
		s := sha512.Sum384(b)
		return s[:]
	case crypto.SHA512:
		s := sha512.Sum512(b)
		return s[:]
	}
	s := sha256.Sum256(b)
	return s[:]
}
