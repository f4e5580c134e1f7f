package testctl

import (
	"context"
	"crypto/tls"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

func TestKinds(t *testing.T) {
	for v, want := range map[string]string{
		"":                           "controllersrv",
		"ziti":                       "ziti",
		"all":                        "controllersrv,ziti",
		" ziti , controllersrv,ziti": "ziti,controllersrv",
	} {
		t.Setenv(EnvKinds, v)
		ks, err := Kinds()
		if err != nil {
			t.Fatalf("%q: %v", v, err)
		}
		var got []string
		for _, k := range ks {
			got = append(got, string(k))
		}
		if strings.Join(got, ",") != want {
			t.Errorf("%s=%q: %v, want %s", EnvKinds, v, got, want)
		}
	}
	t.Setenv(EnvKinds, "zitti")
	if _, err := Kinds(); err == nil || !strings.Contains(err.Error(), `unknown controller "zitti"`) {
		t.Fatalf("a misspelt kind: %v", err)
	}
}

func TestZitiBinaryOverride(t *testing.T) {
	t.Setenv(EnvZitiBin, "/nonexistent/ziti")
	if _, err := ZitiBinary(); err == nil || !strings.Contains(err.Error(), "/nonexistent/ziti") {
		t.Fatalf("a missing ZITI_BIN: %v", err)
	}
}

// TestController starts each kind, checks the handle (TLS verified with
// its CA bundle, admin login, loopback only) and that an entity survives a
// restart on the same address; the real controller also survives kill -9
// and runs an edge router.
func TestController(t *testing.T) {
	for _, kind := range []Kind{Controllersrv, Ziti} {
		t.Run(string(kind), func(t *testing.T) {
			// ZITI_PASSWORD set for the provider must not reach the controller.
			t.Setenv("ZITI_PASSWORD", "not-the-admin-password")
			c := StartT(t, kind)
			if host, _, _ := net.SplitHostPort(c.Addr); host != "127.0.0.1" {
				t.Fatalf("listens on %s, want loopback", c.Addr)
			}
			if b, err := os.ReadFile(c.CAFile); err != nil || string(b) != string(c.CAPEM) {
				t.Fatalf("CAFile differs from CAPEM (%v)", err)
			}
			// The CA bundle alone verifies the controller's certificate.
			conn, err := tls.Dial("tcp", c.Addr, &tls.Config{RootCAs: c.CertPool(), ServerName: "127.0.0.1"})
			if err != nil {
				t.Fatalf("TLS with the CA bundle: %v", err)
			}
			conn.Close()
			api, err := c.AdminClient()
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			v, err := api.Version(ctx)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: version %s", c, v.Version)
			if kind == Ziti && v.Version != "v1.7.2" {
				t.Errorf("the real controller reports %q, want v1.7.2", v.Version)
			}
			me, err := api.CurrentIdentity(ctx)
			if err != nil || !me.IsAdmin {
				t.Fatalf("the admin login: %+v, %v", me, err)
			}
			id, err := api.CreateIdentity(ctx, &edgeapi.IdentityCreate{Name: "survivor", Type: "Default"})
			if err != nil {
				t.Fatal(err)
			}
			restart := func(what string, f func(context.Context) error) {
				t0 := time.Now()
				if err := f(ctx); err != nil {
					t.Fatalf("%s: %v", what, err)
				}
				t.Logf("%s: serving again after %v", what, time.Since(t0).Round(time.Millisecond))
				api, err := c.AdminClient()
				if err != nil {
					t.Fatal(err)
				}
				if _, err := api.GetIdentity(ctx, id); err != nil {
					t.Fatalf("after %s: %v", what, err)
				}
			}
			restart("restart", c.Restart)
			if kind == Controllersrv {
				if err := c.Kill(ctx); err == nil {
					t.Error("Kill of the in-process controllersrv did not fail")
				}
				if _, err := c.StartRouter(ctx, RouterOptions{}); err == nil {
					t.Error("StartRouter on controllersrv did not fail")
				}
				return
			}
			pid := c.proc.cmd.Process.Pid
			restart("kill -9", c.Kill)
			if err := syscall.Kill(pid, 0); err == nil {
				t.Errorf("the killed controller (pid %d) still runs", pid)
			}
			checkRouter(t, c)
		})
	}
}

// checkRouter runs a real edge router on loopback and checks that it is
// online, serves its edge listener on loopback only, and stops with Close.
func checkRouter(t *testing.T, c *Controller) {
	ctx := context.Background()
	t0 := time.Now()
	r, err := c.StartRouter(ctx, RouterOptions{Name: "r1"})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("router %s (%s) online after %v, edge listener %s", r.Name, r.ID, time.Since(t0).Round(time.Millisecond), r.EdgeAddr)
	cfg, err := os.ReadFile(r.ConfigFile)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(cfg), "0.0.0.0") {
		t.Fatalf("the router config binds 0.0.0.0:\n%s", cfg)
	}
	conn, err := net.DialTimeout("tcp", r.EdgeAddr, 5*time.Second)
	if err != nil {
		t.Fatalf("the router's edge listener: %v", err)
	}
	conn.Close()
	pid := r.proc.cmd.Process.Pid
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(pid, 0); err == nil {
		t.Errorf("the router (pid %d) outlived Close", pid)
	}
}
