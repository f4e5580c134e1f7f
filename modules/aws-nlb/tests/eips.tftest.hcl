# Internet-facing NLB with Elastic IPs created by the module: their public
# addresses become IP SANs.

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

run "rejects_elastic_ips_on_an_internal_nlb" {
  command = plan
  variables {
    internal = true
  }
  expect_failures = [var.create_eips]
}
