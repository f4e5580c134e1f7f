# The updates a user makes to a running NLB, one apply after another, and
# what each does: in place, or a replacement (a new ARN and DNS name; the
# double gives a re-created object new identifiers, as AWS does). The
# hashicorp/aws double models the real provider's plan-time rules for these
# changes (internal/testproviders/aws/README.md).
# A run compares with an earlier run's outputs through a run_<name>
# variable, always of the last applied run (OpenTofu reads run.<name> in
# variables only, and only the last applied run reliably).

provider "aws" {
  region = "us-east-1"
}

variables {
  name                     = "ziti-upd"
  vpc_id                   = "vpc-0a1b2c3d4e5f60718"
  subnet_ids               = ["subnet-0aaa1111bbbb2222c", "subnet-0ddd3333eeee4444f"]
  targets                  = [{ id = "i-0123456789abcdef0" }]
  allowed_cidrs            = ["203.0.113.0/24"]
  target_security_group_id = "sg-0c0ffee0c0ffee000"
  nlb_subnet_cidrs         = ["10.0.1.0/24", "10.0.2.0/24"]
  control_plane_port       = 6262
  router_ports             = { edge = 3022 }
}

run "create" {
  command = apply

  assert {
    condition     = length(aws_lb.this.security_groups) == 1 && keys(aws_lb_target_group.this) == ["ctrl/https", "edge-api/https", "router-edge/tcp"]
    error_message = "an NLB with its security group and one target group per port"
  }
}

run "security_group_off_replaces_the_nlb" {
  command = apply

  variables {
    run_create            = run.create
    create_security_group = false
  }

  assert {
    condition     = output.lb_arn != var.run_create.lb_arn && output.lb_dns_name != var.run_create.lb_dns_name && length(aws_lb.this.security_groups) == 0
    error_message = "an NLB created with security groups cannot lose all of them: it must be replaced (new DNS name)"
  }
  assert {
    condition     = contains(output.cert_dns_names, output.lb_dns_name) && !contains(output.cert_dns_names, var.run_create.lb_dns_name)
    error_message = "the new NLB name must replace the old one in cert_dns_names"
  }
  assert {
    condition     = output.target_group_arns == var.run_create.target_group_arns && output.listener_arns != var.run_create.listener_arns
    error_message = "the target groups stay; the listeners are re-created on the new NLB"
  }
}

run "security_group_on_replaces_the_nlb" {
  command = apply

  variables {
    run_security_group_off_replaces_the_nlb = run.security_group_off_replaces_the_nlb
  }

  assert {
    condition     = output.lb_arn != var.run_security_group_off_replaces_the_nlb.lb_arn && length(aws_lb.this.security_groups) == 1
    error_message = "an NLB created without security groups cannot get one: it must be replaced"
  }
}

run "change_ports" {
  command = apply

  variables {
    run_security_group_on_replaces_the_nlb = run.security_group_on_replaces_the_nlb
    edge_api_port                          = 1443
    router_ports                           = { edge = 3023 }
  }

  assert {
    condition     = output.lb_arn == var.run_security_group_on_replaces_the_nlb.lb_arn && output.listener_arns == var.run_security_group_on_replaces_the_nlb.listener_arns
    error_message = "a port change updates the NLB's listeners in place"
  }
  assert {
    condition     = aws_lb_listener.this["edge-api"].port == 1443 && aws_lb_listener.this["router-edge"].port == 3023 && aws_lb_target_group.this["edge-api/https"].port == 1443
    error_message = "listeners and target groups must carry the new ports"
  }
  assert {
    condition     = output.target_group_arns["edge-api"] != var.run_security_group_on_replaces_the_nlb.target_group_arns["edge-api"] && output.target_group_arns["router-edge"] != var.run_security_group_on_replaces_the_nlb.target_group_arns["router-edge"]
    error_message = "a target group's port cannot change: it is replaced, under a new name"
  }
  assert {
    condition     = output.target_group_arns["ctrl"] == var.run_security_group_on_replaces_the_nlb.target_group_arns["ctrl"] && one(aws_lb_target_group.this["ctrl/https"].health_check).port == "1443"
    error_message = "the control-plane group keeps its port and only moves its health check to the new Edge API port, in place"
  }
}

run "health_checks_to_tcp" {
  command = apply

  variables {
    run_change_ports      = run.change_ports
    edge_api_port         = 1443
    router_ports          = { edge = 3023 }
    health_check_protocol = "TCP"
  }

  assert {
    condition     = keys(aws_lb_target_group.this) == ["ctrl/tcp", "edge-api/tcp", "router-edge/tcp"]
    error_message = "switching to TCP checks makes new Edge API and control-plane groups"
  }
  assert {
    condition     = alltrue([for tg in aws_lb_target_group.this : one(tg.health_check).protocol == "TCP" && one(tg.health_check).path == null && one(tg.health_check).matcher == null])
    error_message = "a TCP check must carry no path and no matcher (the provider refuses them)"
  }
  assert {
    condition     = output.target_group_arns["edge-api"] != var.run_change_ports.target_group_arns["edge-api"] && output.target_group_arns["router-edge"] == var.run_change_ports.target_group_arns["router-edge"] && output.lb_arn == var.run_change_ports.lb_arn
    error_message = "only the groups whose check changed are new; the NLB stays"
  }
}

run "health_checks_back_to_https" {
  command = apply

  variables {
    run_health_checks_to_tcp = run.health_checks_to_tcp
    edge_api_port            = 1443
    router_ports             = { edge = 3023 }
  }

  assert {
    condition     = one(aws_lb_target_group.this["edge-api/https"].health_check).path == "/health-checks" && one(aws_lb_target_group.this["edge-api/https"].health_check).matcher == "200"
    error_message = "back to HTTPS checks of /health-checks"
  }
  assert {
    condition     = output.target_group_arns["edge-api"] != var.run_health_checks_to_tcp.target_group_arns["edge-api"]
    error_message = "the HTTPS group is a new one"
  }
}

run "move_to_another_vpc" {
  command = apply

  variables {
    run_health_checks_back_to_https = run.health_checks_back_to_https
    edge_api_port                   = 1443
    router_ports                    = { edge = 3023 }
    vpc_id                          = "vpc-0f0e0d0c0b0a09080"
    subnet_ids                      = ["subnet-0bbb5555cccc6666d", "subnet-0eee7777ffff8888a"]
  }

  assert {
    condition     = output.lb_arn != var.run_health_checks_back_to_https.lb_arn
    error_message = "new subnets in place of the old ones replace the NLB"
  }
  assert {
    condition     = alltrue([for k, arn in output.target_group_arns : arn != var.run_health_checks_back_to_https.target_group_arns[k]]) && alltrue([for tg in aws_lb_target_group.this : tg.vpc_id == "vpc-0f0e0d0c0b0a09080"])
    error_message = "every target group is replaced in the new VPC, under a new name"
  }
  assert {
    condition     = output.security_group_id != var.run_health_checks_back_to_https.security_group_id && aws_security_group.nlb[0].vpc_id == "vpc-0f0e0d0c0b0a09080"
    error_message = "the NLB security group is replaced in the new VPC"
  }
}
