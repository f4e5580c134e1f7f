package provider

import "github.com/hashicorp/terraform-plugin-framework/datasource"

// NewConfigDataSource returns the ziti_config data source.
func NewConfigDataSource() datasource.DataSource {
	return newKindDataSource(configKind, "Reads one config by id or exact name.")
}

// NewConfigsDataSource returns the ziti_configs data source.
func NewConfigsDataSource() datasource.DataSource {
	return newKindListDataSource(configKind, "configs", `name contains "intercept"`)
}
