package domain

import (
	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
)

// EdgeRouterPolicyInput is the body of create, PUT and PATCH
// /edge-router-policies.
type EdgeRouterPolicyInput struct {
	PolicyInput
	IdentityRoles   *[]string `json:"identityRoles"`
	EdgeRouterRoles *[]string `json:"edgeRouterRoles"`
}

// EdgeRouterPolicies are the rules of edge router policies: which
// identities may connect to which edge routers.
var EdgeRouterPolicies = policyKind("edge router policy", store.EdgeRouterPolicies,
	func(v *store.EdgeRouterPolicy) *store.Policy { return &v.Policy },
	func(in *EdgeRouterPolicyInput) *PolicyInput { return &in.PolicyInput },
	nil,
	RoleList[store.EdgeRouterPolicy, EdgeRouterPolicyInput]{"identityRoles",
		func(in *EdgeRouterPolicyInput) *[]string { return in.IdentityRoles },
		func(v *store.EdgeRouterPolicy) *[]string { return &v.IdentityRoles }, RefsTo("identities", store.Identities)},
	RoleList[store.EdgeRouterPolicy, EdgeRouterPolicyInput]{"edgeRouterRoles",
		func(in *EdgeRouterPolicyInput) *[]string { return in.EdgeRouterRoles },
		func(v *store.EdgeRouterPolicy) *[]string { return &v.EdgeRouterRoles }, RefsTo("edgeRouters", store.EdgeRouters)},
)
