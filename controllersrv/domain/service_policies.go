package domain

import (
	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
)

// Service policy types.
const (
	PolicyDial = "Dial"
	PolicyBind = "Bind"
)

// ServicePolicyInput is the body of create, PUT and PATCH /service-policies.
type ServicePolicyInput struct {
	PolicyInput
	Type              *string   `json:"type"`
	IdentityRoles     *[]string `json:"identityRoles"`
	ServiceRoles      *[]string `json:"serviceRoles"`
	PostureCheckRoles *[]string `json:"postureCheckRoles"`
}

// ServicePolicies are the rules of service policies: which identities may
// dial or bind which services (given the posture checks its
// postureCheckRoles select).
var ServicePolicies = policyKind("service policy", store.ServicePolicies,
	func(v *store.ServicePolicy) *store.Policy { return &v.Policy },
	func(in *ServicePolicyInput) *PolicyInput { return &in.PolicyInput },
	(*ServicePolicyInput).apply,
	RoleList[store.ServicePolicy, ServicePolicyInput]{"identityRoles",
		func(in *ServicePolicyInput) *[]string { return in.IdentityRoles },
		func(v *store.ServicePolicy) *[]string { return &v.IdentityRoles }, RefsTo("identities", store.Identities)},
	RoleList[store.ServicePolicy, ServicePolicyInput]{"serviceRoles",
		func(in *ServicePolicyInput) *[]string { return in.ServiceRoles },
		func(v *store.ServicePolicy) *[]string { return &v.ServiceRoles }, RefsTo("services", store.Services)},
	RoleList[store.ServicePolicy, ServicePolicyInput]{"postureCheckRoles",
		func(in *ServicePolicyInput) *[]string { return in.PostureCheckRoles },
		func(v *store.ServicePolicy) *[]string { return &v.PostureCheckRoles }, RefsTo("postureChecks", store.PostureChecks)},
)

func (in *ServicePolicyInput) apply(v *store.ServicePolicy, keys Keys, patch bool) error {
	if !keys.Has("type", patch) {
		return nil
	}
	if in.Type == nil {
		return FieldInvalid("type", nil, "is required: Dial or Bind")
	}
	if *in.Type != PolicyDial && *in.Type != PolicyBind {
		return FieldInvalid("type", *in.Type, "invalid policy type: must be Dial or Bind")
	}
	v.Type = *in.Type
	return nil
}
