package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// TestAccProviderPlainHTTPEndpointRefused: an http:// endpoint is refused
// while planning, saying to use https, instead of failing at apply with a
// transport error.
func TestAccProviderPlainHTTPEndpointRefused(t *testing.T) {
	s := accController(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			PlanOnly: true,
			Config: fmt.Sprintf(`
provider "ziti" {
  endpoint = %q
  username = %q
  password = %q
  ca_file  = %q
}
resource "ziti_identity" "x" {
  name = %q
}
`, strings.Replace(s.ManagementURL(), "https://", "http://", 1), s.Username, s.Password, s.CAFile, uniqueName(t, "id")),
			ExpectError: regexp.MustCompile(`must\s+use\s+https:\s+write\s+https://`),
		}},
	})
}
