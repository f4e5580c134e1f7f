package provider

import (
	"crypto/x509/pkix"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// TestAccPKIRenewalIssuerEndCLI drives the CLI (terraform or OpenTofu, as
// make testacc selects) to read the plan's warnings, with a CA kept outside
// the configuration, in files, as a user would: a leaf whose issuer ends
// within the leaf's early_renewal_hours is issued with a warning, is then
// kept with a warning on every plan instead of being replaced each time
// (before, the plan was silently empty), is re-issued when the CA files are
// renewed, and an expired CA is refused while planning instead of failing
// the apply.
func TestAccPKIRenewalIssuerEndCLI(t *testing.T) {
	d := newTFDriver(t, `terraform {
  required_providers {
    ziti = { source = "zitiform/ziti" }
  }
}
provider "ziti" {}
resource "ziti_pki_client_cert" "c" {
  name                   = "cli-client"
  early_renewal_hours    = 2
  issuer_cert_pem        = file("${path.module}/ca.cert")
  issuer_private_key_pem = file("${path.module}/ca.key")
}
`)
	writeCA := func(notBefore time.Time, validity time.Duration) {
		t.Helper()
		key := pkiMust(pki.GenerateKey(pki.ECP256))
		is := pkiMust(pki.Issue(pki.Request{Kind: pki.KindRootCA, Subject: pkix.Name{CommonName: "outside-ca"},
			Validity: validity, Now: notBefore, MaxPathLen: -1}, key.Public(), key, nil))
		if err := os.WriteFile(filepath.Join(d.dir, "ca.cert"), pki.EncodeCertsPEM(is.Cert), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d.dir, "ca.key"), pkiMust(pki.EncodePrivateKeyPEM(key)), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	flat := flatOutput
	expect := func(out string, want ...string) { t.Helper(); expectOutput(t, out, want...) }

	writeCA(time.Now(), 90*time.Minute)
	expect(d.must("plan", "-input=false", "-no-color"),
		`Warning: ziti_pki_client_cert "cli-client" will be due for renewal as soon as it is issued`,
		`Its issuer "outside-ca" ends \S+, within early_renewal_hours \(2\) of now`,
		`Renew the issuer first`)
	d.must("apply", "-auto-approve", "-input=false", "-no-color")

	// No replacement (exit code 0), but a warning each time.
	for range 2 {
		expect(d.must("plan", "-detailed-exitcode", "-input=false", "-no-color"),
			`No changes`,
			`Warning: ziti_pki_client_cert "cli-client" cannot be renewed before its issuer`,
			`The certificate is within early_renewal_hours of its end \(it ends \S+\), but a certificate never outlives its issuer and its issuer "outside-ca" ends \S+ too`,
			`issuer_cert_pem, issuer_private_key_pem and issuer_ca_bundle_pem to its renewed files`)
	}

	// The CA is renewed outside: the leaf is re-issued, without warnings.
	writeCA(time.Now(), 10*time.Hour)
	out, err := d.run("plan", "-detailed-exitcode", "-input=false", "-no-color")
	if err == nil || !strings.Contains(out, "ziti_pki_client_cert.c must be replaced") || strings.Contains(flat(out), "Renew the issuer first") {
		t.Fatalf("want the leaf replaced without a renewal warning (exit code 2): %v\n%s", err, tail(out, 60))
	}

	// An expired CA: refused while planning.
	writeCA(time.Now().Add(-3*time.Hour), time.Hour)
	out, err = d.run("plan", "-input=false", "-no-color")
	if err == nil {
		t.Fatalf("plan with an expired issuer succeeded:\n%s", tail(out, 60))
	}
	expect(out, `Error: Issuer expired`, `The issuer "outside-ca" expired at \S+ and can no longer sign certificates. Renew the issuer first`)
}
