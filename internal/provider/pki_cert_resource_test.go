package provider

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// pkiProviderFactories serves the provider in-process, so tests can move the
// package clock and no provider binary or registry is involved.
var pkiProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"ziti": providerserver.NewProtocol6WithError(New("test")()),
}

// pkiTreeConfig is a root -> intermediate -> intermediate -> server/client
// tree with an empty provider block: no controller is needed.
const pkiTreeConfig = `
provider "ziti" {}

resource "ziti_pki_ca" "root" {
  name = "my-root-ca"
  subject {
    organization = "Example Org"
    country      = "DE"
  }
}

resource "ziti_pki_intermediate" "external" {
  name                   = "my-external-ica"
  issuer_cert_pem        = ziti_pki_ca.root.cert_pem
  issuer_private_key_pem = ziti_pki_ca.root.private_key_pem
}

resource "ziti_pki_intermediate" "network" {
  name                   = "my-network-ica"
  key_algorithm          = "EC-P384"
  max_path_length        = 0
  issuer_cert_pem        = ziti_pki_intermediate.external.cert_pem
  issuer_private_key_pem = ziti_pki_intermediate.external.private_key_pem
  issuer_ca_bundle_pem   = ziti_pki_intermediate.external.ca_bundle_pem
}

resource "ziti_pki_server_cert" "server" {
  name                   = "network-server"
  dns_names              = ["localhost", "ziti.example.com"]
  ip_addresses           = ["127.0.0.1", "::1"]
  issuer_cert_pem        = ziti_pki_intermediate.network.cert_pem
  issuer_private_key_pem = ziti_pki_intermediate.network.private_key_pem
  issuer_ca_bundle_pem   = ziti_pki_intermediate.network.ca_bundle_pem
}

resource "ziti_pki_client_cert" "client" {
  name                   = "network-client"
  key_algorithm          = "RSA-2048"
  uris                   = ["spiffe://example.org/client"]
  email_addresses        = ["ops@example.org"]
  issuer_cert_pem        = ziti_pki_intermediate.network.cert_pem
  issuer_private_key_pem = ziti_pki_intermediate.network.private_key_pem
  issuer_ca_bundle_pem   = ziti_pki_intermediate.network.ca_bundle_pem
}

# One key for the server and the client certificate, as ziti pki --key-name does.
resource "ziti_pki_client_cert" "shared" {
  name                   = "network-components-client"
  private_key_pem        = ziti_pki_server_cert.server.private_key_pem
  issuer_cert_pem        = ziti_pki_intermediate.network.cert_pem
  issuer_private_key_pem = ziti_pki_intermediate.network.private_key_pem
  issuer_ca_bundle_pem   = ziti_pki_intermediate.network.ca_bundle_pem
}
`

func TestAccPKITree(t *testing.T) {
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: pkiProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: pkiTreeConfig,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectSensitiveValue("ziti_pki_ca.root", tfjsonpath.New("private_key_pem")),
						plancheck.ExpectSensitiveValue("ziti_pki_server_cert.server", tfjsonpath.New("private_key_pem")),
						plancheck.ExpectSensitiveValue("ziti_pki_intermediate.external", tfjsonpath.New("issuer_private_key_pem")),
						plancheck.ExpectKnownValue("ziti_pki_ca.root", tfjsonpath.New("key_algorithm"), knownvalue.StringExact("EC-P256")),
						plancheck.ExpectKnownValue("ziti_pki_ca.root", tfjsonpath.New("validity_period_hours"), knownvalue.Int64Exact(87600)),
						plancheck.ExpectKnownValue("ziti_pki_server_cert.server", tfjsonpath.New("validity_period_hours"), knownvalue.Int64Exact(8760)),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("ziti_pki_ca.root", tfjsonpath.New("ready_for_renewal"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue("ziti_pki_ca.root", tfjsonpath.New("authority_key_id"), knownvalue.StringExact("")),
					statecheck.ExpectKnownValue("ziti_pki_client_cert.client", tfjsonpath.New("key_algorithm"), knownvalue.StringExact("RSA-2048")),
					// Each child names its issuer's key as authority.
					statecheck.CompareValuePairs("ziti_pki_ca.root", tfjsonpath.New("subject_key_id"),
						"ziti_pki_intermediate.external", tfjsonpath.New("authority_key_id"), compare.ValuesSame()),
					statecheck.CompareValuePairs("ziti_pki_intermediate.external", tfjsonpath.New("subject_key_id"),
						"ziti_pki_intermediate.network", tfjsonpath.New("authority_key_id"), compare.ValuesSame()),
					statecheck.CompareValuePairs("ziti_pki_intermediate.network", tfjsonpath.New("subject_key_id"),
						"ziti_pki_server_cert.server", tfjsonpath.New("authority_key_id"), compare.ValuesSame()),
					statecheck.CompareValuePairs("ziti_pki_server_cert.server", tfjsonpath.New("private_key_pem"),
						"ziti_pki_client_cert.shared", tfjsonpath.New("private_key_pem"), compare.ValuesSame()),
					// A leaf's bundle is its issuer's.
					statecheck.CompareValuePairs("ziti_pki_intermediate.network", tfjsonpath.New("ca_bundle_pem"),
						"ziti_pki_server_cert.server", tfjsonpath.New("ca_bundle_pem"), compare.ValuesSame()),
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkTree,
					resource.TestCheckResourceAttrSet("ziti_pki_server_cert.server", "fingerprint_sha1"),
					resource.TestMatchResourceAttr("ziti_pki_server_cert.server", "fingerprint_sha256", regexp.MustCompile(`^[0-9a-f]{64}$`)),
					resource.TestMatchResourceAttr("ziti_pki_server_cert.server", "private_key_pem", regexp.MustCompile(`^-----BEGIN EC PRIVATE KEY-----`)),
					resource.TestMatchResourceAttr("ziti_pki_client_cert.client", "private_key_pem", regexp.MustCompile(`^-----BEGIN RSA PRIVATE KEY-----`)),
				),
			},
			{
				// The same configuration again: no perpetual diff.
				Config: pkiTreeConfig,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// early_renewal_hours changes in place, without a new certificate.
				Config: strings.Replace(pkiTreeConfig, `name = "my-root-ca"`, "name = \"my-root-ca\"\n  early_renewal_hours = 24", 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("ziti_pki_ca.root", plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue("ziti_pki_ca.root", tfjsonpath.New("cert_pem"), knownvalue.NotNull()),
						plancheck.ExpectResourceAction("ziti_pki_intermediate.external", plancheck.ResourceActionNoop),
					},
				},
			},
			{
				// A changed input replaces the certificate and everything it signed.
				Config: strings.Replace(pkiTreeConfig, `"ziti.example.com"]`, `"ziti.example.com", "ctrl.example.com"]`, 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("ziti_pki_server_cert.server", plancheck.ResourceActionReplace),
						plancheck.ExpectResourceAction("ziti_pki_client_cert.client", plancheck.ResourceActionNoop),
					},
				},
				Check: resource.TestCheckResourceAttr("ziti_pki_server_cert.server", "dns_names.#", "3"),
			},
		},
	})
}

// checkTree verifies the chains from state with crypto/x509, as a TLS client
// would: the server chain_pem against the root, for serverAuth and its SANs.
func checkTree(s *terraform.State) error {
	attr := func(res, name string) string { return s.RootModule().Resources[res].Primary.Attributes[name] }
	certs := func(res, name string) ([]*x509.Certificate, error) { return pki.ParseCertsPEM([]byte(attr(res, name))) }

	bundle, err := certs("ziti_pki_server_cert.server", "ca_bundle_pem")
	if err != nil {
		return err
	}
	if len(bundle) != 3 || bundle[0].Subject.CommonName != "my-network-ica" || bundle[2].Subject.CommonName != "my-root-ca" {
		return fmt.Errorf("server ca_bundle_pem should be network ICA, external ICA, root; got %d certs", len(bundle))
	}
	chain, err := certs("ziti_pki_server_cert.server", "chain_pem")
	if err != nil {
		return err
	}
	if len(chain) != 3 || chain[1].Subject.CommonName != "my-network-ica" || chain[2].Subject.CommonName != "my-external-ica" {
		return fmt.Errorf("server chain_pem should be leaf, network ICA, external ICA (no root); got %d certs", len(chain))
	}
	roots, inter := x509.NewCertPool(), x509.NewCertPool()
	roots.AddCert(bundle[2])
	for _, c := range chain[1:] {
		inter.AddCert(c)
	}
	for _, host := range []string{"localhost", "ziti.example.com", "127.0.0.1", "::1"} {
		if _, err := chain[0].Verify(x509.VerifyOptions{DNSName: host, Roots: roots, Intermediates: inter, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}); err != nil {
			return fmt.Errorf("server cert for %s: %w", host, err)
		}
	}
	if _, err := chain[0].Verify(x509.VerifyOptions{DNSName: "other.example.com", Roots: roots, Intermediates: inter}); err == nil {
		return fmt.Errorf("server cert verified for a name it does not hold")
	}
	client, err := certs("ziti_pki_client_cert.client", "cert_pem")
	if err != nil {
		return err
	}
	if _, err := client[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		return fmt.Errorf("client cert: %w", err)
	}
	if _, err := client[0].Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}); err == nil {
		return fmt.Errorf("client cert must not be valid for serverAuth")
	}
	if u := client[0].URIs; len(u) != 1 || u[0].String() != "spiffe://example.org/client" || client[0].EmailAddresses[0] != "ops@example.org" {
		return fmt.Errorf("client SANs wrong: %v %v", u, client[0].EmailAddresses)
	}
	network, err := certs("ziti_pki_intermediate.network", "cert_pem")
	if err != nil {
		return err
	}
	if !network[0].MaxPathLenZero || network[0].MaxPathLen != 0 {
		return fmt.Errorf("network ICA should have pathlen 0")
	}
	root, _ := certs("ziti_pki_ca.root", "cert_pem")
	if o := root[0].Subject.Organization; len(o) != 1 || o[0] != "Example Org" || root[0].Subject.Country[0] != "DE" {
		return fmt.Errorf("root subject wrong: %s", root[0].Subject)
	}
	key, err := pki.ParsePrivateKeyPEM([]byte(attr("ziti_pki_server_cert.server", "private_key_pem")))
	if err != nil || !pki.SameKey(key, chain[0].PublicKey) {
		return fmt.Errorf("server private_key_pem does not match its certificate")
	}
	shared, err := certs("ziti_pki_client_cert.shared", "cert_pem")
	if err != nil || !pki.SameKey(key, shared[0].PublicKey) {
		return fmt.Errorf("the shared-key client certificate is not for the server's key")
	}
	if want := pki.FingerprintSHA1(chain[0]); attr("ziti_pki_server_cert.server", "fingerprint_sha1") != want {
		return fmt.Errorf("fingerprint_sha1 is not the SHA-1 of the DER")
	}
	start, _ := time.Parse(time.RFC3339, attr("ziti_pki_server_cert.server", "validity_start_time"))
	if !start.Equal(chain[0].NotBefore) {
		return fmt.Errorf("validity_start_time %s != NotBefore %s", start, chain[0].NotBefore)
	}
	return nil
}

// TestAccPKIRenewal moves the package clock instead of sleeping: once the
// certificate is within early_renewal_hours of its end the plan replaces it.
func TestAccPKIRenewal(t *testing.T) {
	start := time.Now()
	t.Cleanup(func() { pkiNow = time.Now })
	config := `
provider "ziti" {}
resource "ziti_pki_ca" "root" {
  name                  = "renew-root"
  validity_period_hours = 3
  early_renewal_hours   = 1
}
resource "ziti_pki_client_cert" "c" {
  name                   = "renew-client"
  issuer_cert_pem        = ziti_pki_ca.root.cert_pem
  issuer_private_key_pem = ziti_pki_ca.root.private_key_pem
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: pkiProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() { pkiNow = func() time.Time { return start } },
				Config:    config,
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr("ziti_pki_ca.root", "ready_for_renewal", "false"),
					// A leaf never outlives its issuer.
					resource.TestCheckResourceAttrPair("ziti_pki_client_cert.c", "validity_end_time", "ziti_pki_ca.root", "validity_end_time"),
				),
			},
			{
				// 1h59m later: not yet inside the renewal window.
				PreConfig: func() { pkiNow = func() time.Time { return start.Add(119 * time.Minute) } },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				PreConfig: func() { pkiNow = func() time.Time { return start.Add(2*time.Hour + time.Minute) } },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("ziti_pki_ca.root", plancheck.ResourceActionReplace),
						plancheck.ExpectResourceAction("ziti_pki_client_cert.c", plancheck.ResourceActionReplace),
					},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("ziti_pki_ca.root", tfjsonpath.New("ready_for_renewal"), knownvalue.Bool(false)),
				},
				Check: func(s *terraform.State) error {
					end, err := time.Parse(time.RFC3339, s.RootModule().Resources["ziti_pki_ca.root"].Primary.Attributes["validity_end_time"])
					if err != nil {
						return err
					}
					if want := start.Add(5*time.Hour + time.Minute).UTC().Truncate(time.Second); !end.Equal(want) {
						return fmt.Errorf("renewed CA ends %s, want %s", end, want)
					}
					return nil
				},
			},
		},
	})
}

// TestAccPKICSR signs a request whose key the provider never sees.
func TestAccPKICSR(t *testing.T) {
	key, err := pki.GenerateKey(pki.ECP384)
	if err != nil {
		t.Fatal(err)
	}
	csrDER, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "ignored"}}, key)
	if err != nil {
		t.Fatal(err)
	}
	csrPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: csrDER})
	config := fmt.Sprintf(`
provider "ziti" {}
resource "ziti_pki_ca" "root" {
  name = "csr-root"
}
resource "ziti_pki_server_cert" "hsm" {
  name                   = "hsm-server"
  csr_pem                = <<EOT
%sEOT
  dns_names              = ["hsm.example.com"]
  issuer_cert_pem        = ziti_pki_ca.root.cert_pem
  issuer_private_key_pem = ziti_pki_ca.root.private_key_pem
}
`, csrPEM)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: pkiProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectKnownValue("ziti_pki_server_cert.hsm", tfjsonpath.New("key_algorithm"), knownvalue.StringExact("EC-P384")),
					},
				},
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckNoResourceAttr("ziti_pki_server_cert.hsm", "private_key_pem"),
					func(s *terraform.State) error {
						c, err := pki.ParseCertPEM([]byte(s.RootModule().Resources["ziti_pki_server_cert.hsm"].Primary.Attributes["cert_pem"]))
						if err != nil {
							return err
						}
						if !pki.SameKey(key, c.PublicKey) {
							return fmt.Errorf("certificate is not for the CSR's key")
						}
						if c.Subject.CommonName != "hsm-server" {
							return fmt.Errorf("CN %q: the subject must come from name, not the CSR", c.Subject.CommonName)
						}
						return nil
					},
				),
			},
			{Config: config, ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}},
		},
	})
}

// TestAccPKIValidation: each mistake fails at plan time, naming the
// attribute and the fix, before anything is created.
func TestAccPKIValidation(t *testing.T) {
	// Real material for the checks: a CA, a leaf (not a CA), a foreign key,
	// a CSR with a broken signature and one with a weak RSA key.
	caKey, _ := pki.GenerateKey(pki.ECP256)
	ca, err := pki.Issue(pki.Request{Kind: pki.KindRootCA, Subject: pkix.Name{CommonName: "v-root"}, Validity: time.Hour, MaxPathLen: -1}, caKey.Public(), caKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	caKeyPEM, _ := pki.EncodePrivateKeyPEM(caKey)
	caPEM := pki.EncodeCertsPEM(ca.Cert)
	leafKey, _ := pki.GenerateKey(pki.ECP256)
	leaf, err := pki.Issue(pki.Request{Kind: pki.KindClient, Subject: pkix.Name{CommonName: "v-leaf"}, Validity: time.Hour}, leafKey.Public(), nil,
		&pki.Issuer{Cert: ca.Cert, Key: caKey})
	if err != nil {
		t.Fatal(err)
	}
	leafPEM, leafKeyPEM := pki.EncodeCertsPEM(leaf.Cert), pkiMust(pki.EncodePrivateKeyPEM(leafKey))
	otherKey, _ := pki.GenerateKey(pki.ECP256)
	otherKeyPEM := pkiMust(pki.EncodePrivateKeyPEM(otherKey))

	goodCSR, _ := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "x"}}, leafKey)
	bad := append([]byte(nil), goodCSR...)
	bad[len(bad)-3] ^= 0xff // inside the signature
	badSigCSR := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: bad})
	weak, err := rsa.GenerateKey(rand.Reader, 1024) //nolint:gosec // the point of the test
	if err != nil {
		t.Fatal(err)
	}
	weakDER, _ := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{Subject: pkix.Name{CommonName: "x"}}, weak)
	weakCSR := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: weakDER})

	heredoc := func(b []byte) string { return "<<EOT\n" + string(b) + "EOT\n" }
	server := func(extra, issuerCert, issuerKey string) string {
		return fmt.Sprintf(`
provider "ziti" {}
resource "ziti_pki_server_cert" "s" {
  name                   = "s"
  issuer_cert_pem        = %s
  issuer_private_key_pem = %s
  %s
}
`, issuerCert, issuerKey, extra)
	}
	okIssuer := []string{heredoc(caPEM), heredoc(caKeyPEM)}
	cases := []struct {
		name, config string
		want         string
	}{
		{"bad PEM", server(`dns_names = ["a.example"]`, `"not a certificate"`, okIssuer[1]),
			`(?s)issuer_cert_pem.*no PEM certificate found`},
		{"issuer not a CA", server(`dns_names = ["a.example"]`, heredoc(leafPEM), heredoc(leafKeyPEM)),
			`(?s)issuer_cert_pem.*is not a CA.*ziti_pki_intermediate`},
		{"key mismatch", server(`dns_names = ["a.example"]`, okIssuer[0], heredoc(otherKeyPEM)),
			`(?s)issuer_private_key_pem.*does not belong to the issuer certificate`},
		{"empty SANs", server(``, okIssuer[0], okIssuer[1]),
			`(?s)Server certificate without SANs.*at least one entry in dns_names or ip_addresses`},
		{"bad IP", server(`ip_addresses = ["10.0.0.300"]`, okIssuer[0], okIssuer[1]),
			`(?s)ip_addresses.*"10.0.0.300" is not an IP address`},
		{"IP in dns_names", server(`dns_names = ["127.0.0.1"]`, okIssuer[0], okIssuer[1]),
			`(?s)dns_names.*move it to ip_addresses`},
		{"CSR bad signature", server(`dns_names = ["a.example"]`+"\n  csr_pem = "+heredoc(badSigCSR), okIssuer[0], okIssuer[1]),
			`(?s)csr_pem.*signature does not verify`},
		{"CSR weak RSA", server(`dns_names = ["a.example"]`+"\n  csr_pem = "+heredoc(weakCSR), okIssuer[0], okIssuer[1]),
			`(?s)csr_pem.*RSA key of 1024 bits is too weak`},
		{"RSA-1024 algorithm", server(`dns_names = ["a.example"]`+"\n  key_algorithm = \"RSA-1024\"", okIssuer[0], okIssuer[1]),
			`(?s)key_algorithm.*"EC-P256".*"RSA-4096"`},
		{"CSR and key", server(`dns_names = ["a.example"]`+"\n  csr_pem = "+heredoc(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: goodCSR}))+
			"\n  private_key_pem = "+heredoc(leafKeyPEM), okIssuer[0], okIssuer[1]),
			`(?s)Both csr_pem and private_key_pem given`},
		{"bad name", `
provider "ziti" {}
resource "ziti_pki_ca" "r" { name = "../etc" }
`, `(?s)name.*used as a file name`},
		{"bundle of another CA", `
provider "ziti" {}
resource "ziti_pki_client_cert" "c" {
  name                   = "c"
  issuer_cert_pem        = ` + okIssuer[0] + `
  issuer_private_key_pem = ` + okIssuer[1] + `
  issuer_ca_bundle_pem   = ` + heredoc(leafPEM) + `
}
`, `(?s)does not start with the issuer.*issuer_ca_bundle_pem`},
	}
	steps := make([]resource.TestStep, 0, len(cases))
	for _, c := range cases {
		steps = append(steps, resource.TestStep{Config: c.config, PlanOnly: true, ExpectError: regexp.MustCompile(c.want)})
	}
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: pkiProviderFactories, Steps: steps})
}

func pkiMust[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestAccPKINoSecretsInLogs runs the tree and a directory with trace logging
// of both Terraform and the provider into one file, then looks for any
// line of any private key in it.
func TestAccPKINoSecretsInLogs(t *testing.T) {
	logFile := t.TempDir() + "/trace.log"
	t.Setenv("TF_ACC_LOG_PATH", logFile)
	config := pkiTreeConfig + fmt.Sprintf(`
resource "ziti_pki_directory" "d" {
  pki_root = %q
  leaf {
    ca              = "my-network-ica"
    name            = ziti_pki_server_cert.server.name
    cert_pem        = ziti_pki_server_cert.server.cert_pem
    private_key_pem = ziti_pki_server_cert.server.private_key_pem
  }
}
`, t.TempDir())
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: pkiProviderFactories,
		Steps: []resource.TestStep{
			{Config: config},
			{
				Config: config,
				Check: func(s *terraform.State) error {
					log, err := os.ReadFile(logFile)
					if err != nil {
						return err
					}
					// Both sides must be in the log, or the test proves nothing:
					// Terraform's trace and the provider's own (framework) logging.
					for _, want := range []string{"ziti_pki_server_cert", "tf_rpc=ApplyResourceChange"} {
						if !strings.Contains(string(log), want) {
							return fmt.Errorf("the trace log lacks %q: logging is not captured", want)
						}
					}
					checked := 0
					for _, res := range s.RootModule().Resources {
						key := res.Primary.Attributes["private_key_pem"]
						if key == "" {
							continue
						}
						for _, line := range strings.Split(key, "\n") {
							if len(line) < 32 || strings.HasPrefix(line, "-----") {
								continue
							}
							checked++
							if strings.Contains(string(log), line) {
								return fmt.Errorf("a line of the private key of %s appears in the trace log", res.Primary.ID)
							}
						}
					}
					if checked == 0 {
						return fmt.Errorf("no private key lines were checked")
					}
					return nil
				},
			},
		},
	})
}
