package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// networkResources manage objects on a controller through the Edge API.
func networkResources() []func() resource.Resource {
	return []func() resource.Resource{
		newIdentityResource,
		newEnrollmentResource,
		newCAResource,
		newCAVerificationResource,
		newEdgeRouterResource,
	}
}

func networkDataSources() []func() datasource.DataSource {
	return []func() datasource.DataSource{
		newIdentityDataSource,
		newIdentitiesDataSource,
		newCADataSource,
		newEdgeRouterDataSource,
		newControllerVersionDataSource,
		newCABundleDataSource,
		newControllerCheckDataSource,
	}
}
