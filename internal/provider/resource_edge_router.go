package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

// edgeRouterKind is ziti_edge_router: /edge-routers. The router's
// enrollment JWT (erott) is a sensitive computed value; changing re_enroll
// revokes the router's certificates and issues a new JWT, in place, and so
// does the renewal of a JWT that expired before the router enrolled.
var edgeRouterKind = &networkKind[edgeRouterModel, edgeapi.EdgeRouterDetail, edgeapi.EdgeRouterCreate]{
	typeName: "edge_router", what: "edge router", collection: edgeapi.EdgeRouters,
	schema: edgeRouterSchema, toAPI: (*edgeRouterModel).toAPI, fromAPI: (*edgeRouterModel).fromAPI,
	named:       func(d *edgeapi.EdgeRouterDetail) (*edgeapi.BaseEntity, string) { return &d.BaseEntity, d.Name },
	differs:     edgeRouterDiffers,
	afterUpdate: reEnrollIfAsked,
}

// NewEdgeRouterResource returns the ziti_edge_router resource.
func NewEdgeRouterResource() resource.Resource {
	return &edgeRouterResource{newKindResource(edgeRouterKind)}
}

// edgeRouterResource is the kind's resource with its own plan for the
// enrollment values.
type edgeRouterResource struct {
	*kindResource[edgeRouterModel, edgeapi.EdgeRouterDetail, edgeapi.EdgeRouterCreate]
}

var _ resource.ResourceWithModifyPlan = (*edgeRouterResource)(nil)

type edgeRouterModel struct {
	ID                  types.String `tfsdk:"id"`
	Name                types.String `tfsdk:"name"`
	RoleAttributes      types.Set    `tfsdk:"role_attributes"`
	IsTunnelerEnabled   types.Bool   `tfsdk:"is_tunneler_enabled"`
	Cost                types.Int64  `tfsdk:"cost"`
	NoTraversal         types.Bool   `tfsdk:"no_traversal"`
	Disabled            types.Bool   `tfsdk:"disabled"`
	AppData             types.Map    `tfsdk:"app_data"`
	Tags                types.Map    `tfsdk:"tags"`
	ReEnroll            types.Map    `tfsdk:"re_enroll"`
	OnExpiry            types.String `tfsdk:"on_expiry"`
	EnrollmentJWT       types.String `tfsdk:"enrollment_jwt"`
	EnrollmentExpiresAt types.String `tfsdk:"enrollment_expires_at"`
	IsVerified          types.Bool   `tfsdk:"is_verified"`
	Fingerprint         types.String `tfsdk:"fingerprint"`
	StoreEnrollmentJWT  types.Bool   `tfsdk:"store_enrollment_jwt"`
}

func edgeRouterSchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "An edge router (`/edge-routers`) with its enrollment JWT.",
		Attributes: map[string]schema.Attribute{
			"id":              idAttribute("Edge router id."),
			"name":            nameAttribute(),
			"role_attributes": roleAttributesAttribute("Role attributes that policies select the router by."),
			"is_tunneler_enabled": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Whether the router also runs a tunneler (and gets an identity).",
			},
			"cost": schema.Int64Attribute{
				Optional: true, Computed: true, Default: int64default.StaticInt64(0),
				MarkdownDescription: "Routing cost, 0 to 65535.",
				Validators:          []validator.Int64{int64validator.Between(0, 65535)},
			},
			"no_traversal": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Whether fabric paths may not traverse this router.",
			},
			"disabled": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Whether the router is disabled.",
			},
			"app_data": appDataAttribute(),
			"tags":     tagsAttribute(),
			"re_enroll": schema.MapAttribute{
				ElementType: types.StringType, Optional: true,
				MarkdownDescription: "Arbitrary values; a change of a value already set re-enrolls the router in place: its certificates are revoked " +
					"and a new `enrollment_jwt` is issued (the plan warns and shows `fingerprint` and `enrollment_jwt` as known after apply). " +
					"Setting it for the first time (also right after an import) or removing it re-enrolls nothing.",
			},
			"on_expiry": onExpiryAttribute("`enrollment_jwt`"),
			"enrollment_jwt": schema.StringAttribute{
				Computed: true, Sensitive: true,
				MarkdownDescription: "The router's enrollment JWT (`erott`); null once the router has enrolled.",
			},
			"enrollment_expires_at": schema.StringAttribute{
				Computed: true, MarkdownDescription: "Expiry of `enrollment_jwt` (RFC 3339).",
			},
			"store_enrollment_jwt": storeEnrollmentJWTAttribute(),
			"is_verified": schema.BoolAttribute{
				Computed: true, MarkdownDescription: "Whether the router has enrolled.",
			},
			"fingerprint": schema.StringAttribute{
				Computed: true, MarkdownDescription: "Fingerprint of the router's certificate once enrolled.",
			},
		},
	}
}

// ModifyPlan keeps the enrollment values from state, except when the router
// re-enrolls (re_enroll fired, or its unused enrollment_jwt expired): then
// they are unknown until the re-enrollment, and a warning says what it does.
func (r *edgeRouterResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	r.networkResource.ModifyPlan(ctx, req, resp)
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	if req.State.Raw.IsNull() {
		return
	}
	var plan, state edgeRouterModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !planReEnroll(&plan, &state, r.data.clock(), &resp.Diagnostics) {
		plan.EnrollmentJWT, plan.EnrollmentExpiresAt = state.EnrollmentJWT, state.EnrollmentExpiresAt
		plan.IsVerified, plan.Fingerprint = state.IsVerified, state.Fingerprint
	} else {
		plan.EnrollmentJWT, plan.EnrollmentExpiresAt = types.StringUnknown(), types.StringUnknown()
		plan.IsVerified, plan.Fingerprint = types.BoolUnknown(), types.StringUnknown()
	}
	if !plan.EnrollmentJWT.IsUnknown() {
		plan.EnrollmentJWT = storedJWT(plan.StoreEnrollmentJWT, plan.EnrollmentJWT)
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// toAPI is the create and replace body.
func (m *edgeRouterModel) toAPI(ctx context.Context, diags *diag.Diagnostics) *edgeapi.EdgeRouterCreate {
	roles := stringsFromSet(ctx, m.RoleAttributes, diags)
	return &edgeapi.EdgeRouterCreate{
		Name:              m.Name.ValueString(),
		RoleAttributes:    &roles,
		IsTunnelerEnabled: m.IsTunnelerEnabled.ValueBool(),
		Cost:              ptr(m.Cost.ValueInt64()),
		NoTraversal:       ptr(m.NoTraversal.ValueBool()),
		Disabled:          ptr(m.Disabled.ValueBool()),
		AppData:           tagsFromMap(ctx, m.AppData, diags),
		Tags:              tagsFromMap(ctx, m.Tags, diags),
	}
}

func (m *edgeRouterModel) fromAPI(d *edgeapi.EdgeRouterDetail) {
	m.ID = types.StringValue(d.ID)
	m.Name = types.StringValue(d.Name)
	m.RoleAttributes = setFromStrings(d.RoleAttributes)
	m.IsTunnelerEnabled = types.BoolValue(d.IsTunnelerEnabled)
	m.Cost = types.Int64Value(0)
	if d.Cost != nil {
		m.Cost = types.Int64Value(*d.Cost)
	}
	m.NoTraversal = types.BoolValue(d.NoTraversal != nil && *d.NoTraversal)
	m.Disabled = types.BoolValue(d.Disabled)
	m.AppData = tagsToMap(d.AppData, m.AppData)
	m.Tags = tagsToMap(d.Tags, m.Tags)
	m.EnrollmentJWT = storedJWT(m.StoreEnrollmentJWT, optString(d.EnrollmentJWT))
	m.EnrollmentExpiresAt = types.StringNull()
	if d.EnrollmentExpiresAt != nil {
		m.EnrollmentExpiresAt = timeString(*d.EnrollmentExpiresAt)
	}
	m.IsVerified = types.BoolValue(d.IsVerified)
	m.Fingerprint = types.StringValue(d.Fingerprint)
	if m.ReEnroll.IsUnknown() {
		m.ReEnroll = types.MapNull(types.StringType)
	}
}

// planReEnroll decides whether this plan re-enrolls the router, with a
// warning that says what that does: re_enroll fired (see triggerFired), or
// the router never enrolled and its enrollment_jwt expired (on_expiry).
func planReEnroll(plan, state *edgeRouterModel, now time.Time, diags *diag.Diagnostics) bool {
	what := fmt.Sprintf("edge router %q", state.Name.ValueString())
	if triggerFired(state.ReEnroll, plan.ReEnroll) {
		if state.IsVerified.ValueBool() {
			diags.AddAttributeWarning(path.Root("re_enroll"), "Edge router re-enrolls",
				fmt.Sprintf("re_enroll changed: this apply re-enrolls %s. Its current certificate is revoked at once (the running router disconnects) "+
					"and it must be enrolled again with the new enrollment_jwt.", what))
		} else {
			diags.AddAttributeWarning(path.Root("re_enroll"), "Edge router gets a new enrollment JWT",
				fmt.Sprintf("re_enroll changed: this apply replaces the unused enrollment_jwt of %s with a new one; the old one stops working.", what))
		}
		return true
	}
	if at, expired := tokenExpiry(state.EnrollmentExpiresAt, now); expired && !state.IsVerified.ValueBool() {
		return renewExpired(diags, plan.OnExpiry, what, "enrollment_jwt", at)
	}
	return false
}

// edgeRouterDiffers names the first attribute of the create body that the
// edge router d does not have, or "" when it has them all. Values the body
// leaves out match anything (the controller's defaults).
func edgeRouterDiffers(in *edgeapi.EdgeRouterCreate, d *edgeapi.EdgeRouterDetail) string {
	switch {
	case in.IsTunnelerEnabled != d.IsTunnelerEnabled:
		return "is_tunneler_enabled"
	case !sameStrings(deref(in.RoleAttributes), d.RoleAttributes):
		return "role_attributes"
	case sentDiffers(in.Cost, deref(d.Cost)):
		return "cost"
	case sentDiffers(in.NoTraversal, deref(d.NoTraversal)):
		return "no_traversal"
	case sentDiffers(in.Disabled, d.Disabled):
		return "disabled"
	case !sameTags(in.AppData, d.AppData):
		return "app_data"
	case !sameTags(in.Tags, d.Tags):
		return "tags"
	}
	return ""
}

// reEnrollIfAsked re-enrolls the router when the plan says so: ModifyPlan
// (planReEnroll) leaves enrollment_jwt unknown exactly then.
func reEnrollIfAsked(ctx context.Context, c *edgeapi.Client, id string, plan, _ *edgeRouterModel, diags *diag.Diagnostics) {
	if !plan.EnrollmentJWT.IsUnknown() {
		return
	}
	if err := c.ReEnrollEdgeRouter(ctx, id); err != nil {
		apiDiag(diags, "Re-enrolling edge router "+id, err)
	}
}
