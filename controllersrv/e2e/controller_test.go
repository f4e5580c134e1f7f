package e2e

import (
	"context"
	"crypto/x509"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
	"github.com/zitiform/terraform-provider-ziti/internal/enroll"
	"github.com/zitiform/terraform-provider-ziti/internal/enroll/proxytest"
	"github.com/zitiform/terraform-provider-ziti/internal/testctl"
)

// controller is a running controller of either kind, optionally
// advertising a front address (the proxy's) in its JWTs, as it must behind
// a load balancer.
type controller struct {
	ctl    *testctl.Controller
	direct string // host:port it listens on
	front  string // host:port it advertises, "" = direct
	admin  *edgeapi.Client
	pool   *x509.CertPool
}

// pool shares one controller per kind and role among the tests; proxies
// take turns on the one front address.
var (
	pool      testctl.Pool
	frontOnce sync.Once
	frontAddr string
)

func TestMain(m *testing.M) {
	code := m.Run()
	pool.Close(code != 0)
	os.Exit(code)
}

// sharedController is the package's controller of kind: behind=true
// advertises the front address (the test starts its proxy there), false
// is reached directly.
func sharedController(t testing.TB, kind testctl.Kind, behind bool) *controller {
	t.Helper()
	opts := testctl.Options{}
	if behind {
		frontOnce.Do(func() { frontAddr = proxytest.FreeAddr(t) })
		opts.Advertise = frontAddr
	}
	ctl := pool.Get(t, kind, opts)
	admin, err := ctl.AdminClient()
	if err != nil {
		t.Fatal(err)
	}
	return &controller{ctl: ctl, direct: ctl.Addr, front: opts.Advertise, admin: admin, pool: ctl.CertPool()}
}

// ottJWT creates an identity with an ott enrollment and returns its JWT.
func (c *controller) ottJWT(t testing.TB, name string) (id, jwt string) {
	t.Helper()
	ctx := context.Background()
	id, err := c.admin.CreateIdentity(ctx, &edgeapi.IdentityCreate{Name: name, Type: "Default", Enrollment: &edgeapi.IdentityEnrollmentCreate{Ott: true}})
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

// enrollJWT enrolls with an ott enrollment JWT and a new key.
func enrollJWT(t testing.TB, jwt string) *enroll.Result {
	t.Helper()
	tok, err := enroll.ParseToken(jwt)
	if err != nil {
		t.Fatal(err)
	}
	res, err := enroll.Enroll(context.Background(), enroll.Request{Token: tok})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func contains(s string, subs ...string) error {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return fmt.Errorf("%q lacks %q", s, sub)
		}
	}
	return nil
}
