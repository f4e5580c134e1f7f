# The DNS name in the controller certificate must resolve to the NLB.

resource "aws_route53_record" "this" {
  # A for IPv4 clients, AAAA too when the NLB is dual-stack.
  for_each = var.route53_zone_id == null ? toset([]) : toset(var.ip_address_type == "dualstack" ? ["A", "AAAA"] : ["A"])

  zone_id = var.route53_zone_id
  name    = var.dns_name
  type    = each.key

  alias {
    name                   = aws_lb.this.dns_name
    zone_id                = aws_lb.this.zone_id
    evaluate_target_health = true
  }

  lifecycle {
    precondition {
      condition     = var.dns_name != null
      error_message = "route53_zone_id is set but dns_name is not: set dns_name to the name clients use for the controller (the DNS SAN of its certificate)."
    }
  }
}
