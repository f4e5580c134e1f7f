package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zitiform/terraform-provider-ziti/internal/enroll"
	"github.com/zitiform/terraform-provider-ziti/internal/testctl"
)

// TestZitiEdgeEnrollAgainstControllersrv is the other way round: the real
// OpenZiti client (`ziti edge enroll`, the SDK's enrollment) enrolls with
// a token from controllersrv, and the identity file it writes logs in with
// its certificate.
func TestZitiEdgeEnrollAgainstControllersrv(t *testing.T) {
	bin := testctl.RequireZiti(t)
	s, newJWT := enrollTestController(t, testctl.Controllersrv)
	id, jwt := newJWT("ziti-cli-enrolled")
	out := filepath.Join(t.TempDir(), "ziti-cli.json")
	cmd := exec.Command(bin, "edge", "enroll", "--jwt", jwt, "--out", out, "--keyAlg", "EC")
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ziti edge enroll with a controllersrv token: %v\n%s", err, b)
	}
	ident, err := enroll.ReadIdentity(out)
	if err != nil {
		t.Fatalf("the identity file ziti wrote: %v", err)
	}
	if strings.TrimRight(ident.ZtAPI, "/") != s.URL() && !strings.HasPrefix(ident.ZtAPI, s.URL()+"/") {
		t.Fatalf("ztAPI %q, want %s", ident.ZtAPI, s.URL())
	}
	creds, err := ident.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	sess, err := enroll.Authenticate(context.Background(), enroll.TrustingClient(creds.Pool(), "127.0.0.1", creds.TLSCertificate()), s.URL())
	if err != nil || sess.IdentityID != id {
		t.Fatalf("certificate login with the identity ziti enrolled: %v", err)
	}
}
