package provider

import "github.com/hashicorp/terraform-plugin-framework/datasource"

// NewServicePolicyDataSource returns the ziti_service_policy data source.
func NewServicePolicyDataSource() datasource.DataSource {
	return newKindDataSource(servicePolicyKind, "Reads one service policy by id or exact name.")
}

// NewServicePoliciesDataSource returns the ziti_service_policies data source.
func NewServicePoliciesDataSource() datasource.DataSource {
	return newKindListDataSource(servicePolicyKind, "service_policies", `name contains "dial"`)
}
