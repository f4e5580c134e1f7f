package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

type lockedBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *lockedBuf) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// TestQuickstartCommand runs `controllersrv quickstart` in-process the way a
// script would: wait for /version, then stop it with a signal-like cancel.
func TestQuickstartCommand(t *testing.T) {
	home := t.TempDir()
	t.Setenv("ZITI_PASSWORD", "")
	var out, errOut lockedBuf
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	rootCmd.SetOut(&out)
	rootCmd.SetErr(&errOut)
	rootCmd.SetArgs([]string{"quickstart", "--home", home, "--bind", "127.0.0.1:0", "--log-format", "json"})
	go func() { done <- rootCmd.ExecuteContext(ctx) }()

	re := regexp.MustCompile(`controller:\s+(https://\S+)`)
	var url string
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline) && url == ""; time.Sleep(50 * time.Millisecond) {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			url = m[1]
		}
	}
	if url == "" {
		cancel()
		t.Fatalf("quickstart did not report its URL:\n%s\n%s", out.String(), errOut.String())
	}
	ca, err := os.ReadFile(filepath.Join(home, "pki", "cas.pem"))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca)
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := hc.Get(url + "/version")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/version: %d", resp.StatusCode)
	}
	pw := regexp.MustCompile(`password:\s+(\S+)`).FindStringSubmatch(out.String())
	if pw == nil || len(pw[1]) < 16 || strings.Count(out.String(), pw[1]) != 1 {
		t.Fatalf("the generated password must be printed exactly once:\n%s", out.String())
	}
	if strings.Contains(errOut.String(), pw[1]) {
		t.Fatal("the password reached the log")
	}
	if !strings.Contains(errOut.String(), `"msg":"listening"`) {
		t.Fatalf("no JSON log line: %s", errOut.String())
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("quickstart returned %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("quickstart did not shut down")
	}
	if !strings.Contains(errOut.String(), "shutting down") {
		t.Fatalf("no graceful shutdown logged: %s", errOut.String())
	}
}

func TestVersionAndFlagErrors(t *testing.T) {
	var out bytes.Buffer
	rootCmd.SetOut(&out)
	rootCmd.SetArgs([]string{"version"})
	if err := rootCmd.Execute(); err != nil || !strings.HasPrefix(out.String(), "controllersrv ") {
		t.Fatalf("version: %v %q", err, out.String())
	}
	rootCmd.SetArgs([]string{"run", "--log-format", "text"})
	if err := rootCmd.Execute(); err == nil || !strings.Contains(err.Error(), "--config") {
		t.Fatalf("missing config: %v", err)
	}
	rootCmd.SetArgs([]string{"run", "--config", "/nonexistent.yml", "--log-format", "xml"})
	if err := rootCmd.Execute(); err == nil || !strings.Contains(err.Error(), "--log-format") {
		t.Fatalf("bad log format: %v", err)
	}
	// cobra keeps flag values between Execute calls in one process.
	logFormat = "text"
	if qs, _, err := rootCmd.Find([]string{"quickstart"}); err == nil {
		_ = qs.Flags().Set("home", "")
	}
	rootCmd.SetArgs([]string{"quickstart"})
	if err := rootCmd.Execute(); err == nil || !strings.Contains(err.Error(), "--home") {
		t.Fatalf("missing home: %v", err)
	}
}
