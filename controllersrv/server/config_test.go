package server

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/quickstart"
)

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func freePort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestStartConfig runs from a config in the shape the ziti_controller_config
// data source renders, with keys controllersrv does not implement.
func TestStartConfig(t *testing.T) {
	home := t.TempDir()
	if err := quickstart.EnsurePKI(home, []string{"127.0.0.1"}); err != nil {
		t.Fatal(err)
	}
	addr := freePort(t)
	p := filepath.Join(home, "pki")
	cfg := fmt.Sprintf(`v: 3
db: %[1]s/db/ctrl.db
identity:
  cert: %[2]s/network-ica/certs/network-client.cert
  server_cert: %[2]s/network-ica/certs/network-server.chain.pem
  key: %[2]s/network-ica/keys/network-components.key
  ca: %[2]s/network-ica/cas.pem
ctrl:
  listener: tls:127.0.0.1:6262
healthChecks:
  boltCheck:
    interval: 30s
edge:
  api:
    address: %[3]s
  enrollment:
    signingCert:
      cert: %[2]s/signing-ica/certs/signing-ica.chain.pem
      key: %[2]s/signing-ica/keys/signing-ica.key
    edgeIdentity:
      duration: 60m
    edgeRouter:
      duration: 60m
web:
  - name: all-apis
    bindPoints:
      - interface: %[3]s
        address: %[3]s
    identity:
      cert: %[2]s/edge-ica/certs/edge-client.cert
      server_cert: %[2]s/edge-ica/certs/edge-server.chain.pem
      key: %[2]s/edge-ica/keys/edge-components.key
      ca: %[2]s/edge-ica/cas.pem
    apis:
      - binding: edge-management
        options: {}
      - binding: edge-client
      - binding: health-checks
`, home, p, addr)
	path := filepath.Join(home, "controller.yml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("ZITI_USERNAME", "root")
	t.Setenv("ZITI_PASSWORD", "from-env-123")
	var logs syncBuf
	s, err := StartConfig(context.Background(), path, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.URL() != "https://"+addr {
		t.Fatalf("URL %s", s.URL())
	}
	if strings.Count(logs.String(), "healthChecks: unknown") != 1 {
		t.Errorf("want one warning for healthChecks in:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), "options") {
		t.Errorf("an empty options: {} set nothing, yet was warned about:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), "from-env-123") {
		t.Fatal("the password reached the log")
	}
	c := newClient(t, s)
	c.mustStatus(c.do("GET", "/version", nil), 200)
	c.login("/edge/management/v1", "root", "from-env-123")
	c.mustStatus(c.do("GET", "/edge/management/v1/identities", nil), 200)
}

func TestStartConfigErrors(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "c.yml")
	os.WriteFile(path, []byte("v: 3\ndb: x.db\nedge:\n  api:\n    address: 127.0.0.1:1\n  enrollment:\n    signingCert:\n      cert: /nonexistent.pem\n      key: /nonexistent.key\nweb:\n  - name: w\n    bindPoints: [{interface: '127.0.0.1:0'}]\n    identity: {server_cert: a, key: b}\n    apis: [{binding: edge-client}]\n"), 0o600)
	_, err := StartConfig(context.Background(), path, nil)
	if err == nil || !strings.Contains(err.Error(), "edge.enrollment.signingCert.cert") {
		t.Fatalf("error %v does not name the key", err)
	}
	if _, err := StartConfig(context.Background(), filepath.Join(dir, "missing.yml"), nil); err == nil {
		t.Fatal("missing config accepted")
	}
}

// TestRestartReuses: a second Start on the same home keeps the PKI, the
// data and the admin password.
func TestRestartReuses(t *testing.T) {
	home := t.TempDir()
	s1, err := Start(context.Background(), Options{Home: home, Bind: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	u, pw := s1.AdminCredentials()
	if len(pw) < 16 {
		t.Fatalf("generated password too short: %d", len(pw))
	}
	c := newClient(t, s1).admin()
	id := c.createIdentity(map[string]any{"name": "keep", "type": "User", "isAdmin": false})
	ca1 := s1.CAPEM()
	if err := s1.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := Start(context.Background(), Options{Home: home, Bind: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if !bytes.Equal(ca1, s2.CAPEM()) {
		t.Fatal("CA bundle changed on restart")
	}
	if _, p := s2.AdminCredentials(); p != "" {
		t.Fatal("a reused admin must not report a password")
	}
	c2 := newClient(t, s2)
	c2.login("/edge/management/v1", u, pw)
	c2.mustStatus(c2.do("GET", "/edge/management/v1/identities/"+id, nil), 200)
	if _, err := os.Stat(filepath.Join(home, "pki", "cas.pem")); err != nil {
		t.Fatal(err)
	}
}
