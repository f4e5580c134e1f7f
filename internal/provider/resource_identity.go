package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

var (
	_ resource.ResourceWithConfigure   = (*identityResource)(nil)
	_ resource.ResourceWithImportState = (*identityResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*identityResource)(nil)
)

func newIdentityResource() resource.Resource { return &identityResource{} }

// identityResource manages /identities. Enrollments are separate
// (ziti_enrollment), so an identity is created without one.
type identityResource struct{ networkResource }

type identityModel struct {
	ID                       types.String `tfsdk:"id"`
	Name                     types.String `tfsdk:"name"`
	Type                     types.String `tfsdk:"type"`
	IsAdmin                  types.Bool   `tfsdk:"is_admin"`
	RoleAttributes           types.Set    `tfsdk:"role_attributes"`
	ExternalID               types.String `tfsdk:"external_id"`
	AuthPolicyID             types.String `tfsdk:"auth_policy_id"`
	DefaultHostingPrecedence types.String `tfsdk:"default_hosting_precedence"`
	DefaultHostingCost       types.Int64  `tfsdk:"default_hosting_cost"`
	AppData                  types.Map    `tfsdk:"app_data"`
	Tags                     types.Map    `tfsdk:"tags"`
	IsEnrolled               types.Bool   `tfsdk:"is_enrolled"`
	IsDefaultAdmin           types.Bool   `tfsdk:"is_default_admin"`
}

func (r *identityResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_identity"
}

var identityTypes = []string{edgeapi.IdentityTypeDefault, edgeapi.IdentityTypeUser, edgeapi.IdentityTypeDevice, edgeapi.IdentityTypeService}

func (r *identityResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "An identity on the controller (`/identities`). Hand it an enrollment token with `ziti_enrollment`.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed: true, MarkdownDescription: "Identity id.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"name": schema.StringAttribute{
				Required: true, MarkdownDescription: "Unique name.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"type": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString(edgeapi.IdentityTypeDefault),
				MarkdownDescription: "`Default`, `User`, `Device` or `Service`.",
				Validators:          []validator.String{stringvalidator.OneOf(identityTypes...)},
			},
			"is_admin": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Whether the identity may use the management API with full rights.",
			},
			"role_attributes": schema.SetAttribute{
				ElementType: types.StringType, Optional: true, Computed: true,
				Default:             setdefault.StaticValue(types.SetValueMust(types.StringType, nil)),
				MarkdownDescription: "Role attributes that policies select the identity by (e.g. `#devices`).",
			},
			"external_id": schema.StringAttribute{
				Optional: true, MarkdownDescription: "External id matched by a third-party CA's `external_id_claim`.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"auth_policy_id": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "Auth policy id; the controller's built-in `default` when unset.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"default_hosting_precedence": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString("default"),
				MarkdownDescription: "`default`, `required` or `failed`.",
				Validators:          []validator.String{stringvalidator.OneOf("default", "required", "failed")},
			},
			"default_hosting_cost": schema.Int64Attribute{
				Optional: true, Computed: true, Default: int64default.StaticInt64(0),
				MarkdownDescription: "Default hosting cost, 0 to 65535.",
				Validators:          []validator.Int64{int64validator.Between(0, 65535)},
			},
			"app_data": schema.MapAttribute{
				ElementType: types.StringType, Optional: true, MarkdownDescription: "Application data (string values).",
			},
			"tags": schema.MapAttribute{
				ElementType: types.StringType, Optional: true, MarkdownDescription: "Tags (string values).",
			},
			"is_enrolled": schema.BoolAttribute{
				Computed: true, MarkdownDescription: "Whether the identity has a certificate or password authenticator (it has enrolled).",
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
			"is_default_admin": schema.BoolAttribute{
				Computed: true, MarkdownDescription: "Whether this is the controller's default admin.",
				PlanModifiers: []planmodifier.Bool{boolplanmodifier.UseStateForUnknown()},
			},
		},
	}
}

func (r *identityResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.configure(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan reports a missing controller at plan time, once per resource,
// instead of letting the apply fail half-way.
func (r *identityResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	if r.data != nil {
		r.data.networkClient(&resp.Diagnostics)
	}
}

func (r *identityResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan identityModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	c := r.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() || c == nil {
		return
	}
	roles := stringsFromSet(ctx, plan.RoleAttributes, &resp.Diagnostics)
	in := &edgeapi.IdentityCreate{
		Name:                     plan.Name.ValueString(),
		Type:                     plan.Type.ValueString(),
		IsAdmin:                  plan.IsAdmin.ValueBool(),
		RoleAttributes:           &roles,
		AuthPolicyID:             strPtrOrNil(plan.AuthPolicyID),
		ExternalID:               strPtrOrNil(plan.ExternalID),
		DefaultHostingCost:       ptr(plan.DefaultHostingCost.ValueInt64()),
		DefaultHostingPrecedence: plan.DefaultHostingPrecedence.ValueString(),
		AppData:                  tagsFromMap(ctx, plan.AppData, &resp.Diagnostics),
		Tags:                     tagsFromMap(ctx, plan.Tags, &resp.Diagnostics),
	}
	if resp.Diagnostics.HasError() {
		return
	}
	// A create whose answer is lost (the controller killed or restarted
	// mid-request) is resolved by the identity's unique name, so that an
	// identity the controller did create is not left untracked.
	id, ok := createByName(ctx, c, &resp.Diagnostics, "identity", in.Name,
		func(ctx context.Context) (string, error) { return c.CreateIdentity(ctx, in) },
		func(ctx context.Context) ([]createCandidate, error) { return findIdentityByName(ctx, c, in) })
	if !ok {
		return
	}
	// Record the id first: if the read below fails, the next apply knows
	// the identity exists instead of creating a duplicate.
	plan.ID = types.StringValue(id)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
	d, err := c.GetIdentity(ctx, id)
	if err != nil {
		apiDiag(&resp.Diagnostics, "Reading identity "+id+" after create", err)
		return
	}
	plan.fromAPI(d)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// findIdentityByName lists the identities named in.Name (at most one: names
// are unique) and says how each differs from in.
func findIdentityByName(ctx context.Context, c *edgeapi.Client, in *edgeapi.IdentityCreate) ([]createCandidate, error) {
	return findByName(ctx, in.Name, c.ListIdentities, func(d *edgeapi.IdentityDetail) (string, createCandidate) {
		return d.Name, createCandidate{ID: d.ID, CreatedAt: d.CreatedAt, Differs: identityDiffers(in, d)}
	})
}

// identityDiffers names the first attribute of the create body that the
// identity d does not have, or "" when it has them all. Values the
// controller fills in when the body leaves them out (the auth policy, the
// hosting precedence) match anything.
func identityDiffers(in *edgeapi.IdentityCreate, d *edgeapi.IdentityDetail) string {
	switch {
	case in.Type != "" && in.Type != d.TypeName():
		return "type"
	case in.IsAdmin != d.IsAdmin:
		return "is_admin"
	case !sameStrings(deref(in.RoleAttributes), d.RoleAttributes):
		return "role_attributes"
	case deref(in.ExternalID) != deref(d.ExternalID):
		return "external_id"
	case sentDiffers(in.AuthPolicyID, d.AuthPolicyID):
		return "auth_policy_id"
	case sentDiffers(in.DefaultHostingCost, d.DefaultHostingCost):
		return "default_hosting_cost"
	case in.DefaultHostingPrecedence != "" && in.DefaultHostingPrecedence != hostingPrecedence(d):
		return "default_hosting_precedence"
	case !sameTags(in.AppData, d.AppData):
		return "app_data"
	case !sameTags(in.Tags, d.Tags):
		return "tags"
	}
	return ""
}

// hostingPrecedence is the identity's default hosting precedence, with
// the API's "unset" read as "default", which it means.
func hostingPrecedence(d *edgeapi.IdentityDetail) string {
	if d.DefaultHostingPrecedence == "" {
		return "default"
	}
	return d.DefaultHostingPrecedence
}

// fromAPI copies the controller's view into the model. Optional values that
// were null and come back as the API's "unset" stay null.
func (m *identityModel) fromAPI(d *edgeapi.IdentityDetail) {
	m.ID = types.StringValue(d.ID)
	m.Name = types.StringValue(d.Name)
	m.Type = types.StringValue(d.TypeName())
	m.IsAdmin = types.BoolValue(d.IsAdmin)
	m.RoleAttributes = setFromStrings(d.RoleAttributes)
	m.ExternalID = optString(d.ExternalID)
	if d.AuthPolicyID != "" {
		m.AuthPolicyID = types.StringValue(d.AuthPolicyID)
	} else if m.AuthPolicyID.IsUnknown() {
		m.AuthPolicyID = types.StringNull()
	}
	m.DefaultHostingPrecedence = types.StringValue(hostingPrecedence(d))
	m.DefaultHostingCost = types.Int64Value(d.DefaultHostingCost)
	m.AppData = tagsToMap(d.AppData, m.AppData)
	m.Tags = tagsToMap(d.Tags, m.Tags)
	m.IsEnrolled = types.BoolValue(d.Authenticators.Cert != nil || d.Authenticators.Updb != nil)
	m.IsDefaultAdmin = types.BoolValue(d.IsDefaultAdmin)
}

func (r *identityResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state identityModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	d, ok := readRemote(ctx, &r.networkResource, resp, "identity", state.ID.ValueString(), (*edgeapi.Client).GetIdentity)
	if !ok {
		return
	}
	prior := state
	state.fromAPI(d)
	setRefreshed(ctx, resp, &prior, &state)
}

func (r *identityResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state identityModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	c := r.client(&resp.Diagnostics)
	if resp.Diagnostics.HasError() || c == nil {
		return
	}
	roles := stringsFromSet(ctx, plan.RoleAttributes, &resp.Diagnostics)
	in := &edgeapi.IdentityUpdate{
		Name:                     plan.Name.ValueString(),
		Type:                     plan.Type.ValueString(),
		IsAdmin:                  plan.IsAdmin.ValueBool(),
		RoleAttributes:           &roles,
		AuthPolicyID:             strPtrOrNil(plan.AuthPolicyID),
		ExternalID:               strPtrOrNil(plan.ExternalID),
		DefaultHostingCost:       ptr(plan.DefaultHostingCost.ValueInt64()),
		DefaultHostingPrecedence: plan.DefaultHostingPrecedence.ValueString(),
		AppData:                  tagsFromMap(ctx, plan.AppData, &resp.Diagnostics),
		Tags:                     tagsFromMap(ctx, plan.Tags, &resp.Diagnostics),
	}
	if resp.Diagnostics.HasError() {
		return
	}
	id := state.ID.ValueString()
	if err := c.UpdateIdentity(ctx, id, in); err != nil {
		apiDiag(&resp.Diagnostics, "Updating identity "+id, err)
		return
	}
	d, err := c.GetIdentity(ctx, id)
	if err != nil {
		apiDiag(&resp.Diagnostics, "Reading identity "+id+" after update", err)
		return
	}
	plan.fromAPI(d)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *identityResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state identityModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	deleteRemote(ctx, &r.networkResource, &resp.Diagnostics, "identity", state.ID.ValueString(), (*edgeapi.Client).DeleteIdentity)
}

func (r *identityResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	resource.ImportStatePassthroughID(ctx, path.Root("id"), req, resp)
}
