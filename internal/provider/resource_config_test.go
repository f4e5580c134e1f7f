package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/zitiform/terraform-provider-ziti/internal/edgeapi"
)

func TestAccConfig(t *testing.T) {
	name := uniqueName(t, "cfg")
	config := func(n, typ, data string) string {
		return fmt.Sprintf(`
data "ziti_config_type" "t" {
  name = %q
}
resource "ziti_config" "x" {
  name           = %q
  config_type_id = data.ziti_config_type.t.id
  data           = %s
}
`, typ, n, data)
	}
	testAccKind(t, kindCase[edgeapi.ConfigDetail]{
		collection: edgeapi.Configs, address: "ziti_config.x",
		named:      configKind.named,
		patchKeeps: func(d *edgeapi.ConfigDetail) map[string]any { return map[string]any{"data": d.Data} },
		bad: []badConfig{
			// The built-in types' schemas are checked at plan time.
			{config(name, "intercept.v1", `jsonencode({ protocols = ["tcp"], addresses = ["echo.ziti"] })`),
				regexp.MustCompile(`(?s)Invalid config data for intercept.v1.*portRanges.*is required`)},
			{config(name, "intercept.v1", `jsonencode({ protocols = ["icmp"], addresses = ["echo.ziti"], portRanges = [{ low = 80, high = 80 }] })`),
				regexp.MustCompile(`(?s)Invalid config data for intercept.v1.*protocols`)},
			{config(name, "host.v1", `jsonencode({ protocol = "tcp", address = "127.0.0.1", port = 70000 })`),
				regexp.MustCompile(`(?s)Invalid config data for host.v1.*port`)},
			{config(name, "host.v2", `jsonencode({ terminators = [] })`),
				regexp.MustCompile(`(?s)Invalid config data for host.v2.*terminators`)},
			{config(name, "host.v1", `"[]"`), regexp.MustCompile(`(?s)data must be a JSON object`)},
		},
		create: config(name, "intercept.v1", `jsonencode({ protocols = ["tcp"], addresses = ["echo.ziti"], portRanges = [{ low = 80, high = 80 }] })`),
		checks: []resource.TestCheckFunc{
			resource.TestCheckResourceAttrPair("ziti_config.x", "config_type_id", "data.ziti_config_type.t", "id"),
			onController(t, edgeapi.Configs, "ziti_config.x", func(d *edgeapi.ConfigDetail) error {
				if !sameJSON(string(d.Data), `{"protocols":["tcp"],"addresses":["echo.ziti"],"portRanges":[{"low":80,"high":80}]}`) {
					return fmt.Errorf("controller has data %s", d.Data)
				}
				return nil
			}),
		},
		update: config(name+"-renamed", "intercept.v1",
			`jsonencode({ protocols = ["tcp", "udp"], addresses = ["echo.ziti", "10.0.0.0/24"], portRanges = [{ low = 7000, high = 7010 }] })`),
		updateChecks: []resource.TestCheckFunc{
			onController(t, edgeapi.Configs, "ziti_config.x", func(d *edgeapi.ConfigDetail) error {
				if d.Name != name+"-renamed" || !sameJSON(string(d.Data), `{"protocols":["tcp","udp"],"addresses":["echo.ziti","10.0.0.0/24"],"portRanges":[{"low":7000,"high":7010}]}`) {
					return fmt.Errorf("controller has %s %s", d.Name, d.Data)
				}
				return nil
			}),
		},
		// The same data, keys reordered, as a heredoc: no change. (The update
		// uses jsonencode, whose text an import reproduces.)
		same: config(name+"-renamed", "intercept.v1", `<<-EOT
    {
      "portRanges": [{"high": 7010, "low": 7000}],
      "addresses":  ["echo.ziti", "10.0.0.0/24"],
      "protocols":  ["tcp", "udp"]
    }
  EOT`),
	})
}
