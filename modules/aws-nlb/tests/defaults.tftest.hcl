# The default configuration: an internet-facing NLB in front of one
# controller, Edge API on 1280, alias record, security groups.
# Runs against the hashicorp/aws schema double (internal/testproviders/aws).

provider "aws" {
  region = "us-east-1"
}

variables {
  name                     = "ziti-ctrl"
  vpc_id                   = "vpc-0a1b2c3d4e5f60718"
  subnet_ids               = ["subnet-0aaa1111bbbb2222c", "subnet-0ddd3333eeee4444f"]
  targets                  = [{ id = "i-0123456789abcdef0" }]
  allowed_cidrs            = ["203.0.113.0/24", "2001:db8::/32"]
  target_security_group_id = "sg-0c0ffee0c0ffee000"
  route53_zone_id          = "Z0123456789ABCDEFGHIJ"
  dns_name                 = "ctrl.ziti.example.com"
}

run "plan_is_a_tcp_passthrough_nlb" {
  command = plan

  assert {
    condition     = aws_lb.this.load_balancer_type == "network"
    error_message = "the load balancer must be an NLB"
  }
  assert {
    condition     = keys(aws_lb_listener.this) == ["edge-api"]
    error_message = "by default only the Edge API is exposed"
  }
  assert {
    condition     = aws_lb_listener.this["edge-api"].port == 1280 && aws_lb_listener.this["edge-api"].protocol == "TCP"
    error_message = "the Edge API listener must be TCP on 1280"
  }
  assert {
    condition     = aws_lb_listener.this["edge-api"].certificate_arn == null && aws_lb_listener.this["edge-api"].alpn_policy == null
    error_message = "the listener must carry no certificate and no ALPN policy"
  }
  assert {
    condition     = aws_lb_target_group.this["edge-api/https"].protocol == "TCP" && aws_lb_target_group.this["edge-api/https"].port == 1280
    error_message = "the target group must be TCP on the Edge API port"
  }
  assert {
    condition     = aws_lb_target_group.this["edge-api/https"].proxy_protocol_v2 == false
    error_message = "proxy protocol must be off"
  }
  assert {
    condition     = aws_lb_target_group.this["edge-api/https"].preserve_client_ip == "true"
    error_message = "client IPs must be preserved"
  }
  assert {
    condition     = one(aws_lb_target_group.this["edge-api/https"].health_check).protocol == "HTTPS" && one(aws_lb_target_group.this["edge-api/https"].health_check).path == "/health-checks"
    error_message = "the health check must be HTTPS GET /health-checks"
  }
  assert {
    condition     = one(aws_lb_target_group.this["edge-api/https"].health_check).port == "1280"
    error_message = "the health check must probe the Edge API port"
  }
  assert {
    condition     = can(regex("^ziti-ctrl-[0-9a-f]{6}$", aws_lb_target_group.this["edge-api/https"].name)) && one(aws_lb_target_group.this["edge-api/https"].health_check).timeout == 9
    error_message = "target group name is the NLB name and a digest of what replaces the group; health check timeout stays below the 10 s interval"
  }
  assert {
    condition     = aws_lb.this.enable_cross_zone_load_balancing == true && aws_lb.this.internal == false
    error_message = "cross-zone load balancing on, internet-facing by default"
  }
}

run "apply_fills_names_and_the_alias_record" {
  command = apply

  assert {
    condition     = startswith(aws_lb.this.arn, "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/ziti-ctrl/")
    error_message = "unexpected load balancer ARN ${aws_lb.this.arn}"
  }
  assert {
    condition     = aws_lb_listener.this["edge-api"].ssl_policy == null && aws_lb_listener.this["edge-api"].protocol == "TCP"
    error_message = "the applied listener must be plain TCP without an SSL policy"
  }
  assert {
    condition     = one(aws_route53_record.this["A"].alias).name == aws_lb.this.dns_name && one(aws_route53_record.this["A"].alias).zone_id == aws_lb.this.zone_id
    error_message = "the alias record must point at the NLB"
  }
  assert {
    condition     = aws_route53_record.this["A"].name == "ctrl.ziti.example.com" && aws_route53_record.this["A"].type == "A" && keys(aws_route53_record.this) == ["A"]
    error_message = "the alias record must be a single A record for dns_name (ipv4 NLB)"
  }
  assert {
    condition     = aws_lb.this.zone_id == "Z26RNL4JYFTOTI"
    error_message = "an NLB in us-east-1 has hosted zone Z26RNL4JYFTOTI, got ${aws_lb.this.zone_id}"
  }
  assert {
    condition     = one(aws_lb_listener.this["edge-api"].default_action).type == "forward" && one(aws_lb_listener.this["edge-api"].default_action).target_group_arn == aws_lb_target_group.this["edge-api/https"].arn
    error_message = "the listener must forward to the Edge API target group"
  }
  assert {
    condition     = aws_lb_target_group_attachment.this["edge-api/0"].target_id == "i-0123456789abcdef0" && aws_lb_target_group_attachment.this["edge-api/0"].port == 1280
    error_message = "the controller instance must be registered on 1280"
  }
  assert {
    condition     = output.cert_dns_names == tolist(["ctrl.ziti.example.com", aws_lb.this.dns_name])
    error_message = "cert_dns_names must be the alias name and the NLB name, got ${jsonencode(output.cert_dns_names)}"
  }
  assert {
    condition     = output.edge_api_address == "ctrl.ziti.example.com:1280"
    error_message = "edge_api_address must use the alias name"
  }
  assert {
    condition     = length(aws_vpc_security_group_ingress_rule.clients) == 2 && aws_vpc_security_group_ingress_rule.clients["edge-api/2001:db8::/32"].cidr_ipv6 == "2001:db8::/32"
    error_message = "one client rule per allowed CIDR, IPv6 in cidr_ipv6"
  }
  assert {
    condition     = aws_vpc_security_group_ingress_rule.targets["edge-api"].referenced_security_group_id == aws_security_group.nlb[0].id && aws_vpc_security_group_ingress_rule.targets["edge-api"].security_group_id == "sg-0c0ffee0c0ffee000"
    error_message = "the targets must admit the NLB security group"
  }
  assert {
    condition     = contains(aws_lb.this.security_groups, aws_security_group.nlb[0].id)
    error_message = "the NLB must carry its security group"
  }
}

run "dualstack_adds_an_aaaa_alias" {
  command = apply

  variables {
    ip_address_type = "dualstack"
  }

  assert {
    condition     = aws_lb.this.ip_address_type == "dualstack" && keys(aws_route53_record.this) == ["A", "AAAA"]
    error_message = "a dual-stack NLB gets A and AAAA alias records"
  }
  assert {
    condition     = one(aws_route53_record.this["AAAA"].alias).name == aws_lb.this.dns_name && output.dns_record_fqdn == "ctrl.ziti.example.com"
    error_message = "the AAAA alias must point at the NLB too"
  }
}
