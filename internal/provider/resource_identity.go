package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
	"github.com/zitiform/terraform-provider-ziti/internal/provider/validators"
)

// identityKind is ziti_identity: /identities. Enrollments are separate
// (ziti_enrollment), so an identity is created without one.
var identityKind = &networkKind[identityModel, edgeapi.IdentityDetail, edgeapi.IdentityCreate]{
	typeName: "identity", what: "identity", collection: edgeapi.Identities,
	schema: identitySchema, toAPI: (*identityModel).toAPI, fromAPI: (*identityModel).fromAPI,
	named:   func(d *edgeapi.IdentityDetail) (*edgeapi.BaseEntity, string) { return &d.BaseEntity, d.Name },
	differs: identityDiffers,
}

// NewIdentityResource returns the ziti_identity resource.
func NewIdentityResource() resource.Resource { return newKindResource(identityKind) }

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

var identityTypes = []string{edgeapi.IdentityTypeDefault, edgeapi.IdentityTypeUser, edgeapi.IdentityTypeDevice, edgeapi.IdentityTypeService}

// storedAsDefault reports whether OpenZiti stores identity type t as
// Default: it still accepts User, Device and Service (its API lists them)
// but keeps no such type (checked with v1.7.2).
func storedAsDefault(t string) bool {
	return t == edgeapi.IdentityTypeUser || t == edgeapi.IdentityTypeDevice || t == edgeapi.IdentityTypeService
}

// sameIdentityType compares a configured type with the controller's,
// which is Default for the types it stores as Default.
func sameIdentityType(configured, got string) bool {
	return configured == got || (got == edgeapi.IdentityTypeDefault && storedAsDefault(configured))
}

func identitySchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "An identity on the controller (`/identities`). Hand it an enrollment token with `ziti_enrollment`.",
		Attributes: map[string]schema.Attribute{
			"id":   idAttribute("Identity id."),
			"name": nameAttribute(),
			"type": schema.StringAttribute{
				Optional: true, Computed: true, Default: stringdefault.StaticString(edgeapi.IdentityTypeDefault),
				MarkdownDescription: "`Default`, `User`, `Device` or `Service`. OpenZiti (v1.7.2, and controllersrv likewise) accepts `User`, `Device` and `Service` but stores them as `Default`: the state keeps the value set here, while an import or the `ziti_identity` data source shows `Default`.",
				Validators:          []validator.String{stringvalidator.OneOf(identityTypes...)},
			},
			"is_admin": schema.BoolAttribute{
				Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Whether the identity may use the management API with full rights.",
			},
			"role_attributes": roleAttributesAttribute("Role attributes that policies select the identity by (e.g. `#devices`)."),
			"external_id": schema.StringAttribute{
				Optional: true, MarkdownDescription: "External id matched by a third-party CA's `external_id_claim`.",
				Validators: []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"auth_policy_id": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "Auth policy id; the controller's built-in `default` when unset (an empty string is refused: the controller stores `default` instead).",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
				Validators:          []validator.String{validators.ControllerDefaulted(`"default"`)},
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
			"app_data": appDataAttribute(),
			"tags":     tagsAttribute(),
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

// toAPI is the create and replace body: PUT takes the same fields, and
// the enrollment, which only a create could take, is left out.
func (m *identityModel) toAPI(ctx context.Context, diags *diag.Diagnostics) *edgeapi.IdentityCreate {
	roles := stringsFromSet(ctx, m.RoleAttributes, diags)
	return &edgeapi.IdentityCreate{
		Name:                     m.Name.ValueString(),
		Type:                     m.Type.ValueString(),
		IsAdmin:                  m.IsAdmin.ValueBool(),
		RoleAttributes:           &roles,
		AuthPolicyID:             strPtrOrNil(m.AuthPolicyID),
		ExternalID:               strPtrOrNil(m.ExternalID),
		DefaultHostingCost:       ptr(m.DefaultHostingCost.ValueInt64()),
		DefaultHostingPrecedence: m.DefaultHostingPrecedence.ValueString(),
		AppData:                  tagsFromMap(ctx, m.AppData, diags),
		Tags:                     tagsFromMap(ctx, m.Tags, diags),
	}
}

// identityDiffers names the first attribute of the create body that the
// identity d does not have, or "" when it has them all. Values the
// controller fills in when the body leaves them out (the auth policy, the
// hosting precedence) match anything.
func identityDiffers(in *edgeapi.IdentityCreate, d *edgeapi.IdentityDetail) string {
	switch {
	case in.Type != "" && !sameIdentityType(in.Type, d.TypeName()):
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
// were null and come back as the API's "unset" stay null; a type the
// controller stores as Default keeps the value the model had.
func (m *identityModel) fromAPI(d *edgeapi.IdentityDetail) {
	m.ID = types.StringValue(d.ID)
	m.Name = types.StringValue(d.Name)
	if !sameIdentityType(m.Type.ValueString(), d.TypeName()) {
		m.Type = types.StringValue(d.TypeName())
	}
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
