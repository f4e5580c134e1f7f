package provider

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// TestAccEnrollmentPastExpiresAtRefused: an expires_at that has already
// passed is refused while planning, naming the attribute and the fix, both
// for a new enrollment and when an existing one's is changed (before, the
// controller was asked for a token that was dead on arrival).
func TestAccEnrollmentPastExpiresAtRefused(t *testing.T) {
	cfg := accProviderConfig(t)
	name := uniqueName(t, "past")
	config := func(expiresAt time.Time) string {
		return cfg + fmt.Sprintf(`
resource "ziti_identity" "x" {
  name = %q
}
resource "ziti_enrollment" "x" {
  identity_id = ziti_identity.x.id
  method      = "ott"
  expires_at  = %q
}
`, name, expiresAt.UTC().Format(time.RFC3339))
	}
	want := regexp.MustCompile(`(?s)Time in the past.*expires_at = "[^"]+" has already passed.*Set a time in\s+the\s+future, or remove expires_at and set duration instead`)
	past := time.Now().Add(-time.Hour)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{Config: config(past), PlanOnly: true, ExpectError: want},
			{Config: config(time.Now().Add(2 * time.Hour))},
			{Config: config(past), PlanOnly: true, ExpectError: want},
		},
	})
}
