package provider

import (
	"crypto/tls"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/zitiform/terraform-provider-ziti/internal/testctl"
)

// TestAccNoSecretsAnywhereCLI extends TestAccNoSecretsInTraceLog (which
// reads the TF_LOG=trace log of a terraform-plugin-testing run) to what a
// user sees running the real binaries: a bootstrap-like apply (PKI CA whose
// key reaches ziti_ca only as a write-only argument, identities with ott and
// updb enrollments, an edge router) by the terraform CLI with TF_LOG=trace,
// against the test controller (controllersrv logs at debug level). No private key, JWT, token,
// password or live session id may appear in the trace log, the controller
// log, the plan and apply output, or `terraform show -json` (which must not
// hold the write-only key at all; JWTs and tokens are sensitive state there,
// by design, and are only checked to be marked sensitive).
func TestAccNoSecretsAnywhereCLI(t *testing.T) {
	s := accController(t)
	// The controller's log from here on is this test's part of it.
	logStart := fileSize(s.LogFile)
	traceLog := filepath.Join(t.TempDir(), "trace.log")
	prefix := uniqueName(t, "nosec")
	d := newTFDriver(t, passwordProviderHCL(s.URL, s.Username, s.CAFile)+strings.ReplaceAll(`
resource "ziti_pki_ca" "devices" {
  name = "NAME-devices-ca"
}
resource "ziti_ca" "devices" {
  name                          = "NAME-devices"
  cert_pem                      = ziti_pki_ca.devices.cert_pem
  ca_private_key_pem_wo         = ziti_pki_ca.devices.private_key_pem
  ca_private_key_pem_wo_version = 1
}
resource "ziti_identity" "d" {
  name = "NAME-device-1"
}
resource "ziti_enrollment" "d" {
  identity_id = ziti_identity.d.id
  method      = "ott"
}
resource "ziti_identity" "u" {
  name = "NAME-user-1"
}
resource "ziti_enrollment" "u" {
  identity_id = ziti_identity.u.id
  method      = "updb"
  username    = "NAME-user-1"
}
resource "ziti_edge_router" "r" {
  name = "NAME-router-1"
}
`, "NAME", prefix), "ZITI_PASSWORD="+s.Password, "TF_LOG=trace", "TF_LOG_PATH="+traceLog)

	planOut := d.must("plan", "-input=false", "-no-color")
	applyOut := d.must("apply", "-auto-approve", "-input=false", "-no-color")
	plan2Out := d.must("plan", "-detailed-exitcode", "-input=false", "-no-color")
	showOut := d.must("show", "-json", "-no-color")

	// The secrets this run handled, read from state.
	secrets := map[string]string{"admin password": s.Password}
	for _, r := range shownResources(t, showOut) {
		for _, attr := range []string{"private_key_pem", "jwt", "token", "enrollment_jwt"} {
			v, _ := r.Values[attr].(string)
			if v == "" {
				continue
			}
			secrets[r.Address+"."+attr] = v
			if r.SensitiveValues[attr] != true {
				t.Errorf("show -json: %s.%s is not marked sensitive", r.Address, attr)
			}
		}
		if r.Address == "ziti_ca.devices" {
			if v, ok := r.Values["ca_private_key_pem_wo"]; ok && v != nil {
				t.Errorf("show -json holds the write-only CA key: %v", v != nil)
			}
			if r.Values["is_verified"] != true {
				t.Errorf("ziti_ca.devices is not verified: the write-only key was not used")
			}
		}
	}
	key := secrets["ziti_pki_ca.devices.private_key_pem"]
	for _, want := range []string{"ziti_pki_ca.devices.private_key_pem", "ziti_enrollment.d.jwt", "ziti_enrollment.d.token", "ziti_enrollment.u.jwt", "ziti_edge_router.r.enrollment_jwt"} {
		if secrets[want] == "" {
			t.Fatalf("state has no %s: the run did not make the secret this test looks for", want)
		}
	}
	// show -json may hold the key once, as ziti_pki_ca's own sensitive
	// attribute; nowhere else (not under ziti_ca).
	if strings.Count(showOut, jsonEscaped(key)) > 1 {
		t.Error("show -json holds the CA private key more than once (the write-only argument leaked into state)")
	}

	trace, err := os.ReadFile(traceLog)
	if err != nil || len(trace) < 10000 {
		t.Fatalf("no trace log (%d bytes, %v)", len(trace), err)
	}
	ctrlLog := readFrom(t, s.LogFile, logStart)
	// controllersrv logs every request at debug level: its log must hold
	// them, or checking it proves nothing. The real controller logs at
	// info level, fewer lines, checked all the same.
	if s.Kind == testctl.Controllersrv && !strings.Contains(ctrlLog, "level=DEBUG") {
		t.Fatalf("the controller logged nothing at debug level:\n%s", tail(ctrlLog, 10))
	}
	places := map[string]string{"TF_LOG=trace log": string(trace), "controller log": ctrlLog,
		"first plan output": planOut, "apply output": applyOut, "second plan output": plan2Out}
	for place, text := range places {
		for label, secret := range secrets {
			if leaks(text, secret) {
				t.Errorf("the %s contains the %s", place, label)
			}
		}
	}
	// Session ids: every UUID in any log that still works as a session is a leak.
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: s.CertPool()}}, Timeout: 10 * time.Second}
	uuid := regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	tried := map[string]bool{}
	for place, text := range places {
		for _, u := range uuid.FindAllString(text, -1) {
			if tried[u] {
				continue
			}
			tried[u] = true
			req, _ := http.NewRequest(http.MethodGet, s.ManagementURL()+"/current-identity", nil)
			req.Header.Set("zt-session", u)
			resp, err := hc.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				t.Errorf("the %s contains a live API session id", place)
			}
		}
	}
	t.Logf("%d secrets checked in %d places (%d bytes of trace log, %d of controller log), %d UUIDs tried as sessions",
		len(secrets), len(places), len(trace), len(ctrlLog), len(tried))
}

// leaks reports whether text holds secret, a base64 line of it (PEM), or
// its signature part (JWT), also with JSON-escaped newlines.
func leaks(text, secret string) bool {
	if strings.Contains(text, secret) || strings.Contains(text, jsonEscaped(secret)) {
		return true
	}
	if strings.Contains(secret, "-----BEGIN") {
		for _, line := range strings.Split(secret, "\n") {
			if len(line) >= 40 && !strings.HasPrefix(line, "-----") && strings.Contains(text, line) {
				return true
			}
		}
	}
	if parts := strings.Split(secret, "."); len(parts) == 3 && len(parts[2]) > 20 && strings.Contains(text, parts[2]) {
		return true
	}
	return false
}

func jsonEscaped(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

// fileSize is the size of the file at path (0 if it does not exist yet).
func fileSize(path string) int64 {
	st, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return st.Size()
}

// readFrom is the content of the file at path from offset on.
func readFrom(t *testing.T, path string, offset int64) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if offset > int64(len(b)) {
		offset = 0
	}
	return string(b[offset:])
}
