package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

func TestAccExternalJWTSigner(t *testing.T) {
	name := uniqueName(t, "ejs")
	_, certPEM, _ := testCA(t)
	signer := func(n, body string) string {
		return fmt.Sprintf(`
resource "ziti_external_jwt_signer" "x" {
  name     = %q
  issuer   = "https://idp.example.com"
  audience = "openziti"
%s
}
`, n, body)
	}
	const a = "ziti_external_jwt_signer.x"
	withCert := "  cert_pem = " + heredoc(string(certPEM)) + "  kid = \"" + name + "\"\n"
	testAccKind(t, kindCase[edgeapi.ExternalJWTSignerDetail]{
		collection: edgeapi.ExternalJWTSigners, address: a, named: externalJWTSignerKind.named,
		bad: []badConfig{
			{signer(name, ``), regexp.MustCompile(`(?s)cert_pem.*jwks_endpoint`)},
			{signer(name, withCert+`  jwks_endpoint = "https://127.0.0.1:1/idp/jwks"`), regexp.MustCompile(`(?s)cert_pem.*jwks_endpoint`)},
			{signer(name, `  cert_pem = "not a certificate"`), regexp.MustCompile(`(?s)cert_pem must hold a PEM certificate`)},
			{signer(name, `  jwks_endpoint = "idp.example.com/jwks"`), regexp.MustCompile(`(?s)jwks_endpoint.*https://`)},
			{signer(name, `  jwks_endpoint = "https://127.0.0.1:1/idp/jwks"
  target_token = "REFRESH"`), regexp.MustCompile(`(?s)target_token.*must be one of`)},
		},
		create: signer(name, withCert),
		checks: []resource.TestCheckFunc{
			resource.TestCheckResourceAttr(a, "claims_property", "sub"),
			resource.TestCheckResourceAttr(a, "use_external_id", "false"),
			resource.TestCheckResourceAttr(a, "enabled", "true"),
			resource.TestCheckResourceAttr(a, "target_token", "ACCESS"),
			resource.TestCheckResourceAttr(a, "scopes.#", "0"),
			resource.TestCheckNoResourceAttr(a, "jwks_endpoint"),
			resource.TestCheckNoResourceAttr(a, "client_id"),
			onController(t, edgeapi.ExternalJWTSigners, a, func(d *edgeapi.ExternalJWTSignerDetail) error {
				if d.CertPEM == nil || d.JwksEndpoint != nil || deref(d.Kid) != name || !d.Enabled || deref(d.ClaimsProperty) != "sub" {
					return fmt.Errorf("controller has %+v", d)
				}
				return nil
			}),
		},
		// From a certificate to a JWKS endpoint, with the OIDC settings.
		update: signer(name+"-renamed", `
  jwks_endpoint     = "https://127.0.0.1:1/idp/jwks.json"
  claims_property   = "email"
  use_external_id   = true
  enabled           = false
  external_auth_url = "https://127.0.0.1:1/idp/authorize"
  client_id         = "ziti-client"
  scopes            = ["openid", "email"]
  target_token      = "ID"
  tags              = { owner = "acc" }
`),
		updateChecks: []resource.TestCheckFunc{
			resource.TestCheckNoResourceAttr(a, "cert_pem"),
			resource.TestCheckNoResourceAttr(a, "kid"),
			onController(t, edgeapi.ExternalJWTSigners, a, func(d *edgeapi.ExternalJWTSignerDetail) error {
				if d.CertPEM != nil || deref(d.JwksEndpoint) != "https://127.0.0.1:1/idp/jwks.json" || d.Enabled || !d.UseExternalID ||
					deref(d.ClaimsProperty) != "email" || deref(d.ClientID) != "ziti-client" || len(d.Scopes) != 2 || d.TargetToken != "ID" || d.Tags["owner"] != "acc" {
					return fmt.Errorf("controller has %+v", d)
				}
				return nil
			}),
		},
	})
}
