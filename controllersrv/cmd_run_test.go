package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/quickstart"
)

// TestRunCommandDB: `run` refuses a config whose db is another program's
// bbolt file, leaving it unchanged, and serves the same config with --db.
func TestRunCommandDB(t *testing.T) {
	dir := t.TempDir()
	home := filepath.Join(dir, "home")
	if err := quickstart.EnsurePKI(home, []string{"127.0.0.1"}); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cfg := quickstart.Config(home, addr, addr)
	cfg.DB = filepath.Join(dir, "ctrl.db")
	data, err := cfg.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(dir, "ctrl.yml")
	if err := os.WriteFile(cfgPath, data, 0o600); err != nil {
		t.Fatal(err)
	}
	foreign, err := bolt.Open(cfg.DB, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = foreign.Update(func(tx *bolt.Tx) error {
		for _, n := range []string{"ziti", "zdb"} {
			if _, err := tx.CreateBucket([]byte(n)); err != nil {
				return err
			}
		}
		return nil
	})
	foreign.Close()
	if err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(cfg.DB)
	if err != nil {
		t.Fatal(err)
	}

	t.Setenv("ZITI_PASSWORD", "run-admin-pw-1")
	if _, err := runCLI("run", "--config", cfgPath); err == nil || !strings.Contains(err.Error(), cfg.DB) || !strings.Contains(err.Error(), "--db") {
		t.Fatalf("run on another program's database: want a refusal naming it and --db, got %v", err)
	}

	resetFlags()
	var out lockedBuf
	rootCmd.SetOut(&out)
	rootCmd.SetErr(&out)
	own := filepath.Join(dir, "own", "controllersrv.db")
	rootCmd.SetArgs([]string{"run", "--config", cfgPath, "--db", own})
	ctx, cancel := context.WithCancel(context.Background())
	// cobra hands the context to a subcommand only if it has none yet, and
	// the run above gave it one.
	if runCmd, _, err := rootCmd.Find([]string{"run"}); err == nil {
		runCmd.SetContext(ctx)
	}
	done := make(chan error, 1)
	go func() { done <- rootCmd.ExecuteContext(ctx) }()
	ca, err := os.ReadFile(quickstart.CABundlePath(home))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca)
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}, Timeout: 5 * time.Second}
	ready := false
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline) && !ready; time.Sleep(100 * time.Millisecond) {
		if resp, err := hc.Get("https://" + addr + "/version"); err == nil {
			resp.Body.Close()
			ready = resp.StatusCode == http.StatusOK
		}
	}
	cancel()
	if err := <-done; err != nil || !ready {
		t.Fatalf("run --db: ready=%v, err=%v\n%s", ready, err, out.String())
	}
	if _, err := os.Stat(own); err != nil {
		t.Fatalf("--db did not create controllersrv's own database: %v", err)
	}
	after, err := os.ReadFile(cfg.DB)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Fatal("the foreign database changed")
	}
}
