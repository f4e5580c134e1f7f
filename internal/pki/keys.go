package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

// KeyAlgorithm names a key type and size in the provider's vocabulary.
type KeyAlgorithm string

// The supported key algorithms. EC-P256 is the default everywhere.
const (
	ECP256  KeyAlgorithm = "EC-P256"
	ECP384  KeyAlgorithm = "EC-P384"
	ECP521  KeyAlgorithm = "EC-P521"
	RSA2048 KeyAlgorithm = "RSA-2048"
	RSA3072 KeyAlgorithm = "RSA-3072"
	RSA4096 KeyAlgorithm = "RSA-4096"
)

// DefaultKeyAlgorithm is used when none is given.
const DefaultKeyAlgorithm = ECP256

// KeyAlgorithms lists every supported algorithm, in documentation order.
var KeyAlgorithms = []KeyAlgorithm{ECP256, ECP384, ECP521, RSA2048, RSA3072, RSA4096}

// MinRSABits is the smallest RSA modulus accepted anywhere, for keys we make
// and for keys in CSRs and issuer certificates we are handed.
const MinRSABits = 2048

// ParseKeyAlgorithm accepts the names above case-insensitively.
func ParseKeyAlgorithm(s string) (KeyAlgorithm, error) {
	for _, a := range KeyAlgorithms {
		if strings.EqualFold(s, string(a)) {
			return a, nil
		}
	}
	return "", fmt.Errorf("unsupported key algorithm %q: use one of %s", s, joinAlgs())
}

func joinAlgs() string {
	names := make([]string, len(KeyAlgorithms))
	for i, a := range KeyAlgorithms {
		names[i] = string(a)
	}
	return strings.Join(names, ", ")
}

// GenerateKey makes a new private key of the given algorithm.
func GenerateKey(alg KeyAlgorithm) (crypto.Signer, error) {
	switch alg {
	case ECP256:
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case ECP384:
		return ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	case ECP521:
		return ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	case RSA2048:
		return rsa.GenerateKey(rand.Reader, 2048)
	case RSA3072:
		return rsa.GenerateKey(rand.Reader, 3072)
	case RSA4096:
		return rsa.GenerateKey(rand.Reader, 4096)
	}
	return nil, fmt.Errorf("unsupported key algorithm %q: use one of %s", alg, joinAlgs())
}

// AlgorithmOf reports the algorithm of a public key, and fails for keys this
// package refuses to certify: RSA under 2048 bits, curves other than
// P-256/P-384/P-521, and any other key type.
func AlgorithmOf(pub crypto.PublicKey) (KeyAlgorithm, error) {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		switch k.Curve {
		case elliptic.P256():
			return ECP256, nil
		case elliptic.P384():
			return ECP384, nil
		case elliptic.P521():
			return ECP521, nil
		}
		return "", fmt.Errorf("unsupported elliptic curve %s: use P-256, P-384 or P-521", k.Curve.Params().Name)
	case *rsa.PublicKey:
		bits := k.N.BitLen()
		switch {
		case bits < MinRSABits:
			return "", fmt.Errorf("RSA key of %d bits is too weak: use at least %d bits", bits, MinRSABits)
		case bits <= 2048:
			return RSA2048, nil
		case bits <= 3072:
			return RSA3072, nil
		default:
			return RSA4096, nil
		}
	case ed25519.PublicKey:
		return "", errors.New("Ed25519 keys are not supported by OpenZiti clients: use an EC (P-256/P-384/P-521) or RSA (>= 2048 bits) key")
	}
	return "", fmt.Errorf("unsupported public key type %T: use an EC or RSA key", pub)
}

// EncodePrivateKeyPEM encodes a key in the traditional OpenSSL forms:
// SEC 1 "EC PRIVATE KEY" or PKCS #1 "RSA PRIVATE KEY".
func EncodePrivateKeyPEM(key crypto.Signer) ([]byte, error) {
	switch k := key.(type) {
	case *ecdsa.PrivateKey:
		der, err := x509.MarshalECPrivateKey(k)
		if err != nil {
			return nil, err
		}
		return pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}), nil
	case *rsa.PrivateKey:
		return pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}), nil
	}
	return nil, fmt.Errorf("cannot encode private key of type %T", key)
}

// EncodePrivateKeyPKCS8PEM encodes a key as PKCS #8 "PRIVATE KEY", the
// form `ziti pki` writes and the only one it reads back.
func EncodePrivateKeyPKCS8PEM(key crypto.Signer) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("cannot encode private key of type %T as PKCS #8: %w", key, err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// ToPKCS8PEM re-encodes a PEM private key of any supported form as PKCS #8.
func ToPKCS8PEM(data []byte) ([]byte, error) {
	key, err := ParsePrivateKeyPEM(data)
	if err != nil {
		return nil, err
	}
	return EncodePrivateKeyPKCS8PEM(key)
}

// ParsePrivateKeyPEM reads the first private key in PEM data: SEC 1,
// PKCS #1 or PKCS #8. Errors never include key material.
func ParsePrivateKeyPEM(data []byte) (crypto.Signer, error) {
	rest := data
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return nil, errors.New("no PEM private key block found: expect \"-----BEGIN EC PRIVATE KEY-----\", \"RSA PRIVATE KEY\" or \"PRIVATE KEY\"")
		}
		var (
			key any
			err error
		)
		switch block.Type {
		case "EC PRIVATE KEY":
			key, err = x509.ParseECPrivateKey(block.Bytes)
		case "RSA PRIVATE KEY":
			key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
		case "PRIVATE KEY":
			key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
		case "ENCRYPTED PRIVATE KEY":
			return nil, errors.New("encrypted private keys are not supported: decrypt it first (openssl pkey -in key.pem -out plain.pem)")
		default:
			continue
		}
		if err != nil {
			// The parse error text never contains key bytes.
			return nil, fmt.Errorf("invalid %s block: %w", block.Type, err)
		}
		signer, ok := key.(crypto.Signer)
		if !ok {
			return nil, fmt.Errorf("unsupported private key type %T", key)
		}
		if _, err := AlgorithmOf(signer.Public()); err != nil {
			return nil, err
		}
		return signer, nil
	}
}

// SameKey reports whether a private key belongs to a public key.
func SameKey(key crypto.Signer, pub crypto.PublicKey) bool {
	type equaler interface{ Equal(crypto.PublicKey) bool }
	e, ok := key.Public().(equaler)
	return ok && e.Equal(pub)
}
