package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
	"github.com/zitiform/terraform-provider-ziti/internal/enroll"
)

// enrollJWT runs a real enrollment (internal/enroll: verify the JWT with
// the TLS leaf at iss, EST CA store, CSR or password) against the shared
// controller.
func enrollJWT(t *testing.T, jwt, password string) {
	t.Helper()
	tok, err := enroll.ParseToken(jwt)
	if err != nil {
		t.Fatalf("parsing the enrollment JWT: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := enroll.Enroll(ctx, enroll.Request{Token: tok, Password: password}); err != nil {
		t.Fatalf("enrolling: %v", err)
	}
}

func TestAccEnrollmentConsumed(t *testing.T) {
	cfg := accProviderConfig(t)
	name := uniqueName(t, "enr")
	var ottJWT, updbJWT string
	config := cfg + fmt.Sprintf(`
resource "ziti_identity" "dev" {
  name = "%[1]s-dev"
  type = "Device"
}
resource "ziti_enrollment" "dev" {
  identity_id = ziti_identity.dev.id
  method      = "ott"
  duration    = "2h"
  rotation    = { n = "1" }
}
resource "ziti_identity" "user" {
  name = "%[1]s-user"
  type = "User"
}
resource "ziti_enrollment" "user" {
  identity_id = ziti_identity.user.id
  method      = "updb"
  username    = "%[1]s-login"
}
`, name)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrWith("ziti_enrollment.dev", "jwt", captureAttr(&ottJWT)),
					resource.TestCheckResourceAttrWith("ziti_enrollment.user", "jwt", captureAttr(&updbJWT)),
					resource.TestCheckResourceAttrSet("ziti_enrollment.dev", "token"),
					resource.TestCheckResourceAttr("ziti_enrollment.dev", "consumed", "false"),
					resource.TestCheckResourceAttrWith("ziti_enrollment.dev", "expires_at", func(v string) error {
						exp, err := time.Parse(time.RFC3339, v)
						if err != nil || exp.Before(time.Now().Add(110*time.Minute)) || exp.After(time.Now().Add(121*time.Minute)) {
							return fmt.Errorf("expires_at %q is not about 2h from now", v)
						}
						return nil
					}),
					resource.TestCheckResourceAttr("ziti_enrollment.user", "username", name+"-login"),
				),
			},
			{
				// The devices enroll for real; afterwards the plan is empty
				// and both enrollments stay in state as consumed.
				PreConfig: func() {
					enrollJWT(t, ottJWT, "")
					enrollJWT(t, updbJWT, "user-pw-"+name)
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("ziti_enrollment.dev", "consumed", "true"),
					resource.TestCheckResourceAttr("ziti_enrollment.user", "consumed", "true"),
					resource.TestCheckResourceAttr("ziti_identity.dev", "is_enrolled", "true"),
					resource.TestCheckResourceAttrWith("ziti_enrollment.dev", "jwt", func(v string) error {
						if v != ottJWT {
							return fmt.Errorf("the consumed JWT changed in state")
						}
						return nil
					}),
				),
			},
			{
				// And it stays that way on the next run, too.
				Config:   config,
				PlanOnly: true,
			},
			{
				// A rotation replaces the used token with a new one for
				// the enrolled identity (which then may hold a second
				// certificate): accepted by both controllers.
				Config: strings.Replace(config, `rotation    = { n = "1" }`, `rotation    = { n = "2" }`, 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("ziti_enrollment.dev", plancheck.ResourceActionReplace)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("ziti_enrollment.dev", "consumed", "false"),
					resource.TestCheckResourceAttrWith("ziti_enrollment.dev", "jwt", func(v string) error {
						if v == "" || v == ottJWT {
							return fmt.Errorf("the rotation did not issue a new token")
						}
						return nil
					}),
				),
			},
		},
	})
}

// ottEnrollmentConfig is cfg, an identity named name and its ott
// enrollment ziti_enrollment.x with the extra arguments.
func ottEnrollmentConfig(cfg, name, extra string) string {
	return cfg + fmt.Sprintf(`
resource "ziti_identity" "x" {
  name = %q
}
resource "ziti_enrollment" "x" {
  identity_id = ziti_identity.x.id
  method      = "ott"
%s
}
`, name, extra)
}

func TestAccEnrollmentRefreshRotationImport(t *testing.T) {
	cfg := accProviderConfig(t)
	c := accClient(t)
	name := uniqueName(t, "ref")
	var id, jwt, oobJWT string
	config := func(extra string) string { return ottEnrollmentConfig(cfg, name, extra) }
	aboutFromNow := func(d time.Duration) func(string) error {
		return func(v string) error {
			exp, err := time.Parse(time.RFC3339, v)
			if err != nil || exp.Before(time.Now().Add(d-2*time.Minute)) || exp.After(time.Now().Add(d+time.Minute)) {
				return fmt.Errorf("expires_at %q is not about %s from now", v, d)
			}
			return nil
		}
	}
	differs := func(old *string) func(string) error {
		return func(v string) error {
			if v == *old {
				return fmt.Errorf("value did not change")
			}
			*old = v
			return nil
		}
	}
	fixed := time.Now().Add(5 * time.Hour).UTC().Truncate(time.Second).Format(time.RFC3339)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: config(`  duration = "2h"
  renew_before = "1h"`),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrWith("ziti_enrollment.x", "id", captureAttr(&id)),
					resource.TestCheckResourceAttrWith("ziti_enrollment.x", "jwt", captureAttr(&jwt)),
				),
			},
			{
				// Out of band, the token is refreshed to expire in 10
				// minutes: within renew_before, so the plan refreshes it in
				// place (an update, not a replacement).
				PreConfig: func() {
					ctx := context.Background()
					if err := c.RefreshEnrollment(ctx, id, &edgeapi.EnrollmentRefresh{ExpiresAt: time.Now().Add(10 * time.Minute)}); err != nil {
						t.Fatal(err)
					}
					d, err := c.GetEnrollment(ctx, id)
					if err != nil {
						t.Fatal(err)
					}
					oobJWT = d.JWT
				},
				Config: config(`  duration = "2h"
  renew_before = "1h"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("ziti_enrollment.x", plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrWith("ziti_enrollment.x", "id", func(v string) error {
						if v != id {
							return fmt.Errorf("refresh must keep the enrollment (id %s -> %s)", id, v)
						}
						return nil
					}),
					resource.TestCheckResourceAttrWith("ziti_enrollment.x", "expires_at", aboutFromNow(2*time.Hour)),
					resource.TestCheckResourceAttrWith("ziti_enrollment.x", "jwt", differs(&oobJWT)),
				),
			},
			{
				// A new duration refreshes in place too.
				Config: config(`  duration = "3h"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("ziti_enrollment.x", plancheck.ResourceActionUpdate)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrWith("ziti_enrollment.x", "expires_at", aboutFromNow(3*time.Hour)),
					resource.TestCheckResourceAttrWith("ziti_enrollment.x", "jwt", differs(&oobJWT)),
				),
			},
			{
				// A fixed expiry, exactly as given. The first rotation
				// value only records itself.
				Config: config(fmt.Sprintf("  expires_at = %q\n  rotation = { n = \"0\" }", fixed)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("ziti_enrollment.x", plancheck.ResourceActionUpdate)},
				},
				Check: resource.TestCheckResourceAttr("ziti_enrollment.x", "expires_at", fixed),
			},
			{
				// Re-issue on demand is an explicit replacement.
				Config: config(fmt.Sprintf("  expires_at = %q\n  rotation = { n = \"1\" }", fixed)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("ziti_enrollment.x", plancheck.ResourceActionReplace)},
				},
				Check: resource.TestCheckResourceAttrWith("ziti_enrollment.x", "id", differs(&id)),
			},
			{
				ResourceName: "ziti_enrollment.x", ImportState: true, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"rotation", "duration", "renew_before"},
			},
			{
				// Deleted outside Terraform (not consumed): planned again.
				PreConfig: func() {
					if err := c.DeleteEnrollment(context.Background(), id); err != nil {
						t.Fatal(err)
					}
				},
				Config: config(fmt.Sprintf("  expires_at = %q\n  rotation = { n = \"1\" }", fixed)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("ziti_enrollment.x", plancheck.ResourceActionCreate)},
				},
			},
		},
	})
}

// TestEnrollmentDiffers checks what tells an enrollment found after a lost
// create answer from the one the create sent: the expiry to the second,
// the CA of ottca and the username of updb.
func TestEnrollmentDiffers(t *testing.T) {
	exp := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	ca, other := "ca1", "ca2"
	user := "u1"
	for _, tc := range []struct {
		name string
		in   edgeapi.EnrollmentCreate
		d    edgeapi.EnrollmentDetail
		want string
	}{
		{"ott same", edgeapi.EnrollmentCreate{Method: "ott", ExpiresAt: exp}, edgeapi.EnrollmentDetail{Method: "ott", ExpiresAt: exp}, ""},
		{"same instant, other zone and sub-second", edgeapi.EnrollmentCreate{Method: "ott", ExpiresAt: exp.Add(300 * time.Millisecond).In(time.FixedZone("x", 3600))},
			edgeapi.EnrollmentDetail{Method: "ott", ExpiresAt: exp}, ""},
		{"other expiry", edgeapi.EnrollmentCreate{Method: "ott", ExpiresAt: exp}, edgeapi.EnrollmentDetail{Method: "ott", ExpiresAt: exp.Add(time.Second)}, "expires_at"},
		{"ottca same", edgeapi.EnrollmentCreate{Method: "ottca", ExpiresAt: exp, CAID: &ca}, edgeapi.EnrollmentDetail{Method: "ottca", ExpiresAt: exp, CAID: &ca}, ""},
		{"ottca other CA", edgeapi.EnrollmentCreate{Method: "ottca", ExpiresAt: exp, CAID: &ca}, edgeapi.EnrollmentDetail{Method: "ottca", ExpiresAt: exp, CAID: &other}, "ca_id"},
		{"ottca no CA", edgeapi.EnrollmentCreate{Method: "ottca", ExpiresAt: exp, CAID: &ca}, edgeapi.EnrollmentDetail{Method: "ottca", ExpiresAt: exp}, "ca_id"},
		{"updb same", edgeapi.EnrollmentCreate{Method: "updb", ExpiresAt: exp, Username: &user}, edgeapi.EnrollmentDetail{Method: "updb", ExpiresAt: exp, Username: user}, ""},
		{"updb other user", edgeapi.EnrollmentCreate{Method: "updb", ExpiresAt: exp, Username: &user}, edgeapi.EnrollmentDetail{Method: "updb", ExpiresAt: exp, Username: "u2"}, "username"},
	} {
		if got := enrollmentDiffers(&tc.in, &tc.d); got != tc.want {
			t.Errorf("%s: enrollmentDiffers = %q, want %q", tc.name, got, tc.want)
		}
	}
}
