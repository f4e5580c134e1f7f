package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// TestAccServiceDataSources reads a service, a config and config types by
// id and by name, the built-in intercept.v1 among them.
func TestAccServiceDataSources(t *testing.T) {
	cfg := accProviderConfig(t)
	prefix := uniqueName(t, "dsvc")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config: cfg + fmt.Sprintf(`
resource "ziti_config_type" "own" {
  name   = "%[1]s-type"
  schema = jsonencode({ type = "object" })
}
data "ziti_config_type" "intercept" {
  name = "intercept.v1"
}
data "ziti_config_type" "own" {
  id = ziti_config_type.own.id
}
resource "ziti_config" "c" {
  name           = "%[1]s-intercept"
  config_type_id = data.ziti_config_type.intercept.id
  data           = jsonencode({ protocols = ["tcp"], addresses = ["echo.ziti"], portRanges = [{ low = 80, high = 80 }] })
}
data "ziti_config" "by_name" {
  name = ziti_config.c.name
}
resource "ziti_service" "s" {
  name            = "%[1]s-svc"
  configs         = [ziti_config.c.id]
  role_attributes = ["web"]
  tags            = { owner = "acc" }
}
data "ziti_service" "by_name" {
  name = ziti_service.s.name
}
data "ziti_service" "by_id" {
  id = ziti_service.s.id
}
`, prefix),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("data.ziti_config_type.intercept", "name", "intercept.v1"),
				resource.TestCheckResourceAttrWith("data.ziti_config_type.intercept", "schema", func(v string) error {
					if _, err := decodeJSONObject([]byte(v)); err != nil || !regexpMatch(`"portRanges"`, v) {
						return fmt.Errorf("intercept.v1 schema %q: %w", v, err)
					}
					return nil
				}),
				resource.TestCheckResourceAttrPair("data.ziti_config_type.own", "name", "ziti_config_type.own", "name"),
				resource.TestCheckResourceAttr("data.ziti_config_type.own", "schema", `{"type":"object"}`),
				resource.TestCheckResourceAttrPair("data.ziti_config.by_name", "id", "ziti_config.c", "id"),
				resource.TestCheckResourceAttrPair("data.ziti_config.by_name", "config_type_id", "data.ziti_config_type.intercept", "id"),
				resource.TestCheckResourceAttrPair("data.ziti_config.by_name", "data", "ziti_config.c", "data"),
				resource.TestCheckResourceAttrPair("data.ziti_service.by_name", "id", "ziti_service.s", "id"),
				resource.TestCheckResourceAttrPair("data.ziti_service.by_name", "configs.0", "ziti_config.c", "id"),
				resource.TestCheckResourceAttr("data.ziti_service.by_name", "encryption_required", "true"),
				resource.TestCheckResourceAttr("data.ziti_service.by_name", "terminator_strategy", "smartrouting"),
				resource.TestCheckResourceAttr("data.ziti_service.by_name", "role_attributes.0", "web"),
				resource.TestCheckResourceAttr("data.ziti_service.by_id", "tags.owner", "acc"),
				resource.TestCheckResourceAttrPair("data.ziti_service.by_id", "name", "ziti_service.s", "name"),
			),
		}},
	})
}
