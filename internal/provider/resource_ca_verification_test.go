package provider

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

// TestAccCAVerificationImportConverges: a verification imported by its CA's
// id plans no replacement. With certificate_pem_wo the plan after the import
// is empty; with certificate_pem it is one in-place update that only
// records the certificate (it planned a replacement before).
func TestAccCAVerificationImportConverges(t *testing.T) {
	cfg := accProviderConfig(t)
	requireServerFeature(t, "cas")
	c := accClient(t)
	for _, arg := range []string{"certificate_pem_wo", "certificate_pem"} {
		t.Run(arg, func(t *testing.T) {
			name := uniqueName(t, "cavimp")
			ca := newThirdPartyCA(t, name)
			verifyFile := t.TempDir() + "/verify.pem"
			var id string
			base := cfg + fmt.Sprintf(`
resource "ziti_ca" "y" {
  name     = %q
  cert_pem = %s
}
`, name, heredoc(ca.certPEM))
			imported := base + fmt.Sprintf(`
import {
  to = ziti_ca_verification.y
  id = ziti_ca.y.id
}
resource "ziti_ca_verification" "y" {
  ca_id = ziti_ca.y.id
  %s    = file(%q)
}
`, arg, verifyFile)
			want := plancheck.ResourceActionNoop
			if arg == "certificate_pem" {
				want = plancheck.ResourceActionUpdate
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				Steps: []resource.TestStep{
					{
						Config: base,
						Check:  resource.TestCheckResourceAttrWith("ziti_ca.y", "id", captureAttr(&id)),
					},
					{
						// The CA is verified outside Terraform, then the
						// verification is imported with the same certificate.
						PreConfig: func() {
							ctx := context.Background()
							d, err := c.GetCA(ctx, id)
							if err != nil {
								t.Fatal(err)
							}
							b, err := mintVerificationCert(d.VerificationToken, ca.issuer)
							if err != nil {
								t.Fatal(err)
							}
							if err := c.VerifyCA(ctx, id, b); err != nil {
								t.Fatal(err)
							}
							if err := os.WriteFile(verifyFile, b, 0o600); err != nil {
								t.Fatal(err)
							}
						},
						Config: imported,
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("ziti_ca_verification.y", want)},
							PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
						Check: resource.ComposeAggregateTestCheckFunc(
							resource.TestCheckResourceAttrPair("ziti_ca_verification.y", "ca_id", "ziti_ca.y", "id"),
							resource.TestCheckNoResourceAttr("ziti_ca_verification.y", "certificate_pem_wo"),
						),
					},
				},
			})
		})
	}
}

// TestAccCAVerificationRefusedAtPlan: a verification certificate the
// controller would refuse fails the plan, naming the argument, and nothing
// is sent: garbage, a certificate of another CA, and one whose CN is not
// the CA's verification token. The CA exists before the plan (it was
// registered in an earlier apply so that its owner could sign the token).
func TestAccCAVerificationRefusedAtPlan(t *testing.T) {
	cfg := accProviderConfig(t)
	requireServerFeature(t, "cas")
	c := accClient(t)
	ctx := context.Background()
	name := uniqueName(t, "cavbad")
	ca, other := newThirdPartyCA(t, name), newThirdPartyCA(t, name+"-other")
	id, err := c.CreateCA(ctx, &edgeapi.CACreate{Name: name, CertPEM: ca.certPEM, IdentityRoles: []string{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.DeleteCA(ctx, id) })
	d, err := c.GetCA(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	verification := func(arg, certPEM string) string {
		return cfg + fmt.Sprintf(`
resource "ziti_ca_verification" "y" {
  ca_id = %q
  %s    = %s
}
`, id, arg, heredoc(certPEM))
	}
	mint := func(cn string, from *thirdPartyCA) string {
		b, err := mintVerificationCert(cn, from.issuer)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	stillUnverified := func() {
		d, err := c.GetCA(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if d.IsVerified {
			t.Fatal("a refused verification verified the CA")
		}
	}
	var steps []resource.TestStep
	for _, b := range []struct{ arg, cert, want string }{
		{"certificate_pem", "-----BEGIN CERTIFICATE-----\ngarbage\n-----END CERTIFICATE-----\n", `certificate_pem must hold a PEM certificate`},
		{"certificate_pem_wo", "not a certificate\n", `certificate_pem_wo must hold a PEM certificate`},
		{"certificate_pem", mint(d.VerificationToken, other), `certificate_pem \(issuer\s+"CN=` + regexp.QuoteMeta(name) + `-other.*is not signed by the\s+CA`},
		{"certificate_pem_wo", mint("not-the-token", ca), `certificate_pem_wo has the common name "not-the-token"; the CA's\s+verification_token is`},
		{"certificate_pem", mint(d.VerificationToken, ca) + "\n" + mint(d.VerificationToken, ca), `certificate_pem holds 2 certificates`},
	} {
		steps = append(steps, resource.TestStep{
			PreConfig: stillUnverified, Config: verification(b.arg, b.cert), ExpectError: regexp.MustCompile(`(?s)` + b.want),
		})
	}
	// The right certificate verifies it.
	steps = append(steps, resource.TestStep{
		PreConfig: stillUnverified,
		Config:    verification("certificate_pem_wo", mint(d.VerificationToken, ca)),
		Check: func(*terraformState) error {
			d, err := c.GetCA(ctx, id)
			if err != nil {
				return err
			}
			if !d.IsVerified {
				return fmt.Errorf("CA %s is not verified", id)
			}
			return nil
		},
		ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
	})
	resource.Test(t, resource.TestCase{ProtoV6ProviderFactories: testAccProviders, Steps: steps})
}
