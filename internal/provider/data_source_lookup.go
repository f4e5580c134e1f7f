package provider

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/datasourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

// lookupDataSource reads one object of a collection by id or by exact
// name: the data source of every named network kind. D is the API's detail
// model, M the data source's model, which fill sets from the object found;
// Read starts it from the configuration, so every attribute fill leaves
// alone stays null with its type.
type lookupDataSource[D, M any] struct {
	networkDataSource
	// what names the kind in diagnostics ("edge router").
	what       string
	collection edgeapi.Collection[D]
	schema     func() dsschema.Schema
	fill       func(m *M, d *D)
	// accept, when set, says why the object found is not of this kind
	// ("" when it is); see networkKind.accept.
	accept func(d *D) string
}

var (
	_ datasource.DataSourceWithConfigure        = (*lookupDataSource[struct{}, struct{}])(nil)
	_ datasource.DataSourceWithConfigValidators = (*lookupDataSource[struct{}, struct{}])(nil)
)

func (d *lookupDataSource[D, M]) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = d.schema()
}

func (d *lookupDataSource[D, M]) ConfigValidators(context.Context) []datasource.ConfigValidator {
	return []datasource.ConfigValidator{datasourcevalidator.ExactlyOneOf(path.MatchRoot("id"), path.MatchRoot("name"))}
}

func (d *lookupDataSource[D, M]) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m M
	var id, name types.String
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("id"), &id)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("name"), &name)...)
	c := d.dataClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	found := lookupByIDOrName(ctx, &resp.Diagnostics, d.what, id, name,
		func(ctx context.Context, id string) (*D, error) { return d.collection.Get(ctx, c, id) },
		func(ctx context.Context, opts edgeapi.ListOptions) ([]D, error) {
			return d.collection.List(ctx, c, opts)
		})
	if found == nil {
		return
	}
	if d.accept != nil {
		if why := d.accept(found); why != "" {
			resp.Diagnostics.AddError("Wrong kind of "+d.what, "The "+d.what+" data source found an object that is not one: "+why+".")
			return
		}
	}
	d.fill(&m, found)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// dataSchemaOf derives a lookup data source's schema from a resource
// schema: the same attributes with the same types and descriptions, all
// computed, except id and name, which select the object (exactly one of
// them is set). Write-only attributes are left out: they are never read
// back. Blocks are not carried over: network kinds use nested attributes.
func dataSchemaOf(rs schema.Schema, description, what string) dsschema.Schema {
	attrs := dataAttributes(rs.Attributes)
	attrs["id"] = dsschema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: upperFirst(what) + " id; set this or `name`."}
	attrs["name"] = dsschema.StringAttribute{Optional: true, Computed: true, MarkdownDescription: "Exact name; set this or `id`."}
	return dsschema.Schema{MarkdownDescription: description, Attributes: attrs}
}

// dataAttributes converts resource attributes to computed data source
// attributes, nested ones included.
func dataAttributes(in map[string]schema.Attribute) map[string]dsschema.Attribute {
	out := make(map[string]dsschema.Attribute, len(in))
	for name, a := range in {
		if a.IsWriteOnly() {
			continue
		}
		desc, sens := a.GetMarkdownDescription(), a.IsSensitive()
		switch a := a.(type) {
		case schema.StringAttribute:
			out[name] = dsschema.StringAttribute{Computed: true, Sensitive: sens, MarkdownDescription: desc, CustomType: a.CustomType}
		case schema.BoolAttribute:
			out[name] = dsschema.BoolAttribute{Computed: true, Sensitive: sens, MarkdownDescription: desc, CustomType: a.CustomType}
		case schema.Int64Attribute:
			out[name] = dsschema.Int64Attribute{Computed: true, Sensitive: sens, MarkdownDescription: desc, CustomType: a.CustomType}
		case schema.Float64Attribute:
			out[name] = dsschema.Float64Attribute{Computed: true, Sensitive: sens, MarkdownDescription: desc, CustomType: a.CustomType}
		case schema.NumberAttribute:
			out[name] = dsschema.NumberAttribute{Computed: true, Sensitive: sens, MarkdownDescription: desc, CustomType: a.CustomType}
		case schema.ListAttribute:
			out[name] = dsschema.ListAttribute{Computed: true, Sensitive: sens, MarkdownDescription: desc, ElementType: a.ElementType, CustomType: a.CustomType}
		case schema.SetAttribute:
			out[name] = dsschema.SetAttribute{Computed: true, Sensitive: sens, MarkdownDescription: desc, ElementType: a.ElementType, CustomType: a.CustomType}
		case schema.MapAttribute:
			out[name] = dsschema.MapAttribute{Computed: true, Sensitive: sens, MarkdownDescription: desc, ElementType: a.ElementType, CustomType: a.CustomType}
		case schema.ObjectAttribute:
			out[name] = dsschema.ObjectAttribute{Computed: true, Sensitive: sens, MarkdownDescription: desc, AttributeTypes: a.AttributeTypes, CustomType: a.CustomType}
		case schema.SingleNestedAttribute:
			out[name] = dsschema.SingleNestedAttribute{Computed: true, Sensitive: sens, MarkdownDescription: desc,
				Attributes: dataAttributes(a.Attributes), CustomType: a.CustomType}
		case schema.ListNestedAttribute:
			out[name] = dsschema.ListNestedAttribute{Computed: true, Sensitive: sens, MarkdownDescription: desc,
				NestedObject: dsschema.NestedAttributeObject{Attributes: dataAttributes(a.NestedObject.Attributes)}, CustomType: a.CustomType}
		case schema.SetNestedAttribute:
			out[name] = dsschema.SetNestedAttribute{Computed: true, Sensitive: sens, MarkdownDescription: desc,
				NestedObject: dsschema.NestedAttributeObject{Attributes: dataAttributes(a.NestedObject.Attributes)}, CustomType: a.CustomType}
		case schema.MapNestedAttribute:
			out[name] = dsschema.MapNestedAttribute{Computed: true, Sensitive: sens, MarkdownDescription: desc,
				NestedObject: dsschema.NestedAttributeObject{Attributes: dataAttributes(a.NestedObject.Attributes)}, CustomType: a.CustomType}
		default:
			// A new attribute type: the unit test of dataSchemaOf fails here.
			panic("dataAttributes: unsupported attribute type " + a.GetType().String() + " of " + name)
		}
	}
	return out
}

// upperFirst capitalises the first letter: "edge router id" starts a
// sentence as "Edge router id".
func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
