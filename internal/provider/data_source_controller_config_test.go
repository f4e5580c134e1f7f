package provider

import (
	"fmt"
	"reflect"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"gopkg.in/yaml.v3"
)

const controllerConfigHCL = `
provider "ziti" {}

data "ziti_controller_config" "ctrl" {
  identity = {
    cert        = "/pki/my-network-ica/certs/network-client.cert"
    server_cert = "/pki/my-network-ica/certs/network-server.chain.pem"
    key         = "/pki/my-network-ica/keys/network-client.key"
    server_key  = "/pki/my-network-ica/keys/network-server.key"
    ca          = "/pki/my-network-ica/cas.pem"
  }
  web_identity = {
    cert        = "/pki/my-edge-ica/certs/edge-client.cert"
    server_cert = "/pki/my-edge-ica/certs/edge-server.chain.pem"
    key         = "/pki/my-edge-ica/keys/edge-client.key"
    server_key  = "/pki/my-edge-ica/keys/edge-server.key"
    ca          = "/pki/my-edge-ica/cas.pem"
  }
  signing_cert = {
    cert = "/pki/my-sign-ica/certs/my-sign-ica.chain.pem"
    key  = "/pki/my-sign-ica/keys/my-sign-ica.key"
  }
  advertised_address     = "ziti.example.com:1280"
  bind_address           = "127.0.0.1:1280"
  ctrl_advertise_address = "tls:ziti.example.com:6262"
  trust_domain           = "ziti.example.com"
  db_path                = "/var/lib/ziti/ctrl.db"
  web_name               = "all-apis-localhost"
  apis                   = ["edge-management", "edge-client", "health-checks", "fabric"]
  router_enrollment_duration = "24h"
}
`

// TestAccControllerConfig parses the YAML back and checks every key the
// controller reads, path by path.
func TestAccControllerConfig(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: pkiProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: controllerConfigHCL,
				Check: func(s *terraform.State) error {
					text := s.RootModule().Resources["data.ziti_controller_config.ctrl"].Primary.Attributes["yaml"]
					var doc map[string]any
					if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
						return fmt.Errorf("rendered YAML does not parse: %w", err)
					}
					want := map[string]any{
						"v":                                     3,
						"db":                                    "/var/lib/ziti/ctrl.db",
						"identity.cert":                         "/pki/my-network-ica/certs/network-client.cert",
						"identity.server_cert":                  "/pki/my-network-ica/certs/network-server.chain.pem",
						"identity.key":                          "/pki/my-network-ica/keys/network-client.key",
						"identity.server_key":                   "/pki/my-network-ica/keys/network-server.key",
						"identity.ca":                           "/pki/my-network-ica/cas.pem",
						"ctrl.listener":                         "tls:0.0.0.0:6262",
						"ctrl.options.advertiseAddress":         "tls:ziti.example.com:6262",
						"trustDomain":                           "ziti.example.com",
						"edge.api.address":                      "ziti.example.com:1280",
						"edge.enrollment.signingCert.cert":      "/pki/my-sign-ica/certs/my-sign-ica.chain.pem",
						"edge.enrollment.signingCert.key":       "/pki/my-sign-ica/keys/my-sign-ica.key",
						"edge.enrollment.edgeIdentity.duration": "180m",
						"edge.enrollment.edgeRouter.duration":   "24h",
						"web.0.name":                            "all-apis-localhost",
						"web.0.bindPoints.0.interface":          "127.0.0.1:1280",
						"web.0.bindPoints.0.address":            "ziti.example.com:1280",
						"web.0.identity.cert":                   "/pki/my-edge-ica/certs/edge-client.cert",
						"web.0.identity.server_cert":            "/pki/my-edge-ica/certs/edge-server.chain.pem",
						"web.0.identity.key":                    "/pki/my-edge-ica/keys/edge-client.key",
						"web.0.identity.server_key":             "/pki/my-edge-ica/keys/edge-server.key",
						"web.0.identity.ca":                     "/pki/my-edge-ica/cas.pem",
						"web.0.apis.0.binding":                  "edge-management",
						"web.0.apis.1.binding":                  "edge-client",
						"web.0.apis.2.binding":                  "health-checks",
						"web.0.apis.3.binding":                  "fabric",
					}
					for p, v := range want {
						got, err := yamlAt(doc, p)
						if err != nil {
							return err
						}
						if !reflect.DeepEqual(got, v) {
							return fmt.Errorf("%s = %#v, want %#v", p, got, v)
						}
					}
					if n := len(doc["web"].([]any)[0].(map[string]any)["apis"].([]any)); n != 4 {
						return fmt.Errorf("%d apis, want 4", n)
					}
					return nil
				},
			},
		},
	})
}

// TestAccControllerConfigDefaults: defaults and validation.
func TestAccControllerConfigDefaults(t *testing.T) {
	minimal := `
provider "ziti" {}
data "ziti_controller_config" "ctrl" {
  identity     = { cert = "c", server_cert = "s", key = "k", ca = "a" }
  web_identity = { cert = "wc", server_cert = "ws", key = "wk", ca = "wa" }
  signing_cert = { cert = "sc", key = "sk" }
  advertised_address = "%s"
  db_path            = "ctrl.db"
  %s
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: pkiProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      fmt.Sprintf(minimal, "https://localhost:1280", ""),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)advertised_address.*not host:port`),
			},
			{
				// OpenZiti adds spiffe:// itself: with it, the trust domain would be "spiffe".
				Config:      fmt.Sprintf(minimal, "localhost:1280", `trust_domain = "spiffe://ziti.example.com"`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)trust_domain.*has a scheme: give the bare trust domain`),
			},
			{
				Config:      fmt.Sprintf(minimal, "localhost:1280", `trust_domain = "ziti example"`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)trust_domain.*not a DNS-style name`),
			},
			{
				Config: fmt.Sprintf(minimal, "localhost:1280", ""),
				Check: func(s *terraform.State) error {
					var doc map[string]any
					if err := yaml.Unmarshal([]byte(s.RootModule().Resources["data.ziti_controller_config.ctrl"].Primary.Attributes["yaml"]), &doc); err != nil {
						return err
					}
					for p, v := range map[string]any{
						"web.0.bindPoints.0.interface":          "0.0.0.0:1280",
						"web.0.name":                            "client-management",
						"edge.enrollment.edgeRouter.duration":   "180m",
						"edge.enrollment.edgeIdentity.duration": "180m",
						"ctrl.listener":                         "tls:0.0.0.0:6262",
						"web.0.apis.0.binding":                  "edge-management",
						"web.0.apis.1.binding":                  "edge-client",
						"web.0.apis.2.binding":                  "edge-oidc",
						"web.0.apis.3.binding":                  "health-checks",
					} {
						got, err := yamlAt(doc, p)
						if err != nil {
							return err
						}
						if got != v {
							return fmt.Errorf("%s = %v, want %v", p, got, v)
						}
					}
					for _, absent := range []string{"identity.server_key", "ctrl.options", "trustDomain", "web.0.apis.4"} {
						if _, err := yamlAt(doc, absent); err == nil {
							return fmt.Errorf("%s should be omitted when unset", absent)
						}
					}
					return nil
				},
			},
		},
	})
}

// yamlAt walks a dotted path through decoded YAML; numbers index lists.
func yamlAt(doc any, p string) (any, error) {
	cur := doc
	for _, part := range regexp.MustCompile(`\.`).Split(p, -1) {
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[part]
			if !ok {
				return nil, fmt.Errorf("%s: key %q missing", p, part)
			}
			cur = v
		case []any:
			var i int
			if _, err := fmt.Sscanf(part, "%d", &i); err != nil || i >= len(c) {
				return nil, fmt.Errorf("%s: bad index %q", p, part)
			}
			cur = c[i]
		default:
			return nil, fmt.Errorf("%s: %q is not a map or list", p, part)
		}
	}
	return cur, nil
}
