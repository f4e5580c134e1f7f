package provider

import (
	"context"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

// listDataSource lists the objects of a networkKind that match an Edge API
// filter, sorted by name: the ziti_<plural> data sources (ziti_services,
// ziti_service_policies...). Each object has the attributes of the kind's
// resource, all computed, with its ids beside them.
type listDataSource[M, D, B any] struct {
	networkDataSource
	kind *networkKind[M, D, B]
	// plural names the type (ziti_<plural>) and the attribute holding the
	// objects.
	plural string
	// example is a filter shown in the filter's description.
	example string
}

var _ datasource.DataSourceWithConfigure = (*listDataSource[struct{}, struct{}, struct{}])(nil)

// newKindListDataSource returns the list data source ziti_<plural> of kind.
func newKindListDataSource[M, D, B any](kind *networkKind[M, D, B], plural, example string) datasource.DataSource {
	return &listDataSource[M, D, B]{networkDataSource: newNetworkDataSource(plural), kind: kind, plural: plural, example: example}
}

func (d *listDataSource[M, D, B]) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	what := strings.ReplaceAll(d.plural, "_", " ")
	resp.Schema = dsschema.Schema{
		MarkdownDescription: "Lists the " + what + " matching an Edge API filter, sorted by name.",
		Attributes: map[string]dsschema.Attribute{
			"filter": dsschema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Edge API filter, e.g. `" + d.example + "`. Empty lists every one.",
			},
			"ids": dsschema.ListAttribute{ElementType: types.StringType, Computed: true, MarkdownDescription: "Ids of the matching " + what + ", in the order of `" + d.plural + "`."},
			d.plural: dsschema.ListNestedAttribute{
				Computed: true, MarkdownDescription: "The matching " + what + ", with the attributes of the `ziti_" + d.kind.typeName + "` resource.",
				NestedObject: dsschema.NestedAttributeObject{Attributes: dataAttributes(d.kind.schema().Attributes)},
			},
		},
	}
}

func (d *listDataSource[M, D, B]) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var filter types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("filter"), &filter)...)
	c := d.dataClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	list, err := d.kind.collection.List(ctx, c, edgeapi.ListOptions{Filter: filter.ValueString()})
	if err != nil {
		apiDiag(&resp.Diagnostics, "Listing "+strings.ReplaceAll(d.plural, "_", " "), err)
		return
	}
	type named struct {
		name string
		m    M
		id   string
	}
	rows := make([]named, len(list))
	for i := range list {
		base, name := d.kind.named(&list[i])
		rows[i].name, rows[i].id = name, base.ID
		d.kind.fromAPI(&rows[i].m, &list[i])
	}
	// Sorted here rather than with the API's sort parameter, which not
	// every controller honours: a stable order keeps plans quiet.
	sort.Slice(rows, func(i, j int) bool { return rows[i].name < rows[j].name })
	attrTypes := map[string]attr.Type{}
	for k, a := range dataAttributes(d.kind.schema().Attributes) {
		attrTypes[k] = a.GetType()
	}
	objs := make([]attr.Value, 0, len(rows))
	ids := make([]attr.Value, 0, len(rows))
	for _, r := range rows {
		o, diags := types.ObjectValueFrom(ctx, attrTypes, r.m)
		resp.Diagnostics.Append(diags...)
		objs = append(objs, o)
		ids = append(ids, types.StringValue(r.id))
	}
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("filter"), filter)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("ids"), types.ListValueMust(types.StringType, ids))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(d.plural), types.ListValueMust(types.ObjectType{AttrTypes: attrTypes}, objs))...)
}
