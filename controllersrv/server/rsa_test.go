package server

import (
	"context"
	"crypto/tls"
	"crypto/x509/pkix"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/jwtsign"
	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// TestRSAWebIdentity: with an RSA Edge API certificate the enrollment JWT
// is RS256, signed by that key, and enrollment works end to end.
func TestRSAWebIdentity(t *testing.T) {
	dir := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	rootKey, _ := pki.GenerateKey(pki.ECP256)
	root, err := pki.Issue(pki.Request{Kind: pki.KindRootCA, Subject: pkix.Name{CommonName: "root"}, Validity: 24 * time.Hour, MaxPathLen: -1}, rootKey.Public(), rootKey, nil)
	must(err)
	rootIs := &pki.Issuer{Cert: root.Cert, Key: rootKey}
	signKey, _ := pki.GenerateKey(pki.ECP256)
	sign, err := pki.Issue(pki.Request{Kind: pki.KindIntermediateCA, Subject: pkix.Name{CommonName: "sign"}, Validity: 24 * time.Hour}, signKey.Public(), nil, rootIs)
	must(err)
	webKey, _ := pki.GenerateKey(pki.RSA2048)
	web, err := pki.Issue(pki.Request{Kind: pki.KindServer, Subject: pkix.Name{CommonName: "web"}, Validity: 24 * time.Hour,
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}}, webKey.Public(), nil, rootIs)
	must(err)
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		must(os.WriteFile(p, data, 0o600))
		return p
	}
	signKeyPEM, _ := pki.EncodePrivateKeyPEM(signKey)
	webKeyPEM, _ := pki.EncodePrivateKeyPEM(webKey)
	write("sign.chain.pem", pki.EncodeCertsPEM(sign.Chain...))
	write("sign.key", signKeyPEM)
	write("web.chain.pem", pki.EncodeCertsPEM(web.Chain...))
	write("web.key", webKeyPEM)
	write("cas.pem", pki.EncodeCertsPEM(root.Cert))
	addr := freePort(t)
	cfg := write("c.yml", []byte(fmt.Sprintf(`v: 3
db: ctrl.db
edge:
  api: {address: "%[1]s"}
  enrollment:
    signingCert: {cert: sign.chain.pem, key: sign.key}
web:
  - name: w
    bindPoints: [{interface: "%[1]s", address: "%[1]s"}]
    identity: {server_cert: web.chain.pem, key: web.key, ca: cas.pem}
    apis: [{binding: edge-management}, {binding: edge-client}]
`, addr)))
	t.Setenv("ZITI_PASSWORD", "rsa-pw-123")
	s, err := StartConfig(context.Background(), cfg, nil)
	must(err)
	defer s.Close()
	c := newClient(t, s)
	c.login("/edge/management/v1", "admin", "rsa-pw-123")
	id := c.createIdentity(map[string]any{"name": "r", "type": "Device", "isAdmin": false, "enrollment": map[string]any{"ott": true}})
	jwt := jsonPath(c.mustStatus(c.do("GET", "/edge/management/v1/identities/"+id, nil), 200).data(t), "enrollment", "ott", "jwt").(string)
	conn, err := tls.Dial("tcp", addr, &tls.Config{InsecureSkipVerify: true}) //nolint:gosec // fetching the presented leaf
	must(err)
	leaf := conn.ConnectionState().PeerCertificates[0]
	conn.Close()
	claims, err := jwtsign.Verify(jwt, leaf)
	must(err)
	_, hdr, _ := jwtsign.ParseUnverified(jwt)
	if hdr["alg"] != "RS256" || hdr["kid"] != pki.FingerprintSHA1(leaf) || claims.Subject != id {
		t.Fatalf("header %v claims %+v", hdr, claims)
	}
	_, csr := newCSR(t)
	c.mustStatus(c.do("POST", "/edge/client/v1/enroll?method=ott&token="+claims.ID, csr, "Content-Type", "application/x-pem-file"), 200)
}
