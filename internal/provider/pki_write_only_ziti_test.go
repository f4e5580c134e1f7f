package provider

import (
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/zitiform/terraform-provider-ziti/internal/pki"
	"github.com/zitiform/terraform-provider-ziti/internal/testctl"
)

// TestAccPKIWriteOnlyZitiTree: a `ziti pki` tree whose keys are in no
// state. The ephemeral ziti_pki_private_key makes each key where `ziti pki`
// keeps it (<ca>/keys/<name>.key, PKCS #8), the certificate resources take
// them write-only, ziti_pki_directory writes only certificates; then the
// real `ziti pki` issues a client certificate with the intermediate's key
// from that tree, and it verifies up to the root.
func TestAccPKIWriteOnlyZitiTree(t *testing.T) {
	testctl.RequireZiti(t)
	root := t.TempDir()
	config := fmt.Sprintf(`
provider "ziti" {}

ephemeral "ziti_pki_private_key" "root" {
  path = "%[1]s/sf-root/keys/sf-root.key"
}
ephemeral "ziti_pki_private_key" "ica" {
  path = "%[1]s/sf-ica/keys/sf-ica.key"
}

resource "ziti_pki_ca" "root" {
  name               = "sf-root"
  private_key_pem_wo = ephemeral.ziti_pki_private_key.root.private_key_pem
}

resource "ziti_pki_intermediate" "ica" {
  name                      = "sf-ica"
  private_key_pem_wo        = ephemeral.ziti_pki_private_key.ica.private_key_pem
  issuer_cert_pem           = ziti_pki_ca.root.cert_pem
  issuer_private_key_pem_wo = ephemeral.ziti_pki_private_key.root.private_key_pem
}

resource "ziti_pki_directory" "tree" {
  pki_root = %[1]q
  ca {
    name     = "sf-root"
    cert_pem = ziti_pki_ca.root.cert_pem
  }
  ca {
    name          = "sf-ica"
    cert_pem      = ziti_pki_intermediate.ica.cert_pem
    chain_pem     = ziti_pki_intermediate.ica.chain_pem
    ca_bundle_pem = ziti_pki_intermediate.ica.ca_bundle_pem
  }
}
`, root)
	rel := func(p string) string { return filepath.Join(root, filepath.FromSlash(p)) }
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: pkiProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckNoResourceAttr("ziti_pki_ca.root", "private_key_pem"),
					resource.TestCheckNoResourceAttr("ziti_pki_intermediate.ica", "private_key_pem"),
					func(*terraformState) error {
						testctl.ZitiPKICreate(t, root, "client", "--ca-name", "sf-ica", "--client-file", "zp-client", "--client-name", "zp-client", "--curve", "P256")
						leaf, err := os.ReadFile(rel("sf-ica/certs/zp-client.cert"))
						if err != nil {
							return err
						}
						c, err := pki.ParseCertPEM(leaf)
						if err != nil {
							return err
						}
						roots, inter := x509.NewCertPool(), x509.NewCertPool()
						rb, _ := os.ReadFile(rel("sf-root/certs/sf-root.cert"))
						ib, _ := os.ReadFile(rel("sf-ica/certs/sf-ica.cert"))
						roots.AppendCertsFromPEM(rb)
						inter.AppendCertsFromPEM(ib)
						_, err = c.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
						return err
					},
				),
			},
		},
	})
}
