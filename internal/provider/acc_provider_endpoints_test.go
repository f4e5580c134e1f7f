package provider

import (
	"context"
	"fmt"
	"net"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// endpointsProviderConfig is a provider block for the shared controller
// with the given endpoints list (HCL) and extra settings.
func endpointsProviderConfig(t *testing.T, endpoints, extra string) string {
	s := accController(t)
	return fmt.Sprintf(`
provider "ziti" {
  endpoints = %s
  username  = %q
  password  = %q
  ca_file   = %q
%s
}
`, endpoints, s.Username, s.Password, s.CAFile, extra)
}

// hungAddr is a loopback address that accepts connections and never
// answers (not even the TLS handshake), as a frozen controller does.
func hungAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { conn.Close() })
		}
	}()
	return ln.Addr().String()
}

// refusedAddr is a loopback address nothing listens on.
func refusedAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// TestAccProviderEndpointsFailover: with endpoints listing a controller
// that hangs and one that refuses connections before the real one, the
// provider gives the first up after request_timeout, skips the second at
// once and works on the third: create, refresh with an empty plan,
// destroy. (The failover of a real HA cluster under load is
// TestAccHAControllerKilledDuringApply.)
func TestAccProviderEndpointsFailover(t *testing.T) {
	s := accController(t)
	c := accClient(t)
	name := uniqueName(t, "ep")
	eps := fmt.Sprintf("[%q, %q, %q]", "https://"+hungAddr(t), refusedAddr(t), s.URL)
	config := endpointsProviderConfig(t, eps, `  request_timeout = "2s"
  max_retries     = 2
  retry_wait_min  = "100ms"
  retry_wait_max  = "1s"`) + fmt.Sprintf("resource \"ziti_identity\" \"x\" {\n  name = %q\n}\n", name)
	var id string
	t0 := time.Now()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config: config,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttrWith("ziti_identity.x", "id", captureAttr(&id)),
				func(*terraformState) error {
					d, err := c.GetIdentity(context.Background(), id)
					if err != nil || d.Name != name {
						return fmt.Errorf("identity %s on the controller: %+v, %w", id, d, err)
					}
					return nil
				},
			),
		}},
	})
	t.Logf("create, refresh, plan and destroy through a hung and a refusing endpoint first: %v", time.Since(t0).Round(time.Millisecond))
}

// TestAccProviderEndpointsChecked: mistakes in endpoints and the request
// settings are refused while planning, naming the attribute (and the list
// element) and the fix.
func TestAccProviderEndpointsChecked(t *testing.T) {
	s := accController(t)
	res := fmt.Sprintf("resource \"ziti_identity\" \"x\" {\n  name = %q\n}\n", uniqueName(t, "ep"))
	step := func(endpoints, extra, want string) resource.TestStep {
		return resource.TestStep{PlanOnly: true, Config: endpointsProviderConfig(t, endpoints, extra) + res, ExpectError: regexp.MustCompile(want)}
	}
	good := fmt.Sprintf("[%q]", s.URL)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			step(fmt.Sprintf("[%q, %q]", s.URL, "http://127.0.0.1:1"), "", `endpoints\[1\]:\s+the\s+controller\s+endpoint\s+"http://127.0.0.1:1"\s+must\s+use\s+https`),
			step(fmt.Sprintf("[%q, %q]", s.URL, s.ManagementURL()), "", `(?s)listed twice.*list each\s+controller\s+once`),
			step("[]", "", `endpoints\s+is\s+empty`),
			step(good, fmt.Sprintf("  endpoint = %q", s.URL), `Set either endpoint .* or endpoints`),
			step(good, `  request_timeout = "30"`, `request_timeout\s+=\s+"30"\s+is\s+not\s+a\s+positive\s+duration`),
			step(good, `  max_retries = 1000`, `max_retries\s+\(or\s+ZITI_MAX_RETRIES\)\s+is\s+1000`),
			step(good, `  retry_wait_min = "10s"`+"\n"+`  retry_wait_max = "1s"`, `retry_wait_min\s+\(10s\)\s+is\s+longer\s+than\s+retry_wait_max`),
		},
	})
}
