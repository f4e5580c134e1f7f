package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
	"github.com/zitiform/terraform-provider-ziti/internal/testctl"
)

func TestAccAuthPolicy(t *testing.T) {
	name := uniqueName(t, "ap")
	policy := func(n, body string) string {
		return fmt.Sprintf("resource \"ziti_auth_policy\" \"x\" {\n  name = %q\n%s\n}\n", n, body)
	}
	const a = "ziti_auth_policy.x"
	testAccKind(t, kindCase[edgeapi.AuthPolicyDetail]{
		collection: edgeapi.AuthPolicies, address: a, named: authPolicyKind.named,
		bad: []badConfig{
			{policy(name, `primary = { updb = { min_password_length = 3 } }`), regexp.MustCompile(`(?s)primary.updb.min_password_length.*between 5 and 100`)},
			{policy(name, `primary = { updb = { max_attempts = -1 } }`), regexp.MustCompile(`(?s)primary.updb.max_attempts.*at least 0`)},
			{policy(name, `secondary = { require_ext_jwt_signer = "" }`), regexp.MustCompile(`(?s)secondary.require_ext_jwt_signer.*at least 1`)},
			{policy("", ``), regexp.MustCompile(`(?s)name.*at least 1`)},
		},
		create: policy(name, ``),
		checks: []resource.TestCheckFunc{
			// Unset, a policy allows what the built-in default one allows.
			resource.TestCheckResourceAttr(a, "primary.cert.allowed", "true"),
			resource.TestCheckResourceAttr(a, "primary.cert.allow_expired_certs", "true"),
			resource.TestCheckResourceAttr(a, "primary.ext_jwt.allowed", "true"),
			resource.TestCheckResourceAttr(a, "primary.ext_jwt.allowed_signers.#", "0"),
			resource.TestCheckResourceAttr(a, "primary.updb.allowed", "true"),
			resource.TestCheckResourceAttr(a, "primary.updb.max_attempts", "0"),
			resource.TestCheckResourceAttr(a, "primary.updb.lockout_duration_minutes", "0"),
			resource.TestCheckResourceAttr(a, "primary.updb.min_password_length", "5"),
			resource.TestCheckResourceAttr(a, "primary.updb.require_mixed_case", "false"),
			resource.TestCheckResourceAttr(a, "secondary.require_totp", "false"),
			resource.TestCheckNoResourceAttr(a, "secondary.require_ext_jwt_signer"),
			resource.TestCheckNoResourceAttr(a, "tags"),
			onController(t, edgeapi.AuthPolicies, a, func(d *edgeapi.AuthPolicyDetail) error {
				if firstOtherField(d.Primary, defaultAuthPolicy.Primary) != "" || firstOtherField(d.Secondary, defaultAuthPolicy.Secondary) != "" {
					return fmt.Errorf("controller has %+v", d)
				}
				return nil
			}),
			// The defaults are the real controller's default policy
			// (controllersrv's refuses expired certificates; the
			// conformance guide lists that difference).
			onController(t, edgeapi.AuthPolicies, a, func(*edgeapi.AuthPolicyDetail) error {
				if testctl.Selected() != testctl.Ziti {
					return nil
				}
				def, err := edgeapi.AuthPolicies.Get(context.Background(), accClient(t), "default")
				if err != nil {
					return err
				}
				if firstOtherField(def.Primary, defaultAuthPolicy.Primary) != "" || firstOtherField(def.Secondary, defaultAuthPolicy.Secondary) != "" {
					return fmt.Errorf("OpenZiti's default auth policy is %+v, the provider's defaults %+v", def, defaultAuthPolicy)
				}
				return nil
			}),
		},
		update: policy(name+"-renamed", `
  primary = {
    cert = { allowed = true, allow_expired_certs = false }
    ext_jwt = { allowed = false }
    updb = {
      max_attempts             = 3
      lockout_duration_minutes = 15
      min_password_length      = 12
      require_mixed_case       = true
      require_number_char      = true
      require_special_char     = true
    }
  }
  tags = { owner = "acc" }
`),
		updateChecks: []resource.TestCheckFunc{
			resource.TestCheckResourceAttr(a, "name", name+"-renamed"),
			// What the update left out keeps its default.
			resource.TestCheckResourceAttr(a, "primary.updb.allowed", "true"),
			resource.TestCheckResourceAttr(a, "secondary.require_totp", "false"),
			onController(t, edgeapi.AuthPolicies, a, func(d *edgeapi.AuthPolicyDetail) error {
				p := d.Primary
				if p.Cert.AllowExpiredCerts || p.ExtJWT.Allowed || !p.Updb.Allowed || p.Updb.MaxAttempts != 3 || p.Updb.LockoutDurationMinutes != 15 ||
					p.Updb.MinPasswordLength != 12 || !p.Updb.RequireMixedCase || !p.Updb.RequireNumberChar || !p.Updb.RequireSpecialChar || d.Tags["owner"] != "acc" {
					return fmt.Errorf("controller has %+v", d)
				}
				return nil
			}),
		},
	})
}

// TestAccAuthPolicySignersAndIdentity: a policy that allows one external
// JWT signer and requires another, named by an identity's auth_policy_id;
// moving the identity back to the default policy is an update in place.
func TestAccAuthPolicySignersAndIdentity(t *testing.T) {
	requireServerFeature(t, "auth-policies")
	requireServerFeature(t, "external-jwt-signers")
	cfg := accProviderConfig(t)
	p := uniqueName(t, "apid")
	_, certPEM, _ := testCA(t)
	config := func(policyID string) string {
		return cfg + fmt.Sprintf(`
resource "ziti_external_jwt_signer" "login" {
  name          = "%[1]s-login"
  issuer        = "https://login.example.com"
  audience      = "ziti"
  jwks_endpoint = "https://127.0.0.1:1/login/jwks.json"
}
resource "ziti_external_jwt_signer" "second" {
  name     = "%[1]s-second"
  issuer   = "https://second.example.com"
  audience = "ziti"
  kid      = "%[1]s-kid"
  cert_pem = %[2]s
}
resource "ziti_auth_policy" "sso" {
  name = "%[1]s-sso"
  primary = {
    cert    = { allowed = false, allow_expired_certs = false }
    ext_jwt = { allowed = true, allowed_signers = [ziti_external_jwt_signer.login.id] }
    updb    = { allowed = false }
  }
  secondary = { require_ext_jwt_signer = ziti_external_jwt_signer.second.id }
}
resource "ziti_identity" "user" {
  name           = "%[1]s-user"
  type           = "User"
  auth_policy_id = %[3]s
}
data "ziti_auth_policy" "sso" {
  name = ziti_auth_policy.sso.name
}
data "ziti_auth_policy" "default" {
  id = "default"
}
data "ziti_external_jwt_signer" "second" {
  id = ziti_external_jwt_signer.second.id
}
`, p, heredoc(string(certPEM)), policyID)
	}
	var identityID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: config("ziti_auth_policy.sso.id"),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrPair("ziti_identity.user", "auth_policy_id", "ziti_auth_policy.sso", "id"),
					resource.TestCheckResourceAttrWith("ziti_identity.user", "id", captureAttr(&identityID)),
					resource.TestCheckResourceAttrPair("ziti_auth_policy.sso", "primary.ext_jwt.allowed_signers.0", "ziti_external_jwt_signer.login", "id"),
					resource.TestCheckResourceAttrPair("ziti_auth_policy.sso", "secondary.require_ext_jwt_signer", "ziti_external_jwt_signer.second", "id"),
					resource.TestCheckResourceAttr("ziti_auth_policy.sso", "primary.updb.min_password_length", "5"),
					resource.TestCheckResourceAttrPair("data.ziti_auth_policy.sso", "id", "ziti_auth_policy.sso", "id"),
					resource.TestCheckResourceAttr("data.ziti_auth_policy.sso", "primary.cert.allowed", "false"),
					resource.TestCheckResourceAttrPair("data.ziti_auth_policy.sso", "secondary.require_ext_jwt_signer", "ziti_external_jwt_signer.second", "id"),
					resource.TestCheckResourceAttr("data.ziti_auth_policy.default", "primary.updb.allowed", "true"),
					resource.TestCheckResourceAttrPair("data.ziti_external_jwt_signer.second", "name", "ziti_external_jwt_signer.second", "name"),
					resource.TestCheckResourceAttr("data.ziti_external_jwt_signer.second", "claims_property", "sub"),
					resource.TestCheckNoResourceAttr("data.ziti_external_jwt_signer.second", "jwks_endpoint"),
					onController(t, edgeapi.Identities, "ziti_identity.user", func(d *edgeapi.IdentityDetail) error {
						if d.AuthPolicyID == "" || d.AuthPolicyID == "default" {
							return fmt.Errorf("identity's authPolicyId is %q", d.AuthPolicyID)
						}
						return nil
					}),
				),
			},
			{
				Config: config(`"default"`),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("ziti_identity.user", "auth_policy_id", "default"),
					resource.TestCheckResourceAttrWith("ziti_identity.user", "id", sameAs(&identityID)),
				),
			},
		},
	})
}
