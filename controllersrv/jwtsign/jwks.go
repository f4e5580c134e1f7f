package jwtsign

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // x5t is a SHA-1 thumbprint by definition (RFC 7517)
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
)

// JWK renders a public key as a JSON Web Key (RFC 7517) with the key id
// kid; the certificate, if given, goes into x5c, x5t and x5t#S256.
func JWK(pub crypto.PublicKey, kid string, cert *x509.Certificate) (map[string]any, error) {
	b64 := base64.RawURLEncoding.EncodeToString
	k := map[string]any{"kid": kid, "use": "sig"}
	if cert != nil {
		s1 := sha1.Sum(cert.Raw) //nolint:gosec
		s256 := sha256.Sum256(cert.Raw)
		k["x5c"], k["x5t"], k["x5t#S256"] = []string{base64.StdEncoding.EncodeToString(cert.Raw)}, b64(s1[:]), b64(s256[:])
	}
	switch pub := pub.(type) {
	case *ecdsa.PublicKey:
		crv, alg := map[int]string{256: "P-256", 384: "P-384", 521: "P-521"}[pub.Curve.Params().BitSize], ""
		alg = map[string]string{"P-256": "ES256", "P-384": "ES384", "P-521": "ES512"}[crv]
		if alg == "" {
			return nil, fmt.Errorf("unsupported EC curve %s", pub.Curve.Params().Name)
		}
		ecdh, err := pub.ECDH()
		if err != nil {
			return nil, err
		}
		size := (pub.Curve.Params().BitSize + 7) / 8
		raw := ecdh.Bytes() // 0x04 || X || Y
		k["kty"], k["crv"], k["x"], k["y"], k["alg"] = "EC", crv, b64(raw[1:1+size]), b64(raw[1+size:]), alg
	case *rsa.PublicKey:
		k["kty"], k["alg"], k["n"], k["e"] = "RSA", "RS256", b64(pub.N.Bytes()), b64(big.NewInt(int64(pub.E)).Bytes())
	case ed25519.PublicKey:
		k["kty"], k["crv"], k["x"], k["alg"] = "OKP", "Ed25519", b64(pub), "EdDSA"
	default:
		return nil, fmt.Errorf("unsupported key type %T", pub)
	}
	return k, nil
}

// ParseJWKS reads the signing keys of a JSON Web Key Set by key id: RSA,
// EC (P-256, P-384, P-521) and Ed25519 keys, from their parameters or, when
// the key has an x5c chain, from its first certificate. Keys of other
// types, encryption keys and keys without a kid are skipped.
func ParseJWKS(data []byte) (map[string]crypto.PublicKey, error) {
	var set struct {
		Keys []struct {
			Kid string   `json:"kid"`
			Kty string   `json:"kty"`
			Use string   `json:"use"`
			Crv string   `json:"crv"`
			N   string   `json:"n"`
			E   string   `json:"e"`
			X   string   `json:"x"`
			Y   string   `json:"y"`
			X5C []string `json:"x5c"`
		} `json:"keys"`
	}
	if err := json.Unmarshal(data, &set); err != nil {
		return nil, fmt.Errorf("not a JSON Web Key Set: %w", err)
	}
	b := func(s string) *big.Int {
		raw, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil || len(raw) == 0 {
			return nil
		}
		return new(big.Int).SetBytes(raw)
	}
	out := map[string]crypto.PublicKey{}
	for _, k := range set.Keys {
		if k.Kid == "" || (k.Use != "" && k.Use != "sig") {
			continue
		}
		if len(k.X5C) > 0 {
			der, err := base64.StdEncoding.DecodeString(k.X5C[0])
			if err != nil {
				return nil, fmt.Errorf("key %q: x5c is not base64: %w", k.Kid, err)
			}
			cert, err := x509.ParseCertificate(der)
			if err != nil {
				return nil, fmt.Errorf("key %q: x5c: %w", k.Kid, err)
			}
			out[k.Kid] = cert.PublicKey
			continue
		}
		switch k.Kty {
		case "RSA":
			n, e := b(k.N), b(k.E)
			if n == nil || e == nil || !e.IsInt64() {
				return nil, fmt.Errorf("key %q: bad RSA parameters", k.Kid)
			}
			out[k.Kid] = &rsa.PublicKey{N: n, E: int(e.Int64())}
		case "EC":
			curve := map[string]elliptic.Curve{"P-256": elliptic.P256(), "P-384": elliptic.P384(), "P-521": elliptic.P521()}[k.Crv]
			if curve == nil {
				return nil, fmt.Errorf("key %q: unsupported curve %q", k.Kid, k.Crv)
			}
			pub, err := ecKey(curve, k.X, k.Y)
			if err != nil {
				return nil, fmt.Errorf("key %q: %w", k.Kid, err)
			}
			out[k.Kid] = pub
		case "OKP":
			raw, err := base64.RawURLEncoding.DecodeString(k.X)
			if k.Crv != "Ed25519" || err != nil || len(raw) != ed25519.PublicKeySize {
				return nil, fmt.Errorf("key %q: bad Ed25519 parameters", k.Kid)
			}
			out[k.Kid] = ed25519.PublicKey(raw)
		}
	}
	return out, nil
}

// ecKey builds an EC public key from its base64url coordinates, refusing
// a point off the curve.
func ecKey(curve elliptic.Curve, x, y string) (*ecdsa.PublicKey, error) {
	size := (curve.Params().BitSize + 7) / 8
	xb, errX := base64.RawURLEncoding.DecodeString(x)
	yb, errY := base64.RawURLEncoding.DecodeString(y)
	if errX != nil || errY != nil || len(xb) > size || len(yb) > size {
		return nil, errors.New("bad EC coordinates")
	}
	raw := make([]byte, 1+2*size)
	raw[0] = 4
	copy(raw[1+size-len(xb):], xb)
	copy(raw[1+2*size-len(yb):], yb)
	pub, err := ecdsa.ParseUncompressedPublicKey(curve, raw)
	if err != nil {
		return nil, errors.New("the point is not on the curve")
	}
	return pub, nil
}
