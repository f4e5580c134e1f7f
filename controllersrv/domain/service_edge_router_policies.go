package domain

import (
	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
)

// ServiceEdgeRouterPolicyInput is the body of create, PUT and PATCH
// /service-edge-router-policies.
type ServiceEdgeRouterPolicyInput struct {
	PolicyInput
	ServiceRoles    *[]string `json:"serviceRoles"`
	EdgeRouterRoles *[]string `json:"edgeRouterRoles"`
}

// ServiceEdgeRouterPolicies are the rules of service edge router policies:
// over which edge routers services may be reached.
var ServiceEdgeRouterPolicies = policyKind("service edge router policy", store.ServiceEdgeRouterPolicies,
	func(v *store.ServiceEdgeRouterPolicy) *store.Policy { return &v.Policy },
	func(in *ServiceEdgeRouterPolicyInput) *PolicyInput { return &in.PolicyInput },
	nil,
	RoleList[store.ServiceEdgeRouterPolicy, ServiceEdgeRouterPolicyInput]{"serviceRoles",
		func(in *ServiceEdgeRouterPolicyInput) *[]string { return in.ServiceRoles },
		func(v *store.ServiceEdgeRouterPolicy) *[]string { return &v.ServiceRoles }, RefsTo("services", store.Services)},
	RoleList[store.ServiceEdgeRouterPolicy, ServiceEdgeRouterPolicyInput]{"edgeRouterRoles",
		func(in *ServiceEdgeRouterPolicyInput) *[]string { return in.EdgeRouterRoles },
		func(v *store.ServiceEdgeRouterPolicy) *[]string { return &v.EdgeRouterRoles }, RefsTo("edgeRouters", store.EdgeRouters)},
)
