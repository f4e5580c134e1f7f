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
	"github.com/zitiform/terraform-provider-ziti/internal/enroll/proxytest"
	"github.com/zitiform/terraform-provider-ziti/internal/testctl"
)

// kinds are the controllers every proof here runs on: controllersrv and the
// real OpenZiti controller.
var kinds = []testctl.Kind{testctl.Controllersrv, testctl.Ziti}

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

// The package shares one controller per kind and role: the real one takes
// seconds to start. Proxies take turns on the one front address.
var (
	sharedMu  sync.Mutex
	shared    = map[string]*controller{}
	frontAddr string
)

func TestMain(m *testing.M) {
	code := m.Run()
	sharedMu.Lock()
	for _, c := range shared {
		if code != 0 {
			fmt.Fprintf(os.Stderr, "%s (kept in %s), last lines of its log:\n%s\n", c.ctl, c.ctl.Dir, c.ctl.LogTail(40))
			_ = c.ctl.CloseKeep()
			continue
		}
		_ = c.ctl.Close()
	}
	sharedMu.Unlock()
	os.Exit(code)
}

// eachKind runs f as a subtest per controller kind; the real controller's
// part fails under CI=true and skips loudly elsewhere when bin/ziti is
// missing.
func eachKind(t *testing.T, f func(t *testing.T, kind testctl.Kind)) {
	for _, kind := range kinds {
		t.Run(string(kind), func(t *testing.T) {
			testctl.Require(t, kind)
			f(t, kind)
		})
	}
}

// sharedController is the package's controller of kind, started on first
// use: behind=true advertises the front address (the test starts its
// proxy there), false is reached directly.
func sharedController(t testing.TB, kind testctl.Kind, behind bool) *controller {
	t.Helper()
	testctl.Require(t, kind)
	sharedMu.Lock()
	defer sharedMu.Unlock()
	key := fmt.Sprintf("%s/behind=%v", kind, behind)
	if c := shared[key]; c != nil {
		return c
	}
	opts := testctl.Options{}
	if behind {
		if frontAddr == "" {
			frontAddr = proxytest.FreeAddr(t)
		}
		opts.Advertise = frontAddr
	}
	ctl, err := testctl.Start(context.Background(), kind, opts)
	if err != nil {
		t.Fatalf("starting %s: %v", kind, err)
	}
	admin, err := ctl.AdminClient()
	if err != nil {
		_ = ctl.Close()
		t.Fatal(err)
	}
	c := &controller{ctl: ctl, direct: ctl.Addr, front: opts.Advertise, admin: admin, pool: ctl.CertPool()}
	shared[key] = c
	return c
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

func contains(s string, subs ...string) error {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return fmt.Errorf("%q lacks %q", s, sub)
		}
	}
	return nil
}
