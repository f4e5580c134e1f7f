package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

// policyBadRoles are role lists every policy refuses at plan time, for the
// role attribute attr of a policy rendered by policy.
func policyBadRoles(policy func(body string) string, attr string) []badConfig {
	return []badConfig{
		{policy(attr + ` = ["devices"]`), regexp.MustCompile(`(?s)` + attr + `: "devices" is not a role.*"#devices"`)},
		{policy(attr + ` = ["#all", "#eu"]`), regexp.MustCompile(`(?s)` + attr + `: "#all" selects every entity, so it must be the only entry`)},
		{policy(attr + ` = ["@"]`), regexp.MustCompile(`(?s)` + attr + `: "@" has nothing after the prefix`)},
		{policy(`semantic = "OneOf"`), regexp.MustCompile(`(?s)semantic.*must be one of.*AnyOf`)},
	}
}

func TestAccServicePolicy(t *testing.T) {
	name := uniqueName(t, "sp")
	policy := func(n, body string) string {
		return fmt.Sprintf(`
resource "ziti_service" "s" {
  name = "%[1]s-svc"
}
resource "ziti_identity" "i" {
  name = "%[1]s-id"
}
resource "ziti_service_policy" "x" {
  name = %[2]q
%[3]s
}
`, name, n, body)
	}
	bad := func(body string) string { return policy(name, "type = \"Dial\"\n"+body) }
	testAccKind(t, kindCase[edgeapi.ServicePolicyDetail]{
		collection: edgeapi.ServicePolicies, address: "ziti_service_policy.x",
		named: servicePolicyKind.named,
		bad: append(policyBadRoles(bad, "identity_roles"),
			badConfig{bad(`service_roles = ["web"]`), regexp.MustCompile(`service_roles: "web" is not a role`)},
			badConfig{bad(`posture_check_roles = ["#all", "#mfa"]`), regexp.MustCompile(`posture_check_roles: "#all" selects every`)},
			badConfig{policy(name, `type = "Connect"`), regexp.MustCompile(`(?s)type.*must be one of.*Dial`)},
		),
		create: policy(name, `
  type           = "Dial"
  identity_roles = ["#devices"]
  service_roles  = ["@${ziti_service.s.id}"]
`),
		checks: []resource.TestCheckFunc{
			resource.TestCheckResourceAttr("ziti_service_policy.x", "semantic", "AnyOf"),
			resource.TestCheckResourceAttr("ziti_service_policy.x", "posture_check_roles.#", "0"),
			onController(t, edgeapi.ServicePolicies, "ziti_service_policy.x", func(d *edgeapi.ServicePolicyDetail) error {
				if d.Type != "Dial" || d.Semantic != "AnyOf" || len(d.IdentityRoles) != 1 || d.IdentityRoles[0] != "#devices" || len(d.ServiceRoles) != 1 {
					return fmt.Errorf("controller has %+v", d)
				}
				return nil
			}),
		},
		update: policy(name+"-renamed", `
  type                = "Dial"
  semantic            = "AllOf"
  identity_roles      = ["@${ziti_identity.i.id}", "#hosts"]
  service_roles       = ["#all"]
  posture_check_roles = ["#mfa"]
  tags                = { owner = "acc" }
`),
		updateChecks: []resource.TestCheckFunc{
			onController(t, edgeapi.ServicePolicies, "ziti_service_policy.x", func(d *edgeapi.ServicePolicyDetail) error {
				if d.Type != "Dial" || d.Semantic != "AllOf" || len(d.IdentityRoles) != 2 || d.ServiceRoles[0] != "#all" ||
					len(d.PostureCheckRoles) != 1 || d.Tags["owner"] != "acc" {
					return fmt.Errorf("controller has %+v", d)
				}
				return nil
			}),
		},
	})
}

// TestAccServicePolicyTypeReplaces: a Dial policy that becomes Bind is
// replaced, with its posture check roles.
func TestAccServicePolicyTypeReplaces(t *testing.T) {
	name := uniqueName(t, "sp")
	testAccReplaces(t, "ziti_service_policy.x", "posture_check_roles.0", "#mfa", func(typ string) string {
		return fmt.Sprintf(`
resource "ziti_service_policy" "x" {
  name                = %q
  type                = %q
  identity_roles      = ["#hosts"]
  posture_check_roles = ["#mfa"]
}
`, name, typ)
	}, "Dial", "Bind")
}
