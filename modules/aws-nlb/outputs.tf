locals {
  # The name clients use: the alias record when there is one, else the NLB's.
  client_host = trimsuffix(coalesce(var.dns_name, aws_lb.this.dns_name), ".")
}

output "lb_arn" {
  description = "ARN of the Network Load Balancer."
  value       = aws_lb.this.arn
}

output "lb_dns_name" {
  description = "DNS name AWS assigned to the NLB."
  value       = aws_lb.this.dns_name
}

output "lb_zone_id" {
  description = "Route 53 hosted zone id of the NLB's DNS name (for alias records made elsewhere)."
  value       = aws_lb.this.zone_id
}

output "eip_public_ips" {
  description = "Public addresses of the Elastic IPs created by create_eips (empty otherwise)."
  value       = aws_eip.this[*].public_ip
}

output "listener_ports" {
  description = "Exposed ports by listener name (edge-api, ctrl, router-<name>)."
  value       = local.listeners
}

output "listener_arns" {
  description = "Listener ARNs by listener name."
  value       = { for k, l in aws_lb_listener.this : k => l.arn }
}

output "target_group_arns" {
  description = "Target group ARNs by listener name, for registering targets outside the module (e.g. from an Auto Scaling group)."
  value       = { for k, tg in aws_lb_target_group.this : local.target_groups[k].listener => tg.arn }
}

output "security_group_id" {
  description = "Id of the NLB security group the module created, or null."
  value       = one(aws_security_group.nlb[*].id)
}

output "dns_record_fqdn" {
  description = "FQDN of the Route 53 alias record(s), or null."
  value       = try(aws_route53_record.this["A"].fqdn, null)
}

output "edge_api_address" {
  description = "host:port of the Edge API as clients reach it: the controller's edge.api.address and the issuer host of its enrollment JWTs."
  value       = "${local.client_host}:${var.edge_api_port}"
}

output "control_plane_address" {
  description = "host:port of the control plane as routers reach it (the controller's ctrl advertise address), or null."
  value       = var.control_plane_port == null ? null : "${local.client_host}:${var.control_plane_port}"
}

output "cert_dns_names" {
  description = "DNS names the controller's server certificates must carry as SANs: dns_name, extra_dns_names and (include_lb_dns_name_in_sans) the NLB's own name. Feed to modules/pki."
  value = distinct(compact(concat(
    [var.dns_name == null ? null : trimsuffix(var.dns_name, ".")],
    var.extra_dns_names,
    var.include_lb_dns_name_in_sans ? [aws_lb.this.dns_name] : [],
  )))
}

output "cert_ip_addresses" {
  description = "IP addresses the controller's server certificates must carry as SANs: the Elastic IPs of create_eips, the fixed private addresses of subnet_mappings and extra_ip_addresses. Feed to modules/pki."
  value = distinct(concat(
    aws_eip.this[*].public_ip,
    compact([for m in var.subnet_mappings : m.private_ipv4_address]),
    var.extra_ip_addresses,
  ))
}
