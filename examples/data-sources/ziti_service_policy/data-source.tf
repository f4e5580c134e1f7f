data "ziti_service_policy" "demo_dial" {
  name = "demo-dial"
}

output "demo_dial_identity_roles" {
  value = data.ziti_service_policy.demo_dial.identity_roles
}
