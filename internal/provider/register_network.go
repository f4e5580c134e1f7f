package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// networkResources manage objects on a controller through the Edge API.
func networkResources() []func() resource.Resource {
	return []func() resource.Resource{
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
		NewPostureCheckDomainResource,
		NewPostureCheckMACResource,
		NewPostureCheckMFAResource,
		NewPostureCheckOSResource,
		NewPostureCheckProcessResource,
		NewPostureCheckMultiProcessResource,
		NewAuthPolicyResource,
		NewExternalJWTSignerResource,
	}
}

func networkDataSources() []func() datasource.DataSource {
	return []func() datasource.DataSource{
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
		NewPostureCheckDomainDataSource,
		NewPostureCheckMACDataSource,
		NewPostureCheckMFADataSource,
		NewPostureCheckOSDataSource,
		NewPostureCheckProcessDataSource,
		NewPostureCheckMultiProcessDataSource,
		NewAuthPolicyDataSource,
		NewExternalJWTSignerDataSource,
		NewControllerVersionDataSource,
		NewCABundleDataSource,
		NewControllerCheckDataSource,
	}
}
