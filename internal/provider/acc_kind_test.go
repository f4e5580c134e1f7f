package provider

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

// kindCase is the acceptance test of one named network kind's resource,
// run by testAccKind: bad input refused at plan time, create, a re-plan
// without changes, an update in place (optionally a further equivalent
// config that must plan nothing), import, a change outside Terraform that
// the next apply reverts, and a deletion outside Terraform that the next
// plan recreates.
type kindCase[D any] struct {
	collection edgeapi.Collection[D]
	// named is the kind's networkKind.named.
	named func(d *D) (*edgeapi.BaseEntity, string)
	// patchKeeps, when set, gives the fields of d that the real controller
	// needs in every PATCH besides the one changed (a config's data, a
	// config type's schema: it refuses a PATCH without them).
	patchKeeps func(d *D) map[string]any
	// address is the resource under test, e.g. "ziti_service.x".
	address string
	// create and update are configurations (without the provider block)
	// holding address; same, when set, is update written differently
	// (key order, whitespace) and must plan nothing.
	create, update, same string
	// checks run after create, updateChecks after update; they may use
	// the controller's view through the client.
	checks, updateChecks []resource.TestCheckFunc
	// bad are configurations refused at plan time with their error.
	bad []badConfig
	// importIgnore are attributes an import cannot read back.
	importIgnore []string
}

// badConfig is a configuration and the plan-time error it must give.
type badConfig struct {
	config string
	err    *regexp.Regexp
}

func testAccKind[D any](t *testing.T, kc kindCase[D]) {
	t.Helper()
	cfg := accProviderConfig(t)
	c := accClient(t)
	var id string
	var steps []resource.TestStep
	for _, b := range kc.bad {
		steps = append(steps, resource.TestStep{Config: cfg + b.config, PlanOnly: true, ExpectError: b.err})
	}
	emptyAfter := resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}
	steps = append(steps,
		resource.TestStep{
			Config:           cfg + kc.create,
			Check:            resource.ComposeAggregateTestCheckFunc(append(kc.checks, resource.TestCheckResourceAttrWith(kc.address, "id", captureAttr(&id)))...),
			ConfigPlanChecks: emptyAfter,
		},
		resource.TestStep{
			Config: cfg + kc.update,
			Check:  resource.ComposeAggregateTestCheckFunc(append(kc.updateChecks, resource.TestCheckResourceAttrWith(kc.address, "id", sameAs(&id)))...),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(kc.address, plancheck.ResourceActionUpdate)},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
		})
	if kc.same != "" {
		steps = append(steps, resource.TestStep{Config: cfg + kc.same, PlanOnly: true})
	}
	steps = append(steps,
		resource.TestStep{
			ResourceName: kc.address, ImportState: true, ImportStateVerify: true,
			ImportStateVerifyIgnore: kc.importIgnore,
		},
		resource.TestStep{
			// Changed outside Terraform (a tag added with PATCH): the plan
			// shows an update, which puts the configuration back.
			PreConfig: func() {
				patch := map[string]any{"tags": edgeapi.Tags{"tampered": "yes"}}
				if kc.patchKeeps != nil {
					d, err := kc.collection.Get(context.Background(), c, id)
					if err != nil {
						t.Fatal(err)
					}
					maps.Copy(patch, kc.patchKeeps(d))
				}
				if err := kc.collection.Patch(context.Background(), c, id, patch); err != nil {
					t.Fatal(err)
				}
			},
			Config: cfg + kc.update,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(kc.address, plancheck.ResourceActionUpdate)},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckNoResourceAttr(kc.address, "tags.tampered"),
				onController(t, kc.collection, kc.address, func(d *D) error {
					if base, _ := kc.named(d); base.Tags["tampered"] != nil {
						return fmt.Errorf("the tag added outside Terraform is still on the controller: %v", base.Tags)
					}
					return nil
				}),
			),
		},
		resource.TestStep{
			// Deleted outside Terraform: read drops it, the plan creates it.
			PreConfig: func() {
				if err := kc.collection.Delete(context.Background(), c, id); err != nil {
					t.Fatal(err)
				}
			},
			Config: cfg + kc.update,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(kc.address, plancheck.ResourceActionCreate)},
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: resource.TestCheckResourceAttrWith(kc.address, "id", captureAttr(&id)),
		})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy: func(*terraformState) error {
			if _, err := kc.collection.Get(context.Background(), c, id); !edgeapi.IsNotFound(err) {
				return fmt.Errorf("%s %s still exists after destroy (err %w)", kc.collection.Name, id, err)
			}
			return nil
		},
		Steps: steps,
	})
}

// sameAs checks that an attribute still has the value captured earlier
// (an update kept the object's id).
func sameAs(want *string) func(string) error {
	return func(v string) error {
		if v != *want {
			return fmt.Errorf("got %q, want %q (the object was replaced, not updated in place)", v, *want)
		}
		return nil
	}
}

// onController checks the controller's view of the object whose id is in
// state at address.
func onController[D any](t *testing.T, col edgeapi.Collection[D], address string, check func(d *D) error) resource.TestCheckFunc {
	return func(s *terraformState) error {
		rs, ok := s.RootModule().Resources[address]
		if !ok {
			return fmt.Errorf("%s not in state", address)
		}
		d, err := col.Get(context.Background(), accClient(t), rs.Primary.ID)
		if err != nil {
			return err
		}
		return check(d)
	}
}

// regexpMatch reports whether s matches the regular expression re.
func regexpMatch(re, s string) bool { return regexp.MustCompile(re).MatchString(s) }

// testAccReplaces applies config(from), then config(to), which must
// replace the resource at address (a new id) and leave attr = want.
func testAccReplaces(t *testing.T, address, attr, want string, config func(v string) string, from, to string) {
	t.Helper()
	cfg := accProviderConfig(t)
	var id string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{Config: cfg + config(from), Check: resource.TestCheckResourceAttrWith(address, "id", captureAttr(&id))},
			{
				Config: cfg + config(to),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(address, plancheck.ResourceActionReplace)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(address, attr, want),
					resource.TestCheckResourceAttrWith(address, "id", func(v string) error {
						if v == id {
							return fmt.Errorf("%s changed in place (id %s kept)", address, v)
						}
						return nil
					}),
				),
			},
		},
	})
}
