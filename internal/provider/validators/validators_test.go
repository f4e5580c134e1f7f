package validators

import (
	"context"
	"crypto/x509/pkix"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// check runs v on value and returns the error summary and detail ("" when
// the value passes).
func check(t *testing.T, v validator.String, value types.String) string {
	t.Helper()
	req := validator.StringRequest{Path: path.Root("attr"), ConfigValue: value}
	var resp validator.StringResponse
	v.ValidateString(context.Background(), req, &resp)
	if !resp.Diagnostics.HasError() {
		return ""
	}
	d := resp.Diagnostics.Errors()[0]
	return d.Summary() + ": " + d.Detail()
}

func TestValidators(t *testing.T) {
	caPEM, leafPEM := testCerts(t)
	tests := []struct {
		name  string
		v     validator.String
		value string
		want  string // substring of the error; "" means valid
	}{
		{"defaulted set", ControllerDefaulted(`"d"`), "x", ""},
		{"defaulted empty", ControllerDefaulted(`"d"`), "", `Omit attr to use the controller's default`},
		{"rfc3339 ok", RFC3339(), "2030-01-02T15:04:05Z", ""},
		{"rfc3339 bad", RFC3339(), "tomorrow", `attr = "tomorrow" is not an RFC 3339 timestamp`},
		{"duration ok", Duration(), "90m", ""},
		{"duration zero", Duration(), "0s", "not a positive Go duration"},
		{"duration bad", Duration(), "1 day", "not a positive Go duration"},
		{"ip v4", IPAddress(), "127.0.0.1", ""},
		{"ip v6", IPAddress(), "::1", ""},
		{"ip name", IPAddress(), "ctrl.example.com", "Invalid IP address"},
		{"dns ok", DNSName(), "ctrl.example.com", ""},
		{"dns wildcard", DNSName(), "*.example.com", ""},
		{"dns ip", DNSName(), "10.0.0.1", "move it to ip_addresses"},
		{"dns url", DNSName(), "https://ctrl.example.com", "Invalid DNS name"},
		{"dns long", DNSName(), strings.Repeat("a.", 127) + "bc", "Invalid DNS name"},
		{"uri ok", URI(), "spiffe://example.org/app", ""},
		{"uri relative", URI(), "example.org/app", "not an absolute URI"},
		{"email ok", Email(), "ops@example.org", ""},
		{"email display name", Email(), "Ops <ops@example.org>", "Invalid email address"},
		{"email no domain", Email(), "ops@", "Invalid email address"},
		{"host:port ok", HostPort(), "ctrl.example.com:1280", ""},
		{"host:port v6", HostPort(), "[::1]:1280", ""},
		{"host:port url", HostPort(), "https://ctrl.example.com:1280", "not host:port"},
		{"host:port no port", HostPort(), "ctrl.example.com", "not host:port"},
		{"trust domain ok", TrustDomain(), "ziti.example.com", ""},
		{"trust domain scheme", TrustDomain(), "spiffe://ziti.example.com", "has a scheme"},
		{"trust domain bad", TrustDomain(), "ziti_example", "not a DNS-style name"},
		{"ca ok", CACertificatePEM(), caPEM, ""},
		{"ca leaf", CACertificatePEM(), leafPEM, "Not a CA certificate"},
		{"ca chain", CACertificatePEM(), caPEM + leafPEM, "holds 2 certificates"},
		{"ca garbage", CACertificatePEM(), "not pem", "must hold a PEM certificate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := check(t, tt.v, types.StringValue(tt.value))
			if tt.want == "" && got != "" || tt.want != "" && !strings.Contains(got, tt.want) {
				t.Fatalf("%q: got error %q, want %q", tt.value, got, tt.want)
			}
			// Null and unknown values are checked once known.
			if got := check(t, tt.v, types.StringNull()) + check(t, tt.v, types.StringUnknown()); got != "" {
				t.Fatalf("null/unknown: got error %q", got)
			}
			if tt.v.Description(context.Background()) == "" || tt.v.MarkdownDescription(context.Background()) == "" {
				t.Fatal("empty description")
			}
		})
	}
}

// testCerts returns a CA certificate and a leaf it signed, as PEM.
func testCerts(t *testing.T) (caPEM, leafPEM string) {
	t.Helper()
	caKey, err := pki.GenerateKey(pki.ECP256)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := pki.Issue(pki.Request{Kind: pki.KindRootCA, Subject: pkix.Name{CommonName: "root"}, Validity: time.Hour}, caKey.Public(), caKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	leafKey, err := pki.GenerateKey(pki.ECP256)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := pki.Issue(pki.Request{Kind: pki.KindClient, Subject: pkix.Name{CommonName: "leaf"}, Validity: time.Hour}, leafKey.Public(), nil, &pki.Issuer{Cert: ca.Cert, Key: caKey})
	if err != nil {
		t.Fatal(err)
	}
	return string(pki.EncodeCertsPEM(ca.Cert)), string(pki.EncodeCertsPEM(leaf.Cert))
}
