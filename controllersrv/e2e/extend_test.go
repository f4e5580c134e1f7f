package e2e

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zitiform/terraform-provider-ziti/internal/enroll"
	"github.com/zitiform/terraform-provider-ziti/internal/testctl"
)

// TestExtend extends a certificate against each controller: enroll,
// extend with a new key, and authenticate with the new certificate.
func TestExtend(t *testing.T) {
	testctl.Both(t, extend)
}

func extend(t *testing.T, kind testctl.Kind) {
	c := sharedController(t, kind, false)
	id, jwt := c.ottJWT(t, "extend-me")
	res := enrollJWT(t, jwt)
	path := filepath.Join(t.TempDir(), "id.json")
	if err := enroll.WriteIdentity(path, res.Identity); err != nil {
		t.Fatal(err)
	}
	r, err := enroll.Extend(context.Background(), enroll.ExtendRequest{Path: path, Force: true})
	if err != nil && strings.Contains(err.Error(), "does not support certificate extension") {
		t.Skip("\n\n*** SKIPPED: controllersrv does not serve POST /current-identity/authenticators/{id}/extend yet, so the extension client " +
			"is only unit-tested (internal/enroll TestExtend). Remove nothing: this test runs by itself once the endpoint exists. ***\n")
	}
	if err != nil {
		t.Fatal(err)
	}
	if !r.Extended || r.SameKey {
		t.Fatalf("extend result %+v", r)
	}
	loaded, _ := enroll.ReadIdentity(path)
	creds, err := loaded.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := authenticateThrough(t, c.direct, creds); got != id {
		t.Fatalf("authenticated as %q, want %q", got, id)
	}
	old, _ := res.Identity.Load(nil)
	client := enroll.TrustingClient(old.Pool(), "127.0.0.1", old.TLSCertificate())
	if _, err := enroll.Authenticate(context.Background(), client, "https://"+c.direct); err == nil {
		t.Fatal("the old certificate still authenticates after extend-verify")
	}
}
