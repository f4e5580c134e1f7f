package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestAccEnrollmentLifecycleWarningsCLI reads the plan output a reviewer
// sees: adding re_enroll to an enrolled router plans no re-enrollment and
// no warning; changing it warns that the router's certificate is revoked
// and shows its fingerprint as known after apply; an expired token kept by
// on_expiry = "warn" is named on every plan; a new ottca enrollment whose
// known CA is not verified is flagged while planning.
func TestAccEnrollmentLifecycleWarningsCLI(t *testing.T) {
	s := accController(t)
	requireServerFeature(t, "cas")
	c := accClient(t)
	ctx := context.Background()
	name := uniqueName(t, "warncli")
	ca := newThirdPartyCA(t, name)
	config := func(router, extra string) string {
		return passwordProviderHCL(s.URL, s.Username, s.CAFile) + fmt.Sprintf(`
resource "ziti_edge_router" "r" {
  name = %[1]q
%[2]s
}
resource "ziti_ca" "devices" {
  name                         = %[1]q
  is_ott_ca_enrollment_enabled = true
  cert_pem                     = %[3]s
}
resource "ziti_identity" "dev" {
  name = %[1]q
}
resource "ziti_enrollment" "dev" {
  identity_id = ziti_identity.dev.id
  method      = "ott"
  on_expiry   = "warn"
}
output "router_id" {
  value = ziti_edge_router.r.id
}
output "enrollment_id" {
  value = ziti_enrollment.dev.id
}
%[4]s`, name, router, heredoc(ca.certPEM), extra)
	}
	d := newTFDriver(t, config("", ""), "ZITI_PASSWORD="+s.Password)
	write := func(cfg string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(d.dir, "main.tf"), []byte(cfg), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	flat := flatOutput
	expect := func(out string, want ...string) { t.Helper(); expectOutput(t, out, want...) }
	d.must("apply", "-auto-approve", "-input=false", "-no-color")
	defer d.run("destroy", "-auto-approve", "-input=false", "-no-color") //nolint:errcheck // best-effort cleanup

	routerID := strings.TrimSpace(d.must("output", "-raw", "router_id"))
	r, err := c.GetEdgeRouter(ctx, routerID)
	if err != nil || r.EnrollmentJWT == nil {
		t.Fatalf("router %s: %v (no enrollment JWT?)", routerID, err)
	}
	if err := enrollRouterJWT(*r.EnrollmentJWT); err != nil {
		t.Fatalf("erott enrollment: %v", err)
	}
	if r, err = c.GetEdgeRouter(ctx, routerID); err != nil || !r.IsVerified {
		t.Fatalf("router %s not enrolled: %v", routerID, err)
	}
	expireEnrollment(t, c, strings.TrimSpace(d.must("output", "-raw", "enrollment_id")))

	// First appearance of re_enroll: no re-enrollment, no warning about one;
	// the expired token kept under "warn" is named.
	write(config(`  re_enroll = { round = "1" }`, ""))
	out := d.must("plan", "-input=false", "-no-color")
	expect(out, `Warning: Expired jwt kept`,
		`The jwt of enrollment \S+ of identity \S+ expired at \S+ before it was used: nobody can enroll with it\. It stays as it is because on_expiry = "warn"`)
	if strings.Contains(flat(out), "re-enrolls") || strings.Contains(out, "(known after apply)") {
		t.Fatalf("adding re_enroll plans a re-enrollment:\n%s", tail(out, 80))
	}
	d.must("apply", "-auto-approve", "-input=false", "-no-color")
	if after, err := c.GetEdgeRouter(ctx, routerID); err != nil || !after.IsVerified || after.Fingerprint != r.Fingerprint {
		t.Fatalf("adding re_enroll re-enrolled the router (err %v)", err)
	}

	// A change of re_enroll, and a new ottca enrollment for the CA, which is
	// not verified.
	write(config(`  re_enroll = { round = "2" }`, `
resource "ziti_identity" "cam" {
  name = "`+name+`-cam"
}
resource "ziti_enrollment" "cam" {
  identity_id = ziti_identity.cam.id
  method      = "ottca"
  ca_id       = ziti_ca.devices.id
}
`))
	out = d.must("plan", "-input=false", "-no-color")
	expect(out, `~ fingerprint\s+= "\S+" -> \(known after apply\)`,
		`Warning: Edge router re-enrolls`,
		regexp.QuoteMeta(fmt.Sprintf(`re_enroll changed: this apply re-enrolls edge router %q. Its current certificate is revoked at once`, name)),
		`Warning: ottca enrollment for a CA that is not verified`,
		`Verify the CA first: give ziti_ca its ca_private_key_pem_wo, or use a ziti_ca_verification`,
		`Unless this apply verifies the CA before it creates the enrollment, the create fails`)
}

// TestAccEnrollmentReplacementWarningsCLI reads the plans of a replaced
// enrollment: a fired rotation that comes with a first duration replaces
// the token without the "duration recorded, token kept" warning (which
// belongs to the token that stays, and does show when the duration comes
// alone); a replacement by an ottca enrollment of a CA that is not verified
// warns about the CA, as a create does. Terraform shows only the errors of
// the plan it makes for the new half of a replacement, so both are the
// enrollment's own plan of the replacement.
func TestAccEnrollmentReplacementWarningsCLI(t *testing.T) {
	s := accController(t)
	requireServerFeature(t, "cas")
	name := uniqueName(t, "replwarn")
	ca := newThirdPartyCA(t, name)
	config := func(enrollment string) string {
		return passwordProviderHCL(s.URL, s.Username, s.CAFile) + fmt.Sprintf(`
resource "ziti_ca" "unverified" {
  name                         = %[1]q
  is_ott_ca_enrollment_enabled = true
  cert_pem                     = %[2]s
}
resource "ziti_identity" "dev" {
  name = %[1]q
}
resource "ziti_enrollment" "dev" {
  identity_id = ziti_identity.dev.id
%[3]s
}
`, name, heredoc(ca.certPEM), enrollment)
	}
	d := newTFDriver(t, config(`  method   = "ott"
  rotation = { round = "1" }`), "ZITI_PASSWORD="+s.Password)
	plan := func(enrollment string) string {
		t.Helper()
		if err := os.WriteFile(filepath.Join(d.dir, "main.tf"), []byte(config(enrollment)), 0o600); err != nil {
			t.Fatal(err)
		}
		return flatOutput(d.must("plan", "-input=false", "-no-color"))
	}
	d.must("apply", "-auto-approve", "-input=false", "-no-color")
	defer d.run("destroy", "-auto-approve", "-input=false", "-no-color") //nolint:errcheck // best-effort cleanup
	const replaced, kept = "ziti_enrollment.dev must be replaced", "Warning: duration recorded, token kept"

	out := plan(`  method   = "ott"
  rotation = { round = "1" }
  duration = "48h"`)
	if strings.Contains(out, replaced) || !strings.Contains(out, kept) {
		t.Fatalf("a first duration alone: want an update with %q:\n%s", kept, out)
	}
	out = plan(`  method   = "ott"
  rotation = { round = "2" }
  duration = "48h"`)
	if !strings.Contains(out, replaced) || strings.Contains(out, kept) {
		t.Fatalf("a fired rotation with a first duration: want a replacement without %q:\n%s", kept, out)
	}
	out = plan(`  method   = "ottca"
  ca_id    = ziti_ca.unverified.id
  rotation = { round = "1" }`)
	for _, want := range []string{replaced, "Warning: ottca enrollment for a CA that is not verified",
		"Unless this apply verifies the CA before it creates the enrollment, the create fails"} {
		if !strings.Contains(out, want) {
			t.Fatalf("ott replaced by an ottca enrollment of an unverified CA: the plan lacks %q:\n%s", want, out)
		}
	}
}
