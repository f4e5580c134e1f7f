package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

// postureMultiProcessKind is ziti_posture_check_multi_process: a
// PROCESS_MULTI posture check.
var postureMultiProcessKind = postureKind[postureMultiProcessModel](posturePart{
	typeName: "posture_check_multi_process", what: "multi-process posture check", typeID: edgeapi.PostureCheckProcessMulti,
	description: "A multi-process posture check (`/posture-checks`, type `PROCESS_MULTI`): all or any of the processes must be running on the device.",
	attributes: map[string]schema.Attribute{
		"semantic": schema.StringAttribute{
			Required: true, MarkdownDescription: "`AllOf`: every process must run; `AnyOf`: one is enough.",
			Validators: []validator.String{stringvalidator.OneOf(edgeapi.SemanticAllOf, edgeapi.SemanticAnyOf)},
		},
		"processes": schema.ListNestedAttribute{
			Required: true, MarkdownDescription: "The processes, at least one.",
			Validators: []validator.List{listvalidator.SizeAtLeast(1)},
			NestedObject: schema.NestedAttributeObject{Attributes: processAttributes("signer_fingerprints", hexSetAttribute(
				"SHA-1 fingerprints of the certificates that may have signed the executable (lower-case hex); empty: any signer."))},
		},
	},
})

type postureMultiProcessModel struct {
	postureCheckModel
	Semantic  types.String        `tfsdk:"semantic"`
	Processes []multiProcessModel `tfsdk:"processes"`
}

type multiProcessModel struct {
	processBase
	SignerFingerprints types.Set `tfsdk:"signer_fingerprints"`
}

func (m *postureMultiProcessModel) toFields(ctx context.Context, diags *diag.Diagnostics) edgeapi.PostureCheckFields {
	f := edgeapi.PostureCheckFields{Semantic: m.Semantic.ValueString()}
	for _, p := range m.Processes {
		out := p.toAPI(ctx, diags)
		out.SignerFingerprints = stringsFromSet(ctx, p.SignerFingerprints, diags)
		f.Processes = append(f.Processes, out)
	}
	return f
}

func (m *postureMultiProcessModel) fromFields(f *edgeapi.PostureCheckFields) {
	m.Semantic = types.StringValue(f.Semantic)
	m.Processes = nil
	for i := range f.Processes {
		p := &f.Processes[i]
		m.Processes = append(m.Processes, multiProcessModel{processBase: processBaseOf(p), SignerFingerprints: setFromStrings(p.SignerFingerprints)})
	}
}
