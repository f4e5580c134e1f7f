package provider

import (
	"path/filepath"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// TestAccPKIImportRefused imports each ziti_pki_* resource type: each
// fails with what to do instead, not the framework's "contact the provider
// developer".
func TestAccPKIImportRefused(t *testing.T) {
	config := dirConfig(filepath.Join(t.TempDir(), "pki"), true) + `
resource "ziti_pki_client_cert" "cli" {
  name                   = "d-client"
  issuer_cert_pem        = ziti_pki_intermediate.ica.cert_pem
  issuer_private_key_pem = ziti_pki_intermediate.ica.private_key_pem
  issuer_ca_bundle_pem   = ziti_pki_intermediate.ica.ca_bundle_pem
}
`
	steps := []resource.TestStep{{Config: config}}
	for _, c := range []struct{ addr, want string }{
		{"ziti_pki_ca.root", `(?s)ziti_pki_ca cannot be imported.*issuer_private_key_pem\s+=\s+file`},
		{"ziti_pki_intermediate.ica", `(?s)ziti_pki_intermediate cannot be imported.*issuer_cert_pem\s+=\s+file`},
		{"ziti_pki_server_cert.srv", `(?s)ziti_pki_server_cert cannot be imported.*set\s+private_key_pem\s+=\s+file`},
		{"ziti_pki_client_cert.cli", `(?s)ziti_pki_client_cert cannot be imported.*csr_pem`},
		{"ziti_pki_directory.tree", `(?s)ziti_pki_directory cannot be imported.*declare\s+the\s+resource\s+with\s+that\s+pki_root\s+and\s+apply`},
	} {
		steps = append(steps, resource.TestStep{
			Config: config, ResourceName: c.addr, ImportState: true, ImportStateId: "some-id",
			ExpectError: regexp.MustCompile(c.want),
		})
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: pkiProviderFactories, Steps: steps})
}
