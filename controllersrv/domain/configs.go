package domain

import (
	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
)

// ConfigInput is the body of create, PUT and PATCH /configs. The config
// type is set at create; PUT and PATCH keep it.
type ConfigInput struct {
	NamedInput
	ConfigTypeID *string        `json:"configTypeId"`
	Data         map[string]any `json:"data"`
}

// Configs are the rules of configs: data is required and must fit the
// schema of the config's type.
var Configs = &Kind[store.Config, ConfigInput]{
	Name: "config", Store: store.Configs,
	Apply: (*ConfigInput).apply,
	Prepare: func(in *ConfigInput, _ *Controller, v *store.Config) (func(*store.Tx) error, error) {
		if in.ConfigTypeID == nil || *in.ConfigTypeID == "" {
			return nil, FieldInvalid("configTypeId", nil, "is required: the id of the config type (GET /config-types)")
		}
		v.ConfigTypeID = *in.ConfigTypeID
		return nil, nil
	},
	Check: func(tx *store.Tx, v *store.Config) error {
		t, err := store.ConfigTypes.Get(tx, v.ConfigTypeID)
		if err != nil {
			return FieldInvalid("configTypeId", v.ConfigTypeID, "invalid config type: no config type has this id (GET /config-types lists them; ids are not names)")
		}
		return ValidateConfigData(t, v.Data)
	},
}

func (in *ConfigInput) apply(v *store.Config, keys Keys, patch bool) error {
	if !keys.Has("data", patch) {
		return nil
	}
	if in.Data == nil {
		return FieldInvalid("data", nil, "is required: a JSON object")
	}
	v.Data = in.Data
	return nil
}
