package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// certResource implements the four certificate resources; kind selects the
// profile (root CA, intermediate CA, server or client leaf).
type certResource struct {
	kind pki.Kind
}

var (
	_ resource.Resource                   = (*certResource)(nil)
	_ resource.ResourceWithValidateConfig = (*certResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*certResource)(nil)
)

func (r *certResource) typeSuffix() string {
	switch r.kind {
	case pki.KindRootCA:
		return "_pki_ca"
	case pki.KindIntermediateCA:
		return "_pki_intermediate"
	case pki.KindServer:
		return "_pki_server_cert"
	default:
		return "_pki_client_cert"
	}
}

func (r *certResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + r.typeSuffix()
}

func (r *certResource) signed() bool { return r.kind != pki.KindRootCA }

func (r *certResource) get(ctx context.Context, src stateGetter) (certData, diag.Diagnostics) {
	var d certData
	var diags diag.Diagnostics
	switch r.kind {
	case pki.KindRootCA:
		var m rootCAModel
		diags = src.Get(ctx, &m)
		d.certModel, d.MaxPathLength = m.certModel, m.MaxPathLength
	case pki.KindIntermediateCA:
		var m intermediateModel
		diags = src.Get(ctx, &m)
		d.certModel, d.issuerModel, d.MaxPathLength = m.certModel, m.issuerModel, m.MaxPathLength
	default:
		var m leafModel
		diags = src.Get(ctx, &m)
		d.certModel, d.issuerModel, d.sanModel = m.certModel, m.issuerModel, m.sanModel
	}
	return d, diags
}

func (r *certResource) set(ctx context.Context, dst stateSetter, d certData) diag.Diagnostics {
	switch r.kind {
	case pki.KindRootCA:
		return dst.Set(ctx, &rootCAModel{certModel: d.certModel, MaxPathLength: d.MaxPathLength})
	case pki.KindIntermediateCA:
		return dst.Set(ctx, &intermediateModel{certModel: d.certModel, issuerModel: d.issuerModel, MaxPathLength: d.MaxPathLength})
	default:
		return dst.Set(ctx, &leafModel{certModel: d.certModel, issuerModel: d.issuerModel, sanModel: d.sanModel})
	}
}

// ModifyPlan plans renewals (pki_renewal.go): ready_for_renewal, and a
// replacement once the certificate is within early_renewal_hours of its end;
// on an update that keeps the certificate, it checks the write-only key
// (modifyPlanWriteOnly).
func (r *certResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	r.planRenewal(ctx, req, resp)
	// The certificate is replaced when planRenewal asked for it (the only
	// entry of resp.RequiresReplace: what the attributes' plan modifiers
	// ask for is not passed to a resource's ModifyPlan) or when an
	// attribute that re-issues it changed (replacingCert).
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() || len(resp.RequiresReplace) > 0 || replacingCert(req) {
		return
	}
	r.modifyPlanWriteOnly(ctx, req, resp)
}

func readyForRenewal(end time.Time, earlyHours int64) bool {
	return !pkiNow().Before(end.Add(-time.Duration(earlyHours) * time.Hour))
}

func (r *certResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	d, diags := r.get(ctx, req.Plan)
	resp.Diagnostics.Append(diags...)
	resp.Diagnostics.Append(r.withWriteOnly(ctx, req.Config, &d)...)
	if resp.Diagnostics.HasError() {
		return
	}
	r.issue(ctx, &d, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	forgetWriteOnly(&d)
	resp.Diagnostics.Append(r.set(ctx, &resp.State, d)...)
}

// Read keeps the state: the certificate lives only there. Renewal is
// decided in ModifyPlan so that it shows as a replacement in the plan.
// State written before private_key_pem_pkcs8 or public_key_fingerprint_sha256
// existed gets them filled in.
func (r *certResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	d, diags := r.get(ctx, req.State)
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	if backfillPublicKeyFingerprint(&d, &resp.Diagnostics) && (!d.PrivateKeyPEMPKCS8.IsNull() || !pkiKnown(d.PrivateKeyPEM)) {
		resp.Diagnostics.Append(r.set(ctx, &resp.State, d)...)
		return
	}
	if !d.PrivateKeyPEMPKCS8.IsNull() || !pkiKnown(d.PrivateKeyPEM) {
		return
	}
	p8, err := pki.ToPKCS8PEM([]byte(d.PrivateKeyPEM.ValueString()))
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("private_key_pem"), "Invalid private key in the state", err.Error())
		return
	}
	d.PrivateKeyPEMPKCS8 = types.StringValue(string(p8))
	resp.Diagnostics.Append(r.set(ctx, &resp.State, d)...)
}

// Update only happens for early_renewal_hours, which does not change the
// certificate; ModifyPlan has already computed ready_for_renewal.
func (r *certResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	d, diags := r.get(ctx, req.Plan)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(r.set(ctx, &resp.State, d)...)
}

// Delete forgets the certificate; nothing exists outside the state.
func (r *certResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}
