package api

import (
	"github.com/zitiform/terraform-provider-ziti/controllersrv/domain"
	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
)

// configTypes serves /config-types.
var configTypes = &entity[store.ConfigType, domain.ConfigTypeInput]{
	rules: domain.ConfigTypes, collection: "config-types",
	filterable: []string{"id", "name", "target", "createdAt", "updatedAt"},
	field: func(v *store.ConfigType, name string) (any, bool) {
		if name == "target" {
			if v.Target == nil {
				return nil, true
			}
			return *v.Target, true
		}
		return nil, false
	},
	detail: func(_ *Ctx, _ *store.Tx, v *store.ConfigType) (any, error) {
		d := &configTypeView{Base: base("config-types", v.ID, v.CreatedAt, v.UpdatedAt, v.Tags), Name: v.Name, Schema: v.Schema, Target: v.Target}
		if d.Schema == nil {
			d.Schema = map[string]any{}
		}
		d.Links["configs"] = Link{Href: "./config-types/" + v.ID + "/configs"}
		return d, nil
	},
}

type configTypeView struct {
	Base
	Name   string         `json:"name"`
	Schema map[string]any `json:"schema"`
	Target *string        `json:"target,omitempty"`
}
