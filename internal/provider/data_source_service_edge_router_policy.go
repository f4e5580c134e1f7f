package provider

import "github.com/hashicorp/terraform-plugin-framework/datasource"

// NewServiceEdgeRouterPolicyDataSource returns the
// ziti_service_edge_router_policy data source.
func NewServiceEdgeRouterPolicyDataSource() datasource.DataSource {
	return newKindDataSource(serviceEdgeRouterPolicyKind, "Reads one service edge router policy by id or exact name.")
}

// NewServiceEdgeRouterPoliciesDataSource returns the
// ziti_service_edge_router_policies data source.
func NewServiceEdgeRouterPoliciesDataSource() datasource.DataSource {
	return newKindListDataSource(serviceEdgeRouterPolicyKind, "service_edge_router_policies", `name contains "public"`)
}
