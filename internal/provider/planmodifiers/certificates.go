package planmodifiers

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"

	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// RequiresReplaceIfCertificatesDiffer replaces the resource when a PEM
// attribute holds other certificates than before, not when only its PEM
// formatting (line endings, wrapping, whitespace) changed.
func RequiresReplaceIfCertificatesDiffer() planmodifier.String {
	const desc = "Replaces the CA when the certificate itself changes (not its formatting)."
	return stringplanmodifier.RequiresReplaceIf(certificatesDiffer, desc, desc)
}

func certificatesDiffer(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
	if req.StateValue.IsNull() || req.PlanValue.IsUnknown() {
		resp.RequiresReplace = !req.StateValue.IsNull()
		return
	}
	resp.RequiresReplace = !pki.SameCertsPEM(req.StateValue.ValueString(), req.PlanValue.ValueString())
}
