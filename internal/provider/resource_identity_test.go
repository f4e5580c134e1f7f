package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// captureAttr stores a state attribute for later steps.
func captureAttr(dst *string) func(string) error {
	return func(v string) error {
		*dst = v
		return nil
	}
}

func TestAccIdentity(t *testing.T) {
	cfg := accProviderConfig(t)
	c := accClient(t)
	name := uniqueName(t, "id")
	var id string
	config := func(n, typ, admin, roles string) string {
		return cfg + fmt.Sprintf(`
resource "ziti_identity" "x" {
  name            = %q
  type            = %q
  is_admin        = %s
  role_attributes = %s
  external_id     = "ext-%s"
  tags            = { owner = "acc" }
  app_data        = { site = "lab" }
}
`, n, typ, admin, roles, n)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy: func(*terraformState) error {
			if _, err := c.GetIdentity(context.Background(), id); !edgeapi.IsNotFound(err) {
				return fmt.Errorf("identity %s still exists after destroy (err %w)", id, err)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: config(name, "Device", "false", `["devices", "eu"]`),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrWith("ziti_identity.x", "id", captureAttr(&id)),
					resource.TestCheckResourceAttr("ziti_identity.x", "type", "Device"),
					resource.TestCheckResourceAttr("ziti_identity.x", "role_attributes.#", "2"),
					resource.TestCheckResourceAttr("ziti_identity.x", "auth_policy_id", "default"),
					resource.TestCheckResourceAttr("ziti_identity.x", "is_enrolled", "false"),
					resource.TestCheckResourceAttr("ziti_identity.x", "tags.owner", "acc"),
					func(*terraformState) error {
						d, err := c.GetIdentity(context.Background(), id)
						if err != nil {
							return err
						}
						if d.Name != name || d.ExternalID == nil || *d.ExternalID != "ext-"+name || d.AppData["site"] != "lab" {
							return fmt.Errorf("controller has %+v", d)
						}
						// Device is stored as Default; the state keeps Device.
						if d.TypeName() != edgeapi.IdentityTypeDefault {
							return fmt.Errorf("the controller stores type %q, want Default", d.TypeName())
						}
						return nil
					},
				),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				Config: config(name+"-renamed", "User", "true", `["admins"]`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("ziti_identity.x", plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("ziti_identity.x", "name", name+"-renamed"),
					resource.TestCheckResourceAttr("ziti_identity.x", "is_admin", "true"),
					resource.TestCheckResourceAttr("ziti_identity.x", "role_attributes.0", "admins"),
				),
			},
			{
				// An import reads the type the controller stores: Default
				// for the configured User (the next apply sends User again
				// and keeps it in state).
				ResourceName: "ziti_identity.x", ImportState: true, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"type"},
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 || states[0].Attributes["type"] != edgeapi.IdentityTypeDefault {
						return fmt.Errorf("imported type %q, want Default", states[0].Attributes["type"])
					}
					return nil
				},
			},
			{
				// Drift: a change made outside Terraform shows as an update.
				PreConfig: func() {
					d, err := c.GetIdentity(context.Background(), id)
					if err != nil {
						t.Fatal(err)
					}
					roles := []string{"tampered"}
					if err := c.UpdateIdentity(context.Background(), id, &edgeapi.IdentityUpdate{
						Name: d.Name, Type: d.TypeName(), IsAdmin: d.IsAdmin, RoleAttributes: &roles,
						ExternalID: d.ExternalID, AppData: d.AppData, Tags: d.Tags,
					}); err != nil {
						t.Fatal(err)
					}
				},
				Config: config(name+"-renamed", "User", "true", `["admins"]`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("ziti_identity.x", plancheck.ResourceActionUpdate)},
				},
				Check: resource.TestCheckResourceAttr("ziti_identity.x", "role_attributes.0", "admins"),
			},
			{
				// Deleted outside Terraform: read drops it, the plan creates it.
				PreConfig: func() {
					if err := c.DeleteIdentity(context.Background(), id); err != nil {
						t.Fatal(err)
					}
				},
				Config: config(name+"-renamed", "User", "true", `["admins"]`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("ziti_identity.x", plancheck.ResourceActionCreate)},
				},
				Check: resource.TestCheckResourceAttrWith("ziti_identity.x", "id", captureAttr(&id)),
			},
		},
	})
}

func TestAccIdentityDataSources(t *testing.T) {
	cfg := accProviderConfig(t)
	prefix := uniqueName(t, "ds")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config: cfg + fmt.Sprintf(`
resource "ziti_identity" "a" {
  name            = "%[1]s-a"
  type            = "Device"
  role_attributes = ["ds"]
}
resource "ziti_identity" "b" {
  name = "%[1]s-b"
}
data "ziti_identity" "by_name" {
  name = ziti_identity.a.name
}
data "ziti_identity" "by_id" {
  id = ziti_identity.b.id
}
data "ziti_identities" "both" {
  filter     = "name contains \"%[1]s\""
  depends_on = [ziti_identity.a, ziti_identity.b]
}
data "ziti_controller_version" "v" {}
data "ziti_ca_bundle" "b" {}
`, prefix),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttrPair("data.ziti_identity.by_name", "id", "ziti_identity.a", "id"),
				// The controller stores Device as Default; the data source
				// shows what it stores.
				resource.TestCheckResourceAttr("data.ziti_identity.by_name", "type", "Default"),
				resource.TestCheckResourceAttr("data.ziti_identity.by_name", "role_attributes.0", "ds"),
				resource.TestCheckResourceAttrPair("data.ziti_identity.by_id", "name", "ziti_identity.b", "name"),
				resource.TestCheckResourceAttr("data.ziti_identities.both", "identities.#", "2"),
				resource.TestCheckResourceAttr("data.ziti_identities.both", "identities.0.name", prefix+"-a"),
				resource.TestCheckResourceAttrPair("data.ziti_identities.both", "ids.1", "ziti_identity.b", "id"),
				resource.TestCheckResourceAttrSet("data.ziti_controller_version.v", "version"),
				resource.TestCheckResourceAttrWith("data.ziti_ca_bundle.b", "ca_pem", func(v string) error {
					want := string(accController(t).CAPEM)
					if v == "" || !sameCerts(v, want) {
						return fmt.Errorf("EST bundle differs from the controller's CA bundle")
					}
					return nil
				}),
			),
		}},
	})
}

// sameCerts compares the certificate sets of two PEM bundles.
func sameCerts(a, b string) bool {
	da, db := pki.CertDERs(a), pki.CertDERs(b)
	if len(da) == 0 || len(da) != len(db) {
		return false
	}
	seen := map[string]bool{}
	for _, d := range da {
		seen[string(d)] = true
	}
	for _, d := range db {
		if !seen[string(d)] {
			return false
		}
	}
	return true
}

// TestAccProviderTrustFromResource: the CA bundle comes from a resource of
// the same configuration, unknown during the first plan (as when it comes
// from a ziti_pki_* resource). The plan must not contact the controller; the
// apply configures the provider once the bundle is known.
func TestAccProviderTrustFromResource(t *testing.T) {
	s := accController(t)
	name := uniqueName(t, "trust")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
resource "terraform_data" "cas" {
  input = %q
}
provider "ziti" {
  endpoint = %q
  username = %q
  password = %q
  ca_pem   = terraform_data.cas.output
}
resource "ziti_identity" "x" {
  name = %q
}
`, string(s.CAPEM), s.URL, s.Username, s.Password, name),
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("ziti_identity.x", plancheck.ResourceActionCreate)},
			},
			Check: resource.TestCheckResourceAttrSet("ziti_identity.x", "id"),
		}},
	})
}
