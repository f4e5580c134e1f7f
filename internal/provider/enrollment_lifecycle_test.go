package provider

import (
	"context"
	"fmt"
	"net"
	"regexp"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
	"github.com/zitiform/terraform-provider-ziti/internal/enroll"
)

// enrollRouterJWT enrolls an edge router (erott) for real with jwt, as
// `ziti router enroll` does, and returns the error.
func enrollRouterJWT(jwt string) error {
	tok, err := enroll.ParseToken(jwt)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err = enroll.Enroll(ctx, enroll.Request{Token: tok, ServerDNS: []string{"router.test"}, ServerIPs: []net.IP{net.ParseIP("127.0.0.1")}})
	return err
}

// expireEnrollment makes the pending enrollment id expire within a second,
// out of band (POST /enrollments/{id}/refresh), and waits until it has.
func expireEnrollment(t *testing.T, c *edgeapi.Client, id string) string {
	t.Helper()
	ctx := context.Background()
	exp := time.Now().Add(time.Second)
	if err := c.RefreshEnrollment(ctx, id, &edgeapi.EnrollmentRefresh{ExpiresAt: exp}); err != nil {
		t.Fatal(err)
	}
	d, err := c.GetEnrollment(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Until(exp.Add(1100 * time.Millisecond)))
	return d.JWT
}

// TestAccEdgeRouterReEnrollFirstAppearance: an enrolled router imported
// with re_enroll already in its configuration keeps its certificate; only a
// later change of re_enroll re-enrolls it, and the plan shows that.
func TestAccEdgeRouterReEnrollFirstAppearance(t *testing.T) {
	cfg := accProviderConfig(t)
	requireServerFeature(t, "edge-routers")
	c := accClient(t)
	ctx := context.Background()
	name := uniqueName(t, "erfirst")
	id, err := c.CreateEdgeRouter(ctx, &edgeapi.EdgeRouterCreate{Name: name, RoleAttributes: &[]string{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.DeleteEdgeRouter(ctx, id) })
	r, err := c.GetEdgeRouter(ctx, id)
	if err != nil || r.EnrollmentJWT == nil {
		t.Fatalf("new router %s: %v (no enrollment JWT?)", id, err)
	}
	if err := enrollRouterJWT(*r.EnrollmentJWT); err != nil {
		t.Fatalf("erott enrollment: %v", err)
	}
	if r, err = c.GetEdgeRouter(ctx, id); err != nil || !r.IsVerified || r.Fingerprint == "" {
		t.Fatalf("router %s not enrolled: %v", id, err)
	}
	enrolledFP := r.Fingerprint
	config := func(reEnroll string) string {
		return cfg + fmt.Sprintf(`
import {
  to = ziti_edge_router.x
  id = %q
}
resource "ziti_edge_router" "x" {
  name = %q
%s
}
`, id, name, reEnroll)
	}
	stillEnrolled := func(*terraformState) error {
		r, err := c.GetEdgeRouter(ctx, id)
		if err != nil {
			return err
		}
		if !r.IsVerified || r.Fingerprint != enrolledFP {
			return fmt.Errorf("the router was re-enrolled (verified %v, fingerprint %q, was %q)", r.IsVerified, r.Fingerprint, enrolledFP)
		}
		return nil
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				// Imported with re_enroll set: recorded, nothing revoked.
				Config: config(`  re_enroll = { round = "1" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectKnownValue("ziti_edge_router.x", tfjsonpath.New("fingerprint"), knownvalue.StringExact(enrolledFP)),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(stillEnrolled,
					resource.TestCheckResourceAttr("ziti_edge_router.x", "re_enroll.round", "1"),
					resource.TestCheckResourceAttr("ziti_edge_router.x", "is_verified", "true")),
			},
			{
				// Removing it revokes nothing either.
				Config:           config(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            stillEnrolled,
			},
			{
				Config: config(`  re_enroll = { round = "1" }`),
				Check:  stillEnrolled,
			},
			{
				// A change of the value re-enrolls, and the plan says so:
				// the fingerprint and the JWT become unknown.
				Config: config(`  re_enroll = { round = "2" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("ziti_edge_router.x", plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue("ziti_edge_router.x", tfjsonpath.New("fingerprint")),
						plancheck.ExpectUnknownValue("ziti_edge_router.x", tfjsonpath.New("is_verified")),
					},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("ziti_edge_router.x", "is_verified", "false"),
					resource.TestCheckResourceAttrSet("ziti_edge_router.x", "enrollment_jwt"),
				),
			},
		},
	})
}

// pendingEnrollment creates, out of band, an identity name with a pending
// ott enrollment that expires in two hours, and returns their ids and the
// enrollment's JWT (the token already handed out).
func pendingEnrollment(t *testing.T, c *edgeapi.Client, name string) (identityID, enrID, jwt string) {
	t.Helper()
	ctx := context.Background()
	identityID, err := c.CreateIdentity(ctx, &edgeapi.IdentityCreate{Name: name, Type: "Device"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.DeleteIdentity(ctx, identityID) })
	enrID, err = c.CreateEnrollment(ctx, &edgeapi.EnrollmentCreate{Method: "ott", IdentityID: identityID, ExpiresAt: time.Now().Add(2 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	d, err := c.GetEnrollment(ctx, enrID)
	if err != nil {
		t.Fatal(err)
	}
	return identityID, enrID, d.JWT
}

// importedEnrollmentConfig imports the ott enrollment enrID of identityID
// as ziti_enrollment.x, with extra in its block.
func importedEnrollmentConfig(cfg, enrID, identityID, extra string) string {
	return cfg + fmt.Sprintf(`
import {
  to = ziti_enrollment.x
  id = %q
}
resource "ziti_enrollment" "x" {
  identity_id = %q
  method      = "ott"
  %s
}
`, enrID, identityID, extra)
}

// TestAccEnrollmentDurationFirstAppearance: an imported pending enrollment
// with duration already in its configuration keeps its token and expiry
// (the plan shows both known, unchanged); a later change of duration
// refreshes the token in place.
func TestAccEnrollmentDurationFirstAppearance(t *testing.T) {
	cfg := accProviderConfig(t)
	c := accClient(t)
	identityID, enrID, handedOut := pendingEnrollment(t, c, uniqueName(t, "durfirst"))
	d, err := c.GetEnrollment(context.Background(), enrID)
	if err != nil {
		t.Fatal(err)
	}
	expiry := d.ExpiresAt.UTC().Format(time.RFC3339)
	config := func(duration string) string {
		return importedEnrollmentConfig(cfg, enrID, identityID, fmt.Sprintf("duration = %q", duration))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: config("72h"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("ziti_enrollment.x", plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue("ziti_enrollment.x", tfjsonpath.New("jwt"), knownvalue.StringExact(handedOut)),
						plancheck.ExpectKnownValue("ziti_enrollment.x", tfjsonpath.New("expires_at"), knownvalue.StringExact(expiry)),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("ziti_enrollment.x", "jwt", handedOut),
					resource.TestCheckResourceAttr("ziti_enrollment.x", "expires_at", expiry),
					resource.TestCheckResourceAttr("ziti_enrollment.x", "duration", "72h"),
				),
			},
			{
				// A change of the value it had refreshes in place.
				Config: config("48h"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("ziti_enrollment.x", plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue("ziti_enrollment.x", tfjsonpath.New("jwt")),
					},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("ziti_enrollment.x", "id", enrID),
					resource.TestCheckResourceAttrWith("ziti_enrollment.x", "jwt", func(v string) error {
						if v == handedOut {
							return fmt.Errorf("a new duration kept the token")
						}
						return nil
					}),
					resource.TestCheckResourceAttrWith("ziti_enrollment.x", "expires_at", func(v string) error {
						exp, err := time.Parse(time.RFC3339, v)
						if err != nil || exp.Before(time.Now().Add(47*time.Hour)) || exp.After(time.Now().Add(49*time.Hour)) {
							return fmt.Errorf("expires_at %q is not about 48h from now", v)
						}
						return nil
					}),
				),
			},
		},
	})
}

// TestAccEnrollmentRotationFirstAppearance: an imported pending enrollment
// with rotation already in its configuration keeps its token; a later
// change of rotation replaces it.
func TestAccEnrollmentRotationFirstAppearance(t *testing.T) {
	cfg := accProviderConfig(t)
	c := accClient(t)
	identityID, enrID, handedOut := pendingEnrollment(t, c, uniqueName(t, "rotfirst"))
	config := func(round string) string {
		return importedEnrollmentConfig(cfg, enrID, identityID, fmt.Sprintf("rotation = { round = %q }", round))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: config("1"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("ziti_enrollment.x", plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("ziti_enrollment.x", "id", enrID),
					resource.TestCheckResourceAttr("ziti_enrollment.x", "jwt", handedOut),
				),
			},
			{
				Config: config("2"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("ziti_enrollment.x", plancheck.ResourceActionReplace)},
				},
				Check: resource.TestCheckResourceAttrWith("ziti_enrollment.x", "id", func(v string) error {
					if v == enrID {
						return fmt.Errorf("the rotation kept enrollment %s", v)
					}
					return nil
				}),
			},
		},
	})
}

// TestAccEnrollmentExpiredUnused: a pending token that expired unused is
// renewed in place by the next plan (on_expiry defaults to "renew"), and
// the new token enrolls; with on_expiry = "warn" it stays as it is. Also
// with the JWT kept out of state (store_jwt = false).
func TestAccEnrollmentExpiredUnused(t *testing.T) {
	cfg := accProviderConfig(t)
	c := accClient(t)
	for _, store := range []string{"", "store_jwt = false"} {
		t.Run(fmt.Sprintf("%q", store), func(t *testing.T) { testEnrollmentExpiredUnused(t, cfg, c, store) })
	}
}

func testEnrollmentExpiredUnused(t *testing.T, cfg string, c *edgeapi.Client, store string) {
	name := uniqueName(t, "expired")
	var id, jwt, deadJWT string
	config := func(extra string) string { return ottEnrollmentConfig(cfg, name, "  "+store+"\n"+extra) }
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: config(""),
				Check:  resource.TestCheckResourceAttrWith("ziti_enrollment.x", "id", captureAttr(&id)),
			},
			{
				PreConfig: func() { deadJWT = expireEnrollment(t, c, id) },
				Config:    config(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("ziti_enrollment.x", plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue("ziti_enrollment.x", tfjsonpath.New("jwt")),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrWith("ziti_enrollment.x", "id", func(v string) error {
						if v != id {
							return fmt.Errorf("the renewal replaced enrollment %s with %s", id, v)
						}
						return nil
					}),
					func(*terraformState) error {
						d, err := c.GetEnrollment(context.Background(), id)
						if err != nil || d.JWT == deadJWT {
							return fmt.Errorf("the expired JWT was not renewed (err %w)", err)
						}
						jwt = d.JWT
						return nil
					},
					resource.TestCheckResourceAttrWith("ziti_enrollment.x", "expires_at", func(v string) error {
						exp, err := time.Parse(time.RFC3339, v)
						if err != nil || exp.Before(time.Now().Add(defaultEnrollmentDuration-5*time.Minute)) {
							return fmt.Errorf("expires_at %q is not about %s from now", v, defaultEnrollmentDuration)
						}
						return nil
					}),
				),
			},
			{
				// The renewed token works; on_expiry = "warn" keeps an
				// expired one as it is.
				PreConfig: func() { enrollJWT(t, jwt, "") },
				Config:    config(""),
				Check:     resource.TestCheckResourceAttr("ziti_enrollment.x", "consumed", "true"),
			},
			{
				// A new token (rotation), then it expires under "warn".
				Config: config(`  rotation  = { round = "1" }
  on_expiry = "warn"`),
				Check: resource.TestCheckResourceAttrWith("ziti_enrollment.x", "id", captureAttr(&id)),
			},
			{
				Config: config(`  rotation  = { round = "2" }
  on_expiry = "warn"`),
				Check: resource.TestCheckResourceAttrWith("ziti_enrollment.x", "id", captureAttr(&id)),
			},
			{
				PreConfig: func() { deadJWT = expireEnrollment(t, c, id) },
				Config: config(`  rotation  = { round = "2" }
  on_expiry = "warn"`),
				PlanOnly: true,
			},
		},
	})
}

// TestAccOttcaEnrollmentUnverifiedCA: OpenZiti accepts an ottca enrollment
// for a CA that is not verified, and the device even enrolls, but its
// certificate is refused at every login: the provider refuses to create
// such an enrollment and names the fix, and creates it once the CA is
// verified. (That a ziti_ca_verification in the same apply verifies the CA
// in time is TestAccCAVerificationResource's second step.)
func TestAccOttcaEnrollmentUnverifiedCA(t *testing.T) {
	cfg := accProviderConfig(t)
	requireServerFeature(t, "cas")
	c := accClient(t)
	devices := newThirdPartyCA(t, uniqueName(t, "ottcaunv"))
	var caID, token string
	base := cfg + fmt.Sprintf(`
resource "ziti_identity" "dev" {
  name = %q
  type = "Device"
}
resource "ziti_ca" "devices" {
  name                         = ziti_identity.dev.name
  is_ott_ca_enrollment_enabled = true
  cert_pem                     = %s
}
`, uniqueName(t, "ottcaunv-dev"), heredoc(devices.certPEM))
	withEnrollment := base + `
resource "ziti_enrollment" "dev" {
  identity_id = ziti_identity.dev.id
  method      = "ottca"
  ca_id       = ziti_ca.devices.id
}
`
	refused := regexp.MustCompile(`(?s)ottca enrollment for a CA that is not verified.*ziti_ca_verification`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				// All in one apply: ca_id is unknown at plan time, the
				// create refuses it.
				Config:      withEnrollment,
				ExpectError: refused,
			},
			{
				Config: base,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrWith("ziti_ca.devices", "id", captureAttr(&caID)),
					resource.TestCheckResourceAttrWith("ziti_ca.devices", "verification_token", captureAttr(&token)),
				),
			},
			{
				// The CA exists and is still unverified: refused again.
				Config:      withEnrollment,
				ExpectError: refused,
			},
			{
				// Verified (out of band here): created.
				PreConfig: func() {
					b, err := mintVerificationCert(token, devices.issuer)
					if err == nil {
						err = c.VerifyCA(context.Background(), caID, b)
					}
					if err != nil {
						t.Fatal(err)
					}
				},
				Config: withEnrollment,
				Check:  resource.TestCheckResourceAttrSet("ziti_enrollment.dev", "jwt"),
			},
		},
	})
}

// TestAccEdgeRouterExpiredJWTRenewed: a router that never enrolled and
// whose enrollment JWT expired gets a new JWT in place
// (POST /edge-routers/{id}/re-enroll) on the next apply, and enrolls with
// it; also when the JWT is kept out of state (store_enrollment_jwt =
// false). Both controllers give router JWTs a fixed lifetime (OpenZiti at
// least five minutes), so the provider's clock is moved past the expiry
// instead of waiting for it; the controllers and the enrollment are real.
func TestAccEdgeRouterExpiredJWTRenewed(t *testing.T) {
	cfg := accProviderConfig(t)
	requireServerFeature(t, "edge-routers")
	c := accClient(t)
	var shift atomic.Int64
	providers := map[string]func() (tfprotov6.ProviderServer, error){
		"ziti": providerserver.NewProtocol6WithError(&zitiProvider{version: "test",
			now: func() time.Time { return time.Now().Add(time.Duration(shift.Load())) }}),
	}
	for _, store := range []string{"", "store_enrollment_jwt = false"} {
		t.Run(fmt.Sprintf("%q", store), func(t *testing.T) {
			var id, oldJWT, newJWT, expiresAt string
			config := cfg + fmt.Sprintf(`
resource "ziti_edge_router" "x" {
  name = %q
  %s
}
`, uniqueName(t, "erexp"), store)
			// The controller's JWT: the state has none without store.
			controllerJWT := func(dst *string) resource.TestCheckFunc {
				return func(*terraformState) error {
					r, err := c.GetEdgeRouter(context.Background(), id)
					if err != nil || r.EnrollmentJWT == nil {
						return fmt.Errorf("router %s has no enrollment JWT (err %w)", id, err)
					}
					*dst = *r.EnrollmentJWT
					return nil
				}
			}
			pastExpiry := func() {
				exp, err := time.Parse(time.RFC3339, expiresAt)
				if err != nil {
					t.Fatal(err)
				}
				shift.Store(int64(time.Until(exp) + time.Minute))
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: providers,
				Steps: []resource.TestStep{
					{
						Config: config,
						Check: resource.ComposeTestCheckFunc(
							resource.TestCheckResourceAttrWith("ziti_edge_router.x", "id", captureAttr(&id)),
							resource.TestCheckResourceAttrWith("ziti_edge_router.x", "enrollment_expires_at", captureAttr(&expiresAt)),
							controllerJWT(&oldJWT),
						),
					},
					{
						PreConfig: pastExpiry,
						Config:    config,
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{
								plancheck.ExpectResourceAction("ziti_edge_router.x", plancheck.ResourceActionUpdate),
								plancheck.ExpectUnknownValue("ziti_edge_router.x", tfjsonpath.New("enrollment_expires_at")),
							},
						},
						Check: resource.ComposeTestCheckFunc(
							func(*terraformState) error { shift.Store(0); return nil },
							controllerJWT(&newJWT),
							func(*terraformState) error {
								if newJWT == oldJWT {
									return fmt.Errorf("the expired JWT was not renewed")
								}
								return nil
							},
						),
					},
					{
						// The old JWT is gone, the new one enrolls the
						// router; an enrolled router has no JWT to renew,
						// whatever the time.
						PreConfig: func() {
							if err := enrollRouterJWT(oldJWT); err == nil {
								t.Fatal("the replaced JWT still enrolls the router")
							}
							if err := enrollRouterJWT(newJWT); err != nil {
								t.Fatalf("enrolling with the renewed JWT: %v", err)
							}
							pastExpiry()
						},
						Config: config,
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
						Check: resource.ComposeAggregateTestCheckFunc(
							func(*terraformState) error { shift.Store(0); return nil },
							resource.TestCheckResourceAttr("ziti_edge_router.x", "is_verified", "true"),
						),
					},
				},
			})
		})
	}
}
