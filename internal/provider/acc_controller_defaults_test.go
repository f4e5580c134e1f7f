package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// TestAccEmptyControllerDefaultedValuesRefused: an empty value for an
// attribute the controller defaults used to be applied and read back as the
// controller's default ("Provider produced inconsistent result after apply",
// the resource tainted on every apply). It is refused at plan time, naming
// the attribute and the fix, before anything is created.
func TestAccEmptyControllerDefaultedValuesRefused(t *testing.T) {
	cfg := accProviderConfig(t)
	requireServerFeature(t, "cas")
	ca := newThirdPartyCA(t, "defaults")
	caConfig := func(attr string) string {
		return cfg + fmt.Sprintf(`
resource "ziti_ca" "x" {
  name     = %q
  cert_pem = %s
  %s
}
`, uniqueName(t, "ca"), heredoc(ca.certPEM), attr)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config:      caConfig(`identity_name_format = ""`),
				ExpectError: regexp.MustCompile(`(?s)identity_name_format = "" is not kept.*Omit identity_name_format to use\s+the\s+controller's\s+default`),
			},
			{
				Config:      caConfig(`external_id_claim = {}`),
				ExpectError: regexp.MustCompile(`(?s)external_id_claim = \{\} is not kept.*Omit\s+external_id_claim`),
			},
			{
				Config: cfg + fmt.Sprintf(`
resource "ziti_identity" "x" {
  name           = %q
  auth_policy_id = ""
}
`, uniqueName(t, "id")),
				ExpectError: regexp.MustCompile(`(?s)auth_policy_id = "" is not kept.*Omit\s+auth_policy_id`),
			},
		},
	})
}
