package api

import (
	"github.com/zitiform/terraform-provider-ziti/controllersrv/domain"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
)

// configs serves /configs.
var configs = &entity[store.Config, domain.ConfigInput]{
	rules: domain.Configs, collection: "configs",
	filterable: []string{"id", "name", "configTypeId", "type", "createdAt", "updatedAt"},
	field: func(v *store.Config, name string) (any, bool) {
		if name == "configTypeId" || name == "type" {
			return v.ConfigTypeID, true
		}
		return nil, false
	},
	detail: func(_ *Ctx, tx *store.Tx, v *store.Config) (any, error) {
		typeName := ""
		if t, err := store.ConfigTypes.Get(tx, v.ConfigTypeID); err == nil {
			typeName = t.Name
		}
		d := &configView{Base: base("configs", v.ID, v.CreatedAt, v.UpdatedAt, v.Tags), Name: v.Name,
			ConfigTypeID: v.ConfigTypeID, ConfigType: ref("config-types", v.ConfigTypeID, typeName), Data: v.Data}
		if d.Data == nil {
			d.Data = map[string]any{}
		}
		return d, nil
	},
}

type configView struct {
	Base
	Name         string         `json:"name"`
	ConfigTypeID string         `json:"configTypeId"`
	ConfigType   *Ref           `json:"configType"`
	Data         map[string]any `json:"data"`
}
