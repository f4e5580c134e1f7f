package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
	"github.com/zitiform/terraform-provider-ziti/internal/pki"
	"github.com/zitiform/terraform-provider-ziti/internal/provider/validators"
)

// Configure and ImportState come from networkResource.
var (
	_ resource.ResourceWithImportState = (*caVerificationResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*caVerificationResource)(nil)
)

// NewCAVerificationResource returns the ziti_ca_verification resource.
func NewCAVerificationResource() resource.Resource {
	return &caVerificationResource{networkResource: newNetworkResource("ca_verification")}
}

// caVerificationResource submits a verification certificate made elsewhere
// (CN = the CA's verification_token, signed by the CA) to
// /cas/{id}/verify. Verification cannot be undone: destroy only forgets it.
type caVerificationResource struct{ networkResource }

type caVerificationModel struct {
	ID        types.String  `tfsdk:"id"`
	CAID      types.String  `tfsdk:"ca_id"`
	CertPEM   pemCertsValue `tfsdk:"certificate_pem"`
	CertPEMWO types.String  `tfsdk:"certificate_pem_wo"`
}

func (r *caVerificationResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	oneOf := stringvalidator.ExactlyOneOf(path.MatchRoot("certificate_pem"), path.MatchRoot("certificate_pem_wo"))
	resp.Schema = schema.Schema{
		MarkdownDescription: "Verifies a third-party CA with a certificate made elsewhere (CN = the CA's `verification_token`, signed by the CA), " +
			"for when the CA key must not reach Terraform. Use `ziti_ca.ca_private_key_pem_wo` otherwise. Destroying it does not un-verify the CA.",
		Attributes: map[string]schema.Attribute{
			"id": idAttribute("Same as `ca_id`."),
			"ca_id": schema.StringAttribute{
				Required: true, PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				MarkdownDescription: "The CA to verify (`ziti_ca.id`).",
			},
			"certificate_pem": schema.StringAttribute{
				Optional: true, CustomType: pemCertsType{},
				Validators: []validator.String{validators.VerificationCertificatePEM(), oneOf},
				MarkdownDescription: "The verification certificate (PEM): CN = `verification_token`, signed by the CA. Set this or `certificate_pem_wo`. " +
					"Used only to verify the CA: once it is verified, another certificate (or the one an import does not know) is an in-place update that sends nothing.",
			},
			"certificate_pem_wo": schema.StringAttribute{
				Optional: true, WriteOnly: true,
				Validators: []validator.String{validators.VerificationCertificatePEM(), oneOf},
				MarkdownDescription: "Write-only (Terraform >= 1.11, OpenTofu >= 1.11): the verification certificate, as `certificate_pem`, but never stored in state, " +
					"so that an imported verification plans no change at all.",
			},
		},
	}
}

// ModifyPlan checks a verification that will be submitted against its CA
// while planning, when the CA already exists: a certificate the controller
// would refuse fails the plan, naming the argument, instead of the apply.
func (r *caVerificationResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	r.networkResource.ModifyPlan(ctx, req, resp)
	if req.Plan.Raw.IsNull() || !req.State.Raw.IsNull() || resp.Diagnostics.HasError() || r.planOnly() || r.data == nil {
		return // destroy, an existing verification (the CA is verified), or nothing to ask
	}
	var caID types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("ca_id"), &caID)...)
	at, pemText := verificationCert(ctx, req.Config, &resp.Diagnostics)
	if caID.IsUnknown() || caID.IsNull() || pemText == nil || resp.Diagnostics.HasError() {
		return // the CA is created in this apply: its token is not known yet
	}
	c := r.client(&resp.Diagnostics)
	if c == nil {
		return
	}
	// The CA may have been created a moment ago: this is also the plan
	// that an apply makes once ca_id is known (see readWritten).
	d, err := readWritten(ctx, caID.ValueString(), c.GetCA)
	if edgeapi.IsNotFound(err) {
		resp.Diagnostics.AddAttributeError(path.Root("ca_id"), "No such CA", fmt.Sprintf("ca_id: the controller has no CA %q; give the id of a ziti_ca (ziti_ca.<name>.id).", caID.ValueString()))
		return
	}
	if err != nil {
		apiDiag(&resp.Diagnostics, "Reading CA "+caID.ValueString(), err)
		return
	}
	if !d.IsVerified {
		if msg := checkVerificationCert(*pemText, d, at.String()); msg != "" {
			resp.Diagnostics.AddAttributeError(at, "Wrong verification certificate for CA "+d.Name, msg)
		}
	}
}

// verificationCert returns the configured verification certificate and the
// argument it came from; nil while it is not known.
func verificationCert(ctx context.Context, cfg tfsdk.Config, diags *diag.Diagnostics) (path.Path, *string) {
	var text pemCertsValue
	var wo types.String
	diags.Append(cfg.GetAttribute(ctx, path.Root("certificate_pem"), &text)...)
	diags.Append(cfg.GetAttribute(ctx, path.Root("certificate_pem_wo"), &wo)...)
	for name, v := range map[string]types.String{"certificate_pem": text.StringValue, "certificate_pem_wo": wo} {
		if !v.IsNull() && !v.IsUnknown() {
			s := v.ValueString()
			return path.Root(name), &s
		}
	}
	return path.Root("certificate_pem"), nil
}

// checkVerificationCert says why the controller would refuse certPEM as
// the verification of CA d ("" when it would not): the rules of
// POST /cas/{id}/verify, checked before anything is sent.
func checkVerificationCert(certPEM string, d *edgeapi.CADetail, arg string) string {
	cert, err := pki.ParseCertPEM([]byte(certPEM))
	if err != nil {
		return arg + " is not a PEM certificate: " + err.Error()
	}
	if d.VerificationToken != "" && cert.Subject.CommonName != d.VerificationToken {
		return fmt.Sprintf("%s has the common name %q; the CA's verification_token is %q: sign a certificate with CN = that token (ziti_ca.<name>.verification_token).",
			arg, cert.Subject.CommonName, d.VerificationToken)
	}
	cas, err := pki.ParseCertsPEM([]byte(d.CertPEM))
	if err != nil || len(cas) == 0 {
		return "" // the controller decides
	}
	for _, ca := range cas {
		if cert.CheckSignatureFrom(ca) == nil {
			return ""
		}
	}
	return fmt.Sprintf("%s (issuer %q) is not signed by the CA %q (fingerprint %s): sign it with that CA's private key.",
		arg, cert.Issuer.String(), cas[0].Subject.String(), pki.FingerprintSHA1(cas[0]))
}

func (r *caVerificationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan caVerificationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	c := r.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() || c == nil {
		return
	}
	at, certPEM := verificationCert(ctx, req.Config, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if certPEM == nil {
		resp.Diagnostics.AddAttributeError(at, "No verification certificate", "Set certificate_pem (or certificate_pem_wo) to the verification certificate.")
		return
	}
	if _, err := pki.ParseCertPEM([]byte(*certPEM)); err != nil {
		resp.Diagnostics.AddAttributeError(at, "Invalid "+at.String(), err.Error())
		return
	}
	id := plan.CAID.ValueString()
	d, err := readWritten(ctx, id, c.GetCA)
	if err != nil {
		apiDiag(&resp.Diagnostics, "Reading CA "+id, err)
		return
	}
	if !d.IsVerified {
		if msg := checkVerificationCert(*certPEM, d, at.String()); msg != "" {
			resp.Diagnostics.AddAttributeError(at, "Wrong verification certificate for CA "+d.Name, msg)
			return
		}
		if err := submitCAVerification(ctx, c, id, []byte(*certPEM)); err != nil {
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

// Update records another certificate_pem: the CA is verified (an
// unverified one is read as gone and created again), so there is nothing
// to send.
func (r *caVerificationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan caVerificationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *caVerificationResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {
	// A verification cannot be withdrawn; forgetting it is all there is.
}
