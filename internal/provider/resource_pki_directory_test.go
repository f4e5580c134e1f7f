package provider

import (
	"bytes"
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

func dirConfig(root string, withLeaf bool) string {
	leaf := ""
	if withLeaf {
		leaf = `
  leaf {
    ca              = ziti_pki_intermediate.ica.name
    name            = ziti_pki_server_cert.srv.name
    cert_pem        = ziti_pki_server_cert.srv.cert_pem
    chain_pem       = ziti_pki_server_cert.srv.chain_pem
    private_key_pem = ziti_pki_server_cert.srv.private_key_pem
  }`
	}
	return fmt.Sprintf(`
provider "ziti" {}

resource "ziti_pki_ca" "root" {
  name = "d-root"
}

resource "ziti_pki_intermediate" "ica" {
  name                   = "d-ica"
  issuer_cert_pem        = ziti_pki_ca.root.cert_pem
  issuer_private_key_pem = ziti_pki_ca.root.private_key_pem
}

resource "ziti_pki_server_cert" "srv" {
  name                   = "d-server"
  dns_names              = ["localhost"]
  issuer_cert_pem        = ziti_pki_intermediate.ica.cert_pem
  issuer_private_key_pem = ziti_pki_intermediate.ica.private_key_pem
  issuer_ca_bundle_pem   = ziti_pki_intermediate.ica.ca_bundle_pem
}

resource "ziti_pki_directory" "tree" {
  pki_root = %q
  ca {
    name            = ziti_pki_ca.root.name
    cert_pem        = ziti_pki_ca.root.cert_pem
    ca_bundle_pem   = ziti_pki_ca.root.ca_bundle_pem
    private_key_pem = ziti_pki_ca.root.private_key_pem
  }
  ca {
    name            = ziti_pki_intermediate.ica.name
    cert_pem        = ziti_pki_intermediate.ica.cert_pem
    chain_pem       = ziti_pki_intermediate.ica.chain_pem
    ca_bundle_pem   = ziti_pki_intermediate.ica.ca_bundle_pem
    private_key_pem = ziti_pki_intermediate.ica.private_key_pem
  }%s
  file {
    path    = "notes/readme.txt"
    content = "hello\n"
  }
}
`, root, leaf)
}

func TestAccPKIDirectory(t *testing.T) {
	root := t.TempDir()
	// A file the resource did not write: it must survive everything.
	foreign := filepath.Join(root, "d-ica", "certs", "foreign.cert")
	rel := func(p string) string { return filepath.Join(root, filepath.FromSlash(p)) }
	owned := []string{"d-root/certs/d-root.cert", "d-root/cas.pem", "d-root/keys/d-root.key",
		"d-ica/certs/d-ica.cert", "d-ica/certs/d-ica.chain.pem", "d-ica/cas.pem", "d-ica/keys/d-ica.key",
		"d-ica/certs/d-server.cert", "d-ica/certs/d-server.chain.pem", "d-ica/keys/d-server.key", "notes/readme.txt"}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: pkiProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			for _, p := range owned {
				if _, err := os.Stat(rel(p)); !os.IsNotExist(err) {
					return fmt.Errorf("%s still exists after destroy", p)
				}
			}
			if _, err := os.Stat(rel("notes")); !os.IsNotExist(err) {
				return fmt.Errorf("empty directory notes/ was not removed")
			}
			if _, err := os.Stat(foreign); err != nil {
				return fmt.Errorf("destroy removed a file it did not write: %w", err)
			}
			if _, err := os.Stat(root); err != nil {
				return fmt.Errorf("destroy removed pki_root itself")
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					if err := os.MkdirAll(filepath.Dir(foreign), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(foreign, []byte("not ours"), 0o644); err != nil {
						t.Fatal(err)
					}
				},
				Config: dirConfig(root, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						// paths is known at plan time although every certificate is still unknown.
						plancheck.ExpectKnownValue("ziti_pki_directory.tree", pkiMapKey("paths", "d-server.chain"), pkiString(rel("d-ica/certs/d-server.chain.pem"))),
						plancheck.ExpectKnownValue("ziti_pki_directory.tree", pkiMapKey("paths", "d-ica.key"), pkiString(rel("d-ica/keys/d-ica.key"))),
					},
				},
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr("ziti_pki_directory.tree", "paths.%", "11"),
					resource.TestCheckResourceAttr("ziti_pki_directory.tree", "paths.d-root.cas", rel("d-root/cas.pem")),
					resource.TestCheckNoResourceAttr("ziti_pki_directory.tree", "paths.d-root.chain"),
					checkDirectoryFiles(root, owned),
				),
			},
			{
				Config:           dirConfig(root, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// Out-of-band damage: a deleted key and an edited certificate.
				PreConfig: func() {
					if err := os.Remove(rel("d-ica/keys/d-server.key")); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(rel("d-root/cas.pem"), []byte("tampered"), 0o644); err != nil {
						t.Fatal(err)
					}
				},
				Config: dirConfig(root, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("ziti_pki_directory.tree", plancheck.ResourceActionCreate),
					plancheck.ExpectResourceAction("ziti_pki_server_cert.srv", plancheck.ResourceActionNoop),
				}},
				Check: checkDirectoryFiles(root, owned),
			},
			{
				// A mode change is drift too.
				PreConfig: func() {
					if err := os.Chmod(rel("d-root/keys/d-root.key"), 0o644); err != nil {
						t.Fatal(err)
					}
				},
				Config: dirConfig(root, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("ziti_pki_directory.tree", plancheck.ResourceActionCreate),
				}},
				Check: checkDirectoryFiles(root, owned),
			},
			{
				// Dropping the leaf removes its files only.
				Config: dirConfig(root, false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("ziti_pki_directory.tree", plancheck.ResourceActionUpdate),
				}},
				Check: func(s *terraform.State) error {
					for _, p := range []string{"d-ica/certs/d-server.cert", "d-ica/certs/d-server.chain.pem", "d-ica/keys/d-server.key"} {
						if _, err := os.Stat(rel(p)); !os.IsNotExist(err) {
							return fmt.Errorf("%s should be gone", p)
						}
					}
					return checkDirectoryFiles(root, owned[:7])(s)
				},
			},
		},
	})
}

// checkDirectoryFiles compares the files with the state and checks modes and
// that the written chain verifies against the written bundle.
func checkDirectoryFiles(root string, want []string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		attrs := s.RootModule().Resources["ziti_pki_directory.tree"].Primary.Attributes
		for _, p := range want {
			full := filepath.Join(root, filepath.FromSlash(p))
			st, err := os.Stat(full)
			if err != nil {
				return err
			}
			wantMode := os.FileMode(0o644)
			if strings.Contains(p, "/keys/") {
				wantMode = 0o600
			}
			if st.Mode().Perm() != wantMode {
				return fmt.Errorf("%s has mode %o, want %o", p, st.Mode().Perm(), wantMode)
			}
		}
		cmp := func(file, res, attr string) error {
			data, err := os.ReadFile(filepath.Join(root, file))
			if err != nil {
				return err
			}
			if !bytes.Equal(data, []byte(s.RootModule().Resources[res].Primary.Attributes[attr])) {
				return fmt.Errorf("%s differs from %s.%s", file, res, attr)
			}
			return nil
		}
		for _, c := range [][3]string{
			{"d-root/certs/d-root.cert", "ziti_pki_ca.root", "cert_pem"},
			{"d-root/keys/d-root.key", "ziti_pki_ca.root", "private_key_pem_pkcs8"},
			{"d-root/cas.pem", "ziti_pki_ca.root", "ca_bundle_pem"},
			{"d-ica/certs/d-ica.chain.pem", "ziti_pki_intermediate.ica", "chain_pem"},
			{"d-ica/cas.pem", "ziti_pki_intermediate.ica", "ca_bundle_pem"},
		} {
			if err := cmp(c[0], c[1], c[2]); err != nil {
				return err
			}
		}
		if len(want) > 7 {
			if err := cmp("d-ica/certs/d-server.chain.pem", "ziti_pki_server_cert.srv", "chain_pem"); err != nil {
				return err
			}
			chain, _ := os.ReadFile(attrs["paths.d-server.chain"])
			cas, _ := os.ReadFile(attrs["paths.d-ica.cas"])
			leaf, inter, err := pki.SplitChain(chain)
			if err != nil {
				return err
			}
			bundle, err := pki.ParseCertsPEM(cas)
			if err != nil {
				return err
			}
			roots, ip := x509.NewCertPool(), x509.NewCertPool()
			roots.AddCert(bundle[len(bundle)-1])
			for _, c := range inter {
				ip.AddCert(c)
			}
			if _, err := leaf.Verify(x509.VerifyOptions{DNSName: "localhost", Roots: roots, Intermediates: ip}); err != nil {
				return fmt.Errorf("written chain does not verify against written cas.pem: %w", err)
			}
		}
		return nil
	}
}

func pkiMapKey(attr, key string) tfjsonpath.Path { return tfjsonpath.New(attr).AtMapKey(key) }

func pkiString(s string) knownvalue.Check { return knownvalue.StringExact(s) }
