// Package e2e proves on loopback why the controller needs TCP passthrough
// (enrollment JWTs are verified with the certificate presented on the
// connection to the issuer): controllersrv and the real OpenZiti
// controller, each behind a TCP passthrough proxy (nginx stream, HAProxy mode tcp) enrolls and
// authenticates clients; behind a TLS-terminating proxy (nginx http with its
// own certificate, what an ALB does) enrollment fails with the passthrough
// diagnostic and the controller check reports passthrough_ok = false.
package e2e

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zitiform/terraform-provider-ziti/internal/enroll"
	"github.com/zitiform/terraform-provider-ziti/internal/enroll/pkcs11key"
	"github.com/zitiform/terraform-provider-ziti/internal/enroll/proxytest"
	"github.com/zitiform/terraform-provider-ziti/internal/enroll/softhsmtest"
	"github.com/zitiform/terraform-provider-ziti/internal/pki"
	"github.com/zitiform/terraform-provider-ziti/internal/testctl"
)

// authenticateThrough logs in with the identity's certificate through addr
// and returns the identity id the controller saw.
func authenticateThrough(t testing.TB, addr string, creds *enroll.Credentials) string {
	t.Helper()
	client := enroll.TrustingClient(creds.Pool(), "127.0.0.1", creds.TLSCertificate())
	s, err := enroll.Authenticate(context.Background(), client, "https://"+addr)
	if err != nil {
		t.Fatalf("identity cannot authenticate through %s: %v", addr, err)
	}
	var me struct {
		ID string `json:"id"`
	}
	if err := s.Do(context.Background(), "GET", "/current-identity", nil, &me); err != nil {
		t.Fatal(err)
	}
	return me.ID
}

func checkPassthrough(t *testing.T, kind testctl.Kind, c *controller, addr string) {
	t.Helper()
	_, jwt := c.ottJWT(t, "probe-"+t.Name())
	r, err := enroll.CheckController(context.Background(), addr, enroll.CheckOptions{JWTs: []string{jwt}})
	if err != nil {
		t.Fatal(err)
	}
	if !r.PassthroughOK || !r.AddressCovered || r.ChainTrusted == nil || !*r.ChainTrusted || r.Version == "" || len(r.Problems) != 0 || r.SignerCheck != enroll.SignerCheckJWT {
		t.Fatalf("controller check through %s: passthrough_ok=%v covered=%v trusted=%v version=%q problems=%q",
			addr, r.PassthroughOK, r.AddressCovered, r.ChainTrusted, r.Version, r.Problems)
	}
	checkWithoutJWT(t, kind, addr, true)
}

// checkWithoutJWT runs the check without credentials. controllersrv
// publishes its enrollment signers (GET /edge/client/v1/enroll/jwks, in the
// Edge API spec), which then decide; OpenZiti v1.7.2 answers that
// operation with 501, and its public network JWT (GET
// /edge/client/v1/network-jwts), signed with the same key, decides instead.
// Either way signer says whether the presented certificate is the signer.
func checkWithoutJWT(t *testing.T, kind testctl.Kind, addr string, signer bool) {
	t.Helper()
	r, err := enroll.CheckController(context.Background(), addr, enroll.CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := enroll.SignerCheckJWKS
	if kind == testctl.Ziti {
		want = enroll.SignerCheckNetworkJWT
	}
	if r.PassthroughOK != signer || r.SignerCheck != want || r.LeafIsSigner == nil || *r.LeafIsSigner != signer {
		t.Fatalf("check without JWT (%s) through %s: %+v", want, addr, r)
	}
}

func TestEnrollThroughNginxStream(t *testing.T) {
	testctl.Both(t, enrollThroughNginxStream)
}

func enrollThroughNginxStream(t *testing.T, kind testctl.Kind) {
	c := sharedController(t, kind, true)
	addr := c.front
	proxytest.StartNginx(t, addr, c.direct, true)

	id, jwt := c.ottJWT(t, "nginx-stream-client")
	tok, err := enroll.ParseToken(jwt)
	if err != nil {
		t.Fatal(err)
	}
	if tok.Addr != addr {
		t.Fatalf("JWT iss %s, want the proxy %s", tok.Claims.Issuer, addr)
	}
	res, err := enroll.Enroll(context.Background(), enroll.Request{Token: tok})
	if err != nil {
		t.Fatalf("enrollment through nginx stream: %v", err)
	}
	path := filepath.Join(t.TempDir(), "id.json")
	if err := enroll.WriteIdentity(path, res.Identity); err != nil {
		t.Fatal(err)
	}
	loaded, _ := enroll.ReadIdentity(path)
	creds, err := loaded.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := authenticateThrough(t, addr, creds); got != id {
		t.Fatalf("authenticated as %q, want %q", got, id)
	}
	checkPassthrough(t, kind, c, addr)
}

// TestEnrollThroughHAProxyWithTokenKey also keeps the key on a SoftHSM
// token: generated there, never extractable, signing the CSR and then the
// TLS handshakes that authenticate the identity through the proxy.
func TestEnrollThroughHAProxyWithTokenKey(t *testing.T) {
	testctl.Both(t, enrollThroughHAProxyWithTokenKey)
}

func enrollThroughHAProxyWithTokenKey(t *testing.T, kind testctl.Kind) {
	c := sharedController(t, kind, true)
	addr := c.front
	proxytest.StartHAProxy(t, addr, c.direct)
	if !pkcs11key.Available {
		msg := "\n\n*** this test binary has no cgo, so PKCS#11 cannot be tested: the token-key part is SKIPPED (build with CGO_ENABLED=1) ***\n"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	hsm := softhsmtest.New(t, "ziti-e2e")
	t.Setenv("ZITI_E2E_PIN", hsm.UserPIN)

	id, jwt := c.ottJWT(t, "haproxy-hsm-client")
	tok, err := enroll.ParseToken(jwt)
	if err != nil {
		t.Fatal(err)
	}
	key, created, _, err := pkcs11key.LoadOrCreate("pkcs11:token="+hsm.Label+";object=e2e-key?module-path="+hsm.Module+"&pin-source=env:ZITI_E2E_PIN", pki.ECP256)
	if err != nil || !created {
		t.Fatalf("token key: created=%v err=%v", created, err)
	}
	t.Cleanup(func() { _ = enroll.CloseKey(key.Signer) })
	res, err := enroll.Enroll(context.Background(), enroll.Request{Token: tok, Key: key})
	if err != nil {
		t.Fatalf("enrollment through haproxy: %v", err)
	}
	if !enroll.IsPKCS11(res.Identity.ID.Key) || strings.Contains(res.Identity.ID.Key, hsm.UserPIN) {
		t.Fatalf("id.key should be the pkcs11 URI without the PIN, got %q", res.Identity.ID.Key)
	}
	path := filepath.Join(t.TempDir(), "id.json")
	if err := enroll.WriteIdentity(path, res.Identity); err != nil {
		t.Fatal(err)
	}
	out := hsm.Tool(t, "--list-objects", "--type", "privkey")
	if err := contains(out, "e2e-key", "sensitive", "never extractable"); err != nil {
		t.Fatalf("token key attributes: %v", err)
	}

	loaded, _ := enroll.ReadIdentity(path)
	creds, err := loaded.Load(pkcs11key.Resolve)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = enroll.CloseKey(creds.Key) })
	if got := authenticateThrough(t, addr, creds); got != id {
		t.Fatalf("authenticated as %q, want %q", got, id)
	}
	checkPassthrough(t, kind, c, addr)
}

func TestEnrollThroughTLSTerminatingProxyFails(t *testing.T) {
	testctl.Both(t, enrollThroughTLSTerminatingProxyFails)
}

func enrollThroughTLSTerminatingProxyFails(t *testing.T, kind testctl.Kind) {
	c := sharedController(t, kind, true)
	addr := c.front
	proxytest.StartNginx(t, addr, c.direct, false)

	id, jwt := c.ottJWT(t, "behind-alb")
	tok, err := enroll.ParseToken(jwt)
	if err != nil {
		t.Fatal(err)
	}
	_, err = enroll.Enroll(context.Background(), enroll.Request{Token: tok})
	if !errors.Is(err, enroll.ErrNotSigner) {
		t.Fatalf("enrollment through a TLS-terminating proxy: got %v, want the passthrough diagnostic", err)
	}
	want := fmt.Sprintf("the certificate presented by %s is not the one that signed this token - is TLS terminated by a proxy or load balancer? The controller must be reachable with TCP passthrough", addr)
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("message:\n%s\nwant it to contain:\n%s", err, want)
	}
	// The token was not spent: the enrollment is still pending.
	d, err := c.admin.GetIdentity(context.Background(), id)
	if err != nil || d.Enrollment.Ott == nil {
		t.Fatalf("the failed attempt consumed the enrollment: %v", err)
	}

	r, err := enroll.CheckController(context.Background(), addr, enroll.CheckOptions{JWTs: []string{jwt}})
	if err != nil {
		t.Fatal(err)
	}
	if r.PassthroughOK || r.LeafIsSigner == nil || *r.LeafIsSigner || r.SignerCheck != enroll.SignerCheckJWT {
		t.Fatalf("check: passthrough_ok=%v leaf_is_signer=%v via %s", r.PassthroughOK, r.LeafIsSigner, r.SignerCheck)
	}
	if r.ChainTrusted == nil || *r.ChainTrusted {
		t.Fatalf("the proxy's certificate must not verify against the controller's CA bundle: %v", r.ChainTrusted)
	}
	if !strings.Contains(strings.Join(r.Problems, "\n"), "TCP passthrough") {
		t.Fatalf("problems lack the passthrough diagnostic: %q", r.Problems)
	}
	// Without a JWT to compare, the check must still not call it OK.
	checkWithoutJWT(t, kind, addr, false)
}
