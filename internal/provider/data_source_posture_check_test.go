package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// TestAccPostureCheckDataSources reads a check of every type by name or id,
// and refuses a check of another type.
func TestAccPostureCheckDataSources(t *testing.T) {
	requireServerFeature(t, "posture-checks")
	cfg := accProviderConfig(t)
	p := uniqueName(t, "dpc")
	checks := fmt.Sprintf(`
resource "ziti_posture_check_domain" "c" {
  name    = "%[1]s-domain"
  domains = ["corp.example"]
  tags    = { owner = "acc" }
}
resource "ziti_posture_check_mac" "c" {
  name          = "%[1]s-mac"
  mac_addresses = ["0a1b2c3d4e5f"]
}
resource "ziti_posture_check_mfa" "c" {
  name            = "%[1]s-mfa"
  timeout_seconds = 300
}
resource "ziti_posture_check_os" "c" {
  name              = "%[1]s-os"
  operating_systems = [{ type = "macOS", versions = [">=13.0.0"] }]
}
resource "ziti_posture_check_process" "c" {
  name    = "%[1]s-process"
  process = { os_type = "Linux", path = "/usr/bin/agent", signer_fingerprint = %[2]q }
}
resource "ziti_posture_check_multi_process" "c" {
  name            = "%[1]s-multi"
  semantic        = "AllOf"
  processes       = [{ os_type = "Windows", path = "C:\\a.exe", hashes = [%[3]q] }]
  role_attributes = ["desk"]
}
`, p, testFingerprint, testHash)
	reads := `
data "ziti_posture_check_domain" "by_name" {
  name = ziti_posture_check_domain.c.name
}
data "ziti_posture_check_mac" "by_id" {
  id = ziti_posture_check_mac.c.id
}
data "ziti_posture_check_mfa" "by_name" {
  name = ziti_posture_check_mfa.c.name
}
data "ziti_posture_check_os" "by_id" {
  id = ziti_posture_check_os.c.id
}
data "ziti_posture_check_process" "by_name" {
  name = ziti_posture_check_process.c.name
}
data "ziti_posture_check_multi_process" "by_id" {
  id = ziti_posture_check_multi_process.c.id
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: cfg + checks + reads,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrPair("data.ziti_posture_check_domain.by_name", "id", "ziti_posture_check_domain.c", "id"),
					resource.TestCheckResourceAttr("data.ziti_posture_check_domain.by_name", "domains.0", "corp.example"),
					resource.TestCheckResourceAttr("data.ziti_posture_check_domain.by_name", "tags.owner", "acc"),
					resource.TestCheckResourceAttrPair("data.ziti_posture_check_mac.by_id", "name", "ziti_posture_check_mac.c", "name"),
					resource.TestCheckResourceAttr("data.ziti_posture_check_mac.by_id", "mac_addresses.0", "0a1b2c3d4e5f"),
					resource.TestCheckResourceAttr("data.ziti_posture_check_mfa.by_name", "timeout_seconds", "300"),
					resource.TestCheckResourceAttr("data.ziti_posture_check_mfa.by_name", "prompt_on_wake", "false"),
					resource.TestCheckResourceAttr("data.ziti_posture_check_os.by_id", "operating_systems.0.type", "macOS"),
					resource.TestCheckResourceAttr("data.ziti_posture_check_os.by_id", "operating_systems.0.versions.0", ">=13.0.0"),
					resource.TestCheckResourceAttr("data.ziti_posture_check_process.by_name", "process.path", "/usr/bin/agent"),
					resource.TestCheckResourceAttr("data.ziti_posture_check_process.by_name", "process.signer_fingerprint", testFingerprint),
					resource.TestCheckResourceAttr("data.ziti_posture_check_multi_process.by_id", "semantic", "AllOf"),
					resource.TestCheckResourceAttr("data.ziti_posture_check_multi_process.by_id", "processes.0.hashes.0", testHash),
					resource.TestCheckResourceAttr("data.ziti_posture_check_multi_process.by_id", "role_attributes.0", "desk"),
				),
			},
			{
				// The MAC check's id through the domain data source.
				Config: cfg + checks + `
data "ziti_posture_check_domain" "wrong" {
  id = ziti_posture_check_mac.c.id
}
`,
				ExpectError: regexp.MustCompile(`(?s)it is a\s+MAC posture check,\s+not DOMAIN`),
			},
		},
	})
}
