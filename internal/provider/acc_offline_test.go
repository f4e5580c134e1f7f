package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// These acceptance tests need terraform but no controller.

func TestAccNetworkResourceWithoutController(t *testing.T) {
	requireAcc(t)
	clearZitiEnv(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config: `
resource "ziti_identity" "x" { name = "x" }
resource "ziti_identity" "y" { name = "y" }
resource "ziti_edge_router" "r" { name = "r" }
`,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`No controller configured for ziti network resources`),
		}},
	})
}

func TestAccUnknownProviderConfigPlansOffline(t *testing.T) {
	requireAcc(t)
	clearZitiEnv(t)
	// The endpoint is unknown until terraform_data exists: the plan must
	// succeed without contacting anything (no controller runs here).
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config: `
resource "terraform_data" "ep" { input = "x" }
provider "ziti" {
  endpoint = "${terraform_data.ep.id}.invalid:1"
  username = "admin"
  password = "pw"
}
resource "ziti_identity" "x" { name = "x" }
resource "ziti_enrollment" "x" {
  identity_id = ziti_identity.x.id
  method      = "ott"
}
`,
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
		}},
	})
}

func TestAccValidation(t *testing.T) {
	requireAcc(t)
	clearZitiEnv(t)
	cases := []struct{ config, want string }{
		{`resource "ziti_identity" "x" {
  name = "x"
  type = "Robot"
}`, `value must be one of`},
		{`resource "ziti_enrollment" "x" {
  identity_id = "i"
  method      = "ottca"
}`, `ca_id is required for ottca`},
		{`resource "ziti_enrollment" "x" {
  identity_id = "i"
  method      = "ott"
  username    = "u"
}`, `username only applies to updb`},
		{`resource "ziti_enrollment" "x" {
  identity_id  = "i"
  method       = "ott"
  duration     = "1h"
  renew_before = "2h"
}`, `renew_before must be shorter than duration`},
		{`resource "ziti_enrollment" "x" {
  identity_id = "i"
  method      = "ott"
  duration    = "tomorrow"
}`, `not a positive Go duration`},
		{`resource "ziti_enrollment" "x" {
  identity_id = "i"
  method      = "ott"
  expires_at  = "next week"
}`, `not an RFC 3339 timestamp`},
		{`resource "ziti_ca" "x" {
  name     = "x"
  cert_pem = "nope"
}`, `cert_pem must hold a PEM certificate`},
		{`resource "ziti_ca" "x" {
  name     = "x"
  cert_pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
  external_id_claim = { location = "SUBJECT" }
}`, `value must be one of`},
		{`data "ziti_identity" "x" {}`, `Exactly one of these attributes must be configured`},
	}
	for _, tc := range cases {
		t.Run(tc.want, func(t *testing.T) {
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				Steps:                    []resource.TestStep{{Config: tc.config, PlanOnly: true, ExpectError: regexp.MustCompile(tc.want)}},
			})
		})
	}
}

func TestAccDataSourceWithUnknownProviderConfig(t *testing.T) {
	requireAcc(t)
	clearZitiEnv(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config: `
resource "terraform_data" "ep" { input = "x" }
provider "ziti" {
  endpoint = "${terraform_data.ep.id}.invalid:1"
  username = "admin"
  password = "pw"
}
data "ziti_controller_version" "v" {}
`,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`Add depends_on`),
		}, {
			// The suggested fix: the read moves to apply, the plan succeeds.
			Config: `
resource "terraform_data" "ep" { input = "x" }
provider "ziti" {
  endpoint = "${terraform_data.ep.id}.invalid:1"
  username = "admin"
  password = "pw"
}
data "ziti_controller_version" "v" {
  depends_on = [terraform_data.ep]
}
`,
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
		}},
	})
}
