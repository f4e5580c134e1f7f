package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

func TestAccEdgeRouterPolicy(t *testing.T) {
	name := uniqueName(t, "erp")
	policy := func(n, body string) string {
		return fmt.Sprintf(`
resource "ziti_identity" "i" {
  name = "%[1]s-id"
}
resource "ziti_edge_router_policy" "x" {
  name = %[2]q
%[3]s
}
`, name, n, body)
	}
	bad := func(body string) string { return policy(name, body) }
	testAccKind(t, kindCase[edgeapi.EdgeRouterPolicyDetail]{
		collection: edgeapi.EdgeRouterPolicies, address: "ziti_edge_router_policy.x",
		named: edgeRouterPolicyKind.named,
		bad:   append(policyBadRoles(bad, "identity_roles"), policyBadRoles(bad, "edge_router_roles")[:3]...),
		create: policy(name, `
  identity_roles    = ["#devices"]
  edge_router_roles = ["#all"]
`),
		checks: []resource.TestCheckFunc{
			resource.TestCheckResourceAttr("ziti_edge_router_policy.x", "semantic", "AnyOf"),
			onController(t, edgeapi.EdgeRouterPolicies, "ziti_edge_router_policy.x", func(d *edgeapi.EdgeRouterPolicyDetail) error {
				if d.Semantic != "AnyOf" || d.IsSystem || len(d.EdgeRouterRoles) != 1 || d.EdgeRouterRoles[0] != "#all" {
					return fmt.Errorf("controller has %+v", d)
				}
				return nil
			}),
		},
		update: policy(name+"-renamed", `
  semantic          = "AllOf"
  identity_roles    = ["@${ziti_identity.i.id}"]
  edge_router_roles = ["#eu", "#public"]
  tags              = { owner = "acc" }
`),
		updateChecks: []resource.TestCheckFunc{
			onController(t, edgeapi.EdgeRouterPolicies, "ziti_edge_router_policy.x", func(d *edgeapi.EdgeRouterPolicyDetail) error {
				if d.Semantic != "AllOf" || len(d.EdgeRouterRoles) != 2 || len(d.IdentityRoles) != 1 || d.Tags["owner"] != "acc" {
					return fmt.Errorf("controller has %+v", d)
				}
				return nil
			}),
		},
	})
}
