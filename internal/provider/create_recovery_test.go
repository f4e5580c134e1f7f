package provider

import (
	"strings"
	"testing"
	"time"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

// TestEdgeRouterDiffers checks that an edge router found by name after a
// lost answer is compared with exactly what the create body sent.
func TestEdgeRouterDiffers(t *testing.T) {
	roles := []string{"a", "b"}
	in := &edgeapi.EdgeRouterCreate{Name: "r", RoleAttributes: &roles, IsTunnelerEnabled: true, Cost: ptr(int64(7)),
		NoTraversal: ptr(true), Disabled: ptr(false), AppData: edgeapi.Tags{"k": "v"}, Tags: edgeapi.Tags{"team": "x"}}
	same := func() *edgeapi.EdgeRouterDetail {
		return &edgeapi.EdgeRouterDetail{Name: "r", RoleAttributes: []string{"b", "a"}, IsTunnelerEnabled: true, Cost: ptr(int64(7)),
			NoTraversal: ptr(true), AppData: edgeapi.Tags{"k": "v"}, BaseEntity: edgeapi.BaseEntity{Tags: edgeapi.Tags{"team": "x"}}}
	}
	for _, tc := range []struct {
		want   string
		change func(*edgeapi.EdgeRouterDetail)
	}{
		{"", func(*edgeapi.EdgeRouterDetail) {}},
		{"is_tunneler_enabled", func(d *edgeapi.EdgeRouterDetail) { d.IsTunnelerEnabled = false }},
		{"role_attributes", func(d *edgeapi.EdgeRouterDetail) { d.RoleAttributes = []string{"a"} }},
		{"cost", func(d *edgeapi.EdgeRouterDetail) { d.Cost = nil }},
		{"no_traversal", func(d *edgeapi.EdgeRouterDetail) { d.NoTraversal = ptr(false) }},
		{"disabled", func(d *edgeapi.EdgeRouterDetail) { d.Disabled = true }},
		{"app_data", func(d *edgeapi.EdgeRouterDetail) { d.AppData = nil }},
		{"tags", func(d *edgeapi.EdgeRouterDetail) { d.Tags = edgeapi.Tags{"team": true} }},
	} {
		d := same()
		tc.change(d)
		if got := edgeRouterDiffers(in, d); got != tc.want {
			t.Errorf("differs = %q, want %q", got, tc.want)
		}
	}
	// What the body leaves out matches the controller's defaults.
	bare := &edgeapi.EdgeRouterCreate{Name: "r", RoleAttributes: &[]string{}}
	if got := edgeRouterDiffers(bare, &edgeapi.EdgeRouterDetail{Name: "r", Cost: ptr(int64(0)), NoTraversal: ptr(false)}); got != "" {
		t.Errorf("a bare create differs from the defaults in %q", got)
	}
}

// TestCADiffers checks the CA comparison, the certificate by its DER.
func TestCADiffers(t *testing.T) {
	ca, other := newThirdPartyCA(t, "ca"), newThirdPartyCA(t, "other")
	claim := func() *edgeapi.ExternalIDClaim {
		return &edgeapi.ExternalIDClaim{Location: ptr("SAN_URI"), Matcher: ptr("SCHEME"), MatcherCriteria: ptr("spiffe"), Index: ptr(int64(0))}
	}
	in := &edgeapi.CACreate{Name: "c", CertPEM: ca.certPEM, IsAuthEnabled: true, IsOttCaEnrollmentEnabled: true,
		IdentityRoles: []string{"devices", "x"}, ExternalIDClaim: claim(), Tags: edgeapi.Tags{"team": "x"}}
	same := func() *edgeapi.CADetail {
		// The controller's copy of the PEM, reformatted: CRLF, indented.
		crlf := "  " + strings.ReplaceAll(ca.certPEM, "\n", "\r\n")
		return &edgeapi.CADetail{Name: "c", CertPEM: crlf, IsAuthEnabled: true, IsOttCaEnrollmentEnabled: true,
			IdentityRoles: []string{"x", "devices"}, IdentityNameFormat: "[caName]-[commonName]", ExternalIDClaim: claim(),
			BaseEntity: edgeapi.BaseEntity{Tags: edgeapi.Tags{"team": "x"}, CreatedAt: time.Now()}}
	}
	for _, tc := range []struct {
		want   string
		change func(*edgeapi.CADetail)
	}{
		{"", func(*edgeapi.CADetail) {}},
		{"", func(d *edgeapi.CADetail) { d.IsVerified, d.VerificationToken = true, "" }},
		{"cert_pem", func(d *edgeapi.CADetail) { d.CertPEM = other.certPEM }},
		{"cert_pem", func(d *edgeapi.CADetail) { d.CertPEM = ca.certPEM + other.certPEM }},
		{"cert_pem", func(d *edgeapi.CADetail) { d.CertPEM = "garbage" }},
		{"is_auto_ca_enrollment_enabled", func(d *edgeapi.CADetail) { d.IsAutoCaEnrollmentEnabled = true }},
		{"is_ott_ca_enrollment_enabled", func(d *edgeapi.CADetail) { d.IsOttCaEnrollmentEnabled = false }},
		{"is_auth_enabled", func(d *edgeapi.CADetail) { d.IsAuthEnabled = false }},
		{"identity_roles", func(d *edgeapi.CADetail) { d.IdentityRoles = nil }},
		{"external_id_claim", func(d *edgeapi.CADetail) { d.ExternalIDClaim = nil }},
		{"external_id_claim", func(d *edgeapi.CADetail) { d.ExternalIDClaim.Index = ptr(int64(1)) }},
		{"external_id_claim", func(d *edgeapi.CADetail) { d.ExternalIDClaim.Parser = ptr("") }},
		{"tags", func(d *edgeapi.CADetail) { d.Tags = nil }},
	} {
		d := same()
		tc.change(d)
		if got := caDiffers(in, d); got != tc.want {
			t.Errorf("differs = %q, want %q", got, tc.want)
		}
	}
	// An identity name format sent must be the one the CA has; one left
	// out matches the controller's default. No claim and an empty claim
	// are the same.
	in.IdentityNameFormat = "[commonName]"
	if got := caDiffers(in, same()); got != "identity_name_format" {
		t.Errorf("differs = %q, want identity_name_format", got)
	}
	in.IdentityNameFormat, in.ExternalIDClaim = "", &edgeapi.ExternalIDClaim{}
	d := same()
	d.ExternalIDClaim = nil
	if got := caDiffers(in, d); got != "" {
		t.Errorf("an empty claim differs from none: %q", got)
	}
}
