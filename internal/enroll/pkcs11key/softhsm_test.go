//go:build cgo

package pkcs11key

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zitiform/terraform-provider-ziti/internal/enroll"
	"github.com/zitiform/terraform-provider-ziti/internal/enroll/softhsmtest"
	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

func TestTokenKeyIsNonExtractableAndSigns(t *testing.T) {
	hsm := softhsmtest.New(t, "ziti-unit")
	t.Setenv("ZITI_TEST_PIN", hsm.UserPIN)
	ref := "pkcs11:token=" + hsm.Label + ";object=enroll-key?module-path=" + hsm.Module + "&pin-source=env:ZITI_TEST_PIN"

	key, created, _, err := LoadOrCreate(ref, pki.ECP256)
	if err != nil {
		t.Fatal(err)
	}
	defer enroll.CloseKey(key.Signer)
	if !created {
		t.Fatal("a fresh token should get a new key")
	}
	pub, ok := key.Signer.Public().(*ecdsa.PublicKey)
	if !ok || pub.Curve != elliptic.P256() {
		t.Fatalf("public key %T", key.Signer.Public())
	}
	if strings.Contains(key.Ref, hsm.UserPIN) || !strings.Contains(key.Ref, "id=%") || !strings.Contains(key.Ref, "pin-source=env:ZITI_TEST_PIN") {
		t.Fatalf("identity key reference %q", key.Ref)
	}

	// Found again, not regenerated, through the reference written to the identity.
	again, created, _, err := LoadOrCreate(key.Ref, pki.ECP384)
	if err != nil || created || !again.Signer.Public().(*ecdsa.PublicKey).Equal(pub) {
		t.Fatalf("second load: created=%v err=%v", created, err)
	}
	_ = enroll.CloseKey(again.Signer)
	resolved, err := Resolve(key.Ref)
	if err != nil || !resolved.Public().(*ecdsa.PublicKey).Equal(pub) {
		t.Fatalf("Resolve: %v", err)
	}
	_ = enroll.CloseKey(resolved)

	// Attributes through PKCS#11 ...
	sens, extr, err := key.Signer.(*Key).Protection()
	if err != nil || !sens || extr {
		t.Fatalf("CKA_SENSITIVE=%v CKA_EXTRACTABLE=%v err=%v", sens, extr, err)
	}
	// ... and independently through OpenSC's pkcs11-tool.
	out := hsm.Tool(t, "--list-objects", "--type", "privkey")
	if !strings.Contains(out, "enroll-key") || !strings.Contains(out, "sensitive") || !strings.Contains(out, "never extractable") {
		t.Fatalf("pkcs11-tool does not report a sensitive, never-extractable key:\n%s", out)
	}

	// The CSR is signed on the token and verifies with the public key.
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "id"}}, key.Signer)
	if err != nil {
		t.Fatal(err)
	}
	csr, err := x509.ParseCertificateRequest(der)
	if err != nil || csr.CheckSignature() != nil {
		t.Fatalf("CSR signed on the token does not verify: %v", err)
	}

	// TLS client authentication with the token key: the handshake
	// signature is made by SoftHSM.
	caKey, _ := pki.GenerateKey(pki.ECP256)
	ca, _ := pki.Issue(pki.Request{Kind: pki.KindRootCA, Subject: pkix.Name{CommonName: "ca"}, Validity: time.Hour, MaxPathLen: -1}, caKey.Public(), caKey, nil)
	issuer := &pki.Issuer{Cert: ca.Cert, Key: caKey}
	client, err := pki.Issue(pki.Request{Kind: pki.KindClient, Subject: pkix.Name{CommonName: "id"}, Validity: time.Hour}, key.Signer.Public(), nil, issuer)
	if err != nil {
		t.Fatal(err)
	}
	srvKey, _ := pki.GenerateKey(pki.ECP256)
	srvCert, _ := pki.Issue(pki.Request{Kind: pki.KindServer, Subject: pkix.Name{CommonName: "s"}, Validity: time.Hour, DNSNames: []string{"localhost"}}, srvKey.Public(), nil, issuer)
	pool := x509.NewCertPool()
	pool.AddCert(ca.Cert)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(r.TLS.PeerCertificates[0].Subject.CommonName))
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{srvCert.Cert.Raw}, PrivateKey: srvKey}}, ClientAuth: tls.RequireAndVerifyClientCert, ClientCAs: pool}
	srv.StartTLS()
	defer srv.Close()
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: "localhost",
		Certificates: []tls.Certificate{{Certificate: [][]byte{client.Cert.Raw}, PrivateKey: key.Signer}}}}}
	resp, err := hc.Get(srv.URL)
	if err != nil {
		t.Fatalf("TLS client auth with the token key: %v", err)
	}
	resp.Body.Close()
}

func TestLoadOrCreateErrors(t *testing.T) {
	hsm := softhsmtest.New(t, "ziti-errs")
	cases := map[string]string{
		"pkcs11:token=nope;object=k?module-path=" + hsm.Module + "&pin-value=" + hsm.UserPIN:           `no token of ` + hsm.Module + ` matches pkcs11:token=nope;object=k?module-path=` + hsm.Module + `&pin-value=REDACTED (initialised tokens: "ziti-errs")`,
		"pkcs11:token=" + hsm.Label + ";object=k?module-path=" + hsm.Module + "&pin-value=wrong-pin-9": `token "ziti-errs" refused the PIN (CKR_PIN_INCORRECT). It was tried once and will not be retried`,
		"pkcs11:token=" + hsm.Label + ";object=k?module-path=" + filepath.Join(t.TempDir(), "none.so"): "cannot load the PKCS#11 module",
		"pkcs11:token=" + hsm.Label + ";object=k?module-path=" + hsm.Module:                            `token "ziti-errs" requires a PIN: add pin-source=`,
	}
	for ref, want := range cases {
		_, _, _, err := LoadOrCreate(ref, pki.ECP256)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want %q", strings.Split(ref, "?")[0], err, want)
			continue
		}
		if strings.Contains(err.Error(), hsm.UserPIN) || strings.Contains(err.Error(), "wrong-pin-9") {
			t.Errorf("error leaks the PIN: %v", err)
		}
	}
	if n, m := OpenSessions(), OpenModules(); n != 0 || m != 0 {
		t.Fatalf("failed opens left %d sessions and %d modules open", n, m)
	}
}
