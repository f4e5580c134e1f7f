package domain

import (
	"slices"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
)

// TerminatorStrategies are the strategies OpenZiti v1.7.2 registers;
// smartrouting is the default.
var TerminatorStrategies = []string{"smartrouting", "weighted", "random", "sticky"}

// ServiceInput is the body of create, PUT and PATCH /services.
type ServiceInput struct {
	NamedInput
	RoleAttributes     *[]string `json:"roleAttributes"`
	Configs            *[]string `json:"configs"`
	EncryptionRequired *bool     `json:"encryptionRequired"`
	TerminatorStrategy *string   `json:"terminatorStrategy"`
	MaxIdleTimeMillis  *int64    `json:"maxIdleTimeMillis"`
}

// Services are the rules of services.
var Services = &Kind[store.Service, ServiceInput]{
	Name: "service", Store: store.Services,
	Apply: (*ServiceInput).apply,
	// encryptionRequired is required on create only; PUT and PATCH may
	// change it (absent from a PUT is false), as in OpenZiti.
	Prepare: func(in *ServiceInput, _ *Controller, _ *store.Service) (func(*store.Tx) error, error) {
		if in.EncryptionRequired == nil {
			return nil, FieldInvalid("encryptionRequired", nil, "is required: true or false")
		}
		return nil, nil
	},
	Check: checkServiceConfigs,
}

func (in *ServiceInput) apply(v *store.Service, keys Keys, patch bool) error {
	if err := SetRoles("roleAttributes", "role attributes", in.RoleAttributes, &v.RoleAttributes, keys, patch); err != nil {
		return err
	}
	if err := SetRoles("configs", "config ids", in.Configs, &v.Configs, keys, patch); err != nil {
		return err
	}
	SetBool("encryptionRequired", in.EncryptionRequired, &v.EncryptionRequired, keys, patch)
	if keys.Has("terminatorStrategy", patch) {
		v.TerminatorStrategy = "smartrouting"
		if in.TerminatorStrategy != nil && *in.TerminatorStrategy != "" {
			if !slices.Contains(TerminatorStrategies, *in.TerminatorStrategy) {
				return notFoundBy("terminatorStrategy with name %s not found: use one of %v", *in.TerminatorStrategy, TerminatorStrategies)
			}
			v.TerminatorStrategy = *in.TerminatorStrategy
		}
	}
	if keys.Has("maxIdleTimeMillis", patch) {
		v.MaxIdleTimeMillis = 0
		if in.MaxIdleTimeMillis != nil {
			v.MaxIdleTimeMillis = *in.MaxIdleTimeMillis
		}
	}
	return nil
}

// checkServiceConfigs refuses a config id that does not exist (404, as
// OpenZiti) and two configs of one type.
func checkServiceConfigs(tx *store.Tx, v *store.Service) error {
	byType := map[string]*store.Config{}
	for _, id := range v.Configs {
		cfg, err := store.Configs.Get(tx, id)
		if err != nil {
			return notFoundBy("configs with id %s not found", id)
		}
		if other, dup := byType[cfg.ConfigTypeID]; dup {
			typeName := cfg.ConfigTypeID
			if t, err := store.ConfigTypes.Get(tx, cfg.ConfigTypeID); err == nil {
				typeName = t.Name
			}
			return FieldInvalid("configs", v.Configs, "configs %s and %s are both of config type %s: a service takes at most one config of each type", other.Name, cfg.Name, typeName)
		}
		byType[cfg.ConfigTypeID] = cfg
	}
	return nil
}
