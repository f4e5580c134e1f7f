package domain

import (
	"net/http"

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
// identities may connect to which edge routers. The system policies of
// tunneler-enabled routers belong to the controller: the API can neither
// change nor delete them.
var EdgeRouterPolicies = withSystemPolicies(policyKind("edge router policy", store.EdgeRouterPolicies,
	func(v *store.EdgeRouterPolicy) *store.Policy { return &v.Policy },
	func(in *EdgeRouterPolicyInput) *PolicyInput { return &in.PolicyInput },
	nil,
	RoleList[store.EdgeRouterPolicy, EdgeRouterPolicyInput]{"identityRoles",
		func(in *EdgeRouterPolicyInput) *[]string { return in.IdentityRoles },
		func(v *store.EdgeRouterPolicy) *[]string { return &v.IdentityRoles }, RefsTo("identities", store.Identities)},
	RoleList[store.EdgeRouterPolicy, EdgeRouterPolicyInput]{"edgeRouterRoles",
		func(in *EdgeRouterPolicyInput) *[]string { return in.EdgeRouterRoles },
		func(v *store.EdgeRouterPolicy) *[]string { return &v.EdgeRouterRoles }, RefsTo("edgeRouters", store.EdgeRouters)},
))

func withSystemPolicies(k *Kind[store.EdgeRouterPolicy, EdgeRouterPolicyInput]) *Kind[store.EdgeRouterPolicy, EdgeRouterPolicyInput] {
	check := k.Check
	k.Check = func(tx *store.Tx, v *store.EdgeRouterPolicy) error {
		if v.IsSystem {
			return Errorf(http.StatusConflict, CodeCanNotBeUpdated, "cannot update system edge router policy %s: it belongs to its tunneler-enabled router", v.ID)
		}
		return check(tx, v)
	}
	k.CanDelete = func(_ *store.Tx, v *store.EdgeRouterPolicy) error {
		if v.IsSystem {
			return Errorf(http.StatusConflict, CodeCanNotBeDeleted, "cannot delete system edge router policy %s: it goes with its router's isTunnelerEnabled", v.ID)
		}
		return nil
	}
	return k
}
