package main

import (
	"bytes"
	"context"
	"crypto/x509"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/server"
	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
	"github.com/zitiform/terraform-provider-ziti/internal/enroll"
)

// enrollTestController runs controllersrv in-process and hands out ott JWTs.
func enrollTestController(t *testing.T) (*server.Server, func(name string) (id, jwtFile string)) {
	t.Helper()
	s, err := server.Start(context.Background(), server.Options{Home: t.TempDir(), Bind: "127.0.0.1:0", AdminPassword: "cli-admin-pw"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(s.CAPEM())
	u, pw := s.AdminCredentials()
	admin, err := edgeapi.New(edgeapi.Config{Endpoint: s.URL(), Username: u, Password: pw, RootCAs: pool})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	return s, func(name string) (string, string) {
		id, err := admin.CreateIdentity(context.Background(), &edgeapi.IdentityCreate{Name: name, Type: "Device", Enrollment: &edgeapi.IdentityEnrollmentCreate{Ott: true}})
		if err != nil {
			t.Fatal(err)
		}
		d, err := admin.GetIdentity(context.Background(), id)
		if err != nil || d.Enrollment.Ott == nil {
			t.Fatalf("no ott enrollment: %v", err)
		}
		f := filepath.Join(dir, name+".jwt")
		if err := os.WriteFile(f, []byte(d.Enrollment.Ott.JWT), 0o600); err != nil {
			t.Fatal(err)
		}
		return id, f
	}
}

func runCLI(args ...string) (string, error) {
	var out bytes.Buffer
	rootCmd.SetOut(&out)
	rootCmd.SetErr(&out)
	rootCmd.SetArgs(args)
	err := rootCmd.Execute()
	return out.String(), err
}

func TestEnrollCommand(t *testing.T) {
	s, newJWT := enrollTestController(t)
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
