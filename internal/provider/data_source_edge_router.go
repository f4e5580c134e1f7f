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
	_ datasource.DataSourceWithConfigure        = (*edgeRouterDataSource)(nil)
	_ datasource.DataSourceWithConfigValidators = (*edgeRouterDataSource)(nil)
)

func newEdgeRouterDataSource() datasource.DataSource { return &edgeRouterDataSource{} }

// edgeRouterDataSource reads one edge router by id or name.
type edgeRouterDataSource struct{ networkResource }

type edgeRouterDataModel struct {
	ID                  types.String `tfsdk:"id"`
	Name                types.String `tfsdk:"name"`
	RoleAttributes      types.Set    `tfsdk:"role_attributes"`
	IsTunnelerEnabled   types.Bool   `tfsdk:"is_tunneler_enabled"`
	Cost                types.Int64  `tfsdk:"cost"`
	NoTraversal         types.Bool   `tfsdk:"no_traversal"`
	Disabled            types.Bool   `tfsdk:"disabled"`
	AppData             types.Map    `tfsdk:"app_data"`
	Tags                types.Map    `tfsdk:"tags"`
	IsVerified          types.Bool   `tfsdk:"is_verified"`
	IsOnline            types.Bool   `tfsdk:"is_online"`
	Fingerprint         types.String `tfsdk:"fingerprint"`
	EnrollmentJWT       types.String `tfsdk:"enrollment_jwt"`
	EnrollmentExpiresAt types.String `tfsdk:"enrollment_expires_at"`
}

func (d *edgeRouterDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_edge_router"
}

func (d *edgeRouterDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one edge router by id or exact name.",
		Attributes: map[string]schema.Attribute{
			"id":                    schema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: "Edge router id; set this or `name`."},
			"name":                  schema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: "Exact name; set this or `id`."},
			"role_attributes":       schema.SetAttribute{ElementType: types.StringType, Computed: true, MarkdownDescription: "Role attributes."},
			"is_tunneler_enabled":   schema.BoolAttribute{Computed: true, MarkdownDescription: "Tunneler enabled."},
			"cost":                  schema.Int64Attribute{Computed: true, MarkdownDescription: "Cost."},
			"no_traversal":          schema.BoolAttribute{Computed: true, MarkdownDescription: "No traversal."},
			"disabled":              schema.BoolAttribute{Computed: true, MarkdownDescription: "Disabled."},
			"app_data":              schema.MapAttribute{ElementType: types.StringType, Computed: true, MarkdownDescription: "Application data."},
			"tags":                  schema.MapAttribute{ElementType: types.StringType, Computed: true, MarkdownDescription: "Tags."},
			"is_verified":           schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the router has enrolled."},
			"is_online":             schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether the router is connected."},
			"fingerprint":           schema.StringAttribute{Computed: true, MarkdownDescription: "Certificate fingerprint."},
			"enrollment_jwt":        schema.StringAttribute{Computed: true, Sensitive: true, MarkdownDescription: "Enrollment JWT while not enrolled."},
			"enrollment_expires_at": schema.StringAttribute{Computed: true, MarkdownDescription: "Expiry of the enrollment JWT."},
		},
	}
}

func (d *edgeRouterDataSource) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("name"))}
}

func (d *edgeRouterDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.configure(req.ProviderData, &resp.Diagnostics)
}

func (d *edgeRouterDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg edgeRouterDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	c := d.dataClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	found := lookupByIDOrName(ctx, &resp.Diagnostics, "edge router", cfg.ID, cfg.Name, c.GetEdgeRouter, c.ListEdgeRouters)
	if found == nil {
		return
	}
	m := edgeRouterModel{AppData: typesMapNull(), Tags: typesMapNull()}
	m.fromAPI(found)
	out := edgeRouterDataModel{
		ID: m.ID, Name: m.Name, RoleAttributes: m.RoleAttributes, IsTunnelerEnabled: m.IsTunnelerEnabled,
		Cost: m.Cost, NoTraversal: m.NoTraversal, Disabled: m.Disabled, AppData: m.AppData, Tags: m.Tags,
		IsVerified: m.IsVerified, IsOnline: types.BoolValue(found.IsOnline), Fingerprint: m.Fingerprint,
		EnrollmentJWT: m.EnrollmentJWT, EnrollmentExpiresAt: m.EnrollmentExpiresAt,
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &out)...)
}
