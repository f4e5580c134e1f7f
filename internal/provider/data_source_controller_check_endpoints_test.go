package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
	"github.com/zitiform/terraform-provider-ziti/internal/testctl"
)

// TestAccControllerCheckEndpoints: with several endpoints (given to the
// data source, or the provider's endpoints) every one is checked, each gets
// its element of results, and one that never answers TLS is reported by
// name while the others are still checked; all of them share the one
// timeout (checked concurrently: three silent endpoints cost it once).
func TestAccControllerCheckEndpoints(t *testing.T) {
	s := accController(t)
	other := testctl.StartT(t, testctl.Selected())
	bad := silentTCPListener(t)
	if _, err := accClient(t).CreateIdentity(context.Background(), &edgeapi.IdentityCreate{Name: uniqueName(t, "check-pending"), Type: "Device", Enrollment: &edgeapi.IdentityEnrollmentCreate{Ott: true}}); err != nil {
		t.Fatal(err)
	}
	const x = "data.ziti_controller_check.x"
	dataSource := func(extra string) string {
		return fmt.Sprintf(`
provider "ziti" {}
data "ziti_controller_check" "x" {
  endpoints = ["https://%s", "%s", "https://%s"]
  timeout   = "3s"
  %s
}
`, s.Addr, other.URL, bad, extra)
	}
	badFailed := `controller at https://` + regexp.QuoteMeta(bad) + ` did not answer within 3s`
	reached := func(i int, addr string) resource.TestCheckFunc {
		at := func(a string) string { return fmt.Sprintf("results.%d.%s", i, a) }
		return resource.ComposeAggregateTestCheckFunc(
			resource.TestCheckResourceAttr(x, at("address"), addr),
			resource.TestCheckNoResourceAttr(x, at("error")),
			resource.TestCheckResourceAttr(x, at("passthrough_ok"), "true"),
			resource.TestCheckResourceAttr(x, at("leaf_is_jwt_signer"), "true"),
			resource.TestCheckResourceAttr(x, at("chain_trusted"), "true"),
			resource.TestCheckResourceAttr(x, at("problems.#"), "0"),
			resource.TestCheckResourceAttrSet(x, at("controller_version")),
		)
	}
	otherAddr := regexp.MustCompile(`^https://`).ReplaceAllString(other.URL, "")
	silent := []string{silentTCPListener(t), silentTCPListener(t), silentTCPListener(t)}
	start := time.Now()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "ziti" {}
data "ziti_controller_check" "x" {
  endpoints = ["%s", "%s", "%s"]
  timeout   = "4s"
}`, silent[0], silent[1], silent[2]),
			ExpectError: regexp.MustCompile(`(?s)` + regexp.QuoteMeta(silent[0]) + ` did not answer within 4s.*` +
				regexp.QuoteMeta(silent[1]) + ` did not answer.*` + regexp.QuoteMeta(silent[2]) + ` did not answer`),
		}},
	})
	took := time.Since(start)
	t.Logf("three silent endpoints, timeout 4s: failed after %s", took.Round(10*time.Millisecond))
	if took > 10*time.Second {
		t.Errorf("three silent endpoints took %s: not checked within one 4s deadline (one after another takes 12s)", took.Round(time.Second))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: dataSource(""),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(x, "results.#", "3"),
					reached(0, s.Addr), reached(1, otherAddr),
					resource.TestCheckResourceAttr(x, "results.2.endpoint", "https://"+bad),
					resource.TestMatchResourceAttr(x, "results.2.error", regexp.MustCompile(badFailed)),
					resource.TestCheckNoResourceAttr(x, "results.2.passthrough_ok"),
					resource.TestCheckNoResourceAttr(x, "results.2.controller_version"),
					// The single-endpoint attributes: the first endpoint.
					resource.TestCheckResourceAttr(x, "id", "https://"+s.Addr),
					resource.TestCheckResourceAttr(x, "passthrough_ok", "true"),
					resource.TestCheckResourceAttr(x, "problems.#", "1"),
					resource.TestMatchResourceAttr(x, "problems.0", regexp.MustCompile(badFailed)),
				),
			},
			{
				Config:      dataSource("fail_on_problems = true"),
				ExpectError: regexp.MustCompile(`(?s)Controller check: problems at https://` + regexp.QuoteMeta(bad) + `.*` + badFailed),
			},
			{
				// The provider's endpoints, by default: all of them, the
				// one in use first; a pending enrollment JWT read through
				// the provider decides the signer.
				Config: fmt.Sprintf(`
provider "ziti" {
  endpoints = ["https://%s", "https://%s"]
  username  = %q
  password  = %q
  ca_pem    = %q
}
data "ziti_controller_check" "x" { timeout = "3s" }
`, s.Addr, bad, s.Username, s.Password, string(s.CAPEM)),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(x, "results.#", "2"),
					reached(0, s.Addr),
					resource.TestCheckResourceAttr(x, "results.0.signer_check", "enrollment_jwt"),
					resource.TestMatchResourceAttr(x, "results.1.error", regexp.MustCompile(badFailed)),
					resource.TestCheckResourceAttr(x, "signer_check", "enrollment_jwt"),
				),
			},
		},
	})
}

// TestAccControllerCheckCluster: on a real three-controller OpenZiti
// cluster (each member presents its own certificate and signs the tokens it
// issues) every member passes, the pending JWT deciding at the member that
// issued it and each member's network JWT at the others (comparing the JWT
// everywhere reported the other two members as TLS-terminating proxies),
// and a listener that never answers TLS, listed last, is the one problem.
func TestAccControllerCheckCluster(t *testing.T) {
	requireRealController(t, "an HA cluster is OpenZiti's raft clustering of several controllers, which controllersrv (one process, one embedded store) does not have")
	cl := testctl.StartClusterT(t, 3)
	api, err := edgeapi.New(edgeapi.Config{Endpoint: cl.Members[0].URL, Username: cl.Username, Password: cl.Password, RootCAs: cl.Members[0].CertPool()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := api.CreateIdentity(context.Background(), &edgeapi.IdentityCreate{Name: uniqueName(t, "check-pending"), Type: "Device", Enrollment: &edgeapi.IdentityEnrollmentCreate{Ott: true}}); err != nil {
		t.Fatal(err)
	}
	bad := "https://" + silentTCPListener(t)
	var eps []string
	for _, u := range append(cl.URLs(), bad) {
		eps = append(eps, fmt.Sprintf("%q", u))
	}
	const x = "data.ziti_controller_check.x"
	checks := []resource.TestCheckFunc{
		resource.TestCheckResourceAttr(x, "results.#", "4"),
		resource.TestCheckResourceAttr(x, "results.0.signer_check", "enrollment_jwt"),
		resource.TestCheckResourceAttr(x, "results.3.endpoint", bad),
		resource.TestMatchResourceAttr(x, "results.3.error", regexp.MustCompile(`did not answer within 5s`)),
		resource.TestCheckResourceAttr(x, "problems.#", "1"),
		resource.TestMatchResourceAttr(x, "problems.0", regexp.MustCompile(regexp.QuoteMeta(bad)+` did not answer`)),
	}
	for i := range cl.Members {
		at := func(a string) string { return fmt.Sprintf("results.%d.%s", i, a) }
		checks = append(checks,
			resource.TestCheckResourceAttr(x, at("leaf_is_jwt_signer"), "true"),
			resource.TestCheckResourceAttr(x, at("passthrough_ok"), "true"),
			resource.TestCheckResourceAttr(x, at("chain_trusted"), "true"),
			resource.TestCheckResourceAttr(x, at("problems.#"), "0"))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`
provider "ziti" {
  endpoints = [%s]
  username  = %q
  password  = %q
  ca_file   = %q
}
data "ziti_controller_check" "x" { timeout = "5s" }
`, strings.Join(eps, ", "), cl.Username, cl.Password, cl.CAFile),
			Check: resource.ComposeAggregateTestCheckFunc(checks...),
		}},
	})
}
