package provider

import "github.com/hashicorp/terraform-plugin-framework/datasource"

// NewServiceDataSource returns the ziti_service data source.
func NewServiceDataSource() datasource.DataSource {
	return newKindDataSource(serviceKind, "Reads one service by id or exact name.")
}

// NewServicesDataSource returns the ziti_services data source.
func NewServicesDataSource() datasource.DataSource {
	return newKindListDataSource(serviceKind, "services", `name contains "web"`)
}
