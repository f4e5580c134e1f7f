package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

// NewIdentityDataSource returns the ziti_identity data source: one identity by id or exact name.
func NewIdentityDataSource() datasource.DataSource {
	return &lookupDataSource[edgeapi.IdentityDetail, identityDataModel]{
		networkDataSource: newNetworkDataSource("identity"), what: "identity", collection: edgeapi.Identities, schema: identityDataSchema, fill: (*identityDataModel).fromAPI,
	}
}

// identityDataAttributes are the read-only attributes shared by the
// ziti_identity and ziti_identities data sources.
func identityDataAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id":                         schema.StringAttribute{Computed: true, MarkdownDescription: "Identity id."},
		"name":                       schema.StringAttribute{Computed: true, MarkdownDescription: "Name."},
		"type":                       schema.StringAttribute{Computed: true, MarkdownDescription: "Type."},
		"is_admin":                   schema.BoolAttribute{Computed: true, MarkdownDescription: "Admin flag."},
		"is_default_admin":           schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether this is the default admin."},
		"role_attributes":            schema.SetAttribute{ElementType: types.StringType, Computed: true, MarkdownDescription: "Role attributes."},
		"external_id":                schema.StringAttribute{Computed: true, MarkdownDescription: "External id."},
		"auth_policy_id":             schema.StringAttribute{Computed: true, MarkdownDescription: "Auth policy id."},
		"default_hosting_precedence": schema.StringAttribute{Computed: true, MarkdownDescription: "Default hosting precedence."},
		"default_hosting_cost":       schema.Int64Attribute{Computed: true, MarkdownDescription: "Default hosting cost."},
		"app_data":                   schema.MapAttribute{ElementType: types.StringType, Computed: true, MarkdownDescription: "Application data."},
		"tags":                       schema.MapAttribute{ElementType: types.StringType, Computed: true, MarkdownDescription: "Tags."},
		"is_enrolled":                schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the identity has enrolled."},
	}
}

type identityDataModel struct {
	ID                       types.String `tfsdk:"id"`
	Name                     types.String `tfsdk:"name"`
	Type                     types.String `tfsdk:"type"`
	IsAdmin                  types.Bool   `tfsdk:"is_admin"`
	IsDefaultAdmin           types.Bool   `tfsdk:"is_default_admin"`
	RoleAttributes           types.Set    `tfsdk:"role_attributes"`
	ExternalID               types.String `tfsdk:"external_id"`
	AuthPolicyID             types.String `tfsdk:"auth_policy_id"`
	DefaultHostingPrecedence types.String `tfsdk:"default_hosting_precedence"`
	DefaultHostingCost       types.Int64  `tfsdk:"default_hosting_cost"`
	AppData                  types.Map    `tfsdk:"app_data"`
	Tags                     types.Map    `tfsdk:"tags"`
	IsEnrolled               types.Bool   `tfsdk:"is_enrolled"`
}

func identityData(m *identityModel) identityDataModel {
	return identityDataModel{
		ID: m.ID, Name: m.Name, Type: m.Type, IsAdmin: m.IsAdmin, IsDefaultAdmin: m.IsDefaultAdmin,
		RoleAttributes: m.RoleAttributes, ExternalID: m.ExternalID, AuthPolicyID: m.AuthPolicyID,
		DefaultHostingPrecedence: m.DefaultHostingPrecedence, DefaultHostingCost: m.DefaultHostingCost,
		AppData: m.AppData, Tags: m.Tags, IsEnrolled: m.IsEnrolled,
	}
}

func identityDataSchema() schema.Schema {
	attrs := identityDataAttributes()
	attrs["id"] = schema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: "Identity id; set this or `name`."}
	attrs["name"] = schema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: "Exact name; set this or `id`."}
	return schema.Schema{MarkdownDescription: "Reads one identity by id or exact name.", Attributes: attrs}
}

// fromAPI fills the data source's model through the resource's.
func (m *identityDataModel) fromAPI(d *edgeapi.IdentityDetail) {
	r := identityModel{AppData: typesMapNull(), Tags: typesMapNull()}
	r.fromAPI(d)
	*m = identityData(&r)
}

func typesMapNull() types.Map { return types.MapNull(types.StringType) }
