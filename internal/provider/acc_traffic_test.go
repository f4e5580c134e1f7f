package provider

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/zitiform/terraform-provider-ziti/internal/testctl"
)

// TestAccTraffic is the whole network end to end on loopback with the real
// OpenZiti controller, router and tunnelers: one configuration makes an
// edge router, a service with its configs, Bind and Dial policies, an edge
// router policy, a service edge router policy and two identities with ott
// enrollments. The router is enrolled with `ziti router enroll` from
// ziti_edge_router's JWT and run; the identities are enrolled with
// `controllersrv enroll`; `ziti tunnel host` (hosting identity) and `ziti
// tunnel proxy` (dialing identity) then carry a TCP echo through the
// overlay to an echo server on 127.0.0.1. A second apply of the same
// configuration (client_may_dial = false) takes the dialing identity out of
// the Dial policy: the proxy's next connection is refused. Real controller only: controllersrv
// has no data plane.
func TestAccTraffic(t *testing.T) {
	requireRealController(t, "traffic needs OpenZiti's edge router and tunnelers, which join only the real controller")
	t0 := time.Now()
	tr := newTrafficRun(t, accController(t))

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config:          tr.config(),
				ConfigVariables: config.Variables{"client_may_dial": config.BoolVariable(true)},
				Check:           tr.startAndEcho,
			},
			{
				Config:          tr.config(),
				ConfigVariables: config.Variables{"client_may_dial": config.BoolVariable(false)},
				PreConfig:       func() { tr.secondApply = time.Now() },
				Check:           tr.refused,
			},
		},
	})
	t.Logf("whole test %v (first echo %v after the proxy started; refused %v after the second apply started)",
		time.Since(t0).Round(time.Millisecond), tr.firstEcho.Round(time.Millisecond), tr.refusal.Round(time.Millisecond))
}

// trafficRun is the state of one TestAccTraffic run: the controller, the
// echo server, the port of the proxy's listener and what it started.
type trafficRun struct {
	t          *testing.T
	ctl        *testctl.Controller
	dir        string
	tag        string // names and role attributes of this run
	echoAddr   string
	proxyPort  int
	controller string // the controllersrv binary, for `controllersrv enroll`

	router  *testctl.Router
	tunnels []*testctl.Tunnel

	secondApply        time.Time
	firstEcho, refusal time.Duration
}

func newTrafficRun(t *testing.T, ctl *testctl.Controller) *trafficRun {
	tr := &trafficRun{t: t, ctl: ctl, dir: t.TempDir(), tag: uniqueName(t, "traffic")}
	tr.echoAddr = echoServer(t)
	tr.proxyPort = freePort(t)
	tr.controller = buildControllersrv(t)
	// The router and the tunnels stop with the test, not with the
	// controller the package shares; on failure their logs are printed
	// first (the controller keeps its directory and prints its own).
	t.Cleanup(func() {
		if t.Failed() {
			tr.dumpLogs()
		}
		for _, tu := range tr.tunnels {
			tu.Stop()
		}
		if tr.router != nil {
			tr.router.Stop()
		}
	})
	return tr
}

// config is the configuration of both applies: the variable
// client_may_dial says whether the dialing identity is in the Dial policy.
func (tr *trafficRun) config() string {
	_, echoPort, _ := net.SplitHostPort(tr.echoAddr)
	return accProviderConfig(tr.t) + strings.NewReplacer("TAG", tr.tag, "PROXY_PORT", strconv.Itoa(tr.proxyPort), "ECHO_PORT", echoPort).Replace(`
resource "ziti_edge_router" "edge" {
  name            = "TAG-edge"
  role_attributes = ["TAG-routers"]
}

resource "ziti_identity" "server" {
  name            = "TAG-server"
  type            = "Device"
  role_attributes = ["TAG-hosts"]
}

resource "ziti_identity" "client" {
  name            = "TAG-client"
  type            = "Device"
  role_attributes = ["TAG-clients"]
}

resource "ziti_enrollment" "server" {
  identity_id = ziti_identity.server.id
  method      = "ott"
  duration    = "1h"
}

resource "ziti_enrollment" "client" {
  identity_id = ziti_identity.client.id
  method      = "ott"
  duration    = "1h"
}

data "ziti_config_type" "intercept" {
  name = "intercept.v1"
}

data "ziti_config_type" "proxy" {
  name = "proxy.v1"
}

data "ziti_config_type" "host" {
  name = "host.v1"
}

# What a client's tunneler intercepts (an intercepting tunneler: the
# proxy below uses proxy.v1 instead).
resource "ziti_config" "intercept" {
  name           = "TAG-intercept"
  config_type_id = data.ziti_config_type.intercept.id
  data = jsonencode({
    protocols  = ["tcp"]
    addresses  = ["echo.TAG.ziti"]
    portRanges = [{ low = PROXY_PORT, high = PROXY_PORT }]
  })
}

# Where ziti tunnel proxy listens: loopback only.
resource "ziti_config" "proxy" {
  name           = "TAG-proxy"
  config_type_id = data.ziti_config_type.proxy.id
  data = jsonencode({
    port      = PROXY_PORT
    protocols = ["tcp"]
    binding   = "127.0.0.1"
  })
}

# Where the hosting tunneler sends the traffic: the echo server.
resource "ziti_config" "host" {
  name           = "TAG-host"
  config_type_id = data.ziti_config_type.host.id
  data = jsonencode({
    protocol = "tcp"
    address  = "127.0.0.1"
    port     = ECHO_PORT
  })
}

resource "ziti_service" "echo" {
  name            = "TAG-echo"
  configs         = [ziti_config.intercept.id, ziti_config.proxy.id, ziti_config.host.id]
  role_attributes = ["TAG-services"]
}

variable "client_may_dial" {
  type = bool
}

resource "ziti_service_policy" "bind" {
  name           = "TAG-bind"
  type           = "Bind"
  identity_roles = ["@${ziti_identity.server.id}"]
  service_roles  = ["@${ziti_service.echo.id}"]
}

resource "ziti_service_policy" "dial" {
  name           = "TAG-dial"
  type           = "Dial"
  identity_roles = var.client_may_dial ? ["#TAG-clients"] : []
  service_roles  = ["#TAG-services"]
}

resource "ziti_edge_router_policy" "edge" {
  name              = "TAG-routers"
  identity_roles    = ["#TAG-hosts", "#TAG-clients"]
  edge_router_roles = ["#TAG-routers"]
}

resource "ziti_service_edge_router_policy" "echo" {
  name              = "TAG-service-routers"
  service_roles     = ["#TAG-services"]
  edge_router_roles = ["@${ziti_edge_router.edge.id}"]
}
`)
}

// startAndEcho (after the first apply) enrolls and runs the router,
// enrolls both identities, starts both tunnelers and waits until an echo
// comes back through the proxy.
func (tr *trafficRun) startAndEcho(s *terraformState) error {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	attr := func(res, name string) (string, error) {
		r, ok := s.RootModule().Resources[res]
		if !ok {
			return "", fmt.Errorf("%s is not in the state", res)
		}
		v := r.Primary.Attributes[name]
		if v == "" {
			return "", fmt.Errorf("%s.%s is empty", res, name)
		}
		return v, nil
	}
	routerID, err := attr("ziti_edge_router.edge", "id")
	if err != nil {
		return err
	}
	routerJWT, err := attr("ziti_edge_router.edge", "enrollment_jwt")
	if err != nil {
		return err
	}
	t0 := time.Now()
	if tr.router, err = tr.ctl.StartRouter(ctx, testctl.RouterOptions{ID: routerID, JWT: routerJWT}); err != nil {
		return err
	}
	tr.t.Logf("edge router %s enrolled from enrollment_jwt and online after %v", tr.router.Name, time.Since(t0).Round(time.Millisecond))
	files := map[string]string{}
	for _, who := range []string{"server", "client"} {
		jwt, err := attr("ziti_enrollment."+who, "jwt")
		if err != nil {
			return err
		}
		if files[who], err = tr.enroll(who, jwt); err != nil {
			return err
		}
	}
	host, err := tr.ctl.StartTunnel(ctx, testctl.TunnelHost, files["server"])
	if err != nil {
		return err
	}
	proxy, err := tr.ctl.StartTunnel(ctx, testctl.TunnelProxy, files["client"])
	if err != nil {
		return err
	}
	tr.tunnels = append(tr.tunnels, host, proxy)
	t0 = time.Now()
	if err := tr.waitEcho(ctx, proxy); err != nil {
		return err
	}
	tr.firstEcho = time.Since(t0)
	tr.t.Logf("first echo through the overlay %v after the proxy started", tr.firstEcho.Round(time.Millisecond))
	return nil
}

// refused (after the second apply) waits until the proxy refuses a new
// connection: the dialing identity lost the service.
func (tr *trafficRun) refused(_ *terraformState) error {
	t0 := time.Now()
	deadline := t0.Add(time.Minute)
	proxyAddr := net.JoinHostPort("127.0.0.1", strconv.Itoa(tr.proxyPort))
	for {
		conn, err := net.DialTimeout("tcp", proxyAddr, 2*time.Second)
		if errors.Is(err, syscall.ECONNREFUSED) {
			tr.refusal = time.Since(tr.secondApply)
			// The listener closed because the service went away, not
			// because the proxy died.
			if proxy := tr.tunnels[len(tr.tunnels)-1]; proxy.Exited() {
				return fmt.Errorf("ziti tunnel proxy exited; log:\n%s", proxy.LogTail(30))
			}
			tr.t.Logf("connection to the proxy refused %v after the second apply started (%v after it ended)",
				tr.refusal.Round(time.Millisecond), time.Since(t0).Round(time.Millisecond))
			return nil
		}
		if err == nil {
			conn.Close()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the proxy at %s still accepts connections a minute after the dialing identity left the Dial policy (last: %w)", proxyAddr, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitEcho sends a line through the proxy until it comes back (the
// router, the host and the proxy each need a moment to learn of the
// service), for at most a minute.
func (tr *trafficRun) waitEcho(ctx context.Context, proxy *testctl.Tunnel) error {
	proxyAddr := net.JoinHostPort("127.0.0.1", strconv.Itoa(tr.proxyPort))
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	var last error
	for n := 1; ; n++ {
		msg := []byte(fmt.Sprintf("echo %d through the overlay\n", n))
		if last = echoOnce(proxyAddr, msg); last == nil {
			return nil
		}
		if proxy.Exited() {
			return fmt.Errorf("ziti tunnel proxy exited; log:\n%s", proxy.LogTail(30))
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("no echo through the proxy at %s within a minute: %w", proxyAddr, last)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// echoOnce connects to addr, sends msg and expects the same bytes back.
func echoOnce(addr string, msg []byte) error {
	conn, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		return err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(3 * time.Second))
	if _, err := conn.Write(msg); err != nil {
		return err
	}
	got := make([]byte, len(msg))
	if _, err := io.ReadFull(conn, got); err != nil {
		return fmt.Errorf("reading the echo: %w", err)
	}
	if !bytes.Equal(got, msg) {
		return fmt.Errorf("echo %q, sent %q", got, msg)
	}
	return nil
}

// enroll completes an ott enrollment with `controllersrv enroll` and
// returns the identity file. The JWT goes through a 0600 file that is
// removed afterwards; it never reaches the test output.
func (tr *trafficRun) enroll(who, jwt string) (string, error) {
	jwtFile := filepath.Join(tr.dir, who+".jwt")
	if err := os.WriteFile(jwtFile, []byte(jwt), 0o600); err != nil {
		return "", err
	}
	defer os.Remove(jwtFile)
	out := filepath.Join(tr.dir, who+".json")
	cmd := exec.Command(tr.controller, "enroll", "--jwt", jwtFile, "--out", out)
	cmd.Dir = tr.dir
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("controllersrv enroll (%s): %w\n%s", who, err, b)
	}
	return out, nil
}

// dumpLogs prints the tail of the router's and the tunnels' logs.
func (tr *trafficRun) dumpLogs() {
	if tr.router != nil {
		tr.t.Logf("%s:\n%s", tr.router.LogFile, tr.router.LogTail(30))
	}
	for _, tu := range tr.tunnels {
		tr.t.Logf("%s:\n%s", tu.LogFile, tu.LogTail(30))
	}
}

// echoServer serves a TCP echo on 127.0.0.1 until the test ends.
func echoServer(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				_, _ = io.Copy(conn, conn)
			}()
		}
	}()
	return l.Addr().String()
}

// freePort is a free loopback TCP port (taken again by the proxy later).
func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// buildControllersrv builds the controllersrv binary (for `controllersrv
// enroll`) into a directory of the test.
func buildControllersrv(t *testing.T) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "controllersrv")
	root, _ := filepath.Abs("../..")
	cmd := exec.Command("go", "build", "-o", out, "./controllersrv")
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building controllersrv: %v\n%s", err, b)
	}
	return out
}
