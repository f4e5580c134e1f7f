// Package pkimodule holds the Go checks of modules/pki; the module itself
// is Terraform. The test applies the module offline with the provider built
// from this repository, then runs both controllers from what it wrote.
package pkimodule

import (
	"context"
	"crypto/rand"
	"crypto/sha1"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/server"
	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
	"github.com/zitiform/terraform-provider-ziti/internal/enroll"
	"github.com/zitiform/terraform-provider-ziti/internal/testctl"
)

// applied is what the module wrote.
type applied struct {
	configPath  string
	casFull     []byte
	edgeLeaf    *x509.Certificate // edge-server: the Edge API TLS certificate
	edgeSHA1    string            // the module's edge_server_fingerprint_sha1
	ctrlAdvert  string
	edgeAddr    string
	trustDomain string
	adminPass   string
	// planExit runs `plan -detailed-exitcode` in the module's working
	// directory and returns its exit code (0: no changes).
	planExit func(t *testing.T) int
}

// TestModuleStartsBothControllers: the PKI and the configuration the
// module writes start controllersrv and the real OpenZiti controller
// (`ziti controller edge init`, then `ziti controller run`) unchanged, and
// the enrollment tokens each issues verify with the edge server
// certificate of the tree, which is also what each presents.
func TestModuleStartsBothControllers(t *testing.T) {
	a := applyModule(t)
	t.Run("controllersrv", func(t *testing.T) {
		t.Setenv("ZITI_USERNAME", "admin")
		t.Setenv("ZITI_PASSWORD", a.adminPass)
		s, err := server.StartFromConfig(context.Background(), server.ConfigOptions{Config: a.configPath, DB: filepath.Join(t.TempDir(), "controllersrv.db")})
		if err != nil {
			t.Fatalf("controllersrv run --config %s: %v", a.configPath, err)
		}
		defer s.Close()
		checkController(t, a, false)
	})
	t.Run("ziti", func(t *testing.T) {
		testctl.RequireZiti(t)
		c := startZitiFrom(t, a.configPath, a)
		defer c.close()
		checkController(t, a, true)
		log, _ := os.ReadFile(c.LogFile)
		if strings.Contains(string(log), "default generated trust domain") {
			t.Error("the controller generated a trust domain although the configuration sets trustDomain")
		}
		if strings.Contains(string(log), a.adminPass) {
			t.Error("the controller log holds the admin password")
		}
	})
}

// runningZiti is a real controller started by startZitiFrom.
type runningZiti struct {
	*testctl.Controller
	t *testing.T
}

// startZitiFrom runs the real controller (`ziti controller edge init`, then
// `ziti controller run`) from the configuration at config.
func startZitiFrom(t *testing.T, config string, a *applied) runningZiti {
	t.Helper()
	t0 := time.Now()
	c, err := testctl.StartZitiConfig(context.Background(), config, a.casFull, testctl.Options{Username: "admin", Password: a.adminPass})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("ziti controller edge init + run from %s: ready after %v", filepath.Base(config), time.Since(t0).Round(time.Millisecond))
	return runningZiti{c, t}
}

// close stops the controller, logging its tail when the test failed.
func (c runningZiti) close() {
	if c.t.Failed() {
		c.t.Logf("controller log:\n%s", c.LogTail(40))
	}
	_ = c.Close()
}

// checkController logs in at the module's advertised address with the
// tree's CA bundle and checks an identity token and a router token.
func checkController(t *testing.T, a *applied, real bool) {
	t.Helper()
	ctx := context.Background()
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(a.casFull) {
		t.Fatal("cas_full_pem holds no certificate")
	}
	// What the Edge API presents is the tree's edge server certificate.
	conn, err := tls.Dial("tcp", a.edgeAddr, &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"})
	if err != nil {
		t.Fatalf("TLS to %s verified with cas-full.pem: %v", a.edgeAddr, err)
	}
	presented := conn.ConnectionState().PeerCertificates[0]
	conn.Close()
	if !presented.Equal(a.edgeLeaf) {
		t.Fatalf("the Edge API presents %q, not the module's edge-server certificate", presented.Subject)
	}
	api, err := edgeapi.New(edgeapi.Config{Endpoint: "https://" + a.edgeAddr, Username: "admin", Password: a.adminPass, RootCAs: pool})
	if err != nil {
		t.Fatal(err)
	}
	id, err := api.CreateIdentity(ctx, &edgeapi.IdentityCreate{Name: "device-1", Type: "Default", Enrollment: &edgeapi.IdentityEnrollmentCreate{Ott: true}})
	if err != nil {
		t.Fatal(err)
	}
	d, err := api.GetIdentity(ctx, id)
	if err != nil || d.Enrollment.Ott == nil {
		t.Fatalf("identity without an ott enrollment: %v", err)
	}
	tok := verifyToken(t, a, d.Enrollment.Ott.JWT, "ott")
	rid, err := api.CreateEdgeRouter(ctx, &edgeapi.EdgeRouterCreate{Name: "router-1", RoleAttributes: &[]string{"public"}})
	if err != nil {
		t.Fatal(err)
	}
	r, err := api.GetEdgeRouter(ctx, rid)
	if err != nil || r.EnrollmentJWT == nil {
		t.Fatalf("router without an enrollment JWT: %v", err)
	}
	rtok := verifyToken(t, a, *r.EnrollmentJWT, "erott")
	if real {
		// The real controller tells routers where the control plane is.
		if len(rtok.Claims.Controllers) != 1 || rtok.Claims.Controllers[0] != a.ctrlAdvert {
			t.Errorf("router token ctrls %v, want [%s] (ctrl_advertise_address)", rtok.Claims.Controllers, a.ctrlAdvert)
		}
	}

	// The enrollment client does the same check against the live TLS
	// connection, then enrolls; the identity logs in with its certificate.
	res, err := enroll.Enroll(ctx, enroll.Request{Token: tok})
	if err != nil {
		t.Fatalf("enrolling with the token: %v", err)
	}
	creds, err := res.Identity.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := enroll.Authenticate(ctx, enroll.TrustingClient(creds.Pool(), "127.0.0.1", creds.TLSCertificate()), "https://"+a.edgeAddr)
	if err != nil {
		t.Fatalf("certificate login of the enrolled identity: %v", err)
	}
	var me struct {
		ID string `json:"id"`
	}
	if err := s.Do(ctx, "GET", "/current-identity", nil, &me); err != nil || me.ID != id {
		t.Fatalf("logged in as %q (%v), want %q", me.ID, err, id)
	}
}

// verifyToken checks a JWT against the module's edge server certificate:
// its issuer is the advertised address, its kid the certificate's SHA-1,
// and its signature verifies with the certificate's public key.
func verifyToken(t *testing.T, a *applied, jwt, method string) *enroll.Token {
	t.Helper()
	tok, err := enroll.ParseToken(jwt)
	if err != nil {
		t.Fatal(err)
	}
	if tok.Claims.Method != method || tok.Addr != a.edgeAddr {
		t.Fatalf("%s token: em=%s issuer %s, want em=%s at %s", method, tok.Claims.Method, tok.Claims.Issuer, method, a.edgeAddr)
	}
	if tok.Header.Kid != a.edgeSHA1 {
		t.Fatalf("%s token kid %s, want the edge server certificate's SHA-1 %s", method, tok.Header.Kid, a.edgeSHA1)
	}
	if err := tok.VerifySignature(a.edgeLeaf.PublicKey); err != nil {
		t.Fatalf("%s token does not verify with the edge server certificate: %v", method, err)
	}
	return tok
}

// applyModule applies modules/pki with loopback addresses and free ports
// into a temporary directory and returns what it wrote.
func applyModule(t *testing.T) *applied {
	t.Helper()
	tf := terraformCLI(t)
	moduleDir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Dir(filepath.Dir(moduleDir))
	plugins := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(plugins, "terraform-provider-ziti"), ".")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	work := t.TempDir()
	rc := filepath.Join(work, "dev.tfrc")
	if err := os.WriteFile(rc, []byte(fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.terraform.io/zitiform/ziti" = %q
    "registry.opentofu.org/zitiform/ziti" = %q
  }
  direct {}
}
`, plugins, plugins)), 0o600); err != nil {
		t.Fatal(err)
	}
	a := &applied{edgeAddr: freeAddr(t), trustDomain: "pki-module.test", adminPass: "module-admin-" + rand.Text()}
	ctrlAddr := freeAddr(t)
	a.ctrlAdvert = "tls:" + ctrlAddr
	main := fmt.Sprintf(`module "pki" {
  source                        = %q
  pki_root                      = "pki"
  controller_advertised_address = %q
  controller_bind_address       = %q
  ctrl_listener                 = "tls:%s"
  trust_domain                  = %q
}
output "config_path" { value = module.pki.controller_config_path }
output "cas_full_pem" { value = module.pki.cas_full_pem }
output "edge_server_fingerprint_sha1" { value = module.pki.edge_server_fingerprint_sha1 }
output "ctrl_advertise_address" { value = module.pki.ctrl_advertise_address }
output "edge_server_cert" { value = module.pki.paths["edge-server.cert"] }
`, moduleDir, a.edgeAddr, a.edgeAddr, ctrlAddr, a.trustDomain)
	if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(main), 0o600); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) []byte {
		t.Helper()
		cmd := exec.Command(tf, append([]string{"-chdir=" + work}, args...)...)
		cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s%s", filepath.Base(tf), args[0], err, out, stderr.String())
		}
		return out
	}
	a.planExit = func(t *testing.T) int {
		t.Helper()
		cmd := exec.Command(tf, "-chdir="+work, "plan", "-detailed-exitcode", "-no-color", "-input=false")
		cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1")
		out, err := cmd.CombinedOutput()
		if cmd.ProcessState == nil {
			t.Fatalf("plan: %v", err)
		}
		if code := cmd.ProcessState.ExitCode(); code != 0 {
			t.Logf("plan output:\n%s", out)
			return code
		}
		return 0
	}
	t0 := time.Now()
	run("get", "-no-color")
	run("apply", "-auto-approve", "-no-color", "-input=false")
	t.Logf("%s apply of modules/pki: %v", filepath.Base(tf), time.Since(t0).Round(time.Millisecond))
	var outs map[string]struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(run("output", "-json"), &outs); err != nil {
		t.Fatal(err)
	}
	str := func(name string) string {
		var s string
		if err := json.Unmarshal(outs[name].Value, &s); err != nil || s == "" {
			t.Fatalf("output %s: %v", name, err)
		}
		return s
	}
	a.configPath = str("config_path")
	a.casFull = []byte(str("cas_full_pem"))
	a.edgeSHA1 = str("edge_server_fingerprint_sha1")
	if got := str("ctrl_advertise_address"); got != a.ctrlAdvert {
		t.Fatalf("ctrl_advertise_address = %s, want %s", got, a.ctrlAdvert)
	}
	b, err := os.ReadFile(str("edge_server_cert"))
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		t.Fatal("edge-server.cert holds no PEM")
	}
	if a.edgeLeaf, err = x509.ParseCertificate(blk.Bytes); err != nil {
		t.Fatal(err)
	}
	if sum := sha1.Sum(a.edgeLeaf.Raw); hex.EncodeToString(sum[:]) != a.edgeSHA1 {
		t.Fatalf("edge_server_fingerprint_sha1 %s is not the SHA-1 of edge-server.cert", a.edgeSHA1)
	}
	return a
}

// terraformCLI is terraform on PATH, else ./bin/tofu; without either the
// test fails in CI and skips loudly elsewhere.
func terraformCLI(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("terraform"); err == nil {
		return p
	}
	root, _ := testctl.RepoRoot()
	if p, err := exec.LookPath(filepath.Join(root, "bin", "tofu")); err == nil {
		return p
	}
	msg := "!!! SKIPPING: neither terraform on PATH nor ./bin/tofu (make tools): applying modules/pki needs one !!!"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// freeAddr is a free loopback host:port.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}
