package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

// edgeRouterPolicyKind is ziti_edge_router_policy: /edge-router-policies,
// which identities may connect to which edge routers.
var edgeRouterPolicyKind = &networkKind[edgeRouterPolicyModel, edgeapi.EdgeRouterPolicyDetail, edgeapi.EdgeRouterPolicyCreate]{
	typeName: "edge_router_policy", what: "edge router policy", collection: edgeapi.EdgeRouterPolicies,
	schema: edgeRouterPolicySchema, toAPI: (*edgeRouterPolicyModel).toAPI, fromAPI: (*edgeRouterPolicyModel).fromAPI,
	named: func(d *edgeapi.EdgeRouterPolicyDetail) (*edgeapi.BaseEntity, string) { return &d.BaseEntity, d.Name },
	differs: func(in *edgeapi.EdgeRouterPolicyCreate, d *edgeapi.EdgeRouterPolicyDetail) string {
		return policyDiffers(in.Semantic, d.Semantic, in.Tags, d.Tags,
			rolesOf{"identity_roles", in.IdentityRoles, d.IdentityRoles},
			rolesOf{"edge_router_roles", in.EdgeRouterRoles, d.EdgeRouterRoles})
	},
}

// NewEdgeRouterPolicyResource returns the ziti_edge_router_policy resource.
func NewEdgeRouterPolicyResource() resource.Resource { return newKindResource(edgeRouterPolicyKind) }

type edgeRouterPolicyModel struct {
	ID              types.String `tfsdk:"id"`
	Name            types.String `tfsdk:"name"`
	Semantic        types.String `tfsdk:"semantic"`
	IdentityRoles   types.Set    `tfsdk:"identity_roles"`
	EdgeRouterRoles types.Set    `tfsdk:"edge_router_roles"`
	Tags            types.Map    `tfsdk:"tags"`
}

func edgeRouterPolicySchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "An edge router policy (`/edge-router-policies`): the identities it selects may connect to the edge routers it selects.",
		Attributes: map[string]schema.Attribute{
			"id":                idAttribute("Edge router policy id."),
			"name":              nameAttribute(),
			"semantic":          semanticAttribute(),
			"identity_roles":    rolesAttribute("identities"),
			"edge_router_roles": rolesAttribute("edge routers"),
			"tags":              tagsAttribute(),
		},
	}
}

// toAPI is the create and replace body.
func (m *edgeRouterPolicyModel) toAPI(ctx context.Context, diags *diag.Diagnostics) *edgeapi.EdgeRouterPolicyCreate {
	return &edgeapi.EdgeRouterPolicyCreate{
		Name:            m.Name.ValueString(),
		Semantic:        m.Semantic.ValueString(),
		IdentityRoles:   stringsFromSet(ctx, m.IdentityRoles, diags),
		EdgeRouterRoles: stringsFromSet(ctx, m.EdgeRouterRoles, diags),
		Tags:            tagsFromMap(ctx, m.Tags, diags),
	}
}

func (m *edgeRouterPolicyModel) fromAPI(d *edgeapi.EdgeRouterPolicyDetail) {
	m.ID = types.StringValue(d.ID)
	m.Name = types.StringValue(d.Name)
	m.Semantic = types.StringValue(d.Semantic)
	m.IdentityRoles = setFromStrings(d.IdentityRoles)
	m.EdgeRouterRoles = setFromStrings(d.EdgeRouterRoles)
	m.Tags = tagsToMap(d.Tags, m.Tags)
}
