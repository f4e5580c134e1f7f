package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

// NewEdgeRouterDataSource returns the ziti_edge_router data source: one edge router by id or exact name.
func NewEdgeRouterDataSource() datasource.DataSource {
	return &lookupDataSource[edgeapi.EdgeRouterDetail, edgeRouterDataModel]{
		networkDataSource: newNetworkDataSource("edge_router"), what: "edge router", collection: edgeapi.EdgeRouters, schema: edgeRouterDataSchema, fill: (*edgeRouterDataModel).fromAPI,
	}
}

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

func edgeRouterDataSchema() schema.Schema {
	return schema.Schema{
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

// fromAPI fills the data source's model through the resource's.
func (m *edgeRouterDataModel) fromAPI(d *edgeapi.EdgeRouterDetail) {
	r := edgeRouterModel{AppData: typesMapNull(), Tags: typesMapNull()}
	r.fromAPI(d)
	*m = edgeRouterDataModel{
		ID: r.ID, Name: r.Name, RoleAttributes: r.RoleAttributes, IsTunnelerEnabled: r.IsTunnelerEnabled,
		Cost: r.Cost, NoTraversal: r.NoTraversal, Disabled: r.Disabled, AppData: r.AppData, Tags: r.Tags,
		IsVerified: r.IsVerified, IsOnline: types.BoolValue(d.IsOnline), Fingerprint: r.Fingerprint,
		EnrollmentJWT: r.EnrollmentJWT, EnrollmentExpiresAt: r.EnrollmentExpiresAt,
	}
}
