package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

// postureProcessKind is ziti_posture_check_process: a PROCESS posture check.
var postureProcessKind = postureKind[postureProcessModel](posturePart{
	typeName: "posture_check_process", what: "process posture check", typeID: edgeapi.PostureCheckProcess,
	description: "A process posture check (`/posture-checks`, type `PROCESS`): the process must be running on the device.",
	attributes: map[string]schema.Attribute{
		"process": schema.SingleNestedAttribute{
			Required: true, MarkdownDescription: "The process.",
			Attributes: processAttributes("signer_fingerprint", schema.StringAttribute{
				Optional: true, MarkdownDescription: "SHA-1 fingerprint of the certificate that must have signed the executable (lower-case hex); unset: any signer.",
				Validators: []validator.String{lowerHexValidator()},
			}),
		},
	},
})

type postureProcessModel struct {
	postureCheckModel
	Process *singleProcessModel `tfsdk:"process"`
}

type singleProcessModel struct {
	processBase
	SignerFingerprint types.String `tfsdk:"signer_fingerprint"`
}

func (m *postureProcessModel) toFields(ctx context.Context, diags *diag.Diagnostics) edgeapi.PostureCheckFields {
	if m.Process == nil {
		return edgeapi.PostureCheckFields{}
	}
	p := m.Process.toAPI(ctx, diags)
	p.SignerFingerprint = m.Process.SignerFingerprint.ValueString()
	return edgeapi.PostureCheckFields{Process: &p}
}

func (m *postureProcessModel) fromFields(f *edgeapi.PostureCheckFields) {
	if f.Process == nil {
		m.Process = nil
		return
	}
	m.Process = &singleProcessModel{processBase: processBaseOf(f.Process), SignerFingerprint: optString(&f.Process.SignerFingerprint)}
}
