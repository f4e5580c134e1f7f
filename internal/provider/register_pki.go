package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// pkiResources are the offline resources (PKI, ziti_secret_file): they need no controller.
func pkiResources() []func() resource.Resource {
	return []func() resource.Resource{
		NewPKICAResource,
		NewPKIIntermediateResource,
		NewPKIServerCertResource,
		NewPKIClientCertResource,
		NewPKIDirectoryResource,
		NewSecretFileResource,
	}
}

func pkiDataSources() []func() datasource.DataSource {
	return []func() datasource.DataSource{NewControllerConfigDataSource}
}
