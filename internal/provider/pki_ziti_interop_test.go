package provider

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/zitiform/terraform-provider-ziti/internal/pki"
	"github.com/zitiform/terraform-provider-ziti/internal/testctl"
)

// verifyAgainstCAs checks that the first certificate of chainFile chains
// (with the rest of chainFile) to the last certificate of casFile.
func verifyAgainstCAs(chainFile, casFile string, usage x509.ExtKeyUsage) error {
	chain, err := os.ReadFile(chainFile)
	if err != nil {
		return err
	}
	cas, err := os.ReadFile(casFile)
	if err != nil {
		return err
	}
	leaf, inter, err := pki.SplitChain(chain)
	if err != nil {
		return fmt.Errorf("%s: %w", chainFile, err)
	}
	bundle, err := pki.ParseCertsPEM(cas)
	if err != nil {
		return fmt.Errorf("%s: %w", casFile, err)
	}
	roots, ip := x509.NewCertPool(), x509.NewCertPool()
	roots.AddCert(bundle[len(bundle)-1])
	for _, c := range append(inter, bundle[:len(bundle)-1]...) {
		ip.AddCert(c)
	}
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: ip, KeyUsages: []x509.ExtKeyUsage{usage}}); err != nil {
		return fmt.Errorf("%s does not verify against %s: %w", chainFile, casFile, err)
	}
	return nil
}

func serialOf(b []byte) *big.Int {
	n, ok := new(big.Int).SetString(strings.TrimSpace(string(b)), 16)
	if !ok {
		return big.NewInt(-1)
	}
	return n
}

func fileLines(path string) []string {
	b, _ := os.ReadFile(path)
	return strings.Split(strings.TrimSpace(string(b)), "\n")
}

// TestAccPKIDirectoryZitiPKIExtends: the real `ziti pki` keeps issuing on a
// tree ziti_pki_directory wrote (an intermediate under the root, a server
// and a client under the Terraform intermediate), what it issues verifies
// against the tree's cas.pem, and neither the next plan nor later applies
// nor destroy take away its files or its index.txt lines.
func TestAccPKIDirectoryZitiPKIExtends(t *testing.T) {
	testctl.RequireZiti(t)
	root := t.TempDir()
	rel := func(p string) string { return filepath.Join(root, filepath.FromSlash(p)) }
	// What `ziti pki` writes; none of it may go.
	zitiFiles := []string{"zp-ica/certs/zp-ica.cert", "zp-ica/keys/zp-ica.key", "d-root/certs/zp-ica.cert", "d-root/keys/zp-ica.key",
		"d-ica/certs/zp-server.cert", "d-ica/certs/zp-server.chain.pem", "d-ica/keys/zp-server.key",
		"d-ica/certs/zp-client.cert", "d-ica/certs/zp-client.chain.pem", "d-ica/keys/zp-client.key",
		"zp-ica/certs/zp-leaf.cert", "zp-ica/certs/zp-leaf.chain.pem"}
	var zitiLines map[string][]string // index.txt lines `ziti pki` added, by CA directory
	zitiSerial := map[string]string{} // the serial files after `ziti pki` ran
	checkZitiKept := func(*terraform.State) error {
		for _, p := range zitiFiles {
			if _, err := os.Stat(rel(p)); err != nil {
				return fmt.Errorf("a file `ziti pki` wrote is gone: %w", err)
			}
		}
		for dir, lines := range zitiLines {
			idx, err := os.ReadFile(rel(dir + "/index.txt"))
			if err != nil {
				return err
			}
			if !pki.IndexHasLines(idx, lines) {
				return fmt.Errorf("%s/index.txt lost the lines `ziti pki` appended:\n%s", dir, idx)
			}
			// serial is never lowered (`ziti pki` itself leaves it alone).
			ser, _ := os.ReadFile(rel(dir + "/serial"))
			if serialOf(ser).Cmp(serialOf([]byte(zitiSerial[dir]))) < 0 {
				return fmt.Errorf("%s/serial went down from %q to %q", dir, zitiSerial[dir], ser)
			}
		}
		return nil
	}
	// After an apply, serial is above every indexed serial, so a tool that
	// counts up from it (OpenSSL ca) collides with nothing.
	checkSerialAbove := func(*terraform.State) error {
		for dir := range zitiLines {
			idx, _ := os.ReadFile(rel(dir + "/index.txt"))
			ser, _ := os.ReadFile(rel(dir + "/serial"))
			if !bytes.Equal(pki.NextSerial(ser, idx), pki.NextSerial(ser, nil)) {
				return fmt.Errorf("%s/serial %q is not above every serial in index.txt", dir, ser)
			}
		}
		return nil
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: pkiProviderFactories,
		CheckDestroy: func(s *terraform.State) error {
			if err := checkZitiKept(s); err != nil {
				return err
			}
			// Terraform's own lines are gone from the shared index.
			idx, _ := os.ReadFile(rel("d-ica/index.txt"))
			if strings.Contains(string(idx), "d-server.cert") {
				return fmt.Errorf("destroy left the Terraform server's line in d-ica/index.txt:\n%s", idx)
			}
			for _, p := range []string{"d-ica/keys/d-ica.key", "d-root/certs/d-ica.cert", "d-root/keys/d-ica.key"} {
				if _, err := os.Stat(rel(p)); !os.IsNotExist(err) {
					return fmt.Errorf("%s still exists after destroy", p)
				}
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: dirConfig(root, true),
				Check: resource.ComposeTestCheckFunc(
					checkDirectoryFiles(root, nil),
					func(s *terraform.State) error {
						// The layout `ziti pki` keeps: PKCS #8 keys, the CA
						// databases, the intermediate's copy in its parent.
						for _, p := range []string{"d-root/keys/d-root.key", "d-ica/keys/d-ica.key", "d-ica/keys/d-server.key", "d-root/keys/d-ica.key"} {
							b, err := os.ReadFile(rel(p))
							if err != nil {
								return err
							}
							if !bytes.HasPrefix(b, []byte("-----BEGIN PRIVATE KEY-----")) {
								return fmt.Errorf("%s is not PKCS #8", p)
							}
							if st, _ := os.Stat(rel(p)); st.Mode().Perm() != 0o600 {
								return fmt.Errorf("%s has mode %o, want 600", p, st.Mode().Perm())
							}
						}
						for dir, names := range map[string][]string{"d-root": {"d-root.cert", "d-ica.cert"}, "d-ica": {"d-server.cert"}} {
							lines := fileLines(rel(dir + "/index.txt"))
							if len(lines) != len(names) {
								return fmt.Errorf("%s/index.txt has %d lines, want %d", dir, len(lines), len(names))
							}
							for i, n := range names {
								if !strings.Contains(lines[i], "\t"+n+"\t") {
									return fmt.Errorf("%s/index.txt line %d is %q, want the entry of %s", dir, i+1, lines[i], n)
								}
							}
							for f, want := range map[string]string{"index.txt.attr": "unique_subject = no\n", "crlnumber": "01\n"} {
								if b, _ := os.ReadFile(rel(dir + "/" + f)); string(b) != want {
									return fmt.Errorf("%s/%s is %q, want %q", dir, f, b, want)
								}
							}
						}
						return nil
					},
				),
			},
			{
				// The real `ziti pki` issues on the tree.
				PreConfig: func() {
					before := map[string]int{"d-root": len(fileLines(rel("d-root/index.txt"))), "d-ica": len(fileLines(rel("d-ica/index.txt")))}
					testctl.ZitiPKICreate(t, root, "intermediate", "--ca-name", "d-root", "--intermediate-file", "zp-ica", "--intermediate-name", "zp-ica", "--curve", "P256")
					testctl.ZitiPKICreate(t, root, "server", "--ca-name", "d-ica", "--server-file", "zp-server", "--server-name", "zp-server", "--dns", "localhost", "--ip", "127.0.0.1", "--curve", "P256")
					testctl.ZitiPKICreate(t, root, "client", "--ca-name", "d-ica", "--client-file", "zp-client", "--client-name", "zp-client", "--curve", "P256")
					// Its own intermediate is usable too (its directory is all its own).
					testctl.ZitiPKICreate(t, root, "server", "--ca-name", "zp-ica", "--server-file", "zp-leaf", "--server-name", "zp-leaf", "--dns", "localhost", "--curve", "P256")
					zitiLines = map[string][]string{}
					for dir, n := range before {
						lines := fileLines(rel(dir + "/index.txt"))
						zitiLines[dir] = lines[n:]
						ser, _ := os.ReadFile(rel(dir + "/serial"))
						zitiSerial[dir] = string(ser)
					}
					if len(zitiLines["d-root"]) != 1 || len(zitiLines["d-ica"]) != 2 {
						t.Fatalf("ziti pki added %v to the index files, want 1 line in d-root and 2 in d-ica", zitiLines)
					}
					for _, c := range []struct {
						chain, cas string
						usage      x509.ExtKeyUsage
					}{
						{"d-ica/certs/zp-server.chain.pem", "d-ica/cas.pem", x509.ExtKeyUsageServerAuth},
						{"d-ica/certs/zp-client.chain.pem", "d-ica/cas.pem", x509.ExtKeyUsageClientAuth},
						{"zp-ica/certs/zp-leaf.chain.pem", "d-root/cas.pem", x509.ExtKeyUsageServerAuth},
					} {
						if err := verifyAgainstCAs(rel(c.chain), rel(c.cas), c.usage); err != nil {
							t.Fatal(err)
						}
					}
				},
				Config:           dirConfig(root, true),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            checkZitiKept,
			},
			{
				// Dropping the Terraform server rewrites the shared index
				// without it, keeping the lines of `ziti pki`.
				Config: dirConfig(root, false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("ziti_pki_directory.tree", plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeTestCheckFunc(checkZitiKept, checkSerialAbove, func(*terraform.State) error {
					idx, _ := os.ReadFile(rel("d-ica/index.txt"))
					if strings.Contains(string(idx), "d-server.cert") {
						return fmt.Errorf("d-ica/index.txt still lists the dropped server:\n%s", idx)
					}
					return nil
				}),
			},
			{
				// A lost database is drift: the next apply writes it back
				// with Terraform's lines, keeping nothing else to lose.
				PreConfig: func() {
					if err := os.Remove(rel("d-root/crlnumber")); err != nil {
						t.Fatal(err)
					}
				},
				Config: dirConfig(root, false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("ziti_pki_directory.tree", plancheck.ResourceActionCreate),
				}},
				Check: resource.ComposeTestCheckFunc(checkZitiKept, checkSerialAbove),
			},
			{
				Config:           dirConfig(root, false),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// TestAccPKIIssuerFromZitiPKI: a tree the real `ziti pki` made (an RSA-4096
// root and an EC intermediate, keys in PKCS #8) feeds the ziti_pki_*
// resources as issuer, and Terraform's own CAs sign with their key in
// either form (private_key_pem or private_key_pem_pkcs8), EC and RSA.
func TestAccPKIIssuerFromZitiPKI(t *testing.T) {
	testctl.RequireZiti(t)
	root := t.TempDir()
	testctl.ZitiPKICreate(t, root, "ca", "--ca-file", "zp-root", "--ca-name", "zp-root")
	testctl.ZitiPKICreate(t, root, "intermediate", "--ca-name", "zp-root", "--intermediate-file", "zp-ec", "--intermediate-name", "zp-ec", "--curve", "P256")
	f := func(p string) string { return filepath.Join(root, filepath.FromSlash(p)) }
	config := fmt.Sprintf(`
provider "ziti" {}

resource "ziti_pki_intermediate" "under_zp_rsa" {
  name                   = "tf-under-rsa"
  issuer_cert_pem        = file(%q)
  issuer_private_key_pem = file(%q)
}

resource "ziti_pki_server_cert" "under_zp_ec" {
  name                   = "tf-under-ec"
  dns_names              = ["localhost"]
  issuer_cert_pem        = file(%q)
  issuer_private_key_pem = file(%q)
  issuer_ca_bundle_pem   = join("", [file(%[3]q), file(%[1]q)])
}

resource "ziti_pki_ca" "ec" {
  name = "tf-ec"
}

resource "ziti_pki_ca" "rsa" {
  name          = "tf-rsa"
  key_algorithm = "RSA-2048"
}

resource "ziti_pki_client_cert" "ec_traditional" {
  name                   = "client-ec-traditional"
  issuer_cert_pem        = ziti_pki_ca.ec.cert_pem
  issuer_private_key_pem = ziti_pki_ca.ec.private_key_pem
}

resource "ziti_pki_client_cert" "ec_pkcs8" {
  name                   = "client-ec-pkcs8"
  issuer_cert_pem        = ziti_pki_ca.ec.cert_pem
  issuer_private_key_pem = ziti_pki_ca.ec.private_key_pem_pkcs8
}

resource "ziti_pki_client_cert" "rsa_traditional" {
  name                   = "client-rsa-traditional"
  issuer_cert_pem        = ziti_pki_ca.rsa.cert_pem
  issuer_private_key_pem = ziti_pki_ca.rsa.private_key_pem
}

resource "ziti_pki_client_cert" "rsa_pkcs8" {
  name                   = "client-rsa-pkcs8"
  issuer_cert_pem        = ziti_pki_ca.rsa.cert_pem
  issuer_private_key_pem = ziti_pki_ca.rsa.private_key_pem_pkcs8
}
`, f("zp-root/certs/zp-root.cert"), f("zp-root/keys/zp-root.key"), f("zp-ec/certs/zp-ec.cert"), f("zp-ec/keys/zp-ec.key"))

	signedBy := func(res, issuerFile string) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			c, err := pki.ParseCertPEM([]byte(s.RootModule().Resources[res].Primary.Attributes["cert_pem"]))
			if err != nil {
				return err
			}
			b, err := os.ReadFile(issuerFile)
			if err != nil {
				return err
			}
			issuer, err := pki.ParseCertPEM(b)
			if err != nil {
				return err
			}
			if err := c.CheckSignatureFrom(issuer); err != nil {
				return fmt.Errorf("%s is not signed by %s: %w", res, issuerFile, err)
			}
			return nil
		}
	}
	signedByState := func(res, ca string) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			c, err1 := pki.ParseCertPEM([]byte(s.RootModule().Resources[res].Primary.Attributes["cert_pem"]))
			issuer, err2 := pki.ParseCertPEM([]byte(s.RootModule().Resources[ca].Primary.Attributes["cert_pem"]))
			if err := errors.Join(err1, err2); err != nil {
				return err
			}
			return c.CheckSignatureFrom(issuer)
		}
	}
	pkcs8Matches := func(res string) resource.TestCheckFunc {
		return func(s *terraform.State) error {
			a := s.RootModule().Resources[res].Primary.Attributes
			p8 := a["private_key_pem_pkcs8"]
			if !strings.HasPrefix(p8, "-----BEGIN PRIVATE KEY-----") {
				return fmt.Errorf("%s.private_key_pem_pkcs8 is not PKCS #8", res)
			}
			k1, err1 := pki.ParsePrivateKeyPEM([]byte(p8))
			k2, err2 := pki.ParsePrivateKeyPEM([]byte(a["private_key_pem"]))
			if err1 != nil || err2 != nil || !pki.SameKey(k1, k2.Public()) {
				return fmt.Errorf("%s.private_key_pem_pkcs8 is not the key of private_key_pem", res)
			}
			return nil
		}
	}
	checks := []resource.TestCheckFunc{
		signedBy("ziti_pki_intermediate.under_zp_rsa", f("zp-root/certs/zp-root.cert")),
		signedBy("ziti_pki_server_cert.under_zp_ec", f("zp-ec/certs/zp-ec.cert")),
		resource.TestCheckResourceAttr("ziti_pki_ca.rsa", "key_algorithm", "RSA-2048"),
	}
	for _, r := range []string{"ziti_pki_ca.ec", "ziti_pki_ca.rsa", "ziti_pki_intermediate.under_zp_rsa", "ziti_pki_server_cert.under_zp_ec", "ziti_pki_client_cert.rsa_pkcs8"} {
		checks = append(checks, pkcs8Matches(r))
	}
	for _, k := range []string{"ec_traditional", "ec_pkcs8", "rsa_traditional", "rsa_pkcs8"} {
		ca := "ziti_pki_ca.ec"
		if strings.HasPrefix(k, "rsa") {
			ca = "ziti_pki_ca.rsa"
		}
		checks = append(checks, resource.TestCheckResourceAttrPair("ziti_pki_client_cert."+k, "authority_key_id", ca, "subject_key_id"),
			signedByState("ziti_pki_client_cert."+k, ca))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: pkiProviderFactories,
		Steps: []resource.TestStep{
			{Config: config, Check: resource.ComposeAggregateTestCheckFunc(checks...)},
			{Config: config, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
		},
	})
}
