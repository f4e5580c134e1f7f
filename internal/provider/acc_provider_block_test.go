package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// TestAccProviderPlainHTTPEndpointRefused: an http:// endpoint is refused
// while planning, saying to use https, instead of failing at apply with a
// transport error.
func TestAccProviderPlainHTTPEndpointRefused(t *testing.T) {
	s := accController(t)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			PlanOnly: true,
			Config: accProviderConfigWith(t, strings.Replace(s.ManagementURL(), "https://", "http://", 1), s.CAFile) +
				fmt.Sprintf("resource \"ziti_identity\" \"x\" {\n  name = %q\n}\n", uniqueName(t, "id")),
			ExpectError: regexp.MustCompile(`must\s+use\s+https:\s+write\s+https://`),
		}},
	})
}

// TestAccProviderWrongCAFile: a ca_file that holds another CA is reported
// against that file, not with the message for a provider given no CA; a
// ca_file that does not exist says so.
func TestAccProviderWrongCAFile(t *testing.T) {
	s := accController(t)
	wrong := filepath.Join(t.TempDir(), "other-ca.pem")
	if err := os.WriteFile(wrong, []byte(newThirdPartyCA(t, "other").certPEM), 0o600); err != nil {
		t.Fatal(err)
	}
	config := func(caFile string) string {
		return accProviderConfigWith(t, s.ManagementURL(), caFile) + `data "ziti_identity" "x" { name = "any" }`
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				PlanOnly:    true,
				Config:      config(wrong),
				ExpectError: regexp.MustCompile(`not\s+signed\s+by\s+a\s+CA\s+in\s+ca_file\s+"` + regexp.QuoteMeta(wrong)),
			},
			{
				PlanOnly:    true,
				Config:      config(wrong + ".missing"),
				ExpectError: regexp.MustCompile(`(?s)Cannot read the CA file.*no\s+such\s+file`),
			},
		},
	})
}
