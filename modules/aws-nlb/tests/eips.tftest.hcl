# Internet-facing NLB with Elastic IPs created by the module: their public
# addresses become IP SANs.
# A run compares with an earlier run's outputs through a run_<name>
# variable, always of the last applied run (OpenTofu reads run.<name> in
# variables only, and only the last applied run reliably).

provider "aws" {
  region = "us-east-1"
}

variables {
  name        = "ziti-ctrl"
  vpc_id      = "vpc-0a1b2c3d4e5f60718"
  subnet_ids  = ["subnet-0aaa1111bbbb2222c", "subnet-0ddd3333eeee4444f"]
  targets     = [{ id = "i-0123456789abcdef0" }]
  create_eips = true
}

run "elastic_ips_are_mapped_and_become_sans" {
  command = apply

  assert {
    condition     = length(aws_eip.this) == 2 && alltrue([for e in aws_eip.this : e.domain == "vpc"])
    error_message = "one VPC Elastic IP per subnet"
  }
  assert {
    condition     = toset([for m in aws_lb.this.subnet_mapping : m.allocation_id]) == toset(aws_eip.this[*].allocation_id) && toset([for m in aws_lb.this.subnet_mapping : m.subnet_id]) == toset(var.subnet_ids)
    error_message = "the NLB must map each subnet to its Elastic IP"
  }
  assert {
    condition     = length(distinct(aws_eip.this[*].public_ip)) == 2 && output.cert_ip_addresses == tolist(aws_eip.this[*].public_ip) && output.eip_public_ips == aws_eip.this[*].public_ip
    error_message = "cert_ip_addresses must be the Elastic IPs' public addresses, got ${jsonencode(output.cert_ip_addresses)}"
  }
}

run "adding_a_subnet_adds_an_elastic_ip_in_place" {
  command = apply

  variables {
    run_elastic_ips_are_mapped_and_become_sans = run.elastic_ips_are_mapped_and_become_sans
    subnet_ids                                 = ["subnet-0aaa1111bbbb2222c", "subnet-0ddd3333eeee4444f", "subnet-0fff9999aaaa0000b"]
  }

  assert {
    condition     = output.lb_arn == var.run_elastic_ips_are_mapped_and_become_sans.lb_arn && length(aws_lb.this.subnet_mapping) == 3
    error_message = "AWS adds a subnet (with its Elastic IP) to an NLB in place"
  }
  assert {
    condition     = length(output.cert_ip_addresses) == 3 && slice(output.eip_public_ips, 0, 2) == var.run_elastic_ips_are_mapped_and_become_sans.eip_public_ips
    error_message = "the existing addresses stay and the new one joins cert_ip_addresses"
  }
}

run "removing_a_subnet_replaces_the_nlb" {
  command = apply

  variables {
    run_adding_a_subnet_adds_an_elastic_ip_in_place = run.adding_a_subnet_adds_an_elastic_ip_in_place
  }

  assert {
    condition     = output.lb_arn != var.run_adding_a_subnet_adds_an_elastic_ip_in_place.lb_arn && output.lb_dns_name != var.run_adding_a_subnet_adds_an_elastic_ip_in_place.lb_dns_name
    error_message = "AWS cannot remove a subnet from an NLB: it must be replaced"
  }
  assert {
    condition     = length(aws_eip.this) == 2 && output.eip_public_ips == slice(var.run_adding_a_subnet_adds_an_elastic_ip_in_place.eip_public_ips, 0, 2)
    error_message = "the remaining Elastic IPs keep their addresses"
  }
}

run "dropping_elastic_ips_replaces_the_nlb" {
  command = apply

  variables {
    run_removing_a_subnet_replaces_the_nlb = run.removing_a_subnet_replaces_the_nlb
    create_eips                            = false
  }

  assert {
    condition     = output.lb_arn != var.run_removing_a_subnet_replaces_the_nlb.lb_arn && length(aws_eip.this) == 0 && output.cert_ip_addresses == tolist([])
    error_message = "AWS cannot take the Elastic IPs off a subnet of an NLB: it is replaced and the addresses leave the SANs"
  }
}

run "adding_elastic_ips_replaces_the_nlb" {
  command = apply

  variables {
    run_dropping_elastic_ips_replaces_the_nlb = run.dropping_elastic_ips_replaces_the_nlb
  }

  assert {
    condition     = output.lb_arn != var.run_dropping_elastic_ips_replaces_the_nlb.lb_arn && length(aws_eip.this) == 2
    error_message = "AWS cannot give existing subnets of an NLB Elastic IPs: it is replaced"
  }
}

run "rejects_elastic_ips_on_an_internal_nlb" {
  command = plan
  variables {
    internal = true
  }
  expect_failures = [var.create_eips]
}
