package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	fwresource "github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// pkiWriteOnlyConfig is a root -> intermediate -> client tree whose three
// keys live in key files under dir (made by the ephemeral
// ziti_pki_private_key) and reach the resources write-only. leafKey names
// the leaf's key file; version is the leaf's private_key_pem_wo_version.
func pkiWriteOnlyConfig(dir, leafKey string, version int) string {
	return fmt.Sprintf(`
provider "ziti" {}

ephemeral "ziti_pki_private_key" "root" {
  path = "%[1]s/root.key"
}
ephemeral "ziti_pki_private_key" "ica" {
  path          = "%[1]s/ica.key"
  key_algorithm = "EC-P384"
}
ephemeral "ziti_pki_private_key" "leaf" {
  path          = "%[1]s/%[2]s"
  key_algorithm = "RSA-2048"
}

resource "ziti_pki_ca" "root" {
  name                       = "wo-root"
  private_key_pem_wo         = ephemeral.ziti_pki_private_key.root.private_key_pem
  private_key_pem_wo_version = 1
}

resource "ziti_pki_intermediate" "ica" {
  name                              = "wo-ica"
  private_key_pem_wo                = ephemeral.ziti_pki_private_key.ica.private_key_pem
  issuer_cert_pem                   = ziti_pki_ca.root.cert_pem
  issuer_private_key_pem_wo         = ephemeral.ziti_pki_private_key.root.private_key_pem_pkcs8
  issuer_private_key_pem_wo_version = 1
}

resource "ziti_pki_client_cert" "leaf" {
  name                       = "wo-leaf"
  private_key_pem_wo         = ephemeral.ziti_pki_private_key.leaf.private_key_pem
  private_key_pem_wo_version = %[3]d
  issuer_cert_pem            = ziti_pki_intermediate.ica.cert_pem
  issuer_ca_bundle_pem       = ziti_pki_intermediate.ica.ca_bundle_pem
  issuer_private_key_pem_wo  = ephemeral.ziti_pki_private_key.ica.private_key_pem
}
`, dir, leafKey, version)
}

// keyFileFingerprint is the public-key fingerprint of a key file.
func keyFileFingerprint(t *testing.T, file string) string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	k := pkiMust(pki.ParsePrivateKeyPEM(b))
	return pkiMust(pki.PublicKeyFingerprintSHA256(k.Public()))
}

// TestAccPKIWriteOnlyKeys: keys from key files reach the certificate
// resources write-only; the state keeps no private key but each
// certificate's public-key fingerprint, which equals its key file's; a
// second run reuses the files (no change); another key is refused naming
// private_key_pem_wo; a new private_key_pem_wo_version certifies it.
func TestAccPKIWriteOnlyKeys(t *testing.T) {
	dir := t.TempDir()
	fp := func(addr, file string) resource.TestCheckFunc {
		return func(s *terraformState) error {
			want := keyFileFingerprint(t, filepath.Join(dir, file))
			return resource.TestCheckResourceAttr(addr, "public_key_fingerprint_sha256", want)(s)
		}
	}
	var leafID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: pkiProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: pkiWriteOnlyConfig(dir, "leaf.key", 1),
				Check: resource.ComposeAggregateTestCheckFunc(
					fp("ziti_pki_ca.root", "root.key"),
					fp("ziti_pki_intermediate.ica", "ica.key"),
					fp("ziti_pki_client_cert.leaf", "leaf.key"),
					resource.TestCheckResourceAttr("ziti_pki_intermediate.ica", "key_algorithm", "EC-P384"),
					resource.TestCheckResourceAttr("ziti_pki_client_cert.leaf", "key_algorithm", "RSA-2048"),
					resource.TestCheckNoResourceAttr("ziti_pki_ca.root", "private_key_pem"),
					resource.TestCheckNoResourceAttr("ziti_pki_ca.root", "private_key_pem_pkcs8"),
					resource.TestCheckNoResourceAttr("ziti_pki_ca.root", "private_key_pem_wo"),
					resource.TestCheckNoResourceAttr("ziti_pki_intermediate.ica", "private_key_pem"),
					resource.TestCheckNoResourceAttr("ziti_pki_intermediate.ica", "issuer_private_key_pem"),
					resource.TestCheckNoResourceAttr("ziti_pki_intermediate.ica", "issuer_private_key_pem_wo"),
					resource.TestCheckNoResourceAttr("ziti_pki_client_cert.leaf", "private_key_pem"),
					resource.TestCheckResourceAttrWith("ziti_pki_client_cert.leaf", "id", func(v string) error { leafID = v; return nil }),
					func(*terraformState) error {
						for _, f := range []string{"root.key", "ica.key", "leaf.key"} {
							st, err := os.Stat(filepath.Join(dir, f))
							if err != nil {
								return err
							}
							if st.Mode().Perm() != 0o600 {
								return fmt.Errorf("key file %s has mode %04o, want 0600", f, st.Mode().Perm())
							}
						}
						return nil
					},
				),
			},
			{
				// The same files: nothing to do.
				Config: pkiWriteOnlyConfig(dir, "leaf.key", 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// Another key for the same certificate.
				Config:      pkiWriteOnlyConfig(dir, "other.key", 1),
				ExpectError: regexp.MustCompile(`(?s)private_key_pem_wo is not the key of this certificate.*private_key_pem_wo.*private_key_pem_wo_version`),
			},
			{
				// Asked for: a new certificate for the new key.
				Config: pkiWriteOnlyConfig(dir, "other.key", 2),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("ziti_pki_client_cert.leaf", plancheck.ResourceActionReplace)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					fp("ziti_pki_client_cert.leaf", "other.key"),
					resource.TestCheckResourceAttrWith("ziti_pki_client_cert.leaf", "id", func(v string) error {
						if v == leafID {
							return fmt.Errorf("the leaf was not re-issued")
						}
						return nil
					}),
				),
			},
		},
	})
}

// TestAccPKIWriteOnlyRenewalNewKey: a renewal is a replacement, so a
// private_key_pem_wo of another key is not refused as "not the key of this
// certificate" then: the renewed certificate is issued for it (ModifyPlan
// checks the key only on an update that keeps the certificate).
func TestAccPKIWriteOnlyRenewalNewKey(t *testing.T) {
	dir := t.TempDir()
	start := time.Now()
	t.Cleanup(func() { pkiNow = time.Now })
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: pkiProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() { pkiNow = func() time.Time { return start } },
				Config:    pkiWriteOnlyConfig(dir, "leaf.key", 1),
			},
			{
				// The leaf (8760 hours) has expired; its issuers have not.
				PreConfig: func() { pkiNow = func() time.Time { return start.Add(8761 * time.Hour) } },
				Config:    pkiWriteOnlyConfig(dir, "other.key", 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("ziti_pki_client_cert.leaf", plancheck.ResourceActionReplace),
						plancheck.ExpectResourceAction("ziti_pki_intermediate.ica", plancheck.ResourceActionNoop),
					},
				},
				Check: func(s *terraformState) error {
					want := keyFileFingerprint(t, filepath.Join(dir, "other.key"))
					return resource.TestCheckResourceAttr("ziti_pki_client_cert.leaf", "public_key_fingerprint_sha256", want)(s)
				},
			},
		},
	})
}

// TestAccPKIWriteOnlyMigration: a CA whose key Terraform generated (and
// keeps in state) moves to the secret-free form without being re-issued:
// its key is written to a file, the configuration passes it write-only,
// and the apply drops the key from state in place. A key of another CA
// given as issuer_private_key_pem_wo is refused naming that argument.
func TestAccPKIWriteOnlyMigration(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "ca.key")
	classic := `
provider "ziti" {}
resource "ziti_pki_ca" "ca" {
  name = "mig-ca"
}
`
	secretFree := fmt.Sprintf(`
provider "ziti" {}
ephemeral "ziti_pki_private_key" "ca" {
  path = %q
}
resource "ziti_pki_ca" "ca" {
  name               = "mig-ca"
  private_key_pem_wo = ephemeral.ziti_pki_private_key.ca.private_key_pem
}
`, keyFile)
	var caID string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: pkiProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: classic,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrWith("ziti_pki_ca.ca", "private_key_pem", func(v string) error {
						return os.WriteFile(keyFile, []byte(v), 0o600)
					}),
					resource.TestCheckResourceAttrWith("ziti_pki_ca.ca", "id", func(v string) error { caID = v; return nil }),
				),
			},
			{
				Config: secretFree,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("ziti_pki_ca.ca", plancheck.ResourceActionUpdate)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckNoResourceAttr("ziti_pki_ca.ca", "private_key_pem"),
					resource.TestCheckNoResourceAttr("ziti_pki_ca.ca", "private_key_pem_pkcs8"),
					resource.TestCheckResourceAttrWith("ziti_pki_ca.ca", "id", func(v string) error {
						if v != caID {
							return fmt.Errorf("the CA was re-issued (serial %s, was %s)", v, caID)
						}
						return nil
					}),
					func(s *terraformState) error {
						return resource.TestCheckResourceAttr("ziti_pki_ca.ca", "public_key_fingerprint_sha256", keyFileFingerprint(t, keyFile))(s)
					},
				),
			},
			{
				Config: secretFree + fmt.Sprintf(`
ephemeral "ziti_pki_private_key" "stranger" {
  path = "%s/stranger.key"
}
resource "ziti_pki_server_cert" "s" {
  name                      = "mig-server"
  dns_names                 = ["localhost"]
  issuer_cert_pem           = ziti_pki_ca.ca.cert_pem
  issuer_private_key_pem_wo = ephemeral.ziti_pki_private_key.stranger.private_key_pem
}
`, dir),
				ExpectError: regexp.MustCompile(`(?s)Issuer private key does not match the issuer certificate.*issuer_private_key_pem_wo`),
			},
			{
				Config: secretFree + `
resource "ziti_pki_server_cert" "s" {
  name            = "mig-server"
  dns_names       = ["localhost"]
  issuer_cert_pem = ziti_pki_ca.ca.cert_pem
}
`,
				ExpectError: regexp.MustCompile(`(?s)Missing issuer private key.*issuer_private_key_pem_wo`),
			},
			{
				// After the move, runs change nothing.
				Config: secretFree,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// TestPKIReadFillsPublicKeyFingerprint: state written before
// public_key_fingerprint_sha256 existed (the attribute null) gets it from
// cert_pem on the next refresh, and the key's own fingerprint it is.
func TestPKIReadFillsPublicKeyFingerprint(t *testing.T) {
	ctx := t.Context()
	r := &certResource{kind: pki.KindRootCA}
	var sresp fwresource.SchemaResponse
	r.Schema(ctx, fwresource.SchemaRequest{}, &sresp)
	d := certData{}
	d.Name, d.KeyAlgorithm = types.StringValue("old-ca"), types.StringValue("EC-P256")
	d.ValidityPeriodHours, d.EarlyRenewalHours = types.Int64Value(24), types.Int64Value(0)
	var diags diag.Diagnostics
	r.issue(ctx, &d, &diags)
	if diags.HasError() {
		t.Fatal(diags)
	}
	key := pkiMust(pki.ParsePrivateKeyPEM([]byte(d.PrivateKeyPEM.ValueString())))
	want := pkiMust(pki.PublicKeyFingerprintSHA256(key.Public()))
	d.PublicKeyFingerprintSHA256 = types.StringNull() // as an older provider wrote it
	forgetWriteOnly(&d)
	st := tfsdk.State{Schema: sresp.Schema, Raw: tftypes.NewValue(sresp.Schema.Type().TerraformType(ctx), nil)}
	if diags := r.set(ctx, &st, d); diags.HasError() {
		t.Fatal(diags)
	}
	resp := fwresource.ReadResponse{State: st}
	r.Read(ctx, fwresource.ReadRequest{State: st}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	var got types.String
	resp.State.GetAttribute(ctx, path.Root("public_key_fingerprint_sha256"), &got)
	if got.ValueString() != want {
		t.Fatalf("public_key_fingerprint_sha256 after refresh = %q, want %q", got.ValueString(), want)
	}
	var keyPEM types.String
	resp.State.GetAttribute(ctx, path.Root("private_key_pem"), &keyPEM)
	if keyPEM.ValueString() != d.PrivateKeyPEM.ValueString() {
		t.Fatal("the refresh changed private_key_pem")
	}
}

// TestAccPKIWriteOnlyValidation: the mistakes with write-only keys fail
// while planning, naming the argument and the fix, without the key.
func TestAccPKIWriteOnlyValidation(t *testing.T) {
	dir := t.TempDir()
	ecKey := filepath.Join(dir, "ec.key")
	if _, _, err := pki.LoadOrCreateKeyFile(ecKey, pki.ECP256); err != nil {
		t.Fatal(err)
	}
	root := `
provider "ziti" {}
resource "ziti_pki_ca" "root" {
  name = "val-root"
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: pkiProviderFactories,
		Steps: []resource.TestStep{
			{
				PlanOnly: true,
				Config: root + `
resource "ziti_pki_client_cert" "c" {
  name                      = "val-c"
  issuer_cert_pem           = ziti_pki_ca.root.cert_pem
  issuer_private_key_pem    = ziti_pki_ca.root.private_key_pem
  issuer_private_key_pem_wo = ziti_pki_ca.root.private_key_pem
}
`,
				ExpectError: regexp.MustCompile(`Both issuer_private_key_pem and issuer_private_key_pem_wo given`),
			},
			{
				PlanOnly: true,
				Config: root + `
resource "ziti_pki_client_cert" "c" {
  name                   = "val-c"
  csr_pem                = ziti_pki_ca.root.cert_pem
  private_key_pem_wo     = ziti_pki_ca.root.private_key_pem
  issuer_cert_pem        = ziti_pki_ca.root.cert_pem
  issuer_private_key_pem = ziti_pki_ca.root.private_key_pem
}
`,
				ExpectError: regexp.MustCompile(`Both private_key_pem_wo and csr_pem given`),
			},
			{
				PlanOnly: true,
				Config: `
provider "ziti" {}
resource "ziti_pki_ca" "root" {
  name               = "val-root"
  private_key_pem_wo = "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n"
}
`,
				ExpectError: regexp.MustCompile(`(?s)Invalid private key.*private_key_pem_wo`),
			},
			{
				PlanOnly: true,
				Config: fmt.Sprintf(`
provider "ziti" {}
ephemeral "ziti_pki_private_key" "k" {
  path          = %q
  key_algorithm = "RSA-2048"
}
resource "ziti_pki_ca" "root" {
  name               = "val-root"
  private_key_pem_wo = ephemeral.ziti_pki_private_key.k.private_key_pem
}
`, ecKey),
				ExpectError: regexp.MustCompile(`(?s)The key file holds another key type.*EC-P256`),
			},
		},
	})
}
