package provider

import "github.com/hashicorp/terraform-plugin-framework/datasource"

// NewServiceDataSource returns the ziti_service data source.
func NewServiceDataSource() datasource.DataSource {
	return newKindDataSource(serviceKind, "Reads one service by id or exact name.")
}
