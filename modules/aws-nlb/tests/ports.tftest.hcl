# Control-plane and router ports, IP targets, an internal NLB with fixed
# addresses, and the TCP health check option.

provider "aws" {
  region = "eu-west-1"
}

variables {
  name                        = "ziti"
  vpc_id                      = "vpc-0a1b2c3d4e5f60718"
  internal                    = true
  subnet_mappings             = [{ subnet_id = "subnet-0aaa1111bbbb2222c", private_ipv4_address = "10.0.1.10" }, { subnet_id = "subnet-0ddd3333eeee4444f", private_ipv4_address = "10.0.2.10" }]
  target_type                 = "ip"
  targets                     = [{ id = "10.0.1.20" }, { id = "10.0.2.20" }]
  control_plane_port          = 6262
  router_ports                = { edge = 3022 }
  allowed_cidrs               = ["10.0.0.0/16"]
  target_security_group_id    = "sg-0c0ffee0c0ffee000"
  dns_name                    = "ctrl.internal.example.com."
  extra_dns_names             = ["ziti-ctrl.service.consul"]
  include_lb_dns_name_in_sans = false
}

run "three_tcp_listeners_and_their_target_groups" {
  command = apply

  assert {
    condition     = { for k, l in aws_lb_listener.this : k => [l.port, l.protocol, l.certificate_arn == null] } == { "edge-api" = [1280, "TCP", true], "ctrl" = [6262, "TCP", true], "router-edge" = [3022, "TCP", true] }
    error_message = "expected TCP listeners 1280, 6262 and 3022 without certificates"
  }
  assert {
    condition     = alltrue([for tg in aws_lb_target_group.this : tg.protocol == "TCP" && tg.proxy_protocol_v2 == false && tg.target_type == "ip" && tg.preserve_client_ip == "true"])
    error_message = "every target group must be TCP, ip targets, proxy protocol off, client IP preserved"
  }
  assert {
    condition     = one(aws_lb_target_group.this["ctrl/https"].health_check).protocol == "HTTPS" && one(aws_lb_target_group.this["ctrl/https"].health_check).port == "1280" && one(aws_lb_target_group.this["ctrl/https"].health_check).path == "/health-checks"
    error_message = "the control plane target group must be health checked on the Edge API's /health-checks"
  }
  assert {
    condition     = one(aws_lb_target_group.this["router-edge/tcp"].health_check).protocol == "TCP" && one(aws_lb_target_group.this["router-edge/tcp"].health_check).port == "traffic-port" && one(aws_lb_target_group.this["router-edge/tcp"].health_check).path == null
    error_message = "router ports get a TCP health check on their own port"
  }
  assert {
    condition     = length(aws_lb_target_group_attachment.this) == 6 && aws_lb_target_group_attachment.this["ctrl/1"].target_id == "10.0.2.20" && aws_lb_target_group_attachment.this["ctrl/1"].port == 6262
    error_message = "each target must be registered in each target group"
  }
  assert {
    condition     = length(aws_vpc_security_group_ingress_rule.clients) == 3 && length(aws_vpc_security_group_egress_rule.targets) == 3 && length(aws_vpc_security_group_ingress_rule.targets) == 3
    error_message = "one client rule, one egress rule and one target rule per port"
  }
  assert {
    condition     = aws_lb.this.internal && aws_lb.this.zone_id == "Z2IFOLAFXWLO4F" && startswith(aws_lb.this.dns_name, "ziti-") && endswith(aws_lb.this.dns_name, ".elb.eu-west-1.amazonaws.com")
    error_message = "internal NLB in eu-west-1, got ${aws_lb.this.dns_name} in ${aws_lb.this.zone_id}"
  }
  assert {
    condition     = output.cert_dns_names == tolist(["ctrl.internal.example.com", "ziti-ctrl.service.consul"]) && output.cert_ip_addresses == tolist(["10.0.1.10", "10.0.2.10"])
    error_message = "SANs must be the DNS names and the fixed private addresses"
  }
  assert {
    condition     = output.control_plane_address == "ctrl.internal.example.com:6262" && length(aws_route53_record.this) == 0
    error_message = "control plane address through dns_name; no record without a zone"
  }
  assert {
    condition     = aws_lb_listener.this["ctrl"].tcp_idle_timeout_seconds == 350
    error_message = "TCP idle timeout defaults to 350 seconds"
  }
}

run "tcp_health_checks_and_no_security_group" {
  command = apply

  variables {
    health_check_protocol    = "TCP"
    create_security_group    = false
    nlb_subnet_cidrs         = ["10.0.1.0/24", "10.0.2.0/24"]
    tcp_idle_timeout_seconds = 3600
  }

  assert {
    # New groups, not updated ones: an existing group would keep its HTTPS
    # matcher and path (Optional+Computed), which the provider refuses
    # beside a TCP check.
    condition     = alltrue([for tg in aws_lb_target_group.this : one(tg.health_check).protocol == "TCP" && one(tg.health_check).port == "traffic-port" && one(tg.health_check).path == null && one(tg.health_check).matcher == null])
    error_message = "with health_check_protocol = TCP every target group gets a TCP check without path or matcher"
  }
  assert {
    condition     = length(aws_security_group.nlb) == 0 && length(aws_lb.this.security_groups) == 0
    error_message = "no NLB security group when create_security_group = false"
  }
  assert {
    condition     = length(aws_vpc_security_group_ingress_rule.targets) == 9 && aws_vpc_security_group_ingress_rule.targets["edge-api/10.0.1.0/24"].cidr_ipv4 == "10.0.1.0/24"
    error_message = "without an NLB security group the targets admit allowed_cidrs and the NLB subnets"
  }
  assert {
    condition     = alltrue([for l in aws_lb_listener.this : l.tcp_idle_timeout_seconds == 3600])
    error_message = "tcp_idle_timeout_seconds must reach the listeners"
  }
}
