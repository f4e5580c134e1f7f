package api

import (
	"github.com/zitiform/terraform-provider-ziti/controllersrv/domain"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
)

// serviceEdgeRouterPolicies serves /service-edge-router-policies.
var serviceEdgeRouterPolicies = policyEntity("service-edge-router-policies", domain.ServiceEdgeRouterPolicies,
	func(v *store.ServiceEdgeRouterPolicy) *store.Policy { return &v.Policy },
	nil,
	[]string{"edge-routers", "services"},
	policyList[store.ServiceEdgeRouterPolicy]{"serviceRoles", func(v *store.ServiceEdgeRouterPolicy) []string { return v.ServiceRoles }, rolesDisplay(store.Services)},
	policyList[store.ServiceEdgeRouterPolicy]{"edgeRouterRoles", func(v *store.ServiceEdgeRouterPolicy) []string { return v.EdgeRouterRoles }, rolesDisplay(store.EdgeRouters)},
)
