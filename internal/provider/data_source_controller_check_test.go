package provider

import (
	"context"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
	"github.com/zitiform/terraform-provider-ziti/internal/enroll/proxytest"
	"github.com/zitiform/terraform-provider-ziti/internal/testctl"
)

// TestAccControllerCheck runs the data source against the test
// controller, once directly and once through an nginx that terminates TLS
// with its own certificate (what an ALB does), on loopback.
func TestAccControllerCheck(t *testing.T) {
	s := accController(t)
	admin := accClient(t)
	front := proxytest.FreeAddr(t)
	direct := s.Addr
	proxytest.StartNginx(t, front, direct, false)

	// A pending enrollment gives the check a JWT to verify, as a client would.
	if _, err := admin.CreateIdentity(context.Background(), &edgeapi.IdentityCreate{Name: uniqueName(t, "check-pending"), Type: "Device", Enrollment: &edgeapi.IdentityEnrollmentCreate{Ott: true}}); err != nil {
		t.Fatal(err)
	}

	anonSigner := "jwks"
	if s.Kind == testctl.Ziti {
		anonSigner = "network_jwt"
	}
	provider := fmt.Sprintf(`
provider "ziti" {
  endpoint = "https://%s"
  username = %q
  password = %q
  ca_pem   = %q
}
`, direct, s.Username, s.Password, string(s.CAPEM))

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: provider + `data "ziti_controller_check" "direct" {}`,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("data.ziti_controller_check.direct", "passthrough_ok", "true"),
					resource.TestCheckResourceAttr("data.ziti_controller_check.direct", "leaf_is_jwt_signer", "true"),
					resource.TestCheckResourceAttr("data.ziti_controller_check.direct", "signer_check", "enrollment_jwt"),
					resource.TestCheckResourceAttr("data.ziti_controller_check.direct", "address_covered", "true"),
					resource.TestCheckResourceAttr("data.ziti_controller_check.direct", "chain_trusted", "true"),
					resource.TestCheckResourceAttr("data.ziti_controller_check.direct", "problems.#", "0"),
					resource.TestCheckResourceAttr("data.ziti_controller_check.direct", "ip_addresses.0", "127.0.0.1"),
					resource.TestCheckResourceAttrSet("data.ziti_controller_check.direct", "controller_version"),
					resource.TestMatchResourceAttr("data.ziti_controller_check.direct", "presented_chain_pem", regexp.MustCompile(`^-----BEGIN CERTIFICATE-----`)),
				),
			},
			{
				// Without credentials there is no pending enrollment JWT to
				// compare: the controller's public signer evidence decides
				// (OpenZiti: its network JWT; controllersrv: its JWKS).
				Config: fmt.Sprintf(`
provider "ziti" {}
data "ziti_controller_check" "anon" { endpoint = "https://%s" }`, direct),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("data.ziti_controller_check.anon", "passthrough_ok", "true"),
					resource.TestCheckResourceAttr("data.ziti_controller_check.anon", "leaf_is_jwt_signer", "true"),
					resource.TestCheckResourceAttr("data.ziti_controller_check.anon", "signer_check", anonSigner),
					resource.TestCheckResourceAttr("data.ziti_controller_check.anon", "problems.#", "0"),
				),
			},
			{
				Config: provider + fmt.Sprintf(`data "ziti_controller_check" "alb" { endpoint = "https://%s" }`, front),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("data.ziti_controller_check.alb", "passthrough_ok", "false"),
					resource.TestCheckResourceAttr("data.ziti_controller_check.alb", "leaf_is_jwt_signer", "false"),
					resource.TestCheckResourceAttr("data.ziti_controller_check.alb", "chain_trusted", "false"),
					resource.TestCheckResourceAttr("data.ziti_controller_check.alb", "leaf_subject", "CN=alb.example"),
					resource.TestMatchResourceAttr("data.ziti_controller_check.alb", "problems.0", regexp.MustCompile(`TCP passthrough`)),
				),
			},
			{
				Config: provider + fmt.Sprintf(`
data "ziti_controller_check" "alb" {
  endpoint         = %q
  fail_on_problems = true
}`, front),
				ExpectError: regexp.MustCompile(`(?s)is not the one that signed\s+this token.*TCP\s+passthrough`),
			},
		},
	})
}
