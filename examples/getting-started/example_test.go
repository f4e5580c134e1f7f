// Package gettingstarted runs the getting-started guide
// (docs/guides/getting-started.md) as a user would, on loopback: the
// controllersrv binary's quickstart, `terraform apply` of main.tf through a
// dev_overrides CLI config, `controllersrv enroll` with the token from
// `terraform output -raw`, a refresh that records the token as used, an
// empty plan, and a login with the enrolled certificate.
package gettingstarted

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const password = "guide-admin-pw-123"

func TestGettingStartedGuide(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	tf := terraformCLI(t, root)
	bin := t.TempDir()
	for name, pkg := range map[string]string{"terraform-provider-ziti": ".", "controllersrv": "./controllersrv"} {
		cmd := exec.Command("go", "build", "-o", filepath.Join(bin, name), pkg)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("building %s: %v\n%s", pkg, err, out)
		}
	}

	// Step 2: the controller, as the guide starts it (on a free port).
	work := t.TempDir()
	addr := freeAddr(t)
	ctrl := exec.Command(filepath.Join(bin, "controllersrv"), "quickstart", "--home", "./ctrl-home", "--address", addr)
	ctrl.Dir = work
	ctrl.Env = append(os.Environ(), "ZITI_PASSWORD="+password)
	var ctrlLog bytes.Buffer
	ctrl.Stdout, ctrl.Stderr = &ctrlLog, &ctrlLog
	if err := ctrl.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = ctrl.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = ctrl.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = ctrl.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("controllersrv log:\n%s", ctrlLog.String())
		}
	})
	url := "https://" + addr
	trust := waitReady(t, url, filepath.Join(work, "ctrl-home", "pki", "cas.pem"))

	// Step 3: main.tf in net/, next to ctrl-home/.
	netDir := filepath.Join(work, "net")
	if err := os.MkdirAll(netDir, 0o755); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("main.tf")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(netDir, "main.tf"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	rc := filepath.Join(work, "dev.tfrc")
	overrides := `provider_installation {
  dev_overrides {
    "registry.terraform.io/zitiform/ziti" = "` + bin + `"
    "registry.opentofu.org/zitiform/ziti" = "` + bin + `"
  }
  direct {}
}
`
	if err := os.WriteFile(rc, []byte(overrides), 0o600); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1",
		"ZITI_PASSWORD="+password, "TF_VAR_controller="+url)
	run := func(name string, args ...string) string {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Dir, cmd.Env = work, env
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("%s %s: %v\n%s%s", filepath.Base(name), strings.Join(args, " "), err, stdout.String(), stderr.String())
		}
		return stdout.String()
	}

	// Step 4: apply. The controller check passes (nothing terminates TLS).
	if out := run(tf, "-chdir=net", "apply", "-auto-approve", "-no-color"); !strings.Contains(out, "Resources: 2 added") {
		t.Fatalf("apply:\n%s", out)
	}
	if got := strings.TrimSpace(run(tf, "-chdir=net", "output", "-raw", "laptop_consumed")); got != "false" {
		t.Fatalf("laptop_consumed right after apply = %s", got)
	}

	// Step 5: enroll with the token, as the device.
	jwt := run(tf, "-chdir=net", "output", "-raw", "laptop_jwt")
	if err := os.WriteFile(filepath.Join(work, "laptop.jwt"), []byte(jwt), 0o600); err != nil {
		t.Fatal(err)
	}
	if out := run(filepath.Join(bin, "controllersrv"), "enroll", "--jwt", "laptop.jwt", "--out", "laptop.json", "--key", "laptop.key"); !strings.Contains(out, "identity written to laptop.json") {
		t.Fatalf("enroll:\n%s", out)
	}
	loginWithCertificate(t, url, trust, filepath.Join(work, "laptop.json"))

	// Step 6: the used token is recorded, and the plan is empty.
	run(tf, "-chdir=net", "apply", "-refresh-only", "-auto-approve", "-no-color")
	if got := strings.TrimSpace(run(tf, "-chdir=net", "output", "-raw", "laptop_consumed")); got != "true" {
		t.Fatalf("laptop_consumed after the enrollment = %s", got)
	}
	if out := run(tf, "-chdir=net", "plan", "-detailed-exitcode", "-no-color"); !strings.Contains(out, "No changes.") {
		t.Fatalf("plan after the enrollment is not empty:\n%s", out)
	}
}

// terraformCLI is terraform on PATH, else ./bin/tofu; without either the
// test skips loudly, and fails under CI=true.
func terraformCLI(t *testing.T, root string) string {
	t.Helper()
	if tf, err := exec.LookPath("terraform"); err == nil {
		return tf
	}
	tofu := filepath.Join(root, "bin", "tofu")
	if _, err := os.Stat(tofu); err == nil {
		return tofu
	}
	msg := "neither terraform on PATH nor ./bin/tofu (make tools): the getting-started guide did not run"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip("!!! SKIPPING: " + msg)
	return ""
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// waitReady waits for /version over TLS verified with the quickstart's CA
// bundle (written by the controller on its first start) and returns it.
func waitReady(t *testing.T, url, casFile string) *x509.CertPool {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		pool := x509.NewCertPool()
		if pem, err := os.ReadFile(casFile); err == nil && pool.AppendCertsFromPEM(pem) {
			c := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
			resp, err := c.Get(url + "/version")
			if err == nil {
				resp.Body.Close()
				c.CloseIdleConnections()
				if resp.StatusCode == http.StatusOK {
					return pool
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("controllersrv did not answer %s/version within 30s", url)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// loginWithCertificate authenticates to the client API with the enrolled
// identity's certificate and key, as the guide's curl command does.
func loginWithCertificate(t *testing.T, url string, trust *x509.CertPool, identityFile string) {
	t.Helper()
	raw, err := os.ReadFile(identityFile)
	if err != nil {
		t.Fatal(err)
	}
	var id struct {
		ID struct {
			Cert string `json:"cert"`
			Key  string `json:"key"`
		} `json:"id"`
	}
	if err := json.Unmarshal(raw, &id); err != nil {
		t.Fatal(err)
	}
	keyPEM, err := os.ReadFile(filepath.Join(filepath.Dir(identityFile), "laptop.key"))
	if err != nil {
		t.Fatal(err)
	}
	cert, err := tls.X509KeyPair([]byte(id.ID.Cert), keyPEM)
	if err != nil {
		t.Fatalf("the identity file's certificate and laptop.key: %v", err)
	}
	c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{
		RootCAs: trust, Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12,
	}}}
	defer c.CloseIdleConnections()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, url+"/edge/client/v1/authenticate?method=cert", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Data struct {
			Identity struct {
				Name string `json:"name"`
			} `json:"identity"`
		} `json:"data"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != http.StatusOK || body.Data.Identity.Name != "laptop-01" {
		t.Fatalf("certificate login: status %d, identity %q, %v", resp.StatusCode, body.Data.Identity.Name, err)
	}
}
