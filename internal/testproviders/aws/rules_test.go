package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// The tests in this file show each plan-time rule of the real provider that
// the double models (README.md) refusing or replacing what the real
// provider refuses or replaces. They are what modules/aws-nlb's update paths
// failed against before the module was changed to avoid them.

// workdir writes config into a new directory and returns a runner with its
// own account and the directory.
func workdir(t *testing.T, config string) (tfRunner, string) {
	t.Helper()
	run := terraformWithDouble(t)
	run.account = t.TempDir()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	return run, dir
}

// must runs terraform and fails the test on an error.
func (r tfRunner) must(dir string, args ...string) string {
	r.t.Helper()
	out, err := r.in(dir, append(args, "-no-color")...)
	if err != nil {
		r.t.Fatalf("terraform %v: %v\n%s", args, err, out)
	}
	return out
}

// refused runs terraform, expecting it to fail with every one of want.
func (r tfRunner) refused(dir string, want []string, args ...string) {
	r.t.Helper()
	out, err := r.in(dir, append(args, "-no-color")...)
	flat := strings.Join(strings.Fields(out), " ")
	if err == nil {
		r.t.Errorf("terraform %v succeeded, want a failure with %q:\n%s", args, want, out)
		return
	}
	for _, w := range want {
		if !strings.Contains(flat, w) {
			r.t.Errorf("terraform %v: output lacks %q:\n%s", args, w, out)
		}
	}
}

const targetGroupConfig = `
provider "aws" {
  region = "us-east-1"
}

variable "check" {
  default = "HTTPS"
}

variable "name" {
  default = "ctrl-edge"
}

variable "vpc" {
  default = "vpc-0a1b2c3d4e5f60718"
}

resource "aws_lb_target_group" "x" {
  name     = var.name
  port     = 1280
  protocol = "TCP"
  vpc_id   = var.vpc

  health_check {
    protocol = var.check
    path     = var.check == "TCP" ? null : "/health-checks"
    matcher  = var.check == "TCP" ? null : "200"
  }

  lifecycle {
    create_before_destroy = true
  }
}
`

// TestTargetGroupKeepsHTTPSMatcherUnderTCPCheck: matcher and path are
// Optional+Computed, so leaving them out keeps the HTTPS values in the plan
// and the TCP check is refused, even when a new name replaces the group
// (the check runs before the replacement is planned).
func TestTargetGroupKeepsHTTPSMatcherUnderTCPCheck(t *testing.T) {
	run, dir := workdir(t, targetGroupConfig)
	run.must(dir, "apply", "-auto-approve")
	want := []string{"Invalid Attribute Combination", `Attribute "health_check[0].matcher" cannot be specified when "health_check[0].protocol" is "TCP".`}
	run.refused(dir, want, "plan", "-var", "check=TCP")
	run.refused(dir, want, "plan", "-var", "check=TCP", "-var", "name=ctrl-edge-tcp")
}

// TestTargetGroupNewCheckOnANewGroupPasses: a group created with a TCP
// check has no matcher or path to keep.
func TestTargetGroupNewCheckOnANewGroupPasses(t *testing.T) {
	run, dir := workdir(t, targetGroupConfig)
	out := run.must(dir, "apply", "-auto-approve", "-var", "check=TCP")
	if !strings.Contains(out, "1 added") {
		t.Errorf("want the group created:\n%s", out)
	}
}

// TestTargetGroupReplacementUnderTheSameNameCollides: vpc_id replaces the
// group; with create_before_destroy the new group is created while the old
// one still holds the name, and the real provider refuses.
func TestTargetGroupReplacementUnderTheSameNameCollides(t *testing.T) {
	run, dir := workdir(t, targetGroupConfig)
	run.must(dir, "apply", "-auto-approve")
	run.refused(dir, []string{"ELBv2 Target Group (ctrl-edge) already exists"},
		"apply", "-auto-approve", "-var", "vpc=vpc-0f0e0d0c0b0a09080")
	run.must(dir, "apply", "-auto-approve", "-var", "vpc=vpc-0f0e0d0c0b0a09080", "-var", "name=ctrl-edge-2")
}

const nlbRulesConfig = `
provider "aws" {
  region = "us-east-1"
}

variable "subnets" {
  type    = list(string)
  default = ["subnet-0aaa1111bbbb2222c", "subnet-0ddd3333eeee4444f"]
}

variable "security_groups" {
  type    = list(string)
  default = ["sg-0c0ffee0c0ffee000"]
}

variable "protect" {
  default = false
}

variable "new_security_group" {
  default = false
}

# A security group created in the same apply: its id is unknown at plan time.
resource "terraform_data" "sg" {
  count = var.new_security_group ? 1 : 0
  input = "sg-0feedface0000001"
}

resource "aws_lb" "x" {
  name                       = "ctrl"
  load_balancer_type         = "network"
  subnets                    = var.subnets
  security_groups            = concat(var.security_groups, terraform_data.sg[*].output)
  enable_deletion_protection = var.protect
}
`

// planAction returns what a plan does to aws_lb.x.
func planAction(t *testing.T, run tfRunner, dir string, args ...string) string {
	t.Helper()
	out := run.must(dir, append([]string{"plan"}, args...)...)
	for _, a := range []string{"must be replaced", "will be updated in-place"} {
		if strings.Contains(out, "aws_lb.x "+a) {
			return a
		}
	}
	return "no change"
}

// TestNLBReplacementRules: AWS adds subnets and security groups to a
// network load balancer in place, but cannot remove or swap subnets, nor
// go between no security groups and some.
func TestNLBReplacementRules(t *testing.T) {
	run, dir := workdir(t, nlbRulesConfig)
	run.must(dir, "apply", "-auto-approve")
	for _, c := range []struct {
		vars []string
		want string
	}{
		{[]string{`subnets=["subnet-0aaa1111bbbb2222c","subnet-0ddd3333eeee4444f","subnet-0bbb5555cccc6666d"]`}, "will be updated in-place"},
		{[]string{`subnets=["subnet-0aaa1111bbbb2222c"]`}, "must be replaced"},
		{[]string{`subnets=["subnet-0aaa1111bbbb2222c","subnet-0bbb5555cccc6666d"]`}, "must be replaced"},
		{[]string{`security_groups=["sg-0c0ffee0c0ffee000","sg-0feedface0000002"]`}, "will be updated in-place"},
		{[]string{`security_groups=[]`}, "must be replaced"},
	} {
		var args []string
		for _, v := range c.vars {
			args = append(args, "-var", v)
		}
		if got := planAction(t, run, dir, args...); got != c.want {
			t.Errorf("%v: aws_lb.x %s, want %s", c.vars, got, c.want)
		}
	}

	// Deletion protection makes the replacement fail at apply time.
	run.must(dir, "apply", "-auto-approve", "-var", "protect=true")
	run.refused(dir, []string{"OperationNotPermitted", "cannot be deleted because deletion protection is enabled"},
		"apply", "-auto-approve", "-var", "protect=true", "-var", "security_groups=[]")
	run.must(dir, "apply", "-auto-approve", "-var", "protect=false")
}

// TestNLBSecurityGroupUnknownAtPlanFailsAtApply: with the new security
// group's id unknown the rule cannot decide at plan time, the plan says
// "update in place", and once the id is known during apply the rule
// replaces: Terraform stops with an inconsistent final plan.
func TestNLBSecurityGroupUnknownAtPlanFailsAtApply(t *testing.T) {
	run, dir := workdir(t, nlbRulesConfig)
	run.must(dir, "apply", "-auto-approve", "-var", "security_groups=[]")
	if got := planAction(t, run, dir, "-var", "security_groups=[]", "-var", "new_security_group=true"); got != "will be updated in-place" {
		t.Errorf("aws_lb.x %s, want an update in place at plan time", got)
	}
	run.refused(dir, []string{"Provider produced inconsistent final plan", "changed the planned action from Update to DeleteThenCreate"},
		"apply", "-auto-approve", "-var", "security_groups=[]", "-var", "new_security_group=true")
}

// TestSchemaIsThePinnedVersion checks the attributes v5.75.1 has that later
// or earlier versions lack, against the registry documentation of v5.75.1.
func TestSchemaIsThePinnedVersion(t *testing.T) {
	s := schemaOf(t).ResourceSchemas
	has := func(b *tfprotov6.SchemaBlock, name string) bool {
		for _, a := range b.Attributes {
			if a.Name == name {
				return true
			}
		}
		for _, nb := range b.BlockTypes {
			if nb.TypeName == name {
				return true
			}
		}
		return false
	}
	nested := func(b *tfprotov6.SchemaBlock, name string) *tfprotov6.SchemaBlock {
		for _, nb := range b.BlockTypes {
			if nb.TypeName == name {
				return nb.Block
			}
		}
		t.Fatalf("no block %s", name)
		return nil
	}
	if !has(s["aws_eip"].Block, "arn") {
		t.Error("aws_eip.arn is in v5.75.1")
	}
	if !has(nested(s["aws_lb_target_group"].Block, "target_health_state"), "unhealthy_draining_interval") {
		t.Error("aws_lb_target_group.target_health_state.unhealthy_draining_interval is in v5.75.1")
	}
	if has(s["aws_route53_record"].Block, "timeouts") {
		t.Error("aws_route53_record has no timeouts block in v5.75.1")
	}
	for _, a := range s["aws_lb_listener"].Block.Attributes {
		if strings.HasPrefix(a.Name, "routing_http_") {
			t.Errorf("aws_lb_listener.%s is not in v5.75.1", a.Name)
		}
	}
	for name, r := range s {
		for _, a := range r.Block.Attributes {
			if a.Name == "tags_all" && (!a.Optional || !a.Computed) {
				t.Errorf("%s.tags_all must be Optional+Computed (tftags.TagsSchemaComputed)", name)
			}
		}
	}
}

// TestOptionalComputedKeepsPriorState: an Optional+Computed argument the
// configuration stops setting keeps its prior value through an update, as
// SDKv2 keeps it; the target group rule above depends on it.
func TestOptionalComputedKeepsPriorState(t *testing.T) {
	run, dir := workdir(t, `
provider "aws" {
  region = "us-east-1"
}

variable "set" {
  default = true
}

resource "aws_lb_target_group" "x" {
  name     = "ctrl-edge"
  port     = 1280
  protocol = "TCP"
  vpc_id   = "vpc-0a1b2c3d4e5f60718"

  health_check {
    protocol = "HTTPS"
    interval = var.set ? 10 : 20
    matcher  = var.set ? "200" : null
    path     = var.set ? "/health-checks" : null
  }
}

output "kept" {
  value = "${one(aws_lb_target_group.x.health_check).matcher} ${one(aws_lb_target_group.x.health_check).path} ${one(aws_lb_target_group.x.health_check).interval}"
}
`)
	run.must(dir, "apply", "-auto-approve")
	run.must(dir, "apply", "-auto-approve", "-var", "set=false")
	if out := run.must(dir, "output", "-raw", "kept"); !strings.Contains(out, "200 /health-checks 20") {
		t.Errorf("after leaving matcher and path out: %q, want the prior 200 and /health-checks with the new interval 20", out)
	}
}
