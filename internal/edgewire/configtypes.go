package edgewire

import (
	"embed"
	"fmt"
	"strings"

	"github.com/xeipuuv/gojsonschema"
)

// BuiltinConfigType is a config type every OpenZiti controller creates
// with its database: the tunnelers' intercept and host configs and the
// rest. Its id is fixed, so a config can name it before any lookup.
type BuiltinConfigType struct {
	ID, Name string
}

// BuiltinConfigTypes are the built-in config types of OpenZiti v1.7.2, with
// the ids the real controller gives them. Their JSON schemas are in
// configtypes/<name>.json, as GET /config-types/{id} returns them.
var BuiltinConfigTypes = []BuiltinConfigType{
	{ID: "g7cIWbcGg", Name: "intercept.v1"},
	{ID: "NH5p4FpGR", Name: "host.v1"},
	{ID: "host.v2", Name: "host.v2"},
	{ID: "interfaces.v1", Name: "interfaces.v1"},
	{ID: "proxy.v1", Name: "proxy.v1"},
	{ID: "f2dd2df0-9c04-4b84-a91e-71437ac229f1", Name: "ziti-tunneler-client.v1"},
	{ID: "cea49285-6c07-42cf-9f52-09a9b115c783", Name: "ziti-tunneler-server.v1"},
}

//go:embed configtypes/*.json
var builtinSchemas embed.FS

// BuiltinConfigTypeByID returns the built-in config type with that id.
func BuiltinConfigTypeByID(id string) (BuiltinConfigType, bool) {
	for _, t := range BuiltinConfigTypes {
		if t.ID == id {
			return t, true
		}
	}
	return BuiltinConfigType{}, false
}

// Schema is the type's JSON schema.
func (t BuiltinConfigType) Schema() []byte {
	b, err := builtinSchemas.ReadFile("configtypes/" + t.Name + ".json")
	if err != nil {
		panic("edgewire: no schema for built-in config type " + t.Name) // the table above and the files disagree
	}
	return b
}

// ValidateConfigData checks config data (a JSON document) against a config
// type's JSON schema with the validator the real controller uses, and
// returns one line per violation ("port: Must be less than or equal to
// 65535"), none when the data is valid. err is for a schema or data that
// is not JSON at all.
func ValidateConfigData(schema, data []byte) (problems []string, err error) {
	res, err := gojsonschema.Validate(gojsonschema.NewBytesLoader(schema), gojsonschema.NewBytesLoader(data))
	if err != nil {
		return nil, fmt.Errorf("validating config data: %w", err)
	}
	for _, e := range res.Errors() {
		problems = append(problems, strings.TrimSpace(e.String()))
	}
	return problems, nil
}
