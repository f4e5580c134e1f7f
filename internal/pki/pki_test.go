package pki

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// tree builds the recommended controller tree: root -> external ICA -> network, edge and
// signing ICAs, with a server and a client leaf under the network ICA.
type tree struct {
	root, external, network, edge, sign *Issuer
	server, client                      *Issued
	serverKey                           []byte
}

func newCA(t testing.TB, name string, alg KeyAlgorithm, parent *Issuer) *Issuer {
	t.Helper()
	key, err := GenerateKey(alg)
	if err != nil {
		t.Fatal(err)
	}
	kind := KindIntermediateCA
	if parent == nil {
		kind = KindRootCA
	}
	is, err := Issue(Request{Kind: kind, Subject: pkix.Name{CommonName: name}, Validity: 87600 * time.Hour, MaxPathLen: -1}, key.Public(), key, parent)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return &Issuer{Cert: is.Cert, Key: key, Bundle: is.Bundle}
}

func buildTree(t testing.TB, alg KeyAlgorithm) *tree {
	t.Helper()
	tr := &tree{}
	tr.root = newCA(t, "my-root-ca", alg, nil)
	tr.external = newCA(t, "my-external-ica", alg, tr.root)
	tr.network = newCA(t, "my-network-ica", alg, tr.external)
	tr.edge = newCA(t, "my-edge-ica", alg, tr.external)
	tr.sign = newCA(t, "my-sign-ica", alg, tr.external)
	key, err := GenerateKey(alg)
	if err != nil {
		t.Fatal(err)
	}
	tr.server, err = Issue(Request{Kind: KindServer, Subject: pkix.Name{CommonName: "network-server"}, Validity: 8760 * time.Hour,
		DNSNames: []string{"localhost", "ziti.example.com"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}}, key.Public(), nil, tr.network)
	if err != nil {
		t.Fatal(err)
	}
	tr.serverKey, _ = EncodePrivateKeyPEM(key)
	ckey, _ := GenerateKey(alg)
	u, _ := url.Parse("spiffe://example.org/client")
	tr.client, err = Issue(Request{Kind: KindClient, Subject: pkix.Name{CommonName: "network-client"}, Validity: 8760 * time.Hour,
		URIs: []*url.URL{u}, EmailAddresses: []string{"ops@example.org"}}, ckey.Public(), nil, tr.network)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func TestTreeChainsAndBundles(t *testing.T) {
	tr := buildTree(t, ECP256)
	// Chain: leaf, network ICA, external ICA (no root).
	if got := len(tr.server.Chain); got != 3 {
		t.Fatalf("server chain has %d certs, want 3", got)
	}
	for _, c := range tr.server.Chain {
		if IsSelfSigned(c) {
			t.Fatal("server chain must not contain the root")
		}
	}
	// Bundle of a leaf is its issuer's bundle: network, external, root.
	if got := len(tr.server.Bundle); got != 3 || !tr.server.Bundle[2].Equal(tr.root.Cert) {
		t.Fatalf("server bundle = %d certs, want network..root", got)
	}
	pool := x509.NewCertPool()
	pool.AddCert(tr.root.Cert)
	inter := x509.NewCertPool()
	for _, c := range tr.server.Chain[1:] {
		inter.AddCert(c)
	}
	if _, err := tr.server.Cert.Verify(x509.VerifyOptions{Roots: pool, Intermediates: inter, DNSName: "ziti.example.com"}); err != nil {
		t.Fatalf("Go verify: %v", err)
	}
	if FingerprintSHA1(tr.root.Cert) == "" || len(FingerprintSHA256(tr.root.Cert)) != 64 || len(FingerprintSHA1(tr.root.Cert)) != 40 {
		t.Fatal("bad fingerprints")
	}
	if tr.server.Cert.SerialNumber.BitLen() < 64 {
		t.Fatalf("serial has only %d bits", tr.server.Cert.SerialNumber.BitLen())
	}
	if !tr.server.Cert.NotBefore.Before(time.Now().Add(-time.Minute)) {
		t.Fatal("NotBefore should allow for clock skew")
	}
}

func requireOpenSSL(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("openssl"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("openssl is required in CI")
		}
		t.Skip("!!! SKIPPED: openssl not installed; the OpenSSL cross-checks did not run !!!")
	}
}

func openssl(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command("openssl", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestOpenSSLCrossCheck writes the ziti-layout tree and verifies it with
// OpenSSL, not only with Go's parser.
func TestOpenSSLCrossCheck(t *testing.T) {
	requireOpenSSL(t)
	for _, alg := range []KeyAlgorithm{ECP256, ECP384, RSA2048} {
		t.Run(string(alg), func(t *testing.T) {
			tr := buildTree(t, alg)
			dir := t.TempDir()
			var files []File
			for name, ca := range map[string]*Issuer{"my-root-ca": tr.root, "my-external-ica": tr.external, "my-network-ica": tr.network, "my-edge-ica": tr.edge, "my-sign-ica": tr.sign} {
				kp, _ := EncodePrivateKeyPEM(ca.Key)
				is := &Issued{Cert: ca.Cert, Bundle: ca.Bundle, Chain: append([]*x509.Certificate{ca.Cert}, withoutRoot(ca.Bundle[1:])...)}
				files = append(files, CAFiles(name, is, kp)...)
			}
			files = append(files, LeafFiles("my-network-ica", "network-server", tr.server, tr.serverKey)...)
			files = append(files, LeafFiles("my-network-ica", "network-client", tr.client, nil)...)
			if err := WriteFiles(dir, files); err != nil {
				t.Fatal(err)
			}
			p := func(s string) string { return filepath.Join(dir, s) }
			root := p("my-root-ca/certs/my-root-ca.cert")
			openssl(t, "verify", "-x509_strict", "-purpose", "sslserver", "-CAfile", root, "-untrusted", p("my-network-ica/certs/network-server.chain.pem"), p("my-network-ica/certs/network-server.cert"))
			openssl(t, "verify", "-x509_strict", "-purpose", "sslclient", "-CAfile", root, "-untrusted", p("my-network-ica/certs/network-server.chain.pem"), p("my-network-ica/certs/network-client.cert"))
			// cas.pem of the network ICA is a complete trust store on its own.
			openssl(t, "verify", "-x509_strict", "-CAfile", p("my-network-ica/cas.pem"), p("my-network-ica/certs/network-server.cert"))
			// A server cert must not pass as a client cert.
			if out, err := exec.Command("openssl", "verify", "-purpose", "sslclient", "-CAfile", p("my-network-ica/cas.pem"), p("my-network-ica/certs/network-server.cert")).CombinedOutput(); err == nil {
				t.Fatalf("server cert verified for sslclient:\n%s", out)
			}
			text := openssl(t, "x509", "-noout", "-text", "-in", p("my-network-ica/certs/network-server.cert"))
			for _, want := range []string{"TLS Web Server Authentication", "DNS:localhost", "DNS:ziti.example.com", "IP Address:127.0.0.1", "CA:FALSE", "Digital Signature", "Subject Key Identifier", "Authority Key Identifier"} {
				if !strings.Contains(text, want) {
					t.Errorf("server cert text lacks %q", want)
				}
			}
			if alg == RSA2048 && !strings.Contains(text, "Key Encipherment") {
				t.Error("RSA server cert lacks Key Encipherment")
			}
			ctext := openssl(t, "x509", "-noout", "-text", "-in", p("my-network-ica/certs/network-client.cert"))
			for _, want := range []string{"TLS Web Client Authentication", "URI:spiffe://example.org/client", "email:ops@example.org"} {
				if !strings.Contains(ctext, want) {
					t.Errorf("client cert text lacks %q", want)
				}
			}
			catext := openssl(t, "x509", "-noout", "-text", "-in", p("my-sign-ica/certs/my-sign-ica.cert"))
			for _, want := range []string{"CA:TRUE", "Certificate Sign, CRL Sign"} {
				if !strings.Contains(catext, want) {
					t.Errorf("CA cert text lacks %q", want)
				}
			}
			// The key file is private, and the key matches the certificate per OpenSSL.
			st, err := os.Stat(p("my-network-ica/keys/network-server.key"))
			if err != nil || st.Mode().Perm() != KeyMode {
				t.Fatalf("key file mode: %v %v", st.Mode(), err)
			}
			pubFromKey := openssl(t, "pkey", "-in", p("my-network-ica/keys/network-server.key"), "-pubout")
			pubFromCert := openssl(t, "x509", "-noout", "-pubkey", "-in", p("my-network-ica/certs/network-server.cert"))
			if pubFromKey != pubFromCert {
				t.Fatal("private key does not match the certificate")
			}
			// Fingerprint agrees with OpenSSL's.
			fp := openssl(t, "x509", "-noout", "-fingerprint", "-sha1", "-in", root)
			want := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(fp[strings.Index(fp, "=")+1:]), ":", ""))
			if want != FingerprintSHA1(tr.root.Cert) {
				t.Fatalf("sha1 fingerprint %s, openssl says %s", FingerprintSHA1(tr.root.Cert), want)
			}
		})
	}
}

func TestWriteFilesIdempotentAndSafe(t *testing.T) {
	dir := t.TempDir()
	files := []File{{Path: "a/certs/x.cert", Data: []byte("one"), Mode: CertMode}, {Path: "a/keys/x.key", Data: []byte("k"), Mode: KeyMode}}
	if err := WriteFiles(dir, files); err != nil {
		t.Fatal(err)
	}
	st1, _ := os.Stat(filepath.Join(dir, "a/certs/x.cert"))
	time.Sleep(10 * time.Millisecond)
	if err := WriteFiles(dir, files); err != nil {
		t.Fatal(err)
	}
	st2, _ := os.Stat(filepath.Join(dir, "a/certs/x.cert"))
	if !st1.ModTime().Equal(st2.ModTime()) {
		t.Error("unchanged file was rewritten")
	}
	for _, bad := range []string{"../x", "/abs", "a//b", "a/./b", ""} {
		if err := WriteFiles(dir, []File{{Path: bad, Data: []byte("x"), Mode: CertMode}}); err == nil {
			t.Errorf("path %q accepted", bad)
		}
	}
	// A conflicting set writes nothing at all.
	err := WriteFiles(dir, []File{{Path: "new/x", Data: []byte("1"), Mode: CertMode}, {Path: "new/x", Data: []byte("2"), Mode: CertMode}})
	if err == nil {
		t.Fatal("conflicting paths accepted")
	}
	if _, err := os.Stat(filepath.Join(dir, "new")); !os.IsNotExist(err) {
		t.Fatal("half-written tree after a rejected file set")
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "a/certs"))
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp") {
			t.Fatalf("temp file left behind: %s", e.Name())
		}
	}
}

func TestIssueRejects(t *testing.T) {
	tr := buildTree(t, ECP256)
	key, _ := GenerateKey(ECP256)
	leaf := &Issuer{Cert: tr.server.Cert, Key: key}
	cases := map[string]struct {
		req    Request
		issuer *Issuer
		want   string
	}{
		"issuer not a CA":     {Request{Kind: KindClient, Subject: pkix.Name{CommonName: "x"}, Validity: time.Hour}, leaf, "not a CA"},
		"server without SANs": {Request{Kind: KindServer, Subject: pkix.Name{CommonName: "x"}, Validity: time.Hour}, tr.network, "at least one DNS name or IP"},
		"key mismatch":        {Request{Kind: KindClient, Subject: pkix.Name{CommonName: "x"}, Validity: time.Hour}, &Issuer{Cert: tr.network.Cert, Key: key}, "does not belong"},
		"zero validity":       {Request{Kind: KindClient, Subject: pkix.Name{CommonName: "x"}}, tr.network, "validity"},
		"no issuer":           {Request{Kind: KindClient, Subject: pkix.Name{CommonName: "x"}, Validity: time.Hour}, nil, "needs an issuer"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Issue(tc.req, key.Public(), nil, tc.issuer)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
	// Path length 0 CAs cannot issue intermediates.
	k0, _ := GenerateKey(ECP256)
	pl0, err := Issue(Request{Kind: KindIntermediateCA, Subject: pkix.Name{CommonName: "pl0"}, Validity: time.Hour, MaxPathLen: 0}, k0.Public(), nil, tr.network)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Issue(Request{Kind: KindIntermediateCA, Subject: pkix.Name{CommonName: "sub"}, Validity: time.Hour, MaxPathLen: -1}, key.Public(), nil, &Issuer{Cert: pl0.Cert, Key: k0, Bundle: pl0.Bundle})
	if err == nil || !strings.Contains(err.Error(), "path length 0") {
		t.Fatalf("pathlen violation: %v", err)
	}
	// A leaf never outlives its issuer.
	long, err := Issue(Request{Kind: KindClient, Subject: pkix.Name{CommonName: "long"}, Validity: 1000000 * time.Hour}, key.Public(), nil, &Issuer{Cert: pl0.Cert, Key: k0, Bundle: pl0.Bundle})
	if err != nil {
		t.Fatal(err)
	}
	if long.Cert.NotAfter.After(pl0.Cert.NotAfter) {
		t.Fatal("leaf outlives its issuer")
	}
}

func TestCSRChecks(t *testing.T) {
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, _ := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "c"}}, ec)
	good := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der})
	if _, err := ParseCSRPEM(good); err != nil {
		t.Fatal(err)
	}
	tampered := append([]byte(nil), der...)
	tampered[len(tampered)-5] ^= 0xff
	if _, err := ParseCSRPEM(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: tampered})); err == nil {
		t.Fatal("tampered CSR accepted")
	}
	weak, _ := rsa.GenerateKey(rand.Reader, 1024)
	wder, _ := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "w"}}, weak)
	_, err := ParseCSRPEM(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: wder}))
	if err == nil || !strings.Contains(err.Error(), "too weak") {
		t.Fatalf("weak CSR: %v", err)
	}
	if _, err := ParseCSRPEM([]byte("junk")); err == nil {
		t.Fatal("junk accepted")
	}
}

func TestKeyRoundTrip(t *testing.T) {
	for _, alg := range []KeyAlgorithm{ECP256, ECP384, ECP521, RSA2048} {
		k, err := GenerateKey(alg)
		if err != nil {
			t.Fatal(err)
		}
		p, err := EncodePrivateKeyPEM(k)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParsePrivateKeyPEM(p)
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := AlgorithmOf(back.Public()); got != alg || !SameKey(back, k.Public()) {
			t.Fatalf("%s round trip gave %s", alg, got)
		}
	}
	if _, err := ParseKeyAlgorithm("rsa-1024"); err == nil {
		t.Fatal("RSA-1024 accepted")
	}
	if a, err := ParseKeyAlgorithm("ec-p384"); err != nil || a != ECP384 {
		t.Fatal("case-insensitive parse failed")
	}
}
