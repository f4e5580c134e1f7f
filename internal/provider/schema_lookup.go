package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
)

// ResourceSchema returns the schema of one of the provider's resource types
// by its full name ("ziti_identity"). The benchmarks' do-nothing provider
// (internal/benchrun/cmd/nullprov) serves resources of exactly these shapes,
// to measure what Terraform and the framework cost for them without any
// of this provider's work.
func ResourceSchema(ctx context.Context, typeName string) (schema.Schema, bool) {
	p := &zitiProvider{}
	for _, newResource := range p.Resources(ctx) {
		r := newResource()
		var md resource.MetadataResponse
		r.Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "ziti"}, &md)
		if md.TypeName != typeName {
			continue
		}
		var sr resource.SchemaResponse
		r.Schema(ctx, resource.SchemaRequest{}, &sr)
		return sr.Schema, !sr.Diagnostics.HasError()
	}
	return schema.Schema{}, false
}
