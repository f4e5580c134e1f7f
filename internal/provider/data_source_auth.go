package provider

import "github.com/hashicorp/terraform-plugin-framework/datasource"

// NewAuthPolicyDataSource returns the ziti_auth_policy data source.
func NewAuthPolicyDataSource() datasource.DataSource {
	return newKindDataSource(authPolicyKind, "Reads one auth policy by id or exact name (the built-in one is `Default`, id `default`).")
}

// NewExternalJWTSignerDataSource returns the ziti_external_jwt_signer data source.
func NewExternalJWTSignerDataSource() datasource.DataSource {
	return newKindDataSource(externalJWTSignerKind, "Reads one external JWT signer by id or exact name.")
}
