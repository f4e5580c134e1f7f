package main

import (
	"context"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// accountID is the AWS account every ARN of the double belongs to (the
// placeholder account the AWS documentation uses).
const accountID = "123456789012"

// providerData is what Configure hands to every resource.
type providerData struct {
	region      string
	defaultTags map[string]string
	account     *account
}

type awsProvider struct{}

// New returns the provider; providerserver calls it once per plugin process.
func New() provider.Provider { return &awsProvider{} }

func (p *awsProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "aws"
	resp.Version = version
}

// Schema declares the provider arguments a module test may set. The real
// provider has many more (assume_role, endpoints, ...); a test that needs one
// of them should fail loudly here rather than be silently accepted.
func (p *awsProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Schema test double of hashicorp/aws v5.75.1: no AWS API is ever called.",
		Attributes: map[string]schema.Attribute{
			"region":                      schema.StringAttribute{Optional: true},
			"profile":                     schema.StringAttribute{Optional: true},
			"access_key":                  schema.StringAttribute{Optional: true, Sensitive: true},
			"secret_key":                  schema.StringAttribute{Optional: true, Sensitive: true},
			"token":                       schema.StringAttribute{Optional: true, Sensitive: true},
			"skip_credentials_validation": schema.BoolAttribute{Optional: true},
			"skip_metadata_api_check":     schema.StringAttribute{Optional: true},
			"skip_region_validation":      schema.BoolAttribute{Optional: true},
			"skip_requesting_account_id":  schema.BoolAttribute{Optional: true},
		},
		Blocks: map[string]schema.Block{
			"default_tags": schema.ListNestedBlock{
				NestedObject: schema.NestedBlockObject{Attributes: map[string]schema.Attribute{
					"tags": schema.MapAttribute{Optional: true, ElementType: types.StringType},
				}},
			},
		},
	}
}

// Configure requires a region like the real provider does (from the
// argument, AWS_REGION or AWS_DEFAULT_REGION): a configuration that only
// works because the double is lenient would fail against AWS.
func (p *awsProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var region types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("region"), &region)...)
	var tagBlocks []struct {
		Tags map[string]string `tfsdk:"tags"`
	}
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("default_tags"), &tagBlocks)...)
	if resp.Diagnostics.HasError() {
		return
	}
	data := &providerData{region: region.ValueString(), defaultTags: map[string]string{}, account: openAccount()}
	if region.IsUnknown() {
		data.region = "us-east-1"
	}
	if data.region == "" {
		data.region = firstNonEmpty(os.Getenv("AWS_REGION"), os.Getenv("AWS_DEFAULT_REGION"))
	}
	if data.region == "" {
		resp.Diagnostics.AddAttributeError(path.Root("region"), "Missing region",
			`The AWS provider needs a region: set region in the provider "aws" block or AWS_REGION in the environment.`)
		return
	}
	for _, b := range tagBlocks {
		for k, v := range b.Tags {
			data.defaultTags[k] = v
		}
	}
	resp.ResourceData = data
}

func (p *awsProvider) Resources(context.Context) []func() resource.Resource {
	var out []func() resource.Resource
	for _, d := range resourceDefs() {
		out = append(out, func() resource.Resource { return &stubResource{def: d} })
	}
	return out
}

func (p *awsProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

// resourceDefs lists exactly the resource types modules/aws-nlb uses; a
// test keeps the two lists equal.
func resourceDefs() []*resourceDef {
	return []*resourceDef{
		lbDef(),
		lbListenerDef(),
		lbTargetGroupDef(),
		lbTargetGroupAttachmentDef(),
		securityGroupDef(),
		securityGroupRuleDef("aws_vpc_security_group_ingress_rule"),
		securityGroupRuleDef("aws_vpc_security_group_egress_rule"),
		route53RecordDef(),
		eipDef(),
	}
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
