package provider

import (
	"context"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

var _ datasource.DataSourceWithConfigure = (*identitiesDataSource)(nil)

// NewIdentitiesDataSource returns the ziti_identities data source.
func NewIdentitiesDataSource() datasource.DataSource {
	return &identitiesDataSource{networkDataSource: newNetworkDataSource("identities")}
}

// identitiesDataSource lists identities matching an Edge API filter.
type identitiesDataSource struct{ networkDataSource }

type identitiesDataModel struct {
	Filter     types.String `tfsdk:"filter"`
	Identities types.List   `tfsdk:"identities"`
	IDs        types.List   `tfsdk:"ids"`
}

func (d *identitiesDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists identities matching an Edge API filter, sorted by name.",
		Attributes: map[string]schema.Attribute{
			"filter": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Edge API filter, e.g. `name contains \"device\"` or `isAdmin = true`. Empty lists every identity.",
			},
			"ids": schema.ListAttribute{ElementType: types.StringType, Computed: true, MarkdownDescription: "Ids of the matching identities."},
			"identities": schema.ListNestedAttribute{
				Computed: true, MarkdownDescription: "The matching identities.",
				NestedObject: schema.NestedAttributeObject{Attributes: identityDataAttributes()},
			},
		},
	}
}

func (d *identitiesDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg identitiesDataModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	c := d.dataClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	list, err := c.ListIdentities(ctx, edgeapi.ListOptions{Filter: cfg.Filter.ValueString()})
	if err != nil {
		apiDiag(&resp.Diagnostics, "Listing identities", err)
		return
	}
	// Sorted here rather than with the API's sort parameter, which not
	// every controller honours: a stable order keeps plans quiet.
	sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	objType := types.ObjectType{AttrTypes: map[string]attr.Type{}}
	for k, a := range identityDataAttributes() {
		objType.AttrTypes[k] = a.GetType()
	}
	objs := make([]attr.Value, 0, len(list))
	ids := make([]attr.Value, 0, len(list))
	for i := range list {
		m := identityModel{AppData: typesMapNull(), Tags: typesMapNull()}
		m.fromAPI(&list[i])
		dm := identityData(&m)
		o, diags := types.ObjectValueFrom(ctx, objType.AttrTypes, dm)
		resp.Diagnostics.Append(diags...)
		objs = append(objs, o)
		ids = append(ids, m.ID)
	}
	cfg.Identities = types.ListValueMust(objType, objs)
	cfg.IDs = types.ListValueMust(types.StringType, ids)
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}
