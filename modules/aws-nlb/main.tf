# The controller behind an AWS Network Load Balancer with TCP passthrough:
# clients complete their TLS handshake with the controller itself, so the
# certificate they see is the one that signed their enrollment JWT.

locals {
  # One listener and target group per exposed port, by name.
  listeners = merge(
    { "edge-api" = var.edge_api_port },
    var.control_plane_port == null ? {} : { "ctrl" = var.control_plane_port },
    { for k, p in var.router_ports : "router-${k}" => p },
  )

  # The controller answers /health-checks on the Edge API port only, so the
  # Edge API and control-plane target groups both probe that port: a
  # controller that is up but whose API is down must not get routers either.
  # Router ports are other processes and get a TCP check on their own port.
  health_checks = {
    for k, p in local.listeners : k => (
      var.health_check_protocol == "HTTPS" && (k == "edge-api" || k == "ctrl") ? {
        protocol = "HTTPS"
        port     = tostring(var.edge_api_port)
        path     = var.health_check_path
        matcher  = "200"
        } : {
        protocol = "TCP"
        port     = "traffic-port"
        path     = null
        matcher  = null
      }
    )
  }

  # Keys use the target's position, not its id: ids of instances created in
  # the same apply are unknown at plan time and cannot be for_each keys.
  attachments = merge([
    for k, p in local.listeners : {
      for i, t in var.targets : "${k}/${i}" => { listener = k, port = p, target = t }
    }
  ]...)

  lb_security_groups = concat(aws_security_group.nlb[*].id, var.security_group_ids)

  # With create_eips the subnets are given as mappings carrying the new
  # Elastic IPs.
  subnet_mappings = var.create_eips ? [
    for i, s in var.subnet_ids : { subnet_id = s, allocation_id = aws_eip.this[i].allocation_id, private_ipv4_address = null }
  ] : var.subnet_mappings
}

resource "aws_eip" "this" {
  count = var.create_eips ? length(var.subnet_ids) : 0

  domain = "vpc"
  tags   = merge(var.tags, { Name = "${var.name}-${count.index}" })
}

resource "aws_lb" "this" {
  name               = var.name
  load_balancer_type = var.load_balancer_type
  internal           = var.internal
  ip_address_type    = var.ip_address_type

  subnets = length(var.subnet_ids) > 0 && !var.create_eips ? var.subnet_ids : null
  dynamic "subnet_mapping" {
    for_each = local.subnet_mappings
    content {
      subnet_id            = subnet_mapping.value.subnet_id
      allocation_id        = subnet_mapping.value.allocation_id
      private_ipv4_address = subnet_mapping.value.private_ipv4_address
    }
  }

  security_groups                  = local.lb_security_groups
  enable_cross_zone_load_balancing = var.enable_cross_zone_load_balancing
  enable_deletion_protection       = var.enable_deletion_protection

  tags = merge(var.tags, { Name = var.name })

  lifecycle {
    precondition {
      condition     = var.load_balancer_type == "network"
      error_message = "The controller needs a Network Load Balancer with TCP listeners. ${local.why_passthrough}"
    }
    precondition {
      condition     = length(distinct(values(local.listeners))) == length(local.listeners)
      error_message = "Two exposed ports are the same (${join(", ", [for k, p in local.listeners : "${k}=${p}"])}): edge_api_port, control_plane_port and router_ports need one listener each."
    }
    precondition {
      condition     = !var.internal || alltrue([for m in var.subnet_mappings : m.allocation_id == null])
      error_message = "subnet_mappings[*].allocation_id (Elastic IPs) only work on an internet-facing NLB: set internal = false or use private_ipv4_address."
    }
    precondition {
      condition     = var.internal || alltrue([for m in var.subnet_mappings : m.private_ipv4_address == null])
      error_message = "subnet_mappings[*].private_ipv4_address only works on an internal NLB: set internal = true or use allocation_id (an Elastic IP)."
    }
  }
}

resource "aws_lb_target_group" "this" {
  for_each = local.listeners

  # The name changes with every argument that forces a replacement (port,
  # target type), so create_before_destroy never collides with the old
  # group's name; target group names are unique per account and region.
  name        = "${var.name}-${substr(var.target_type, 0, 1)}${each.value}"
  vpc_id      = var.vpc_id
  port        = each.value
  protocol    = "TCP"
  target_type = var.target_type

  # Never a PROXY header in front of the ClientHello (see variables.tf).
  proxy_protocol_v2  = var.proxy_protocol_v2
  preserve_client_ip = tostring(var.preserve_client_ip)

  deregistration_delay   = tostring(var.deregistration_delay)
  connection_termination = var.connection_termination

  health_check {
    enabled  = true
    protocol = local.health_checks[each.key].protocol
    port     = local.health_checks[each.key].port
    path     = local.health_checks[each.key].path
    matcher  = local.health_checks[each.key].matcher
    interval = var.health_check_interval
    # Below the interval, at most the NLB's 10 s default for HTTPS/TCP.
    timeout             = min(10, var.health_check_interval - 1)
    healthy_threshold   = var.health_check_thresholds.healthy
    unhealthy_threshold = var.health_check_thresholds.unhealthy
  }

  stickiness {
    type    = "source_ip"
    enabled = var.stickiness_enabled
  }

  tags = merge(var.tags, { Name = "${var.name}-${each.key}" })

  lifecycle {
    # A new target group must exist before the listener moves to it.
    create_before_destroy = true
  }
}

resource "aws_lb_listener" "this" {
  for_each = local.listeners

  load_balancer_arn        = aws_lb.this.arn
  port                     = each.value
  protocol                 = var.listener_protocol
  certificate_arn          = var.certificate_arn
  ssl_policy               = var.ssl_policy
  alpn_policy              = var.alpn_policy
  tcp_idle_timeout_seconds = var.tcp_idle_timeout_seconds

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this[each.key].arn
  }

  tags = merge(var.tags, { Name = "${var.name}-${each.key}" })

  lifecycle {
    precondition {
      condition     = var.listener_protocol == "TCP" && var.certificate_arn == null && var.alpn_policy == null
      error_message = "Listener ${each.key} must be plain TCP without certificate or ALPN policy. ${local.why_passthrough}"
    }
    postcondition {
      condition     = self.protocol == "TCP" && self.certificate_arn == null
      error_message = "The provider reports listener ${each.key} as ${self.protocol} with certificate ${coalesce(self.certificate_arn, "none")}: it must be plain TCP. ${local.why_passthrough}"
    }
  }
}

resource "aws_lb_target_group_attachment" "this" {
  for_each = local.attachments

  target_group_arn  = aws_lb_target_group.this[each.value.listener].arn
  target_id         = each.value.target.id
  port              = each.value.port
  availability_zone = each.value.target.availability_zone
}
