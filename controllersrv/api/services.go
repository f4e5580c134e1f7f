package api

import (
	"github.com/zitiform/terraform-provider-ziti/controllersrv/domain"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
)

// services serves /services (management API).
var services = &entity[store.Service, domain.ServiceInput]{
	rules: domain.Services, collection: "services",
	filterable: []string{"id", "name", "roleAttributes", "configs", "terminatorStrategy", "encryptionRequired", "maxIdleTimeMillis", "createdAt", "updatedAt"},
	field: func(v *store.Service, name string) (any, bool) {
		switch name {
		case "roleAttributes":
			return v.RoleAttributes, true
		case "configs":
			return v.Configs, true
		case "terminatorStrategy":
			return v.TerminatorStrategy, true
		case "encryptionRequired":
			return v.EncryptionRequired, true
		case "maxIdleTimeMillis":
			return v.MaxIdleTimeMillis, true
		}
		return nil, false
	},
	detail: func(_ *Ctx, _ *store.Tx, v *store.Service) (any, error) {
		return serviceDetail(v, nil, map[string]any{}), nil
	},
}

// serviceView is the service detail of both APIs. On the management API
// permissions are empty and config is {}; on the client API they are what
// the caller may do and the configs of the types it asked for.
type serviceView struct {
	Base
	Name               string         `json:"name"`
	RoleAttributes     []string       `json:"roleAttributes"`
	Configs            []string       `json:"configs"`
	Config             map[string]any `json:"config"`
	EncryptionRequired bool           `json:"encryptionRequired"`
	TerminatorStrategy string         `json:"terminatorStrategy"`
	MaxIdleTimeMillis  int64          `json:"maxIdleTimeMillis"`
	Permissions        []string       `json:"permissions"`
	PostureQueries     []any          `json:"postureQueries"`
}

func serviceDetail(v *store.Service, permissions []string, config map[string]any) *serviceView {
	d := &serviceView{
		Base: base("services", v.ID, v.CreatedAt, v.UpdatedAt, v.Tags),
		Name: v.Name, RoleAttributes: orEmpty(v.RoleAttributes), Configs: orEmpty(v.Configs), Config: config,
		EncryptionRequired: v.EncryptionRequired, TerminatorStrategy: v.TerminatorStrategy, MaxIdleTimeMillis: v.MaxIdleTimeMillis,
		Permissions: orEmpty(permissions), PostureQueries: []any{},
	}
	for _, l := range []string{"configs", "service-edge-router-policies", "service-policies", "terminators", "identities", "edge-routers"} {
		d.Links[l] = Link{Href: "./services/" + v.ID + "/" + l}
	}
	return d
}

// orEmpty renders a nil list as [] (the specification's lists are not
// nullable).
func orEmpty(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}
