package pki

import (
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// PublicKeyFingerprintSHA256 is the lowercase hex SHA-256 of the public
// key's DER SubjectPublicKeyInfo (what `openssl pkey -pubout -outform DER |
// sha256sum` prints). A certificate and its private key have the same one,
// so state can record which key a certificate belongs to without the key.
func PublicKeyFingerprintSHA256(pub crypto.PublicKey) (string, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", fmt.Errorf("cannot encode public key of type %T: %w", pub, err)
	}
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:]), nil
}

// EncodePublicKeyPEM encodes a public key as a PEM "PUBLIC KEY" block
// (SubjectPublicKeyInfo).
func EncodePublicKeyPEM(pub crypto.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("cannot encode public key of type %T: %w", pub, err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}

// LoadOrCreateKeyFile reads the private key in the PEM file at path, or,
// when there is no such file, generates one of alg and writes it there as
// PKCS #8 (the form `ziti pki` reads; mode 0600, parent directories 0700)
// without replacing a file another process wrote meanwhile. created
// reports whether this call made it.
// Errors name the path, never key material.
func LoadOrCreateKeyFile(path string, alg KeyAlgorithm) (key crypto.Signer, created bool, err error) {
	b, err := os.ReadFile(path)
	if err == nil {
		key, err := ParsePrivateKeyPEM(b)
		if err != nil {
			return nil, false, fmt.Errorf("%s: %w", path, err)
		}
		return key, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, false, err
	}
	key, err = GenerateKey(alg)
	if err != nil {
		return nil, false, err
	}
	keyPEM, err := EncodePrivateKeyPKCS8PEM(key)
	if err != nil {
		return nil, false, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, false, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		// Another run created it between the read and now: use that key.
		return LoadOrCreateKeyFile(path, alg)
	}
	if err != nil {
		return nil, false, err
	}
	if _, err := f.Write(keyPEM); err != nil {
		_ = f.Close()
		_ = os.Remove(path)
		return nil, false, fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		_ = f.Close()
		_ = os.Remove(path)
		return nil, false, fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		_ = os.Remove(path)
		return nil, false, fmt.Errorf("writing %s: %w", path, err)
	}
	return key, true, nil
}
