package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

// TestAccPostureChecksInServicePolicy: a Dial policy names posture checks
// by @id and by #attribute in posture_check_roles, and the controller's
// /service-policies/{id}/posture-checks lists exactly the checks selected.
func TestAccPostureChecksInServicePolicy(t *testing.T) {
	requireServerFeature(t, "posture-checks")
	requireServerFeature(t, "service-policies")
	cfg := accProviderConfig(t)
	p := uniqueName(t, "pcsp")
	config := cfg + fmt.Sprintf(`
resource "ziti_posture_check_mfa" "mfa" {
  name = "%[1]s-mfa"
}
resource "ziti_posture_check_os" "os" {
  name              = "%[1]s-os"
  operating_systems = [{ type = "Linux" }]
  role_attributes   = ["%[1]s-managed"]
}
resource "ziti_posture_check_domain" "other" {
  name    = "%[1]s-other"
  domains = ["other.example"]
}
resource "ziti_service_policy" "dial" {
  name                = "%[1]s-dial"
  type                = "Dial"
  identity_roles      = ["#%[1]s-users"]
  service_roles       = ["#%[1]s-web"]
  posture_check_roles = ["@${ziti_posture_check_mfa.mfa.id}", "#%[1]s-managed"]
}
`, p)
	selected := func(s *terraformState) error {
		rs := s.RootModule().Resources
		id := rs["ziti_service_policy.dial"].Primary.ID
		var got []string
		list := edgeapi.Collection[json.RawMessage]{Name: "service-policies/" + id + "/posture-checks"}
		items, err := list.List(context.Background(), accClient(t), edgeapi.ListOptions{})
		if err != nil {
			return err
		}
		for _, raw := range items {
			var d edgeapi.PostureCheckDetail
			if err := json.Unmarshal(raw, &d); err != nil {
				return err
			}
			got = append(got, d.ID)
		}
		want := []string{rs["ziti_posture_check_mfa.mfa"].Primary.ID, rs["ziti_posture_check_os.os"].Primary.ID}
		sort.Strings(got)
		sort.Strings(want)
		if strings.Join(got, ",") != strings.Join(want, ",") {
			return fmt.Errorf("the policy selects posture checks %v, want %v", got, want)
		}
		return nil
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config: config,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("ziti_service_policy.dial", "posture_check_roles.#", "2"),
				selected,
			),
		}},
	})
}
