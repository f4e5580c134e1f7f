package provider

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/zitiform/terraform-provider-ziti/internal/enroll"
)

// TestAccIdentityFileAuth: an admin identity made and enrolled through the
// provider (password auth) then drives a second provider configuration by
// itself with identity_file: certificate authentication, endpoint from
// ztAPI, trust from id.ca.
func TestAccIdentityFileAuth(t *testing.T) {
	cfg := accProviderConfig(t)
	c := accClient(t)
	name := uniqueName(t, "cert")
	idFile := filepath.Join(t.TempDir(), "admin.json")
	var jwt, createdID string
	admin := cfg + fmt.Sprintf(`
resource "ziti_identity" "admin" {
  name     = %q
  type     = "User"
  is_admin = true
}
resource "ziti_enrollment" "admin" {
  identity_id = ziti_identity.admin.id
  method      = "ott"
}
`, name)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: admin,
				Check:  resource.TestCheckResourceAttrWith("ziti_enrollment.admin", "jwt", captureAttr(&jwt)),
			},
			{
				PreConfig: func() {
					tok, err := enroll.ParseToken(jwt)
					if err != nil {
						t.Fatal(err)
					}
					ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
					defer cancel()
					res, err := enroll.Enroll(ctx, enroll.Request{Token: tok})
					if err != nil {
						t.Fatalf("enrolling the admin: %v", err)
					}
					if err := enroll.WriteIdentity(idFile, res.Identity); err != nil {
						t.Fatal(err)
					}
				},
				Config: admin + fmt.Sprintf(`
provider "ziti" {
  alias         = "cert"
  identity_file = %q
}
resource "ziti_identity" "made_with_cert" {
  provider = ziti.cert
  name     = "%s-child"
  # Destroyed before the admin whose certificate this provider uses.
  depends_on = [ziti_enrollment.admin]
}
data "ziti_controller_version" "v" {
  provider = ziti.cert
}
`, idFile, name),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("ziti_enrollment.admin", "consumed", "true"),
					resource.TestCheckResourceAttrWith("ziti_identity.made_with_cert", "id", captureAttr(&createdID)),
					resource.TestCheckResourceAttrSet("data.ziti_controller_version.v", "version"),
					func(*terraformState) error {
						d, err := c.GetIdentity(context.Background(), createdID)
						if err != nil || d.Name != name+"-child" {
							return fmt.Errorf("the identity made with certificate auth is not on the controller: %w", err)
						}
						return nil
					},
				),
			},
		},
	})
}
