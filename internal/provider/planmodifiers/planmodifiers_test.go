package planmodifiers

import (
	"context"
	"crypto/x509/pkix"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// TestCertificatesDiffer checks the rule of
// RequiresReplaceIfCertificatesDiffer (the framework's RequiresReplaceIf
// applies it to updates only).
func TestCertificatesDiffer(t *testing.T) {
	certPEM := func(cn string) string {
		key, err := pki.GenerateKey(pki.ECP256)
		if err != nil {
			t.Fatal(err)
		}
		c, err := pki.Issue(pki.Request{Kind: pki.KindRootCA, Subject: pkix.Name{CommonName: cn}, Validity: time.Hour}, key.Public(), key, nil)
		if err != nil {
			t.Fatal(err)
		}
		return string(pki.EncodeCertsPEM(c.Cert))
	}
	a, b := certPEM("a"), certPEM("b")
	crlf := "\n  " + strings.ReplaceAll(a, "\n", "\r\n") + "\r\n"
	tests := []struct {
		name        string
		state, plan types.String
		want        bool
	}{
		{"same", types.StringValue(a), types.StringValue(a), false},
		{"reformatted", types.StringValue(a), types.StringValue(crlf), false},
		{"other certificate", types.StringValue(a), types.StringValue(b), true},
		{"unknown", types.StringValue(a), types.StringUnknown(), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := planmodifier.StringRequest{StateValue: tt.state, PlanValue: tt.plan, ConfigValue: tt.plan}
			var resp stringplanmodifier.RequiresReplaceIfFuncResponse
			certificatesDiffer(context.Background(), req, &resp)
			if resp.RequiresReplace != tt.want {
				t.Fatalf("RequiresReplace = %v, want %v", resp.RequiresReplace, tt.want)
			}
		})
	}
}
