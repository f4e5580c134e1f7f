// Command nullprov is a do-nothing terraform-plugin-framework provider,
// "zitiform/benchnull". .ci/bench-provider.sh runs it next to
// terraform_data to split the ziti ratio into what any plugin costs and what
// ziti's own work costs:
//
//   - benchnull_thing (input -> id): what any out-of-process framework
//     provider costs (plugin start, gRPC, a two-attribute schema);
//   - benchnull_identity and benchnull_enrollment: ziti_identity's and
//     ziti_enrollment's exact schemas (validators, defaults, plan
//     modifiers) with no controller behind them. Create fills computed
//     values with placeholders of realistic size (a JWT of a real token's
//     length); Read keeps the state. They measure what Terraform and the
//     framework cost for resources of that shape.
package main

import (
	"context"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	ziti "github.com/zitiform/terraform-provider-ziti/internal/provider"
)

func main() {
	// The same SDK log and GC settings as the ziti provider, so the column measures
	// the plugin floor and not log formatting or GC work the ziti provider skips.
	ziti.SetProcessDefaults()
	err := providerserver.Serve(context.Background(), func() provider.Provider { return &nullProvider{} },
		providerserver.ServeOpts{Address: "registry.terraform.io/zitiform/benchnull"})
	if err != nil {
		log.Print(err)
	}
}

type nullProvider struct{}

func (*nullProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "benchnull"
}
func (*nullProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}
func (*nullProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}
func (*nullProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		func() resource.Resource { return &thing{} },
		func() resource.Resource { return &shaped{name: "identity"} },
		func() resource.Resource { return &shaped{name: "enrollment"} },
	}
}
func (*nullProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

type thing struct{}

type thingModel struct {
	ID    types.String `tfsdk:"id"`
	Input types.String `tfsdk:"input"`
}

func (*thing) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = "benchnull_thing"
}

func (*thing) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{Attributes: map[string]schema.Attribute{
		"id":    schema.StringAttribute{Computed: true, PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
		"input": schema.StringAttribute{Required: true},
	}}
}

func (*thing) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m thingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	m.ID = types.StringValue("id-" + m.Input.ValueString())
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (*thing) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m thingModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (*thing) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m thingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (*thing) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}
