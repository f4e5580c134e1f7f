package e2e

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/config"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/server"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
	"github.com/zitiform/terraform-provider-ziti/internal/enroll"
	"github.com/zitiform/terraform-provider-ziti/internal/pki"
	"github.com/zitiform/terraform-provider-ziti/internal/testctl"
)

// zitiCreateConfig runs the real `ziti create config controller` with the
// given ZITI_* variables (and none of the test's own) and returns the path
// of the config it wrote.
func zitiCreateConfig(t *testing.T, bin, dir, name string, vars map[string]string, args ...string) string {
	t.Helper()
	out := filepath.Join(dir, name)
	cmd := exec.Command(bin, append([]string{"create", "config", "controller", "--output", out}, args...)...)
	cmd.Dir = dir
	home := filepath.Join(dir, "user-home")
	if err := os.MkdirAll(home, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "ZITI_") && !strings.HasPrefix(kv, "HOME=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "HOME="+home, "ZITI_HOME="+dir)
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	b, err := cmd.CombinedOutput()
	if cmd.Process != nil {
		_ = os.Remove(fmt.Sprintf("/tmp/gops-agent.%d.sock", cmd.Process.Pid))
	}
	if err != nil {
		t.Fatalf("ziti create config controller %v: %v\n%s", args, err, b)
	}
	return out
}

func hasWarning(ws []string, prefix string) int {
	n := 0
	for _, w := range ws {
		if strings.HasPrefix(w, prefix) {
			n++
		}
	}
	return n
}

// TestRealZitiConfigs: every controller config shape the real ziti v1.7.2
// writes is read: its known keys used, each thing controllersrv does not
// implement warned about once, nothing refused.
func TestRealZitiConfigs(t *testing.T) {
	bin := testctl.RequireZiti(t)
	dir := t.TempDir()
	vars := map[string]string{
		"ZITI_CTRL_ADVERTISED_ADDRESS":      "127.0.0.1",
		"ZITI_CTRL_EDGE_ADVERTISED_ADDRESS": "127.0.0.1",
		"ZITI_CTRL_EDGE_ADVERTISED_PORT":    "1281",
		"ZITI_CTRL_BIND_ADDRESS":            "127.0.0.1",
		"ZITI_CTRL_EDGE_BIND_ADDRESS":       "127.0.0.1",
	}
	plain := zitiCreateConfig(t, bin, dir, "plain.yaml", vars, "--identityEnrollmentDuration", "2h", "--routerEnrollmentDuration", "45m")
	ha := zitiCreateConfig(t, bin, dir, "ha.yaml", vars, "--clustered")
	vars["ZITI_PKI_ALT_SERVER_CERT"] = filepath.Join(dir, "alt.chain.pem")
	vars["ZITI_PKI_ALT_SERVER_KEY"] = filepath.Join(dir, "alt.key")
	vars["ZITI_CONSOLE_LOCATION"] = filepath.Join(dir, "console")
	extras := zitiCreateConfig(t, bin, dir, "alt-console.yaml", vars)

	for _, path := range []string{plain, ha, extras} {
		t.Run(filepath.Base(path), func(t *testing.T) {
			c, err := config.Load(path)
			if err != nil {
				t.Fatalf("a config the real controller wrote was refused: %v", err)
			}
			for _, w := range c.Warnings {
				t.Log("warning:", w)
			}
			if c.Edge.API.Address != "127.0.0.1:1281" || c.SessionTimeout() != 30*time.Minute || c.Web[0].Options.WriteTimeout.Duration != 100*time.Second {
				t.Errorf("known keys not read: address %q, sessionTimeout %v, writeTimeout %v", c.Edge.API.Address, c.SessionTimeout(), c.Web[0].Options.WriteTimeout)
			}
			if c.Edge.Enrollment.SigningCert.Cert == "" || c.Web[0].Identity.ServerCert == "" || !c.Web[0].Serves(config.BindingEdgeClient) {
				t.Errorf("signing certificate, web identity or edge-client binding not read: %+v", c)
			}
			for _, key := range []string{"web[0].apis[2].binding", "web[0].apis[3].binding", "healthChecks"} {
				if n := hasWarning(c.Warnings, key+":"); n != 1 {
					t.Errorf("%d warnings for %s, want 1: %q", n, key, c.Warnings)
				}
			}
			if n := hasWarning(c.Warnings, "web[0].apis[0].options"); n != 0 {
				t.Errorf("the empty `options: { }` was warned about: %q", c.Warnings)
			}
		})
	}
	if c, _ := config.Load(plain); c.EnrollmentDuration() != 2*time.Hour || c.RouterEnrollmentDuration() != 45*time.Minute || c.DB != filepath.Join(dir, "db", "ctrl.db") {
		t.Errorf("plain: enrollment durations %v/%v, db %q", c.EnrollmentDuration(), c.RouterEnrollmentDuration(), c.DB)
	}
	if c, _ := config.Load(ha); c.DB != "" || hasWarning(c.Warnings, "cluster:") != 1 {
		t.Errorf("HA: db %q (want none), warnings %q (want one for cluster)", c.DB, c.Warnings)
	}
	c, _ := config.Load(extras)
	if alt := c.Web[0].Identity.AltServerCerts; len(alt) != 1 || alt[0].ServerCert != vars["ZITI_PKI_ALT_SERVER_CERT"] {
		t.Errorf("alt_server_certs not read: %+v", alt)
	}
	if n := hasWarning(c.Warnings, "web[0].apis[4]"); n != 1 {
		t.Errorf("%d warnings for the zac binding and its options, want 1: %q", n, c.Warnings)
	}
}

// snapshot maps every file and directory below root to its mode and the
// SHA-256 of its content.
func snapshot(t *testing.T, root string) map[string]string {
	t.Helper()
	m := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		v := info.Mode().String()
		if d.Type().IsRegular() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(b)
			v += " " + hex.EncodeToString(sum[:]) + " " + info.ModTime().UTC().Format(time.RFC3339Nano)
		}
		m[p] = v
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func sameSnapshot(t *testing.T, what string, before, after map[string]string) {
	t.Helper()
	for p, v := range before {
		if after[p] != v {
			t.Errorf("%s: %s changed (%s -> %s)", what, p, v, after[p])
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok {
			t.Errorf("%s: %s was created", what, p)
		}
	}
}

// syncBuf is a log sink safe for concurrent writers.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuf) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestRealControllerHome points controllersrv at the home of a real
// OpenZiti controller (made by `ziti edge quickstart`): it refuses the real
// database and the home, serves the real config and PKI with a database of
// its own, and leaves every file of the home byte-for-byte as it was.
func TestRealControllerHome(t *testing.T) {
	bin := testctl.RequireZiti(t)
	ctx := context.Background()
	ctl, err := testctl.Start(ctx, testctl.Ziti, testctl.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if err := ctl.Close(); err != nil { // stopped: controllersrv takes its port
		t.Fatal(err)
	}
	home := ctl.Home
	ctrlYAML := filepath.Join(home, "ctrl.yaml")
	realDB := filepath.Join(home, "db", "ctrl.db")
	before := snapshot(t, home)
	if _, ok := before[realDB]; !ok {
		t.Fatalf("the real quickstart made no %s", realDB)
	}

	// The real database is refused, and so is quickstart in the real home.
	s, err := server.StartFromConfig(ctx, server.ConfigOptions{Config: ctrlYAML})
	if err == nil {
		s.Close()
	}
	var fe *store.ForeignError
	if !errors.As(err, &fe) || fe.Path != realDB || !strings.Contains(err.Error(), "OpenZiti controller's database") || !strings.Contains(err.Error(), "--db") {
		t.Fatalf("run on the real config: want the real database refused, naming it and --db, got %v", err)
	}
	if s, err = server.Start(ctx, server.Options{Home: home, Bind: "127.0.0.1:0"}); err == nil {
		s.Close()
	}
	if err == nil || !strings.Contains(err.Error(), home) || !strings.Contains(err.Error(), "ctrl.yaml") {
		t.Fatalf("quickstart in the real home: want a refusal naming the home and its files, got %v", err)
	}
	sameSnapshot(t, "after the refusals", before, snapshot(t, home))

	// With a database of its own, controllersrv serves the real config: TLS
	// with the real server certificate, enrollment signed by the real
	// signing CA.
	t.Setenv("ZITI_USERNAME", "admin")
	t.Setenv("ZITI_PASSWORD", "own-admin-pw-1")
	own := filepath.Join(t.TempDir(), "controllersrv.db")
	var logs syncBuf
	s, err = server.StartFromConfig(ctx, server.ConfigOptions{Config: ctrlYAML, DB: own, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatalf("run on the real config with --db: %v", err)
	}
	realCA, err := os.ReadFile(filepath.Join(home, "pki", "root-ca", "certs", "root-ca.cert"))
	if err != nil {
		t.Fatal(err)
	}
	enrollAndLogin(t, s.URL(), realCA)
	s.Close()
	for _, key := range []string{`web[0].apis[2].binding: \"fabric\"`, `web[0].apis[3].binding: \"edge-oidc\"`, "healthChecks:"} {
		if n := strings.Count(logs.String(), key); n != 1 {
			t.Errorf("%d warnings for %s, want 1:\n%s", n, key, logs.String())
		}
	}
	if strings.Contains(logs.String(), "own-admin-pw-1") {
		t.Error("the admin password reached the log")
	}

	// An HA config written by the real ziti for the same PKI names no
	// database: refused with the hint, served with --db, and its
	// alt_server_certs entry is presented to clients asking for its name.
	cfgDir := t.TempDir()
	altPool := writeAltCert(t, cfgDir, "alt.example.test")
	pkiDir := filepath.Join(home, "pki")
	ica := filepath.Join(pkiDir, "intermediate-ca-quickstart")
	host, port, _ := net.SplitHostPort(ctl.Addr)
	ha := zitiCreateConfig(t, bin, cfgDir, "ha.yaml", map[string]string{
		"ZITI_PKI_CTRL_CA":                  filepath.Join(pkiDir, "root-ca", "certs", "root-ca.cert"),
		"ZITI_PKI_CTRL_KEY":                 filepath.Join(ica, "keys", "server.key"),
		"ZITI_PKI_CTRL_SERVER_CERT":         filepath.Join(ica, "certs", "server.chain.pem"),
		"ZITI_PKI_CTRL_CERT":                filepath.Join(ica, "certs", "client.chain.pem"),
		"ZITI_PKI_SIGNER_CERT":              filepath.Join(ica, "certs", "intermediate-ca-quickstart.cert"),
		"ZITI_PKI_SIGNER_KEY":               filepath.Join(ica, "keys", "intermediate-ca-quickstart.key"),
		"ZITI_PKI_ALT_SERVER_CERT":          filepath.Join(cfgDir, "alt.chain.pem"),
		"ZITI_PKI_ALT_SERVER_KEY":           filepath.Join(cfgDir, "alt.key"),
		"ZITI_CTRL_ADVERTISED_ADDRESS":      host,
		"ZITI_CTRL_EDGE_ADVERTISED_ADDRESS": host,
		"ZITI_CTRL_EDGE_ADVERTISED_PORT":    port,
		"ZITI_CTRL_BIND_ADDRESS":            host,
		"ZITI_CTRL_EDGE_BIND_ADDRESS":       host,
	}, "--clustered")
	if _, err := server.StartFromConfig(ctx, server.ConfigOptions{Config: ha}); err == nil || !strings.Contains(err.Error(), "--db") || !strings.Contains(err.Error(), "cluster.dataDir") {
		t.Fatalf("HA config without --db: want the hint, got %v", err)
	}
	s, err = server.StartFromConfig(ctx, server.ConfigOptions{Config: ha, DB: filepath.Join(t.TempDir(), "ha.db")})
	if err != nil {
		t.Fatalf("run on the real HA config with --db: %v", err)
	}
	defer s.Close()
	enrollAndLogin(t, s.URL(), realCA)
	conn, err := tls.Dial("tcp", ctl.Addr, &tls.Config{ServerName: "alt.example.test", RootCAs: altPool})
	if err != nil {
		t.Fatalf("the alt_server_certs certificate was not presented for its SNI name: %v", err)
	}
	conn.Close()
	s.Close()

	sameSnapshot(t, "after serving the real config", before, snapshot(t, home))
}

// enrollAndLogin logs in as the admin, creates an identity, enrolls it with
// the real enrollment client and authenticates with the new certificate.
func enrollAndLogin(t *testing.T, url string, caPEM []byte) {
	t.Helper()
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		t.Fatal("no CA certificate")
	}
	admin, err := edgeapi.New(edgeapi.Config{Endpoint: url, Username: "admin", Password: "own-admin-pw-1", RootCAs: pool})
	if err != nil {
		t.Fatal(err)
	}
	c := &controller{admin: admin, direct: strings.TrimPrefix(url, "https://")}
	id, jwt := c.ottJWT(t, "device")
	tok, err := enroll.ParseToken(jwt)
	if err != nil {
		t.Fatal(err)
	}
	res, err := enroll.Enroll(context.Background(), enroll.Request{Token: tok})
	if err != nil {
		t.Fatalf("enrolling against the real PKI: %v", err)
	}
	creds, err := res.Identity.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := authenticateThrough(t, c.direct, creds); got != id {
		t.Fatalf("authenticated as %q, want %q", got, id)
	}
}

// writeAltCert writes alt.chain.pem and alt.key in dir: a server
// certificate for name from a root of its own, returned as a pool.
func writeAltCert(t *testing.T, dir, name string) *x509.CertPool {
	t.Helper()
	rootKey, err := pki.GenerateKey(pki.ECP256)
	if err != nil {
		t.Fatal(err)
	}
	root, err := pki.Issue(pki.Request{Kind: pki.KindRootCA, Subject: pkix.Name{CommonName: "alt root"}, Validity: time.Hour, MaxPathLen: -1}, rootKey.Public(), rootKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	key, err := pki.GenerateKey(pki.ECP256)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := pki.Issue(pki.Request{Kind: pki.KindServer, Subject: pkix.Name{CommonName: name}, Validity: time.Hour, DNSNames: []string{name}},
		key.Public(), nil, &pki.Issuer{Cert: root.Cert, Key: rootKey, Bundle: []*x509.Certificate{root.Cert}})
	if err != nil {
		t.Fatal(err)
	}
	keyPEM, err := pki.EncodePrivateKeyPEM(key)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "alt.chain.pem"), pki.EncodeCertsPEM(leaf.Cert), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "alt.key"), keyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(root.Cert)
	return pool
}
