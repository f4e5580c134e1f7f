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

  # One target group per listener, keyed by listener and health check
  # protocol. The provider refuses to switch an existing group's check from
  # HTTPS to TCP: the old matcher and path are Optional+Computed, stay in
  # the plan, and conflict with a TCP check even when another change
  # replaces the group. A new key makes a new group with no prior state.
  # Names are unique per account and region and the new group is created
  # while the old one exists, so each name is derived from every argument
  # that tells two groups apart (VPC, port, target type, protocol, check).
  target_groups = {
    for k, p in local.listeners : "${k}/${lower(local.health_checks[k].protocol)}" => {
      listener     = k
      port         = p
      health_check = local.health_checks[k]
      name         = "${var.name}-${substr(sha1(jsonencode([var.vpc_id, p, var.target_type, "TCP", local.health_checks[k].protocol])), 0, 6)}"
    }
  }
  target_group_of = { for tk, tg in local.target_groups : tg.listener => tk }

  # What AWS cannot change on an existing NLB: its name and scheme, whether
  # it has security groups at all, and the address of each of its subnets
  # (subnets can only be added). Only values known at plan time, so a
  # refusal shows in the plan.
  nlb_fixed = {
    name            = var.name
    internal        = var.internal
    security_groups = var.create_security_group || length(var.security_group_ids) > 0
    subnets = var.create_eips ? tomap({ for s in var.subnet_ids : s => "elastic-ip" }) : tomap(merge(
      { for s in var.subnet_ids : s => "" },
      { for m in var.subnet_mappings : m.subnet_id => "${coalesce(m.allocation_id, "-")}/${coalesce(m.private_ipv4_address, "-")}" },
    ))
  }
  nlb_was = terraform_data.nlb_created_with.output
  # Why the plan replaces the NLB, compared with what it was created with.
  nlb_replaced_by = compact([
    local.nlb_was.name != var.name ? "name ${local.nlb_was.name} -> ${var.name}" : "",
    local.nlb_was.internal != var.internal ? "internal ${local.nlb_was.internal} -> ${var.internal}" : "",
    local.nlb_was.security_groups != local.nlb_fixed.security_groups ? "security groups ${local.nlb_was.security_groups ? "some" : "none"} -> ${local.nlb_fixed.security_groups ? "some" : "none"}" : "",
    join(", ", [for s, a in local.nlb_was.subnets : "subnet ${s} ${lookup(local.nlb_fixed.subnets, s, null) == null ? "removed" : "readdressed"}" if lookup(local.nlb_fixed.subnets, s, null) != a]),
  ])
}

# The NLB as it was created, frozen while deletion protection is on
# (ignore_changes keeps the old input; triggers_replace renews it whenever
# protection is off), so the plan can tell that a change would replace a
# protected NLB.
resource "terraform_data" "nlb_created_with" {
  input            = local.nlb_fixed
  triggers_replace = var.enable_deletion_protection ? null : local.nlb_fixed

  lifecycle {
    ignore_changes = [input]
  }
}

# The provider replaces the NLB for a security-group or Elastic IP change
# only when it can see the new values at plan time; a security group or
# Elastic IP created in the same apply is unknown then, the plan says
# "update in place" and AWS refuses the update. Replacing on the inputs
# makes every such plan say "replace".
resource "terraform_data" "nlb_replace_on" {
  input = {
    security_groups = local.nlb_fixed.security_groups
    elastic_ips     = var.create_eips
  }
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
    replace_triggered_by = [terraform_data.nlb_replace_on.output]

    precondition {
      condition     = !var.enable_deletion_protection || length(local.nlb_replaced_by) == 0
      error_message = "This change replaces the NLB (${join("; ", local.nlb_replaced_by)}): AWS cannot change that on an existing NLB. With enable_deletion_protection = true AWS refuses to delete it, after Terraform has already destroyed its listeners. Apply enable_deletion_protection = false on its own first, then this change (the new NLB gets a new DNS name: cert_dns_names and the controller certificates change), then turn protection back on."
    }
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
  for_each = local.target_groups

  name        = each.value.name
  vpc_id      = var.vpc_id
  port        = each.value.port
  protocol    = "TCP"
  target_type = var.target_type

  # Never a PROXY header in front of the ClientHello (see variables.tf).
  proxy_protocol_v2  = var.proxy_protocol_v2
  preserve_client_ip = tostring(var.preserve_client_ip)

  deregistration_delay   = tostring(var.deregistration_delay)
  connection_termination = var.connection_termination

  health_check {
    enabled  = true
    protocol = each.value.health_check.protocol
    port     = each.value.health_check.port
    path     = each.value.health_check.path
    matcher  = each.value.health_check.matcher
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

  tags = merge(var.tags, { Name = "${var.name}-${each.value.listener}" })

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
    target_group_arn = aws_lb_target_group.this[local.target_group_of[each.key]].arn
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

  target_group_arn  = aws_lb_target_group.this[local.target_group_of[each.value.listener]].arn
  target_id         = each.value.target.id
  port              = each.value.port
  availability_zone = each.value.target.availability_zone
}
