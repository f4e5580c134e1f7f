package provider

import (
	"crypto/tls"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

// TestAccNoSecretsInTraceLog runs a full create / enroll / refresh /
// destroy cycle with TF_LOG=trace (Terraform and the provider logging to one
// file) and then looks for every secret the run handled: the admin
// password, every enrollment JWT and token, a updb password, and any API
// session token (each UUID in the log is tried as a session against the
// controller: one that still works is a leak).
func TestAccNoSecretsInTraceLog(t *testing.T) {
	s := accController(t)
	// The password comes from ZITI_PASSWORD here: terraform-plugin-testing
	// itself logs each step's configuration text at trace level, which is
	// the test harness, not Terraform or the provider.
	t.Setenv(envPassword, s.Password)
	cfg := fmt.Sprintf(`
provider "ziti" {
  endpoint = %q
  username = %q
  ca_file  = %q
}
`, s.URL, s.Username, s.CAFile)
	logFile := filepath.Join(t.TempDir(), "trace.log")
	t.Setenv("TF_LOG", "TRACE")
	t.Setenv("TF_ACC_LOG_PATH", logFile)
	name := uniqueName(t, "sec")
	userPW := "updb-pw-" + name
	secrets := map[string]string{"admin password": s.Password, "updb password": userPW}
	grab := func(label string) func(string) error {
		return func(v string) error {
			if v == "" {
				return fmt.Errorf("%s is empty", label)
			}
			secrets[label] = v
			return nil
		}
	}
	config := func(d string) string {
		return cfg + fmt.Sprintf(`
resource "ziti_identity" "x" {
  name = "%[1]s"
}
resource "ziti_enrollment" "x" {
  identity_id = ziti_identity.x.id
  method      = "ott"
  duration    = %[2]q
}
resource "ziti_identity" "u" {
  name = "%[1]s-u"
}
resource "ziti_enrollment" "u" {
  identity_id = ziti_identity.u.id
  method      = "updb"
  username    = "%[1]s-u"
}
# The third-party CA's key is made inside Terraform (never in the config
# text) and handed to ziti_ca as a write-only argument.
resource "ziti_pki_ca" "devices" {
  name = "%[1]s-ca"
}
resource "ziti_ca" "devices" {
  name                         = "%[1]s-ca"
  cert_pem                     = ziti_pki_ca.devices.cert_pem
  ca_private_key_pem_wo        = ziti_pki_ca.devices.private_key_pem
}
output "jwt_is_sensitive" {
  value     = ziti_enrollment.x.jwt
  sensitive = true
}
`, name, d)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: config("2h"),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrWith("ziti_enrollment.x", "jwt", grab("ott jwt 1")),
					resource.TestCheckResourceAttrWith("ziti_enrollment.x", "token", grab("ott token 1")),
					resource.TestCheckResourceAttrWith("ziti_enrollment.u", "jwt", grab("updb jwt")),
					resource.TestCheckResourceAttrWith("ziti_enrollment.u", "token", grab("updb token")),
					resource.TestCheckResourceAttrWith("ziti_pki_ca.devices", "private_key_pem", grab("CA private key")),
					resource.TestCheckResourceAttr("ziti_ca.devices", "is_verified", "true"),
					resource.TestCheckNoResourceAttr("ziti_ca.devices", "ca_private_key_pem_wo"),
				),
			},
			{
				PreConfig: func() { enrollJWT(t, secrets["updb jwt"], userPW) },
				Config:    config("3h"), // refresh: a second JWT
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrWith("ziti_enrollment.x", "jwt", grab("ott jwt 2")),
					resource.TestCheckResourceAttrWith("ziti_enrollment.x", "token", grab("ott token 2")),
				),
			},
		},
	})

	b, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatalf("no trace log was written: %v", err)
	}
	log := string(b)
	// The log must really hold both sides, or the test proves nothing.
	for _, want := range []string{"edge API request", "edge API login", "ApplyResourceChange"} {
		if !strings.Contains(log, want) {
			t.Fatalf("the trace log (%d bytes) lacks %q: provider logging was not captured", len(b), want)
		}
	}
	for label, s := range secrets {
		if len(s) < 8 {
			t.Fatalf("%s is too short to search for", label)
		}
		if strings.Contains(log, s) {
			t.Errorf("the trace log contains the %s", label)
		}
		// PEM: every base64 line (logs may escape the newlines).
		if strings.Contains(s, "-----BEGIN") {
			for _, line := range strings.Split(s, "\n") {
				if len(line) >= 40 && !strings.HasPrefix(line, "-----") && strings.Contains(log, line) {
					t.Errorf("the trace log contains a line of the %s", label)
					break
				}
			}
		}
		// JWT parts: the signature alone would be as bad.
		if parts := strings.Split(s, "."); len(parts) == 3 && strings.Contains(log, parts[2]) {
			t.Errorf("the trace log contains the signature of the %s", label)
		}
	}
	if regexp.MustCompile(`(?i)zt-session["=: ]+[0-9a-f]{8}-`).MatchString(log) {
		t.Error("the trace log contains a zt-session header value")
	}
	uuids := map[string]bool{}
	for _, u := range regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`).FindAllString(log, -1) {
		uuids[u] = true
	}
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: s.CertPool(), MinVersion: tls.VersionTLS12}}}
	for u := range uuids {
		req, _ := http.NewRequest(http.MethodGet, s.ManagementURL()+"/current-api-session", nil)
		req.Header.Set(edgeapi.SessionHeader, u)
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Errorf("the trace log contains a live API session token")
		}
	}
	t.Logf("searched %d bytes of TF_LOG=trace output for %d secrets and %d candidate session tokens", len(b), len(secrets), len(uuids))
}
