package provider

import (
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// TestAccPKIImportRefused imports each ziti_pki_* resource type: each
// fails with what to do instead, not the framework's "contact the provider
// developer".
func TestAccPKIImportRefused(t *testing.T) {
	config := dirConfig(filepath.Join(t.TempDir(), "pki"), true) + `
resource "ziti_pki_client_cert" "cli" {
  name                   = "d-client"
  issuer_cert_pem        = ziti_pki_intermediate.ica.cert_pem
  issuer_private_key_pem = ziti_pki_intermediate.ica.private_key_pem
  issuer_ca_bundle_pem   = ziti_pki_intermediate.ica.ca_bundle_pem
}
`
	steps := []resource.TestStep{{Config: config}}
	for _, c := range []struct{ addr, want string }{
		{"ziti_pki_ca.root", `(?s)ziti_pki_ca cannot be imported.*issuer_private_key_pem\s+=\s+file`},
		{"ziti_pki_intermediate.ica", `(?s)ziti_pki_intermediate cannot be imported.*issuer_cert_pem\s+=\s+file`},
		{"ziti_pki_server_cert.srv", `(?s)ziti_pki_server_cert cannot be imported.*set\s+private_key_pem\s+=\s+file`},
		{"ziti_pki_client_cert.cli", `(?s)ziti_pki_client_cert cannot be imported.*csr_pem`},
		{"ziti_pki_directory.tree", `(?s)ziti_pki_directory cannot be imported.*declare\s+the\s+resource\s+with\s+that\s+pki_root\s+and\s+apply`},
	} {
		steps = append(steps, resource.TestStep{
			Config: config, ResourceName: c.addr, ImportState: true, ImportStateId: "some-id",
			ExpectError: regexp.MustCompile(c.want),
		})
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: pkiProviderFactories, Steps: steps})
}

// TestAccPKIRenewalWindowRefused: an early_renewal_hours that is not below
// the lifetime made a certificate that was due at once and, with
// ready_for_renewal already true in the state, never renewed, not even
// after it expired. It is refused while planning.
func TestAccPKIRenewalWindowRefused(t *testing.T) {
	steps := []resource.TestStep{}
	for _, c := range []struct{ config, want string }{
		{`resource "ziti_pki_ca" "x" {
  name                  = "x"
  validity_period_hours = 10
  early_renewal_hours   = 20
}`, `(?s)early_renewal_hours = 20 is not less than\s+validity_period_hours = 10:.*Set\s+early_renewal_hours\s+below\s+validity_period_hours`},
		{`resource "ziti_pki_ca" "x" {
  name                  = "x"
  validity_period_hours = 10
  early_renewal_hours   = 10
}`, `early_renewal_hours = 10 is not less than\s+validity_period_hours = 10`},
		// The default lifetime of a leaf is 8760 hours.
		{`resource "ziti_pki_ca" "x" {
  name = "x"
}
resource "ziti_pki_server_cert" "s" {
  name                   = "s"
  dns_names              = ["localhost"]
  early_renewal_hours    = 9000
  issuer_cert_pem        = ziti_pki_ca.x.cert_pem
  issuer_private_key_pem = ziti_pki_ca.x.private_key_pem
}`, `early_renewal_hours = 9000 is not less than\s+validity_period_hours = 8760 \(the\s+default\)`},
	} {
		steps = append(steps, resource.TestStep{Config: "provider \"ziti\" {}\n" + c.config, PlanOnly: true, ExpectError: regexp.MustCompile(c.want)})
	}
	// Unknown while planning: refused when the apply plans it again, before
	// anything is issued.
	steps = append(steps, resource.TestStep{Config: `provider "ziti" {}
resource "terraform_data" "h" {
  input = 10
}
resource "ziti_pki_ca" "x" {
  name                  = "x"
  validity_period_hours = terraform_data.h.output
  early_renewal_hours   = 10
}`, ExpectError: regexp.MustCompile(`early_renewal_hours = 10 is not less than\s+validity_period_hours = 10`)})
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: pkiProviderFactories, Steps: steps})
}

// TestAccPKIRenewalHeldByIssuer moves the package clock. A leaf ends with
// its issuer (clipped); once it is within its early_renewal_hours the plan
// does not replace it, since a new leaf would end at the same time and be
// due at once, on every run. The issuer's own renewal then re-issues it.
func TestAccPKIRenewalHeldByIssuer(t *testing.T) {
	start := time.Now()
	t.Cleanup(func() { pkiNow = time.Now })
	at := func(d time.Duration) func() { return func() { pkiNow = func() time.Time { return start.Add(d) } } }
	config := `
provider "ziti" {}
resource "ziti_pki_ca" "root" {
  name                  = "held-root"
  validity_period_hours = 4
  early_renewal_hours   = 1
}
resource "ziti_pki_client_cert" "c" {
  name                   = "held-client"
  early_renewal_hours    = 2
  issuer_cert_pem        = ziti_pki_ca.root.cert_pem
  issuer_private_key_pem = ziti_pki_ca.root.private_key_pem
}
`
	serial := statecheck.CompareValue(compare.ValuesSame())
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: pkiProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: at(0),
				Config:    config,
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttrPair("ziti_pki_client_cert.c", "validity_end_time", "ziti_pki_ca.root", "validity_end_time"),
					resource.TestCheckResourceAttr("ziti_pki_client_cert.c", "ready_for_renewal", "false"),
				),
				ConfigStateChecks: []statecheck.StateCheck{serial.AddStateValue("ziti_pki_client_cert.c", tfjsonpath.New("id"))},
			},
			{
				// Inside the leaf's window, outside the issuer's: the leaf is
				// due but kept (a warning says to renew the issuer first).
				PreConfig: at(2*time.Hour + 30*time.Minute),
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("ziti_pki_client_cert.c", plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue("ziti_pki_client_cert.c", tfjsonpath.New("ready_for_renewal"), knownvalue.Bool(true)),
						plancheck.ExpectResourceAction("ziti_pki_ca.root", plancheck.ResourceActionNoop),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{serial.AddStateValue("ziti_pki_client_cert.c", tfjsonpath.New("id"))},
			},
			{
				PreConfig: at(2*time.Hour + 45*time.Minute),
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// The issuer's window: it is renewed, and the leaf with it.
				PreConfig: at(3*time.Hour + time.Minute),
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("ziti_pki_ca.root", plancheck.ResourceActionReplace),
						plancheck.ExpectResourceAction("ziti_pki_client_cert.c", plancheck.ResourceActionReplace),
					},
				},
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttrPair("ziti_pki_client_cert.c", "validity_end_time", "ziti_pki_ca.root", "validity_end_time"),
					resource.TestCheckResourceAttr("ziti_pki_client_cert.c", "ready_for_renewal", "false"),
					resource.TestCheckResourceAttr("ziti_pki_ca.root", "ready_for_renewal", "false"),
				),
			},
			{
				PreConfig: at(3*time.Hour + 2*time.Minute),
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}
