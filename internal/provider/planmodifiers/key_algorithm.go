package planmodifiers

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// KeyAlgorithm fills a certificate resource's key_algorithm when it is not
// configured: the key type of csr_pem, private_key_pem or private_key_pem_wo when one is given,
// EC-P256 otherwise. So the plan shows the real key type, and a later
// change of either is a visible replacement.
func KeyAlgorithm() planmodifier.String { return keyAlgorithm{} }

type keyAlgorithm struct{}

func (keyAlgorithm) Description(context.Context) string {
	return "defaults to EC-P256 or the key type of csr_pem"
}

func (m keyAlgorithm) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (keyAlgorithm) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if !req.ConfigValue.IsNull() {
		return
	}
	var csr, key, keyWO types.String
	get := func(name string, dst *types.String) {
		if d := req.Config.GetAttribute(ctx, path.Root(name), dst); d.HasError() {
			*dst = types.StringNull() // not an attribute of this kind: CAs have no csr_pem
		}
	}
	get("csr_pem", &csr)
	get("private_key_pem", &key)
	get("private_key_pem_wo", &keyWO)
	if key.IsNull() {
		key = keyWO
	}
	switch {
	case keyWO.IsUnknown() && !req.StateValue.IsNull():
		// A write-only key from a value not known yet: the certificate
		// keeps its key unless private_key_pem_wo_version changes.
		resp.PlanValue = req.StateValue
	case csr.IsUnknown() || key.IsUnknown():
		resp.PlanValue = types.StringUnknown()
	case !csr.IsNull():
		c, err := pki.ParseCSRPEM([]byte(csr.ValueString()))
		if err != nil {
			return // the resource's ValidateConfig reports it
		}
		if alg, err := pki.AlgorithmOf(c.PublicKey); err == nil {
			resp.PlanValue = types.StringValue(string(alg))
		}
	case !key.IsNull():
		k, err := pki.ParsePrivateKeyPEM([]byte(key.ValueString()))
		if err != nil {
			return
		}
		if alg, err := pki.AlgorithmOf(k.Public()); err == nil {
			resp.PlanValue = types.StringValue(string(alg))
		}
	default:
		resp.PlanValue = types.StringValue(string(pki.DefaultKeyAlgorithm))
	}
}
