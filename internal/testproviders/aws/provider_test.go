package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// schemaOf serves the provider in-process and returns its schema response.
func schemaOf(t *testing.T) *tfprotov6.GetProviderSchemaResponse {
	t.Helper()
	srv, err := providerserver.NewProtocol6WithError(New())()
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range resp.Diagnostics {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			t.Errorf("schema error: %s: %s", d.Summary, d.Detail)
		}
	}
	return resp
}

// TestResourcesAreExactlyThoseTheModuleUses keeps the double honest: it
// declares the resource types modules/aws-nlb uses, no fewer and no more.
func TestResourcesAreExactlyThoseTheModuleUses(t *testing.T) {
	files, _ := filepath.Glob("../../../modules/aws-nlb/*.tf")
	if len(files) == 0 {
		t.Fatal("modules/aws-nlb/*.tf not found")
	}
	re := regexp.MustCompile(`(?m)^resource\s+"(aws_[a-z0-9_]+)"`)
	used := map[string]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = true
		}
	}
	var want, got []string
	for k := range used {
		want = append(want, k)
	}
	for k := range schemaOf(t).ResourceSchemas {
		got = append(got, k)
	}
	sort.Strings(want)
	sort.Strings(got)
	if strings.Join(want, " ") != strings.Join(got, " ") {
		t.Errorf("module uses %v, double declares %v", want, got)
	}
}

// TestNLBArgumentTypes pins the attribute types that differ from what one
// would guess and that the module's assertions depend on.
func TestNLBArgumentTypes(t *testing.T) {
	s := schemaOf(t).ResourceSchemas
	attr := func(res, name string) *tfprotov6.SchemaAttribute {
		for _, a := range s[res].Block.Attributes {
			if a.Name == name {
				return a
			}
		}
		t.Fatalf("%s.%s not declared", res, name)
		return nil
	}
	for _, c := range []struct{ res, name, typ string }{
		{"aws_lb_target_group", "preserve_client_ip", "tftypes.String"},
		{"aws_lb_target_group", "deregistration_delay", "tftypes.String"},
		{"aws_lb_target_group", "proxy_protocol_v2", "tftypes.Bool"},
		{"aws_lb_listener", "port", "tftypes.Number"},
		{"aws_lb", "security_groups", "tftypes.Set[tftypes.String]"},
	} {
		if got := attr(c.res, c.name).Type.String(); got != c.typ {
			t.Errorf("%s.%s: type %s, want %s", c.res, c.name, got, c.typ)
		}
	}
	if !attr("aws_lb_listener", "certificate_arn").Optional || !attr("aws_lb", "dns_name").Computed {
		t.Error("certificate_arn must be optional and dns_name computed")
	}
}

// built is the double, built once for all tests of the package.
var built struct {
	sync.Once
	dir string
	err error
}

// TestMain removes the built double.
func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		_ = os.RemoveAll(built.dir)
	}
	os.Exit(code)
}

// tfRunner runs terraform through a dev_overrides config pointing at a
// freshly built double.
type tfRunner struct {
	t      *testing.T
	tf, rc string
	// account, when set, is the double's account directory (accountEnv).
	account string
}

// in runs terraform in dir.
func (r tfRunner) in(dir string, args ...string) (string, error) {
	cmd := exec.Command(r.tf, append([]string{"-chdir=" + dir}, args...)...)
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+r.rc, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1", accountEnv+"="+r.account)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// fresh runs terraform in a new directory holding config as main.tf.
func (r tfRunner) fresh(config string, args ...string) (string, error) {
	dir := r.t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
		r.t.Fatal(err)
	}
	return r.in(dir, args...)
}

// terraformWithDouble builds the double and a CLI config overriding
// hashicorp/aws with it; it skips (loudly) without terraform on PATH.
func terraformWithDouble(t *testing.T) tfRunner {
	t.Helper()
	tf := findCLI(t)
	built.Do(func() {
		built.dir, built.err = os.MkdirTemp("", "aws-double-")
		if built.err != nil {
			return
		}
		out, err := exec.Command("go", "build", "-o", filepath.Join(built.dir, "terraform-provider-aws"), ".").CombinedOutput()
		if err != nil {
			built.err = fmt.Errorf("building the double: %w\n%s", err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	plugins := built.dir
	rc := filepath.Join(t.TempDir(), "dev.tfrc")
	cfg := `provider_installation {
  dev_overrides {
    "registry.terraform.io/hashicorp/aws" = "` + plugins + `"
    "registry.opentofu.org/hashicorp/aws" = "` + plugins + `"
  }
  direct {}
}
`
	if err := os.WriteFile(rc, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return tfRunner{t: t, tf: tf, rc: rc}
}

const nlbConfig = `
provider "aws" {
  region = "us-west-2"
}

resource "aws_lb" "x" {
  name               = "ctrl"
  load_balancer_type = "network"
  subnets            = ["subnet-1", "subnet-2"]
}

output "lb" {
  value = [aws_lb.x.arn, aws_lb.x.dns_name, aws_lb.x.zone_id, aws_lb.x.id]
}
`

// TestTerraformRejectsMisspeltArguments shows the property the module tests
// rely on: an argument the real provider does not have fails validation.
func TestTerraformRejectsMisspeltArguments(t *testing.T) {
	run := terraformWithDouble(t)
	if out, err := run.fresh(nlbConfig, "validate", "-no-color"); err != nil {
		t.Fatalf("the control configuration must validate: %v\n%s", err, out)
	}
	for typo, want := range map[string]string{
		`load_balancer_typ = "network"`:     `An argument named "load_balancer_typ" is not expected here`,
		`proxy_protocol = false`:            `An argument named "proxy_protocol" is not expected here`,
		`load_balancer_type = "networking"`: `expected load_balancer_type to be one of`,
	} {
		config := strings.Replace(nlbConfig, `load_balancer_type = "network"`, typo, 1)
		out, err := run.fresh(config, "validate", "-no-color")
		if err == nil || !strings.Contains(strings.Join(strings.Fields(out), " "), want) {
			t.Errorf("%s: want an error containing %q, got err=%v\n%s", typo, want, err, out)
		}
	}
}

// TestComputedValuesAreDeterministic applies the same configuration twice
// in separate directories and expects identical identifiers.
func TestComputedValuesAreDeterministic(t *testing.T) {
	run := terraformWithDouble(t)
	var outs []string
	for i := 0; i < 2; i++ {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(nlbConfig+`
output "json" {
  value = jsonencode(aws_lb.x)
}
`), 0o600); err != nil {
			t.Fatal(err)
		}
		if out, err := run.in(dir, "apply", "-auto-approve", "-no-color"); err != nil {
			t.Fatalf("apply: %v\n%s", err, out)
		}
		out, err := run.in(dir, "output", "-json")
		if err != nil {
			t.Fatalf("output: %v\n%s", err, out)
		}
		outs = append(outs, out)
	}
	if outs[0] != outs[1] {
		t.Errorf("two applies differ:\n%s\n---\n%s", outs[0], outs[1])
	}
	for _, want := range []string{
		"arn:aws:elasticloadbalancing:us-west-2:123456789012:loadbalancer/net/ctrl/",
		".elb.us-west-2.amazonaws.com",
		"Z18D5FSROUN65G",
	} {
		if !strings.Contains(outs[0], want) {
			t.Errorf("outputs lack %q:\n%s", want, outs[0])
		}
	}
}

// TestModuleSecondPlanIsEmpty applies modules/aws-nlb with every optional
// part switched on, then plans again: the plan must be empty (no perpetual
// diff between what the module asks for and what the provider stores).
func TestModuleSecondPlanIsEmpty(t *testing.T) {
	run := terraformWithDouble(t)
	mod, err := filepath.Abs("../../../modules/aws-nlb")
	if err != nil {
		t.Fatal(err)
	}
	config := `
provider "aws" {
  region = "us-east-1"
}

module "nlb" {
  source                   = "` + filepath.ToSlash(mod) + `"
  name                     = "ziti-ctrl"
  vpc_id                   = "vpc-0a1b2c3d4e5f60718"
  subnet_ids               = ["subnet-0aaa1111bbbb2222c", "subnet-0ddd3333eeee4444f"]
  create_eips              = true
  targets                  = [{ id = "i-0123456789abcdef0" }, { id = "i-0fedcba9876543210" }]
  target_security_group_id = "sg-0c0ffee0c0ffee000"
  allowed_cidrs            = ["203.0.113.0/24", "2001:db8::/32"]
  control_plane_port       = 6262
  router_ports             = { edge = 3022 }
  route53_zone_id          = "Z0123456789ABCDEFGHIJ"
  dns_name                 = "ctrl.ziti.example.com"
  stickiness_enabled       = true
  tags                     = { Project = "ziti" }
}
`
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"get", "-no-color"},
		{"apply", "-auto-approve", "-no-color"},
	} {
		if out, err := run.in(dir, args...); err != nil {
			t.Fatalf("terraform %v: %v\n%s", args, err, out)
		}
	}
	out, err := run.in(dir, "plan", "-detailed-exitcode", "-no-color")
	if err != nil {
		t.Fatalf("the second plan is not empty (exit %v):\n%s", err, out)
	}
}

// findCLI returns terraform from PATH, else the OpenTofu that `make tools`
// builds into ./bin; without either the test is skipped, loudly.
func findCLI(t *testing.T) string {
	t.Helper()
	if tf, err := exec.LookPath("terraform"); err == nil {
		return tf
	}
	if tofu, err := filepath.Abs("../../../bin/tofu"); err == nil {
		if _, err := os.Stat(tofu); err == nil {
			return tofu
		}
	}
	t.Skip("SKIPPING: neither terraform on PATH nor ./bin/tofu (make tools); the CLI-level checks of the aws double need one")
	return ""
}
