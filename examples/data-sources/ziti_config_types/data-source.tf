data "ziti_config_types" "v1" {
  filter = "name contains \".v1\""
}

output "v1_config_types" {
  value = data.ziti_config_types.v1.ids
}
