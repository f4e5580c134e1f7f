package provider

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/server"
	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

// TestAccFaultControllerRestartDuringApply restarts the controller (same
// home, same address) while terraform applies 200 identities. The apply
// must either succeed through the client's retries or fail with a clear
// error; either way the state must then match the controller exactly: no
// identity the controller has that the state does not track, none in the
// state that the controller lacks. A second apply converges, and destroy
// leaves nothing behind.
func TestAccFaultControllerRestartDuringApply(t *testing.T) {
	requireAcc(t)
	home := t.TempDir()
	const user, pw = "admin", "fault-pw-0123456789"
	start := func(bind string) *server.Server {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		s, err := server.Start(ctx, server.Options{Home: home, Bind: bind, AdminUsername: user, AdminPassword: pw})
		if err != nil {
			t.Fatalf("starting the controller on %s: %v", bind, err)
		}
		return s
	}
	var mu sync.Mutex
	srv := start("127.0.0.1:0")
	t.Cleanup(func() { mu.Lock(); defer mu.Unlock(); srv.Close() })
	bind := srv.Addrs()[0].(*net.TCPAddr).String()
	caFile := filepath.Join(home, "cas-copy.pem")
	if err := os.WriteFile(caFile, srv.CAPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(srv.CAPEM())
	api, err := edgeapi.New(edgeapi.Config{Endpoint: srv.URL(), Username: user, Password: pw, RootCAs: pool})
	if err != nil {
		t.Fatal(err)
	}
	prefix := fmt.Sprintf("fault-%d", time.Now().UnixNano()%1e6)
	const n = 200
	d := newTFDriver(t, fmt.Sprintf(`
terraform {
  required_providers {
    ziti = { source = "zitiform/ziti" }
  }
}
provider "ziti" {
  endpoint = %q
  username = %q
  ca_file  = %q
}
resource "ziti_identity" "x" {
  count = %d
  name  = "%s-${count.index}"
}
`, srv.URL(), user, caFile, n, prefix), "ZITI_PASSWORD="+pw)
	// No init: dev_overrides serve the only provider.

	controllerIDs := func() map[string]bool {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		list, err := api.ListIdentities(ctx, edgeapi.ListOptions{Filter: fmt.Sprintf("name contains %q", prefix+"-")})
		if err != nil {
			t.Fatalf("listing identities: %v", err)
		}
		ids := map[string]bool{}
		for _, i := range list {
			ids[i.ID] = true
		}
		return ids
	}
	stateIDs := func() map[string]bool {
		t.Helper()
		out := d.must("show", "-json", "-no-color")
		var st struct {
			Values struct {
				RootModule struct {
					Resources []struct {
						Type   string         `json:"type"`
						Values map[string]any `json:"values"`
					} `json:"resources"`
				} `json:"root_module"`
			} `json:"values"`
		}
		if err := json.Unmarshal([]byte(out[strings.Index(out, "{"):]), &st); err != nil {
			t.Fatalf("terraform show -json: %v", err)
		}
		ids := map[string]bool{}
		for _, r := range st.Values.RootModule.Resources {
			if r.Type == "ziti_identity" {
				ids[fmt.Sprint(r.Values["id"])] = true
			}
		}
		return ids
	}
	same := func(when string) {
		t.Helper()
		c, s := controllerIDs(), stateIDs()
		var untracked, missing []string
		for id := range c {
			if !s[id] {
				untracked = append(untracked, id)
			}
		}
		for id := range s {
			if !c[id] {
				missing = append(missing, id)
			}
		}
		sort.Strings(untracked)
		sort.Strings(missing)
		if len(untracked)+len(missing) > 0 {
			t.Fatalf("%s: state and controller differ: %d untracked on the controller %v, %d in state but not on the controller %v",
				when, len(untracked), untracked, len(missing), missing)
		}
		t.Logf("%s: state and controller agree on %d identities", when, len(c))
	}

	// Restart once a fifth of the identities exist: Close (in-flight
	// requests finish, new connections are refused), 1.5 s down, then the
	// same home on the same address.
	restarted := make(chan time.Duration, 1)
	go func() {
		deadline := time.Now().Add(5 * time.Minute)
		for time.Now().Before(deadline) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			list, err := api.ListIdentities(ctx, edgeapi.ListOptions{Filter: fmt.Sprintf("name contains %q", prefix+"-")})
			cancel()
			if err == nil && len(list) >= n/5 {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		t0 := time.Now()
		mu.Lock()
		srv.Close()
		time.Sleep(1500 * time.Millisecond)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		s2, err := server.Start(ctx, server.Options{Home: home, Bind: bind, AdminUsername: user, AdminPassword: pw})
		cancel()
		if err != nil {
			t.Errorf("restarting the controller on %s: %v", bind, err)
		} else {
			srv = s2
		}
		mu.Unlock()
		restarted <- time.Since(t0)
	}()
	out, applyErr := d.run("apply", "-auto-approve", "-input=false", "-no-color")
	var down time.Duration
	select {
	case down = <-restarted:
	case <-time.After(2 * time.Minute):
		t.Fatal("the controller was never restarted: the apply finished before a fifth of the identities existed")
	}
	if applyErr != nil {
		// A clear error: a diagnostic naming what failed, no panic.
		if !strings.Contains(out, "Error:") || strings.Contains(out, "panic:") || strings.Contains(out, "goroutine ") {
			t.Fatalf("the apply failed without a clear error:\n%s", tail(out, 40))
		}
		t.Logf("the apply failed across a %v restart, with: %s", down.Round(time.Millisecond), strings.Join(strings.Fields(tail(out[strings.Index(out, "Error:"):], 8)), " "))
	} else {
		t.Logf("the apply succeeded across a %v restart (client retries)", down.Round(time.Millisecond))
	}
	same("after the faulty apply")

	// The next apply converges to exactly n, and then plans nothing.
	d.must("apply", "-auto-approve", "-input=false", "-no-color")
	same("after the second apply")
	if got := len(controllerIDs()); got != n {
		t.Fatalf("%d identities on the controller, want %d", got, n)
	}
	d.must("plan", "-detailed-exitcode", "-input=false", "-no-color")
	d.must("destroy", "-auto-approve", "-input=false", "-no-color")
	if left := controllerIDs(); len(left) != 0 {
		t.Fatalf("%d identities left after destroy", len(left))
	}
}
