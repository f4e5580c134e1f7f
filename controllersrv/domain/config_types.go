package domain

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/xeipuuv/gojsonschema"

	"github.com/zitiform/terraform-provider-ziti/controllersrv/store"
	"github.com/zitiform/terraform-provider-ziti/internal/edgewire"
)

// ConfigTypeInput is the body of create, PUT and PATCH /config-types.
type ConfigTypeInput struct {
	NamedInput
	Schema map[string]any `json:"schema"`
	Target *string        `json:"target"`
}

// ConfigTypes are the rules of config types: a schema must compile and
// describe an object; "all" is reserved (clients ask for configTypes=all);
// a type that configs use cannot be deleted.
var ConfigTypes = &Kind[store.ConfigType, ConfigTypeInput]{
	Name: "config type", Store: store.ConfigTypes,
	Apply:     (*ConfigTypeInput).apply,
	CanDelete: func(tx *store.Tx, v *store.ConfigType) error { return configTypeInUse(tx, v.ID) },
}

func (in *ConfigTypeInput) apply(v *store.ConfigType, keys Keys, patch bool) error {
	if keys.Has("name", patch) && v.Name == "all" {
		return FieldInvalid("name", v.Name, "all is a keyword and may not be used as a config type name")
	}
	if keys.Has("target", patch) && in.Target != nil && *in.Target != "service" && *in.Target != "router" {
		return FieldInvalid("target", *in.Target, "must be service or router")
	}
	if keys.Has("target", patch) {
		v.Target = in.Target
	}
	if !keys.Has("schema", patch) {
		return nil
	}
	if len(in.Schema) > 0 {
		if _, err := compileSchema(in.Schema); err != nil {
			return FieldInvalid("schema", nil, "invalid schema: %v", err)
		}
		if in.Schema["type"] != "object" {
			return FieldInvalid("schema", nil, "invalid config type schema, root type must be object")
		}
	}
	v.Schema = in.Schema
	return nil
}

func compileSchema(schema map[string]any) (*gojsonschema.Schema, error) {
	return gojsonschema.NewSchemaLoader().Compile(gojsonschema.NewGoLoader(schema))
}

// ValidateConfigData checks a config's data against its type's schema (a
// type without a schema takes any object), with the validator the real
// controller uses. A refusal names the first failing field of the data
// and says what is wrong with it.
func ValidateConfigData(t *store.ConfigType, data map[string]any) error {
	if len(t.Schema) == 0 {
		return nil
	}
	schema, err := json.Marshal(t.Schema)
	if err != nil {
		return err
	}
	doc, err := json.Marshal(data)
	if err != nil {
		return FieldInvalid("data", nil, "is not a JSON object: %v", err)
	}
	problems, err := edgewire.ValidateConfigData(schema, doc)
	if err != nil {
		return FieldInvalid("data", nil, "cannot be validated against the schema of config type %s: %v", t.Name, err)
	}
	if len(problems) == 0 {
		return nil
	}
	field := "data"
	if f, _, ok := strings.Cut(problems[0], ": "); ok && f != "(root)" {
		field += "." + f
	}
	return FieldInvalid(field, nil, "%s (the schema of config type %s)", strings.Join(problems, "; "), t.Name)
}

// EnsureBuiltinConfigTypes creates the built-in config types of OpenZiti
// v1.7.2 (edgewire.BuiltinConfigTypes, with the real controller's ids and
// schemas) that a database lacks, by name: a type of that name made by a
// user is left alone.
func (c *Controller) EnsureBuiltinConfigTypes() error {
	now := c.now()
	return c.DB.Update(func(tx *store.Tx) error {
		for _, b := range edgewire.BuiltinConfigTypes {
			if _, err := store.ConfigTypes.By(tx, "name", b.Name); err == nil {
				continue
			} else if !errors.Is(err, store.ErrNotFound) {
				return err
			}
			t := &store.ConfigType{Named: store.Named{ID: b.ID, Name: b.Name, Tags: map[string]any{}, CreatedAt: now, UpdatedAt: now}}
			if err := json.Unmarshal(b.Schema(), &t.Schema); err != nil {
				return fmt.Errorf("the schema of %s: %w", b.Name, err)
			}
			if err := store.ConfigTypes.Put(tx, t); err != nil {
				return err
			}
		}
		return nil
	})
}

// configTypeInUse refuses to delete a config type that configs use.
func configTypeInUse(tx *store.Tx, id string) error {
	cfgs, err := store.Configs.List(tx)
	if err != nil {
		return err
	}
	for _, cfg := range cfgs {
		if cfg.ConfigTypeID == id {
			return Errorf(http.StatusConflict, CodeConflict, "cannot delete config type %s, as configs of that type exist (config %s): delete them first", id, cfg.Name)
		}
	}
	return nil
}
