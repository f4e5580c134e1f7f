package provider

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
	"github.com/zitiform/terraform-provider-ziti/internal/enroll"
)

// deviceCert is a device's third-party client certificate.
type deviceCert struct {
	key   *enroll.Key
	chain []*x509.Certificate
}

// certLogin logs in with d's certificate (method=cert) and returns the id
// of the identity the controller logged it in as.
func certLogin(ctx context.Context, t *testing.T, d deviceCert) (string, error) {
	t.Helper()
	s := accController(t)
	cert := &tls.Certificate{PrivateKey: d.key.Signer, Leaf: d.chain[0]}
	for _, c := range d.chain {
		cert.Certificate = append(cert.Certificate, c.Raw)
	}
	c, err := edgeapi.New(edgeapi.Config{Endpoint: s.URL, RootCAs: s.CertPool(), Certificate: cert, Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	sess, err := c.CurrentAPISession(ctx)
	if err != nil {
		return "", err
	}
	return sess.IdentityID, nil
}

// expectLogins waits (up to 20 s, a controller's trust cache follows CA
// changes shortly after they are made) until each device logs in as want
// ("" means: is refused).
func expectLogins(t *testing.T, want map[string]*string, devices map[string]deviceCert) func(*terraformState) error {
	return func(*terraformState) error {
		deadline := time.Now().Add(20 * time.Second)
		for {
			var wrong error
			for name, d := range devices {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				got, err := certLogin(ctx, t, d)
				cancel()
				switch w := *want[name]; {
				case w == "" && err == nil:
					wrong = fmt.Errorf("%s logged in (as %s) but must be refused", name, got)
				case w != "" && err != nil:
					wrong = fmt.Errorf("%s must log in as %s: %w", name, w, err)
				case w != "" && got != w:
					wrong = fmt.Errorf("%s logged in as %s, want %s", name, got, w)
				}
			}
			if wrong == nil || time.Now().After(deadline) {
				return wrong
			}
			time.Sleep(500 * time.Millisecond)
		}
	}
}

// TestAccCARotationByOverlap follows the third-party CA rotation of the
// rotation guide with real certificate logins: a second ziti_ca (another
// name, the new certificate) beside the first, then the first removed.
// Devices matched by external_id_claim log in with a certificate of either
// CA as the same identity; a device enrolled with ottca gets a second
// enrollment against the new CA. Old certificates keep logging in until the
// old CA is removed, and new ones log in as soon as the new CA is verified.
func TestAccCARotationByOverlap(t *testing.T) {
	cfg := accProviderConfig(t)
	requireServerFeature(t, "cas")
	requireEnrollMethod(t, "ottca")
	name := uniqueName(t, "rot")
	oldCA, newCA := newThirdPartyCA(t, name+"-2026"), newThirdPartyCA(t, name+"-2027")
	var claimID, ottcaID, oldJWT, newJWT string
	claimOld, claimNew := certOf(oldCA.clientCert(t, name+"-claim")), certOf(newCA.clientCert(t, name+"-claim"))
	// The ottca device's certificates carry no URI: the claim finds no
	// value in them, so they log in by their fingerprint.
	ottcaOld, ottcaNew := certOf(oldCA.plainClientCert(t, name+"-ottca")), certOf(newCA.plainClientCert(t, name+"-ottca"))
	devices := map[string]deviceCert{"claim device, old CA": claimOld, "claim device, new CA": claimNew,
		"ottca device, old CA": ottcaOld, "ottca device, new CA": ottcaNew}
	none := ""
	caHCL := func(res, suffix string, ca *thirdPartyCA) string {
		return fmt.Sprintf(`
resource "ziti_ca" %q {
  name                          = "%s-%s"
  cert_pem                      = %s
  is_auth_enabled               = true
  is_ott_ca_enrollment_enabled  = true
  external_id_claim = {
    location         = "SAN_URI"
    matcher          = "SCHEME"
    matcher_criteria = "spiffe"
    parser           = "NONE"
    parser_criteria  = ""
    index            = 0
  }
  ca_private_key_pem_wo         = %s
  ca_private_key_pem_wo_version = 1
}
`, res, name, suffix, heredoc(ca.certPEM), heredoc(ca.keyPEM))
	}
	devicesHCL := fmt.Sprintf(`
resource "ziti_identity" "claim" {
  name        = "%[1]s-claim"
  type        = "Device"
  external_id = "spiffe://acme/%[1]s-claim"
}
resource "ziti_identity" "ottca" {
  name = "%[1]s-ottca"
  type = "Device"
}
`, name)
	enrollHCL := func(res, caRes string) string {
		return fmt.Sprintf(`
resource "ziti_enrollment" %q {
  identity_id = ziti_identity.ottca.id
  method      = "ottca"
  ca_id       = ziti_ca.%s.id
}
`, res, caRes)
	}
	ottcaEnroll := func(jwt *string, d deviceCert) func() {
		return func() { enrollOTTCA(t, *jwt, d.key, d.chain) }
	}
	// 1. One CA; the ottca device enrolls with its old certificate.
	stage1 := cfg + caHCL("devices", "2026", oldCA) + devicesHCL + enrollHCL("ottca", "devices")
	// 2. Add: the new CA beside the old one, and a second ottca enrollment
	// for the device against it.
	stage2 := stage1 + caHCL("devices_2027", "2027", newCA) + enrollHCL("ottca_2027", "devices_2027")
	// 3. Remove the old CA (its enrollment, used, goes with it).
	stage3 := cfg + caHCL("devices_2027", "2027", newCA) + devicesHCL + enrollHCL("ottca_2027", "devices_2027")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: stage1,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("ziti_ca.devices", "is_verified", "true"),
					resource.TestCheckResourceAttrWith("ziti_identity.claim", "id", captureAttr(&claimID)),
					resource.TestCheckResourceAttrWith("ziti_identity.ottca", "id", captureAttr(&ottcaID)),
					resource.TestCheckResourceAttrWith("ziti_enrollment.ottca", "jwt", captureAttr(&oldJWT)),
				),
			},
			{
				PreConfig: ottcaEnroll(&oldJWT, ottcaOld),
				Config:    stage1,
				Check: expectLogins(t, map[string]*string{"claim device, old CA": &claimID, "claim device, new CA": &none,
					"ottca device, old CA": &ottcaID, "ottca device, new CA": &none}, devices),
			},
			{
				Config: stage2,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("ziti_ca.devices", plancheck.ResourceActionNoop),
					plancheck.ExpectResourceAction("ziti_ca.devices_2027", plancheck.ResourceActionCreate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("ziti_ca.devices_2027", "is_verified", "true"),
					resource.TestCheckResourceAttrWith("ziti_enrollment.ottca_2027", "jwt", captureAttr(&newJWT)),
					// The claim device logs in with either certificate at once.
					expectLogins(t, map[string]*string{"claim device, old CA": &claimID, "claim device, new CA": &claimID,
						"ottca device, old CA": &ottcaID, "ottca device, new CA": &none}, devices),
				),
			},
			{
				PreConfig: ottcaEnroll(&newJWT, ottcaNew),
				Config:    stage2,
				Check: expectLogins(t, map[string]*string{"claim device, old CA": &claimID, "claim device, new CA": &claimID,
					"ottca device, old CA": &ottcaID, "ottca device, new CA": &ottcaID}, devices),
			},
			{
				Config: stage3,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("ziti_ca.devices", plancheck.ResourceActionDestroy),
					plancheck.ExpectResourceAction("ziti_ca.devices_2027", plancheck.ResourceActionNoop),
					plancheck.ExpectResourceAction("ziti_identity.claim", plancheck.ResourceActionNoop),
					plancheck.ExpectResourceAction("ziti_identity.ottca", plancheck.ResourceActionNoop),
				}},
				Check: expectLogins(t, map[string]*string{"claim device, old CA": &none, "claim device, new CA": &claimID,
					"ottca device, old CA": &none, "ottca device, new CA": &ottcaID}, devices),
			},
		},
	})
}

func certOf(k *enroll.Key, chain []*x509.Certificate) deviceCert {
	return deviceCert{key: k, chain: chain}
}

// TestAccCAReplacementWarns: a new cert_pem on a ziti_ca plans its
// replacement with a warning that says what it costs and how to rotate
// without a window (terraform-plugin-testing does not show warnings, so
// this drives the CLI).
func TestAccCAReplacementWarns(t *testing.T) {
	s := accController(t)
	requireServerFeature(t, "cas")
	name := uniqueName(t, "rotwarn")
	first, second := newThirdPartyCA(t, name), newThirdPartyCA(t, name+"-next")
	config := func(ca *thirdPartyCA) string {
		return passwordProviderHCL(s.URL, s.Username, s.CAFile) + fmt.Sprintf(`
resource "ziti_ca" "x" {
  name     = %q
  cert_pem = %s
}
`, name, heredoc(ca.certPEM))
	}
	d := newTFDriver(t, config(first), "ZITI_PASSWORD="+s.Password)
	d.must("apply", "-auto-approve", "-no-color")
	t.Cleanup(func() { _, _ = d.run("destroy", "-auto-approve", "-no-color") })
	if out := d.must("plan", "-no-color"); strings.Contains(out, "will be refused") {
		t.Fatalf("an unchanged CA warns:\n%s", tail(out, 30))
	}
	if err := os.WriteFile(filepath.Join(d.dir, "main.tf"), []byte(config(second)), 0o600); err != nil {
		t.Fatal(err)
	}
	out := d.must("plan", "-no-color")
	flat := strings.Join(strings.Fields(out), " ")
	for _, want := range []string{
		"must be replaced",
		"Warning: CA " + name + " is replaced: devices with its certificates will be refused",
		"add a second ziti_ca with the new certificate and another name",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("the plan does not say %q:\n%s", want, tail(out, 40))
		}
	}

	// A certificate known only at apply (its ziti_pki_ca is replaced)
	// replaces the CA too, and warns the same.
	pkiConfig := func(cn string) string {
		return passwordProviderHCL(s.URL, s.Username, s.CAFile) + fmt.Sprintf(`
resource "ziti_pki_ca" "root" {
  name = %q
}
resource "ziti_ca" "x" {
  name     = %q
  cert_pem = ziti_pki_ca.root.cert_pem
}
`, cn, name)
	}
	if err := os.WriteFile(filepath.Join(d.dir, "main.tf"), []byte(pkiConfig(name+"-root")), 0o600); err != nil {
		t.Fatal(err)
	}
	d.must("apply", "-auto-approve", "-no-color")
	if err := os.WriteFile(filepath.Join(d.dir, "main.tf"), []byte(pkiConfig(name+"-root-2")), 0o600); err != nil {
		t.Fatal(err)
	}
	out = d.must("plan", "-no-color")
	if flat := strings.Join(strings.Fields(out), " "); !strings.Contains(flat, "Warning: CA "+name+" is replaced") {
		t.Errorf("a cert_pem known only at apply replaces the CA without the warning:\n%s", tail(out, 40))
	}
}
