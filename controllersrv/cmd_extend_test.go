package main

import (
	"context"
	"crypto/x509/pkix"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
	"github.com/zitiform/terraform-provider-ziti/internal/enroll"
	"github.com/zitiform/terraform-provider-ziti/internal/enroll/pkcs11key"
	"github.com/zitiform/terraform-provider-ziti/internal/enroll/softhsmtest"
	"github.com/zitiform/terraform-provider-ziti/internal/pki"
	"github.com/zitiform/terraform-provider-ziti/internal/testctl"
)

func TestExtendCommand(t *testing.T) { testctl.Both(t, extendCommand) }

func extendCommand(t *testing.T, kind testctl.Kind) {
	s, newJWT := enrollTestController(t, kind)
	dir := t.TempDir()
	id, jwt := newJWT("extend-cli")
	out := filepath.Join(dir, "id.json")
	if _, err := runCLI("enroll", "--jwt", jwt, "--out", out); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(out)

	// A fresh certificate is not due a week ahead.
	stdout, err := runCLI("extend", "--identity", out, "--before", "168h")
	if err != nil || !strings.Contains(stdout, "Not extended") {
		t.Fatalf("not due: %v\n%s", err, stdout)
	}
	if now, _ := os.ReadFile(out); string(now) != string(before) {
		t.Fatal("identity rewritten although nothing was due")
	}

	stdout, err = runCLI("extend", "--identity", out, "--force")
	if err != nil || !strings.Contains(stdout, "Extended with a new key") {
		t.Fatalf("extend: %v\n%s", err, stdout)
	}
	ident, _ := enroll.ReadIdentity(out)
	creds, err := ident.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	oldID, _ := enroll.ReadIdentityBytes(before)
	old, _ := oldID.Load(nil)
	if pki.SameKey(creds.Key, old.Chain[0].PublicKey) {
		t.Fatal("file key was not replaced")
	}
	sess, err := enroll.Authenticate(context.Background(), enroll.TrustingClient(creds.Pool(), "127.0.0.1", creds.TLSCertificate()), s.URL())
	if err != nil || sess.IdentityID != id {
		t.Fatalf("new certificate does not authenticate: %v", err)
	}
}

// TestExtendCommandTokenKey: a key on a PKCS#11 token is kept (it cannot
// leave the token); only the certificate is renewed.
func TestExtendCommandTokenKey(t *testing.T) { testctl.Both(t, extendCommandTokenKey) }

func extendCommandTokenKey(t *testing.T, kind testctl.Kind) {
	requirePKCS11(t)
	hsm := softhsmtest.New(t, "ziti-extend")
	t.Setenv("ZITI_EXT_PIN", hsm.UserPIN)
	s, newJWT := enrollTestController(t, kind)
	_, jwt := newJWT("extend-hsm")
	out := filepath.Join(t.TempDir(), "id.json")
	uri := "pkcs11:token=" + hsm.Label + ";object=ext-key?module-path=" + hsm.Module + "&pin-source=env:ZITI_EXT_PIN"
	if _, err := runCLI("enroll", "--jwt", jwt, "--out", out, "--key", uri); err != nil {
		t.Fatal(err)
	}
	first, _ := enroll.ReadIdentity(out)
	stdout, err := runCLI("extend", "--identity", out, "--force")
	if err != nil || !strings.Contains(stdout, "with the same token key") {
		t.Fatalf("extend: %v\n%s", err, stdout)
	}
	second, _ := enroll.ReadIdentity(out)
	if second.ID.Key != first.ID.Key || second.ID.Cert == first.ID.Cert {
		t.Fatal("expected the same key reference and a new certificate")
	}
	creds, err := second.Load(pkcs11key.Resolve)
	if err != nil {
		t.Fatal(err)
	}
	defer enroll.CloseKey(creds.Key)
	if _, err := enroll.Authenticate(context.Background(), enroll.TrustingClient(creds.Pool(), "127.0.0.1", creds.TLSCertificate()), s.URL()); err != nil {
		t.Fatalf("extended certificate with the token key: %v", err)
	}
}

// TestEnrollOTTCACommand: the third-party certificate on the TLS connection
// becomes the identity's certificate; the controller's extension refuses it.
func TestEnrollOTTCACommand(t *testing.T) { testctl.Both(t, enrollOTTCACommand) }

func enrollOTTCACommand(t *testing.T, kind testctl.Kind) {
	s, admin, dir := enrollTestServer(t, kind)
	ctx := context.Background()
	caKey, _ := pki.GenerateKey(pki.ECP256)
	ca, err := pki.Issue(pki.Request{Kind: pki.KindRootCA, Subject: pkix.Name{CommonName: "Partner CA"}, Validity: 24 * time.Hour, MaxPathLen: -1}, caKey.Public(), caKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	issuer := &pki.Issuer{Cert: ca.Cert, Key: caKey}
	caID, err := admin.CreateCA(ctx, &edgeapi.CACreate{Name: "partner", CertPEM: string(pki.EncodeCertsPEM(ca.Cert)), IsOttCaEnrollmentEnabled: true, IsAuthEnabled: true, IdentityRoles: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	detail, err := admin.GetCA(ctx, caID)
	if err != nil {
		t.Fatal(err)
	}
	vkey, _ := pki.GenerateKey(pki.ECP256)
	vcert, err := pki.Issue(pki.Request{Kind: pki.KindClient, Subject: pkix.Name{CommonName: detail.VerificationToken}, Validity: time.Hour}, vkey.Public(), nil, issuer)
	if err != nil {
		t.Fatal(err)
	}
	if err := admin.VerifyCA(ctx, caID, pki.EncodeCertsPEM(vcert.Cert)); err != nil {
		t.Fatal(err)
	}
	id, err := admin.CreateIdentity(ctx, &edgeapi.IdentityCreate{Name: "partner-device", Type: "Device", Enrollment: &edgeapi.IdentityEnrollmentCreate{Ottca: caID}})
	if err != nil {
		t.Fatal(err)
	}
	d, _ := admin.GetIdentity(ctx, id)
	if d.Enrollment.Ottca == nil {
		t.Fatal("no ottca enrollment")
	}
	jwt := writeFile(t, dir, "ottca.jwt", d.Enrollment.Ottca.JWT)

	devKey, _ := pki.GenerateKey(pki.ECP256)
	dev, err := pki.Issue(pki.Request{Kind: pki.KindClient, Subject: pkix.Name{CommonName: "partner-device"}, Validity: time.Hour}, devKey.Public(), nil, issuer)
	if err != nil {
		t.Fatal(err)
	}
	keyPEM, _ := pki.EncodePrivateKeyPEM(devKey)
	certFile := writeFile(t, dir, "dev.cert", string(pki.EncodeCertsPEM(dev.Cert)))
	keyFile := writeFile(t, dir, "dev.key", string(keyPEM))
	out := filepath.Join(dir, "partner.json")

	if _, err := runCLI("enroll", "--jwt", jwt, "--out", out); err == nil || !strings.Contains(err.Error(), "--cert and --key") {
		t.Fatalf("ottca without --cert: %v", err)
	}
	if stdout, err := runCLI("enroll", "--jwt", jwt, "--out", out, "--cert", certFile, "--key", keyFile); err != nil {
		t.Fatalf("ottca: %v\n%s", err, stdout)
	}
	ident, _ := enroll.ReadIdentity(out)
	creds, err := ident.Load(nil)
	if err != nil || !creds.Chain[0].Equal(dev.Cert) {
		t.Fatalf("identity does not carry the third-party certificate: %v", err)
	}
	sess, err := enroll.Authenticate(ctx, enroll.TrustingClient(creds.Pool(), "127.0.0.1", creds.TLSCertificate()), s.URL())
	if err != nil || sess.IdentityID != id {
		t.Fatalf("third-party certificate does not authenticate: %v", err)
	}
	if _, err := runCLI("extend", "--identity", out, "--force"); err == nil || !strings.Contains(err.Error(), "third-party CA") {
		t.Fatalf("extending a third-party certificate: %v", err)
	}
}
