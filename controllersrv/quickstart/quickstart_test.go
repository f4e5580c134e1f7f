package quickstart

import (
	"bytes"
	"crypto/x509"
	"os"
	"path/filepath"
	"testing"

	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

func readCert(t *testing.T, path string) *x509.Certificate {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := pki.ParseCertsPEM(data)
	if err != nil {
		t.Fatal(err)
	}
	return c[0]
}

func TestTreeShapeAndReuse(t *testing.T) {
	home := t.TempDir()
	if err := EnsurePKI(home, []string{"ctrl.example.com"}); err != nil {
		t.Fatal(err)
	}
	dir := PKIDir(home)
	root := readCert(t, filepath.Join(dir, RootCA, "certs", RootCA+".cert"))
	ext := readCert(t, filepath.Join(dir, ExternalICA, "certs", ExternalICA+".cert"))
	if ext.CheckSignatureFrom(root) != nil {
		t.Fatal("external ICA not signed by root")
	}
	for _, ica := range []string{NetworkICA, EdgeICA, SigningICA} {
		c := readCert(t, filepath.Join(dir, ica, "certs", ica+".cert"))
		if c.CheckSignatureFrom(ext) != nil || !c.IsCA {
			t.Fatalf("%s is not a CA under the external ICA", ica)
		}
		st, err := os.Stat(filepath.Join(dir, ica, "keys", ica+".key"))
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("%s key mode: %v %v", ica, st.Mode(), err)
		}
	}
	bundle, _ := os.ReadFile(CABundlePath(home))
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(bundle)
	chain, _ := os.ReadFile(filepath.Join(dir, EdgeICA, "certs", EdgeServer+".chain.pem"))
	leaf, inter, err := pki.SplitChain(chain)
	if err != nil || len(inter) != 2 {
		t.Fatalf("edge server chain: %v, %d intermediates", err, len(inter))
	}
	ip := x509.NewCertPool()
	for _, c := range inter {
		ip.AddCert(c)
	}
	for _, name := range []string{"ctrl.example.com", "localhost", "127.0.0.1"} {
		if _, err := leaf.Verify(x509.VerifyOptions{Roots: pool, Intermediates: ip, DNSName: name}); err != nil {
			t.Fatalf("edge server cert for %s: %v", name, err)
		}
	}
	// Re-running changes nothing.
	before, _ := os.ReadFile(filepath.Join(dir, EdgeICA, "certs", EdgeServer+".cert"))
	if err := EnsurePKI(home, []string{"ctrl.example.com"}); err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(filepath.Join(dir, EdgeICA, "certs", EdgeServer+".cert"))
	if !bytes.Equal(before, after) {
		t.Fatal("re-run reissued the server certificate")
	}
	// A new advertised host reissues the server cert with the same key and CAs.
	if err := EnsurePKI(home, []string{"other.example.com"}); err != nil {
		t.Fatal(err)
	}
	re := readCert(t, filepath.Join(dir, EdgeICA, "certs", EdgeServer+".cert"))
	if re.VerifyHostname("other.example.com") != nil || !bytes.Equal(re.RawSubjectPublicKeyInfo, leaf.RawSubjectPublicKeyInfo) {
		t.Fatal("server cert not reissued for the new host with the same key")
	}
	newRoot := readCert(t, filepath.Join(dir, RootCA, "certs", RootCA+".cert"))
	if !newRoot.Equal(root) {
		t.Fatal("root changed")
	}
	if c := Config(home, "127.0.0.1:1280", "ctrl.example.com:1280"); c.Web[0].Identity.Key != filepath.Join(dir, EdgeICA, "keys", EdgeKey+".key") {
		t.Fatalf("config web key %s", c.Web[0].Identity.Key)
	}
}
