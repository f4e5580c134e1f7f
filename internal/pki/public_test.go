package pki

import (
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadOrCreateKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "ca.key")
	k1, created, err := LoadOrCreateKeyFile(path, ECP384)
	if err != nil || !created {
		t.Fatalf("first call: created=%v err=%v", created, err)
	}
	if b, _ := os.ReadFile(path); !strings.HasPrefix(string(b), "-----BEGIN PRIVATE KEY-----") {
		t.Error("a new key file is not PKCS #8, which ziti pki needs")
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode: %v %v", st, err)
	}
	if dst, _ := os.Stat(filepath.Dir(path)); dst.Mode().Perm() != 0o700 {
		t.Errorf("key directory mode %v, want 0700", dst.Mode().Perm())
	}
	k2, created, err := LoadOrCreateKeyFile(path, RSA2048)
	if err != nil || created {
		t.Fatalf("second call: created=%v err=%v", created, err)
	}
	if !SameKey(k2, k1.Public()) {
		t.Fatal("the second call returned another key: the file must be reused")
	}
	if alg, _ := AlgorithmOf(k2.Public()); alg != ECP384 {
		t.Errorf("algorithm %s, want the file's EC-P384 (key_algorithm only applies when creating)", alg)
	}
	f1, _ := PublicKeyFingerprintSHA256(k1.Public())
	f2, _ := PublicKeyFingerprintSHA256(k2.Public())
	if f1 != f2 || len(f1) != 64 {
		t.Errorf("fingerprints %q %q", f1, f2)
	}
	pubPEM, err := EncodePublicKeyPEM(k1.Public())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := pem.Decode(pubPEM)
	if b == nil || b.Type != "PUBLIC KEY" {
		t.Fatalf("public key PEM: %s", pubPEM)
	}
	if _, err := x509.ParsePKIXPublicKey(b.Bytes); err != nil {
		t.Fatal(err)
	}

	bad := filepath.Join(t.TempDir(), "bad.key")
	if err := os.WriteFile(bad, []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err = LoadOrCreateKeyFile(bad, ECP256)
	if err == nil || !strings.Contains(err.Error(), bad) {
		t.Fatalf("a file that holds no key: %v, want an error naming the file", err)
	}
	if b, _ := os.ReadFile(bad); string(b) != "not a key" {
		t.Fatal("a file that holds no key was overwritten")
	}
}
