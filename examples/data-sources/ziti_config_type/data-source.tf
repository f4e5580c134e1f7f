data "ziti_config_type" "intercept" {
  name = "intercept.v1"
}

output "intercept_v1_id" {
  value = data.ziti_config_type.intercept.id
}
