package provider

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The reliability tests drive the terraform CLI themselves (not through
// terraform-plugin-testing) so that they can accept either outcome of a
// faulty apply, read plan output and `terraform show -json`, and see the
// provider's own log as a user would: the provider is the real binary, built
// from this checkout and installed with a dev_overrides CLI config.
// providerBinDir builds terraform-provider-ziti into a directory of the
// test (removed with it; a second build only links, from the build cache).
func providerBinDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	root, _ := filepath.Abs("../..")
	cmd := exec.Command("go", "build", "-o", filepath.Join(dir, "terraform-provider-ziti"), ".")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	return dir
}

// tfDriver runs terraform in one working directory.
type tfDriver struct {
	t   *testing.T
	bin string
	dir string
	env []string
}

// passwordProviderHCL is the terraform block and a ziti provider block for
// the CLI-driven tests: password login (the password itself travels in
// ZITI_PASSWORD, as a user would pass it) against url, trusting caFile.
func passwordProviderHCL(url, user, caFile string) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    ziti = { source = "zitiform/ziti" }
  }
}
provider "ziti" {
  endpoint = %q
  username = %q
  ca_file  = %q
}
`, url, user, caFile)
}

func newTFDriver(t *testing.T, config string, env ...string) *tfDriver {
	t.Helper()
	requireAcc(t)
	bin := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if bin == "" {
		var err error
		if bin, err = exec.LookPath("terraform"); err != nil {
			t.Skip("SKIPPING: no terraform on PATH and TF_ACC_TERRAFORM_PATH unset")
		}
	}
	pdir := providerBinDir(t)
	dir := t.TempDir()
	rc := filepath.Join(dir, "dev.tfrc")
	host := "registry.terraform.io"
	if strings.Contains(filepath.Base(bin), "tofu") {
		host = "registry.opentofu.org"
	}
	tfrc := "provider_installation {\n  dev_overrides {\n    \"" + host + "/zitiform/ziti\" = \"" + pdir + "\"\n  }\n  direct {}\n}\n"
	if err := os.WriteFile(rc, []byte(tfrc), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	base := []string{"TF_CLI_CONFIG_FILE=" + rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1", "HOME=" + dir, "PATH=" + os.Getenv("PATH")}
	return &tfDriver{t: t, bin: bin, dir: dir, env: append(base, env...)}
}

// run runs terraform with args and returns its combined output and error.
func (d *tfDriver) run(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, d.bin, append([]string{"-chdir=" + d.dir}, args...)...)
	cmd.Env = d.env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// must runs terraform and fails the test on error.
func (d *tfDriver) must(args ...string) string {
	d.t.Helper()
	out, err := d.run(args...)
	if err != nil {
		d.t.Fatalf("terraform %s: %v\n%s", strings.Join(args, " "), err, tail(out, 60))
	}
	return out
}

// tail keeps the last n lines of s for failure messages.
func tail(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// flatOutput is CLI output as one line of words: diagnostics are boxed and
// wrapped to the terminal width.
func flatOutput(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "│", " ")), " ")
}

// expectOutput fails the test unless the words of out (flatOutput) match
// each regular expression of want.
func expectOutput(t *testing.T, out string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !regexp.MustCompile(w).MatchString(flatOutput(out)) {
			t.Fatalf("output does not match %q:\n%s", w, tail(out, 80))
		}
	}
}
