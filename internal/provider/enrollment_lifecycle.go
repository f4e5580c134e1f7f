package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
	"github.com/zitiform/terraform-provider-ziti/internal/edgewire"
)

// What the plan does with a pending enrollment token that expired unused
// (ziti_enrollment and ziti_edge_router: on_expiry).
const (
	// onExpiryRenew (the default) plans a new token in place.
	onExpiryRenew = "renew"
	// onExpiryWarn keeps the dead token and says so in every plan.
	onExpiryWarn = "warn"
)

// onExpiryAttribute is the on_expiry argument; token names the token the
// resource holds ("`jwt`", "`enrollment_jwt`").
func onExpiryAttribute(token string) schema.StringAttribute {
	return schema.StringAttribute{
		Optional: true,
		MarkdownDescription: "What the plan does once the " + token + " expired before it was used: `\"renew\"` (the default) plans a new token " +
			"in place, shown as an update with a warning; `\"warn\"` keeps the dead token and warns on every plan.",
		Validators: []validator.String{stringvalidator.OneOf(onExpiryRenew, onExpiryWarn)},
	}
}

// tokenExpiry parses a pending token's expiry; ok is false when it is not
// known or has not passed at now.
func tokenExpiry(expiresAt types.String, now time.Time) (at time.Time, ok bool) {
	if expiresAt.IsNull() || expiresAt.IsUnknown() {
		return time.Time{}, false
	}
	at, err := time.Parse(time.RFC3339, expiresAt.ValueString())
	return at, err == nil && !at.After(now)
}

// renewExpired decides what a plan does with a token that expired at at:
// true to renew it (with a warning saying so), false to keep it (with a
// warning under on_expiry = "warn"). what names the token's owner.
func renewExpired(diags *diag.Diagnostics, onExpiry types.String, what, token string, at time.Time) bool {
	when := at.UTC().Format(time.RFC3339)
	if onExpiry.ValueString() == onExpiryWarn {
		diags.AddAttributeWarning(path.Root("on_expiry"), "Expired "+token+" kept",
			fmt.Sprintf("The %s of %s expired at %s before it was used: nobody can enroll with it. It stays as it is because on_expiry = %q; "+
				"remove on_expiry (or set it to %q) to have the next apply issue a new one.", token, what, when, onExpiryWarn, onExpiryRenew))
		return false
	}
	diags.AddAttributeWarning(path.Root(token), "Expired "+token+" renewed",
		fmt.Sprintf("The %s of %s expired at %s before it was used: this apply issues a new one in place (on_expiry = %q). Hand the new %s to the device.",
			token, what, when, onExpiryRenew, token))
	return true
}

// triggerFired reports whether a trigger map (rotation, re_enroll) fires:
// only a change of a value that was already set does. Its first appearance
// (null or empty before, as for a new argument or right after an import)
// and its removal only record the new value.
func triggerFired(state, plan types.Map) bool {
	unset := func(m types.Map) bool { return m.IsNull() || (!m.IsUnknown() && len(m.Elements()) == 0) }
	if unset(state) || unset(plan) {
		return false
	}
	return !plan.Equal(state)
}

// replaceOnTriggerChange replaces the resource when its trigger map fires
// (see triggerFired).
func replaceOnTriggerChange(desc string) planmodifier.Map {
	return mapplanmodifier.RequiresReplaceIf(func(_ context.Context, req planmodifier.MapRequest, resp *mapplanmodifier.RequiresReplaceIfFuncResponse) {
		resp.RequiresReplace = triggerFired(req.StateValue, req.PlanValue)
	}, desc, desc)
}

// unverifiedCA returns the CA caID when it is not verified yet (nil when
// it is, or when it cannot be read: the create reports that). OpenZiti
// v1.7.2 accepts an ottca enrollment for such a CA and even lets the
// device enroll, but refuses the device's certificate at every login until
// the CA is verified: the provider refuses the enrollment instead.
func unverifiedCA(ctx context.Context, c *edgeapi.Client, caID string) *edgeapi.CADetail {
	ca, err := c.GetCA(ctx, caID)
	if err != nil || ca.IsVerified {
		return nil
	}
	return ca
}

// unverifiedCAFix is the remedy for an ottca enrollment of an unverified CA.
func unverifiedCAFix(ca *edgeapi.CADetail) string {
	return fmt.Sprintf("The CA %q (%s) is not verified: OpenZiti accepts an ottca enrollment for it, but the device's certificate is refused at every login "+
		"until the CA is verified. Verify the CA first: give ziti_ca its ca_private_key_pem_wo, or use a ziti_ca_verification and set "+
		"ca_id = ziti_ca_verification.<name>.ca_id (or depends_on it), so that the verification runs before the enrollment.", ca.Name, ca.ID)
}

// clock is the time that plan-time expiry decisions use.
func (d *providerData) clock() time.Time {
	if d == nil || d.now == nil {
		return time.Now()
	}
	return d.now()
}

// warnUnverifiedCA warns at plan time about a new ottca enrollment (ModifyPlan
// calls it for a create or a replacement) whose known ca_id names a CA that
// is not verified yet.
// A warning, not an error: a ziti_ca_verification or a ziti_ca with its key
// in the same apply may verify the CA before the enrollment is created,
// and the plan cannot see that. The create refuses it if it is still not
// verified then (refuseUnverifiedCA).
func (r *enrollmentResource) warnUnverifiedCA(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	var method, caID types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("method"), &method)...)
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("ca_id"), &caID)...)
	if method.ValueString() != edgewire.MethodOTTCA || caID.IsNull() || caID.IsUnknown() || r.planOnly() {
		return
	}
	c := r.client(&resp.Diagnostics)
	if c == nil || resp.Diagnostics.HasError() {
		return
	}
	if ca := unverifiedCA(ctx, c, caID.ValueString()); ca != nil {
		resp.Diagnostics.AddAttributeWarning(path.Root("ca_id"), "ottca enrollment for a CA that is not verified",
			unverifiedCAFix(ca)+" Unless this apply verifies the CA before it creates the enrollment, the create fails.")
	}
}

// refuseUnverifiedCA reports an error and returns true when m is an ottca
// enrollment whose CA is not verified (see unverifiedCA).
func refuseUnverifiedCA(ctx context.Context, c *edgeapi.Client, m *enrollmentModel, diags *diag.Diagnostics) bool {
	if m.Method.ValueString() != edgewire.MethodOTTCA {
		return false
	}
	ca := unverifiedCA(ctx, c, m.CAID.ValueString())
	if ca != nil {
		diags.AddAttributeError(path.Root("ca_id"), "ottca enrollment for a CA that is not verified", unverifiedCAFix(ca))
	}
	return ca != nil
}
