package provider

import (
	"context"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
	"github.com/zitiform/terraform-provider-ziti/internal/enroll"
)

func TestAccEdgeRouter(t *testing.T) {
	cfg := accProviderConfig(t)
	requireServerFeature(t, "edge-routers")
	c := accClient(t)
	name := uniqueName(t, "er")
	var id, jwt string
	config := func(cost int, reEnroll string) string {
		return cfg + fmt.Sprintf(`
resource "ziti_edge_router" "x" {
  name                = %q
  role_attributes     = ["edge", "eu"]
  is_tunneler_enabled = true
  cost                = %d
  tags                = { site = "lab" }
  re_enroll           = { n = %q }
}
data "ziti_edge_router" "by_name" {
  name = ziti_edge_router.x.name
}
`, name, cost, reEnroll)
	}
	differs := func(old *string) func(string) error {
		return func(v string) error {
			if v == "" || v == *old {
				return fmt.Errorf("value empty or unchanged")
			}
			*old = v
			return nil
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy: func(*terraformState) error {
			if _, err := c.GetEdgeRouter(context.Background(), id); !edgeapi.IsNotFound(err) {
				return fmt.Errorf("edge router %s still exists after destroy (err %w)", id, err)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: config(10, "1"),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrWith("ziti_edge_router.x", "id", captureAttr(&id)),
					resource.TestCheckResourceAttrWith("ziti_edge_router.x", "enrollment_jwt", differs(&jwt)),
					resource.TestCheckResourceAttrSet("ziti_edge_router.x", "enrollment_expires_at"),
					resource.TestCheckResourceAttr("ziti_edge_router.x", "is_verified", "false"),
					resource.TestCheckResourceAttr("ziti_edge_router.x", "role_attributes.#", "2"),
					resource.TestCheckResourceAttrPair("data.ziti_edge_router.by_name", "id", "ziti_edge_router.x", "id"),
					resource.TestCheckResourceAttr("data.ziti_edge_router.by_name", "cost", "10"),
				),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				Config: config(20, "1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("ziti_edge_router.x", plancheck.ResourceActionUpdate)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("ziti_edge_router.x", "cost", "20"),
					resource.TestCheckResourceAttrWith("ziti_edge_router.x", "enrollment_jwt", func(v string) error {
						if v != jwt {
							return fmt.Errorf("an update without re_enroll changed the JWT")
						}
						return nil
					}),
				),
			},
			{
				// re_enroll: in place, a new JWT.
				Config: config(20, "2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("ziti_edge_router.x", plancheck.ResourceActionUpdate)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrWith("ziti_edge_router.x", "id", func(v string) error {
						if v != id {
							return fmt.Errorf("re_enroll replaced the router")
						}
						return nil
					}),
					resource.TestCheckResourceAttrWith("ziti_edge_router.x", "enrollment_jwt", differs(&jwt)),
				),
			},
			{
				ResourceName: "ziti_edge_router.x", ImportState: true, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"re_enroll"},
			},
			{
				// The router enrolls (erott) for real: the JWT is used up,
				// the router is verified, and the plan stays empty.
				PreConfig: func() {
					tok, err := enroll.ParseToken(jwt)
					if err != nil {
						t.Fatal(err)
					}
					ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
					defer cancel()
					if _, err := enroll.Enroll(ctx, enroll.Request{Token: tok, ServerDNS: []string{"router.test"}, ServerIPs: []net.IP{net.ParseIP("127.0.0.1")}}); err != nil {
						t.Fatalf("erott enrollment: %v", err)
					}
				},
				Config: config(20, "2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("ziti_edge_router.x", "is_verified", "true"),
					resource.TestCheckNoResourceAttr("ziti_edge_router.x", "enrollment_jwt"),
				),
			},
			{
				// Deleted outside Terraform: planned again.
				PreConfig: func() {
					if err := c.DeleteEdgeRouter(context.Background(), id); err != nil {
						t.Fatal(err)
					}
				},
				Config: config(20, "2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("ziti_edge_router.x", plancheck.ResourceActionCreate)},
				},
				Check: resource.TestCheckResourceAttrWith("ziti_edge_router.x", "id", captureAttr(&id)),
			},
		},
	})
}
