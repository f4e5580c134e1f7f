package provider

import (
	"context"
	"crypto/x509"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zitiform/terraform-provider-ziti/internal/pki"
)

// Renewal of the ziti_pki_* certificates. A certificate is ready for
// renewal once it is within early_renewal_hours of its end (or past it), and
// the plan then replaces it, so that a renewal is reviewed like any other
// change. Two things would make that loop forever, or never renew at all:
//
//   - early_renewal_hours >= validity_period_hours: every new certificate
//     would be due the moment it is issued. Refused while planning.
//   - A certificate never outlives its issuer (its end is clipped to the
//     issuer's). Once the issuer ends within this certificate's
//     early_renewal_hours, a new certificate would be due at once as well.
//     Instead of replacing it on every run, the plan keeps it and warns that
//     the issuer must be renewed first; renewing the issuer re-issues every
//     certificate it signed (issuer_cert_pem forces a replacement).

// defaultValidityHours is validity_period_hours when it is not set.
func (r *certResource) defaultValidityHours() int64 {
	if r.kind.IsCA() {
		return defaultCAValidityHours
	}
	return defaultLeafValidityHours
}

// validateRenewal refuses an early_renewal_hours that is not below the
// certificate's lifetime. Terraform validates again with the values of the
// plan, so a value known only then is checked too.
func (r *certResource) validateRenewal(early, validity types.Int64, diags *diag.Diagnostics) {
	if early.IsNull() || early.IsUnknown() || validity.IsUnknown() {
		return
	}
	v, which := r.defaultValidityHours(), " (the default)"
	if !validity.IsNull() {
		v, which = validity.ValueInt64(), ""
	}
	if early.ValueInt64() < v {
		return
	}
	diags.AddAttributeError(path.Root("early_renewal_hours"), "early_renewal_hours is not below validity_period_hours",
		fmt.Sprintf("early_renewal_hours = %d is not less than validity_period_hours = %d%s: every new certificate would be due for renewal "+
			"the moment it is issued. Set early_renewal_hours below validity_period_hours (a tenth of the lifetime, %d, is usual), "+
			"or raise validity_period_hours.", early.ValueInt64(), v, which, max(v/10, 1)))
}

// planRenewal is the ModifyPlan of the certificate resources. For a new
// certificate it checks what the issuer allows; for an existing one it
// computes ready_for_renewal and plans the replacement when one helps.
func (r *certResource) planRenewal(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	var early types.Int64
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("early_renewal_hours"), &early)...)
	if resp.Diagnostics.HasError() || early.IsUnknown() {
		return
	}
	now, window := pkiNow(), time.Duration(early.ValueInt64())*time.Hour
	issuer, sameIssuer := r.plannedIssuer(ctx, req, &resp.Diagnostics)
	if req.State.Raw.IsNull() {
		// A new certificate, or the new half of a replacement.
		r.checkIssuerEnd(ctx, req, issuer, now, early.ValueInt64(), &resp.Diagnostics)
		return
	}
	var endStr types.String
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("validity_end_time"), &endStr)...)
	if resp.Diagnostics.HasError() || !pkiKnown(endStr) {
		return
	}
	end, err := time.Parse(time.RFC3339, endStr.ValueString())
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("validity_end_time"), "Corrupt state", "validity_end_time is not RFC 3339: "+err.Error())
		return
	}
	ready := !now.Before(end.Add(-window))
	switch {
	case !ready:
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("ready_for_renewal"), types.BoolValue(false))...)
	case issuer != nil && sameIssuer && !issuer.NotAfter.After(end):
		// A new certificate would end with the issuer, as this one does.
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("ready_for_renewal"), types.BoolValue(true))...)
		what := "is within early_renewal_hours of its end"
		if !now.Before(end) {
			what = "has expired"
		}
		resp.Diagnostics.AddWarning(r.typeName()+" "+r.planName(ctx, req)+" cannot be renewed before its issuer",
			fmt.Sprintf("The certificate %s (it ends %s), but a certificate never outlives its issuer and its issuer %q ends %s too: "+
				"a new one would be due again at once, so it is kept rather than replaced on every run. %s",
				what, end.UTC().Format(time.RFC3339), issuer.Subject.CommonName, issuer.NotAfter.UTC().Format(time.RFC3339), renewIssuerFix(early.ValueInt64())))
	default:
		// Unknown rather than true: a certificate issued while already due
		// has true in the state, and only a changed value replaces.
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("ready_for_renewal"), types.BoolUnknown())...)
		resp.RequiresReplace = append(resp.RequiresReplace, path.Root("ready_for_renewal"))
	}
}

// checkIssuerEnd refuses an issuer that has expired and warns when a new
// certificate, clipped to the issuer's end, would be due for renewal as soon
// as it is issued.
func (r *certResource) checkIssuerEnd(ctx context.Context, req resource.ModifyPlanRequest, issuer *x509.Certificate, now time.Time, early int64, diags *diag.Diagnostics) {
	if issuer == nil {
		return
	}
	issuerEnd := issuer.NotAfter.UTC().Format(time.RFC3339)
	if !now.Before(issuer.NotAfter) {
		diags.AddAttributeError(path.Root("issuer_cert_pem"), "Issuer expired",
			fmt.Sprintf("The issuer %q expired at %s and can no longer sign certificates. Renew the issuer first: replace it "+
				"(terraform apply -replace on its ziti_pki_ca or ziti_pki_intermediate), or set issuer_cert_pem, issuer_private_key_pem "+
				"and issuer_ca_bundle_pem to its renewed files.", issuer.Subject.CommonName, issuerEnd))
		return
	}
	if now.Before(issuer.NotAfter.Add(-time.Duration(early) * time.Hour)) {
		return
	}
	diags.AddWarning(r.typeName()+" "+r.planName(ctx, req)+" will be due for renewal as soon as it is issued",
		fmt.Sprintf("Its issuer %q ends %s, within early_renewal_hours (%d) of now, and a certificate never outlives its issuer: "+
			"the new certificate ends then as well, and renewing it cannot help until the issuer is renewed. %s",
			issuer.Subject.CommonName, issuerEnd, early, renewIssuerFix(early)))
}

// renewIssuerFix is the advice shared by the two issuer warnings.
func renewIssuerFix(early int64) string {
	return fmt.Sprintf("Renew the issuer first: a ziti_pki_ca or ziti_pki_intermediate is replaced once it is within its own "+
		"early_renewal_hours, so give it at least %d (this certificate's), or replace it now with terraform apply -replace; "+
		"every certificate it signed is then re-issued with it. An issuer kept outside this configuration: set issuer_cert_pem, "+
		"issuer_private_key_pem and issuer_ca_bundle_pem to its renewed files. Or lower early_renewal_hours.", early)
}

// plannedIssuer parses the planned issuer certificate: nil for a root, or
// while the issuer is unknown (being replaced itself) or invalid (reported
// by ValidateConfig). same reports whether it is the issuer in the state.
func (r *certResource) plannedIssuer(ctx context.Context, req resource.ModifyPlanRequest, diags *diag.Diagnostics) (c *x509.Certificate, same bool) {
	if !r.signed() {
		return nil, false
	}
	var planned, prior types.String
	diags.Append(req.Plan.GetAttribute(ctx, path.Root("issuer_cert_pem"), &planned)...)
	if !req.State.Raw.IsNull() {
		diags.Append(req.State.GetAttribute(ctx, path.Root("issuer_cert_pem"), &prior)...)
	}
	if !pkiKnown(planned) {
		return nil, false
	}
	c, err := pki.ParseCertPEM([]byte(planned.ValueString()))
	if err != nil {
		return nil, false
	}
	return c, planned.Equal(prior)
}

// typeName is the resource type, for messages.
func (r *certResource) typeName() string { return "ziti" + r.typeSuffix() }

// planName is the planned name, quoted, for messages.
func (r *certResource) planName(ctx context.Context, req resource.ModifyPlanRequest) string {
	var name types.String
	req.Plan.GetAttribute(ctx, path.Root("name"), &name)
	return fmt.Sprintf("%q", name.ValueString())
}
