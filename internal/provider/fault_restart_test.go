package provider

import (
	"context"
	"crypto/x509"
	"net"
	"os"
	"path/filepath"
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
// leaves nothing behind. TestAccFaultControllerKilledDuringApply is the
// same with kill -9 instead of a graceful stop.
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
	const n = 200
	rig := newFaultRig(t, api, srv.URL(), user, pw, caFile, n)

	// Restart once a fifth of the identities exist: Close (in-flight
	// requests finish, new connections are refused), 1.5 s down, then the
	// same home on the same address.
	restarted := make(chan time.Duration, 1)
	go func() {
		rig.waitForCount(n/5, 5*time.Minute, nil)
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
	out, applyErr := rig.apply()
	var down time.Duration
	select {
	case down = <-restarted:
	case <-time.After(2 * time.Minute):
		t.Fatal("the controller was never restarted: the apply finished before a fifth of the identities existed")
	}
	if applyErr != nil {
		requireClearFailure(t, out)
		t.Logf("the apply failed across a %v restart, with: %s", down.Round(time.Millisecond), strings.Join(strings.Fields(tail(out[strings.Index(out, "Error:"):], 8)), " "))
	} else {
		t.Logf("the apply succeeded across a %v restart (client retries)", down.Round(time.Millisecond))
	}
	rig.same("after the faulty apply")
	// The next apply converges to exactly n, and then plans nothing.
	rig.converge()
}
