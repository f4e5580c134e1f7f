package api

import (
	"github.com/zitiform/terraform-provider-ziti/controllersrv/domain"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
)

// servicePolicies serves /service-policies.
var servicePolicies = policyEntity("service-policies", domain.ServicePolicies,
	func(v *store.ServicePolicy) *store.Policy { return &v.Policy },
	func(v *store.ServicePolicy) map[string]any { return map[string]any{"type": v.Type} },
	[]string{"services", "identities", "posture-checks"},
	policyList[store.ServicePolicy]{"identityRoles", func(v *store.ServicePolicy) []string { return v.IdentityRoles }, rolesDisplay(store.Identities)},
	policyList[store.ServicePolicy]{"serviceRoles", func(v *store.ServicePolicy) []string { return v.ServiceRoles }, rolesDisplay(store.Services)},
	policyList[store.ServicePolicy]{"postureCheckRoles", func(v *store.ServicePolicy) []string { return v.PostureCheckRoles }, rolesDisplay(store.PostureChecks)},
)
