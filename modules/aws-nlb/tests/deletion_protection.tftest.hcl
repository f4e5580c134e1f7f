# With enable_deletion_protection = true AWS refuses to delete the NLB, so a
# change that replaces it would fail half-way through the apply, after the
# listeners are gone. The module refuses such a change at plan time; every
# change AWS makes in place still goes through.
# A run compares with an earlier run's outputs through a run_<name>
# variable, always of the last applied run (OpenTofu reads run.<name> in
# variables only, and only the last applied run reliably).

provider "aws" {
  region = "us-east-1"
}

variables {
  name                       = "ziti-prot"
  vpc_id                     = "vpc-0a1b2c3d4e5f60718"
  subnet_ids                 = ["subnet-0aaa1111bbbb2222c", "subnet-0ddd3333eeee4444f"]
  targets                    = [{ id = "i-0123456789abcdef0" }]
  allowed_cidrs              = ["203.0.113.0/24"]
  nlb_subnet_cidrs           = ["10.0.1.0/24", "10.0.2.0/24"]
  enable_deletion_protection = true
}

run "create_protected" {
  command = apply

  assert {
    condition     = aws_lb.this.enable_deletion_protection
    error_message = "deletion protection must be on"
  }
}

run "in_place_changes_pass" {
  command = apply

  variables {
    run_create_protected  = run.create_protected
    edge_api_port         = 1443
    health_check_protocol = "TCP"
    tags                  = { Env = "prod" }
  }

  assert {
    condition     = output.lb_arn == var.run_create_protected.lb_arn && aws_lb.this.tags_all["Env"] == "prod"
    error_message = "ports, health checks and tags change without touching the NLB"
  }
}

run "refuses_removing_the_security_group" {
  command = plan

  variables {
    create_security_group = false
  }

  expect_failures = [aws_lb.this]
}

run "extra_security_groups_pass" {
  command = plan

  variables {
    security_group_ids = ["sg-0feedface0000001"]
  }
}

run "refuses_removing_a_subnet" {
  command = plan

  variables {
    subnet_ids = ["subnet-0aaa1111bbbb2222c"]
  }

  expect_failures = [aws_lb.this]
}

run "refuses_swapping_a_subnet" {
  command = plan

  variables {
    subnet_ids = ["subnet-0aaa1111bbbb2222c", "subnet-0bbb5555cccc6666d"]
  }

  expect_failures = [aws_lb.this]
}

run "refuses_elastic_ips" {
  command = plan

  variables {
    create_eips = true
  }

  expect_failures = [aws_lb.this]
}

run "refuses_internal" {
  command = plan

  variables {
    internal = true
  }

  expect_failures = [aws_lb.this]
}

run "adding_a_subnet_passes" {
  command = apply

  variables {
    run_in_place_changes_pass = run.in_place_changes_pass
    subnet_ids                = ["subnet-0aaa1111bbbb2222c", "subnet-0ddd3333eeee4444f", "subnet-0bbb5555cccc6666d"]
  }

  assert {
    condition     = output.lb_arn == var.run_in_place_changes_pass.lb_arn && length(aws_lb.this.subnets) == 3
    error_message = "AWS adds a subnet to an NLB in place"
  }
}

run "protection_off_first" {
  command = apply

  variables {
    run_adding_a_subnet_passes = run.adding_a_subnet_passes
    subnet_ids                 = ["subnet-0aaa1111bbbb2222c", "subnet-0ddd3333eeee4444f", "subnet-0bbb5555cccc6666d"]
    enable_deletion_protection = false
  }

  assert {
    condition     = output.lb_arn == var.run_adding_a_subnet_passes.lb_arn && !aws_lb.this.enable_deletion_protection
    error_message = "turning protection off is in place"
  }
}

run "then_the_replacement_goes_through" {
  command = apply

  variables {
    run_protection_off_first   = run.protection_off_first
    enable_deletion_protection = false
    create_security_group      = false
  }

  assert {
    condition     = output.lb_arn != var.run_protection_off_first.lb_arn && length(aws_lb.this.security_groups) == 0 && length(aws_lb.this.subnets) == 2
    error_message = "with protection off the NLB is replaced"
  }
}

run "protected_again_without_security_groups" {
  command = apply

  variables {
    run_then_the_replacement_goes_through = run.then_the_replacement_goes_through
    create_security_group                 = false
  }

  assert {
    condition     = output.lb_arn == var.run_then_the_replacement_goes_through.lb_arn && aws_lb.this.enable_deletion_protection
    error_message = "turning protection on is in place"
  }
}

run "refuses_adding_a_security_group" {
  command = plan

  expect_failures = [aws_lb.this]
}

# Leaves the NLB unprotected, so that the test can destroy it.
run "protection_off_again" {
  command = apply

  variables {
    create_security_group      = false
    enable_deletion_protection = false
  }
}
