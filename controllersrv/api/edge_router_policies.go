package api

import (
	"github.com/zitiform/terraform-provider-ziti/controllersrv/domain"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
)

// edgeRouterPolicies serves /edge-router-policies.
var edgeRouterPolicies = policyEntity("edge-router-policies", domain.EdgeRouterPolicies,
	func(v *store.EdgeRouterPolicy) *store.Policy { return &v.Policy },
	func(v *store.EdgeRouterPolicy) map[string]any { return map[string]any{"isSystem": v.IsSystem} },
	[]string{"edge-routers", "identities"},
	policyList[store.EdgeRouterPolicy]{"identityRoles", func(v *store.EdgeRouterPolicy) []string { return v.IdentityRoles }, rolesDisplay(store.Identities)},
	policyList[store.EdgeRouterPolicy]{"edgeRouterRoles", func(v *store.EdgeRouterPolicy) []string { return v.EdgeRouterRoles }, rolesDisplay(store.EdgeRouters)},
)
