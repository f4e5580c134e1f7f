package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// TestAccPolicyDataSources reads the three policy kinds by id and by name.
func TestAccPolicyDataSources(t *testing.T) {
	cfg := accProviderConfig(t)
	prefix := uniqueName(t, "dpol")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config: cfg + fmt.Sprintf(`
resource "ziti_service" "s" {
  name = "%[1]s-svc"
}
resource "ziti_service_policy" "bind" {
  name           = "%[1]s-bind"
  type           = "Bind"
  identity_roles = ["#hosts"]
  service_roles  = ["@${ziti_service.s.id}"]
}
resource "ziti_edge_router_policy" "erp" {
  name              = "%[1]s-erp"
  semantic          = "AllOf"
  identity_roles    = ["#hosts", "#eu"]
  edge_router_roles = ["#all"]
}
resource "ziti_service_edge_router_policy" "serp" {
  name              = "%[1]s-serp"
  service_roles     = ["#all"]
  edge_router_roles = ["#public"]
  tags              = { owner = "acc" }
}
data "ziti_service_policy" "by_name" {
  name = ziti_service_policy.bind.name
}
data "ziti_edge_router_policy" "by_id" {
  id = ziti_edge_router_policy.erp.id
}
data "ziti_service_edge_router_policy" "by_name" {
  name = ziti_service_edge_router_policy.serp.name
}
`, prefix),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttrPair("data.ziti_service_policy.by_name", "id", "ziti_service_policy.bind", "id"),
				resource.TestCheckResourceAttr("data.ziti_service_policy.by_name", "type", "Bind"),
				resource.TestCheckResourceAttr("data.ziti_service_policy.by_name", "semantic", "AnyOf"),
				resource.TestCheckResourceAttr("data.ziti_service_policy.by_name", "identity_roles.0", "#hosts"),
				resource.TestCheckResourceAttrPair("data.ziti_service_policy.by_name", "service_roles.0", "ziti_service_policy.bind", "service_roles.0"),
				resource.TestCheckResourceAttrPair("data.ziti_edge_router_policy.by_id", "name", "ziti_edge_router_policy.erp", "name"),
				resource.TestCheckResourceAttr("data.ziti_edge_router_policy.by_id", "semantic", "AllOf"),
				resource.TestCheckResourceAttr("data.ziti_edge_router_policy.by_id", "identity_roles.#", "2"),
				resource.TestCheckResourceAttr("data.ziti_edge_router_policy.by_id", "edge_router_roles.0", "#all"),
				resource.TestCheckResourceAttrPair("data.ziti_service_edge_router_policy.by_name", "id", "ziti_service_edge_router_policy.serp", "id"),
				resource.TestCheckResourceAttr("data.ziti_service_edge_router_policy.by_name", "edge_router_roles.0", "#public"),
				resource.TestCheckResourceAttr("data.ziti_service_edge_router_policy.by_name", "tags.owner", "acc"),
			),
		}},
	})
}
