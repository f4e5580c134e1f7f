package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// networkResources manage objects on a controller through the Edge API.
func networkResources() []func() resource.Resource {
	return append([]func() resource.Resource{
		NewIdentityResource,
		NewEnrollmentResource,
		NewCAResource,
		NewCAVerificationResource,
		NewEdgeRouterResource,
		NewServiceResource,
		NewConfigTypeResource,
		NewConfigResource,
		NewServicePolicyResource,
		NewEdgeRouterPolicyResource,
		NewServiceEdgeRouterPolicyResource,
		NewAuthPolicyResource,
		NewExternalJWTSignerResource,
	}, postureResources()...)
}

func networkDataSources() []func() datasource.DataSource {
	return append([]func() datasource.DataSource{
		NewIdentityDataSource,
		NewIdentitiesDataSource,
		NewCADataSource,
		NewEdgeRouterDataSource,
		NewServiceDataSource,
		NewConfigTypeDataSource,
		NewConfigDataSource,
		NewServicePolicyDataSource,
		NewEdgeRouterPolicyDataSource,
		NewServiceEdgeRouterPolicyDataSource,
		NewServicesDataSource,
		NewConfigTypesDataSource,
		NewConfigsDataSource,
		NewServicePoliciesDataSource,
		NewEdgeRouterPoliciesDataSource,
		NewServiceEdgeRouterPoliciesDataSource,
		NewAuthPolicyDataSource,
		NewExternalJWTSignerDataSource,
		NewControllerVersionDataSource,
		NewCABundleDataSource,
		NewControllerCheckDataSource,
	}, postureDataSources()...)
}
