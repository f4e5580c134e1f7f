package main

import (
	"bytes"
	"context"
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/server"
	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
	"github.com/zitiform/terraform-provider-ziti/internal/enroll"
	"github.com/zitiform/terraform-provider-ziti/internal/enroll/pkcs11key"
	"github.com/zitiform/terraform-provider-ziti/internal/enroll/proxytest"
	"github.com/zitiform/terraform-provider-ziti/internal/enroll/softhsmtest"
	"github.com/zitiform/terraform-provider-ziti/internal/pki"
	"github.com/zitiform/terraform-provider-ziti/internal/testctl"
)

// enrollTestController is the shared controller of kind, handing out ott
// JWTs written to files.
func enrollTestController(t *testing.T, kind testctl.Kind) (*cliController, func(name string) (id, jwtFile string)) {
	s, admin, dir := enrollTestServer(t, kind)
	return s, func(name string) (string, string) {
		id, err := admin.CreateIdentity(context.Background(), &edgeapi.IdentityCreate{Name: name, Type: "Device", Enrollment: &edgeapi.IdentityEnrollmentCreate{Ott: true}})
		if err != nil {
			t.Fatal(err)
		}
		d, err := admin.GetIdentity(context.Background(), id)
		if err != nil || d.Enrollment.Ott == nil {
			t.Fatalf("no ott enrollment: %v", err)
		}
		return id, writeFile(t, dir, name+".jwt", d.Enrollment.Ott.JWT)
	}
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	f := filepath.Join(dir, name)
	if err := os.WriteFile(f, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// enrollTestServer is the shared controller of kind, its admin client and
// a directory of the test.
func enrollTestServer(t *testing.T, kind testctl.Kind) (*cliController, *edgeapi.Client, string) {
	t.Helper()
	c := sharedController(t, kind)
	return c, c.admin, t.TempDir()
}

func runCLI(args ...string) (string, error) {
	resetFlags()
	var out bytes.Buffer
	rootCmd.SetOut(&out)
	rootCmd.SetErr(&out)
	rootCmd.SetArgs(args)
	err := rootCmd.Execute()
	return out.String(), err
}

// resetFlags sets every flag back to its default: cobra keeps flag values
// between Execute calls, and each run must start clean.
func resetFlags() {
	var reset func(c *cobra.Command)
	reset = func(c *cobra.Command) {
		c.Flags().VisitAll(func(f *pflag.Flag) {
			if sv, ok := f.Value.(pflag.SliceValue); ok {
				_ = sv.Replace(nil)
			} else {
				_ = f.Value.Set(f.DefValue)
			}
			f.Changed = false
		})
		for _, sub := range c.Commands() {
			reset(sub)
		}
	}
	reset(rootCmd)
}

func TestEnrollCommand(t *testing.T) { testctl.Both(t, enrollCommand) }

func enrollCommand(t *testing.T, kind testctl.Kind) {
	s, newJWT := enrollTestController(t, kind)
	dir := t.TempDir()
	_, jwt := newJWT("cli-one")
	out := filepath.Join(dir, "one.json")
	keyFile := filepath.Join(dir, "one.key")

	stdout, err := runCLI("enroll", "--jwt", jwt, "--out", out, "--key", keyFile, "--key-alg", "ec-p384")
	if err != nil {
		t.Fatalf("enroll: %v\n%s", err, stdout)
	}
	if !strings.Contains(stdout, "identity written to "+out) {
		t.Fatalf("output: %s", stdout)
	}
	for _, p := range []string{out, keyFile} {
		st, err := os.Stat(p)
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("%s: %v mode %v", p, err, st.Mode())
		}
	}
	id, err := enroll.ReadIdentity(out)
	if err != nil {
		t.Fatal(err)
	}
	if id.ZtAPI != s.URL() {
		t.Fatalf("ztAPI %q, want %q", id.ZtAPI, s.URL())
	}
	creds, err := id.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := enroll.Authenticate(context.Background(), enroll.TrustingClient(creds.Pool(), "127.0.0.1", creds.TLSCertificate()), s.URL()); err != nil {
		t.Fatalf("enrolled identity cannot authenticate: %v", err)
	}

	// The token is spent: a second attempt fails and writes nothing.
	again := filepath.Join(dir, "again.json")
	if _, err := runCLI("enroll", "--jwt", jwt, "--out", again); err == nil || !strings.Contains(err.Error(), "already used") {
		t.Fatalf("reused token: %v", err)
	}
	if _, err := os.Stat(again); !os.IsNotExist(err) {
		t.Fatal("a failed enrollment wrote its output file")
	}

	// An existing output is refused before the token is spent.
	_, jwt2 := newJWT("cli-two")
	if _, err := runCLI("enroll", "--jwt", jwt2, "--out", out); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("existing output: %v", err)
	}
	if _, err := runCLI("enroll", "--jwt", jwt2, "--out", filepath.Join(dir, "two.json")); err != nil {
		t.Fatalf("the token should still be usable: %v", err)
	}

	// A router token is sent to the right subcommand, and vice versa.
	if _, err := runCLI("enroll", "router", "--jwt", jwt2, "--out-dir", dir, "--dns", "r1"); err == nil || !strings.Contains(err.Error(), "use `controllersrv enroll`") {
		t.Fatalf("identity token to enroll router: %v", err)
	}
	left, _ := os.ReadDir(dir)
	for _, e := range left {
		if strings.HasPrefix(e.Name(), ".") {
			t.Fatalf("temporary file left behind: %s", e.Name())
		}
	}
}

func TestEnrollRouterCommand(t *testing.T) { testctl.Both(t, enrollRouterCommand) }

func enrollRouterCommand(t *testing.T, kind testctl.Kind) {
	_, admin, dir := enrollTestServer(t, kind)
	ctx := context.Background()
	rid, err := admin.CreateEdgeRouter(ctx, &edgeapi.EdgeRouterCreate{Name: "router-one"})
	if err != nil {
		t.Fatal(err)
	}
	r, err := admin.GetEdgeRouter(ctx, rid)
	if err != nil || r.EnrollmentJWT == nil {
		t.Fatalf("no router enrollment JWT: %v", err)
	}
	jwt := writeFile(t, dir, "router.jwt", *r.EnrollmentJWT)
	out := filepath.Join(dir, "router")

	// The router token needs the router subcommand.
	if _, err := runCLI("enroll", "--jwt", jwt, "--out", filepath.Join(dir, "x.json")); err == nil || !strings.Contains(err.Error(), "enroll router") {
		t.Fatalf("router token to enroll: %v", err)
	}
	// A file already in --out-dir (another program's certificate) is never
	// replaced without --force, and the token is not spent on the attempt.
	if err := os.MkdirAll(out, 0o700); err != nil {
		t.Fatal(err)
	}
	theirs := writeFile(t, out, "server.chain.pem", "another program's certificate\n")
	if _, err := runCLI("enroll", "router", "--jwt", jwt, "--out-dir", out, "--dns", "router1.example"); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("existing file in --out-dir: %v", err)
	}
	if b, _ := os.ReadFile(theirs); string(b) != "another program's certificate\n" {
		t.Fatal("an existing file in --out-dir changed")
	}
	if err := os.Remove(theirs); err != nil {
		t.Fatal(err)
	}
	stdout, err := runCLI("enroll", "router", "--jwt", jwt, "--out-dir", out, "--dns", "router1.example", "--ip", "127.0.0.1", "--key-alg", "ec-p256")
	if err != nil {
		t.Fatalf("enroll router: %v\n%s", err, stdout)
	}
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	client, _ := pki.ParseCertsPEM(read("client.cert"))
	server, _ := pki.ParseCertsPEM(read("server.chain.pem"))
	cas, _ := pki.ParseCertsPEM(read("cas.pem"))
	key, err := pki.ParsePrivateKeyPEM(read("router.key"))
	if err != nil || len(client) == 0 || len(server) == 0 || len(cas) == 0 {
		t.Fatalf("router files incomplete: %v", err)
	}
	if st, _ := os.Stat(filepath.Join(out, "router.key")); st.Mode().Perm() != 0o600 {
		t.Fatalf("router.key mode %v", st.Mode())
	}
	if !pki.SameKey(key, client[0].PublicKey) || !pki.SameKey(key, server[0].PublicKey) {
		t.Fatal("router.key does not belong to the certificates")
	}
	pool := x509.NewCertPool()
	for _, c := range cas {
		pool.AddCert(c)
	}
	inter := x509.NewCertPool()
	for _, c := range server[1:] {
		inter.AddCert(c)
	}
	if _, err := server[0].Verify(x509.VerifyOptions{DNSName: "router1.example", Roots: pool, Intermediates: inter}); err != nil {
		t.Fatalf("server certificate: %v", err)
	}
	if r, _ := admin.GetEdgeRouter(ctx, rid); !r.IsVerified || r.Fingerprint != pki.FingerprintSHA1(client[0]) {
		t.Fatalf("controller does not show the router enrolled: verified=%v", r.IsVerified)
	}
	if kind == testctl.Ziti {
		runEnrolledRouter(t, sharedController(t, kind))
	}
}

// runEnrolledRouter enrolls a second router with `controllersrv enroll
// router` and runs it with `ziti router run` on the files it wrote: the
// real controller reports it online.
func runEnrolledRouter(t *testing.T, c *cliController) {
	t.Helper()
	t0 := time.Now()
	r, err := c.ctl.StartRouter(context.Background(), testctl.RouterOptions{Name: "router-cli-run", Enroll: func(_ context.Context, jwtFile string) (*testctl.RouterIdentity, error) {
		out := filepath.Join(t.TempDir(), "router")
		if stdout, err := runCLI("enroll", "router", "--jwt", jwtFile, "--out-dir", out, "--ip", "127.0.0.1"); err != nil {
			return nil, fmt.Errorf("%w\n%s", err, stdout)
		}
		return &testctl.RouterIdentity{Cert: filepath.Join(out, "client.cert"), ServerCert: filepath.Join(out, "server.chain.pem"),
			Key: filepath.Join(out, "router.key"), CA: filepath.Join(out, "cas.pem")}, nil
	}})
	if err != nil {
		t.Fatalf("a router enrolled by controllersrv enroll router, run by ziti router run: %v", err)
	}
	t.Cleanup(r.Stop)
	t.Logf("router enrolled by controllersrv and run by ziti router run: online after %v", time.Since(t0).Round(time.Millisecond))
}

func TestEnrollUPDBCommand(t *testing.T) { testctl.Both(t, enrollUPDBCommand) }

func enrollUPDBCommand(t *testing.T, kind testctl.Kind) {
	s, admin, dir := enrollTestServer(t, kind)
	ctx := context.Background()
	id, err := admin.CreateIdentity(ctx, &edgeapi.IdentityCreate{Name: "pw-user", Type: "User", Enrollment: &edgeapi.IdentityEnrollmentCreate{Updb: "alice"}})
	if err != nil {
		t.Fatal(err)
	}
	d, _ := admin.GetIdentity(ctx, id)
	if d.Enrollment.Updb == nil {
		t.Fatal("no updb enrollment")
	}
	jwt := writeFile(t, dir, "updb.jwt", d.Enrollment.Updb.JWT)
	out := filepath.Join(dir, "alice.json")
	if _, err := runCLI("enroll", "--jwt", jwt, "--out", out); err == nil || !strings.Contains(err.Error(), "password") {
		t.Fatalf("updb without password: %v", err)
	}
	pwFile := writeFile(t, dir, "pw", "correct horse battery\n")
	if stdout, err := runCLI("enroll", "--jwt", jwt, "--out", out, "--password-file", pwFile); err != nil {
		t.Fatalf("updb: %v\n%s", err, stdout)
	}
	ident, err := enroll.ReadIdentity(out)
	if err != nil || ident.ID.Cert != "" || ident.ID.CA == "" {
		t.Fatalf("updb identity: %+v %v", ident, err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM([]byte(ident.ID.CA))
	alice, err := edgeapi.New(edgeapi.Config{Endpoint: s.URL(), Username: "alice", Password: "correct horse battery", RootCAs: pool})
	if err != nil {
		t.Fatal(err)
	}
	if me, err := alice.CurrentIdentity(ctx); err != nil || me.ID != id {
		t.Fatalf("password login after updb enrollment: %v", err)
	}
}

// TestEnrollCommandBehindTLSTerminatingProxy: the TLS-terminating proxy failure through
// the CLI: the passthrough message, and no identity or key file written.
func TestEnrollCommandBehindTLSTerminatingProxy(t *testing.T) {
	front := proxytest.FreeAddr(t)
	s, err := server.Start(context.Background(), server.Options{Home: t.TempDir(), Bind: "127.0.0.1:0", Address: front, AdminPassword: "alb-admin-pw"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	direct := s.Addrs()[0].String()
	proxytest.StartNginx(t, front, direct, false)
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(s.CAPEM())
	u, pw := s.AdminCredentials()
	admin, err := edgeapi.New(edgeapi.Config{Endpoint: "https://" + direct, Username: u, Password: pw, RootCAs: pool})
	if err != nil {
		t.Fatal(err)
	}
	id, err := admin.CreateIdentity(context.Background(), &edgeapi.IdentityCreate{Name: "behind-alb", Type: "Device", Enrollment: &edgeapi.IdentityEnrollmentCreate{Ott: true}})
	if err != nil {
		t.Fatal(err)
	}
	d, _ := admin.GetIdentity(context.Background(), id)
	dir := t.TempDir()
	jwt := writeFile(t, dir, "alb.jwt", d.Enrollment.Ott.JWT)
	out, key := filepath.Join(dir, "alb.json"), filepath.Join(dir, "alb.key")
	_, err = runCLI("enroll", "--jwt", jwt, "--out", out, "--key", key)
	if err == nil || !strings.Contains(err.Error(), "the certificate presented by "+front+" is not the one that signed this token - is TLS terminated by a proxy or load balancer? The controller must be reachable with TCP passthrough") {
		t.Fatalf("got %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("files written on failure: %v", entries)
	}
}

// TestEnrollCommandPKCS11 enrolls with a key generated on a SoftHSM token
// through the CLI, and checks that a failed attempt leaves no key behind.
func TestEnrollCommandPKCS11(t *testing.T) { testctl.Both(t, enrollCommandPKCS11) }

func enrollCommandPKCS11(t *testing.T, kind testctl.Kind) {
	requirePKCS11(t)
	hsm := softhsmtest.New(t, "ziti-cli")
	t.Setenv("ZITI_CLI_PIN", hsm.UserPIN)
	s, newJWT := enrollTestController(t, kind)
	dir := t.TempDir()
	uri := func(obj string) string {
		return "pkcs11:token=" + hsm.Label + ";object=" + obj + "?module-path=" + hsm.Module + "&pin-source=env:ZITI_CLI_PIN"
	}
	id, jwt := newJWT("hsm-cli")
	out := filepath.Join(dir, "hsm.json")
	if stdout, err := runCLI("enroll", "--jwt", jwt, "--out", out, "--key", uri("cli-key")); err != nil {
		t.Fatalf("enroll with a token key: %v\n%s", err, stdout)
	}
	ident, err := enroll.ReadIdentity(out)
	if err != nil || !enroll.IsPKCS11(ident.ID.Key) || strings.Contains(ident.ID.Key, hsm.UserPIN) {
		t.Fatalf("identity key %q: %v", ident.ID.Key, err)
	}
	creds, err := ident.Load(pkcs11key.Resolve)
	if err != nil {
		t.Fatal(err)
	}
	sess, err := enroll.Authenticate(context.Background(), enroll.TrustingClient(creds.Pool(), "127.0.0.1", creds.TLSCertificate()), s.URL())
	if err != nil || sess.IdentityID != id {
		t.Fatalf("authenticate with the token key: %v", err)
	}
	if err := enroll.CloseKey(creds.Key); err != nil || pkcs11key.OpenSessions() != 0 {
		t.Fatalf("token sessions left open: %d (%v)", pkcs11key.OpenSessions(), err)
	}

	// A spent token with a new object label: the key made for the attempt
	// is removed again.
	if _, err := runCLI("enroll", "--jwt", jwt, "--out", filepath.Join(dir, "again.json"), "--key", uri("doomed-key")); err == nil {
		t.Fatal("reused token accepted")
	}
	objs := hsm.Tool(t, "--list-objects")
	if strings.Contains(objs, "doomed-key") || !strings.Contains(objs, "cli-key") {
		t.Fatalf("token objects after a failed attempt:\n%s", objs)
	}
	if n, m := pkcs11key.OpenSessions(), pkcs11key.OpenModules(); n != 0 || m != 0 {
		t.Fatalf("after a failed enrollment %d token sessions and %d modules are still open", n, m)
	}
}
