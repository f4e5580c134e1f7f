package domain

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/jwtsign"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// The domain runs on a real database and a real PKI, without HTTP.

func newKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func newCA(t *testing.T, cn string) *pki.Issuer {
	t.Helper()
	k := newKey(t)
	ca, err := pki.Issue(pki.Request{Kind: pki.KindRootCA, Subject: pkix.Name{CommonName: cn}, Validity: time.Hour, MaxPathLen: -1}, k.Public(), k, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &pki.Issuer{Cert: ca.Cert, Key: k}
}

func newController(t *testing.T) *Controller {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "ctrl.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	signing := newCA(t, "signing")
	k := newKey(t)
	web, err := pki.Issue(pki.Request{Kind: pki.KindServer, Subject: pkix.Name{CommonName: "web"}, Validity: time.Hour,
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}}, k.Public(), nil, signing)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := jwtsign.New(web.Cert, k)
	if err != nil {
		t.Fatal(err)
	}
	return &Controller{DB: db, Signer: signer, SigningCA: signing, CABundle: []*x509.Certificate{signing.Cert},
		IssuerURL: "https://127.0.0.1:1280", EnrollmentDuration: time.Hour, ClientCertValidity: time.Hour}
}

func csrOf(t *testing.T, k crypto.Signer, tmpl *x509.CertificateRequest) *x509.CertificateRequest {
	t.Helper()
	der, err := x509.CreateCertificateRequest(rand.Reader, tmpl, k)
	if err != nil {
		t.Fatal(err)
	}
	csr, err := x509.ParseCertificateRequest(der)
	if err != nil {
		t.Fatal(err)
	}
	return csr
}

// wantCode fails unless err is an *Error with code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || e.Code != code {
		t.Fatalf("got %v, want an error with code %s", err, code)
	}
}

func ptr[T any](v T) *T { return &v }

func TestNamedKindCreateUpdateDelete(t *testing.T) {
	c := newController(t)
	in := &IdentityInput{NamedInput: NamedInput{Name: ptr("alice"), Tags: map[string]any{"team": "a"}},
		RoleAttributes: &[]string{"devices"}}
	in.Enrollment = &struct {
		OTT   *bool   `json:"ott"`
		OTTCA *string `json:"ottca"`
		UPDB  *string `json:"updb"`
	}{OTT: ptr(true)}
	v, err := Identities.Create(c, in, Keys{"name": true, "tags": true, "roleAttributes": true, "enrollment": true})
	if err != nil {
		t.Fatal(err)
	}
	if v.TypeID != "Default" || v.AuthPolicyID != DefaultAuthPolicyID || v.Tags["team"] != "a" || len(v.RoleAttributes) != 1 {
		t.Fatalf("created %+v", v)
	}
	_, err = Identities.Create(c, &IdentityInput{NamedInput: NamedInput{Name: ptr("alice")}}, Keys{"name": true})
	var ce *store.ConflictError
	if !errors.As(err, &ce) || ce.Field != "name" {
		t.Fatalf("duplicate name: %v", err)
	}
	_, err = Identities.Create(c, &IdentityInput{}, Keys{})
	wantCode(t, err, CodeCouldNotValidate)

	// PATCH changes what it sends; PUT resets what it leaves out.
	if err := Identities.Update(c, v.ID, &IdentityInput{Type: ptr("Router")}, Keys{"type": true}, true); err != nil {
		t.Fatal(err)
	}
	got := readIdentity(t, c, v.ID)
	if got.TypeID != "Router" || got.Name != "alice" || len(got.RoleAttributes) != 1 || !got.UpdatedAt.After(v.UpdatedAt.Add(-time.Nanosecond)) {
		t.Fatalf("after PATCH %+v", got)
	}
	if err := Identities.Update(c, v.ID, &IdentityInput{NamedInput: NamedInput{Name: ptr("alice2")}}, Keys{"name": true}, false); err != nil {
		t.Fatal(err)
	}
	got = readIdentity(t, c, v.ID)
	if got.Name != "alice2" || got.TypeID != "Default" || len(got.RoleAttributes) != 0 || got.Tags != nil {
		t.Fatalf("after PUT %+v", got)
	}
	wantCode(t, Identities.Update(c, v.ID, &IdentityInput{}, Keys{}, false), CodeCouldNotValidate)
	// Exact type names (the spec's enum); User, Device and Service are
	// stored as Default, as OpenZiti stores them.
	wantCode(t, Identities.Update(c, v.ID, &IdentityInput{Type: ptr("device")}, Keys{"type": true}, true), CodeCouldNotValidate)
	if err := Identities.Update(c, v.ID, &IdentityInput{Type: ptr("Device")}, Keys{"type": true}, true); err != nil {
		t.Fatal(err)
	}
	if got = readIdentity(t, c, v.ID); got.TypeID != "Default" {
		t.Fatalf("type Device stored as %q, want Default", got.TypeID)
	}
	wantCode(t, Identities.Update(c, "nope", &IdentityInput{}, Keys{}, true), CodeNotFound)
	bad := &IdentityInput{RoleAttributes: &[]string{" "}}
	wantCode(t, Identities.Update(c, v.ID, bad, Keys{"roleAttributes": true}, true), CodeCouldNotValidate)

	// Deleting deletes the identity's enrollments; the default admin stays.
	if err := Identities.Delete(c, v.ID); err != nil {
		t.Fatal(err)
	}
	_ = c.DB.View(func(tx *store.Tx) error {
		if n := tx.Count(store.BucketEnrollments); n != 0 {
			t.Errorf("%d enrollments left after deleting their identity", n)
		}
		return nil
	})
	wantCode(t, Identities.Delete(c, v.ID), CodeNotFound)
	admin := &store.Identity{Named: store.Named{ID: "admin", Name: "admin"}, IsAdmin: true, IsDefaultAdmin: true}
	if err := c.DB.Update(func(tx *store.Tx) error { return tx.PutIdentity(admin) }); err != nil {
		t.Fatal(err)
	}
	wantCode(t, Identities.Delete(c, "admin"), CodeConflict)
}

func readIdentity(t *testing.T, c *Controller, id string) *store.Identity {
	t.Helper()
	var v *store.Identity
	if err := c.DB.View(func(tx *store.Tx) (err error) { v, err = tx.GetIdentity(id); return err }); err != nil {
		t.Fatal(err)
	}
	return v
}

func newIdentity(t *testing.T, c *Controller, name string) *store.Identity {
	t.Helper()
	v, err := Identities.Create(c, &IdentityInput{NamedInput: NamedInput{Name: &name}}, Keys{"name": true})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// enrollOTT enrolls a new identity by ott and returns its authenticator.
func enrollOTT(t *testing.T, c *Controller, name string) *store.Authenticator {
	t.Helper()
	idn := newIdentity(t, c, name)
	e, err := c.CreateEnrollment(&EnrollmentInput{Method: ptr("ott"), IdentityID: &idn.ID})
	if err != nil {
		t.Fatal(err)
	}
	found, err := c.FindEnrollment(e.Token, "ott")
	if err != nil {
		t.Fatal(err)
	}
	issued, err := c.EnrollOTT(e.Token, found, csrOf(t, newKey(t), &x509.CertificateRequest{}))
	if err != nil {
		t.Fatal(err)
	}
	if issued.Cert.Subject.CommonName != idn.ID {
		t.Fatalf("certificate CN %q, want the identity id", issued.Cert.Subject.CommonName)
	}
	if _, err := c.EnrollOTT(e.Token, found, csrOf(t, newKey(t), &x509.CertificateRequest{})); err == nil {
		t.Fatal("an ott token worked twice")
	} else {
		wantCode(t, err, CodeInvalidEnrollToken)
	}
	var aus []*store.Authenticator
	_ = c.DB.View(func(tx *store.Tx) (err error) { aus, err = tx.AuthenticatorsOfIdentity(idn.ID); return err })
	if len(aus) != 1 || aus[0].Fingerprint != pki.FingerprintSHA1(issued.Cert) || !aus[0].IsIssuedByNetwork {
		t.Fatalf("authenticators after enrollment: %+v", aus)
	}
	return aus[0]
}

func TestEnrollments(t *testing.T) {
	c := newController(t)
	enrollOTT(t, c, "dev1")

	idn := newIdentity(t, c, "dev2")
	e, err := c.CreateEnrollment(&EnrollmentInput{Method: ptr("updb"), IdentityID: &idn.ID, Username: ptr("u2")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateEnrollment(&EnrollmentInput{Method: ptr("updb"), IdentityID: &idn.ID, Username: ptr("u3")})
	wantCode(t, err, CodeConflict) // one pending enrollment per method
	_, err = c.FindEnrollment(e.Token, "ott")
	wantCode(t, err, CodeInvalidEnrollMethod)
	found, err := c.FindEnrollment(e.Token, "updb")
	if err != nil {
		t.Fatal(err)
	}
	wantCode(t, c.EnrollUPDB(e.Token, found, "u2", "abc"), CodeCouldNotValidate)
	wantCode(t, c.EnrollUPDB(e.Token, found, "other", "secret-pw"), CodeCouldNotValidate)
	if err := c.EnrollUPDB(e.Token, found, "", "secret-pw"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, c.EnrollUPDB(e.Token, found, "", "secret-pw"), CodeInvalidEnrollToken)

	// Expiry: refreshed tokens replace old ones; an expired one is refused.
	idn3 := newIdentity(t, c, "dev3")
	e3, err := c.CreateEnrollment(&EnrollmentInput{Method: ptr("ott"), IdentityID: &idn3.ID})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.RefreshEnrollment(e3.ID, ptr(time.Now().Add(2*time.Hour))); err != nil {
		t.Fatal(err)
	}
	_, err = c.FindEnrollment(e3.Token, "ott")
	wantCode(t, err, CodeInvalidEnrollToken)
	c.Now = func() time.Time { return time.Now().Add(3 * time.Hour) }
	var cur *store.Enrollment
	_ = c.DB.View(func(tx *store.Tx) (err error) { cur, err = tx.GetEnrollment(e3.ID); return err })
	_, err = c.FindEnrollment(cur.Token, "ott")
	wantCode(t, err, CodeEnrollmentExpired)
}

func TestVerifyCA(t *testing.T) {
	c := newController(t)
	third := newCA(t, "third party")
	pemCA := string(pki.EncodeCertsPEM(third.Cert))
	ca, err := CAs.Create(c, &CAInput{NamedInput: NamedInput{Name: ptr("tp")}, CertPEM: &pemCA}, Keys{"name": true, "certPem": true})
	if err != nil {
		t.Fatal(err)
	}
	_, err = CAs.Create(c, &CAInput{NamedInput: NamedInput{Name: ptr("tp2")}, CertPEM: &pemCA}, Keys{"name": true, "certPem": true})
	wantCode(t, err, CodeCertInUse)
	leafPEM := string(pki.EncodeCertsPEM(issueLeaf(t, third, "leaf")))
	_, err = CAs.Create(c, &CAInput{NamedInput: NamedInput{Name: ptr("leaf")}, CertPEM: &leafPEM}, Keys{"name": true})
	wantCode(t, err, CodeCouldNotValidate)

	wantCode(t, c.VerifyCA(ca.ID, pki.EncodeCertsPEM(issueLeaf(t, third, "not the token"))), CodeInvalidCommonName)
	wantCode(t, c.VerifyCA(ca.ID, pki.EncodeCertsPEM(issueLeaf(t, newCA(t, "other"), ca.VerificationToken))), CodeCertFailedValidation)
	wantCode(t, c.VerifyCA(ca.ID, []byte("junk")), CodeCouldNotValidate)
	if err := c.VerifyCA(ca.ID, pki.EncodeCertsPEM(issueLeaf(t, third, ca.VerificationToken))); err != nil {
		t.Fatal(err)
	}
	wantCode(t, c.VerifyCA(ca.ID, pki.EncodeCertsPEM(issueLeaf(t, third, ca.VerificationToken))), CodeCAAlreadyVerified)
	wantCode(t, c.VerifyCA("nope", nil), CodeNotFound)
	if _, err := c.CAJWT(ca.ID); err != nil {
		t.Fatal(err)
	}
}

func issueLeaf(t *testing.T, ca *pki.Issuer, cn string) *x509.Certificate {
	t.Helper()
	k := newKey(t)
	leaf, err := pki.Issue(pki.Request{Kind: pki.KindClient, Subject: pkix.Name{CommonName: cn}, Validity: time.Hour}, k.Public(), nil, ca)
	if err != nil {
		t.Fatal(err)
	}
	return leaf.Cert
}

func TestEnrollEdgeRouter(t *testing.T) {
	c := newController(t)
	r, err := EdgeRouters.Create(c, &EdgeRouterInput{NamedInput: NamedInput{Name: ptr("er1")}, Cost: ptr(int64(7))}, Keys{"name": true, "cost": true})
	if err != nil {
		t.Fatal(err)
	}
	var e *store.Enrollment
	_ = c.DB.View(func(tx *store.Tx) (err error) { e, err = tx.EdgeRouterEnrollment(r.ID); return err })
	if e == nil || e.Method != "erott" {
		t.Fatal("a new router has no erott enrollment")
	}
	k := newKey(t)
	client := csrOf(t, k, &x509.CertificateRequest{})
	_, err = c.EnrollEdgeRouter(e.Token, e, client, csrOf(t, k, &x509.CertificateRequest{}))
	wantCode(t, err, CodeCouldNotProcessCSR) // the server CSR needs SANs
	certs, err := c.EnrollEdgeRouter(e.Token, e, client, csrOf(t, k, &x509.CertificateRequest{DNSNames: []string{"er1.example"}}))
	if err != nil {
		t.Fatal(err)
	}
	if certs.Server.Cert.DNSNames[0] != "er1.example" || certs.Client.Cert.Subject.CommonName != r.ID {
		t.Fatalf("router certificates: server SANs %v, client CN %q", certs.Server.Cert.DNSNames, certs.Client.Cert.Subject.CommonName)
	}
	var got *store.EdgeRouter
	_ = c.DB.View(func(tx *store.Tx) (err error) { got, err = tx.GetEdgeRouter(r.ID); return err })
	if !got.IsVerified || got.Fingerprint != pki.FingerprintSHA1(certs.Client.Cert) || got.Cost != 7 {
		t.Fatalf("router after enrollment: %+v", got)
	}
	_, err = c.EnrollEdgeRouter(e.Token, e, client, csrOf(t, k, &x509.CertificateRequest{DNSNames: []string{"er1.example"}}))
	wantCode(t, err, CodeInvalidEnrollToken)
	if err := c.ReEnrollEdgeRouter(r.ID); err != nil {
		t.Fatal(err)
	}
	_ = c.DB.View(func(tx *store.Tx) (err error) { got, err = tx.GetEdgeRouter(r.ID); return err })
	if got.IsVerified || got.Fingerprint != "" {
		t.Fatalf("router after re-enroll: %+v", got)
	}
}

func TestCertExtension(t *testing.T) {
	c := newController(t)
	au := enrollOTT(t, c, "ext")
	_, err := c.ExtendableAuthenticator("someone-else", au.ID)
	wantCode(t, err, CodeNotFound)
	au, err = c.ExtendableAuthenticator(au.IdentityID, au.ID)
	if err != nil {
		t.Fatal(err)
	}
	oldFP := au.Fingerprint
	issued, err := c.ExtendCert(au, csrOf(t, newKey(t), &x509.CertificateRequest{}))
	if err != nil {
		t.Fatal(err)
	}
	if cur := readAuth(t, c, au.ID); cur.Fingerprint != oldFP {
		t.Fatal("the old certificate stopped working before extend-verify")
	}
	wantCode(t, c.VerifyCertExtension(au.IdentityID, au.ID, issueLeaf(t, c.SigningCA, "x")), CodeInvalidClientCert)
	if err := c.VerifyCertExtension(au.IdentityID, au.ID, issued.Cert); err != nil {
		t.Fatal(err)
	}
	if cur := readAuth(t, c, au.ID); cur.Fingerprint != pki.FingerprintSHA1(issued.Cert) {
		t.Fatal("extend-verify did not switch the authenticator to the new certificate")
	}
	wantCode(t, c.VerifyCertExtension(au.IdentityID, au.ID, issued.Cert), CodeNoPendingExtension)
}

func readAuth(t *testing.T, c *Controller, id string) *store.Authenticator {
	t.Helper()
	var a *store.Authenticator
	if err := c.DB.View(func(tx *store.Tx) (err error) { a, err = tx.GetAuthenticator(id); return err }); err != nil {
		t.Fatal(err)
	}
	return a
}
