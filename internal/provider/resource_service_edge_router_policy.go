package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

// serviceEdgeRouterPolicyKind is ziti_service_edge_router_policy:
// /service-edge-router-policies, which services may be reached over which
// edge routers.
var serviceEdgeRouterPolicyKind = &networkKind[serviceEdgeRouterPolicyModel, edgeapi.ServiceEdgeRouterPolicyDetail, edgeapi.ServiceEdgeRouterPolicyCreate]{
	typeName: "service_edge_router_policy", what: "service edge router policy", collection: edgeapi.ServiceEdgeRouterPolicies,
	schema: serviceEdgeRouterPolicySchema, toAPI: (*serviceEdgeRouterPolicyModel).toAPI, fromAPI: (*serviceEdgeRouterPolicyModel).fromAPI,
	named: func(d *edgeapi.ServiceEdgeRouterPolicyDetail) (*edgeapi.BaseEntity, string) {
		return &d.BaseEntity, d.Name
	},
	differs: func(in *edgeapi.ServiceEdgeRouterPolicyCreate, d *edgeapi.ServiceEdgeRouterPolicyDetail) string {
		return policyDiffers(in.Semantic, d.Semantic, in.Tags, d.Tags,
			rolesOf{"service_roles", in.ServiceRoles, d.ServiceRoles},
			rolesOf{"edge_router_roles", in.EdgeRouterRoles, d.EdgeRouterRoles})
	},
}

// NewServiceEdgeRouterPolicyResource returns the
// ziti_service_edge_router_policy resource.
func NewServiceEdgeRouterPolicyResource() resource.Resource {
	return newKindResource(serviceEdgeRouterPolicyKind)
}

type serviceEdgeRouterPolicyModel struct {
	ID              types.String `tfsdk:"id"`
	Name            types.String `tfsdk:"name"`
	Semantic        types.String `tfsdk:"semantic"`
	ServiceRoles    types.Set    `tfsdk:"service_roles"`
	EdgeRouterRoles types.Set    `tfsdk:"edge_router_roles"`
	Tags            types.Map    `tfsdk:"tags"`
}

func serviceEdgeRouterPolicySchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "A service edge router policy (`/service-edge-router-policies`): the services it selects may be reached over the edge routers it selects.",
		Attributes: map[string]schema.Attribute{
			"id":                idAttribute("Service edge router policy id."),
			"name":              nameAttribute(),
			"semantic":          semanticAttribute(),
			"service_roles":     rolesAttribute("services"),
			"edge_router_roles": rolesAttribute("edge routers"),
			"tags":              tagsAttribute(),
		},
	}
}

// toAPI is the create and replace body.
func (m *serviceEdgeRouterPolicyModel) toAPI(ctx context.Context, diags *diag.Diagnostics) *edgeapi.ServiceEdgeRouterPolicyCreate {
	return &edgeapi.ServiceEdgeRouterPolicyCreate{
		Name:            m.Name.ValueString(),
		Semantic:        m.Semantic.ValueString(),
		ServiceRoles:    stringsFromSet(ctx, m.ServiceRoles, diags),
		EdgeRouterRoles: stringsFromSet(ctx, m.EdgeRouterRoles, diags),
		Tags:            tagsFromMap(ctx, m.Tags, diags),
	}
}

func (m *serviceEdgeRouterPolicyModel) fromAPI(d *edgeapi.ServiceEdgeRouterPolicyDetail) {
	m.ID = types.StringValue(d.ID)
	m.Name = types.StringValue(d.Name)
	m.Semantic = types.StringValue(d.Semantic)
	m.ServiceRoles = setFromStrings(d.ServiceRoles)
	m.EdgeRouterRoles = setFromStrings(d.EdgeRouterRoles)
	m.Tags = tagsToMap(d.Tags, m.Tags)
}
