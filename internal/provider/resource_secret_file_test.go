package provider

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// TestAccSecretFileImportRefused: importing a ziti_secret_file, with an
// import block or `terraform import`, fails saying what to do instead and
// leaves the file as it was; declaring it and applying (the way offered)
// writes content_wo over it.
func TestAccSecretFileImportRefused(t *testing.T) {
	file := filepath.Join(t.TempDir(), "device.jwt")
	config := func(importBlock bool) string {
		c := fmt.Sprintf(`
resource "ziti_secret_file" "x" {
  path               = %q
  content_wo         = "configured content"
  content_wo_version = 1
}
`, file)
		if importBlock {
			c += fmt.Sprintf(`
import {
  to = ziti_secret_file.x
  id = %q
}
`, file)
		}
		return c
	}
	holds := func(want string) error {
		b, err := os.ReadFile(file)
		if err != nil || string(b) != want {
			return fmt.Errorf("%s holds %q, want %q (%w)", file, b, want, err)
		}
		return nil
	}
	refused := regexp.MustCompile(`(?s)ziti_secret_file cannot be imported.*content_wo.*remove\s+the\s+import\s+and\s+apply`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: pkiProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					if err := os.WriteFile(file, []byte("content already there"), 0o600); err != nil {
						t.Fatal(err)
					}
				},
				Config:      config(true),
				ExpectError: refused,
			},
			{
				PreConfig: func() {
					if err := holds("content already there"); err != nil {
						t.Fatalf("the refused import touched the file: %v", err)
					}
				},
				Config: config(false),
				Check:  func(*terraformState) error { return holds("configured content") },
			},
			{
				Config: config(false), ResourceName: "ziti_secret_file.x", ImportState: true, ImportStateId: file,
				ExpectError: refused,
			},
		},
	})
}
