package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

func TestAccService(t *testing.T) {
	name := uniqueName(t, "svc")
	service := func(n, body string) string {
		return fmt.Sprintf(`
resource "ziti_service" "x" {
  name = %q
%s
}
`, n, body)
	}
	hostConfig := fmt.Sprintf(`
data "ziti_config_type" "host" {
  name = "host.v1"
}
resource "ziti_config" "host" {
  name           = "%s-host"
  config_type_id = data.ziti_config_type.host.id
  data           = jsonencode({ protocol = "tcp", address = "127.0.0.1", port = 8080 })
}
`, name)
	updated := hostConfig + service(name+"-renamed", `
  configs              = [ziti_config.host.id]
  terminator_strategy  = "weighted"
  max_idle_time_millis = 30000
  role_attributes      = ["web", "eu"]
  tags                 = { owner = "acc" }
`)
	testAccKind(t, kindCase[edgeapi.ServiceDetail]{
		collection: edgeapi.Services, address: "ziti_service.x",
		named: serviceKind.named,
		bad: []badConfig{
			{service(name, `terminator_strategy = "fastest"`), regexp.MustCompile(`(?s)terminator_strategy.*must be one of`)},
			{service(name, `max_idle_time_millis = -1`), regexp.MustCompile(`(?s)max_idle_time_millis.*at least 0`)},
			{service("", ``), regexp.MustCompile(`(?s)name.*at least 1`)},
		},
		create: service(name, `role_attributes = ["web"]`),
		checks: []resource.TestCheckFunc{
			// The controller's defaults, as the real controller sets them.
			resource.TestCheckResourceAttr("ziti_service.x", "encryption_required", "true"),
			resource.TestCheckResourceAttr("ziti_service.x", "terminator_strategy", "smartrouting"),
			resource.TestCheckResourceAttr("ziti_service.x", "max_idle_time_millis", "0"),
			resource.TestCheckResourceAttr("ziti_service.x", "configs.#", "0"),
			resource.TestCheckNoResourceAttr("ziti_service.x", "tags"),
			onController(t, edgeapi.Services, "ziti_service.x", func(d *edgeapi.ServiceDetail) error {
				if !d.EncryptionRequired || d.TerminatorStrategy != "smartrouting" || len(d.RoleAttributes) != 1 || d.RoleAttributes[0] != "web" {
					return fmt.Errorf("controller has %+v", d)
				}
				return nil
			}),
		},
		update: updated,
		updateChecks: []resource.TestCheckFunc{
			resource.TestCheckResourceAttr("ziti_service.x", "name", name+"-renamed"),
			resource.TestCheckResourceAttrPair("ziti_service.x", "configs.0", "ziti_config.host", "id"),
			resource.TestCheckResourceAttr("ziti_service.x", "role_attributes.#", "2"),
			onController(t, edgeapi.Services, "ziti_service.x", func(d *edgeapi.ServiceDetail) error {
				if d.TerminatorStrategy != "weighted" || d.MaxIdleTimeMillis != 30000 || len(d.Configs) != 1 || d.Tags["owner"] != "acc" {
					return fmt.Errorf("controller has %+v", d)
				}
				return nil
			}),
		},
	})
}

// TestAccServiceEncryptionReplaces: the controller fixes
// encryption_required at create, so a change replaces the service.
func TestAccServiceEncryptionReplaces(t *testing.T) {
	name := uniqueName(t, "svc")
	testAccReplaces(t, "ziti_service.x", "encryption_required", "false", func(enc string) string {
		return fmt.Sprintf(`
resource "ziti_service" "x" {
  name                = %q
  encryption_required = %s
}
`, name, enc)
	}, "true", "false")
}
