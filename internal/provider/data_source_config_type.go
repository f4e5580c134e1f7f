package provider

import "github.com/hashicorp/terraform-plugin-framework/datasource"

// NewConfigTypeDataSource returns the ziti_config_type data source: one
// config type by id or exact name, such as the built-in `intercept.v1`.
func NewConfigTypeDataSource() datasource.DataSource {
	return newKindDataSource(configTypeKind, "Reads one config type by id or exact name, such as the built-in `intercept.v1`, `host.v1` or `host.v2`.")
}

// NewConfigTypesDataSource returns the ziti_config_types data source.
func NewConfigTypesDataSource() datasource.DataSource {
	return newKindListDataSource(configTypeKind, "config_types", `name contains ".v1"`)
}
