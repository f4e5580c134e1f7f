# Security groups: clients -> NLB on the listener ports, NLB -> targets on
# the same ports (which include the health check port, the Edge API port).

locals {
  client_rules = var.create_security_group ? merge([
    for k, p in local.listeners : {
      for c in var.allowed_cidrs : "${k}/${c}" => { listener = k, port = p, cidr = c }
    }
  ]...) : {}

  # Sources allowed into the targets when the module has no NLB security
  # group to reference.
  target_cidrs = distinct(concat(var.allowed_cidrs, var.nlb_subnet_cidrs))
  target_rules = var.target_security_group_id == null ? {} : (
    var.create_security_group ?
    { for k, p in local.listeners : k => { port = p, cidr = null } } :
    merge([
      for k, p in local.listeners : {
        for c in local.target_cidrs : "${k}/${c}" => { port = p, cidr = c }
      }
    ]...)
  )
}

resource "aws_security_group" "nlb" {
  count = var.create_security_group ? 1 : 0

  name_prefix = "${var.name}-nlb-"
  description = "NLB ${var.name}: TCP passthrough to the Ziti controller"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = "${var.name}-nlb" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "clients" {
  for_each = local.client_rules

  security_group_id = aws_security_group.nlb[0].id
  description       = "${each.value.listener}: clients to the NLB (TCP passthrough)"
  ip_protocol       = "tcp"
  from_port         = each.value.port
  to_port           = each.value.port
  cidr_ipv4         = strcontains(each.value.cidr, ":") ? null : each.value.cidr
  cidr_ipv6         = strcontains(each.value.cidr, ":") ? each.value.cidr : null
  tags              = var.tags
}

resource "aws_vpc_security_group_egress_rule" "targets" {
  for_each = var.create_security_group ? local.listeners : {}

  security_group_id            = aws_security_group.nlb[0].id
  description                  = "${each.key}: NLB to the controller targets"
  ip_protocol                  = "tcp"
  from_port                    = each.value
  to_port                      = each.value
  referenced_security_group_id = var.target_security_group_id
  # Without a target security group the NLB may reach the targets' port
  # anywhere; the targets' own rules decide.
  cidr_ipv4 = var.target_security_group_id == null ? "0.0.0.0/0" : null
  tags      = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "targets" {
  for_each = local.target_rules

  security_group_id            = var.target_security_group_id
  description                  = "${split("/", each.key)[0]}: from the NLB (TCP passthrough)"
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
  referenced_security_group_id = each.value.cidr == null ? aws_security_group.nlb[0].id : null
  cidr_ipv4                    = each.value.cidr != null && !strcontains(coalesce(each.value.cidr, "-"), ":") ? each.value.cidr : null
  cidr_ipv6                    = each.value.cidr != null && strcontains(coalesce(each.value.cidr, "-"), ":") ? each.value.cidr : null
  tags                         = var.tags
}
