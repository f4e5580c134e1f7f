package api

import (
	"github.com/zitiform/terraform-provider-ziti/controllersrv/domain"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
)

// authPolicies serves /auth-policies (the built-in "default" included).
var authPolicies = &entity[store.AuthPolicy, domain.AuthPolicyInput]{
	rules:      domain.AuthPolicies,
	collection: "auth-policies",
	filterable: []string{"id", "name", "createdAt", "updatedAt"},
	field:      func(*store.AuthPolicy, string) (any, bool) { return nil, false },
	detail: func(_ *Ctx, _ *store.Tx, v *store.AuthPolicy) (any, error) {
		return &authPolicyView{Base: base("auth-policies", v.ID, v.CreatedAt, v.UpdatedAt, v.Tags),
			Name: v.Name, Primary: v.Primary, Secondary: v.Secondary}, nil
	},
}

// authPolicyView is the auth policy detail of the API; the stored record
// already has the API's shape.
type authPolicyView struct {
	Base
	Name      string                    `json:"name"`
	Primary   store.AuthPolicyPrimary   `json:"primary"`
	Secondary store.AuthPolicySecondary `json:"secondary"`
}
