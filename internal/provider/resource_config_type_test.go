package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

func TestAccConfigType(t *testing.T) {
	name := uniqueName(t, "ct")
	configType := func(n, schema string) string {
		return fmt.Sprintf(`
resource "ziti_config_type" "x" {
  name   = %q
  schema = %s
  tags   = { owner = "acc" }
}
`, n, schema)
	}
	testAccKind(t, kindCase[edgeapi.ConfigTypeDetail]{
		collection: edgeapi.ConfigTypes, address: "ziti_config_type.x",
		named:      configTypeKind.named,
		patchKeeps: func(d *edgeapi.ConfigTypeDetail) map[string]any { return map[string]any{"schema": d.Schema} },
		bad: []badConfig{
			{configType(name, `"[1, 2]"`), regexp.MustCompile(`(?s)schema must be a JSON object.*array`)},
			{configType(name, `"{\"type\": "`), regexp.MustCompile(`(?s)schema must be a JSON object.*not valid JSON`)},
		},
		create: configType(name, `jsonencode({ type = "object", properties = { port = { type = "integer" } } })`),
		checks: []resource.TestCheckFunc{
			onController(t, edgeapi.ConfigTypes, "ziti_config_type.x", func(d *edgeapi.ConfigTypeDetail) error {
				if !sameJSON(string(d.Schema), `{"type":"object","properties":{"port":{"type":"integer"}}}`) {
					return fmt.Errorf("controller has schema %s", d.Schema)
				}
				return nil
			}),
		},
		update: configType(name+"-renamed", `jsonencode({ properties = { port = { maximum = 65535, type = "integer" } }, required = ["port"], type = "object" })`),
		updateChecks: []resource.TestCheckFunc{
			resource.TestCheckResourceAttr("ziti_config_type.x", "name", name+"-renamed"),
		},
		// The same schema, keys reordered and spaced differently: no change.
		// (The update uses jsonencode, whose text an import reproduces.)
		same: configType(name+"-renamed", `<<-EOT
    {"type": "object", "required": ["port"],
     "properties": {"port": {"type": "integer", "maximum": 65535}}}
  EOT`),
	})
}
