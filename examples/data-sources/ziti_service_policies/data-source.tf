data "ziti_service_policies" "dial" {
  filter = "name contains \"dial\""
}

output "dial_service_policies" {
  value = [for p in data.ziti_service_policies.dial.service_policies : p.name if p.type == "Dial"]
}
