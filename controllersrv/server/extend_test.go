package server

import (
	"context"
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"path/filepath"
	"testing"

	"github.com/zitiform/terraform-provider-ziti/internal/enroll"
	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// ottIdentity creates an identity, enrolls it with ott and returns its id,
// TLS credential and key.
func ottIdentity(t testing.TB, s *Server, admin *client, name string) (string, tls.Certificate, crypto.Signer) {
	t.Helper()
	id := admin.createIdentity(map[string]any{"name": name, "type": "Device", "isAdmin": false, "enrollment": map[string]any{"ott": true}})
	d := admin.mustStatus(admin.do("GET", mgmt+"/identities/"+id, nil), 200).data(t)
	tok := jsonPath(d, "enrollment", "ott", "token").(string)
	key, csrPEM := newCSR(t)
	anon := newClient(t, s)
	r := anon.mustStatus(anon.do("POST", "/edge/client/v1/enroll?method=ott&token="+tok, csrPEM, "Content-Type", "application/x-pem-file"), 200)
	return id, credential(t, r.data(t)["cert"].(string), key), key
}

func credential(t testing.TB, chainPEM string, key crypto.Signer) tls.Certificate {
	t.Helper()
	chain, err := pki.ParseCertsPEM([]byte(chainPEM))
	if err != nil {
		t.Fatal(err)
	}
	tc := tls.Certificate{PrivateKey: key, Leaf: chain[0]}
	for _, c := range chain {
		tc.Certificate = append(tc.Certificate, c.Raw)
	}
	return tc
}

func TestCertificateExtension(t *testing.T) {
	s := testServer(t)
	admin := newClient(t, s).admin()
	idn, oldTC, _ := ottIdentity(t, s, admin, "dev1")
	sess, r := certLogin(t, s, oldTC)
	sess.mustStatus(r, 200)
	if r.data(t)["isCertExtendable"] != true {
		t.Fatalf("session of an internal-PKI certificate: %s", r.Body)
	}

	// Both APIs list the caller's authenticators.
	var authID string
	for _, base := range []string{"/edge/client/v1", "/edge/management/v1"} {
		list, _ := sess.mustStatus(sess.do("GET", base+"/current-identity/authenticators", nil), 200).json(t)["data"].([]any)
		if len(list) != 1 {
			t.Fatalf("%s authenticators: %v", base, list)
		}
		a := list[0].(map[string]any)
		if a["method"] != "cert" || a["isIssuedByNetwork"] != true || a["fingerprint"] != pki.FingerprintSHA1(oldTC.Leaf) {
			t.Fatalf("authenticator %s", tpJSON(a))
		}
		authID = a["id"].(string)
	}
	ext := "/edge/client/v1/current-identity/authenticators/" + authID

	// Bad requests.
	for name, tc := range map[string]struct {
		body   any
		status int
		code   string
	}{
		"no CSR":      {map[string]any{}, 400, "COULD_NOT_VALIDATE"},
		"garbage CSR": {map[string]any{"clientCertCsr": "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n"}, 400, "COULD_NOT_PROCESS_CSR"},
	} {
		r := sess.do("POST", ext+"/extend", tc.body)
		if r.Status != tc.status || r.errorCode(t) != tc.code {
			t.Fatalf("%s: %d %s", name, r.Status, r.Body)
		}
	}
	r = sess.mustStatus(sess.do("POST", ext+"/extend-verify", map[string]any{"clientCert": string(pki.EncodeCertsPEM(oldTC.Leaf))}), 400)
	if r.errorCode(t) != "NO_PENDING_EXTENSION" {
		t.Fatalf("verify before extend: %s", r.Body)
	}

	newKey, csr := newCSR(t)
	d := sess.mustStatus(sess.do("POST", ext+"/extend", map[string]any{"clientCertCsr": string(csr)}), 200).data(t)
	newTC := credential(t, d["clientCert"].(string), newKey)
	if _, err := pki.ParseCertsPEM([]byte(d["ca"].(string))); err != nil {
		t.Fatalf("ca: %v", err)
	}
	if newTC.Leaf.Subject.CommonName != idn {
		t.Fatalf("new cert CN %q, want the identity id", newTC.Leaf.Subject.CommonName)
	}
	// Until verified: the old certificate works, the new one does not.
	if got := identityOf(t, s, oldTC); got != idn {
		t.Fatalf("old cert before verify: %s", got)
	}
	if _, r := certLogin(t, s, newTC); r.Status != 401 {
		t.Fatalf("new cert before verify: %d %s", r.Status, r.Body)
	}
	// Verifying with another certificate changes nothing.
	r = sess.mustStatus(sess.do("POST", ext+"/extend-verify", map[string]any{"clientCert": string(pki.EncodeCertsPEM(oldTC.Leaf))}), 400)
	if r.errorCode(t) != "INVALID_CLIENT_CERT" {
		t.Fatalf("verify with the old cert: %s", r.Body)
	}
	sess.mustStatus(sess.do("POST", ext+"/extend-verify", map[string]any{"clientCert": "nope"}), 400)
	if got := identityOf(t, s, oldTC); got != idn {
		t.Fatalf("old cert after failed verify: %s", got)
	}

	sess.mustStatus(sess.do("POST", ext+"/extend-verify", map[string]any{"clientCert": d["clientCert"]}), 200)
	// Afterwards the new certificate is required; the identity and its
	// existing session keep working.
	if _, r := certLogin(t, s, oldTC); r.Status != 401 {
		t.Fatalf("old cert after verify: %d %s", r.Status, r.Body)
	}
	if got := identityOf(t, s, newTC); got != idn {
		t.Fatalf("new cert after verify: %s", got)
	}
	if me := sess.mustStatus(sess.do("GET", "/edge/client/v1/current-identity", nil), 200).data(t); me["id"] != idn {
		t.Fatalf("session across the switch: %v", me["id"])
	}
	det := admin.mustStatus(admin.do("GET", mgmt+"/identities/"+idn, nil), 200).data(t)
	if jsonPath(det, "authenticators", "cert", "fingerprint") != pki.FingerprintSHA1(newTC.Leaf) {
		t.Fatalf("authenticator after verify: %s", tpJSON(det["authenticators"]))
	}
	r = sess.mustStatus(sess.do("POST", ext+"/extend-verify", map[string]any{"clientCert": d["clientCert"]}), 400)
	if r.errorCode(t) != "NO_PENDING_EXTENSION" {
		t.Fatalf("second verify: %s", r.Body)
	}

	// Through the management API too, with the new certificate's session.
	sess2, _ := certLogin(t, s, newTC)
	_, csr3 := newCSR(t)
	sess2.mustStatus(sess2.do("POST", mgmt+"/current-identity/authenticators/"+authID+"/extend", map[string]any{"clientCertCsr": string(csr3)}), 200)

	// Someone else's authenticator: not found. A password authenticator:
	// not extendable.
	_, otherTC, _ := ottIdentity(t, s, admin, "dev2")
	other, _ := certLogin(t, s, otherTC)
	other.mustStatus(other.do("POST", ext+"/extend", map[string]any{"clientCertCsr": string(csr)}), 404)
	admins, _ := admin.mustStatus(admin.do("GET", mgmt+"/current-identity/authenticators", nil), 200).json(t)["data"].([]any)
	updb := admins[0].(map[string]any)["id"].(string)
	r = admin.mustStatus(admin.do("POST", mgmt+"/current-identity/authenticators/"+updb+"/extend", map[string]any{"clientCertCsr": string(csr)}), 400)
	if r.errorCode(t) != "AUTHENTICATOR_CANNOT_BE_EXTENDED" {
		t.Fatalf("updb extend: %s", r.Body)
	}
}

// TestCertificateExtensionThirdParty: a third-party certificate cannot be
// extended by the controller.
func TestCertificateExtensionThirdParty(t *testing.T) {
	s := testServer(t)
	admin := newClient(t, s).admin()
	ext := newExtRoot(t, "Ext Root")
	caID := admin.createCA(caBody("auto", ext.pem(), map[string]any{"isAutoCaEnrollmentEnabled": true}))
	admin.verifyCA(caID, ext)
	_, tc := ext.issue(leafOpts{CN: "dev"})
	sess, r := certLogin(t, s, tc)
	sess.mustStatus(r, 200)
	if r.data(t)["isCertExtendable"] != false {
		t.Fatalf("session of a third-party certificate claims to be extendable: %s", r.Body)
	}
	list, _ := sess.mustStatus(sess.do("GET", "/edge/client/v1/current-identity/authenticators", nil), 200).json(t)["data"].([]any)
	a := list[0].(map[string]any)
	if a["isIssuedByNetwork"] != false {
		t.Fatalf("third-party authenticator %s", tpJSON(a))
	}
	_, csr := newCSR(t)
	r = sess.mustStatus(sess.do("POST", "/edge/client/v1/current-identity/authenticators/"+a["id"].(string)+"/extend", map[string]any{"clientCertCsr": string(csr)}), 400)
	if r.errorCode(t) != "AUTHENTICATOR_CANNOT_BE_EXTENDED" {
		t.Fatalf("third-party extend: %s", r.Body)
	}
}

// TestCertificateExtensionWithClient runs the project's extension client
// (controllersrv extend) against the server.
func TestCertificateExtensionWithClient(t *testing.T) {
	s := testServer(t)
	admin := newClient(t, s).admin()
	idn, oldTC, key := ottIdentity(t, s, admin, "dev1")
	keyPEM, err := pki.EncodePrivateKeyPEM(key)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "dev1.json")
	var certs []*x509.Certificate
	for _, der := range oldTC.Certificate {
		c, err := x509.ParseCertificate(der)
		if err != nil {
			t.Fatal(err)
		}
		certs = append(certs, c)
	}
	chain := pki.EncodeCertsPEM(certs...)
	if err := enroll.WriteIdentity(path, &enroll.Identity{ZtAPI: s.URL(), ID: enroll.IdentityID{Cert: string(chain), Key: string(keyPEM), CA: string(s.CAPEM())}}); err != nil {
		t.Fatal(err)
	}
	res, err := enroll.Extend(context.Background(), enroll.ExtendRequest{Path: path, Force: true})
	if err != nil {
		t.Fatalf("extend client: %v", err)
	}
	if !res.Extended || res.Fingerprint == pki.FingerprintSHA1(oldTC.Leaf) {
		t.Fatalf("result %+v", res)
	}
	if _, r := certLogin(t, s, oldTC); r.Status != 401 {
		t.Fatalf("old cert after the client's extend-verify: %d", r.Status)
	}
	det := admin.mustStatus(admin.do("GET", mgmt+"/identities/"+idn, nil), 200).data(t)
	if jsonPath(det, "authenticators", "cert", "fingerprint") != res.Fingerprint {
		t.Fatalf("authenticator %v, client says %s", det["authenticators"], res.Fingerprint)
	}
}
