package provider

import "github.com/hashicorp/terraform-plugin-framework/datasource"

// NewEdgeRouterPolicyDataSource returns the ziti_edge_router_policy data source.
func NewEdgeRouterPolicyDataSource() datasource.DataSource {
	return newKindDataSource(edgeRouterPolicyKind, "Reads one edge router policy by id or exact name.")
}

// NewEdgeRouterPoliciesDataSource returns the ziti_edge_router_policies data source.
func NewEdgeRouterPoliciesDataSource() datasource.DataSource {
	return newKindListDataSource(edgeRouterPolicyKind, "edge_router_policies", `name contains "public"`)
}
