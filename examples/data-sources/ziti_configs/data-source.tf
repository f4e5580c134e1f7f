data "ziti_configs" "intercepts" {
  filter = "name contains \"intercept\""
}

output "intercepts_configs" {
  value = { for c in data.ziti_configs.intercepts.configs : c.name => jsondecode(c.data) }
}
