# Every way of putting TLS termination (or anything else that hides the
# controller's own certificate) in front of the controller fails at plan time
# with an explanation. Each run changes one input of a valid configuration.

provider "aws" {
  region = "us-east-1"
}

variables {
  name          = "ziti-ctrl"
  vpc_id        = "vpc-0a1b2c3d4e5f60718"
  subnet_ids    = ["subnet-0aaa1111bbbb2222c", "subnet-0ddd3333eeee4444f"]
  targets       = [{ id = "i-0123456789abcdef0" }]
  allowed_cidrs = ["203.0.113.0/24"]
}

run "valid_baseline_plans" {
  command = plan
}

run "rejects_tls_listener" {
  command = plan
  variables {
    listener_protocol = "TLS"
  }
  expect_failures = [var.listener_protocol]
}

run "rejects_https_listener" {
  command = plan
  variables {
    listener_protocol = "HTTPS"
  }
  expect_failures = [var.listener_protocol]
}

run "rejects_certificate_arn" {
  command = plan
  variables {
    certificate_arn = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666"
  }
  expect_failures = [var.certificate_arn]
}

run "rejects_ssl_policy" {
  command = plan
  variables {
    ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  }
  expect_failures = [var.ssl_policy]
}

run "rejects_alpn_policy" {
  command = plan
  variables {
    alpn_policy = "HTTP2Preferred"
  }
  expect_failures = [var.alpn_policy]
}

run "rejects_application_load_balancer" {
  command = plan
  variables {
    load_balancer_type = "application"
  }
  expect_failures = [var.load_balancer_type]
}

run "rejects_proxy_protocol" {
  command = plan
  variables {
    proxy_protocol_v2 = true
  }
  expect_failures = [var.proxy_protocol_v2]
}

run "rejects_plain_http_health_check" {
  command = plan
  variables {
    health_check_protocol = "HTTP"
  }
  expect_failures = [var.health_check_protocol]
}

run "rejects_lambda_targets" {
  command = plan
  variables {
    target_type = "lambda"
  }
  expect_failures = [var.target_type]
}

run "rejects_duplicate_ports" {
  command = plan
  variables {
    control_plane_port = 1280
  }
  expect_failures = [aws_lb.this]
}

run "rejects_router_port_on_the_api_port" {
  command = plan
  variables {
    router_ports = { edge = 1280 }
  }
  expect_failures = [aws_lb.this]
}

run "rejects_elastic_ips_on_an_internal_nlb" {
  command = plan
  variables {
    internal        = true
    subnet_ids      = []
    subnet_mappings = [{ subnet_id = "subnet-0aaa1111bbbb2222c", allocation_id = "eipalloc-0123456789abcdef0" }]
  }
  expect_failures = [aws_lb.this]
}

run "rejects_private_addresses_on_an_internet_facing_nlb" {
  command = plan
  variables {
    subnet_ids      = []
    subnet_mappings = [{ subnet_id = "subnet-0aaa1111bbbb2222c", private_ipv4_address = "10.0.1.10" }]
  }
  expect_failures = [aws_lb.this]
}

run "rejects_both_subnet_ids_and_mappings" {
  command = plan
  variables {
    subnet_mappings = [{ subnet_id = "subnet-0aaa1111bbbb2222c" }]
  }
  expect_failures = [var.subnet_mappings]
}

run "rejects_no_subnets" {
  command = plan
  variables {
    subnet_ids = []
  }
  expect_failures = [var.subnet_mappings]
}

run "rejects_zone_without_dns_name" {
  command = plan
  variables {
    route53_zone_id = "Z0123456789ABCDEFGHIJ"
  }
  expect_failures = [aws_route53_record.this]
}

run "rejects_cidr_with_host_bits" {
  command = plan
  variables {
    allowed_cidrs = ["203.0.113.7/24"]
  }
  expect_failures = [var.allowed_cidrs]
}

run "rejects_bad_name" {
  command = plan
  variables {
    name = "internal-ctrl"
  }
  expect_failures = [var.name]
}

run "rejects_name_too_long_for_target_group_names" {
  command = plan
  variables {
    name = "a-name-of-twenty-six-chars"
  }
  expect_failures = [var.name]
}
