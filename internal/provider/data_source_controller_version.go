package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

var _ datasource.DataSourceWithConfigure = (*controllerVersionDataSource)(nil)

// NewControllerVersionDataSource returns the ziti_controller_version data source.
func NewControllerVersionDataSource() datasource.DataSource {
	return &controllerVersionDataSource{networkDataSource: newNetworkDataSource("controller_version")}
}

// controllerVersionDataSource reads /version.
type controllerVersionDataSource struct{ networkDataSource }

type controllerVersionModel struct {
	Version        types.String `tfsdk:"version"`
	Revision       types.String `tfsdk:"revision"`
	BuildDate      types.String `tfsdk:"build_date"`
	RuntimeVersion types.String `tfsdk:"runtime_version"`
	Capabilities   types.List   `tfsdk:"capabilities"`
}

func (d *controllerVersionDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "The controller's version (`/version`): also a cheap check that the endpoint and its TLS trust are right.",
		Attributes: map[string]schema.Attribute{
			"version":         schema.StringAttribute{Computed: true, MarkdownDescription: "Version, e.g. `v1.1.0`."},
			"revision":        schema.StringAttribute{Computed: true, MarkdownDescription: "Source revision."},
			"build_date":      schema.StringAttribute{Computed: true, MarkdownDescription: "Build date."},
			"runtime_version": schema.StringAttribute{Computed: true, MarkdownDescription: "Go runtime version."},
			"capabilities":    schema.ListAttribute{ElementType: types.StringType, Computed: true, MarkdownDescription: "Advertised capabilities."},
		},
	}
}

func (d *controllerVersionDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	c := d.dataClient(&resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	v, err := c.Version(ctx)
	if err != nil {
		apiDiag(&resp.Diagnostics, "Reading the controller version", err)
		return
	}
	caps := v.Capabilities
	if caps == nil {
		caps = []string{}
	}
	capList, diags := types.ListValueFrom(ctx, types.StringType, caps)
	resp.Diagnostics.Append(diags...)
	out := controllerVersionModel{
		Version: types.StringValue(v.Version), Revision: types.StringValue(v.Revision),
		BuildDate: types.StringValue(v.BuildDate), RuntimeVersion: types.StringValue(v.RuntimeVersion),
		Capabilities: capList,
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &out)...)
}
