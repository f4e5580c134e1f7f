package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// TestAccListDataSources lists services, configs, config types and the
// three policy kinds with a name filter: only this test's objects, sorted
// by name, with the resources' attributes.
func TestAccListDataSources(t *testing.T) {
	cfg := accProviderConfig(t)
	p := uniqueName(t, "list")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config: cfg + fmt.Sprintf(`
data "ziti_config_type" "host" {
  name = "host.v1"
}
resource "ziti_config_type" "t" {
  name = "%[1]s-type"
}
locals {
  keys = ["b", "a"]
}
resource "ziti_config" "c" {
  count          = 2
  name           = "%[1]s-cfg-${local.keys[count.index]}"
  config_type_id = data.ziti_config_type.host.id
  data           = jsonencode({ protocol = "tcp", address = "127.0.0.1", port = 8080 })
}
resource "ziti_service" "s" {
  count           = 2
  name            = "%[1]s-svc-${local.keys[count.index]}"
  role_attributes = [local.keys[count.index]]
  configs         = [ziti_config.c[count.index].id]
}
resource "ziti_service_policy" "p" {
  count          = 2
  name           = "%[1]s-sp-${["Dial", "Bind"][count.index]}"
  type           = ["Dial", "Bind"][count.index]
  identity_roles = ["#all"]
  service_roles  = ["#a"]
}
resource "ziti_edge_router_policy" "p" {
  name              = "%[1]s-erp"
  identity_roles    = ["#all"]
  edge_router_roles = ["#all"]
}
resource "ziti_service_edge_router_policy" "p" {
  name              = "%[1]s-serp"
  semantic          = "AllOf"
  service_roles     = ["#a", "#b"]
  edge_router_roles = ["#all"]
}
locals {
  filter = "name contains \"%[1]s\""
}
data "ziti_services" "l" {
  filter     = local.filter
  depends_on = [ziti_service.s]
}
data "ziti_configs" "l" {
  filter     = local.filter
  depends_on = [ziti_config.c]
}
data "ziti_config_types" "l" {
  filter     = local.filter
  depends_on = [ziti_config_type.t]
}
data "ziti_service_policies" "l" {
  filter     = local.filter
  depends_on = [ziti_service_policy.p]
}
data "ziti_edge_router_policies" "l" {
  filter     = local.filter
  depends_on = [ziti_edge_router_policy.p]
}
data "ziti_service_edge_router_policies" "l" {
  filter     = local.filter
  depends_on = [ziti_service_edge_router_policy.p]
}
data "ziti_config_types" "builtin" {
  filter = "name = \"host.v1\""
}
`, p),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("data.ziti_services.l", "services.#", "2"),
				resource.TestCheckResourceAttr("data.ziti_services.l", "services.0.name", p+"-svc-a"),
				resource.TestCheckResourceAttr("data.ziti_services.l", "services.0.role_attributes.0", "a"),
				resource.TestCheckResourceAttr("data.ziti_services.l", "services.0.encryption_required", "true"),
				resource.TestCheckResourceAttrPair("data.ziti_services.l", "services.1.configs.0", "ziti_config.c.0", "id"),
				resource.TestCheckResourceAttrPair("data.ziti_services.l", "ids.1", "ziti_service.s.0", "id"),
				resource.TestCheckResourceAttr("data.ziti_configs.l", "configs.#", "2"),
				resource.TestCheckResourceAttrPair("data.ziti_configs.l", "ids.0", "ziti_config.c.1", "id"),
				resource.TestCheckResourceAttr("data.ziti_configs.l", "configs.0.data", `{"address":"127.0.0.1","port":8080,"protocol":"tcp"}`),
				resource.TestCheckResourceAttr("data.ziti_config_types.l", "config_types.#", "1"),
				resource.TestCheckResourceAttr("data.ziti_config_types.builtin", "config_types.#", "1"),
				resource.TestCheckResourceAttrPair("data.ziti_config_types.builtin", "ids.0", "data.ziti_config_type.host", "id"),
				resource.TestCheckResourceAttr("data.ziti_service_policies.l", "service_policies.#", "2"),
				resource.TestCheckResourceAttr("data.ziti_service_policies.l", "service_policies.0.type", "Bind"),
				resource.TestCheckResourceAttr("data.ziti_service_policies.l", "service_policies.1.type", "Dial"),
				resource.TestCheckResourceAttr("data.ziti_edge_router_policies.l", "edge_router_policies.#", "1"),
				resource.TestCheckResourceAttr("data.ziti_edge_router_policies.l", "edge_router_policies.0.semantic", "AnyOf"),
				resource.TestCheckResourceAttr("data.ziti_service_edge_router_policies.l", "service_edge_router_policies.0.semantic", "AllOf"),
				resource.TestCheckResourceAttr("data.ziti_service_edge_router_policies.l", "service_edge_router_policies.0.service_roles.#", "2"),
			),
		}},
	})
}
