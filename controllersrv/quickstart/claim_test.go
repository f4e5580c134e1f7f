package quickstart

import (
	"crypto/x509/pkix"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

func TestClaimNewAndEmptyHomes(t *testing.T) {
	for _, home := range []string{filepath.Join(t.TempDir(), "new", "home"), t.TempDir()} {
		if err := Claim(home); err != nil {
			t.Fatalf("%s: %v", home, err)
		}
		if _, err := os.Stat(MarkerPath(home)); err != nil {
			t.Fatalf("no marker in a claimed home: %v", err)
		}
		if err := Claim(home); err != nil {
			t.Fatalf("claiming a marked home again: %v", err)
		}
	}
}

// A home written by a controllersrv from before the marker is adopted.
func TestClaimAdoptsEarlierHome(t *testing.T) {
	home := t.TempDir()
	if err := EnsurePKI(home, []string{"127.0.0.1"}); err != nil {
		t.Fatal(err)
	}
	if err := WriteConfig(home, Config(home, "127.0.0.1:1280", "127.0.0.1:1280")); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(home, "db"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := Claim(home); err != nil {
		t.Fatalf("an earlier controllersrv home must be adopted: %v", err)
	}
	if _, err := os.Stat(MarkerPath(home)); err != nil {
		t.Fatalf("adopted home has no marker: %v", err)
	}
}

func TestClaimRefusesForeignHomes(t *testing.T) {
	foreignRoot := func(home string) {
		key, err := pki.GenerateKey(pki.ECP256)
		if err != nil {
			t.Fatal(err)
		}
		is, err := pki.Issue(pki.Request{Kind: pki.KindRootCA, Subject: pkix.Name{CommonName: RootCA}, Validity: time.Hour, MaxPathLen: -1}, key.Public(), key, nil)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(home, "pki", RootCA, "certs", RootCA+".cert")
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, pki.EncodeCertsPEM(is.Cert), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for name, c := range map[string]struct {
		make func(home string)
		want string
	}{
		"other files": {func(home string) {
			if err := os.WriteFile(filepath.Join(home, "ctrl.yaml"), []byte("v: 3\n"), 0o600); err != nil {
				t.Fatal(err)
			}
		}, "ctrl.yaml"},
		"other root": {foreignRoot, "a root CA controllersrv did not make"},
	} {
		t.Run(name, func(t *testing.T) {
			home := t.TempDir()
			c.make(home)
			err := Claim(home)
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), home) {
				t.Fatalf("want a refusal naming %s and %q, got %v", home, c.want, err)
			}
			if _, err := os.Stat(MarkerPath(home)); !os.IsNotExist(err) {
				t.Fatal("a refused home got a marker")
			}
		})
	}
}
