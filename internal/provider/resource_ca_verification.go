package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// Configure, ModifyPlan and ImportState come from networkResource.
var _ resource.ResourceWithImportState = (*caVerificationResource)(nil)

// NewCAVerificationResource returns the ziti_ca_verification resource.
func NewCAVerificationResource() resource.Resource {
	return &caVerificationResource{networkResource: newNetworkResource("ca_verification")}
}

// caVerificationResource submits a verification certificate made elsewhere
// (CN = the CA's verification_token, signed by the CA) to
// /cas/{id}/verify. Verification cannot be undone: destroy only forgets it.
type caVerificationResource struct{ networkResource }

type caVerificationModel struct {
	ID      types.String  `tfsdk:"id"`
	CAID    types.String  `tfsdk:"ca_id"`
	CertPEM pemCertsValue `tfsdk:"certificate_pem"`
}

func (r *caVerificationResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Verifies a third-party CA with a certificate made elsewhere (CN = the CA's `verification_token`, signed by the CA), " +
			"for when the CA key must not reach Terraform. Use `ziti_ca.ca_private_key_pem_wo` otherwise. Destroying it does not un-verify the CA.",
		Attributes: map[string]schema.Attribute{
			"id": idAttribute("Same as `ca_id`."),
			"ca_id": schema.StringAttribute{
				Required: true, PlanModifiers: replace, MarkdownDescription: "The CA to verify (`ziti_ca.id`).",
			},
			"certificate_pem": schema.StringAttribute{
				Required: true, CustomType: pemCertsType{}, PlanModifiers: replace,
				MarkdownDescription: "The verification certificate (PEM): CN = `verification_token`, signed by the CA.",
			},
		},
	}
}

func (r *caVerificationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan caVerificationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	c := r.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() || c == nil {
		return
	}
	if _, err := pki.ParseCertPEM([]byte(plan.CertPEM.ValueString())); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("certificate_pem"), "Invalid certificate_pem", err.Error())
		return
	}
	id := plan.CAID.ValueString()
	d, err := c.GetCA(ctx, id)
	if err != nil {
		apiDiag(&resp.Diagnostics, "Reading CA "+id, err)
		return
	}
	if !d.IsVerified {
		if err := submitCAVerification(ctx, c, id, []byte(plan.CertPEM.ValueString())); err != nil {
			apiDiag(&resp.Diagnostics, "Verifying CA "+d.Name, err)
			return
		}
	}
	plan.ID = types.StringValue(id)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *caVerificationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state caVerificationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || r.planOnly() {
		return
	}
	c := r.client(&resp.Diagnostics)
	if c == nil {
		return
	}
	d, err := c.GetCA(ctx, state.ID.ValueString())
	if edgeapi.IsNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		apiDiag(&resp.Diagnostics, "Reading CA "+state.ID.ValueString(), err)
		return
	}
	if !d.IsVerified {
		// Not verified (any more): plan the verification again.
		resp.State.RemoveResource(ctx)
		return
	}
	state.CAID = types.StringValue(d.ID)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *caVerificationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan caVerificationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *caVerificationResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
	// A verification cannot be withdrawn; forgetting it is all there is.
}
