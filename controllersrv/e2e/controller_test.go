package e2e

import (
	"context"
	"crypto/x509"
	"fmt"
	"strings"
	"testing"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/server"
	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

// controller is controllersrv running in-process, advertising the front
// address (the proxy's) in its JWTs, as it must behind a load balancer.
type controller struct {
	srv    *server.Server
	direct string // host:port it listens on
	front  string // host:port it advertises
	admin  *edgeapi.Client
	pool   *x509.CertPool
}

func startController(t testing.TB, front string) *controller {
	t.Helper()
	s, err := server.Start(context.Background(), server.Options{Home: t.TempDir(), Bind: "127.0.0.1:0", Address: front, AdminPassword: "e2e-admin-pw"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(s.CAPEM()) {
		t.Fatal("controller CA bundle is empty")
	}
	direct := s.Addrs()[0].String()
	user, pw := s.AdminCredentials()
	admin, err := edgeapi.New(edgeapi.Config{Endpoint: "https://" + direct, Username: user, Password: pw, RootCAs: pool})
	if err != nil {
		t.Fatal(err)
	}
	return &controller{srv: s, direct: direct, front: front, admin: admin, pool: pool}
}

// ottJWT creates an identity with an ott enrollment and returns its JWT.
func (c *controller) ottJWT(t testing.TB, name string) (id, jwt string) {
	t.Helper()
	ctx := context.Background()
	id, err := c.admin.CreateIdentity(ctx, &edgeapi.IdentityCreate{Name: name, Type: "Device", Enrollment: &edgeapi.IdentityEnrollmentCreate{Ott: true}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := c.admin.GetIdentity(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if d.Enrollment.Ott == nil || d.Enrollment.Ott.JWT == "" {
		t.Fatal("the new identity has no ott enrollment JWT")
	}
	return id, d.Enrollment.Ott.JWT
}

func contains(s string, subs ...string) error {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return fmt.Errorf("%q lacks %q", s, sub)
		}
	}
	return nil
}
