package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
)

// TestAccEnrollmentJWTOutOfState: store_jwt = false takes an existing
// enrollment's token out of state in place (same enrollment), and
// store_enrollment_jwt = false an edge router's; the
// ephemeral ziti_enrollment_jwt then reads an identity's and an edge
// router's pending JWT from the controller and ziti_secret_file writes each
// to a 0600 file, the JWT the controller holds; a refresh of the token
// (new duration) with a new content_wo_version writes the new JWT.
func TestAccEnrollmentJWTOutOfState(t *testing.T) {
	cfg := accProviderConfig(t)
	name := uniqueName(t, "jwtwo")
	dir := t.TempDir()
	config := func(store, duration string, sinks bool, version int) string {
		c := cfg + fmt.Sprintf(`
resource "ziti_identity" "d" {
  name = "%[1]s"
}
resource "ziti_enrollment" "d" {
  identity_id = ziti_identity.d.id
  method      = "ott"
  duration    = %[3]q
  %[2]s
}
resource "ziti_edge_router" "r" {
  name = "%[1]s-r"
  %[4]s
}
`, name, store, duration, strings.Replace(store, "store_jwt", "store_enrollment_jwt", 1))
		if sinks {
			c += fmt.Sprintf(`
ephemeral "ziti_enrollment_jwt" "d" {
  enrollment_id = ziti_enrollment.d.id
}
resource "ziti_secret_file" "d" {
  path               = "%[1]s/d.jwt"
  content_wo         = ephemeral.ziti_enrollment_jwt.d.jwt
  content_wo_version = %[2]d
}
ephemeral "ziti_enrollment_jwt" "r" {
  edge_router_id = ziti_edge_router.r.id
}
resource "ziti_secret_file" "r" {
  path       = "%[1]s/r.jwt"
  content_wo = ephemeral.ziti_enrollment_jwt.r.jwt
}
`, dir, version)
		}
		return c
	}
	var enrID, firstJWT string
	// fileHolds checks that a sink file (mode 0600) holds what the
	// controller has as the JWT.
	fileHolds := func(file string, want func() (string, error)) resource.TestCheckFunc {
		return func(*terraformState) error {
			st, err := os.Stat(filepath.Join(dir, file))
			if err != nil {
				return err
			}
			if st.Mode().Perm() != 0o600 {
				return fmt.Errorf("%s has mode %04o, want 0600", file, st.Mode().Perm())
			}
			got, _ := os.ReadFile(filepath.Join(dir, file))
			w, err := want()
			if err != nil {
				return err
			}
			if string(got) != w || w == "" {
				return fmt.Errorf("%s does not hold the controller's pending JWT", file)
			}
			return nil
		}
	}
	identityJWT := func() (string, error) {
		d, err := accClient(t).GetEnrollment(t.Context(), enrID)
		if err != nil {
			return "", err
		}
		return d.JWT, nil
	}
	var routerID string
	routerJWT := func() (string, error) {
		d, err := accClient(t).GetEdgeRouter(t.Context(), routerID)
		if err != nil {
			return "", err
		}
		if d.EnrollmentJWT == nil {
			return "", fmt.Errorf("router %s has no pending enrollment", routerID)
		}
		return *d.EnrollmentJWT, nil
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: config("", "2h", false, 1),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrSet("ziti_enrollment.d", "jwt"),
					resource.TestCheckResourceAttrWith("ziti_enrollment.d", "id", func(v string) error { enrID = v; return nil }),
					resource.TestCheckResourceAttrWith("ziti_edge_router.r", "id", func(v string) error { routerID = v; return nil }),
				),
			},
			{
				Config: config("store_jwt = false", "2h", false, 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("ziti_enrollment.d", plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction("ziti_edge_router.r", plancheck.ResourceActionUpdate),
					},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckNoResourceAttr("ziti_edge_router.r", "enrollment_jwt"),
					resource.TestCheckResourceAttrSet("ziti_edge_router.r", "enrollment_expires_at"),
					resource.TestCheckResourceAttrWith("ziti_edge_router.r", "id", func(v string) error {
						if v != routerID {
							return fmt.Errorf("the edge router was replaced")
						}
						return nil
					}),
					resource.TestCheckNoResourceAttr("ziti_enrollment.d", "jwt"),
					resource.TestCheckNoResourceAttr("ziti_enrollment.d", "token"),
					resource.TestCheckResourceAttrWith("ziti_enrollment.d", "id", func(v string) error {
						if v != enrID {
							return fmt.Errorf("the enrollment was replaced (%s, was %s)", v, enrID)
						}
						return nil
					}),
				),
			},
			{
				Config: config("store_jwt = false", "2h", true, 1),
				Check: resource.ComposeAggregateTestCheckFunc(
					fileHolds("d.jwt", identityJWT),
					fileHolds("r.jwt", routerJWT),
					resource.TestCheckNoResourceAttr("ziti_secret_file.d", "content_wo"),
					func(*terraformState) error {
						b, err := os.ReadFile(filepath.Join(dir, "d.jwt"))
						firstJWT = string(b)
						return err
					},
				),
			},
			{
				Config: config("store_jwt = false", "2h", true, 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// A refreshed token, written again on request.
				Config: config("store_jwt = false", "3h", true, 2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("ziti_enrollment.d", plancheck.ResourceActionUpdate),
						plancheck.ExpectResourceAction("ziti_secret_file.d", plancheck.ResourceActionUpdate),
					},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckNoResourceAttr("ziti_enrollment.d", "jwt"),
					fileHolds("d.jwt", identityJWT),
					func(*terraformState) error {
						if b, _ := os.ReadFile(filepath.Join(dir, "d.jwt")); string(b) == firstJWT {
							return fmt.Errorf("d.jwt still holds the token from before the refresh")
						}
						return nil
					},
				),
			},
		},
	})
	if _, err := os.Stat(filepath.Join(dir, "d.jwt")); err == nil {
		t.Error("destroying ziti_secret_file left its file behind")
	}
}
