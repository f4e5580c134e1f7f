package provider

import (
	"context"
	"crypto/x509"
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/server"
	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
	"github.com/zitiform/terraform-provider-ziti/internal/enroll/proxytest"
)

// TestAccControllerCheck runs the data source against controllersrv, once
// directly and once through an nginx that terminates TLS with its own
// certificate (what an ALB does), on loopback.
func TestAccControllerCheck(t *testing.T) {
	requireAcc(t)
	front := proxytest.FreeAddr(t)
	s, err := server.Start(context.Background(), server.Options{Home: t.TempDir(), Bind: "127.0.0.1:0", Address: front, AdminPassword: "check-admin-pw"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	direct := s.Addrs()[0].String()
	proxytest.StartNginx(t, front, direct, false)

	// A pending enrollment gives the check a JWT to verify, as a client would.
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(s.CAPEM())
	user, pw := s.AdminCredentials()
	admin, err := edgeapi.New(edgeapi.Config{Endpoint: "https://" + direct, Username: user, Password: pw, RootCAs: pool})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.CreateIdentity(context.Background(), &edgeapi.IdentityCreate{Name: "check-pending", Type: "Device", Enrollment: &edgeapi.IdentityEnrollmentCreate{Ott: true}}); err != nil {
		t.Fatal(err)
	}

	provider := fmt.Sprintf(`
provider "ziti" {
  endpoint = "https://%s"
  username = %q
  password = %q
  ca_pem   = %q
}
`, direct, user, pw, string(s.CAPEM()))

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
