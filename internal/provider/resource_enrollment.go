package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
	"github.com/zitiform/terraform-provider-ziti/internal/edgewire"
	"github.com/zitiform/terraform-provider-ziti/internal/provider/planmodifiers"
	"github.com/zitiform/terraform-provider-ziti/internal/provider/validators"
)

// Configure and ImportState come from networkResource.
var (
	_ resource.ResourceWithModifyPlan     = (*enrollmentResource)(nil)
	_ resource.ResourceWithValidateConfig = (*enrollmentResource)(nil)
)

// defaultEnrollmentDuration applies when neither expires_at nor duration is
// set: long enough to hand a token to a device during a bootstrap.
const defaultEnrollmentDuration = 24 * time.Hour

// NewEnrollmentResource returns the ziti_enrollment resource.
func NewEnrollmentResource() resource.Resource {
	return &enrollmentResource{networkResource: newNetworkResource("enrollment")}
}

// enrollmentResource manages /enrollments: a one-time token for an
// identity. Its lifecycle is the subtle part:
//   - after the identity enrolls, the controller deletes the enrollment; the
//     resource stays in state with consumed = true and no diff;
//   - an unconsumed token whose expiry is within renew_before is refreshed
//     in place (POST /enrollments/{id}/refresh), visible as an update;
//   - a new token on demand is a replacement through the rotation map.
type enrollmentResource struct{ networkResource }

type enrollmentModel struct {
	ID          types.String `tfsdk:"id"`
	IdentityID  types.String `tfsdk:"identity_id"`
	Method      types.String `tfsdk:"method"`
	CAID        types.String `tfsdk:"ca_id"`
	Username    types.String `tfsdk:"username"`
	ExpiresAt   types.String `tfsdk:"expires_at"`
	Duration    types.String `tfsdk:"duration"`
	RenewBefore types.String `tfsdk:"renew_before"`
	Rotation    types.Map    `tfsdk:"rotation"`
	OnExpiry    types.String `tfsdk:"on_expiry"`
	JWT         types.String `tfsdk:"jwt"`
	Token       types.String `tfsdk:"token"`
	Consumed    types.Bool   `tfsdk:"consumed"`
	StoreJWT    types.Bool   `tfsdk:"store_jwt"`
}

func (r *enrollmentResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	// enrollmentModel.replacedBy repeats the replacements these plan
	// modifiers ask for (identity_id, method, ca_id, username, rotation).
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	resp.Schema = schema.Schema{
		MarkdownDescription: "An enrollment token for an identity (`/enrollments`): `ott` (one-time token, the device makes its own key), " +
			"`ottca` (the device proves a certificate of a verified third-party CA) or `updb` (username/password).",
		Attributes: map[string]schema.Attribute{
			"id": idAttribute("Enrollment id."),
			"identity_id": schema.StringAttribute{
				Required: true, PlanModifiers: replace, MarkdownDescription: "The identity that enrolls with this token.",
			},
			"method": schema.StringAttribute{
				Required: true, PlanModifiers: replace, MarkdownDescription: "`ott`, `ottca` or `updb`.",
				Validators: []validator.String{stringvalidator.OneOf(edgewire.MethodOTT, edgewire.MethodOTTCA, edgewire.MethodUPDB)},
			},
			"ca_id": schema.StringAttribute{
				Optional: true, PlanModifiers: replace, MarkdownDescription: "The verified third-party CA (`ziti_ca.id`); required for and only for `ottca`.",
			},
			"username": schema.StringAttribute{
				Optional: true,
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplaceIf(usernameChanged,
					"A new username needs a new enrollment.", "A new username needs a new enrollment.")},
				MarkdownDescription: "The username; required for and only for `updb`. OpenZiti (v1.7.2) does not report the username of a pending " +
					"enrollment: the state keeps the configured one, and after an import the configured username is taken as it is.",
			},
			"expires_at": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "Expiry (RFC 3339). Computed from `duration` when not set. Changing it refreshes the token in place. A time that has passed is refused when the enrollment is created or this changes.",
				Validators:          []validator.String{validators.RFC3339(), stringvalidator.ConflictsWith(path.MatchRoot("duration"))},
				PlanModifiers:       []planmodifier.String{planmodifiers.NotInPast("duration")},
			},
			"duration": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Lifetime from creation or refresh, a Go duration such as `\"24h\"` (default 24h when `expires_at` is not set). Changing a value it already had refreshes the token in place; " +
					"setting it where it was not set (after an import, or on an enrollment created with the default lifetime) or removing it only records it: the token keeps its expiry, and the next refresh uses the new lifetime.",
				Validators: []validator.String{validators.Duration()},
			},
			"renew_before": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "When an unconsumed token expires within this Go duration (e.g. `\"2h\"`), the plan refreshes it in place " +
					"(a new `jwt` and `expires_at`). Not with a fixed `expires_at`.",
				Validators: []validator.String{validators.Duration(), stringvalidator.ConflictsWith(path.MatchRoot("expires_at"))},
			},
			"rotation": schema.MapAttribute{
				ElementType: types.StringType, Optional: true,
				PlanModifiers: []planmodifier.Map{replaceOnTriggerChange("A changed rotation value replaces the enrollment with a new token.")},
				MarkdownDescription: "Arbitrary values; a change of a value already set replaces the enrollment with a new token (explicit re-issue). " +
					"Setting it for the first time (also right after an import) or removing it replaces nothing.",
			},
			"on_expiry": onExpiryAttribute("`jwt`"),
			"jwt": schema.StringAttribute{
				Computed: true, Sensitive: true,
				MarkdownDescription: "The enrollment JWT to hand to the device. Kept after the identity enrolled. Null with `store_jwt = false`.",
			},
			"token": schema.StringAttribute{
				Computed: true, Sensitive: true, MarkdownDescription: "The one-time token (the JWT's `jti`). Null with `store_jwt = false`.",
			},
			"consumed": schema.BoolAttribute{
				Computed: true, MarkdownDescription: "True once the identity has enrolled with this token.",
			},
			"store_jwt": storeJWTAttribute(),
		},
	}
}

func (r *enrollmentResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m enrollmentModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || m.Method.IsUnknown() || m.Method.IsNull() {
		return
	}
	method := m.Method.ValueString()
	set := func(v types.String) bool { return !v.IsNull() }
	switch {
	case method == edgewire.MethodOTTCA && !set(m.CAID):
		resp.Diagnostics.AddAttributeError(path.Root("ca_id"), "ca_id is required for ottca", "An ottca enrollment names the third-party CA whose certificate the device presents: set ca_id = ziti_ca.<name>.id.")
	case method != edgewire.MethodOTTCA && set(m.CAID):
		resp.Diagnostics.AddAttributeError(path.Root("ca_id"), "ca_id only applies to ottca", fmt.Sprintf("method = %q takes no ca_id: remove it or use method = \"ottca\".", method))
	}
	if !m.RenewBefore.IsNull() && !m.RenewBefore.IsUnknown() && !m.Duration.IsUnknown() {
		rb, err1 := time.ParseDuration(m.RenewBefore.ValueString())
		life := defaultEnrollmentDuration
		var err2 error
		if !m.Duration.IsNull() {
			life, err2 = time.ParseDuration(m.Duration.ValueString())
		}
		if err1 == nil && err2 == nil && rb >= life {
			resp.Diagnostics.AddAttributeError(path.Root("renew_before"), "renew_before must be shorter than duration",
				fmt.Sprintf("renew_before = %q is not shorter than the token lifetime %s: every plan would refresh the token. Use a smaller renew_before or a longer duration.", m.RenewBefore.ValueString(), life))
		}
	}
	switch {
	case method == edgewire.MethodUPDB && !set(m.Username):
		resp.Diagnostics.AddAttributeError(path.Root("username"), "username is required for updb", "An updb enrollment sets the password of a username: set username.")
	case method != edgewire.MethodUPDB && set(m.Username):
		resp.Diagnostics.AddAttributeError(path.Root("username"), "username only applies to updb", fmt.Sprintf("method = %q takes no username: remove it or use method = \"updb\".", method))
	}
}

// ModifyPlan keeps the computed token values stable, and marks them
// unknown exactly when an in-place refresh is due.
func (r *enrollmentResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	r.networkResource.ModifyPlan(ctx, req, resp)
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	if req.State.Raw.IsNull() {
		r.warnUnverifiedCA(ctx, req, resp)
		return // create: everything computed is new
	}
	now := r.data.clock()
	if req.Plan.Raw.Equal(req.State.Raw) {
		// Nothing changed (every enrollment of a no-change plan): only a
		// renewal can be due. Read the two attributes that decide it
		// instead of converting three whole models.
		var expiresAt, renewBefore types.String
		var consumed types.Bool
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("expires_at"), &expiresAt)...)
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("renew_before"), &renewBefore)...)
		resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("consumed"), &consumed)...)
		_, expired := tokenExpiry(expiresAt, now)
		if resp.Diagnostics.HasError() || consumed.ValueBool() || (!expired && !renewDue(expiresAt, renewBefore, now)) {
			return
		}
	}
	var plan, state, cfg enrollmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if state.replacedBy(&plan) {
		// Everything computed is new, and nothing about the old token
		// (its expiry, a duration it records) applies. The plan Terraform
		// makes for the new half shows only its errors, so the warning
		// about the new token's CA comes from here.
		r.warnUnverifiedCA(ctx, req, resp)
		return
	}
	keep := func() {
		plan.JWT, plan.Token, plan.Consumed = state.JWT, state.Token, state.Consumed
		if cfg.ExpiresAt.IsNull() {
			plan.ExpiresAt = state.ExpiresAt
		}
	}
	refreshed := false
	refresh := func(why string) {
		refreshed = true
		plan.JWT, plan.Token = types.StringUnknown(), types.StringUnknown()
		plan.Consumed = types.BoolValue(false)
		if cfg.ExpiresAt.IsNull() {
			plan.ExpiresAt = types.StringUnknown()
		}
		tflog.Debug(ctx, "enrollment refresh planned", map[string]any{"reason": why})
	}
	expiredAt, expired := tokenExpiry(state.ExpiresAt, now)
	switch {
	case state.Consumed.ValueBool():
		// A consumed token cannot be refreshed; re-issue is a rotation.
		keep()
	case !cfg.ExpiresAt.IsNull() && !cfg.ExpiresAt.IsUnknown() && !sameInstant(cfg.ExpiresAt.ValueString(), state.ExpiresAt.ValueString()):
		refresh("expires_at changed")
	case cfg.ExpiresAt.IsUnknown():
		refresh("expires_at unknown")
	case durationChanged(state.Duration, cfg.Duration) && cfg.ExpiresAt.IsNull():
		refresh("duration changed")
	case expired && cfg.ExpiresAt.IsNull():
		if renewExpired(&resp.Diagnostics, plan.OnExpiry, "enrollment "+state.ID.ValueString()+" of identity "+state.IdentityID.ValueString(), "jwt", expiredAt) {
			refresh("expired unused")
		} else {
			keep()
		}
	case renewDue(state.ExpiresAt, plan.RenewBefore, now):
		refresh("within renew_before of expiry")
	default:
		keep()
	}
	if !refreshed && !state.Consumed.ValueBool() && state.Duration.IsNull() && !cfg.Duration.IsNull() && !cfg.Duration.IsUnknown() && cfg.ExpiresAt.IsNull() {
		resp.Diagnostics.AddAttributeWarning(path.Root("duration"), "duration recorded, token kept",
			fmt.Sprintf("duration = %q is new for enrollment %s: this apply records it and the pending token keeps its expiry (%s). "+
				"The next refresh (renew_before, on_expiry, a later change of duration) uses it; to refresh the token now, set expires_at instead.",
				cfg.Duration.ValueString(), state.ID.ValueString(), state.ExpiresAt.ValueString()))
	}
	if !plan.JWT.IsUnknown() {
		plan.forgetJWTUnlessStored()
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// replacedBy reports whether plan replaces the enrollment m (its state),
// as the plan modifiers of the schema decide: a change of identity_id,
// method or ca_id, of a username the state knows (usernameReplaces), or a
// fired rotation (triggerFired). A resource's own ModifyPlan does not see
// what they asked for (its resp.RequiresReplace starts empty), so it asks
// this.
func (m *enrollmentModel) replacedBy(plan *enrollmentModel) bool {
	return !plan.IdentityID.Equal(m.IdentityID) || !plan.Method.Equal(m.Method) || !plan.CAID.Equal(m.CAID) ||
		(!plan.Username.Equal(m.Username) && usernameReplaces(m.Username, m.Method)) ||
		(!plan.Rotation.Equal(m.Rotation) && triggerFired(m.Rotation, plan.Rotation))
}

// durationChanged reports whether a new duration refreshes the token: only
// a change of a value it already had does. Its first appearance (right after
// an import, or on an enrollment created with the default lifetime) and its
// removal only record the new value: the token keeps its expiry, as for a
// trigger (triggerFired), and the next refresh uses the new lifetime.
func durationChanged(state, cfg types.String) bool {
	return !state.IsNull() && !cfg.IsNull() && !cfg.Equal(state)
}

// renewDue reports whether expiry is within renewBefore of now.
func renewDue(expiresAt, renewBefore types.String, now time.Time) bool {
	if renewBefore.IsNull() || renewBefore.IsUnknown() || expiresAt.IsNull() || expiresAt.IsUnknown() {
		return false
	}
	d, err := time.ParseDuration(renewBefore.ValueString())
	if err != nil {
		return false
	}
	exp, err := time.Parse(time.RFC3339, expiresAt.ValueString())
	if err != nil {
		return false
	}
	return exp.Sub(now) < d
}

func sameInstant(a, b string) bool {
	ta, err1 := time.Parse(time.RFC3339, a)
	tb, err2 := time.Parse(time.RFC3339, b)
	return err1 == nil && err2 == nil && ta.Equal(tb)
}

// expiry is the expiresAt to send: the configured instant, or now+duration.
func (m *enrollmentModel) expiry(diags interface{ AddError(string, string) }) time.Time {
	if !m.ExpiresAt.IsNull() && !m.ExpiresAt.IsUnknown() {
		t, err := time.Parse(time.RFC3339, m.ExpiresAt.ValueString())
		if err != nil {
			diags.AddError("Invalid expires_at", err.Error())
		}
		return t
	}
	d := defaultEnrollmentDuration
	if !m.Duration.IsNull() {
		var err error
		if d, err = time.ParseDuration(m.Duration.ValueString()); err != nil {
			diags.AddError("Invalid duration", err.Error())
		}
	}
	return time.Now().Add(d).UTC().Truncate(time.Second)
}

func (m *enrollmentModel) fromAPI(d *edgeapi.EnrollmentDetail) {
	m.ID = types.StringValue(d.ID)
	m.IdentityID = types.StringValue(d.IdentityID)
	if d.IdentityID == "" && d.Identity != nil {
		m.IdentityID = types.StringValue(d.Identity.ID)
	}
	m.Method = types.StringValue(d.Method)
	m.CAID = optString(d.CAID)
	switch {
	case d.Username != "":
		m.Username = types.StringValue(d.Username)
	case d.Method != edgewire.MethodUPDB:
		m.Username = types.StringNull()
	}
	// An updb enrollment without a username is one whose controller does
	// not report it (OpenZiti sends ""): the model keeps what it had.
	// Keep the user's spelling of the same instant (time zone, precision).
	if !sameInstant(m.ExpiresAt.ValueString(), d.ExpiresAt.UTC().Format(time.RFC3339)) {
		m.ExpiresAt = timeString(d.ExpiresAt)
	}
	m.JWT = types.StringValue(d.JWT)
	m.Token = types.StringValue(d.Token)
	m.Consumed = types.BoolValue(false)
	m.forgetJWTUnlessStored()
}

func (r *enrollmentResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan enrollmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	c := r.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() || c == nil || refuseUnverifiedCA(ctx, c, &plan, &resp.Diagnostics) {
		return
	}
	in := &edgeapi.EnrollmentCreate{
		Method:     plan.Method.ValueString(),
		IdentityID: plan.IdentityID.ValueString(),
		ExpiresAt:  plan.expiry(&resp.Diagnostics),
		CAID:       strPtrOrNil(plan.CAID),
		Username:   strPtrOrNil(plan.Username),
	}
	if resp.Diagnostics.HasError() {
		return
	}
	// An enrollment has no name, but an identity has at most one pending
	// enrollment per method: a create whose answer is lost is resolved by
	// that pair, so that an enrollment the controller did create is not
	// left untracked (it would block the next apply).
	id, ok := createRecovering(ctx, c, &resp.Diagnostics, enrollmentTarget(in.Method, in.IdentityID),
		func(ctx context.Context) (string, error) { return c.CreateEnrollment(ctx, in) },
		func(ctx context.Context) ([]createCandidate, error) { return findPendingEnrollment(ctx, c, in) })
	if !ok {
		return
	}
	// Record the id first: if the read below fails, the next apply knows
	// the enrollment exists instead of creating a conflicting one.
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	d, err := readWritten(ctx, id, c.GetEnrollment)
	if err != nil {
		apiDiag(&resp.Diagnostics, "Reading enrollment "+id+" after create", err)
		return
	}
	plan.fromAPI(d)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// enrollmentTarget is the createTarget of the method enrollment of an
// identity, which is unique while pending.
func enrollmentTarget(method, identityID string) createTarget {
	what := fmt.Sprintf("the %s enrollment of identity", method)
	return createTarget{
		kind: "enrollment", title: what + " " + identityID, prose: fmt.Sprintf("%s %q", what, identityID),
		lookup:   "among the identity's enrollments",
		holds:    fmt.Sprintf("is the identity's pending %s enrollment", method),
		heldBy:   fmt.Sprintf("the identity's pending %s enrollment is", method),
		elsewise: fmt.Sprintf("delete it (an identity has at most one pending %s enrollment) and apply again", method),
	}
}

// findPendingEnrollment lists the identity's pending enrollments of
// in.Method (at most one) and says how each differs from in. It uses
// GET /identities/{id}/enrollments rather than a filter on /enrollments:
// the spec does not name the filter field for the identity (controllersrv
// calls it identityId), and this path needs none. OpenZiti reports no
// creation time for enrollments (createdAt 0001-01-01); the identity's
// stands in for it then: an enrollment of an identity made during this run
// was made during this run too.
func findPendingEnrollment(ctx context.Context, c *edgeapi.Client, in *edgeapi.EnrollmentCreate) ([]createCandidate, error) {
	list, err := c.ListIdentityEnrollments(ctx, in.IdentityID)
	if err != nil {
		return nil, err
	}
	var out []createCandidate
	for i := range list {
		d := &list[i]
		if d.Method != in.Method {
			continue
		}
		f := createCandidate{ID: d.ID, CreatedAt: d.CreatedAt, Differs: enrollmentDiffers(in, d)}
		if f.CreatedAt.IsZero() {
			ident, err := c.GetIdentity(ctx, in.IdentityID)
			if err != nil {
				return nil, err
			}
			f.CreatedAt, f.CreatedAtOf = ident.CreatedAt, "its identity"
		}
		out = append(out, f)
	}
	return out, nil
}

// enrollmentDiffers names the first attribute of the create body that the
// enrollment d does not have, or "" when it has them all. The controller
// keeps expiries to the second, so instants are compared at that precision;
// an updb username the controller does not report matches any.
func enrollmentDiffers(in *edgeapi.EnrollmentCreate, d *edgeapi.EnrollmentDetail) string {
	switch {
	case !in.ExpiresAt.Truncate(time.Second).Equal(d.ExpiresAt.Truncate(time.Second)):
		return "expires_at"
	case in.Method == edgewire.MethodOTTCA && deref(in.CAID) != deref(d.CAID):
		return "ca_id"
	case in.Method == edgewire.MethodUPDB && d.Username != "" && deref(in.Username) != d.Username:
		return "username"
	}
	return ""
}

// usernameChanged replaces the enrollment when its username changes, as
// usernameReplaces says.
func usernameChanged(ctx context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
	var method types.String
	resp.Diagnostics.Append(req.State.GetAttribute(ctx, path.Root("method"), &method)...)
	resp.RequiresReplace = usernameReplaces(req.StateValue, method)
}

// usernameReplaces reports whether a change of the username that the state
// has (with the state's method) replaces the enrollment: it does, but not
// when the state has none for an updb enrollment: that is an import from
// a controller that does not report usernames, and the configured one is
// taken as it is.
func usernameReplaces(state, method types.String) bool {
	return !state.IsNull() || method.ValueString() != edgewire.MethodUPDB
}

func (r *enrollmentResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state enrollmentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || r.planOnly() {
		return
	}
	c := r.client(&resp.Diagnostics)
	if c == nil {
		return
	}
	id := state.ID.ValueString()
	d, err := c.GetEnrollment(ctx, id)
	if err == nil {
		prior := state
		state.fromAPI(d)
		setRefreshed(ctx, resp, &prior, &state)
		return
	}
	if !edgeapi.IsNotFound(err) {
		apiDiag(&resp.Diagnostics, "Reading enrollment "+id, err)
		return
	}
	if state.Consumed.ValueBool() {
		// Already known as consumed: only the identity's disappearance
		// matters now.
		if _, err := c.GetIdentity(ctx, state.IdentityID.ValueString()); edgeapi.IsNotFound(err) {
			resp.State.RemoveResource(ctx)
		} else if err != nil {
			apiDiag(&resp.Diagnostics, "Reading identity "+state.IdentityID.ValueString(), err)
		}
		return
	}
	if state.IdentityID.IsNull() || state.IdentityID.ValueString() == "" {
		// An import of an id that no longer exists.
		resp.State.RemoveResource(ctx)
		return
	}
	// The controller deletes an enrollment when it is used. Tell "used"
	// from "deleted out of band" by the authenticator the method creates.
	ident, err := c.GetIdentity(ctx, state.IdentityID.ValueString())
	if edgeapi.IsNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		apiDiag(&resp.Diagnostics, "Reading identity "+state.IdentityID.ValueString(), err)
		return
	}
	used := false
	switch state.Method.ValueString() {
	case edgewire.MethodOTT, edgewire.MethodOTTCA:
		used = ident.Authenticators.Cert != nil
	case edgewire.MethodUPDB:
		used = ident.Authenticators.Updb != nil
	}
	if !used {
		resp.State.RemoveResource(ctx)
		return
	}
	state.Consumed = types.BoolValue(true)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *enrollmentResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state enrollmentModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !plan.JWT.IsUnknown() {
		// Only arguments that live in state changed (renew_before, a
		// consumed token's duration): nothing to send.
		resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
		return
	}
	c := r.client(&resp.Diagnostics)
	if c == nil {
		return
	}
	id := state.ID.ValueString()
	exp := plan.expiry(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if err := c.RefreshEnrollment(ctx, id, &edgeapi.EnrollmentRefresh{ExpiresAt: exp}); err != nil {
		apiDiag(&resp.Diagnostics, "Refreshing enrollment "+id, err)
		return
	}
	d, err := readWritten(ctx, id, c.GetEnrollment)
	if err != nil {
		apiDiag(&resp.Diagnostics, "Reading enrollment "+id+" after refresh", err)
		return
	}
	plan.fromAPI(d)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *enrollmentResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state enrollmentModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if state.Consumed.ValueBool() {
		return // the controller deleted it when it was used
	}
	deleteRemote(ctx, &r.networkResource, &resp.Diagnostics, "enrollment", state.ID.ValueString(), edgeapi.Enrollments.Delete)
}
