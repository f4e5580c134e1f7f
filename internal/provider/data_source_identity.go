package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var (
	_ datasource.DataSourceWithConfigure        = (*identityDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*identityDataSource)(nil)
)

func newIdentityDataSource() datasource.DataSource { return &identityDataSource{} }

// identityDataSource reads one identity by id or name.
type identityDataSource struct{ networkResource }

func (d *identityDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_identity"
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

func (d *identityDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := identityDataAttributes()
	attrs["id"] = schema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: "Identity id; set this or `name`."}
	attrs["name"] = schema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: "Exact name; set this or `id`."}
	resp.Schema = schema.Schema{MarkdownDescription: "Reads one identity by id or exact name.", Attributes: attrs}
}

func (d *identityDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("name"))}
}

func (d *identityDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.configure(req.ProviderData, &resp.Diagnostics)
}

func (d *identityDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg identityDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	c := d.dataClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	found := lookupByIDOrName(ctx, &resp.Diagnostics, "identity", cfg.ID, cfg.Name, c.GetIdentity, c.ListIdentities)
	if found == nil {
		return
	}
	m := identityModel{AppData: typesMapNull(), Tags: typesMapNull()}
	m.fromAPI(found)
	out := identityData(&m)
	resp.Diagnostics.Append(resp.State.Set(ctx, &out)...)
}

func typesMapNull() types.Map { return types.MapNull(types.StringType) }
