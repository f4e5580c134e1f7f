data "ziti_config" "web_intercept" {
  name = "web-intercept"
}

output "web_intercept_data" {
  value = jsondecode(data.ziti_config.web_intercept.data)
}
