package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

func TestAccServiceEdgeRouterPolicy(t *testing.T) {
	name := uniqueName(t, "serp")
	policy := func(n, body string) string {
		return fmt.Sprintf(`
resource "ziti_service" "s" {
  name = "%[1]s-svc"
}
resource "ziti_service_edge_router_policy" "x" {
  name = %[2]q
%[3]s
}
`, name, n, body)
	}
	bad := func(body string) string { return policy(name, body) }
	testAccKind(t, kindCase[edgeapi.ServiceEdgeRouterPolicyDetail]{
		collection: edgeapi.ServiceEdgeRouterPolicies, address: "ziti_service_edge_router_policy.x",
		named: serviceEdgeRouterPolicyKind.named,
		bad:   append(policyBadRoles(bad, "service_roles"), policyBadRoles(bad, "edge_router_roles")[:3]...),
		create: policy(name, `
  service_roles     = ["@${ziti_service.s.id}"]
  edge_router_roles = ["#all"]
`),
		checks: []resource.TestCheckFunc{
			resource.TestCheckResourceAttr("ziti_service_edge_router_policy.x", "semantic", "AnyOf"),
			onController(t, edgeapi.ServiceEdgeRouterPolicies, "ziti_service_edge_router_policy.x", func(d *edgeapi.ServiceEdgeRouterPolicyDetail) error {
				if d.Semantic != "AnyOf" || len(d.ServiceRoles) != 1 || d.EdgeRouterRoles[0] != "#all" {
					return fmt.Errorf("controller has %+v", d)
				}
				return nil
			}),
		},
		update: policy(name+"-renamed", `
  semantic          = "AllOf"
  service_roles     = ["#web", "#eu"]
  edge_router_roles = ["#public"]
  tags              = { owner = "acc" }
`),
		updateChecks: []resource.TestCheckFunc{
			onController(t, edgeapi.ServiceEdgeRouterPolicies, "ziti_service_edge_router_policy.x", func(d *edgeapi.ServiceEdgeRouterPolicyDetail) error {
				if d.Semantic != "AllOf" || len(d.ServiceRoles) != 2 || d.EdgeRouterRoles[0] != "#public" || d.Tags["owner"] != "acc" {
					return fmt.Errorf("controller has %+v", d)
				}
				return nil
			}),
		},
	})
}
