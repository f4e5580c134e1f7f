package provider

import (
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
	"github.com/zitiform/terraform-provider-ziti/internal/enroll"
	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// thirdPartyCA is an external PKI made with internal/pki.
type thirdPartyCA struct {
	certPEM, keyPEM string
	issuer          *pki.Issuer
}

func newThirdPartyCA(t *testing.T, cn string) *thirdPartyCA {
	t.Helper()
	key, err := pki.GenerateKey(pki.ECP256)
	if err != nil {
		t.Fatal(err)
	}
	is, err := pki.Issue(pki.Request{Kind: pki.KindRootCA, Subject: pkix.Name{CommonName: cn, Organization: []string{"Acme devices"}}, Validity: 24 * time.Hour, MaxPathLen: -1}, key.Public(), key, nil)
	if err != nil {
		t.Fatal(err)
	}
	kp, err := pki.EncodePrivateKeyPEM(key)
	if err != nil {
		t.Fatal(err)
	}
	return &thirdPartyCA{certPEM: string(pki.EncodeCertsPEM(is.Cert)), keyPEM: string(kp), issuer: &pki.Issuer{Cert: is.Cert, Key: key}}
}

// clientCert issues a device certificate with a SPIFFE URI SAN.
func (ca *thirdPartyCA) clientCert(t *testing.T, cn string) (*enroll.Key, []*x509.Certificate) {
	t.Helper()
	u, _ := url.Parse("spiffe://acme/" + cn)
	return ca.issueClient(t, cn, []*url.URL{u})
}

// plainClientCert issues a device certificate without SANs.
func (ca *thirdPartyCA) plainClientCert(t *testing.T, cn string) (*enroll.Key, []*x509.Certificate) {
	t.Helper()
	return ca.issueClient(t, cn, nil)
}

func (ca *thirdPartyCA) issueClient(t *testing.T, cn string, uris []*url.URL) (*enroll.Key, []*x509.Certificate) {
	t.Helper()
	key, _ := pki.GenerateKey(pki.ECP256)
	is, err := pki.Issue(pki.Request{Kind: pki.KindClient, Subject: pkix.Name{CommonName: cn}, Validity: time.Hour, URIs: uris}, key.Public(), nil, ca.issuer)
	if err != nil {
		t.Fatal(err)
	}
	k, err := enroll.FileKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return k, is.Chain
}

// enrollOTTCA enrolls a device with its third-party certificate (key,
// chain) and an ottca enrollment JWT.
func enrollOTTCA(t *testing.T, jwt string, key *enroll.Key, chain []*x509.Certificate) {
	t.Helper()
	tok, err := enroll.ParseToken(jwt)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := enroll.Enroll(ctx, enroll.Request{Token: tok, ThirdParty: key, ThirdPartyChain: chain}); err != nil {
		t.Fatalf("ottca enrollment: %v", err)
	}
}

func heredoc(s string) string { return "<<-EOT\n" + s + "EOT\n" }

func TestAccCAAutoVerifiedInOneApply(t *testing.T) {
	cfg := accProviderConfig(t)
	requireServerFeature(t, "cas")
	c := accClient(t)
	name := uniqueName(t, "ca")
	ca := newThirdPartyCA(t, name)
	fp := pki.FingerprintSHA1(ca.issuer.Cert)
	var id string
	var updatedAt time.Time
	config := func(certPEM, n, extra string) string {
		return cfg + fmt.Sprintf(`
resource "ziti_ca" "x" {
  name                          = %q
  cert_pem                      = %s
  is_ott_ca_enrollment_enabled  = true
  is_auth_enabled               = true
  identity_roles                = ["devices"]
  identity_name_format          = "[caName]-[commonName]"
  external_id_claim = {
    location         = "SAN_URI"
    matcher          = "SCHEME"
    matcher_criteria = "spiffe"
    parser           = "NONE"
    parser_criteria  = ""
    index            = 0
  }
  tags                          = { team = "acc" }
  ca_private_key_pem_wo         = %s
  ca_private_key_pem_wo_version = 1
%s
}
`, n, heredoc(certPEM), heredoc(ca.keyPEM), extra)
	}
	// The same certificate with CRLF line endings: no diff.
	crlf := strings.ReplaceAll(ca.certPEM, "\n", "\r\n")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: config(ca.certPEM, name, ""),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrWith("ziti_ca.x", "id", captureAttr(&id)),
					resource.TestCheckResourceAttr("ziti_ca.x", "is_verified", "true"),
					resource.TestCheckResourceAttr("ziti_ca.x", "fingerprint", fp),
					resource.TestCheckNoResourceAttr("ziti_ca.x", "ca_private_key_pem_wo"),
					resource.TestCheckResourceAttr("ziti_ca.x", "external_id_claim.matcher_criteria", "spiffe"),
					func(*terraformState) error {
						d, err := c.GetCA(context.Background(), id)
						if err != nil {
							return err
						}
						if !d.IsVerified || d.Name != name || !d.IsOttCaEnrollmentEnabled || d.ExternalIDClaim == nil || *d.ExternalIDClaim.Location != "SAN_URI" {
							return fmt.Errorf("controller has %+v", d)
						}
						updatedAt = d.UpdatedAt
						return nil
					},
				),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// Terraform puts the configured text into the plan, so the
				// reformatting shows once as an in-place update that sends
				// nothing; it must never be a replacement.
				Config: config(crlf, name, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("ziti_ca.x", plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrWith("ziti_ca.x", "id", func(v string) error {
						if v != id {
							return fmt.Errorf("the CA was replaced (%s -> %s)", id, v)
						}
						return nil
					}),
					resource.TestCheckResourceAttr("ziti_ca.x", "fingerprint", fp),
					func(*terraformState) error {
						d, err := c.GetCA(context.Background(), id)
						if err != nil {
							return err
						}
						if !d.UpdatedAt.Equal(updatedAt) {
							return fmt.Errorf("a formatting-only change was sent to the controller (updatedAt %s -> %s)", updatedAt, d.UpdatedAt)
						}
						return nil
					},
				),
			},
			{
				Config: config(ca.certPEM, name+"-renamed", "  is_auto_ca_enrollment_enabled = true"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("ziti_ca.x", plancheck.ResourceActionUpdate)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("ziti_ca.x", "name", name+"-renamed"),
					resource.TestCheckResourceAttr("ziti_ca.x", "is_auto_ca_enrollment_enabled", "true"),
					resource.TestCheckResourceAttr("ziti_ca.x", "is_verified", "true"),
				),
			},
			{
				ResourceName: "ziti_ca.x", ImportState: true, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"ca_private_key_pem_wo_version"},
			},
			{
				Config: config(ca.certPEM, name+"-renamed", "  is_auto_ca_enrollment_enabled = true") + `
data "ziti_ca" "by_name" {
  name = ziti_ca.x.name
}
`,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrPair("data.ziti_ca.by_name", "id", "ziti_ca.x", "id"),
					resource.TestCheckResourceAttr("data.ziti_ca.by_name", "is_verified", "true"),
					resource.TestCheckResourceAttr("data.ziti_ca.by_name", "fingerprint", fp),
				),
			},
			{
				// Drift: a change made outside Terraform shows as an update.
				PreConfig: func() {
					ctx := context.Background()
					d, err := c.GetCA(ctx, id)
					if err != nil {
						t.Fatal(err)
					}
					if err := c.UpdateCA(ctx, id, &edgeapi.CAUpdate{
						Name: d.Name, IsAutoCaEnrollmentEnabled: false, IsOttCaEnrollmentEnabled: d.IsOttCaEnrollmentEnabled,
						IsAuthEnabled: d.IsAuthEnabled, IdentityRoles: []string{"tampered"}, IdentityNameFormat: d.IdentityNameFormat,
						ExternalIDClaim: d.ExternalIDClaim, Tags: d.Tags,
					}); err != nil {
						t.Fatal(err)
					}
				},
				Config: config(ca.certPEM, name+"-renamed", "  is_auto_ca_enrollment_enabled = true"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("ziti_ca.x", plancheck.ResourceActionUpdate)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("ziti_ca.x", "identity_roles.0", "devices"),
					resource.TestCheckResourceAttr("ziti_ca.x", "is_auto_ca_enrollment_enabled", "true"),
				),
			},
			{
				// Deleted outside Terraform: planned again, and verified again.
				PreConfig: func() {
					if err := c.DeleteCA(context.Background(), id); err != nil {
						t.Fatal(err)
					}
				},
				Config: config(ca.certPEM, name+"-renamed", "  is_auto_ca_enrollment_enabled = true"),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("ziti_ca.x", plancheck.ResourceActionCreate)},
				},
				Check: resource.TestCheckResourceAttr("ziti_ca.x", "is_verified", "true"),
			},
		},
	})
}

func TestAccCAWrongKeyIsRefused(t *testing.T) {
	cfg := accProviderConfig(t)
	requireServerFeature(t, "cas")
	ca, other := newThirdPartyCA(t, "right"), newThirdPartyCA(t, "wrong")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config: cfg + fmt.Sprintf(`
resource "ziti_ca" "x" {
  name                  = %q
  cert_pem              = %s
  ca_private_key_pem_wo = %s
}
`, uniqueName(t, "ca"), heredoc(ca.certPEM), heredoc(other.keyPEM)),
			ExpectError: regexp.MustCompile(`ca_private_key_pem_wo is not the private key of the certificate in cert_pem`),
		}},
	})
}

func TestAccCAVerificationResource(t *testing.T) {
	cfg := accProviderConfig(t)
	requireServerFeature(t, "cas")
	name := uniqueName(t, "cav")
	ca := newThirdPartyCA(t, name)
	verifyFile := t.TempDir() + "/verify.pem"
	var token string
	base := cfg + fmt.Sprintf(`
resource "ziti_ca" "y" {
  name                         = %q
  cert_pem                     = %s
  is_ott_ca_enrollment_enabled = true
  is_auth_enabled              = true
}
`, name, heredoc(ca.certPEM))
	// The verification certificate is made outside Terraform (here by the
	// test, from verification_token) and read with file() at plan time.
	verified := base + fmt.Sprintf(`
resource "ziti_ca_verification" "y" {
  ca_id           = ziti_ca.y.id
  certificate_pem = file(%q)
}
resource "ziti_identity" "dev" {
  name = "%s-dev"
  type = "Device"
}
resource "ziti_enrollment" "dev" {
  identity_id = ziti_identity.dev.id
  method      = "ottca"
  ca_id       = ziti_ca_verification.y.ca_id
}
`, verifyFile, name)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: base,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("ziti_ca.y", "is_verified", "false"),
					resource.TestCheckResourceAttrWith("ziti_ca.y", "verification_token", captureAttr(&token)),
				),
			},
			{
				PreConfig: func() {
					b, err := mintVerificationCert(token, ca.issuer)
					if err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(verifyFile, b, 0o600); err != nil {
						t.Fatal(err)
					}
				},
				Config: verified,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrPair("ziti_ca_verification.y", "id", "ziti_ca.y", "id"),
					resource.TestCheckResourceAttr("ziti_enrollment.dev", "method", "ottca"),
					resource.TestCheckResourceAttrPair("ziti_enrollment.dev", "ca_id", "ziti_ca.y", "id"),
					resource.TestCheckResourceAttrSet("ziti_enrollment.dev", "jwt"),
				),
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// The refresh after the verification shows it on the CA.
				Config: verified,
				Check:  resource.TestCheckResourceAttr("ziti_ca.y", "is_verified", "true"),
			},
			{
				ResourceName: "ziti_ca_verification.y", ImportState: true, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"certificate_pem"},
			},
		},
	})
}

func TestAccOttcaEnrollmentConsumed(t *testing.T) {
	cfg := accProviderConfig(t)
	requireServerFeature(t, "cas")
	requireEnrollMethod(t, "ottca")
	name := uniqueName(t, "ottca")
	ca := newThirdPartyCA(t, name)
	var jwt string
	config := cfg + fmt.Sprintf(`
resource "ziti_ca" "x" {
  name                         = %[1]q
  cert_pem                     = %[2]s
  is_ott_ca_enrollment_enabled = true
  is_auth_enabled              = true
  ca_private_key_pem_wo        = %[3]s
}
resource "ziti_identity" "dev" {
  name = "%[1]s-dev"
  type = "Device"
}
resource "ziti_enrollment" "dev" {
  identity_id = ziti_identity.dev.id
  method      = "ottca"
  ca_id       = ziti_ca.x.id
}
`, name, heredoc(ca.certPEM), heredoc(ca.keyPEM))
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("ziti_ca.x", "is_verified", "true"),
					resource.TestCheckResourceAttrWith("ziti_enrollment.dev", "jwt", captureAttr(&jwt)),
				),
			},
			{
				// The device enrolls with its third-party certificate.
				PreConfig: func() {
					key, chain := ca.clientCert(t, name+"-dev")
					enrollOTTCA(t, jwt, key, chain)
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("ziti_enrollment.dev", "consumed", "true"),
					resource.TestCheckResourceAttr("ziti_identity.dev", "is_enrolled", "true"),
				),
			},
		},
	})
}
